// Web Push to subscribed devices: the push service is a real HTTP server on loopback; what it
// receives is checked as a browser would, with an independent implementation of RFC 8291
// decryption and RFC 8292 VAPID verification (tests/support/webpush.mjs, Node's crypto).
// In workerd the Worker does the arithmetic of a push (ECDH, HKDF, AES-GCM, ES256) with the
// runtime's WebCrypto (crates/pushauth-worker/src/web_push_crypto.rs) over the core's formats;
// natively, and in the core's tests against RFC 8291's worked example, RustCrypto does. These
// tests are the differential check of the WebCrypto path: every push must decrypt, and every
// VAPID token verify, under an implementation that shares no code with either.
import assert from "node:assert/strict";
import { createECDH } from "node:crypto";
import { describe, test } from "node:test";
import { Device, basic, call, createTenant, devVars, enrol, pendingView, sleep, startChallenge } from "../support/api.mjs";
import { Receiver, freePort } from "../support/receiver.mjs";
import { PushClient, verifyVapid } from "../support/webpush.mjs";

const PATH = "/v1/device/web-push";
/** Header (86) + plaintext padded to 1536 + delimiter + GCM tag. */
const PUSH_BYTES = 86 + 1536 + 1 + 16;

/** Signs and sends a device's subscription. */
async function subscribe(t, device, subscription) {
  const raw = JSON.stringify(subscription);
  return call("PUT", PATH, { headers: { ...device.headers(t.id, "PUT", PATH, raw), "content-type": "application/json" }, raw });
}

/** A tenant, a user with a device subscribed to a fresh push service. */
async function subscribedDevice(user = "wp-user") {
  const t = await createTenant();
  const phone = new Device();
  await enrol(t, user, phone);
  const browser = new PushClient();
  const pushService = await new Receiver(await freePort(), 201).start();
  const res = await subscribe(t, phone, browser.subscription(`${pushService.url}/sub-${phone.keyId}`));
  assert.equal(res.status, 200, res.text);
  return { t, phone, browser, pushService };
}

/** Fails if a push arrives within `ms` (background sends run right after the response). */
async function assertNoMorePushes(pushService, count, ms = 1500) {
  await sleep(ms);
  assert.equal(pushService.received.length, count, "no further push was sent");
}

describe("Web Push", () => {
  test("GET /v1/device/web-push gives the VAPID public key browsers subscribe with", async () => {
    const res = await call("GET", PATH);
    assert.equal(res.status, 200, res.text);
    // The public half of the configured private key, as an uncompressed point.
    const ecdh = createECDH("prime256v1");
    ecdh.setPrivateKey(Buffer.from(devVars.VAPID_PRIVATE_KEY, "base64url"));
    assert.equal(res.json.vapidPublicKey, ecdh.getPublicKey().toString("base64url"));
  });

  test("a new challenge is pushed, encrypted to the subscription and signed with VAPID; the device then fetches it", async () => {
    const { t, phone, browser, pushService } = await subscribedDevice();
    const vapidPublicKey = (await call("GET", PATH)).json.vapidPublicKey;
    try {
      const started = await startChallenge(t, "wp-user");
      const [push] = await pushService.waitFor((r) => r.length === 1);
      assert.equal(push.method, "POST");
      assert.equal(push.path, `/hook/sub-${phone.keyId}`);
      assert.equal(push.headers["content-encoding"], "aes128gcm");
      assert.equal(push.headers.urgency, "high");
      const ttl = Number(push.headers.ttl);
      assert.ok(ttl > 0 && ttl <= 600, `TTL ${push.headers.ttl} is at most the challenge's lifetime`);
      const { k } = verifyVapid(push.headers.authorization, `http://127.0.0.1:${pushService.port}`);
      assert.equal(k, vapidPublicKey);
      const { recordSize, idlen, plaintext } = browser.decrypt(push.bytes);
      assert.equal(recordSize, 4096);
      assert.equal(push.bytes.length, PUSH_BYTES, "padded: every push is the same size");
      assert.equal(idlen, 65);
      const payload = JSON.parse(plaintext.toString("utf8"));
      assert.equal(payload.type, "challenge");
      assert.equal(payload.tenantId, t.id);
      assert.equal(payload.challengeId, started.challengeId);
      assert.equal(typeof payload.title, "string");
      assert.ok(payload.expiresAt > Date.now());
      // Another subscription's keys cannot read it.
      assert.throws(() => new PushClient().decrypt(push.bytes));
      // The push is only a hint: the device fetches the challenge with a signed request.
      const view = await pendingView(t, phone, started.challengeId);
      assert.equal(view.challengeId, started.challengeId);
    } finally {
      await pushService.stop();
    }
  });

  test("every push has a fresh one-time key and salt, decrypts, and carries a token that verifies", async () => {
    // One user with four subscribed devices, two challenges: eight pushes, each to its own keys.
    const { t, phone, browser, pushService } = await subscribedDevice("wp-many");
    const browsers = new Map([[`/hook/sub-${phone.keyId}`, browser]]);
    for (let i = 0; i < 3; i++) {
      const device = new Device();
      await enrol(t, "wp-many", device, `Browser ${i}`);
      const client = new PushClient();
      const res = await subscribe(t, device, client.subscription(`${pushService.url}/sub-${device.keyId}`));
      assert.equal(res.status, 200, res.text);
      browsers.set(`/hook/sub-${device.keyId}`, client);
    }
    const vapidPublicKey = (await call("GET", PATH)).json.vapidPublicKey;
    try {
      const started = [];
      for (const action of ["signIn", "pay"]) started.push((await startChallenge(t, "wp-many", action)).challengeId);
      const pushes = await pushService.waitFor((r) => r.length === 8);
      const salts = new Set();
      const keyIds = new Set();
      const seen = new Map();
      for (const push of pushes) {
        assert.equal(push.bytes.length, PUSH_BYTES);
        salts.add(push.bytes.subarray(0, 16).toString("hex"));
        const keyId = push.bytes.subarray(21, 86);
        assert.equal(keyId[0], 0x04, "the one-time public key is an uncompressed point");
        keyIds.add(keyId.toString("hex"));
        const { k } = verifyVapid(push.headers.authorization, `http://127.0.0.1:${pushService.port}`);
        assert.equal(k, vapidPublicKey);
        const client = browsers.get(push.path);
        const { challengeId } = JSON.parse(client.decrypt(push.bytes).plaintext.toString("utf8"));
        seen.set(challengeId, (seen.get(challengeId) ?? 0) + 1);
        // Any changed byte of the record fails authentication.
        const tampered = Buffer.from(push.bytes);
        tampered[100] ^= 1;
        assert.throws(() => client.decrypt(tampered));
      }
      assert.equal(salts.size, 8, "a fresh salt for every push");
      assert.equal(keyIds.size, 8, "a fresh one-time key for every push");
      assert.deepEqual(Object.fromEntries(seen), Object.fromEntries(started.map((id) => [id, 4])));
    } finally {
      await pushService.stop();
    }
  });

  test("only subscribed devices are pushed, and an unsubscribed device no longer is", async () => {
    const { t, phone, pushService } = await subscribedDevice("wp-two");
    await enrol(t, "wp-two", new Device(), "Laptop without push");
    try {
      await startChallenge(t, "wp-two");
      await pushService.waitFor((r) => r.length === 1);
      await assertNoMorePushes(pushService, 1, 500);
      const res = await call("DELETE", PATH, { headers: phone.headers(t.id, "DELETE", PATH) });
      assert.equal(res.status, 204, res.text);
      await startChallenge(t, "wp-two", "signIn2");
      await assertNoMorePushes(pushService, 1);
    } finally {
      await pushService.stop();
    }
  });

  test("a subscription the push service says is gone (410) is forgotten", async () => {
    const { t, phone, browser, pushService } = await subscribedDevice("wp-gone");
    try {
      pushService.status = 410;
      await startChallenge(t, "wp-gone");
      await pushService.waitFor((r) => r.length === 1);
      await sleep(500); // the bookkeeping after the 410
      await startChallenge(t, "wp-gone", "again");
      await assertNoMorePushes(pushService, 1);
      // Not a broken pipeline: subscribing again brings the pushes back.
      pushService.status = 201;
      const res = await subscribe(t, phone, browser.subscription(`${pushService.url}/sub-${phone.keyId}`));
      assert.equal(res.status, 200, res.text);
      await startChallenge(t, "wp-gone", "third");
      await pushService.waitFor((r) => r.length === 2);
    } finally {
      await pushService.stop();
    }
  });

  test("Privakey-style requests are pushed too", async () => {
    const { t, browser, pushService } = await subscribedDevice("wp-pk");
    try {
      const added = await call("POST", "/request/add", {
        headers: basic(t.secret),
        body: { accountId: "wp-pk", content: "Pay 10 EUR to ACME?", notificationTitle: "Payment", buttons: [{ title: "Pay", strongAuth: true }, { title: "Decline", strongAuth: false }] },
      });
      assert.equal(added.status, 200, added.text);
      const [push] = await pushService.waitFor((r) => r.length === 1);
      const payload = JSON.parse(browser.decrypt(push.bytes).plaintext.toString("utf8"));
      assert.equal(push.bytes.length, PUSH_BYTES, "the same size whatever the texts");
      assert.equal(payload.challengeId, added.json.guid);
      assert.equal(payload.title, "Payment");
    } finally {
      await pushService.stop();
    }
  });

  test("subscribing needs a signed device request and a valid subscription", async () => {
    const t = await createTenant();
    const phone = new Device();
    await enrol(t, "wp-bad", phone);
    const good = new PushClient().subscription("https://push.example.net/send/abc");
    const unsigned = await call("PUT", PATH, { body: good });
    assert.equal(unsigned.status, 401, unsigned.text);
    const cases = [
      [{ ...good, keys: { ...good.keys, p256dh: good.keys.p256dh.slice(0, -4) } }, "invalid_push_subscription"],
      [{ ...good, keys: { ...good.keys, auth: Buffer.alloc(15).toString("base64url") } }, "invalid_push_subscription"],
      [{ ...good, endpoint: "ftp://push.example.net/x" }, "invalid_url"],
      [{ ...good, endpoint: `https://push.example.net/${"a".repeat(2100)}` }, "field_too_long"],
      [{ ...good, extra: 1 }, "invalid_request"],
      [{ endpoint: good.endpoint }, "invalid_request"],
    ];
    for (const [body, code] of cases) {
      const res = await subscribe(t, phone, body);
      assert.equal(res.status, 400, `${JSON.stringify(body).slice(0, 80)}: ${res.text}`);
      assert.equal(res.json.errorCode, code, res.text);
    }
    // Keys in standard, padded base64 are accepted as well as base64url.
    const standard = (b64url) => Buffer.from(b64url, "base64url").toString("base64");
    const ok = await subscribe(t, phone, { ...good, keys: { p256dh: standard(good.keys.p256dh), auth: standard(good.keys.auth) } });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.endpoint, good.endpoint);
  });
});
