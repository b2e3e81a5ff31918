// The web authenticator's protocol module (www/authenticator/protocol.js) in real headless
// Chromium, loaded from the Worker's own origin: its bytes must equal tests/vectors/ (made by the
// Rust core), and WebCrypto signatures made in the page over those bytes must be accepted by the
// Worker (whose core verifies them), both for a signed device request and for an answer.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { base, basic, bearer, call, createTenant, root, startChallenge, track, verify } from "../support/api.mjs";
import { launchBrowser } from "../support/browser.mjs";

const vectors = (name) => JSON.parse(readFileSync(join(root, "tests", "vectors", name), "utf8"));
const answers = vectors("answers.json").cases;
const requests = vectors("device_requests.json").cases;
const keys = vectors("keys.json").keys;
const enrolments = vectors("enrolments.json").cases;

let browser;
let page;
before(async () => {
  browser = await launchBrowser();
  page = await browser.newPage();
  // Any page of the Worker: the module is then same-origin (and a secure context: loopback).
  const res = await page.goto(`${base}/`);
  assert.equal(res.status(), 200);
  await page.evaluate(async () => {
    window.protocol = await import("/authenticator/protocol.js");
    window.keys = await import("/authenticator/keys.js");
  });
});
after(async () => {
  await browser?.close();
});

describe("web authenticator protocol.js against tests/vectors", () => {
  test("vector files are present and non-trivial", () => {
    assert.ok(answers.length >= 4, "answers.json has cases");
    assert.ok(requests.length >= 3, "device_requests.json has cases");
    assert.ok(keys.length >= 2, "keys.json has keys");
    assert.ok(enrolments.length >= 3, "enrolments.json has cases");
  });

  for (const c of answers) {
    test(`answers.json "${c.name}": contextDigest and answerMessage bytes`, async () => {
      const got = await page.evaluate(async (c) => {
        const p = window.protocol;
        return {
          digest: p.base64url(await p.contextDigest(c.view)),
          message: p.toHex(await p.answerMessage(c.view, c.keyId, c.choice)),
        };
      }, c);
      assert.equal(got.digest, c.contextDigest);
      assert.equal(got.message, c.messageHex);
    });
  }

  test("answerMessage changes when any signed part of the view or choice changes", async () => {
    const c = answers.find((x) => x.name === "custom-button");
    const differing = await page.evaluate(async (c) => {
      const p = window.protocol;
      const hex = async (view, choice = c.choice) => p.toHex(await p.answerMessage(view, c.keyId, choice));
      const original = await hex(c.view);
      const variants = [
        { ...c.view, content: c.view.content + " " },
        { ...c.view, buttons: c.view.buttons.map((b, i) => (i === 2 ? { ...b, style: undefined } : b)) },
        { ...c.view, context: { ...c.view.context, ipAddress: "203.0.113.8" } },
        { ...c.view, confirmationCode: null },
        { ...c.view, expiresAt: c.view.expiresAt + 1 },
        { ...c.view, nonce: c.view.nonce.replace(/^./, "A") },
      ];
      const results = [];
      for (const v of variants) results.push((await hex(v)) !== original);
      results.push((await hex(c.view, { ...c.choice, button: 1 })) !== original);
      results.push((await hex(c.view, { ...c.choice, reason: "not_me" })) !== original);
      results.push((await hex(c.view, { ...c.choice, code: "1" })) !== original);
      return results;
    }, c);
    assert.deepEqual(differing, differing.map(() => true));
  });

  for (const c of requests) {
    test(`device_requests.json ${c.method} ${c.pathAndQuery}: deviceRequestMessage bytes`, async () => {
      const got = await page.evaluate(async (c) => window.protocol.toHex(await window.protocol.deviceRequestMessage(c)), c);
      assert.equal(got, c.messageHex);
    });
  }

  for (const c of enrolments) {
    test(`enrolments.json "${c.name}": enrolmentMessage bytes, and WebCrypto's verdict on the proof`, async () => {
      const got = await page.evaluate(async (c) => {
        const p = window.protocol;
        const message = await p.enrolmentMessage(c.token, c.keyId);
        const key = await crypto.subtle.importKey("spki", p.fromBase64(c.publicKeySpki), { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
        const holds = await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, p.fromBase64(c.signatureRaw), message);
        return { digest: await p.enrolmentTokenDigest(c.token), message: p.toHex(message), holds };
      }, c);
      assert.deepEqual(got, { digest: c.tokenDigest, message: c.messageHex, holds: c.verdict === "valid" });
    });
  }

  for (const [i, k] of keys.entries()) {
    test(`keys.json key ${i}: keyIdFromSpki`, async () => {
      const got = await page.evaluate(
        async (spki) => window.protocol.keyIdFromSpki(window.protocol.fromBase64(spki)),
        k.publicKeySpki,
      );
      assert.equal(got, k.keyId);
    });
  }

  test("a non-extractable WebCrypto key: SPKI export, key id, low-S raw signatures that verify", async () => {
    const got = await page.evaluate(async (hex) => {
      const { fromHex, isHighS, keyIdFromSpki, fromBase64 } = window.protocol;
      const key = await window.keys.generateDeviceKey();
      const message = fromHex(hex);
      const verify = { name: "ECDSA", hash: "SHA-256" };
      const sigs = [];
      for (let i = 0; i < 12; i++) sigs.push(fromBase64(await window.keys.sign(key.keyPair.privateKey, message)));
      const valid = [];
      for (const s of sigs) valid.push(await crypto.subtle.verify(verify, key.keyPair.publicKey, s, message));
      return {
        extractable: key.keyPair.privateKey.extractable,
        spkiLength: key.spki.length,
        keyIdMatches: key.keyId === (await keyIdFromSpki(key.spki)),
        lengths: sigs.map((s) => s.length),
        highS: sigs.map((s) => isHighS(s)),
        valid,
        tamperedValid: await crypto.subtle.verify(verify, key.keyPair.publicKey, sigs[0], Uint8Array.from(message, (b, i) => (i === 5 ? b ^ 1 : b))),
      };
    }, answers[0].messageHex);
    assert.equal(got.extractable, false, "the private key is non-extractable");
    assert.equal(got.spkiLength, 91, "P-256 SPKI DER is 91 bytes");
    assert.ok(got.keyIdMatches);
    assert.deepEqual(got.lengths, got.lengths.map(() => 64), "raw r‖s");
    assert.deepEqual(got.highS, got.highS.map(() => false), "always low-S");
    assert.deepEqual(got.valid, got.valid.map(() => true));
    assert.equal(got.tamperedValid, false);
  });

  test("normalizeLowS maps a high-S signature to n − s and keeps low-S ones", async () => {
    const got = await page.evaluate(() => {
      const { normalizeLowS, isHighS, fromHex, toHex } = window.protocol;
      const r = "11".repeat(32);
      const high = fromHex(r + "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632550"); // s = n − 1
      const low = normalizeLowS(high);
      return { before: isHighS(high), after: isHighS(low), s: toHex(low.subarray(32)), r: toHex(low.subarray(0, 32)) };
    });
    assert.deepEqual(got, { before: true, after: false, s: "00".repeat(31) + "01", r: "11".repeat(32) });
  });
});

describe("signatures made in Chromium are accepted by the Worker's core", () => {
  test("enrol a WebCrypto key, sign device requests and an answer in the page", async () => {
    const t = await createTenant({ numberMatching: true });
    const userId = "webcrypto@example.com";
    const { token } = await track(t, userId, "enroll", { scope: "add:authenticators" });
    // Key made and kept in the page; only the public key and signatures come out.
    const key = await page.evaluate(async () => {
      const k = await window.keys.generateDeviceKey();
      window.deviceKey = k;
      return { publicKey: k.publicKey, keyId: k.keyId };
    });
    const proof = await page.evaluate(async (token) => {
      const { keyId, keyPair } = window.deviceKey;
      return window.keys.sign(keyPair.privateKey, await window.protocol.enrolmentMessage(token, keyId));
    }, token);
    const enrolled = await call("POST", "/v1/client/user-authenticators/push", {
      headers: bearer(token),
      body: { publicKey: key.publicKey, deviceName: "Chromium", devicePlatform: "web", proof },
    });
    assert.equal(enrolled.status, 201, enrolled.text);
    assert.equal(enrolled.json.keyId, key.keyId, "the service derives the same key id");

    const signedHeaders = (method, path, body = "", timestamp = Date.now()) =>
      page.evaluate(
        async ({ tenantId, method, path, body, timestamp }) => {
          const { keyId, keyPair } = window.deviceKey;
          const m = await window.protocol.deviceRequestMessage({ tenantId, keyId, method, pathAndQuery: path, timestamp, body });
          return {
            "x-pushauth-key-id": keyId,
            "x-pushauth-timestamp": String(timestamp),
            "x-pushauth-signature": await window.keys.sign(keyPair.privateKey, m),
          };
        },
        { tenantId: t.id, method, path, body, timestamp },
      );

    // A signed GET.
    const list = await call("GET", "/v1/device/challenges", { headers: await signedHeaders("GET", "/v1/device/challenges") });
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.json.challenges, []);

    // Tampering is refused: a signature for another path, and a stale timestamp.
    const wrongPath = await call("GET", "/v1/device/challenges", { headers: await signedHeaders("GET", "/v1/device/challenges?x=1") });
    assert.equal(wrongPath.status, 401);
    assert.equal(wrongPath.json.errorCode, "invalid_signature");
    const stale = await call("GET", "/v1/device/challenges", {
      headers: await signedHeaders("GET", "/v1/device/challenges", "", Date.now() - 120_000),
    });
    assert.equal(stale.status, 401);
    assert.equal(stale.json.errorCode, "timestamp_out_of_window");

    // A signed PATCH with a body: the body digest is bound.
    const body = JSON.stringify({ deviceName: "Chromium renamed" });
    const patched = await call("PATCH", "/v1/device/credential", {
      headers: { ...(await signedHeaders("PATCH", "/v1/device/credential", body)), "content-type": "application/json" },
      raw: body,
    });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.json.deviceName, "Chromium renamed");

    // An answer: the view exactly as the device API returned it, signed in the page.
    const started = await startChallenge(t, userId, "signIn", { ipAddress: "198.51.100.4", location: "Lyon, FR" });
    const pending = await call("GET", "/v1/device/challenges", { headers: await signedHeaders("GET", "/v1/device/challenges") });
    const view = pending.json.challenges.find((c) => c.challengeId === started.challengeId);
    assert.ok(view, "the challenge is pending for the page's key");
    assert.equal(view.numberMatchRequired, true);
    const signAnswer = (choice) =>
      page.evaluate(
        async ({ view, choice }) => {
          const { keyId, keyPair } = window.deviceKey;
          const m = await window.protocol.answerMessage(view, keyId, choice);
          return { keyId, ...choice, signature: await window.keys.sign(keyPair.privateKey, m) };
        },
        { view, choice },
      );
    // A signature over another code than the one sent is refused, and changes nothing.
    const mismatched = await signAnswer({ button: 0, code: started.verificationCode });
    const forged = await call("POST", `/v1/device/challenges/${view.challengeId}/answer`, {
      body: { ...mismatched, button: 1, code: undefined },
    });
    assert.equal(forged.status, 401, forged.text);
    assert.equal(forged.json.errorCode, "invalid_signature");
    const good = await call("POST", `/v1/device/challenges/${view.challengeId}/answer`, {
      body: await signAnswer({ button: 0, code: started.verificationCode }),
    });
    assert.equal(good.status, 200, good.text);
    assert.equal(good.json.status, "approved");
    const result = await verify(started.token, started.challengeId);
    assert.equal(result.json.isVerified, true);
    const validated = await call("POST", "/v1/validate", { headers: basic(t.secret), body: { token: result.json.accessToken } });
    assert.equal(validated.json.isValid, true);
  });
});
