// The real @authsignal/node 2.21.0 server SDK against our Worker: a backend written for it moves
// to pushauth by changing apiSecretKey and apiUrl.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Authsignal } from "@authsignal/node";
import { Device, base, createTenant, enrol, pendingView, answer, verify, call, bearer } from "../support/api.mjs";

describe("@authsignal/node 2.21.0", () => {
  test("track, then validateChallenge after an approval; getAction; authenticators", async () => {
    const t = await createTenant();
    const authsignal = new Authsignal({ apiSecretKey: t.secret, apiUrl: `${base}/v1`, retries: 0 });
    const phone = new Device();
    await enrol(t, "nora@example.com", phone);

    const tracked = await authsignal.track({
      userId: "nora@example.com",
      action: "signIn",
      attributes: { redirectUrl: "http://127.0.0.1:9/done", ipAddress: "198.51.100.4", userAgent: "Chrome/150" },
    });
    assert.equal(tracked.state, "CHALLENGE_REQUIRED");
    assert.equal(tracked.isEnrolled, true);
    assert.match(tracked.url, new RegExp(`^${base}/hosted/\\?token=`));
    assert.ok(tracked.idempotencyKey);

    // The browser part, as @authsignal/browser would do it.
    const started = await call("POST", "/v1/client/challenge/push", { headers: bearer(tracked.token), body: { action: "signIn" } });
    const view = await pendingView(t, phone, started.json.challengeId);
    assert.equal(view.context.ipAddress, "198.51.100.4");
    assert.equal((await answer(started.json.challengeId, phone.answer(view, 0))).status, 200);
    const { accessToken } = (await verify(tracked.token, started.json.challengeId)).json;

    const action = await authsignal.getAction({ userId: "nora@example.com", action: "signIn", idempotencyKey: tracked.idempotencyKey });
    assert.equal(action.state, "CHALLENGE_SUCCEEDED");

    const result = await authsignal.validateChallenge({ token: accessToken, userId: "nora@example.com" });
    assert.equal(result.isValid, true);
    assert.equal(result.state, "CHALLENGE_SUCCEEDED");
    assert.equal(result.action, "signIn", "the SDK renames actionCode to action");
    assert.equal(result.userId, "nora@example.com");
    assert.equal(result.idempotencyKey, tracked.idempotencyKey);

    await assert.rejects(authsignal.validateChallenge({ token: accessToken }), (e) => {
      assert.equal(e.statusCode, 409);
      assert.equal(e.errorCode, "result_already_consumed");
      return true;
    });

    const authenticators = await authsignal.getAuthenticators({ userId: "nora@example.com" });
    assert.equal(authenticators.length, 1);
    assert.equal(authenticators[0].userAuthenticatorId, phone.keyId);
    await authsignal.deleteAuthenticator({ userId: "nora@example.com", userAuthenticatorId: phone.keyId });
    assert.equal((await authsignal.getAuthenticators({ userId: "nora@example.com" })).length, 0);
  });

  test("identity providers' user ids (auth0|…, google-oauth2|…), spaces and non-ASCII work end to end", async () => {
    const t = await createTenant();
    const authsignal = new Authsignal({ apiSecretKey: t.secret, apiUrl: `${base}/v1`, retries: 0 });
    for (const userId of ["auth0|64f1c2d3e4b5a6978812", "google-oauth2|1234567890", "Jane Doe", "müller", "用户:42"]) {
      const phone = new Device();
      await enrol(t, userId, phone);
      const tracked = await authsignal.track({ userId, action: "signIn" });
      assert.equal(tracked.isEnrolled, true, userId);
      const started = await call("POST", "/v1/client/challenge/push", { headers: bearer(tracked.token), body: { action: "signIn" } });
      assert.equal(started.status, 200, `${userId}: ${started.text}`);
      const view = await pendingView(t, phone, started.json.challengeId);
      assert.equal(view.userId, userId);
      assert.equal((await answer(started.json.challengeId, phone.answer(view, 0))).status, 200, userId);
      const { accessToken } = (await verify(tracked.token, started.json.challengeId)).json;
      const result = await authsignal.validateChallenge({ token: accessToken, userId });
      assert.equal(result.isValid, true, userId);
      assert.equal(result.userId, userId);
      const action = await authsignal.getAction({ userId, action: "signIn", idempotencyKey: tracked.idempotencyKey });
      assert.equal(action.state, "CHALLENGE_SUCCEEDED", userId);
      const authenticators = await authsignal.getAuthenticators({ userId });
      assert.deepEqual(authenticators.map((a) => a.userAuthenticatorId), [phone.keyId], userId);
    }
    // Users whose ids differ only where a filter would have cut are distinct users.
    const a = await authsignal.getAuthenticators({ userId: "auth0|64f1c2d3e4b5a6978812" });
    const b = await authsignal.getAuthenticators({ userId: "auth064f1c2d3e4b5a6978812" });
    assert.equal(a.length, 1);
    assert.equal(b.length, 0);
  });

  test("a declined challenge validates as failed; bad credentials throw AuthsignalError", async () => {
    const t = await createTenant();
    const authsignal = new Authsignal({ apiSecretKey: t.secret, apiUrl: `${base}/v1`, retries: 0 });
    const phone = new Device();
    await enrol(t, "otto", phone);
    const tracked = await authsignal.track({ userId: "otto", action: "withdraw" });
    const started = await call("POST", "/v1/client/challenge/push", { headers: bearer(tracked.token), body: { action: "withdraw" } });
    const view = await pendingView(t, phone, started.json.challengeId);
    await answer(started.json.challengeId, phone.answer(view, 1));
    const polled = await verify(tracked.token, started.json.challengeId);
    assert.equal(polled.json.isVerified, false);
    const action = await authsignal.getAction({ userId: "otto", action: "withdraw", idempotencyKey: tracked.idempotencyKey });
    assert.equal(action.state, "CHALLENGE_FAILED");

    const wrong = new Authsignal({ apiSecretKey: "not-the-secret-0123456789abcdef", apiUrl: `${base}/v1`, retries: 0 });
    await assert.rejects(wrong.track({ userId: "otto", action: "signIn" }), (e) => {
      assert.equal(e.statusCode, 401);
      assert.equal(e.errorCode, "invalid_credential");
      return true;
    });
  });
});
