"use strict";
// Building pages from data without ever parsing it as markup: every value
// from the server goes in as text (textContent), so a name like
// <img src=x onerror=...> shows as those characters and runs nothing.
function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") element.className = value;
    else if (name === "text") element.textContent = value;
    else if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

// Finger samples by position (ISO/ANSI templates or images), as the desk and
// enrolment take them: rows of position + file, sent as finger_<position>.
class FingerRows {
  static positions = ["right_thumb", "right_index", "right_middle", "right_ring", "right_little",
    "left_thumb", "left_index", "left_middle", "left_ring", "left_little"];

  constructor() {
    this.container = el("div", { class: "fingers" });
    this.addButton = el("button", { type: "button", class: "quiet add-finger", text: t("add_finger"), onclick: () => this.add() });
  }

  add() {
    const position = el("select", { class: "finger-position" },
      ...FingerRows.positions.map((p) => el("option", { value: p, text: t(`finger_${p}`) })));
    const file = el("input", { type: "file", class: "finger-file" });
    const row = el("div", { class: "finger-row" }, position, file,
      el("button", { type: "button", class: "quiet", text: t("remove"), onclick: () => row.remove() }));
    this.container.append(row);
  }

  appendTo(body) {
    for (const row of this.container.querySelectorAll(".finger-row")) {
      const file = row.querySelector(".finger-file").files[0];
      if (file) body.append(`finger_${row.querySelector(".finger-position").value}`, file);
    }
  }
}

const UI = {
  main() { return document.getElementById("main"); },

  // Replaces the page body with a titled section.
  page(titleKey, ...content) {
    const main = this.main();
    main.replaceChildren(el("h1", { text: t(titleKey) }), ...content.filter(Boolean));
    main.focus();
    return main;
  },

  // Navigations so far (App.render counts each). A page that awaits data
  // before it draws takes a drawer first, and draws through it: if the
  // officer has moved on by the time the data comes, the drawer draws
  // nothing, where `page` would replace the newer page with the older one.
  navigation: 0,
  drawer() {
    const navigation = this.navigation;
    return (titleKey, ...content) => (this.isCurrent(navigation) ? this.page(titleKey, ...content) : null);
  },
  isCurrent(navigation) { return navigation === this.navigation; },

  // A refusal as the officer should read it: the plain-language line, then the server's code and message.
  error(error) {
    const known = error instanceof ApiError ? t(`error_${error.code}`) : null;
    const lead = known && !known.startsWith("error_") ? known : t("error_generic");
    return el("div", { class: "notice error", role: "alert" },
      el("strong", { text: lead }),
      error instanceof ApiError ? el("span", { class: "detail", text: ` (${error.code}: ${error.message})` }) : null);
  },

  notice(text, kind = "info") {
    return el("div", { class: `notice ${kind}`, role: kind === "error" ? "alert" : "status", text });
  },

  field(labelKey, input, hintKey) {
    return el("label", { class: "field" }, el("span", { text: t(labelKey) }), input,
      hintKey ? el("small", { class: "hint", text: t(hintKey) }) : null);
  },

  date(iso) {
    if (!iso) return "";
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(I18N.lang === "ur" ? "ur-PK" : "en-GB");
  },

  score(value, digits = 3) {
    return value === undefined || value === null ? "—" : Number(value).toFixed(digits);
  },

  // Keyboard shortcuts of the current page: key -> action, shown in its buttons' titles.
  shortcuts: new Map(),
  setShortcuts(map) { this.shortcuts = new Map(Object.entries(map)); },
};

document.addEventListener("keydown", (event) => {
  if (!event.altKey || event.ctrlKey || event.metaKey) return;
  const action = UI.shortcuts.get(event.key.toLowerCase());
  if (action) {
    event.preventDefault();
    action();
  }
});
