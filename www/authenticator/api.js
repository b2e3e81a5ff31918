// @ts-check
// The calls the web authenticator makes (docs/api.md, "Device API"). Same origin as the page,
// so no CORS. Signed calls carry X-PushAuth-Key-Id / -Timestamp / -Signature over the device
// request message (protocol §4); answers carry their signature in the body (protocol §3), and
// the enrolment the key's proof of possession.
import { answerMessage, deviceRequestMessage, enrolmentMessage } from "./protocol.js";
import { sign } from "./keys.js";
import { NETWORK_ERROR, TIMESTAMP_OUT_OF_WINDOW } from "/assets/error-codes.js";

/** @typedef {import("./storage.js").Account} Account */
/** @typedef {import("./protocol.js").ChallengeView} ChallengeView */

/** An API failure: `code` is the service's stable errorCode, or `network_error`. */
export class ApiError extends Error {
  /**
   * @param {number} status the HTTP status (0: no response)
   * @param {string} code
   * @param {string} message
   */
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// The service accepts device timestamps within ±60 s of its clock. A phone whose clock is off by
// more than that would fail every signed call, so we learn the offset from the `Date` header
// (1 s resolution, plenty for a 60 s window) and use it for timestamps and expiry countdowns.
let clockOffset = 0;

/** @param {Response} response */
function learnClock(response) {
  const date = Date.parse(response.headers.get("date") || "");
  if (Number.isNaN(date)) return;
  const offset = date - Date.now();
  clockOffset = Math.abs(offset) > 5000 ? offset : 0;
}

/** The service's clock as best we know it, in Unix milliseconds. */
export function serverNow() {
  return Date.now() + clockOffset;
}

/**
 * One call; resolves to the response's JSON (null for 204), typed as the caller documents it.
 * @template T
 * @param {string} method
 * @param {string} path
 * @param {{ headers?: Record<string, string>, body?: string }} [options]
 * @returns {Promise<T>}
 */
async function request(method, path, { headers = {}, body } = {}) {
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
      body,
      cache: "no-store",
      credentials: "omit",
      referrerPolicy: "no-referrer",
    });
  } catch {
    throw new ApiError(0, NETWORK_ERROR, "Couldn't reach the server. Check your connection.");
  }
  learnClock(response);
  if (response.status === 204) return /** @type {T} */ (null);
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const code = data?.errorCode || data?.error || `http_${response.status}`;
    throw new ApiError(response.status, code, data?.errorDescription || `HTTP ${response.status}`);
  }
  return data;
}

// ---------------------------------------------------------------------------------------------
// With the enrolment link's track token

/**
 * What the enrolment link is for: { tenantName, userId, action, … }.
 * @param {string} token
 * @returns {Promise<{ tenantName: string, userId: string, action: string }>}
 */
export function describeToken(token) {
  return request("GET", "/v1/client/hosted", { headers: { authorization: `Bearer ${token}` } });
}

/**
 * Enrols a key, with its proof of possession over the token (docs/protocol.md, "Enrolment
 * proof"): → { userAuthenticatorId, keyId, userId, tenantId, home }.
 * @param {string} token
 * @param {{ publicKey: string, keyId: string, privateKey: CryptoKey, deviceName: string }} device
 * @returns {Promise<{ userAuthenticatorId: string, keyId: string, userId: string, tenantId: string, home?: string }>}
 */
export async function enrol(token, { publicKey, keyId, privateKey, deviceName }) {
  const proof = await sign(privateKey, await enrolmentMessage(token, keyId));
  return request("POST", "/v1/client/user-authenticators/push", {
    headers: { authorization: `Bearer ${token}` },
    body: JSON.stringify({ publicKey, deviceName, devicePlatform: "web", proof }),
  });
}

// ---------------------------------------------------------------------------------------------
// Signed by the device key

/**
 * The account's home hint (issued at enrolment; absent in older records): it routes the call to
 * the user's storage without a KV read (docs/protocol.md, "Home hint").
 * @param {Account} account
 * @returns {Record<string, string>}
 */
function homeHeader(account) {
  return account.home ? { "x-pushauth-home": account.home } : {};
}

/**
 * A call signed by the account's device key (protocol §4), signed again once if the clock was off.
 * @template T
 * @param {Account} account
 * @param {string} method
 * @param {string} path
 * @param {string} [body]
 * @returns {Promise<T>}
 */
async function signed(account, method, path, body = "") {
  const attempt = async () => {
    const timestamp = serverNow();
    const message = await deviceRequestMessage({
      tenantId: account.tenantId,
      keyId: account.keyId,
      method,
      pathAndQuery: path,
      timestamp,
      body,
    });
    const headers = {
      "x-pushauth-key-id": account.keyId,
      "x-pushauth-timestamp": String(timestamp),
      "x-pushauth-signature": await sign(account.keyPair.privateKey, message),
      ...homeHeader(account),
    };
    return request(method, path, { headers, body: body === "" ? undefined : body });
  };
  try {
    return await attempt();
  } catch (error) {
    // The clock was off and we have just learnt the service's time: sign again, once.
    if (error instanceof ApiError && error.code === TIMESTAMP_OUT_OF_WINDOW) return attempt();
    throw error;
  }
}

/**
 * Pending challenges for this account: { tenantName, challenges: [view…] }.
 * @param {Account} account
 * @returns {Promise<{ tenantName: string, challenges: ChallengeView[] }>}
 */
export function pendingChallenges(account) {
  return signed(account, "GET", "/v1/device/challenges");
}

/**
 * A ticket for one WebSocket that hears this account's requests: { ticket, expiresAt }. Single
 * use, within a minute (docs/api.md, "Sockets"): a browser cannot sign a WebSocket's headers.
 * @param {Account} account
 * @returns {Promise<{ ticket: string, expiresAt: number }>}
 */
export function socketTicket(account) {
  return signed(account, "POST", "/v1/device/ws-ticket");
}

/**
 * Opens the account's socket with a ticket from socketTicket().
 * @param {string} ticket
 */
export function openSocket(ticket) {
  const url = new URL("/v1/device/ws", location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return new WebSocket(url, ["pushauth.v1", `pushauth.ticket.${ticket}`]);
}

/**
 * Renames the device.
 * @param {Account} account
 * @param {string} deviceName
 * @returns {Promise<unknown>}
 */
export function renameDevice(account, deviceName) {
  return signed(account, "PATCH", "/v1/device/credential", JSON.stringify({ deviceName }));
}

/**
 * Removes this device's credential from the service.
 * @param {Account} account
 * @returns {Promise<unknown>}
 */
export function removeCredential(account) {
  return signed(account, "DELETE", "/v1/device/credential");
}

/**
 * Answers `view` (exactly as the device API returned it) with `choice` = { button, code?, reason? }.
 * → { status, button }.
 * @param {Account} account
 * @param {ChallengeView} view
 * @param {import("./protocol.js").Choice} choice
 * @returns {Promise<{ status: string, button: number }>}
 */
export async function answerChallenge(account, view, choice) {
  const code = choice.code ?? null;
  const reason = choice.reason ?? null;
  const message = await answerMessage(view, account.keyId, { button: choice.button, code, reason });
  /** @type {{ keyId: string, button: number, signature: string, code?: string, reason?: string }} */
  const body = { keyId: account.keyId, button: choice.button, signature: await sign(account.keyPair.privateKey, message) };
  if (code !== null) body.code = code;
  if (reason !== null) body.reason = reason;
  return request("POST", `/v1/device/challenges/${encodeURIComponent(view.challengeId)}/answer`, {
    headers: homeHeader(account),
    body: JSON.stringify(body),
  });
}

// ---------------------------------------------------------------------------------------------
// Web Push (notifications)

/**
 * The VAPID public key to subscribe with: { vapidPublicKey } (404 web_push_not_configured).
 * @returns {Promise<{ vapidPublicKey: string }>}
 */
export function webPushKey() {
  return request("GET", "/v1/device/web-push");
}

/**
 * Tells the service to push this account's challenges to `subscription` (a PushSubscription).
 * The body is `subscription.toJSON()`, spelt out field by field: the service refuses unknown
 * fields, and a browser adding one must not break subscribing. → { endpoint }.
 * @param {Account} account
 * @param {PushSubscription} subscription
 * @returns {Promise<{ endpoint: string }>}
 */
export function putWebPush(account, subscription) {
  const json = subscription.toJSON();
  const body = {
    endpoint: json.endpoint,
    expirationTime: json.expirationTime ?? null,
    keys: { p256dh: json.keys?.p256dh, auth: json.keys?.auth },
  };
  return signed(account, "PUT", "/v1/device/web-push", JSON.stringify(body));
}

/**
 * The service stops pushing this account's challenges.
 * @param {Account} account
 * @returns {Promise<unknown>}
 */
export function deleteWebPush(account) {
  return signed(account, "DELETE", "/v1/device/web-push");
}
