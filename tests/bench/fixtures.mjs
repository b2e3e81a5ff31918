// Tenants, users and devices for the bench, made through the Worker's own API
// (tests/support/api.mjs).
import { rmSync } from "node:fs";
import { dirname } from "node:path";
import { generateDeviceKey, sign } from "../../www/authenticator/keys.js";
import { deviceRequestMessage, enrolmentMessage } from "../../www/authenticator/protocol.js";
import { Device, call, createTenant, enrol } from "../support/api.mjs";
import { onExit } from "./cleanup.mjs";

/**
 * The loosest push limits a tenant may set (at most 20 pending and 20 per window, the most the
 * user record can count): with a 1 s window, the bench's challenges (at most 16 started at once per
 * user, request/add spread over many accounts) never get 429.
 */
const PUSH_LIMITS = { maxPending: 20, maxPerWindow: 20, windowSecs: 1, notMeBlockSecs: 3600 };

/** A fresh tenant with the bench's push limits; `settings` as for createTenant. */
export function benchTenant(settings = {}) {
  return createTenant({ pushLimits: PUSH_LIMITS, ...settings });
}

/** Runs `fn` over `items`, at most `limit` at a time; the results in the items' order. */
export async function inParallel(items, limit, fn) {
  const out = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** A user with an enrolled CLI device; the device's key folder is removed at exit. */
export async function enrolledUser(t, userId) {
  const device = new Device();
  onExit(() => rmSync(dirname(device.file), { recursive: true, force: true }));
  await enrol(t, userId, device);
  return { userId, device };
}

/**
 * A device whose key lives in this Node process, for when the bench needs many signed device
 * requests: the CLI authenticator (tests/support/api.mjs `Device`) starts a process per
 * signature, this signs thousands a second.
 *
 * It is the web authenticator's own code, run in Node (≥ 20 has WebCrypto as
 * `globalThis.crypto`): www/authenticator/keys.js makes the key (P-256, private half
 * non-extractable) and signs (ECDSA SHA-256, raw `r‖s` normalised to low-S, standard base64: what
 * the Worker's `DeviceSignature::parse` takes and www/authenticator/api.js sends), over the
 * message www/authenticator/protocol.js builds (docs/protocol.md §4). Nothing of the format is
 * re-implemented here. Timestamps are this machine's clock, which is the local Worker's. (Node
 * warns once, MODULE_TYPELESS_PACKAGE_JSON, as it loads those modules: the repository's
 * package.json does not say "type": "module". Harmless.)
 *
 * Signed device requests are single use (the Worker remembers each signature for its ±60 s
 * window): sign every request afresh. WebCrypto's ECDSA draws a random nonce per signature, so
 * two requests signed in the same millisecond are still two distinct requests.
 */
export class NodeDevice {
  #privateKey;

  /** A device with a fresh key pair. */
  static async create() {
    return new NodeDevice(await generateDeviceKey());
  }

  /** From generateDeviceKey's { keyPair, publicKey, keyId }. */
  constructor({ keyPair, publicKey, keyId }) {
    this.#privateKey = keyPair.privateKey;
    /** Standard base64 of the SPKI DER, what enrolment takes. */
    this.publicKey = publicKey;
    this.keyId = keyId;
  }

  /**
   * The enrolment body for an enrolment token: the key, a name, and the key's proof of
   * possession over the token (protocol.md, "Enrolment proof"), as the web authenticator sends it.
   */
  async enrolment(token, name = "Test phone", platform = "cli") {
    const proof = await sign(this.#privateKey, await enrolmentMessage(token, this.keyId));
    return { publicKey: this.publicKey, deviceName: name, devicePlatform: platform, proof };
  }

  /**
   * Signed request headers for one request, timestamped now. `method` is uppercase and
   * `pathAndQuery` exactly as sent; `body` is the raw body (empty for GET).
   */
  async headers(tenantId, method, pathAndQuery, body = "") {
    const timestamp = Date.now();
    const message = await deviceRequestMessage({ tenantId, keyId: this.keyId, method, pathAndQuery, timestamp, body });
    return {
      "x-pushauth-key-id": this.keyId,
      "x-pushauth-timestamp": String(timestamp),
      "x-pushauth-signature": await sign(this.#privateKey, message),
    };
  }

  /**
   * `count` distinct signed requests for the same call, each usable once, as a list of header
   * sets; signed in batches (WebCrypto signs on Node's thread pool). Their timestamps are the
   * moment each was signed, so use them within the Worker's 60 s window.
   */
  async headerPool(count, tenantId, method, pathAndQuery, body = "") {
    const BATCH = 256;
    const pool = [];
    while (pool.length < count) {
      const n = Math.min(BATCH, count - pool.length);
      pool.push(...(await Promise.all(Array.from({ length: n }, () => this.headers(tenantId, method, pathAndQuery, body)))));
    }
    return pool;
  }

  /** The device's pending challenges (`GET /v1/device/challenges`): { status, json, … }. */
  async pending(tenantId) {
    return call("GET", "/v1/device/challenges", { headers: await this.headers(tenantId, "GET", "/v1/device/challenges") });
  }
}

/** A user with an enrolled {@link NodeDevice} (enrolled through the API with its public key). */
export async function nodeDeviceUser(t, userId) {
  const device = await NodeDevice.create();
  await enrol(t, userId, device, "Bench Node device");
  return { userId, device };
}
