"use strict";
// The auditor's view: records with filters, verification of the chain and
// replay of screenings, and who adjudicated what and when.
const Audit = {
  async show() {
    const params = new URLSearchParams(location.hash.split("?")[1] ?? "");
    const action = el("select", { id: "audit-action" }, el("option", { value: "", text: t("all_actions") }),
      ...["screening", "adjudication", "photo.view", "console.sign_in", "audit.verify", "audit.replay", "retention"].map((a) =>
        el("option", { value: a, text: a })));
    const actor = el("input", { type: "text", id: "audit-actor", maxlength: 64 });
    const from = el("input", { type: "number", id: "audit-from", min: 1 });
    action.value = params.get("action") ?? "";
    actor.value = params.get("actor") ?? "";
    from.value = params.get("from") ?? "";
    const filters = el("form", { class: "filters row" }, UI.field("action", action), UI.field("actor", actor),
      UI.field("from_seq", from), el("button", { type: "submit", text: t("apply_filters") }));
    filters.addEventListener("submit", (event) => {
      event.preventDefault();
      const query = new URLSearchParams();
      if (action.value) query.set("action", action.value);
      if (actor.value.trim()) query.set("actor", actor.value.trim());
      if (from.value) query.set("from", from.value);
      location.hash = `#/audit?${query}`;
    });
    const outcome = el("div", { id: "audit-outcome", "aria-live": "polite" });
    const verify = el("button", { type: "button", class: "primary", id: "verify", text: t("verify_chain"), title: "Alt+V" });
    const replay = el("button", { type: "button", id: "replay", text: t("replay_screenings"), title: "Alt+R" });
    verify.addEventListener("click", async () => {
      outcome.replaceChildren(UI.notice(t("verifying")));
      try {
        const report = await Api.post("/v1/audit/verify", { json: {} });
        outcome.replaceChildren(report.ok
          ? UI.notice(t("verify_ok", { records: report.records, checkpoints: report.checkpoints }), "success")
          : UI.notice(t("verify_failed", { seq: report.first_bad_seq, reason: report.reason ?? "" }), "error"));
      } catch (failure) {
        outcome.replaceChildren(UI.error(failure));
      }
    });
    replay.addEventListener("click", async () => {
      outcome.replaceChildren(UI.notice(t("replaying")));
      try {
        const report = await Api.post("/v1/audit/replay", { json: {} });
        outcome.replaceChildren(UI.notice(t("replay_result", { screenings: report.screenings, agreed: report.agreed }),
          report.divergences.length ? "error" : "success"),
        el("ul", { class: "divergences" }, ...report.divergences.map((d) => el("li", { text: `#${d.seq}: ${d.reason}` }))));
      } catch (failure) {
        outcome.replaceChildren(UI.error(failure));
      }
    });
    UI.setShortcuts({ v: () => verify.click(), r: () => replay.click() });
    const rows = el("tbody", { id: "records" });
    UI.page("audit_title", el("div", { class: "row" }, verify, replay), outcome, filters,
      el("table", { class: "grid" }, el("thead", {}, el("tr", {},
        ...["seq", "recorded_at", "action", "actor", "post", "subject", "outcome"].map((k) => el("th", { text: t(k) })))), rows));
    const query = new URLSearchParams(params);
    query.set("limit", 100);
    const { records } = await Api.get(`/v1/audit/records?${query}`);
    for (const record of records) {
      rows.append(el("tr", {}, el("td", { text: String(record.seq) }), el("td", { text: UI.date(record.recorded_at) }),
        el("td", { text: record.action }), el("td", { text: `${record.actor_id} (${record.actor_role})` }),
        el("td", { text: record.post_id ?? "" }), el("td", { text: record.subject ?? "" }),
        el("td", { text: Audit.outcome(record) })));
    }
    if (!records.length) rows.append(el("tr", {}, el("td", { colspan: 7, text: t("no_records") })));
  },

  // An adjudication names its officer and state in its result: show them.
  outcome(record) {
    if (record.action !== "adjudication") return record.outcome ?? "";
    try {
      const result = JSON.parse(record.result);
      return `${record.outcome}: ${result.officer_id} → ${result.state}`;
    } catch {
      return record.outcome ?? "";
    }
  },
};
