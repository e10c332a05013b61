"use strict";
// The JSON API, with the session cookie standing in for the token. Every
// request that changes something carries the session's CSRF secret.
class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const Api = {
  session: null,

  async request(method, path, { json, form } = {}) {
    const headers = {};
    let body;
    if (method !== "GET" && this.session) headers["X-CSRF-Token"] = this.session.csrf;
    if (json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(json);
    } else if (form !== undefined) {
      body = form;
    }
    const response = await fetch(path, { method, headers, body, credentials: "same-origin" });
    const data = await response.json().catch(() => null);
    if (!response.ok) {
      const error = new ApiError(response.status, data?.error?.code ?? "unknown", data?.error?.message ?? response.statusText);
      if (response.status === 401 && path !== "/console/session") App.signedOut(error);
      throw error;
    }
    return data;
  },

  get(path) { return this.request("GET", path); },
  post(path, options) { return this.request("POST", path, options); },
  put(path, json) { return this.request("PUT", path, { json }); },
  patch(path, json) { return this.request("PATCH", path, { json }); },
  delete(path) { return this.request("DELETE", path); },

  async currentSession() {
    try {
      this.session = await this.request("GET", "/console/session");
    } catch (error) {
      this.session = null;
    }
    return this.session;
  },

  async signIn(token, officerId) {
    this.session = await this.post("/console/session", { json: { token, officer_id: officerId || undefined } });
    return this.session;
  },

  async signOut() {
    try { await this.delete("/console/session"); } finally { this.session = null; }
  },
};
