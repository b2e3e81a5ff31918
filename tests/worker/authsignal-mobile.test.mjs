// Apps built on Authsignal's mobile SDKs (authsignal-ios 2.13, authsignal-android 4.x, and
// react-native-authsignal, which wraps them) as pushauth devices: the device
// (tests/support/mobile.mjs) sends, byte for byte, what those SDKs' push module sends (docs/authsignal-mobile.md: paths, headers,
// bodies, the double-encoded `publicKey` query, DER signatures in standard base64 over UTF-8
// strings), with a P-256 key from Node's WebCrypto as the Secure Enclave / AndroidKeyStore would
// hold it. The backend is the real @authsignal/node, the sign-in page the real
// @authsignal/browser's push API. Nothing is mocked.
import assert from "node:assert/strict";
import { createHash, webcrypto } from "node:crypto";
import { describe, test } from "node:test";
import { Authsignal } from "@authsignal/node";
import { base, call as rawCall, createTenant, Device, enrol } from "../support/api.mjs";
import { MobileDevice, PUSH, b64, b64url } from "../support/mobile.mjs";
import { enrolmentMessage } from "../../www/authenticator/protocol.js";

// @authsignal/browser touches the DOM twice before its push API, which is plain fetch: on load
// it looks for its popup's dialogs (document.querySelectorAll), and its constructor keeps an
// anonymous id in a cookie (document.cookie, document.location). Node has no DOM, so those are
// given here as a loaded page at 127.0.0.1 without dialogs would have them.
globalThis.document ??= {
  readyState: "complete",
  querySelectorAll: () => [],
  cookie: "",
  location: { hostname: "127.0.0.1", protocol: "http:" },
};
const { Authsignal: AuthsignalBrowser } = await import("@authsignal/browser");

/** What `wrangler dev`'s local proxy answers when it lost a request (see races.test.mjs). */
const PROXY_FAULT = "Your worker restarted mid-request";
class ProxyFault extends Error {}
async function call(...args) {
  const res = await rawCall(...args);
  if (res.status === 503 && res.text.startsWith(PROXY_FAULT)) throw new ProxyFault(res.text);
  return res;
}

/** The backend (@authsignal/node) and the sign-in page (@authsignal/browser) of one tenant. */
function sides(t) {
  const backend = new Authsignal({ apiSecretKey: t.secret, apiUrl: `${base}/v1`, retries: 0 });
  const page = () => new AuthsignalBrowser({ tenantId: t.id, baseUrl: `${base}/v1` });
  return { backend, page };
}

/** The backend tracks an enrolment; the app adds its credential with the token. */
async function enrolMobile(t, userId, platform = "ios") {
  const { backend } = sides(t);
  const phone = await MobileDevice.create(t.id, platform, call);
  const { token } = await backend.track({ userId, action: "addAuthenticator", attributes: { scope: "add:authenticators" } });
  const added = await phone.addCredential(token);
  assert.equal(added.status, 200, added.text);
  return { phone, added: added.json };
}

/** The backend tracks a sign-in; the page starts the push with @authsignal/browser. */
async function startSignIn(t, userId) {
  const { backend, page } = sides(t);
  const tracked = await backend.track({ userId, action: "signIn", attributes: { ipAddress: "198.51.100.4", userAgent: "Chrome/150" } });
  const browser = page();
  browser.setToken(tracked.token);
  const started = await browser.push.challenge({ action: "signIn" });
  assert.ok(started.data?.challengeId, JSON.stringify(started));
  return { tracked, browser, challengeId: started.data.challengeId, verificationCode: started.data.verificationCode };
}

function assertError(res, status, code) {
  assert.equal(res.status, status, res.text);
  assert.equal(res.json?.errorCode, code, res.text);
  assert.equal(res.json?.error, code, "Android's SDK needs `error`");
}

describe("Authsignal mobile SDKs as devices", () => {
  for (const platform of ["ios", "android"]) {
    test(`${platform}: enrol with the backend's token, see the browser's push, approve, validateChallenge`, async () => {
      const t = await createTenant();
      const { backend } = sides(t);
      const { phone, added } = await enrolMobile(t, "nora@example.com", platform);
      assert.equal(added.userId, "nora@example.com");
      assert.match(added.userAuthenticatorId, /^[A-Za-z0-9_-]{43}$/);
      assert.match(added.verifiedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

      // The same device record as ours: the backend lists it under the same key id.
      const listed = await backend.getAuthenticators({ userId: "nora@example.com" });
      assert.deepEqual(listed.map((a) => a.userAuthenticatorId), [added.userAuthenticatorId]);

      const credential = await phone.getCredential();
      assert.equal(credential.status, 200, credential.text);
      assert.equal(credential.json.userAuthenticatorId, added.userAuthenticatorId);
      assert.equal(credential.json.userId, "nora@example.com");

      // No challenge yet: only the authenticator id (Android's model requires it).
      const [empty] = await phone.getChallenge();
      assert.equal(empty.status, 200, empty.text);
      assert.deepEqual(empty.json, { userAuthenticatorId: added.userAuthenticatorId });

      const { tracked, browser, challengeId } = await startSignIn(t, "nora@example.com");
      const [seen] = await phone.getChallenge();
      assert.equal(seen.status, 200, seen.text);
      assert.equal(seen.json.challengeId, challengeId);
      assert.equal(seen.json.userId, "nora@example.com");
      assert.equal(seen.json.actionCode, "signIn");
      assert.equal(seen.json.idempotencyKey, tracked.idempotencyKey);
      assert.equal(seen.json.ipAddress, "198.51.100.4");
      assert.equal(seen.json.userAgent, "Chrome/150");
      assert.ok(seen.json.expiresAt > Date.now());

      const pending = await browser.push.verify({ challengeId });
      assert.equal(pending.data?.isConsumed, false, JSON.stringify(pending));

      const approved = await phone.updateChallenge(await phone.answerBody(challengeId, true));
      assert.equal(approved.status, 200, approved.text);
      assert.deepEqual(approved.json, { isVerified: true });

      const result = await browser.push.verify({ challengeId });
      assert.equal(result.data?.isVerified, true, JSON.stringify(result));
      // The SDK hands the result token over as `token` (it renames `accessToken`).
      const validated = await backend.validateChallenge({ token: result.data.token, userId: "nora@example.com" });
      assert.equal(validated.isValid, true);
      assert.equal(validated.state, "CHALLENGE_SUCCEEDED");
      assert.equal(validated.action, "signIn");

      // Answered: the app sees no pending challenge any more.
      const [after] = await phone.getChallenge();
      assert.equal(after.json.challengeId, undefined);
    });
  }

  test("deny: the browser sees it declined, validateChallenge fails, a flipped replay loses", async () => {
    const t = await createTenant();
    const { backend } = sides(t);
    const { phone } = await enrolMobile(t, "omar");
    const { tracked, browser, challengeId } = await startSignIn(t, "omar");
    const denial = await phone.answerBody(challengeId, false);
    const denied = await phone.updateChallenge(denial);
    assert.equal(denied.status, 200, denied.text);
    assert.deepEqual(denied.json, { isVerified: false });
    const result = await browser.push.verify({ challengeId });
    assert.equal(result.data?.isConsumed, true, JSON.stringify(result));
    assert.equal(result.data?.isVerified, false);
    assert.equal(result.data?.token, undefined);
    const action = await backend.getAction({ userId: "omar", action: "signIn", idempotencyKey: tracked.idempotencyKey });
    assert.equal(action.state, "CHALLENGE_FAILED");
    // The signature covers the challenge id only: the same signature with `approved: true` is
    // what a man in the middle would send. The challenge takes one answer, so it loses.
    assertError(await phone.updateChallenge({ ...denial, approved: true }), 409, "challenge_not_pending");
  });

  test("number matching: the code typed in the app decides; wrong codes are counted", async () => {
    const t = await createTenant({ numberMatching: true });
    const { phone } = await enrolMobile(t, "pia");
    const { browser, challengeId, verificationCode } = await startSignIn(t, "pia");
    assert.match(verificationCode, /^\d{3}$/);
    assertError(await phone.updateChallenge(await phone.answerBody(challengeId, true)), 400, "number_match_required");
    const wrong = verificationCode === "000" ? "111" : "000";
    assertError(await phone.updateChallenge(await phone.answerBody(challengeId, true, wrong)), 400, "number_mismatch");
    const ok = await phone.updateChallenge(await phone.answerBody(challengeId, true, verificationCode));
    assert.equal(ok.status, 200, ok.text);
    assert.equal((await browser.push.verify({ challengeId })).data?.isVerified, true);
  });

  test("a mobile device and one of ours on the same user: each answers in its own protocol", async () => {
    const t = await createTenant();
    const { phone } = await enrolMobile(t, "quinn");
    const ours = new Device();
    await enrol(t, "quinn", ours);
    const { backend } = sides(t);
    assert.equal((await backend.getAuthenticators({ userId: "quinn" })).length, 2);
    const { challengeId } = await startSignIn(t, "quinn");
    // Our device's list shows the same challenge the app sees.
    const list = await ours.pending(t.id);
    assert.deepEqual(list.json.challenges.map((c) => c.challengeId), [challengeId]);
    const [seen] = await phone.getChallenge();
    assert.equal(seen.json.challengeId, challengeId);
    // Removal by the app (signed over the ten-minute clock) removes the same record.
    const removed = await phone.removeCredential();
    assert.equal(removed.status, 200, removed.text);
    assert.equal((await backend.getAuthenticators({ userId: "quinn" })).length, 1);
    assertError(await phone.getCredential(), 401, "invalid_credential");
  });

  test("updateCredential sets the push token with a single-use signed message", async () => {
    const t = await createTenant();
    const { phone } = await enrolMobile(t, "rosa", "android");
    const [updated, body] = await phone.updateCredential("fcm-token-123");
    assert.equal(updated.status, 200, updated.text);
    assert.equal(updated.json.pushToken, "fcm-token-123");
    assert.match(updated.json.lastVerifiedAt, /Z$/);
    assertError(await call("PATCH", PUSH, { headers: phone.headers(), body }), 401, "invalid_nonce");
    // A message for one purpose does not serve the other.
    const readNonce = await phone.challengeNonce();
    const crossed = { ...body, signature: await phone.sign(readNonce.json.message) };
    assertError(await call("PATCH", PUSH, { headers: phone.headers(), body: crossed }), 401, "invalid_nonce");
  });

  test("hostile inputs get 4xx with an errorCode and change nothing", async () => {
    const t = await createTenant();
    const { phone } = await enrolMobile(t, "sam");
    const stranger = await MobileDevice.create(t.id, "ios", call);
    const { browser, challengeId } = await startSignIn(t, "sam");

    // Another key's signature, sent with the enrolled key.
    const forged = { ...(await phone.answerBody(challengeId, true)), signature: await stranger.sign(challengeId) };
    assertError(await phone.updateChallenge(forged), 401, "invalid_signature");
    // A key never enrolled.
    assertError(await stranger.updateChallenge(await stranger.answerBody(challengeId, true)), 401, "invalid_credential");
    assertError(await stranger.getCredential(), 401, "invalid_credential");
    assertError(await stranger.challengeNonce(), 401, "invalid_credential");
    // Malformed base64 and malformed keys.
    assertError(await phone.updateChallenge({ ...(await phone.answerBody(challengeId, true)), signature: "%%%" }), 400, "invalid_signature_encoding");
    assertError(await phone.updateChallenge({ ...(await phone.answerBody(challengeId, true)), publicKey: "AAAA" }), 400, "invalid_public_key");
    assertError(await call("GET", `${PUSH}?publicKey=!!!`, { headers: phone.headers() }), 400, "invalid_public_key");
    assertError(await call("GET", `${PUSH}?publicKey=${b64url(Buffer.from(phone.publicKey))}&publicKey=x`, { headers: phone.headers() }), 400, "field_required");
    assertError(await call("GET", PUSH, { headers: phone.headers() }), 400, "field_required");
    assertError(await phone.updateChallenge({ ...(await phone.answerBody(challengeId, true)), challengeId: "not-an-id" }), 400, "invalid_challenge_id");
    assertError(await phone.updateChallenge({ ...(await phone.answerBody(challengeId, true)), approved: "yes" }), 400, "invalid_request");
    assertError(await call("POST", `${PUSH}/challenge`, { headers: phone.headers(), raw: "{" }), 400, "invalid_request");
    // Another tenant named in Authorization, or none.
    const elsewhere = phone.headers({ authorization: `Basic ${b64url(Buffer.from("other-tenant:"))}` });
    assertError(await call("GET", `${PUSH}?${phone.query}`, { headers: elsewhere }), 401, "invalid_credential");
    const { authorization, ...anonymous } = phone.headers();
    assert.ok(authorization);
    assertError(await call("GET", `${PUSH}?${phone.query}`, { headers: anonymous }), 401, "missing_credential");
    // Reading challenges: no signature, a signature with no message issued, a stale message.
    assertError(await phone.readChallenge(undefined), 401, "missing_credential");
    assertError(await phone.readChallenge(await phone.sign("anything")), 401, "invalid_nonce");
    const [, used] = await phone.getChallenge();
    assertError(await phone.readChallenge(used), 401, "invalid_nonce");
    // Removal signed over a stale clock (an hour ago), and over a time message by another key.
    assertError(await phone.removeCredential(await phone.signTime(Date.now() / 1000 - 3600)), 401, "invalid_signature");
    assertError(await phone.removeCredential(await stranger.signTime()), 401, "invalid_signature");
    // A challenge id signed as an answer is not a removal signature, nor the reverse.
    assertError(await phone.removeCredential(await phone.sign(challengeId)), 401, "invalid_signature");
    assertError(await phone.updateChallenge({ ...(await phone.answerBody(challengeId, true)), signature: await phone.signTime() }), 401, "invalid_signature");

    // Nothing changed: still pending, and the right answer still wins.
    assert.equal((await browser.push.verify({ challengeId })).data?.isConsumed, false);
    const ok = await phone.updateChallenge(await phone.answerBody(challengeId, true));
    assert.equal(ok.status, 200, ok.text);
    // The replayed approval.
    assertError(await phone.updateChallenge(await phone.answerBody(challengeId, true)), 409, "challenge_not_pending");
  });

  test("a challenge of request/add (custom buttons and content) is not shown to nor answerable by the app", async () => {
    const t = await createTenant({ callbackUrls: ["http://127.0.0.1:9/cb"] });
    const { phone } = await enrolMobile(t, "tess");
    const added = await call("POST", "/request/add", {
      headers: { authorization: `Basic ${b64(Buffer.from(`${t.secret}:`))}` },
      body: { accountId: "tess", content: "Pay 500 EUR to Mallory?", buttons: [{ title: "Pay", strongAuth: true }, { title: "Decline", strongAuth: false }] },
    });
    assert.equal(added.status, 200, added.text);
    const guid = added.json.guid;
    const [seen] = await phone.getChallenge();
    assert.equal(seen.json.challengeId, undefined, seen.text);
    assertError(await phone.updateChallenge(await phone.answerBody(guid, true)), 400, "unsupported_challenge");
  });

  test("our enrolment without X-Authsignal-SDK still answers 201 in our shape (with our proof of possession)", async () => {
    const t = await createTenant();
    const { backend } = sides(t);
    const phone = await MobileDevice.create(t.id, "ios", call);
    const { token } = await backend.track({ userId: "uma", action: "addAuthenticator", attributes: { scope: "add:authenticators" } });
    const body = { publicKey: phone.publicKey, deviceName: "x", devicePlatform: "ios" };
    // Our path needs the proof (an SDK release that sends no X-Authsignal-SDK lands here without one).
    assertError(await call("POST", PUSH, { headers: { authorization: `Bearer ${token}` }, body }), 400, "field_required");
    const keyId = createHash("sha256").update(Buffer.from(phone.publicKey, "base64")).digest("base64url");
    const signed = await webcrypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, phone.privateKey, await enrolmentMessage(token, keyId));
    const proof = b64(new Uint8Array(signed));
    const res = await call("POST", PUSH, { headers: { authorization: `Bearer ${token}` }, body: { ...body, proof } });
    assert.equal(res.status, 201, res.text);
    assert.ok(res.json.keyId && res.json.tenantId);
    // The mobile protocol then works on that record too (same key id).
    assert.equal((await phone.getCredential()).json.userAuthenticatorId, res.json.keyId);
    // Without the scope, the mobile enrolment is refused as ours is.
    const plain = await backend.track({ userId: "uma", action: "signIn" });
    assertError(await phone.addCredential(plain.token), 403, "insufficient_scope");
  });

  test("race: the same approval sent 20 times at once has exactly one winner", async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        const t = await createTenant();
        const { phone } = await enrolMobile(t, "vic");
        const { browser, challengeId } = await startSignIn(t, "vic");
        const body = await phone.answerBody(challengeId, true);
        const responses = await Promise.all(Array.from({ length: 20 }, () => phone.updateChallenge(body)));
        const counts = {};
        for (const r of responses) counts[`${r.status} ${r.json?.errorCode ?? ""}`.trim()] = (counts[`${r.status} ${r.json?.errorCode ?? ""}`.trim()] ?? 0) + 1;
        console.log(`mobile approval x20: ${JSON.stringify(counts)}`);
        assert.equal(responses.filter((r) => r.status === 200).length, 1, JSON.stringify(counts));
        assert.equal(responses.filter((r) => r.json?.errorCode === "challenge_not_pending").length, 19, JSON.stringify(counts));
        assert.equal((await browser.push.verify({ challengeId })).data?.isVerified, true);

        // One issued message read 20 times at once: one reader.
        const nonce = await phone.challengeNonce();
        const signature = await phone.sign(nonce.json.message);
        const reads = await Promise.all(Array.from({ length: 20 }, () => phone.readChallenge(signature)));
        assert.equal(reads.filter((r) => r.status === 200).length, 1);
        assert.equal(reads.filter((r) => r.json?.errorCode === "invalid_nonce").length, 19);
        return;
      } catch (e) {
        const lost = e instanceof ProxyFault || (e instanceof TypeError && e.message === "fetch failed");
        if (!lost || attempt === 3) throw e;
        console.log(`race attempt ${attempt} void (the local proxy lost a request), run again on fresh state`);
      }
    }
  });
});
