// The API client: the envelope, the tokens and their refresh.
//
// The tokens live in this module's variables and nowhere else (no Web Storage, no cookie
// the page can read): closing or reloading the page signs the user out, and a script
// injected elsewhere cannot read them from storage.

let access = null;
let refresh = null;
let refreshing = null; // one refresh at a time: a refresh token works once

export class ApiError extends Error {
  constructor(status, message, details) {
    super(message);
    this.status = status;
    this.details = details;
  }
}

export function signedIn() {
  return access !== null;
}

export function accessToken() {
  return access;
}

export function signOut() {
  access = null;
  refresh = null;
}

async function call(method, path, { json, body, headers = {}, token = access } = {}) {
  const sent = { ...headers };
  if (token) sent.authorization = `Bearer ${token}`;
  if (json !== undefined) {
    sent["content-type"] = "application/json";
    body = JSON.stringify(json);
  }
  return fetch(path, { method, headers: sent, body, cache: "no-store", credentials: "same-origin" });
}

async function unwrap(response) {
  let envelope = null;
  try {
    envelope = await response.json();
  } catch {
    // not JSON: keep the status text
  }
  if (!response.ok) {
    const message = envelope?.error ?? response.statusText ?? `HTTP ${response.status}`;
    throw new ApiError(response.status, message, envelope?.details);
  }
  return envelope?.data ?? envelope;
}

/** A new token pair from the refresh token; false when there is none or it is refused. */
export async function refreshTokens() {
  if (!refresh) return false;
  refreshing ??= (async () => {
    try {
      const pair = await unwrap(await call("POST", "/api/v1/auth/refresh", { token: refresh }));
      access = pair.access_token;
      refresh = pair.refresh_token;
      return true;
    } catch {
      signOut();
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/** One API call; its envelope's ``data``, or an ``ApiError`` with the envelope's message. */
export async function api(method, path, options = {}) {
  let response = await call(method, path, options);
  if (response.status === 401 && refresh && !path.startsWith("/api/v1/auth/")) {
    if (await refreshTokens()) response = await call(method, path, options);
  }
  return unwrap(response);
}

export async function login(email, password) {
  const pair = await unwrap(
    await call("POST", "/api/v1/auth/login", { json: { email, password }, token: null }),
  );
  access = pair.access_token;
  refresh = pair.refresh_token;
}

export async function register(name, email, password) {
  await unwrap(
    await call("POST", "/api/v1/auth/register", { json: { name, email, password }, token: null }),
  );
  await login(email, password);
}

/** Why a call failed, for a person: the message and, for a 422, what was wrong where. */
export function describe(error) {
  if (!(error instanceof ApiError)) return String(error?.message ?? error);
  const details = error.details;
  if (Array.isArray(details) && details.length) {
    const parts = details.slice(0, 3).map((d) => {
      if (typeof d !== "object" || d === null) return String(d);
      const where = Array.isArray(d.loc) ? d.loc.join(".") : (d.field ?? d.column ?? d.row ?? "");
      return `${where ? where + ": " : ""}${d.msg ?? d.message ?? JSON.stringify(d)}`;
    });
    return `${error.message} (${parts.join("; ")})`;
  }
  return error.message;
}
