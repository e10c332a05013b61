"use strict";
// Every string the console shows comes from a catalogue (i18n/<lang>.json),
// none from the code. Urdu is laid out right to left. The choice is kept per
// browser profile: a counter's workstation is one officer's at a time.
const I18N = {
  languages: { en: "ltr", ur: "rtl" },
  lang: "en",
  strings: {},
  fallback: {},

  async load(lang) {
    if (!(lang in this.languages)) lang = "en";
    const fetchCatalogue = async (name) => {
      const response = await fetch(`i18n/${name}.json`, { credentials: "same-origin" });
      if (!response.ok) throw new Error(`catalogue ${name}: ${response.status}`);
      return response.json();
    };
    if (Object.keys(this.fallback).length === 0) this.fallback = await fetchCatalogue("en");
    this.strings = lang === "en" ? this.fallback : await fetchCatalogue(lang);
    this.lang = lang;
    document.documentElement.lang = lang;
    document.documentElement.dir = this.languages[lang];
    localStorage.setItem("vigil.language", lang);
    this.apply(document);
  },

  preferred() {
    return localStorage.getItem("vigil.language") || "en";
  },

  // The string for a key, with {name} placeholders filled (as text, never markup).
  t(key, params = {}) {
    const template = this.strings[key] ?? this.fallback[key] ?? key;
    return template.replace(/\{(\w+)\}/g, (_, name) => (name in params ? String(params[name]) : `{${name}}`));
  },

  // Fills every element marked data-i18n (text) or data-i18n-placeholder.
  apply(root) {
    for (const element of root.querySelectorAll("[data-i18n]")) element.textContent = this.t(element.dataset.i18n);
    for (const element of root.querySelectorAll("[data-i18n-placeholder]")) {
      element.placeholder = this.t(element.dataset.i18nPlaceholder);
    }
  },
};
const t = (key, params) => I18N.t(key, params);
