// @ts-check
// The console: sign-in with the admin token, then screens by the URL's fragment
// (`#/tenants`, `#/new`, `#/tenants/{id}`, `#/tenants/{id}/users/{user}`,
// `#/tenants/{id}/challenges/{challenge}?user=`). The token is kept in this tab's session
// storage only (never localStorage, never a cookie) and sent only to /admin/ on this origin.
import { AdminApi, AdminError } from "./api.js";
import { errorText, h } from "./dom.js";
import { newTenantScreen, tenantScreen, tenantsScreen } from "./tenants.js";
import { deliveriesScreen, userScreen } from "./users.js";

/**
 * What every screen gets.
 * @typedef {object} Context
 * @property {AdminApi} api the admin API, with the signed-in token
 * @property {(hash: string) => void} go shows another screen
 * @property {() => void} refresh shows this screen again, freshly loaded
 * @property {(message: string) => void} flash a message for the next screen
 */

const TOKEN_KEY = "pushauth.console.adminToken";

/** @param {string} id */
function el(id) {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing`);
  return found;
}

const signIn = el("sign-in");
const signInForm = /** @type {HTMLFormElement} */ (el("sign-in-form"));
const tokenInput = /** @type {HTMLInputElement} */ (el("token"));
const signInError = el("sign-in-error");
const signInSubmit = /** @type {HTMLButtonElement} */ (el("sign-in-submit"));
const nav = el("nav");
const screen = el("screen");

/** Session storage, or nothing when the browser refuses it (the token then lives in this page). */
function session() {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/** The admin API, signing out as soon as the token is refused (a rotated ADMIN_TOKEN). */
class SessionApi extends AdminApi {
  /**
   * @param {string} method
   * @param {string} path
   * @param {unknown} [body]
   */
  async call(method, path, body) {
    try {
      return await super.call(method, path, body);
    } catch (e) {
      if (e instanceof AdminError && e.status === 401) {
        signOut(`The admin token was refused: ${e.description} (${e.code}). Sign in again.`);
      }
      throw e;
    }
  }
}

/** @type {SessionApi | null} */
let api = null;
/** @type {string | null} */
let flashed = null;
let generation = 0;

/** @param {string} [message] why, shown on the sign-in screen */
function signOut(message) {
  api = null;
  session()?.removeItem(TOKEN_KEY);
  generation += 1;
  screen.replaceChildren();
  nav.hidden = true;
  signIn.hidden = false;
  signInError.hidden = !message;
  signInError.textContent = message ?? "";
  tokenInput.value = "";
  tokenInput.focus();
}

signInForm.addEventListener("submit", async (e) => {
  e.preventDefault();
  signInSubmit.disabled = true;
  signInError.hidden = true;
  const candidate = new SessionApi(tokenInput.value);
  try {
    // The cheapest admin call: it says whether the token is this deployment's.
    await candidate.listTenants();
    api = candidate;
    session()?.setItem(TOKEN_KEY, tokenInput.value);
    tokenInput.value = "";
    if (!location.hash || location.hash === "#/") location.hash = "#/tenants";
    else void render();
  } catch (err) {
    const error = /** @type {AdminError} */ (err);
    signInError.hidden = false;
    signInError.textContent = error.status === 401
      ? `Wrong admin token: the service refused it (“${error.description}”, ${error.code}).`
      : `Could not sign in: ${error.description} (${error.code}).`;
  } finally {
    signInSubmit.disabled = false;
  }
});

el("sign-out").addEventListener("click", () => signOut());

/** @type {Context} */
const context = {
  get api() {
    if (!api) throw new AdminError(401, "missing_credential", "Not signed in.");
    return api;
  },
  go(hash) {
    if (location.hash === hash) void render();
    else location.hash = hash;
  },
  refresh() {
    void render();
  },
  flash(message) {
    flashed = message;
  },
};

/**
 * The screen of a fragment.
 * @param {string} hash
 * @returns {Promise<HTMLElement[]> | HTMLElement[]}
 */
function route(hash) {
  const [path, query = ""] = hash.replace(/^#/, "").split("?");
  const params = new URLSearchParams(query);
  const parts = path.split("/").filter((p) => p !== "").map((p) => decodeURIComponent(p));
  if (parts[0] === "new" && parts.length === 1) return newTenantScreen(context);
  if (parts[0] === "tenants") {
    if (parts.length === 1) return tenantsScreen(context, params.get("prefix") ?? "");
    if (parts.length === 2) return tenantScreen(context, parts[1]);
    if (parts.length === 4 && parts[2] === "users") return userScreen(context, parts[1], parts[3]);
    if (parts.length === 4 && parts[2] === "challenges") return deliveriesScreen(context, parts[1], parts[3], params.get("user") ?? "");
  }
  return tenantsScreen(context, "");
}

/** Shows the screen of the current fragment; a slower earlier one never replaces it. */
async function render() {
  if (!api) return;
  signIn.hidden = true;
  nav.hidden = false;
  const mine = ++generation;
  const message = flashed;
  flashed = null;
  screen.setAttribute("aria-busy", "true");
  let parts;
  try {
    parts = await route(location.hash);
  } catch (e) {
    if (!api) return; // signed out meanwhile: the sign-in screen says why
    parts = [h("section", { class: "card", testid: "screen-error" }, h("h1", null, "Not available"),
      errorText(/** @type {any} */ (e), "screen-error-text"),
      h("div", { class: "actions" }, h("a", { class: "button secondary", href: "#/tenants" }, "Back to tenants")))];
  }
  if (mine !== generation) return;
  screen.replaceChildren(...(message ? [h("p", { class: "notice ok", testid: "flash", role: "status" }, message)] : []), ...parts);
  screen.removeAttribute("aria-busy");
  window.scrollTo(0, 0);
}

window.addEventListener("hashchange", () => void render());

const kept = session()?.getItem(TOKEN_KEY);
if (kept) {
  api = new SessionApi(kept);
  if (!location.hash) location.hash = "#/tenants";
  void render();
} else {
  signOut();
}
