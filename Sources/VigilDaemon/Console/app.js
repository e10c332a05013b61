"use strict";
// The console's shell: sign-in, the navigation each role sees, and the
// hash router. The server enforces every role on every request; what the
// page hides is only convenience.
const App = {
  // Each route's page, by role: [the page's module, its method].
  routes: {
    post: { desk: [Desk, "show"], queue: [Desk, "queue"], screening: [Desk, "screening"] },
    admin: { watchlist: [Watchlist, "list"], enrol: [Watchlist, "enrol"], entry: [Watchlist, "entry"], categories: [Watchlist, "categories"],
      import: [Watchlist, "importPage"], duplicates: [Watchlist, "duplicates"] },
    auditor: { audit: [Audit, "show"] },
  },
  home: { post: "desk", admin: "watchlist", auditor: "audit" },
  navigation: {
    post: [["desk", "nav_desk"], ["queue", "nav_queue"]],
    admin: [["watchlist", "nav_watchlist"], ["enrol", "nav_enrol"], ["import", "nav_import"], ["categories", "nav_categories"],
      ["duplicates", "nav_duplicates"]],
    auditor: [["audit", "nav_audit"]],
  },

  async start() {
    const language = document.getElementById("language");
    await I18N.load(I18N.preferred());
    language.value = I18N.lang;
    language.addEventListener("change", async () => {
      await I18N.load(language.value);
      this.render();
    });
    document.getElementById("sign-out").addEventListener("click", async () => {
      await Api.signOut().catch(() => {});
      this.signedOut();
    });
    window.addEventListener("hashchange", () => this.render());
    await Api.currentSession();
    this.render();
  },

  signedOut(error) {
    Api.session = null;
    this.render(error);
  },

  render(error) {
    const navigation = ++UI.navigation;
    const session = Api.session;
    document.getElementById("sign-out").hidden = !session;
    document.getElementById("who").textContent = session
      ? t("signed_in_as", { name: session.officer_id ? `${session.officer_id} · ${session.name}` : session.name, role: t(`role_${session.role}`) })
      : "";
    this.renderNavigation();
    UI.setShortcuts({});
    if (!session) return this.signInPage(error);
    const [name, ...parameters] = location.hash.replace(/^#\/?/, "").split("?")[0].split("/");
    const routes = this.routes[session.role] ?? {};
    const route = routes[name];
    if (!route) {
      location.hash = `#/${this.home[session.role]}`;
      return;
    }
    const [module, method] = route;
    Promise.resolve(module[method](...parameters)).catch((failure) => {
      if (UI.isCurrent(navigation)) UI.main().append(UI.error(failure));
    });
  },

  renderNavigation() {
    const nav = document.getElementById("nav");
    const session = Api.session;
    const current = location.hash.replace(/^#\/?/, "").split(/[/?]/)[0];
    nav.replaceChildren(...(session ? this.navigation[session.role] ?? [] : []).map(([route, key]) =>
      el("a", { href: `#/${route}`, class: route === current ? "current" : "", text: t(key) })));
  },

  signInPage(error) {
    const token = el("input", { type: "password", id: "token", autocomplete: "off", required: true });
    const officer = el("input", { type: "text", id: "officer", autocomplete: "off", maxlength: 64 });
    const status = el("div", { class: "status" });
    const form = el("form", { class: "card narrow", id: "sign-in" },
      UI.field("token", token, "token_hint"),
      UI.field("officer_id", officer, "officer_hint"),
      el("button", { type: "submit", class: "primary", text: t("sign_in") }),
      status);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      status.replaceChildren();
      try {
        await Api.signIn(token.value.trim(), officer.value.trim());
        token.value = "";
        location.hash = `#/${this.home[Api.session.role]}`;
        this.render();
      } catch (failure) {
        status.replaceChildren(UI.error(failure));
      }
    });
    UI.page("sign_in_title", error ? UI.error(error) : null, form);
    token.focus();
  },
};

document.addEventListener("DOMContentLoaded", () => App.start());
