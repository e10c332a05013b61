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
    const draw = UI.drawer();
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
    if (!draw("watchlist_title", form,
      el("table", { class: "grid" },
        el("thead", {}, el("tr", {}, ...["name", "category", "external_ref", "samples", "expires_at"].map((k) => el("th", { text: t(k) })))),
        table),
      pager)) return;
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
    const draw = UI.drawer();
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
    const fingers = new FingerRows();
    const status = el("div", { class: "status", id: "enrol-status", "aria-live": "polite" });
    for (const value of await this.categoryNames()) category.append(el("option", { value, text: value }));
    const submit = el("button", { type: "submit", class: "primary", text: t("enrol"), title: "Alt+E" });
    const form = el("form", { class: "card", id: "enrol-form" },
      UI.field("name", name), UI.field("category", category), UI.field("aliases", aliases, "aliases_hint"),
      UI.field("date_of_birth", birth), UI.field("nationality", nationality, "nationality_hint"),
      UI.field("external_ref", reference), UI.field("handling_instructions", handling), UI.field("expires_at", expires),
      UI.field("photos", photos, "photos_hint"),
      el("h2", { text: t("fingers") }), fingers.container, fingers.addButton, el("div", { class: "row" }, submit), status);
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
      fingers.appendTo(body);
      submit.disabled = true;
      status.replaceChildren(UI.notice(t("enrolling")));
      try {
        const result = await Api.post("/v1/watchlist/entries", { form: body });
        status.replaceChildren(UI.notice(t("enrolled", { name: result.name, faces: result.faces.length, fingers: result.fingers.length }), "success"),
          el("a", { href: `#/entry/${result.id}`, text: t("open_entry") }));
        form.reset();
      } catch (failure) {
        status.replaceChildren(UI.error(failure));
      } finally {
        submit.disabled = false;
      }
    });
    UI.setShortcuts({ e: () => form.requestSubmit() });
    draw("enrol_title", form);
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
      `${t(`sample_${sample.kind}`)} ${sample.id}${sample.position ? ` (${t(`finger_${sample.position}`)})` : ""} · `,
      el("code", { text: sample.digest.slice(0, 16) }),
      el("button", { type: "button", class: "quiet", text: t("remove"), onclick: async () => {
        try {
          await Api.delete(`/v1/watchlist/entries/${encodeURIComponent(id)}/samples/${encodeURIComponent(sample.id)}`);
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
    const { events } = await Api.get(`/v1/watchlist/events?entry=${encodeURIComponent(id)}&limit=200`);
    const editor = await Watchlist.editor(entry, status);
    const history = el("table", { class: "grid", id: "history" },
      el("thead", {}, el("tr", {}, ...["version", "recorded_at", "action", "category", "samples"].map((k) => el("th", { text: t(k) })))),
      el("tbody", {}, ...events.map((event) => el("tr", {},
        el("td", { text: String(event.version) }), el("td", { text: UI.date(event.recorded_at) }),
        el("td", { text: t(`event_${event.action}`) }), el("td", { text: event.details?.category ?? "" }),
        el("td", { text: [...(event.details?.added ?? []).map((r) => `+${r.kind}`), ...(event.details?.removed ?? []).map((r) => `−${r.kind}`)].join(" ") })))));
    container.replaceChildren(
      el("dl", { class: "facts-list" }, ...facts.filter(([, v]) => v).flatMap(([k, v]) => [el("dt", { text: t(k) }), el("dd", { text: v })])),
      el("h2", { text: t("samples") }), samples,
      el("div", { class: "row" }, more, add),
      el("div", { class: "row" }, remove), status,
      el("h2", { text: t("edit_details") }), editor,
      el("h2", { text: t("history") }), history);
  },

  // The entry's details as a form; only the fields changed are sent (PATCH),
  // an emptied optional field is cleared.
  async editor(entry, status) {
    const category = el("select", { id: "edit-category" });
    for (const value of await this.categoryNames()) category.append(el("option", { value, text: value }));
    category.value = entry.category;
    const fields = {
      name: el("input", { type: "text", id: "edit-name", value: entry.name, required: true, maxlength: 200 }),
      aliases: el("input", { type: "text", id: "edit-aliases", value: (entry.aliases ?? []).join(", ") }),
      date_of_birth: el("input", { type: "text", id: "edit-birth", value: entry.date_of_birth ?? "" }),
      nationality: el("input", { type: "text", id: "edit-nationality", value: entry.nationality ?? "", maxlength: 3 }),
      external_ref: el("input", { type: "text", id: "edit-reference", value: entry.external_ref ?? "" }),
      handling_instructions: el("textarea", { id: "edit-handling", rows: 2, text: entry.handling_instructions ?? "" }),
      expires_at: el("input", { type: "date", id: "edit-expires", value: (entry.expires_at ?? "").slice(0, 10) }),
    };
    const form = el("form", { class: "card", id: "edit-form" }, UI.field("name", fields.name), UI.field("category", category),
      UI.field("aliases", fields.aliases, "aliases_hint"), UI.field("date_of_birth", fields.date_of_birth),
      UI.field("nationality", fields.nationality, "nationality_hint"), UI.field("external_ref", fields.external_ref),
      UI.field("handling_instructions", fields.handling_instructions), UI.field("expires_at", fields.expires_at),
      el("button", { type: "submit", class: "primary", text: t("save") }));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const patch = {};
      if (fields.name.value !== entry.name) patch.name = fields.name.value;
      if (category.value !== entry.category) patch.category = category.value;
      const aliases = fields.aliases.value.split(",").map((a) => a.trim()).filter(Boolean);
      if (aliases.join(",") !== (entry.aliases ?? []).join(",")) patch.aliases = aliases;
      for (const key of ["date_of_birth", "nationality", "external_ref", "handling_instructions"]) {
        const value = fields[key].value.trim();
        if (value !== (entry[key] ?? "")) patch[key] = value === "" ? null : (key === "nationality" ? value.toUpperCase() : value);
      }
      const expires = fields.expires_at.value;
      if (expires !== (entry.expires_at ?? "").slice(0, 10)) patch.expires_at = expires ? `${expires}T00:00:00Z` : null;
      if (!Object.keys(patch).length) return;
      try {
        await Api.patch(`/v1/watchlist/entries/${encodeURIComponent(entry.id)}`, patch);
        Watchlist.entry(entry.id);
      } catch (failure) {
        status.replaceChildren(UI.error(failure));
      }
    });
    return form;
  },

  // Pairs of entries that look like the same person (face or fingers), strongest first.
  async duplicates() {
    const container = el("section", { id: "duplicates" });
    UI.page("duplicates_title", UI.notice(t("duplicates_explained")), container);
    const { pairs } = await Api.get("/v1/watchlist/duplicates");
    const link = (id, category) => el("a", { href: `#/entry/${id}`, text: `${category} · ${id.slice(0, 8)}` });
    container.replaceChildren(pairs.length
      ? el("table", { class: "grid" },
        el("thead", {}, el("tr", {}, ...["first", "second", "face_score", "fused_score"].map((k) => el("th", { text: t(k) })))),
        el("tbody", {}, ...pairs.map((pair) => el("tr", {},
          el("td", {}, link(pair.first, pair.first_category)), el("td", {}, link(pair.second, pair.second_category)),
          el("td", { text: UI.score(pair.score) }), el("td", { text: UI.score(pair.fused_score, 2) })))))
      : UI.notice(t("no_duplicates")));
  },

  // A manifest already under the daemon's import folder, imported in the
  // background: a live progress bar, then the line-by-line report.
  async importPage() {
    const manifest = el("input", { type: "text", id: "import-manifest", required: true, maxlength: 500 });
    const bar = el("progress", { id: "import-progress", max: 1, value: 0, hidden: true });
    const counts = el("p", { id: "import-counts", "aria-live": "polite" });
    const report = el("div", { id: "import-report" });
    const submit = el("button", { type: "submit", class: "primary", text: t("start_import") });
    const form = el("form", { class: "card", id: "import-form" }, UI.field("manifest", manifest, "manifest_hint"), submit);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      submit.disabled = true;
      report.replaceChildren();
      try {
        let job = await Api.post("/v1/watchlist/imports", { json: { manifest: manifest.value.trim() } });
        bar.hidden = false;
        while (true) {
          const p = job.progress;
          bar.max = Math.max(1, p.lines);
          bar.value = p.processed;
          counts.textContent = t("import_counts", { processed: p.processed, lines: p.lines, imported: p.imported, skipped: p.skipped, rejected: p.rejected });
          if (job.status !== "running") break;
          await new Promise((resolve) => setTimeout(resolve, 500));
          job = await Api.get(`/v1/watchlist/imports/${encodeURIComponent(job.id)}`);
        }
        if (job.error) throw new ApiError(400, job.error.code, job.error.message);
        const r = job.report;
        report.replaceChildren(UI.notice(t("import_done", { imported: r.imported, lines: r.lines, seconds: r.seconds.toFixed(1) }), "success"),
          el("ul", { class: "report" },
            ...r.rejected.map((x) => el("li", { class: "rejected", text: t("import_rejected", { line: x.line, code: x.code, reason: x.reason }) })),
            ...r.skipped.map((x) => el("li", { class: "skipped", text: t("import_skipped", { line: x.line, entry: x.entry_id }) }))));
      } catch (failure) {
        report.replaceChildren(UI.error(failure));
      } finally {
        submit.disabled = false;
      }
    });
    UI.page("import_title", form, bar, counts, report);
  },

  async categories() {
    const container = el("section", { id: "categories" });
    UI.page("categories_title", container);
    const { categories, face_operating_points: points } = await Api.get("/v1/watchlist/categories");
    const rows = categories.map((category) => {
      const point = points.find((p) => p.category === category.name);
      const fpir = el("input", { type: "number", step: "0.001", min: "0", max: "1", value: category.target_fpir ?? "" });
      const raw = el("input", { type: "number", step: "0.001", min: "-1", max: "1", value: category.match_threshold, title: t("raw_threshold_hint") });
      const confirmations = el("input", { type: "number", min: "1", max: "5", value: category.confirmations });
      const action = el("input", { type: "text", value: category.action, maxlength: 500 });
      const protective = el("input", { type: "checkbox", checked: category.protective });
      const status = el("span", { class: "status" });
      const save = el("button", { type: "button", text: t("save"), onclick: async () => {
        try {
          const body = { ...category, confirmations: Number(confirmations.value), action: action.value, protective: protective.checked,
            match_threshold: Number(raw.value) };
          if (fpir.value !== "") body.target_fpir = Number(fpir.value); else delete body.target_fpir;
          await Api.put(`/v1/watchlist/categories/${encodeURIComponent(category.name)}`, body);
          status.replaceChildren(UI.notice(t("saved"), "success"));
        } catch (failure) {
          status.replaceChildren(UI.error(failure));
        }
      } });
      return el("tr", {}, el("td", { text: category.name }), el("td", {}, fpir), el("td", {}, raw),
        el("td", { text: point ? `${UI.score(point.threshold)} (${t("expected_fpir")} ${UI.score(point.expected_fpir * 100, 2)}%)` : "" }),
        el("td", {}, confirmations), el("td", {}, protective), el("td", {}, action), el("td", {}, save, status));
    });
    container.replaceChildren(el("table", { class: "grid" },
      el("thead", {}, el("tr", {}, ...["category", "target_fpir", "raw_threshold", "threshold", "confirmations", "protective", "action", ""].map((k) => el("th", { text: k ? t(k) : "" })))),
      el("tbody", {}, ...rows)));
  },
};
