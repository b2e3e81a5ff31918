// Users and their actions through the real @authsignal/node 2.21.0: getUser, updateUser,
// deleteUser, queryUserActions, getAction right after track, updateAction's states and refused
// transitions; the push webhook's events checked with the SDK's own webhook.constructEvent; and
// races (20 requests at once) that must leave exactly one winner. Receivers are real HTTP
// servers on loopback; nothing is mocked.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Authsignal } from "@authsignal/node";
import * as api from "../support/api.mjs";
import { Device, base, basic, bearer, createTenant, enrol, pendingView, sleep, track } from "../support/api.mjs";
import { Receiver, freePort } from "../support/receiver.mjs";

const N = 20;

/** What `wrangler dev`'s local proxy answers when it, not the Worker, lost a request. */
const PROXY_FAULT = "Your worker restarted mid-request";
class ProxyFault extends Error {}
function checked(res) {
  if (res.status === 503 && res.text.startsWith(PROXY_FAULT)) throw new ProxyFault(res.text);
  return res;
}
const call = async (...args) => checked(await api.call(...args));

/** A race whose burst the local proxy broke is run again on fresh state (3 attempts at most). */
function raceTest(name, fn) {
  test(name, async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        const lost = e instanceof ProxyFault || (e instanceof TypeError && e.message === "fetch failed");
        if (!lost || attempt === 3) throw e;
        console.log(`${name} attempt ${attempt} void: ${String(e.message).slice(0, 200)}`);
      }
    }
  });
}

const outcome = (r) => `${r.status}${r.json?.errorCode ? ` ${r.json.errorCode}` : ""}`;

function sdk(t) {
  return new Authsignal({ apiSecretKey: t.secret, apiUrl: `${base}/v1`, retries: 0 });
}

/** Asserts that `promise` rejects with an AuthsignalError of this status and code. */
async function refused(promise, statusCode, errorCode) {
  await assert.rejects(promise, (e) => {
    assert.equal(e.name, "AuthsignalError", String(e));
    assert.equal(e.statusCode, statusCode, e.message);
    assert.equal(e.errorCode, errorCode, e.message);
    return true;
  });
}

/** Starts the push challenge of a track response, as @authsignal/browser does. */
async function start(tracked) {
  const res = await call("POST", "/v1/client/challenge/push", { headers: bearer(tracked.token), body: {} });
  return res;
}

/** The events of `type` a receiver got, verified by the real SDK. */
function events(authsignal, receiver, type) {
  return receiver.received
    .map((r) => authsignal.webhook.constructEvent(r.body, r.headers["x-signature-v2"]))
    .filter((e) => e.type === type);
}

describe("users and their actions (@authsignal/node 2.21.0)", () => {
  test("getUser and updateUser: attributes round trip, bounds are 400s", async () => {
    const t = await createTenant();
    const authsignal = sdk(t);
    const fresh = await authsignal.getUser({ userId: "ulla" });
    assert.equal(fresh.isEnrolled, false);
    assert.deepEqual(fresh.enrolledVerificationMethods, []);
    assert.equal(fresh.email, undefined);

    const attributes = await authsignal.updateUser({
      userId: "ulla",
      attributes: { email: "ulla@example.com", emailVerified: true, phoneNumber: "+6421555123", displayName: "Ulla", custom: { tier: "gold", age: 42 } },
    });
    assert.equal(attributes.email, "ulla@example.com");
    assert.equal(attributes.emailVerified, true);
    assert.deepEqual(attributes.custom, { tier: "gold", age: 42 });

    await enrol(t, "ulla", new Device());
    const user = await authsignal.getUser({ userId: "ulla" });
    assert.equal(user.isEnrolled, true);
    assert.deepEqual(user.enrolledVerificationMethods, ["PUSH"]);
    assert.equal(user.phoneNumber, "+6421555123");
    assert.equal(user.displayName, "Ulla");

    // A patch: absent fields stay, null clears.
    const cleared = await authsignal.updateUser({ userId: "ulla", attributes: { displayName: null, username: "ulla1" } });
    assert.equal(cleared.displayName, undefined);
    assert.equal(cleared.username, "ulla1");
    assert.equal(cleared.email, "ulla@example.com");

    await refused(authsignal.updateUser({ userId: "ulla", attributes: { email: "not-an-email" } }), 400, "invalid_format");
    await refused(authsignal.updateUser({ userId: "ulla", attributes: { phoneNumber: "021 555" } }), 400, "invalid_format");
    await refused(authsignal.updateUser({ userId: "ulla", attributes: { username: "u".repeat(256) } }), 400, "field_too_long");
    await refused(authsignal.updateUser({ userId: "ulla", attributes: { custom: { blob: "x".repeat(3000) } } }), 400, "field_too_long");
    await refused(authsignal.updateUser({ userId: "ulla", attributes: { custom: { nested: { a: 1 } } } }), 400, "invalid_type");
    assert.equal((await authsignal.getUser({ userId: "ulla" })).email, "ulla@example.com", "a refused patch changed nothing");

    const wrong = new Authsignal({ apiSecretKey: "not-the-secret-0123456789abcdef", apiUrl: `${base}/v1`, retries: 0 });
    await refused(wrong.getUser({ userId: "ulla" }), 401, "invalid_credential");
  });

  test("getAction right after track; queryUserActions with fromDate, codes and state", async () => {
    const t = await createTenant();
    const authsignal = sdk(t);
    const phone = new Device();
    await enrol(t, "quinn", phone);
    const before = new Date(Date.now() - 1000).toISOString();

    const signIn = await authsignal.track({ userId: "quinn", action: "signIn", attributes: { ipAddress: "198.51.100.9" } });
    const action = await authsignal.getAction({ userId: "quinn", action: "signIn", idempotencyKey: signIn.idempotencyKey });
    assert.equal(action.state, "CHALLENGE_REQUIRED", "tracked, no challenge yet");
    assert.ok(Date.parse(action.createdAt) >= Date.parse(before));

    const withdraw = await authsignal.track({ userId: "quinn", action: "withdraw", attributes: { idempotencyKey: "w-1" } });
    assert.equal(withdraw.idempotencyKey, "w-1");

    const started = await start(signIn);
    const view = await pendingView(t, phone, started.json.challengeId);
    assert.equal((await api.answer(started.json.challengeId, phone.answer(view, 0))).status, 200);
    const approved = await authsignal.getAction({ userId: "quinn", action: "signIn", idempotencyKey: signIn.idempotencyKey });
    assert.equal(approved.state, "CHALLENGE_SUCCEEDED");
    assert.equal(approved.verificationMethod, "PUSH");

    const all = await authsignal.queryUserActions({ userId: "quinn" });
    // The enrolment's own track is an action too.
    assert.deepEqual(all.map((a) => a.actionCode), ["withdraw", "signIn", "enroll"], "newest first");
    const mine = all.find((a) => a.actionCode === "signIn");
    assert.equal(mine.state, "CHALLENGE_SUCCEEDED");
    assert.equal(mine.verifiedByAuthenticatorId, phone.keyId);
    assert.ok(mine.createdAt && mine.stateUpdatedAt);

    const codes = await authsignal.queryUserActions({ userId: "quinn", actionCodes: ["withdraw", "signIn"] });
    assert.deepEqual(codes.map((a) => a.idempotencyKey).sort(), [signIn.idempotencyKey, "w-1"].sort());
    const succeeded = await authsignal.queryUserActions({ userId: "quinn", state: "CHALLENGE_SUCCEEDED" });
    assert.deepEqual(succeeded.map((a) => a.actionCode), ["signIn"]);
    const waiting = await authsignal.queryUserActions({ userId: "quinn", state: "CHALLENGE_REQUIRED", actionCodes: ["withdraw"] });
    assert.deepEqual(waiting.map((a) => a.idempotencyKey), ["w-1"]);
    assert.equal((await authsignal.queryUserActions({ userId: "quinn", fromDate: "2999-01-01T00:00:00Z" })).length, 0);
    assert.equal((await authsignal.queryUserActions({ userId: "quinn", fromDate: before })).length, 3);
    assert.deepEqual(await authsignal.queryUserActions({ userId: "nobody-here" }), []);
    await refused(authsignal.queryUserActions({ userId: "quinn", fromDate: "last tuesday" }), 400, "invalid_format");
    await refused(authsignal.queryUserActions({ userId: "quinn", state: "APPROVED" }), 400, "invalid_state");
  });

  test("updateAction: a backend lowers trust (cancel, revoke), never raises it over a device; decisions are final", async () => {
    const t = await createTenant();
    const authsignal = sdk(t);
    const phone = new Device();
    await enrol(t, "vera", phone);

    // BLOCK cancels the pending challenge; the same track token starts no new one.
    const first = await authsignal.track({ userId: "vera", action: "pay", attributes: { idempotencyKey: "p-1" } });
    const started = await start(first);
    const attrs = await authsignal.updateAction({ userId: "vera", action: "pay", idempotencyKey: "p-1", attributes: { state: "BLOCK" } });
    assert.equal(attrs.state, "BLOCK");
    const polled = await api.verify(first.token, started.json.challengeId);
    assert.equal(polled.json.status, "cancelled");
    assert.equal((await phone.pending(t.id)).json.challenges.length, 0, "the device no longer sees it");
    const again = await start(first);
    assert.equal(outcome(again), "409 action_final");
    await refused(authsignal.updateAction({ userId: "vera", action: "pay", idempotencyKey: "p-1", attributes: { state: "ALLOW" } }), 409, "action_final");
    assert.equal((await authsignal.getAction({ userId: "vera", action: "pay", idempotencyKey: "p-1" })).state, "BLOCK");

    // Success comes only from a device; the waiting states are never set.
    await authsignal.track({ userId: "vera", action: "pay", attributes: { idempotencyKey: "p-2" } });
    for (const state of ["CHALLENGE_SUCCEEDED", "CHALLENGE_REQUIRED", "REVIEW_REQUIRED", "bogus"]) {
      await refused(authsignal.updateAction({ userId: "vera", action: "pay", idempotencyKey: "p-2", attributes: { state } }), 400, "invalid_state");
    }
    await refused(authsignal.updateAction({ userId: "vera", action: "pay", idempotencyKey: "nope", attributes: { state: "BLOCK" } }), 404, "action_not_found");

    // Before any challenge, ALLOW / REVIEW_SUCCEEDED are the backend's own decision.
    assert.equal((await authsignal.updateAction({ userId: "vera", action: "pay", idempotencyKey: "p-2", attributes: { state: "REVIEW_SUCCEEDED" } })).state, "REVIEW_SUCCEEDED");

    // Over a device's denial: no ALLOW, but BLOCK is fine.
    const denied = await authsignal.track({ userId: "vera", action: "pay", attributes: { idempotencyKey: "p-3" } });
    const d = await start(denied);
    await api.answer(d.json.challengeId, phone.answer(await pendingView(t, phone, d.json.challengeId), 1));
    await refused(authsignal.updateAction({ userId: "vera", action: "pay", idempotencyKey: "p-3", attributes: { state: "ALLOW" } }), 409, "transition_not_allowed");
    assert.equal((await authsignal.updateAction({ userId: "vera", action: "pay", idempotencyKey: "p-3", attributes: { state: "REVIEW_FAILED" } })).state, "REVIEW_FAILED");

    // An approval not yet validated can be revoked: its result token no longer validates.
    const approved = await authsignal.track({ userId: "vera", action: "pay", attributes: { idempotencyKey: "p-4" } });
    const a = await start(approved);
    await api.answer(a.json.challengeId, phone.answer(await pendingView(t, phone, a.json.challengeId), 0));
    const { accessToken } = (await api.verify(approved.token, a.json.challengeId)).json;
    assert.ok(accessToken);
    await authsignal.updateAction({ userId: "vera", action: "pay", idempotencyKey: "p-4", attributes: { state: "CHALLENGE_FAILED" } });
    const revoked = await authsignal.validateChallenge({ token: accessToken });
    assert.equal(revoked.isValid, false);
    assert.equal(revoked.state, "CHALLENGE_FAILED");

    // A validated approval is final: it cannot be failed after the fact, nor reused.
    const used = await authsignal.track({ userId: "vera", action: "pay", attributes: { idempotencyKey: "p-5" } });
    const u = await start(used);
    await api.answer(u.json.challengeId, phone.answer(await pendingView(t, phone, u.json.challengeId), 0));
    const token = (await api.verify(used.token, u.json.challengeId)).json.accessToken;
    assert.equal((await authsignal.validateChallenge({ token })).isValid, true);
    await refused(authsignal.updateAction({ userId: "vera", action: "pay", idempotencyKey: "p-5", attributes: { state: "BLOCK" } }), 409, "action_final");
    await refused(authsignal.validateChallenge({ token }), 409, "result_already_consumed");
  });

  test("deleteUser: devices gone with authenticator.deleted, a pending request cancelled with its callback; push.created in Authsignal's shape", async () => {
    const hook = await new Receiver(await freePort()).start();
    const callbacks = await new Receiver(await freePort()).start();
    const t = await createTenant({ pushWebhookUrl: hook.url, callbackUrls: [callbacks.url] });
    const authsignal = sdk(t);
    const phone = new Device();
    await enrol(t, "wes", phone, "Wes's phone");
    await hook.waitFor(() => events(authsignal, hook, "authenticator.created").length === 1);
    const created = events(authsignal, hook, "authenticator.created")[0];
    assert.equal(created.tenantId, t.id);
    assert.equal(created.data.userId, "wes");
    assert.equal(created.data.verificationMethod, "PUSH");
    assert.equal(created.data.userAuthenticatorId, phone.keyId);
    assert.equal(created.data.deviceName, "Wes's phone");
    assert.ok(Date.parse(created.data.createdAt));

    // push.created carries actionCode, idempotencyKey, ipAddress and userAgent at the top of data.
    const tracked = await authsignal.track({ userId: "wes", action: "signIn", attributes: { idempotencyKey: "s-1", ipAddress: "203.0.113.5", userAgent: "Firefox/140" } });
    const started = await start(tracked);
    await hook.waitFor(() => events(authsignal, hook, "push.created").length === 1);
    const push = events(authsignal, hook, "push.created")[0];
    assert.equal(push.data.challengeId, started.json.challengeId);
    assert.equal(push.data.userId, "wes");
    assert.equal(push.data.actionCode, "signIn");
    assert.equal(push.data.idempotencyKey, "s-1");
    assert.equal(push.data.ipAddress, "203.0.113.5");
    assert.equal(push.data.userAgent, "Firefox/140");

    const added = await call("POST", "/request/add", { headers: basic(t.secret), body: { accountId: "wes", content: "Pay?", callback: callbacks.url } });
    assert.equal(added.status, 200, added.text);
    await authsignal.updateUser({ userId: "wes", attributes: { email: "wes@example.com" } });

    await authsignal.deleteUser({ userId: "wes" });

    // The pending request's callback arrives, once, as cancelled; the sign-in's poll says cancelled.
    await callbacks.waitFor((r) => r.length === 1);
    const cb = authsignal.webhook.constructEvent(callbacks.received[0].body, callbacks.received[0].headers["x-signature-v2"]);
    assert.equal(cb.guid, added.json.guid);
    assert.equal(cb.state, "cancelled");
    assert.equal((await api.verify(tracked.token, started.json.challengeId)).json.status, "cancelled");
    const request = await call("GET", `/request/${added.json.guid}`, { headers: basic(t.secret) });
    assert.equal(request.json.state, "cancelled");

    await hook.waitFor(() => events(authsignal, hook, "authenticator.deleted").length === 1);
    const deleted = events(authsignal, hook, "authenticator.deleted")[0];
    assert.equal(deleted.data.userAuthenticatorId, phone.keyId);
    assert.equal(deleted.data.userId, "wes");
    assert.ok(Date.parse(deleted.data.deletedAt) >= Date.parse(deleted.data.createdAt));

    assert.equal(outcome(await phone.pending(t.id)), "401 invalid_credential", "the device is gone");
    assert.deepEqual(await authsignal.getAuthenticators({ userId: "wes" }), []);
    const user = await authsignal.getUser({ userId: "wes" });
    assert.equal(user.isEnrolled, false);
    assert.equal(user.email, undefined);
    assert.deepEqual(await authsignal.queryUserActions({ userId: "wes" }), []);
    await sleep(1_500);
    assert.equal(callbacks.received.length, 1, "one callback");
    await hook.stop();
    await callbacks.stop();
  });

  test("deleteAuthenticator sends authenticator.deleted", async () => {
    const hook = await new Receiver(await freePort()).start();
    const t = await createTenant({ pushWebhookUrl: hook.url });
    const authsignal = sdk(t);
    const phone = new Device();
    await enrol(t, "dina", phone);
    await authsignal.deleteAuthenticator({ userId: "dina", userAuthenticatorId: phone.keyId });
    await hook.waitFor(() => events(authsignal, hook, "authenticator.deleted").length === 1);
    assert.equal(events(authsignal, hook, "authenticator.deleted")[0].data.userAuthenticatorId, phone.keyId);
    await hook.stop();
  });

  raceTest("20 updateAction at once with conflicting states: exactly one decides", async () => {
    const t = await createTenant();
    const phone = new Device();
    await enrol(t, "rita", phone);
    const tracked = await track(t, "rita", "pay", { idempotencyKey: "r-1" });
    const states = ["BLOCK", "ALLOW", "CHALLENGE_FAILED", "REVIEW_SUCCEEDED", "REVIEW_FAILED"];
    const requests = Array.from({ length: N }, (_, i) => ({
      path: "/v1/users/rita/actions/pay/r-1",
      body: { state: states[i % states.length] },
    }));
    const results = await Promise.all(requests.map((r) => call("PATCH", r.path, { headers: basic(t.secret), body: r.body })));
    const winners = results.map((r, i) => [r, requests[i].body.state]).filter(([r]) => r.status === 200);
    assert.equal(winners.length, 1, results.map(outcome).join(", "));
    assert.ok(results.every((r) => r.status === 200 || outcome(r) === "409 action_final"), results.map(outcome).join(", "));
    const final = await call("GET", "/v1/users/rita/actions/pay/r-1", { headers: basic(t.secret) });
    assert.equal(final.json.state, winners[0][1]);
    // Whatever won, the track token starts no challenge afterwards.
    assert.equal(outcome(await start(tracked)), "409 action_final");
  });

  raceTest("deleteUser racing a device's answer: exactly one outcome, one callback", async () => {
    const callbacks = await new Receiver(await freePort()).start();
    try {
      const t = await createTenant({ callbackUrls: [callbacks.url] });
      const seen = { approved: 0, cancelled: 0 };
      for (let round = 0; round < 4; round++) {
        const user = `del-${round}`;
        const phone = new Device();
        await enrol(t, user, phone);
        const added = await call("POST", "/request/add", { headers: basic(t.secret), body: { accountId: user, callback: callbacks.url } });
        const guid = added.json.guid;
        const body = phone.answer(await pendingView(t, phone, guid), 0);
        const [answered, deleted] = await Promise.all([
          call("POST", `/v1/device/challenges/${guid}/answer`, { body }),
          call("DELETE", `/v1/users/${user}`, { headers: basic(t.secret) }),
        ]);
        assert.equal(deleted.status, 200, deleted.text);
        const state = (await call("GET", `/request/${guid}`, { headers: basic(t.secret) })).json.state;
        if (answered.status === 200) {
          assert.equal(state, "approved");
          assert.equal(deleted.json.cancelledChallenges, 0);
        } else {
          assert.ok(["401 invalid_credential", "409 challenge_not_pending"].includes(outcome(answered)), outcome(answered));
          assert.equal(state, "cancelled");
          assert.equal(deleted.json.cancelledChallenges, 1);
        }
        seen[state] += 1;
        await callbacks.waitFor((r) => r.filter((c) => JSON.parse(c.body).guid === guid).length >= 1);
        await sleep(500);
        const mine = callbacks.received.filter((c) => JSON.parse(c.body).guid === guid);
        assert.equal(mine.length, 1, `one callback for ${guid}`);
        assert.equal(JSON.parse(mine[0].body).state, state, "the callback tells the one outcome");
        assert.deepEqual(await sdk(t).getAuthenticators({ userId: user }), []);
      }
      console.log(`deleteUser vs answer: ${JSON.stringify(seen)}`);
    } finally {
      await callbacks.stop();
    }
  });

  raceTest("20 updateUser, deleteUser and track at once leave one consistent user", async () => {
    const t = await createTenant();
    const authsignal = sdk(t);
    await enrol(t, "cory", new Device());
    const requests = Array.from({ length: N }, (_, i) => {
      if (i === 7) return () => call("DELETE", "/v1/users/cory", { headers: basic(t.secret) });
      if (i % 3 === 0) return () => call("POST", "/v1/users/cory/actions/signIn", { headers: basic(t.secret), body: { idempotencyKey: `c-${i}` } });
      return () => call("PATCH", "/v1/users/cory", { headers: basic(t.secret), body: { email: `cory${i}@example.com`, custom: { n: i } } });
    });
    const results = await Promise.all(requests.map((f) => f()));
    assert.ok(results.every((r) => r.status === 200), results.map(outcome).join(", "));
    const user = await authsignal.getUser({ userId: "cory" });
    assert.equal(user.isEnrolled, false, "the device went with the user");
    // Email and custom come from the same (last) update, or both went with the delete.
    if (user.email === undefined) assert.equal(user.custom, undefined);
    else assert.equal(user.email, `cory${user.custom.n}@example.com`);
    // Every track after the delete is in the log, none from before it.
    const actions = await authsignal.queryUserActions({ userId: "cory" });
    for (const a of actions) assert.match(a.idempotencyKey, /^c-\d+$/, "the enrolment's action went with the delete");
    assert.ok(actions.every((a) => a.state === "ALLOW"), "tracked after the delete: no device, ALLOW");
  });
});
