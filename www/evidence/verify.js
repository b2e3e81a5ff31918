// @ts-check
// Verifies a pushauth evidence document (docs/protocol.md, "Evidence") in the browser, with
// nothing but the document and WebCrypto: the same checks, in the same order, with the same
// verdicts as the core's `evidence::verify` and `pushauth-device verify`. The answer message is
// rebuilt by the web authenticator's protocol module (pinned to the core by tests/vectors), so
// a verdict of `valid` means this key signed exactly what the document says was shown.
import { answerMessage, fromBase64, keyIdFromSpki } from "../authenticator/protocol.js";

const VERIFY = { name: "ECDSA", hash: "SHA-256" };

/**
 * What the checks say: `valid` with the facts the signature covers, or the reason it is refused.
 * @typedef {{ verdict: "valid", tenantId: string, userId: string, action: string, content: string, button: string, approved: boolean, keyId: string, answeredAt: number } | { verdict: Refusal }} Verdict
 */
/**
 * Why a document is refused: the core's names.
 * @typedef {"unsupported_version" | "tenant_mismatch" | "invalid_key" | "key_id_mismatch" | "invalid_signature_encoding" | "signature_mismatch" | "button_out_of_range" | "result_mismatch"} Refusal
 */

/** A failed check, with the core's name for it. */
class Refused extends Error {
  /** @param {Refusal} verdict */
  constructor(verdict) {
    super(verdict);
    this.verdict = verdict;
  }
}

/**
 * Reads one DER INTEGER at `at`; returns [value bytes without sign padding, next offset].
 * @param {Uint8Array} der
 * @param {number} at
 * @returns {[Uint8Array, number]}
 */
function derInteger(der, at) {
  if (der[at] !== 0x02) throw new Refused("invalid_signature_encoding");
  const len = der[at + 1];
  if (len === undefined || len < 1 || len > 33 || at + 2 + len > der.length) throw new Refused("invalid_signature_encoding");
  let value = der.subarray(at + 2, at + 2 + len);
  if (value[0] & 0x80) throw new Refused("invalid_signature_encoding"); // negative
  if (value.length > 1 && value[0] === 0 && !(value[1] & 0x80)) throw new Refused("invalid_signature_encoding"); // not minimal
  if (value[0] === 0) value = value.subarray(1);
  if (value.length > 32) throw new Refused("invalid_signature_encoding");
  return [value, at + 2 + len];
}

/** The signature as WebCrypto wants it, 64 bytes `r ‖ s`, from DER or from `r ‖ s` itself
 * (exactly 64 bytes is always `r ‖ s`, as protocol §2 says).
 * @param {string} text
 */
export function rawSignature(text) {
  let sig;
  try {
    sig = fromBase64(text);
  } catch {
    throw new Refused("invalid_signature_encoding");
  }
  if (sig.length === 64) return sig;
  if (sig[0] !== 0x30 || sig[1] !== sig.length - 2) throw new Refused("invalid_signature_encoding");
  const [r, next] = derInteger(sig, 2);
  const [s, end] = derInteger(sig, next);
  if (end !== sig.length) throw new Refused("invalid_signature_encoding");
  const raw = new Uint8Array(64);
  raw.set(r, 32 - r.length);
  raw.set(s, 64 - s.length);
  return raw;
}

/**
 * Verifies `doc` (the parsed JSON). Returns `{ verdict: "valid", ...facts }` or
 * `{ verdict: <reason> }`, the reason being the core's: `unsupported_version`,
 * `tenant_mismatch`, `invalid_key`, `key_id_mismatch`, `invalid_signature_encoding`,
 * `signature_mismatch`, `button_out_of_range`, `result_mismatch`.
 * @param {any} doc a parsed JSON document, of any shape: every field is checked before use
 * @returns {Promise<Verdict>}
 */
export async function verifyEvidence(doc) {
  try {
    if (doc?.version !== 1) throw new Refused("unsupported_version");
    const view = doc.challenge;
    if (typeof view !== "object" || view === null || doc.tenantId !== view.tenantId) throw new Refused("tenant_mismatch");
    let spki;
    try {
      spki = fromBase64(doc.publicKey);
    } catch {
      throw new Refused("invalid_key");
    }
    let key;
    try {
      key = await crypto.subtle.importKey("spki", spki, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
    } catch {
      throw new Refused("invalid_key");
    }
    if (typeof doc.keyId !== "string" || !/^[A-Za-z0-9_-]{43}$/.test(doc.keyId)) throw new Refused("invalid_key");
    if ((await keyIdFromSpki(spki)) !== doc.keyId) throw new Refused("key_id_mismatch");
    const signature = rawSignature(doc.signature);
    const message = await answerMessage(view, doc.keyId, doc.choice ?? {});
    if (!(await crypto.subtle.verify(VERIFY, key, signature, message))) throw new Refused("signature_mismatch");
    const button = view.buttons?.[doc.choice.button];
    if (!button) throw new Refused("button_out_of_range");
    const expected = button.strongAuth ? "approved" : "denied";
    if (doc.result?.status !== expected) throw new Refused("result_mismatch");
    return {
      verdict: "valid",
      tenantId: view.tenantId,
      userId: view.userId,
      action: view.action,
      content: view.content,
      button: button.title,
      approved: button.strongAuth,
      keyId: doc.keyId,
      answeredAt: doc.result.answeredAt,
    };
  } catch (e) {
    if (e instanceof Refused) return { verdict: e.verdict };
    // The view itself could not be encoded (a field of the wrong type): nothing was signed over it.
    return { verdict: "signature_mismatch" };
  }
}
