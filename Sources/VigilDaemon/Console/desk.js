"use strict";
// The border post's screening desk: capture (camera or file), fingers by
// position, the result with the face boxes drawn, plain-language recapture
// prompts, candidates beside their watchlist photo, and adjudication.
const Desk = {
  stream: null,

  show() {
    const face = el("input", { type: "file", id: "face-file", accept: "image/*" });
    const preview = el("canvas", { id: "capture", class: "capture", width: 640, height: 480, hidden: true });
    const video = el("video", { id: "camera", class: "capture", autoplay: true, playsinline: true, muted: true, hidden: true });
    let captured = null; // a Blob from the camera, or the chosen file
    const fingers = new FingerRows();
    const result = el("section", { id: "result", "aria-live": "polite" });

    face.addEventListener("change", () => {
      captured = face.files[0] ?? null;
      if (captured) Desk.drawCapture(preview, captured, []);
    });
    const cameraButton = el("button", { type: "button", id: "camera-button", text: t("use_camera"), title: "Alt+C" });
    const takeButton = el("button", { type: "button", id: "take-photo", text: t("take_photo"), hidden: true });
    cameraButton.addEventListener("click", async () => {
      try {
        Desk.stopCamera();
        Desk.stream = await navigator.mediaDevices.getUserMedia({ video: { width: 1280, height: 720 } });
        video.srcObject = Desk.stream;
        video.hidden = false;
        takeButton.hidden = false;
      } catch (failure) {
        result.replaceChildren(UI.notice(t("camera_unavailable"), "error"));
      }
    });
    takeButton.addEventListener("click", () => {
      const canvas = document.createElement("canvas");
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      canvas.getContext("2d").drawImage(video, 0, 0);
      canvas.toBlob((blob) => {
        captured = blob;
        Desk.stopCamera();
        video.hidden = true;
        takeButton.hidden = true;
        Desk.drawCapture(preview, blob, []);
      }, "image/jpeg", 0.92);
    });

    const submit = el("button", { type: "submit", class: "primary", id: "screen-button", text: t("screen"), title: "Alt+S" });
    const form = el("form", { class: "card", id: "screen-form" },
      el("h2", { text: t("capture") }),
      UI.field("face_photo", face),
      el("div", { class: "row" }, cameraButton, takeButton),
      video,
      el("h2", { text: t("fingers") }),
      fingers.container,
      fingers.addButton,
      el("div", { class: "row" }, submit));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = new FormData();
      if (captured) body.append("face", captured, "capture.jpg");
      fingers.appendTo(body);
      submit.disabled = true;
      result.replaceChildren(UI.notice(t("screening_in_progress")));
      try {
        const screening = await Api.post("/v1/screenings", { form: body });
        result.replaceChildren(...Desk.resultView(screening, preview, captured));
        // The officer's eyes go to the decision and the first candidate, not the form.
        result.scrollIntoView({ block: "start" });
      } catch (failure) {
        result.replaceChildren(UI.error(failure));
      } finally {
        submit.disabled = false;
      }
    });
    UI.setShortcuts({ s: () => form.requestSubmit(), c: () => cameraButton.click(), t: () => takeButton.hidden || takeButton.click() });
    UI.page("desk_title", el("div", { class: "desk" }, form, el("div", { class: "desk-result" }, preview, result)));
  },

  stopCamera() {
    for (const track of Desk.stream?.getTracks() ?? []) track.stop();
    Desk.stream = null;
  },

  // Draws the capture with each face's box: the subject in one colour, others in another.
  drawCapture(canvas, blob, boxes) {
    const image = new Image();
    const url = URL.createObjectURL(blob);
    image.onload = () => {
      // Small enough that the first candidate shows without scrolling at 1366x768.
      const scale = Math.min(1, 560 / image.naturalWidth, 240 / image.naturalHeight);
      canvas.width = Math.round(image.naturalWidth * scale);
      canvas.height = Math.round(image.naturalHeight * scale);
      const context = canvas.getContext("2d");
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      context.lineWidth = 3;
      for (const { box, subject } of boxes) {
        context.strokeStyle = subject ? "#0a7d33" : "#b06000";
        context.strokeRect(box.x * scale, box.y * scale, box.width * scale, box.height * scale);
      }
      canvas.hidden = false;
      URL.revokeObjectURL(url);
    };
    image.src = url;
  },

  // The plain-language prompt for an unusable capture.
  recapturePrompt(screening) {
    const shortfalls = screening.face?.quality?.shortfalls ?? [];
    const reasons = shortfalls.length ? shortfalls.map((s) => t(`shortfall_${s}`)) : [t(`recapture_${screening.recapture_reason}`)];
    return el("div", { class: "notice warning", id: "recapture", role: "alert" },
      el("strong", { text: t("recapture_title") }), el("ul", {}, ...reasons.map((r) => el("li", { text: r }))));
  },

  resultView(screening, canvas, captured) {
    const boxes = [];
    if (screening.face?.box) boxes.push({ box: screening.face.box, subject: true });
    for (const other of screening.other_faces ?? []) if (other.face.box) boxes.push({ box: other.face.box, subject: false });
    if (captured) Desk.drawCapture(canvas, captured, boxes);
    const parts = [el("div", { class: `decision decision-${screening.decision}`, id: "decision", text: t(`decision_${screening.decision}`) })];
    if (screening.decision === "recapture_required" || screening.recapture_reason) parts.push(Desk.recapturePrompt(screening));
    // A post that has not synced with headquarters for too long: a recent entry may be missing.
    if (screening.stale_watchlist) {
      parts.push(el("div", { class: "notice warning", id: "stale-watchlist", role: "alert",
        text: t("stale_watchlist", { synced: screening.watchlist_synced_at ? UI.date(screening.watchlist_synced_at) : t("never") }) }));
    }
    const view = { screening, adjudications: [] };
    parts.push(...Desk.candidateList(view));
    for (const [index, other] of (screening.other_faces ?? []).entries()) {
      if (!other.candidates.length) continue;
      parts.push(el("h2", { text: t("other_face", { number: index + 2 }) }),
        ...other.candidates.map((candidate) => Desk.candidateCard(screening.id, candidate, null)));
    }
    return parts;
  },

  candidateList(view) {
    const { screening, adjudications } = view;
    if (!screening.candidates.length) return [];
    return [el("h2", { text: t("candidates") }),
      ...screening.candidates.map((candidate) =>
        Desk.candidateCard(screening.id, candidate, adjudications.find((a) => a.entry_id === candidate.entry_id) ?? { state: "pending", decisions: [] }))];
  },

  // One candidate beside its watchlist photo. A protective hit leads with
  // the protection action in its own style and shows no identity.
  candidateCard(screeningId, candidate, adjudication) {
    const photo = el("img", { class: "reference", alt: t("watchlist_photo"),
      src: `/v1/screenings/${encodeURIComponent(screeningId)}/candidates/${encodeURIComponent(candidate.entry_id)}/photo` });
    const missing = el("p", { class: "no-photo", text: t("no_photo_held"), hidden: true });
    photo.addEventListener("error", () => { photo.hidden = true; missing.hidden = false; });
    const scores = el("dl", { class: "scores" },
      el("dt", { text: t("face_score") }), el("dd", { text: UI.score(candidate.score) }),
      ...Object.entries(candidate.finger_scores ?? {}).flatMap(([position, score]) =>
        [el("dt", { text: t(`finger_${position}`) }), el("dd", { text: UI.score(score, 4) })]),
      el("dt", { text: t("fused_score") }), el("dd", { text: UI.score(candidate.fused_score, 2) }));
    const identity = candidate.protective
      ? el("p", { class: "withheld", text: t("identity_withheld") })
      : el("div", { class: "identity" },
          el("p", { class: "name", text: candidate.name ?? "" }),
          candidate.aliases?.length ? el("p", { text: `${t("aliases")}: ${candidate.aliases.join(", ")}` }) : null,
          candidate.date_of_birth ? el("p", { text: `${t("date_of_birth")}: ${candidate.date_of_birth}` }) : null,
          candidate.nationality ? el("p", { text: `${t("nationality")}: ${candidate.nationality}` }) : null);
    const action = el("p", { class: "action", text: candidate.action });
    const card = el("article", { class: `candidate ${candidate.protective ? "protective" : "suspect"}`, dataset: { entry: candidate.entry_id } },
      el("div", { class: "photos" }, photo, missing),
      el("div", { class: "facts" },
        candidate.protective ? el("p", { class: "protection-banner", text: t("protective_hit") }) : null,
        candidate.protective ? action : null,
        el("p", { class: "category", text: `${t("category")}: ${candidate.category} · ${t("rank")} ${candidate.rank}` }),
        identity,
        candidate.protective ? null : action,
        candidate.handling_instructions ? el("p", { class: "handling", text: candidate.handling_instructions }) : null,
        scores,
        adjudication ? Desk.adjudicationPanel(screeningId, candidate, adjudication) : null));
    return card;
  },

  adjudicationPanel(screeningId, candidate, adjudication) {
    const state = el("p", { class: "state", text: t(`state_${adjudication.state}`) });
    const needsTwo = candidate.confirmations_required > 1
      ? el("p", { class: "two-officers", text: t("needs_two_officers", { count: candidate.confirmations_required }) }) : null;
    const history = el("ul", { class: "decisions" }, ...(adjudication.decisions ?? []).map((d) =>
      el("li", { text: `${d.officer_id}: ${t(`outcome_${d.outcome}`)} · ${UI.date(d.recorded_at)}` })));
    const status = el("div", { class: "status" });
    const decide = async (outcome) => {
      status.replaceChildren();
      try {
        const view = await Api.post(`/v1/screenings/${encodeURIComponent(screeningId)}/adjudications`,
          { json: { outcome, entry_id: candidate.entry_id } });
        const updated = view.adjudications.find((a) => a.entry_id === candidate.entry_id);
        panel.replaceWith(Desk.adjudicationPanel(screeningId, candidate, updated));
      } catch (failure) {
        status.replaceChildren(UI.error(failure));
      }
    };
    const buttons = ["confirmed", "not_a_match", "inconclusive"].map((outcome, index) =>
      el("button", { type: "button", class: `adjudicate ${outcome}`, dataset: { outcome }, title: `Alt+${index + 1}`,
        text: t(`outcome_${outcome}`), onclick: () => decide(outcome) }));
    const panel = el("div", { class: "adjudication" }, state, needsTwo, history, el("div", { class: "row" }, ...buttons), status);
    UI.setShortcuts({ ...Object.fromEntries(UI.shortcuts), 1: () => buttons[0].click(), 2: () => buttons[1].click(), 3: () => buttons[2].click() });
    return panel;
  },

  // The post's screenings still awaiting a decision.
  async queue() {
    const list = el("ul", { class: "queue", id: "queue" });
    UI.page("queue_title", list);
    const { screenings } = await Api.get("/v1/screenings?limit=50");
    if (!screenings.length) list.replaceWith(UI.notice(t("queue_empty")));
    for (const view of screenings) {
      const open = view.adjudications.filter((a) => !["confirmed", "not_a_match"].includes(a.state));
      list.append(el("li", {},
        el("a", { href: `#/screening/${view.screening.id}`, text: t("queue_item", { candidates: view.screening.candidates.length, open: open.length }) }),
        " ", el("span", { class: "muted", text: open.map((a) => t(`state_${a.state}`)).join(", ") })));
    }
  },

  async screening(id) {
    const container = el("section", { id: "result" });
    UI.page("screening_title", container);
    const view = await Api.get(`/v1/screenings/${encodeURIComponent(id)}`);
    container.replaceChildren(
      el("div", { class: `decision decision-${view.screening.decision}`, text: t(`decision_${view.screening.decision}`) }),
      ...Desk.candidateList(view));
  },
};
