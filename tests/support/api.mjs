// Helpers for black-box tests against a running Worker (PUSHAUTH_BASE_URL, set by
// tests/support/with-worker.mjs). Device keys and signatures come from the project's own
// CLI authenticator (target/debug/pushauth-device), never from test code.
import { execFileSync } from "node:child_process";
import { createHash, createHmac, randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { readVars } from "./with-worker.mjs";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const base = process.env.PUSHAUTH_BASE_URL;
if (!base) throw new Error("PUSHAUTH_BASE_URL is not set: run through tests/support/with-worker.mjs");
export const devVars = readVars(join(root, "dev", "dev.vars"));
const deviceBin = join(root, "target", "debug", "pushauth-device");

/** One HTTP call; returns { status, json, headers, text }. */
export async function call(method, path, { headers = {}, body, raw } = {}) {
  const init = { method, headers: { ...headers } };
  if (raw !== undefined) init.body = raw;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["content-type"] = "application/json";
  }
  const res = await fetch(`${base}${path}`, init);
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, json, headers: res.headers, text };
}

export const admin = { authorization: `Bearer ${devVars.ADMIN_TOKEN}` };

export function basic(secret) {
  return { authorization: `Basic ${Buffer.from(`${secret}:`).toString("base64")}` };
}

export function bearer(token) {
  return { authorization: `Bearer ${token}` };
}

export function uniqueId(prefix = "t") {
  return `${prefix}-${randomBytes(6).toString("hex")}`;
}

/** Creates a tenant (a fresh id unless `settings.id` names one); returns { id, secret, webhookSecret, tenant }. */
export async function createTenant(settings = {}) {
  const id = settings.id ?? uniqueId("tenant");
  const res = await call("POST", "/admin/tenants", {
    headers: admin,
    body: {
      id,
      name: `Test ${id}`,
      redirectUrls: ["http://127.0.0.1:9/done"],
      allowedOrigins: ["http://127.0.0.1:9"],
      ...settings,
    },
  });
  if (res.status !== 201) throw new Error(`createTenant: ${res.status} ${res.text}`);
  return {
    id,
    secret: res.json.secret,
    webhookSecret: res.json.webhookSecret,
    tenant: res.json.tenant,
    hmac: settings.authMode === "hmac",
  };
}

/** A device: a key file made by the CLI authenticator. */
export class Device {
  constructor() {
    this.file = join(mkdtempSync(join(tmpdir(), "pushauth-device-")), "device.json");
    const out = JSON.parse(execFileSync(deviceBin, ["keygen", "--key", this.file], { encoding: "utf8" }));
    this.publicKey = out.publicKey;
    this.keyId = out.keyId;
  }

  /** The answer body for a challenge view. */
  answer(view, button, { code, reason } = {}) {
    const args = ["sign-answer", "--key", this.file, "--button", String(button)];
    if (code !== undefined) args.push("--code", code);
    if (reason !== undefined) args.push("--reason", reason);
    return JSON.parse(execFileSync(deviceBin, args, { input: JSON.stringify(view), encoding: "utf8" }));
  }

  /**
   * The enrolment body for an enrolment token: the key, a name, and the key's proof of
   * possession over the token (protocol.md, "Enrolment proof").
   */
  enrolment(token, name = "Test phone", platform = "cli") {
    const args = ["sign-enrolment", "--key", this.file, "--token", token, "--name", name, "--platform", platform];
    return JSON.parse(execFileSync(deviceBin, args, { encoding: "utf8" }));
  }

  /** Signed request headers. */
  headers(tenantId, method, path, body = "") {
    const args = ["sign-request", "--key", this.file, "--tenant", tenantId, "--method", method, "--path", path, "--body", body];
    return JSON.parse(execFileSync(deviceBin, args, { encoding: "utf8" }));
  }

  async pending(tenantId) {
    return call("GET", "/v1/device/challenges", { headers: this.headers(tenantId, "GET", "/v1/device/challenges") });
  }
}

function field(s) {
  const bytes = Buffer.from(s, "utf8");
  const len = Buffer.alloc(4);
  len.writeUInt32BE(bytes.length);
  return Buffer.concat([len, bytes]);
}

/** `Authorization` for an HMAC request origin, as docs/api.md defines it. */
export function hmacAuthorization(t, method, path, body, ts = Math.floor(Date.now() / 1000)) {
  const digest = createHash("sha256").update(body).digest("base64url");
  const message = Buffer.concat(["pushauth/server-hmac/v1", t.id, method, path, String(ts), digest].map(field));
  const sig = createHmac("sha256", t.secret).update(message).digest("base64");
  return `PUSHAUTH-HMAC-SHA256 tenant=${t.id},ts=${ts},sig=${sig}`;
}

/** Tracks an action for a user; returns the track response JSON. HMAC origins sign the call. */
export async function track(t, userId, action = "signIn", attributes = {}) {
  const path = `/v1/users/${encodeURIComponent(userId)}/actions/${action}`;
  const raw = JSON.stringify(attributes);
  const authorization = t.hmac ? hmacAuthorization(t, "POST", path, raw) : basic(t.secret).authorization;
  const res = await call("POST", path, { headers: { authorization, "content-type": "application/json" }, raw });
  if (res.status !== 200) throw new Error(`track: ${res.status} ${res.text}`);
  return res.json;
}

/** Enrols a device for a user (a CLI {@link Device}, or the bench's NodeDevice whose proof is async). */
export async function enrol(t, userId, device, name = "Test phone") {
  const { token } = await track(t, userId, "enroll", { scope: "add:authenticators" });
  const res = await call("POST", "/v1/client/user-authenticators/push", {
    headers: bearer(token),
    body: await device.enrolment(token, name),
  });
  if (res.status !== 201) throw new Error(`enrol: ${res.status} ${res.text}`);
  return res.json;
}

/** Tracks and starts a push challenge; returns { token, challengeId, verificationCode }. */
export async function startChallenge(t, userId, action = "signIn", attributes = {}) {
  const { token } = await track(t, userId, action, attributes);
  const res = await call("POST", "/v1/client/challenge/push", { headers: bearer(token), body: { action } });
  if (res.status !== 200) throw new Error(`challenge: ${res.status} ${res.text}`);
  return { token, ...res.json };
}

/** The device's view of a pending challenge. */
export async function pendingView(t, device, challengeId) {
  const res = await device.pending(t.id);
  if (res.status !== 200) throw new Error(`pending: ${res.status} ${res.text}`);
  const view = res.json.challenges.find((c) => c.challengeId === challengeId);
  if (!view) throw new Error(`challenge ${challengeId} is not pending for the device`);
  return view;
}

export async function answer(challengeId, body) {
  return call("POST", `/v1/device/challenges/${challengeId}/answer`, { body });
}

export async function verify(token, challengeId) {
  return call("POST", "/v1/client/verify/push", { headers: bearer(token), body: { challengeId } });
}

/** Mints a token as docs/protocol.md §5 describes, with the development TOKEN_SECRET. */
export function mintToken(claims, kind = claims.kind) {
  const b64url = (buf) => Buffer.from(buf).toString("base64url");
  const key = createHmac("sha256", devVars.TOKEN_SECRET).update(`pushauth/token-key/v1/${kind}`).digest();
  const input = `${b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${b64url(createHmac("sha256", key).update(input).digest())}`;
}

/** The order n of P-256's base point. */
const P256_N = BigInt("0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");

/**
 * The other valid signature of the same message: given a DER signature (r, s) in base64, as the
 * CLI authenticator makes them, returns (r, n − s) in DER, base64 (ECDSA's malleability: one
 * of the two is "high-S"). The service must treat both as the same signed request.
 */
export function signatureTwin(derBase64) {
  const der = Buffer.from(derBase64, "base64");
  if (der[0] !== 0x30 || der[1] !== der.length - 2 || der[2] !== 0x02) throw new Error(`not a DER signature: ${derBase64}`);
  const rLen = der[3];
  const r = der.subarray(4, 4 + rLen);
  if (der[4 + rLen] !== 0x02) throw new Error(`not a DER signature: ${derBase64}`);
  const s = der.subarray(6 + rLen, 6 + rLen + der[5 + rLen]);
  const twin = P256_N - BigInt(`0x${s.toString("hex")}`);
  const int = (bytes) => {
    let b = Buffer.from(bytes);
    while (b.length > 1 && b[0] === 0 && b[1] < 0x80) b = b.subarray(1);
    if (b[0] >= 0x80) b = Buffer.concat([Buffer.from([0]), b]);
    return Buffer.concat([Buffer.from([0x02, b.length]), b]);
  };
  const body = Buffer.concat([int(r), int(Buffer.from(twin.toString(16).padStart(64, "0"), "hex"))]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]).toString("base64");
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
