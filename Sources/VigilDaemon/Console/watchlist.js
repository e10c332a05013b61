"use strict";
// Watchlist administration: the list with filters and pages, enrolment from
// photos and fingers, an entry's details, samples and removal, and the
// category editor.
const Watchlist = {
  pageSize: 25,

  async categoryNames() {
    const { categories } = await Api.get("/v1/watchlist/categories");
    return categories.map((c) => c.name);
  },

  async list() {
    const params = new URLSearchParams(location.hash.split("?")[1] ?? "");
    const offset = Number(params.get("offset") ?? 0);
    const category = el("select", { id: "filter-category" }, el("option", { value: "", text: t("all_categories") }));
    const expiry = el("select", { id: "filter-expiry" },
      el("option", { value: "", text: t("any_expiry") }), el("option", { value: "never", text: t("no_expiry") }),
      el("option", { value: "set", text: t("with_expiry") }));
    const text = el("input", { type: "search", id: "filter-text", maxlength: 100, "data-i18n-placeholder": "search_placeholder" });
    const table = el("tbody", { id: "entries" });
    const pager = el("div", { class: "row pager" });
    const form = el("form", { class: "filters row", id: "filters" },
      UI.field("category", category), UI.field("expiry", expiry), UI.field("search", text),
      el("button", { type: "submit", text: t("apply_filters") }));
    for (const name of await this.categoryNames()) category.append(el("option", { value: name, text: name }));
    category.value = params.get("category") ?? "";
    expiry.value = params.get("expires") ?? "";
    text.value = params.get("q") ?? "";
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const query = new URLSearchParams();
      if (category.value) query.set("category", category.value);
      if (expiry.value) query.set("expires", expiry.value);
      if (text.value.trim()) query.set("q", text.value.trim());
      location.hash = `#/watchlist?${query}`;
    });
    UI.page("watchlist_title", form,
      el("table", { class: "grid" },
        el("thead", {}, el("tr", {}, ...["name", "category", "external_ref", "samples", "expires_at"].map((k) => el("th", { text: t(k) })))),
        table),
      pager);
    I18N.apply(form);
    const query = new URLSearchParams(params);
    query.set("limit", this.pageSize);
    query.set("offset", offset);
    const page = await Api.get(`/v1/watchlist/entries?${query}`);
    for (const entry of page.entries) {
      table.append(el("tr", {},
        el("td", {}, el("a", { href: `#/entry/${entry.id}`, class: "entry-name", text: entry.name })),
        el("td", { text: entry.category }), el("td", { text: entry.external_ref ?? "" }),
        el("td", { text: String(entry.samples.length) }), el("td", { text: UI.date(entry.expires_at) })));
    }
    if (!page.entries.length) table.append(el("tr", {}, el("td", { colspan: 5, text: t("no_entries") })));
    const move = (to) => {
      const next = new URLSearchParams(params);
      next.set("offset", to);
      location.hash = `#/watchlist?${next}`;
    };
    pager.append(...[el("span", { text: t("page_of", { from: page.total ? offset + 1 : 0, to: offset + page.entries.length, total: page.total }) }),
      offset > 0 ? el("button", { type: "button", text: t("previous"), onclick: () => move(Math.max(0, offset - this.pageSize)) }) : null,
      offset + page.entries.length < page.total ? el("button", { type: "button", text: t("next"), onclick: () => move(offset + this.pageSize) }) : null].filter(Boolean));
  },

  async enrol() {
    const input = (id, attributes = {}) => el("input", { id, type: "text", ...attributes });
    const name = input("enrol-name", { required: true, maxlength: 200 });
    const category = el("select", { id: "enrol-category", required: true });
    const aliases = input("enrol-aliases");
    const birth = input("enrol-birth", { type: "date" });
    const nationality = input("enrol-nationality", { maxlength: 3 });
    const reference = input("enrol-reference", { maxlength: 200 });
    const handling = el("textarea", { id: "enrol-handling", rows: 2 });
    const expires = input("enrol-expires", { type: "date" });
    const photos = el("input", { type: "file", id: "enrol-photos", accept: "image/*", multiple: true });
    const status = el("div", { class: "status", id: "enrol-status", "aria-live": "polite" });
    for (const value of await this.categoryNames()) category.append(el("option", { value, text: value }));
    const submit = el("button", { type: "submit", class: "primary", text: t("enrol"), title: "Alt+E" });
    const form = el("form", { class: "card", id: "enrol-form" },
      UI.field("name", name), UI.field("category", category), UI.field("aliases", aliases, "aliases_hint"),
      UI.field("date_of_birth", birth), UI.field("nationality", nationality, "nationality_hint"),
      UI.field("external_ref", reference), UI.field("handling_instructions", handling), UI.field("expires_at", expires),
      UI.field("photos", photos, "photos_hint"), submit, status);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = new FormData();
      body.append("name", name.value);
      body.append("category", category.value);
      const aliasList = aliases.value.split(",").map((a) => a.trim()).filter(Boolean);
      if (aliasList.length) body.append("aliases", JSON.stringify(aliasList));
      if (birth.value) body.append("date_of_birth", birth.value);
      if (nationality.value) body.append("nationality", nationality.value.toUpperCase());
      if (reference.value) body.append("external_ref", reference.value);
      if (handling.value) body.append("handling_instructions", handling.value);
      if (expires.value) body.append("expires_at", `${expires.value}T00:00:00Z`);
      for (const file of photos.files) body.append("faces", file, file.name);
      submit.disabled = true;
      status.replaceChildren(UI.notice(t("enrolling")));
      try {
        const result = await Api.post("/v1/watchlist/entries", { form: body });
        status.replaceChildren(UI.notice(t("enrolled", { name: result.name, faces: result.faces.length }), "success"),
          el("a", { href: `#/entry/${result.id}`, text: t("open_entry") }));
        form.reset();
      } catch (failure) {
        status.replaceChildren(UI.error(failure));
      } finally {
        submit.disabled = false;
      }
    });
    UI.setShortcuts({ e: () => form.requestSubmit() });
    UI.page("enrol_title", form);
  },

  async entry(id) {
    const container = el("section", { id: "entry" });
    UI.page("entry_title", container);
    const entry = await Api.get(`/v1/watchlist/entries/${encodeURIComponent(id)}`);
    const facts = [["name", entry.name], ["category", entry.category], ["aliases", (entry.aliases ?? []).join(", ")],
      ["date_of_birth", entry.date_of_birth], ["nationality", entry.nationality], ["external_ref", entry.external_ref],
      ["handling_instructions", entry.handling_instructions], ["expires_at", UI.date(entry.expires_at)],
      ["version", `${entry.created_version} → ${entry.updated_version}`]];
    const status = el("div", { class: "status" });
    const remove = el("button", { type: "button", class: "danger", id: "remove-entry", text: t("remove_entry") });
    remove.addEventListener("click", async () => {
      if (!confirm(t("remove_confirm", { name: entry.name }))) return;
      try {
        await Api.delete(`/v1/watchlist/entries/${encodeURIComponent(id)}`);
        location.hash = "#/watchlist";
      } catch (failure) {
        status.replaceChildren(UI.error(failure));
      }
    });
    const samples = el("ul", { class: "samples" }, ...entry.samples.map((sample) => el("li", {},
      `${t(`sample_${sample.kind}`)} #${sample.id}${sample.position ? ` (${t(`finger_${Desk.fingerPositions[sample.position - 1] ?? sample.position}`)})` : ""} · `,
      el("code", { text: sample.digest.slice(0, 16) }),
      el("button", { type: "button", class: "quiet", text: t("remove"), onclick: async () => {
        try {
          await Api.delete(`/v1/watchlist/entries/${encodeURIComponent(id)}/samples/${encodeURIComponent(`${sample.kind}-${sample.id}`)}`);
          Watchlist.entry(id);
        } catch (failure) {
          status.replaceChildren(UI.error(failure));
        }
      } }))));
    const more = el("input", { type: "file", accept: "image/*", multiple: true, id: "add-photos" });
    const add = el("button", { type: "button", text: t("add_photos"), onclick: async () => {
      const body = new FormData();
      for (const file of more.files) body.append("faces", file, file.name);
      try {
        await Api.post(`/v1/watchlist/entries/${encodeURIComponent(id)}/samples`, { form: body });
        Watchlist.entry(id);
      } catch (failure) {
        status.replaceChildren(UI.error(failure));
      }
    } });
    container.replaceChildren(
      el("dl", { class: "facts-list" }, ...facts.filter(([, v]) => v).flatMap(([k, v]) => [el("dt", { text: t(k) }), el("dd", { text: v })])),
      el("h2", { text: t("samples") }), samples,
      el("div", { class: "row" }, more, add),
      el("div", { class: "row" }, remove), status);
  },

  async categories() {
    const container = el("section", { id: "categories" });
    UI.page("categories_title", container);
    const { categories, face_operating_points: points } = await Api.get("/v1/watchlist/categories");
    const rows = categories.map((category) => {
      const point = points.find((p) => p.category === category.name);
      const fpir = el("input", { type: "number", step: "0.001", min: "0", max: "1", value: category.target_fpir ?? "" });
      const confirmations = el("input", { type: "number", min: "1", max: "5", value: category.confirmations });
      const action = el("input", { type: "text", value: category.action, maxlength: 500 });
      const protective = el("input", { type: "checkbox", checked: category.protective });
      const status = el("span", { class: "status" });
      const save = el("button", { type: "button", text: t("save"), onclick: async () => {
        try {
          const body = { ...category, confirmations: Number(confirmations.value), action: action.value, protective: protective.checked };
          if (fpir.value !== "") body.target_fpir = Number(fpir.value); else delete body.target_fpir;
          await Api.put(`/v1/watchlist/categories/${encodeURIComponent(category.name)}`, body);
          status.replaceChildren(UI.notice(t("saved"), "success"));
        } catch (failure) {
          status.replaceChildren(UI.error(failure));
        }
      } });
      return el("tr", {}, el("td", { text: category.name }), el("td", {}, fpir),
        el("td", { text: point ? `${UI.score(point.threshold)} (${t("expected_fpir")} ${UI.score(point.expected_fpir * 100, 2)}%)` : "" }),
        el("td", {}, confirmations), el("td", {}, protective), el("td", {}, action), el("td", {}, save, status));
    });
    container.replaceChildren(el("table", { class: "grid" },
      el("thead", {}, el("tr", {}, ...["category", "target_fpir", "threshold", "confirmations", "protective", "action", ""].map((k) => el("th", { text: k ? t(k) : "" })))),
      el("tbody", {}, ...rows)));
  },
};
