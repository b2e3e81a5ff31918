// @ts-check
// The device key: a WebCrypto ECDSA P-256 key pair whose private half is non-extractable.
// WebCrypto signs SHA-256 of the message and returns raw `r ‖ s` (IEEE P1363, 64 bytes); the
// service accepts that form (docs/protocol.md §2). We normalise to low-S as the project's own
// signers do.
import { base64, bytes, keyIdFromSpki, normalizeLowS } from "./protocol.js";

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256" };
const SIGN = { name: "ECDSA", hash: "SHA-256" };

export function webCryptoAvailable() {
  return Boolean(globalThis.isSecureContext && globalThis.crypto?.subtle);
}

/**
 * Generates a device key pair. Returns { keyPair, spki (bytes), publicKey (base64 SPKI), keyId }.
 * `extractable: false` applies to the private key; a public key is always exportable.
 */
export async function generateDeviceKey() {
  const keyPair = await crypto.subtle.generateKey(ALGORITHM, false, ["sign", "verify"]);
  if (keyPair.privateKey.extractable) throw new Error("the browser made an extractable private key");
  const spki = new Uint8Array(await crypto.subtle.exportKey("spki", keyPair.publicKey));
  return { keyPair, spki, publicKey: base64(spki), keyId: await keyIdFromSpki(spki) };
}

/**
 * Signs `message`; returns the raw low-S `r ‖ s` signature as bytes.
 * @param {CryptoKey} privateKey
 * @param {import("./protocol.js").ByteSource} message
 */
export async function signRaw(privateKey, message) {
  // A copy: WebCrypto takes bytes over an ArrayBuffer, never over a SharedArrayBuffer.
  const raw = new Uint8Array(await crypto.subtle.sign(SIGN, privateKey, new Uint8Array(bytes(message))));
  return normalizeLowS(raw);
}

/**
 * Signs `message`; returns the signature as standard base64 (what the API takes).
 * @param {CryptoKey} privateKey
 * @param {import("./protocol.js").ByteSource} message
 */
export async function sign(privateKey, message) {
  return base64(await signRaw(privateKey, message));
}
