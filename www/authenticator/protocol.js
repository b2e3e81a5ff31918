// @ts-check
// The pushauth protocol for the web authenticator: the exact bytes a device hashes and signs
// (docs/protocol.md §1–§4 and the enrolment proof). Pure functions, no DOM, no storage, no network; the only platform
// API used is WebCrypto's SHA-256 (crypto.subtle.digest), so this module runs in any browser and
// in Node ≥ 20. tests/e2e/authenticator-vectors.test.mjs checks every function against
// tests/vectors/, which the Rust core generates.

/**
 * One answer button of a challenge, as the device API returns it.
 * @typedef {{ title: string, strongAuth: boolean, style?: string | null }} Button
 */
/**
 * Where a sign-in came from, as the device API returns it (every field optional).
 * @typedef {{ ipAddress?: string | null, userAgent?: string | null, location?: string | null, deviceId?: string | null }} ChallengeContext
 */
/**
 * A pending challenge exactly as the device API returns it (docs/api.md, "Device API"): what the
 * device shows and signs over. The functions below still check every field's type at run time,
 * since the view comes from the network (and the vectors test pass wrong types on purpose).
 * @typedef {object} ChallengeView
 * @property {string} tenantId
 * @property {string} challengeId
 * @property {string} userId
 * @property {string} action
 * @property {string} content
 * @property {string} notificationTitle
 * @property {string} notificationBody
 * @property {string | null} [transactionId]
 * @property {string | null} [confirmationCode]
 * @property {ChallengeContext | null} [context]
 * @property {Button[]} buttons
 * @property {boolean} [numberMatchRequired]
 * @property {number} createdAt
 * @property {number} expiresAt
 * @property {string} nonce
 */
/**
 * A device's answer: the button index, the digits typed (or none), and the deny reason
 * (`not_me`, `other` or none).
 * @typedef {{ button: number, code?: string | null, reason?: string | null }} Choice
 */
/** Bytes as the functions below accept them. @typedef {Uint8Array | ArrayBuffer | ArrayBufferView} ByteSource */

export const ANSWER_TAG = "pushauth/answer/v1";
export const CONTEXT_TAG = "pushauth/context/v1";
export const DEVICE_REQUEST_TAG = "pushauth/device-request/v1";
export const ENROLMENT_TAG = "pushauth/enrolment/v1";

/** The order n of the P-256 group (for the low-S normalisation of §2). */
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

const encoder = new TextEncoder();

// ---------------------------------------------------------------------------------------------
// Bytes and text

/** UTF-8 bytes of a string, as given (no normalisation). Refuses lone surrogates, which have no
 * UTF-8 form: TextEncoder would silently turn them into U+FFFD and sign something else. */
/** @param {string} text */
export function utf8(text) {
  if (typeof text !== "string") throw new TypeError(`expected a string, got ${typeof text}`);
  if (typeof text.isWellFormed === "function" ? !text.isWellFormed() : /[\ud800-\udfff]/u.test(text)) {
    throw new TypeError("string holds a lone surrogate");
  }
  return encoder.encode(text);
}

/**
 * Concatenates byte arrays.
 * @param {Uint8Array[]} parts
 */
export function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Accepts Uint8Array, ArrayBuffer or a view; returns a Uint8Array over the same bytes.
 * @param {ByteSource} value
 * @returns {Uint8Array}
 */
export function bytes(value) {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError("expected bytes");
}

/** @param {ByteSource} data */
export function toHex(data) {
  return Array.from(bytes(data), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** @param {string} hex */
export function fromHex(hex) {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) throw new TypeError("invalid hex");
  return Uint8Array.from(hex.match(/../g) || [], (h) => parseInt(h, 16));
}

/**
 * Standard base64 with padding.
 * @param {ByteSource} data
 */
export function base64(data) {
  let text = "";
  for (const b of bytes(data)) text += String.fromCharCode(b);
  return btoa(text);
}

/**
 * base64url without padding (key ids, digests).
 * @param {ByteSource} data
 */
export function base64url(data) {
  return base64(data).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * Decodes standard base64 or base64url, padded or not.
 * @param {string} text
 */
export function fromBase64(text) {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) throw new TypeError("invalid base64");
  const std = text.replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "");
  const raw = atob(std + "=".repeat((4 - (std.length % 4)) % 4));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

/**
 * SHA-256 of `data` (32 bytes).
 * @param {ByteSource} data
 */
export async function sha256(data) {
  // A copy: WebCrypto takes bytes over an ArrayBuffer, never over a SharedArrayBuffer.
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array(bytes(data))));
}

// ---------------------------------------------------------------------------------------------
// §1 Canonical encoding

/**
 * One field: u32_be(len) ‖ bytes. `value` is a string (UTF-8) or bytes.
 * @param {string | ByteSource} value
 */
export function field(value) {
  const data = typeof value === "string" ? utf8(value) : bytes(value);
  if (data.length > 0xffffffff) throw new RangeError("field too long");
  const out = new Uint8Array(4 + data.length);
  new DataView(out.buffer).setUint32(0, data.length, false);
  out.set(data, 4);
  return out;
}

/**
 * An unsigned integer as decimal ASCII (no sign, no leading zeros).
 * @param {number | bigint} n
 */
export function decimal(n) {
  if (typeof n === "bigint") {
    if (n < 0n) throw new RangeError("negative integer");
    return n.toString(10);
  }
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not an unsigned integer: ${n}`);
  return n.toString(10);
}

/**
 * An optional string: absent (null/undefined) is the empty field.
 * @param {unknown} value
 */
function optional(value) {
  if (value === null || value === undefined) return "";
  if (typeof value !== "string") throw new TypeError(`expected a string or null, got ${typeof value}`);
  return value;
}

/**
 * A string field that must be present.
 * @param {unknown} value
 * @param {string} name
 */
function required(value, name) {
  if (typeof value !== "string") throw new TypeError(`${name} must be a string`);
  return value;
}

/**
 * The canonical encoding of a list of field values (strings or bytes), tag first.
 * @param {(string | ByteSource)[]} values
 */
export function encodeFields(values) {
  return concat(values.map(field));
}

// ---------------------------------------------------------------------------------------------
// §2 Keys and signatures

/**
 * The key id: base64url (no padding) of SHA-256 over the key's SPKI DER.
 * @param {string | ByteSource} spki base64 of the DER, or the DER itself
 */
export async function keyIdFromSpki(spki) {
  const der = typeof spki === "string" ? fromBase64(spki) : bytes(spki);
  return base64url(await sha256(der));
}

/** @param {Uint8Array} data */
function bigFrom(data) {
  return BigInt(`0x${toHex(data) || "0"}`);
}

/** @param {bigint} n */
function bigTo32(n) {
  return fromHex(n.toString(16).padStart(64, "0"));
}

/**
 * Whether a raw 64-byte `r ‖ s` signature has s > n/2.
 * @param {ByteSource} raw
 */
export function isHighS(raw) {
  const sig = bytes(raw);
  if (sig.length !== 64) throw new RangeError("expected a 64-byte r‖s signature");
  return bigFrom(sig.subarray(32)) > P256_N >> 1n;
}

/** Returns the low-S form of a raw 64-byte `r ‖ s` signature (§2: the project's own code always
 * emits low-S; WebCrypto does not normalise).
 * @param {ByteSource} raw
 */
export function normalizeLowS(raw) {
  const sig = bytes(raw);
  if (!isHighS(sig)) return Uint8Array.from(sig);
  return concat([sig.subarray(0, 32), bigTo32(P256_N - bigFrom(sig.subarray(32)))]);
}

// ---------------------------------------------------------------------------------------------
// §3 Answer message

/**
 * The canonical bytes whose SHA-256 is the context digest: what the device displayed.
 * @param {ChallengeView} view
 */
export function contextMessage(view) {
  const context = view.context || {};
  if (!Array.isArray(view.buttons)) throw new TypeError("view.buttons must be an array");
  const values = [
    CONTEXT_TAG,
    required(view.action, "action"),
    required(view.content, "content"),
    required(view.notificationTitle, "notificationTitle"),
    required(view.notificationBody, "notificationBody"),
    optional(view.transactionId),
    optional(view.confirmationCode),
    optional(context.ipAddress),
    optional(context.userAgent),
    optional(context.location),
    optional(context.deviceId),
    decimal(view.buttons.length),
  ];
  for (const button of view.buttons) {
    if (typeof button.strongAuth !== "boolean") throw new TypeError("button.strongAuth must be a boolean");
    values.push(required(button.title, "button.title"), button.strongAuth ? "1" : "0", optional(button.style));
  }
  return encodeFields(values);
}

/**
 * SHA-256 of the context message (32 bytes).
 * @param {ChallengeView} view
 */
export async function contextDigest(view) {
  return sha256(contextMessage(view));
}

/**
 * The answer message (§3) for `view` exactly as the device API returned it.
 * `choice` is `{ button, code?, reason? }`: the button index, the digits typed (or none), and
 * the deny reason (`not_me`, `other` or none).
 * @param {ChallengeView} view
 * @param {string} keyId
 * @param {Choice} choice
 */
export async function answerMessage(view, keyId, choice) {
  const { button, code = null, reason = null } = choice;
  if (reason !== null && reason !== undefined && reason !== "not_me" && reason !== "other") {
    throw new TypeError(`unknown deny reason: ${reason}`);
  }
  return encodeFields([
    ANSWER_TAG,
    required(view.tenantId, "tenantId"),
    required(view.challengeId, "challengeId"),
    required(view.userId, "userId"),
    required(keyId, "keyId"),
    decimal(button),
    optional(code),
    optional(reason),
    decimal(view.expiresAt),
    required(view.nonce, "nonce"),
    base64url(await contextDigest(view)),
  ]);
}

// ---------------------------------------------------------------------------------------------
// §4 Device request message

/**
 * The device request message (§4). `body` is the raw body as sent (string or bytes; empty for
 * GET and DELETE); `method` must already be uppercase, as it goes on the wire.
 * @param {{ tenantId: string, keyId: string, method: string, pathAndQuery: string, timestamp: number, body?: string | ByteSource }} request
 */
export async function deviceRequestMessage({ tenantId, keyId, method, pathAndQuery, timestamp, body = "" }) {
  if (typeof method !== "string" || method !== method.toUpperCase() || method === "") {
    throw new TypeError("method must be an uppercase HTTP method");
  }
  const raw = typeof body === "string" ? utf8(body) : bytes(body);
  return encodeFields([
    DEVICE_REQUEST_TAG,
    required(tenantId, "tenantId"),
    required(keyId, "keyId"),
    method,
    required(pathAndQuery, "pathAndQuery"),
    decimal(timestamp),
    base64url(await sha256(raw)),
  ]);
}

// ---------------------------------------------------------------------------------------------
// Enrolment proof

/**
 * The token's field of the enrolment message: base64url (no padding) of SHA-256 over its ASCII.
 * @param {string} token
 */
export async function enrolmentTokenDigest(token) {
  return base64url(await sha256(utf8(required(token, "token"))));
}

/**
 * The enrolment proof message: what the key being enrolled signs to show the service it holds
 * the key, bound to the enrolment (track) token it presents. Fields: tag, the token's digest, key id.
 * @param {string} token
 * @param {string} keyId
 */
export async function enrolmentMessage(token, keyId) {
  return encodeFields([ENROLMENT_TAG, await enrolmentTokenDigest(token), required(keyId, "keyId")]);
}
