// @ts-check
// The hosted challenge UI. Opened with the `url` that track returned:
//   /hosted/?token=<track token>[&mode=popup|window]
// It starts a push challenge with the browser SDK (`/sdk/`, the same `@pushauth/browser` a site
// uses), shows the number to match, waits for the result with the SDK's `push.waitForResult`
// (the challenge's WebSocket, else polling with backoff and jitter, Retry-After, retries after
// network errors), then either redirects to the allowlisted redirectUrl with ?token=<result
// token>, or (popup/window mode) posts {"event":"AUTHSIGNAL_CLOSE_POPUP","token":…} to its
// opener/parent, only to the tenant's allowed origins, so pushauth's SDK and
// @authsignal/browser's launch() both work with it.
import { PushAuth } from "/sdk/index.js";
import { byId as $ } from "/assets/dom.js";
import {
  EXPIRED_TOKEN,
  HTTP_STATUS,
  NETWORK_ERROR,
  NO_AUTHENTICATOR,
  PUSH_BLOCKED,
  TOKEN_NOT_SET,
  TOO_MANY_REQUESTS,
  UNEXPECTED_RESPONSE,
} from "/assets/error-codes.js";

/**
 * What `GET /v1/client/hosted` answers (docs/api.md).
 * @typedef {{ popupOrigins: string[], redirectUrl: string | null, tenantName: string, action?: string, userId?: string }} HostedConfig
 */
/** A failure to show and report: a stable code, a sentence, and the HTTP status if known. */
class HostedError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   * @param {number} [status]
   */
  constructor(code, message, status) {
    super(message);
    this.code = code;
    this.status = status ?? HTTP_STATUS[code] ?? 0;
  }
}

const params = new URLSearchParams(location.search);
const token = params.get("token") || "";
const mode = params.get("mode") || "redirect";
if (mode === "popup" || mode === "window") document.body.classList.add("popup");
/** @type {HostedConfig} */
let config = { popupOrigins: [], redirectUrl: null, tenantName: "pushauth" };
const client = new PushAuth({ baseUrl: `${location.origin}/v1` });
client.setToken(token);

/** @returns {Promise<HostedConfig>} the hosted UI's settings for this token */
async function loadConfig() {
  let res;
  try {
    res = await fetch("/v1/client/hosted", { headers: { authorization: `Bearer ${token}` } });
  } catch {
    throw new HostedError(NETWORK_ERROR, "The service could not be reached. Check your connection and try again.");
  }
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    throw new HostedError(data.errorCode || UNEXPECTED_RESPONSE, data.errorDescription || `HTTP ${res.status}`, res.status);
  }
  return data;
}

/**
 * The SDK's result as a value, or its error result as a {@link HostedError}.
 * @template T
 * @param {import("/sdk/index.js").PushAuthResult<T>} result
 * @returns {T}
 */
function unwrap(result) {
  if (result.errorCode !== undefined) throw new HostedError(result.errorCode, result.errorDescription);
  return /** @type {T} */ (result.data);
}

/**
 * Tells the opener (popup and window modes) what happened.
 * @param {{ event: string, token?: string, errorCode?: string, statusCode?: number }} message
 */
function post(message) {
  const target = window.opener || (window.parent !== window ? window.parent : null);
  if (!target) return false;
  const text = JSON.stringify(message);
  // Results go only to the tenant's origins. An API error carries nothing but a code, so when the
  // origins are unknown (the config call itself failed, e.g. an expired link) it may go to any.
  const origins = config.popupOrigins.length === 0 && message.event === "AUTHSIGNAL_API_ERROR" ? ["*"] : config.popupOrigins;
  for (const origin of origins) target.postMessage(text, origin);
  return true;
}

/** @param {"waiting" | "done"} section */
function show(section) {
  for (const id of ["waiting", "done"]) $(id).hidden = id !== section;
}

/**
 * Shows the outcome, then redirects or reports to the opener.
 * @param {boolean} ok
 * @param {string} title
 * @param {string} text
 * @param {string} [resultToken]
 */
function finish(ok, title, text, resultToken) {
  show("done");
  $("badge").className = `badge ${ok ? "ok" : "bad"}`;
  $("badge").textContent = ok ? "✓" : "✕";
  $("done-title").textContent = title;
  $("done-text").textContent = text;
  if (mode === "popup" || mode === "window") {
    setTimeout(() => {
      post({ event: "AUTHSIGNAL_CLOSE_POPUP", token: resultToken });
      if (mode === "window") window.close();
    }, ok ? 600 : 1500);
    return;
  }
  if (config.redirectUrl) {
    const url = new URL(config.redirectUrl);
    if (resultToken) url.searchParams.set("token", resultToken);
    if (ok) {
      setTimeout(() => location.assign(url.toString()), 600);
    } else {
      const back = $("back", HTMLAnchorElement);
      back.hidden = false;
      back.href = url.toString();
    }
  }
}

/** @param {unknown} error */
function fail(error) {
  const { code, message, status } =
    error instanceof HostedError
      ? error
      : { code: NETWORK_ERROR, message: error instanceof Error ? error.message : String(error), status: 0 };
  post({ event: "AUTHSIGNAL_API_ERROR", errorCode: code, statusCode: status });
  /** @type {Record<string, string>} */
  const messages = {
    [NO_AUTHENTICATOR]: "There is no device enrolled for this account yet.",
    [EXPIRED_TOKEN]: "This sign-in link has expired. Start again from the site.",
    [TOO_MANY_REQUESTS]: "Too many requests were sent. Wait a moment and try again.",
    [PUSH_BLOCKED]: "Requests to this account are paused after a report of an unexpected sign-in.",
  };
  finish(false, "Something went wrong", messages[code] || message);
}

async function run() {
  show("waiting");
  const started = unwrap(await client.push.challenge({ action: config.action }));
  if (started.verificationCode) {
    $("match").hidden = false;
    $("number").textContent = started.verificationCode;
    $("lead").textContent = "We sent a request to your device. Open it and enter the number below.";
  }
  const expiresAt = started.expiresAt ?? Date.now();
  const total = Math.max(1, expiresAt - Date.now());
  const updateMeter = () => {
    $("meter").style.width = `${Math.max(0, (100 * (expiresAt - Date.now())) / total)}%`;
  };
  const meter = setInterval(updateMeter, 500);
  try {
    const result = unwrap(await client.push.waitForResult({ challengeId: started.challengeId, onPoll: updateMeter }));
    if (result.isVerified) return finish(true, "Approved", "You're signed in. Taking you back…", result.token);
    $("retry").hidden = false;
    if (result.status === "expired") return finish(false, "Request expired", "The request was not answered in time.");
    if (result.failureReason === "too_many_attempts") {
      return finish(false, "Request cancelled", "A wrong number was entered on your device three times. Try again for a new number.");
    }
    return finish(false, "Request denied", "The request was denied on your device.");
  } finally {
    clearInterval(meter);
  }
}

async function main() {
  if (!token) return fail(new HostedError(TOKEN_NOT_SET, "This page needs a sign-in link from the site."));
  try {
    config = await loadConfig();
    $("tenant").textContent = config.tenantName;
    $("action").textContent = config.action ?? "";
    $("account").textContent = config.userId ?? "";
    document.title = `Approve on your phone · ${config.tenantName}`;
    post({ event: "AUTHSIGNAL_READY" });
    await run();
  } catch (error) {
    fail(error);
  }
}

$("retry").addEventListener("click", () => {
  $("retry").hidden = true;
  run().catch(fail);
});
main();
