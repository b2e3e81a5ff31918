// The whole sign-in flow against the Worker in workerd, with device keys from the project's own
// CLI authenticator: approve, deny, expiry, replay, another device's signature, number matching.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  Device, answer, basic, call, createTenant, enrol, pendingView, sleep, startChallenge, verify,
} from "../support/api.mjs";

describe("sign-in by push", () => {
  test("approve: verify yields a token that validates exactly once", async () => {
    const t = await createTenant();
    const phone = new Device();
    await enrol(t, "alice@example.com", phone);
    const { token, challengeId, verificationCode } = await startChallenge(t, "alice@example.com", "signIn", {
      ipAddress: "203.0.113.9",
      userAgent: "Firefox/140",
    });
    assert.equal(verificationCode, undefined, "no number matching unless the tenant asks");

    let polled = await verify(token, challengeId);
    assert.equal(polled.status, 200);
    assert.deepEqual(polled.json, { isConsumed: false, isVerified: false, status: "pending" });

    const view = await pendingView(t, phone, challengeId);
    assert.equal(view.userId, "alice@example.com");
    assert.equal(view.action, "signIn");
    assert.equal(view.context.ipAddress, "203.0.113.9");
    assert.equal(view.context.userAgent, "Firefox/140");
    assert.deepEqual(view.buttons.map((b) => b.title), ["Approve", "Reject"]);

    const answered = await answer(challengeId, phone.answer(view, 0));
    assert.equal(answered.status, 200, answered.text);
    assert.equal(answered.json.status, "approved");

    polled = await verify(token, challengeId);
    assert.equal(polled.json.isConsumed, true);
    assert.equal(polled.json.isVerified, true);
    assert.match(polled.json.accessToken, /^eyJ/);

    const validated = await call("POST", "/v1/validate", { headers: basic(t.secret), body: { token: polled.json.accessToken } });
    assert.equal(validated.status, 200, validated.text);
    assert.equal(validated.json.isValid, true);
    assert.equal(validated.json.state, "CHALLENGE_SUCCEEDED");
    assert.equal(validated.json.userId, "alice@example.com");
    assert.equal(validated.json.actionCode, "signIn");

    const again = await call("POST", "/v1/validate", { headers: basic(t.secret), body: { token: polled.json.accessToken } });
    assert.equal(again.status, 409);
    assert.equal(again.json.errorCode, "result_already_consumed");

    const after = await phone.pending(t.id);
    assert.equal(after.json.challenges.length, 0, "an answered challenge is no longer pending");
  });

  test("deny with 'not me': consumed, not verified, no token", async () => {
    const t = await createTenant();
    const phone = new Device();
    await enrol(t, "bob", phone);
    const { token, challengeId } = await startChallenge(t, "bob");
    const view = await pendingView(t, phone, challengeId);
    const answered = await answer(challengeId, phone.answer(view, 1, { reason: "not_me" }));
    assert.equal(answered.status, 200, answered.text);
    assert.equal(answered.json.status, "denied");
    const polled = await verify(token, challengeId);
    assert.deepEqual(polled.json, { isConsumed: true, isVerified: false, status: "denied" });
  });

  test("a replayed answer is rejected and changes nothing", async () => {
    const t = await createTenant();
    const phone = new Device();
    await enrol(t, "carol", phone);
    const { token, challengeId } = await startChallenge(t, "carol");
    const view = await pendingView(t, phone, challengeId);
    const deny = phone.answer(view, 1);
    assert.equal((await answer(challengeId, deny)).status, 200);
    const replay = await answer(challengeId, deny);
    assert.equal(replay.status, 409);
    assert.equal(replay.json.errorCode, "challenge_not_pending");
    const approve = await answer(challengeId, phone.answer(view, 0));
    assert.equal(approve.status, 409, "a terminal state is final");
    assert.equal((await verify(token, challengeId)).json.status, "denied");
  });

  test("an answer signed by another device is rejected", async () => {
    const t = await createTenant();
    const phone = new Device();
    const other = new Device();
    await enrol(t, "dave", phone);
    await enrol(t, "erin", other);
    const { token, challengeId } = await startChallenge(t, "dave");
    const view = await pendingView(t, phone, challengeId);

    // Erin's enrolled device answers Dave's challenge: her requests reach her own user's object,
    // where Dave's challenge does not exist (so no device learns whether another user's
    // challenge id is real).
    const foreign = await answer(challengeId, other.answer(view, 0));
    assert.equal(foreign.status, 404);
    assert.equal(foreign.json.errorCode, "challenge_not_found");

    // Dave's key id with a signature made by another key.
    const forged = { ...phone.answer(view, 0), signature: other.answer(view, 0).signature };
    const res = await answer(challengeId, forged);
    assert.equal(res.status, 401);
    assert.equal(res.json.errorCode, "invalid_signature");

    // A key that was never enrolled.
    const stranger = new Device();
    const unknown = await answer(challengeId, stranger.answer(view, 0));
    assert.equal(unknown.status, 401);
    assert.equal(unknown.json.errorCode, "invalid_credential");

    // A deny flipped to approve in transit.
    const flipped = { ...phone.answer(view, 1), button: 0 };
    assert.equal((await answer(challengeId, flipped)).json.errorCode, "invalid_signature");

    assert.equal((await verify(token, challengeId)).json.status, "pending", "nothing was recorded");
  });

  test("number matching: the code is shown to the browser, never to the device, and enforced", async () => {
    const t = await createTenant({ numberMatching: true });
    const phone = new Device();
    await enrol(t, "frank", phone);
    const { token, challengeId, verificationCode } = await startChallenge(t, "frank");
    assert.match(verificationCode, /^\d{3}$/);
    const view = await pendingView(t, phone, challengeId);
    assert.equal(view.numberMatchRequired, true);
    assert.ok(!JSON.stringify(view).includes(`"${verificationCode}"`), "the device never sees the code");
    const wrong = String((Number(verificationCode) + 1) % 1000).padStart(3, "0");
    const mismatch = await answer(challengeId, phone.answer(view, 0, { code: wrong }));
    assert.equal(mismatch.status, 400);
    assert.equal(mismatch.json.errorCode, "number_mismatch");
    const missing = await answer(challengeId, phone.answer(view, 0));
    assert.equal(missing.json.errorCode, "number_match_required");
    const ok = await answer(challengeId, phone.answer(view, 0, { code: verificationCode }));
    assert.equal(ok.status, 200, ok.text);
    assert.equal((await verify(token, challengeId)).json.isVerified, true);
  });

  test("expiry: an unanswered challenge expires, cannot be answered, and validates as failed", async () => {
    const t = await createTenant({ challengeSecs: 10 });
    const phone = new Device();
    await enrol(t, "gina", phone);
    const { token, challengeId } = await startChallenge(t, "gina");
    const view = await pendingView(t, phone, challengeId);
    await sleep(10_500);
    const late = await answer(challengeId, phone.answer(view, 0));
    assert.equal(late.status, 410);
    assert.equal(late.json.errorCode, "challenge_expired");
    const polled = await verify(token, challengeId);
    assert.deepEqual(polled.json, { isConsumed: true, isVerified: false, status: "expired" });
    assert.equal((await phone.pending(t.id)).json.challenges.length, 0);
  });

  test("the same track token asks twice: one challenge", async () => {
    const t = await createTenant();
    const phone = new Device();
    await enrol(t, "hank", phone);
    const first = await startChallenge(t, "hank");
    const again = await call("POST", "/v1/client/challenge/push", {
      headers: { authorization: `Bearer ${first.token}` },
      body: { action: "signIn" },
    });
    assert.equal(again.json.challengeId, first.challengeId);
  });

  test("a user without a device cannot be pushed to", async () => {
    const t = await createTenant();
    const res = await call("POST", "/v1/users/nobody/actions/signIn", { headers: basic(t.secret), body: {} });
    assert.equal(res.json.isEnrolled, false);
    const start = await call("POST", "/v1/client/challenge/push", {
      headers: { authorization: `Bearer ${res.json.token}` },
      body: { action: "signIn" },
    });
    assert.equal(start.status, 400);
    assert.equal(start.json.errorCode, "no_authenticator");
  });
});
