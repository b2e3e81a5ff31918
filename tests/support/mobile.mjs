// A phone running an app on Authsignal's mobile SDKs (authsignal-ios, authsignal-android):
// what their push module sends, byte for byte (docs/authsignal-mobile.md), with a P-256 key
// from Node's WebCrypto as the Secure Enclave / AndroidKeyStore would hold it. Requests go
// through `call` (tests/support/api.mjs, or a caller's wrapper of it).
import assert from "node:assert/strict";
import { webcrypto } from "node:crypto";
import { call as apiCall } from "./api.mjs";

const { subtle } = webcrypto;

export const b64 = (bytes) => Buffer.from(bytes).toString("base64");
export const b64url = (bytes) => Buffer.from(bytes).toString("base64url");
export const PUSH = "/v1/client/user-authenticators/push";

/** ASN.1 DER of a WebCrypto `r‖s` signature, as SecKeyCreateSignature and SHA256withECDSA give. */
export function der(raw) {
  const int = (bytes) => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    let v = bytes.subarray(i);
    if (v[0] & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
    return Buffer.concat([Buffer.from([0x02, v.length]), v]);
  };
  const r = int(Buffer.from(raw.subarray(0, 32)));
  const s = int(Buffer.from(raw.subarray(32)));
  return Buffer.concat([Buffer.from([0x30, r.length + s.length]), r, s]);
}

/**
 * A phone running an app on the Authsignal SDK: `platform` "ios" encodes the query key and the
 * Basic header as base64url without padding (Data.base64URLEncodedString), "android" as
 * standard base64 (android.util.Base64 NO_WRAP).
 */
export class MobileDevice {
  static async create(tenantId, platform = "ios", call = apiCall) {
    const keys = await subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"]);
    const spki = new Uint8Array(await subtle.exportKey("spki", keys.publicKey));
    return new MobileDevice(tenantId, platform, keys.privateKey, b64(spki), call);
  }

  constructor(tenantId, platform, privateKey, publicKey, call = apiCall) {
    Object.assign(this, { tenantId, platform, privateKey, publicKey, call });
  }

  encode(text) {
    return this.platform === "ios" ? b64url(Buffer.from(text)) : b64(Buffer.from(text));
  }

  /** The SDKs' default headers and their `Authorization: Basic <tenantId:>`. */
  headers(extra = {}) {
    return {
      authorization: `Basic ${this.encode(`${this.tenantId}:`)}`,
      "x-authsignal-sdk": this.platform,
      "x-authsignal-version": "2.13.0",
      "x-authsignal-tenant-id": this.tenantId,
      "user-agent": `Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AuthsignalIOSSDK/2.13.0`,
      ...extra,
    };
  }

  get query() {
    return `publicKey=${this.encode(this.publicKey)}`;
  }

  /** Signature.sign(message:): DER, standard base64, over the UTF-8 of `message`. */
  async sign(message) {
    const raw = new Uint8Array(await subtle.sign({ name: "ECDSA", hash: "SHA-256" }, this.privateKey, Buffer.from(message, "utf8")));
    return b64(der(raw));
  }

  /** signWithTimeBasedMessage: floor(seconds / 600) printed as a Double, e.g. "2941234.0". */
  async signTime(secs = Date.now() / 1000) {
    return this.sign(`${Math.floor(secs / 600)}.0`);
  }

  addCredential(token, extra = {}) {
    const headers = this.headers({ authorization: `Bearer ${token}` });
    return this.call("POST", PUSH, { headers, body: { publicKey: this.publicKey, deviceName: "Nora's iPhone", devicePlatform: this.platform, ...extra } });
  }

  getCredential() {
    return this.call("GET", `${PUSH}?${this.query}`, { headers: this.headers() });
  }

  challengeNonce() {
    return this.call("POST", `${PUSH}/challenge/sign?${this.query}`, { headers: this.headers() });
  }

  /** getChallenge: the nonce, signed, in X-Authsignal-Signature. Returns [response, signature]. */
  async getChallenge() {
    const nonce = await this.challengeNonce();
    assert.equal(nonce.status, 200, nonce.text);
    const signature = await this.sign(nonce.json.message);
    return [await this.readChallenge(signature), signature];
  }

  readChallenge(signature) {
    const headers = signature === undefined ? this.headers() : this.headers({ "x-authsignal-signature": signature });
    return this.call("GET", `${PUSH}/challenge?${this.query}`, { headers });
  }

  /** updateChallenge's body: the signature is over the challenge id alone. */
  async answerBody(challengeId, approved, verificationCode = null) {
    return { challengeId, publicKey: this.publicKey, approved, signature: await this.sign(challengeId), verificationCode };
  }

  updateChallenge(body) {
    return this.call("POST", `${PUSH}/challenge`, { headers: this.headers(), body });
  }

  async updateCredential(pushToken) {
    const signing = await this.call("POST", `${PUSH}/sign?${this.query}`, { headers: this.headers() });
    assert.equal(signing.status, 200, signing.text);
    const body = { challengeId: signing.json.challengeId, publicKey: this.publicKey, signature: await this.sign(signing.json.message), pushToken, resetExpiry: false };
    return [await this.call("PATCH", PUSH, { headers: this.headers(), body }), body];
  }

  async removeCredential(signature) {
    const body = { publicKey: this.publicKey, signature: signature ?? (await this.signTime()) };
    return this.call("POST", `${PUSH}/remove`, { headers: this.headers(), body });
  }
}
