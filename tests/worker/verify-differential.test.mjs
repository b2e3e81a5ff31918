// The Worker verifies device signatures with the runtime's WebCrypto instead of the core's
// `p256` compiled to wasm (crates/pushauth-worker/src/signature_verifier.rs). The core still
// decides the policy; only the arithmetic moves. This test holds the two to the same verdict,
// inside workerd, on every signature in tests/vectors/ and on a generated corpus: valid, high-S,
// wrong key, wrong message, boundary scalars, malformed DER and every key encoding. It needs the
// Worker started with BENCH_ROUTES=true (tests/support/with-worker.mjs does).
import assert from "node:assert/strict";
import { generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { call, root } from "../support/api.mjs";

const N = BigInt("0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
const vectors = (name) => JSON.parse(readFileSync(join(root, "tests", "vectors", name), "utf8"));

const b64 = (bytes) => Buffer.from(bytes).toString("base64");
const toBig = (bytes) => BigInt(`0x${Buffer.from(bytes).toString("hex") || "0"}`);
const fromBig = (n) => Buffer.from(n.toString(16).padStart(64, "0"), "hex");

/** Minimal DER of r‖s (what OpenSSL and the mobile SDKs send). */
function der(raw) {
  const int = (bytes) => {
    let b = Buffer.from(bytes);
    while (b.length > 1 && b[0] === 0 && b[1] < 0x80) b = b.subarray(1);
    if (b[0] >= 0x80) b = Buffer.concat([Buffer.from([0]), b]);
    return Buffer.concat([Buffer.from([0x02, b.length]), b]);
  };
  const body = Buffer.concat([int(raw.subarray(0, 32)), int(raw.subarray(32))]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

/** Asks the Worker for both verdicts on one case. */
async function verdicts({ publicKey, message, signature }) {
  const res = await call("POST", "/__bench/verify", {
    body: { publicKey, message: b64(message), signature, engine: "both", iterations: 1 },
  });
  assert.equal(res.status, 200, `the bench route must be on (BENCH_ROUTES=true): ${res.text}`);
  return res.json;
}

/** Both engines agree, and on `expected` when given. */
async function agree(name, input, expected) {
  const { reference, webcrypto } = await verdicts(input);
  assert.equal(webcrypto, reference, `${name}: WebCrypto said ${webcrypto}, the reference ${reference}`);
  if (expected !== undefined) assert.equal(reference, expected, `${name}: expected ${expected}`);
}

/** A fresh key pair and its encodings as the core accepts them. */
function keyPair() {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const spki = publicKey.export({ format: "der", type: "spki" });
  const jwk = publicKey.export({ format: "jwk" });
  const x = Buffer.from(jwk.x, "base64url");
  const y = Buffer.from(jwk.y, "base64url");
  return {
    privateKey,
    encodings: {
      spki: b64(spki),
      spkiUrl: Buffer.from(spki).toString("base64url"),
      uncompressed: b64(Buffer.concat([Buffer.from([4]), x, y])),
      compressed: b64(Buffer.concat([Buffer.from([2 + (y[31] & 1)]), x])),
    },
  };
}

const raw = (privateKey, message) => sign("sha256", message, { key: privateKey, dsaEncoding: "ieee-p1363" });

describe("WebCrypto and the reference verifier agree inside workerd", () => {
  test("every signature in tests/vectors/", async () => {
    const keys = new Map(vectors("keys.json").keys.map((k) => [k.keyId, k.publicKeySpki]));
    let cases = 0;
    for (const file of ["answers.json", "device_requests.json"]) {
      for (const c of vectors(file).cases) {
        const publicKey = keys.get(c.keyId);
        assert.ok(publicKey, `${file}: unknown key ${c.keyId}`);
        const message = Buffer.from(c.messageHex, "hex");
        const forms = [c.signatureDer, c.signatureRaw].filter(Boolean);
        for (const signature of forms) {
          await agree(`${file} ${c.name ?? c.pathAndQuery}`, { publicKey, message, signature }, true);
          const other = Buffer.concat([message, Buffer.from("x")]);
          await agree(`${file} ${c.name ?? c.pathAndQuery}, message changed`, { publicKey, message: other, signature }, false);
          cases += 2;
        }
      }
    }
    assert.ok(cases >= 20, `only ${cases} vector cases`);
  });

  test("a generated corpus: valid, high-S, wrong key or message, every key encoding", async () => {
    let highSeen = 0;
    for (let i = 0; i < 24; i++) {
      const { privateKey, encodings } = keyPair();
      const stranger = keyPair().encodings.spki;
      const message = randomBytes(i * 7);
      const sig = raw(privateKey, message);
      const r = sig.subarray(0, 32);
      const s = toBig(sig.subarray(32));
      const twin = Buffer.concat([r, fromBig(N - s)]);
      if (s > N / 2n) highSeen++;
      for (const [form, publicKey] of Object.entries(encodings)) {
        await agree(`valid raw, ${form} key`, { publicKey, message, signature: b64(sig) }, true);
      }
      await agree("valid DER", { publicKey: encodings.spki, message, signature: b64(der(sig)) }, true);
      await agree("high-S twin", { publicKey: encodings.spki, message, signature: b64(twin) }, true);
      await agree("high-S twin, DER", { publicKey: encodings.spki, message, signature: b64(der(twin)) }, true);
      await agree("another key", { publicKey: stranger, message, signature: b64(sig) }, false);
      const changed = Buffer.concat([message, Buffer.from([i])]);
      await agree("another message", { publicKey: encodings.spki, message: changed, signature: b64(sig) }, false);
      const flipped = Buffer.from(sig);
      flipped[i % 64] ^= 1 << (i % 8);
      await agree("one bit of the signature flipped", { publicKey: encodings.spki, message, signature: b64(flipped) }, false);
    }
    assert.ok(highSeen > 0, "the corpus should contain signatures that are high-S as made");
  });

  test("boundary scalars and malformed encodings get the same refusal from both", async () => {
    const { privateKey, encodings } = keyPair();
    const message = Buffer.from("pushauth differential");
    const sig = raw(privateKey, message);
    const r = sig.subarray(0, 32);
    const s = sig.subarray(32);
    const scalar = (n) => fromBig(n);
    const cases = {
      "r = 0": Buffer.concat([scalar(0n), s]),
      "s = 0": Buffer.concat([r, scalar(0n)]),
      "r = n": Buffer.concat([scalar(N), s]),
      "s = n": Buffer.concat([r, scalar(N)]),
      "r = 1, s = 1": Buffer.concat([scalar(1n), scalar(1n)]),
      "r = n - 1, s = n - 1": Buffer.concat([scalar(N - 1n), scalar(N - 1n)]),
      "all ones": Buffer.alloc(64, 0xff),
      "63 bytes": sig.subarray(0, 63),
      "65 bytes": Buffer.concat([sig, Buffer.from([0])]),
      "DER with a trailing byte": Buffer.concat([der(sig), Buffer.from([0])]),
      "DER with a redundant leading zero": (() => {
        const d = der(Buffer.concat([Buffer.from([0, 1]), r.subarray(2), s]));
        return Buffer.concat([Buffer.from([0x30, d[1] + 1, 0x02, d[3] + 1, 0]), d.subarray(4)]);
      })(),
      "DER with a long-form length": (() => {
        const d = der(sig);
        return Buffer.concat([Buffer.from([0x30, 0x81, d[1]]), d.subarray(2)]);
      })(),
      "empty": Buffer.alloc(0),
    };
    for (const [name, signature] of Object.entries(cases)) {
      await agree(name, { publicKey: encodings.spki, message, signature: b64(signature) }, false);
    }
    const spki = Buffer.from(encodings.spki, "base64");
    const offCurve = Buffer.from(spki);
    offCurve[offCurve.length - 1] ^= 1;
    const keys = {
      "a point off the curve": b64(offCurve),
      "the SPKI of another curve": b64(
        generateKeyPairSync("ec", { namedCurve: "secp384r1" }).publicKey.export({ format: "der", type: "spki" }),
      ),
      "a truncated SPKI": b64(spki.subarray(0, 60)),
      "the identity (a zero point)": b64(Buffer.concat([Buffer.from([4]), Buffer.alloc(64)])),
    };
    for (const [name, publicKey] of Object.entries(keys)) {
      await agree(name, { publicKey, message, signature: b64(sig) }, false);
    }
    // The corpus makes sense only if the same inputs verify when nothing is wrong.
    await agree("control", { publicKey: encodings.spki, message, signature: b64(sig) }, true);
  });

  test("hostile input to the bench route gets a 4xx with an errorCode", async () => {
    for (const body of [{ engine: "nope" }, { publicKey: "", message: "", signature: "", engine: "both", iterations: 0 }]) {
      const res = await call("POST", "/__bench/verify", { body });
      assert.equal(res.status, 400, res.text);
      assert.equal(typeof res.json?.errorCode, "string");
    }
  });
});
