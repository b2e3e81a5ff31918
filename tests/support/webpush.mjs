// The browser's half of Web Push, written independently of the Worker (Node's crypto): a push
// subscription's keys, decryption of what the push service receives (RFC 8291 with RFC 8188's
// aes128gcm), and the check of the VAPID Authorization header (RFC 8292).
import assert from "node:assert/strict";
import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, verify } from "node:crypto";

const b64url = (buf) => Buffer.from(buf).toString("base64url");
const hkdf = (ikm, salt, info, length) => Buffer.from(hkdfSync("sha256", ikm, salt, info, length));

/** A user agent's subscription keys, as `pushManager.subscribe()` makes them. */
export class PushClient {
  constructor() {
    this.ecdh = createECDH("prime256v1");
    this.ecdh.generateKeys();
    this.auth = randomBytes(16);
  }

  /** `PushSubscription.toJSON()` for `endpoint`. */
  subscription(endpoint) {
    return { endpoint, expirationTime: null, keys: { p256dh: b64url(this.ecdh.getPublicKey()), auth: b64url(this.auth) } };
  }

  /** Decrypts an aes128gcm body; returns { recordSize, plaintext }. Throws when it does not authenticate. */
  decrypt(body) {
    const salt = body.subarray(0, 16);
    const recordSize = body.readUInt32BE(16);
    const idlen = body[20];
    const senderKey = body.subarray(21, 21 + idlen);
    const record = body.subarray(21 + idlen);
    const uaPublic = this.ecdh.getPublicKey();
    const ecdhSecret = this.ecdh.computeSecret(senderKey);
    const keyInfo = Buffer.concat([Buffer.from("WebPush: info\0"), uaPublic, senderKey]);
    const ikm = hkdf(ecdhSecret, this.auth, keyInfo, 32);
    const cek = hkdf(ikm, salt, Buffer.from("Content-Encoding: aes128gcm\0"), 16);
    const nonce = hkdf(ikm, salt, Buffer.from("Content-Encoding: nonce\0"), 12);
    const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
    decipher.setAuthTag(record.subarray(record.length - 16));
    const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
    let end = padded.length - 1;
    while (end >= 0 && padded[end] === 0) end--;
    assert.equal(padded[end], 2, "the single record ends with the last-record delimiter 0x02");
    return { recordSize, idlen, plaintext: padded.subarray(0, end) };
  }
}

/**
 * Checks a `vapid t=<JWT>, k=<key>` header: the JWT's header, its audience, expiry and subject,
 * and its ES256 signature under `k`. Returns { claims, k }.
 */
export function verifyVapid(header, audience) {
  const m = /^vapid t=([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+), k=([A-Za-z0-9_-]+)$/.exec(header ?? "");
  assert.ok(m, `not a vapid Authorization header: ${header}`);
  const [, token, k] = m;
  const [head, body, signature] = token.split(".");
  assert.deepEqual(JSON.parse(Buffer.from(head, "base64url")), { typ: "JWT", alg: "ES256" });
  const claims = JSON.parse(Buffer.from(body, "base64url"));
  assert.equal(claims.aud, audience, "the audience is the push service's origin");
  const now = Math.floor(Date.now() / 1000);
  assert.ok(claims.exp > now && claims.exp <= now + 24 * 3600, `exp ${claims.exp} within 24 h of now`);
  assert.match(claims.sub, /^(mailto:|https:\/\/)/);
  const point = Buffer.from(k, "base64url");
  assert.equal(point.length, 65);
  const key = createPublicKey({ key: { kty: "EC", crv: "P-256", x: b64url(point.subarray(1, 33)), y: b64url(point.subarray(33)) }, format: "jwk" });
  const ok = verify("sha256", Buffer.from(`${head}.${body}`), { key, dsaEncoding: "ieee-p1363" }, Buffer.from(signature, "base64url"));
  assert.ok(ok, "the VAPID JWT's signature verifies under k");
  return { claims, k };
}
