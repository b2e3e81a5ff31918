// The admin API routes the console (www/console/) is a client of: listing tenants, a user's
// devices, actions and challenges, removing a device, a challenge's delivery log and "retry
// now" (20 at once: one retry scheduled, one attempt made). Every route with the admin token
// only; hostile input gets a 4xx with its errorCode.
//
// This file runs its own Worker, with a delivery's retries 10 minutes apart
// (OUTBOX_BASE_DELAY_SECS=600): a failed callback then waits long enough for "retry now" to be
// the only thing that makes it due, and the receiver counts attempts exactly.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startWorker } from "../support/with-worker.mjs";
import { Receiver, freePort } from "../support/receiver.mjs";

const worker = await startWorker({ vars: { OUTBOX_BASE_DELAY_SECS: "600" } });
process.env.PUSHAUTH_BASE_URL = worker.baseUrl;
const { Device, admin, answer, basic, call, createTenant, enrol, pendingView, sleep, track } = await import("../support/api.mjs");

after(() => worker.stop());

/** `status errorCode` of an answer, for messages and tallies. */
const outcome = (r) => `${r.status} ${r.json?.errorCode ?? ""}`.trim();

/** A Privakey request to `user` with a callback to `url`; answers its guid. */
async function request(t, user, url, content = "Pay 12.00 EUR to ACME") {
  const add = await call("POST", "/request/add", { headers: basic(t.secret), body: { accountId: user, content, callback: url } });
  assert.equal(add.status, 200, add.text);
  return add.json.guid;
}

describe("admin API for the console", () => {
  let receiver;
  before(async () => {
    receiver = await new Receiver(await freePort(), 500).start();
  });
  after(() => receiver?.stop());

  test("lists tenants, never their secrets, narrowed by a prefix", async () => {
    const stamp = Date.now();
    const a = await createTenant({ id: `list-${stamp}-a` });
    const b = await createTenant({ id: `list-${stamp}-b` });
    const all = await call("GET", "/admin/tenants", { headers: admin });
    assert.equal(all.status, 200, all.text);
    const ids = all.json.tenants.map((t) => t.id);
    assert.ok(ids.includes(a.id) && ids.includes(b.id), all.text);
    assert.deepEqual(ids, [...ids].sort(), "in id order");
    assert.equal(all.json.truncated, false);
    assert.ok(!all.text.includes(a.secret) && !all.text.includes("whsec_"), "no secret is listed");
    const some = await call("GET", `/admin/tenants?prefix=${a.id.slice(0, -2)}`, { headers: admin });
    assert.deepEqual(some.json.tenants.map((t) => t.id), [a.id, b.id]);
    for (const [prefix, code] of [["a%3Ab", "invalid_characters"], ["x".repeat(65), "field_too_long"], ["%FF", "invalid_characters"]]) {
      const bad = await call("GET", `/admin/tenants?prefix=${prefix}`, { headers: admin });
      assert.equal(outcome(bad), `400 ${code}`, prefix);
    }
  });

  test("every new route wants the admin token: none, a wrong one and a tenant's secret are 401", async () => {
    const t = await createTenant();
    const guid = "00000000-0000-4000-8000-000000000000";
    const routes = [
      ["GET", "/admin/tenants"],
      ["GET", `/admin/tenants/${t.id}/users/alice`],
      ["DELETE", `/admin/tenants/${t.id}/users/alice/authenticators/k`],
      ["GET", `/admin/tenants/${t.id}/challenges/${guid}/deliveries`],
      ["POST", `/admin/tenants/${t.id}/challenges/${guid}/deliveries/${guid}.request.processed/retry`],
    ];
    for (const [method, path] of routes) {
      assert.equal(outcome(await call(method, path)), "401 missing_credential", path);
      assert.equal(outcome(await call(method, path, { headers: { authorization: "Bearer wrong" } })), "401 invalid_credential", path);
      assert.equal(outcome(await call(method, path, { headers: { authorization: `Bearer ${admin.authorization.slice(7)}x` } })), "401 invalid_credential", path);
      assert.equal((await call(method, path, { headers: basic(t.secret) })).status, 401, `a tenant's secret is no admin token: ${path}`);
    }
  });

  test("a user's devices, challenges with state and context, and actions", async () => {
    const t = await createTenant({ callbackUrls: [receiver.url] });
    const user = "auth0|console user";
    const phone = new Device();
    await enrol(t, user, phone, "Alice's phone");
    await track(t, user, "signIn", { ipAddress: "192.0.2.7", userAgent: "Firefox/130" });
    const guid = await request(t, user, receiver.url);
    assert.equal((await answer(guid, phone.answer(await pendingView(t, phone, guid), 0))).status, 200);

    const path = `/admin/tenants/${t.id}/users/${encodeURIComponent(user)}`;
    const view = await call("GET", path, { headers: admin });
    assert.equal(view.status, 200, view.text);
    assert.equal(view.json.userId, user);
    assert.equal(view.json.isEnrolled, true);
    const [device] = view.json.authenticators;
    assert.equal(device.deviceName, "Alice's phone");
    assert.equal(device.devicePlatform, "cli");
    assert.equal(device.userAuthenticatorId, phone.keyId);
    const [challenge] = view.json.challenges;
    assert.equal(challenge.challengeId, guid);
    assert.equal(challenge.status, "approved");
    assert.equal(challenge.content, "Pay 12.00 EUR to ACME");
    assert.equal(challenge.answeredByAuthenticatorId, phone.keyId);
    assert.equal(device.lastUsedAt, challenge.answeredAt, "last used: its answer");
    assert.ok(view.json.actions.some((a) => a.actionCode === "signIn"), view.text);

    // The context a backend reported is shown as it was given.
    const { token } = await track(t, user, "signIn", { ipAddress: "198.51.100.9", userAgent: "Safari/18", location: "Berlin, DE" });
    const started = await call("POST", "/v1/client/challenge/push", { headers: { authorization: `Bearer ${token}` }, body: {} });
    assert.equal(started.status, 200, started.text);
    const again = await call("GET", path, { headers: admin });
    const pending = again.json.challenges.find((c) => c.challengeId === started.json.challengeId);
    assert.equal(pending.status, "pending");
    assert.deepEqual(pending.context, { ipAddress: "198.51.100.9", userAgent: "Safari/18", location: "Berlin, DE", deviceId: null });

    // Another tenant's admin path sees nothing of this user.
    const other = await createTenant();
    const elsewhere = await call("GET", `/admin/tenants/${other.id}/users/${encodeURIComponent(user)}`, { headers: admin });
    assert.equal(elsewhere.status, 200);
    assert.deepEqual([elsewhere.json.isEnrolled, elsewhere.json.authenticators, elsewhere.json.challenges], [false, [], []]);
    const theirs = await call("GET", `/admin/tenants/${other.id}/challenges/${guid}/deliveries`, { headers: admin });
    assert.equal(outcome(theirs), "404 request_not_found", "a challenge is found under its own tenant only");
  });

  test("hostile ids are 4xx with their errorCode, never a 500", async () => {
    const t = await createTenant();
    const cases = [
      ["GET", `/admin/tenants/${t.id}/users/${"u".repeat(256)}`, "400 field_too_long"],
      ["GET", `/admin/tenants/${t.id}/users/a%00b`, "400 invalid_characters"],
      ["GET", `/admin/tenants/no:such/users/alice`, "400 invalid_characters"],
      ["GET", `/admin/tenants/nobody-${Date.now()}/users/alice`, "404 tenant_not_found"],
      ["DELETE", `/admin/tenants/${t.id}/users/alice/authenticators/not-a-key-id!`, "400 invalid_encoding"],
      ["DELETE", `/admin/tenants/${t.id}/users/alice/authenticators/${new Device().keyId}`, "404 authenticator_not_found"],
      ["GET", `/admin/tenants/${t.id}/challenges/not-a-guid/deliveries`, "400 invalid_challenge_id"],
      ["GET", `/admin/tenants/${t.id}/challenges/00000000-0000-4000-8000-000000000000/deliveries`, "404 request_not_found"],
      ["POST", `/admin/tenants/${t.id}/challenges/not-a-guid/deliveries/x/retry`, "400 invalid_challenge_id"],
      ["GET", `/admin/tenants/${t.id}/users/alice/devices`, "404 route_not_found"],
      ["PUT", `/admin/tenants/${t.id}/users/alice`, "405 method_not_allowed"],
    ];
    for (const [method, path, want] of cases) {
      const r = await call(method, path, { headers: admin });
      assert.equal(outcome(r), want, `${method} ${path}: ${r.text}`);
    }
  });

  test("removing a device: it can no longer fetch; removing it again is 404", async () => {
    const t = await createTenant();
    const phone = new Device();
    await enrol(t, "bob", phone);
    const path = `/admin/tenants/${t.id}/users/bob/authenticators/${phone.keyId}`;
    const removed = await call("DELETE", path, { headers: admin });
    assert.equal(removed.status, 200, removed.text);
    assert.equal(removed.json.removedAuthenticatorId, phone.keyId);
    assert.equal(outcome(await phone.pending(t.id)), "401 invalid_credential");
    assert.equal(outcome(await call("DELETE", path, { headers: admin })), "404 authenticator_not_found");
    const view = await call("GET", `/admin/tenants/${t.id}/users/bob`, { headers: admin });
    assert.deepEqual(view.json.authenticators, []);
  });

  test("retry now, 20 at once: one is scheduled, one attempt is made", async () => {
    const t = await createTenant({ callbackUrls: [receiver.url] });
    const phone = new Device();
    await enrol(t, "carol", phone);
    const guid = await request(t, "carol", receiver.url);
    assert.equal((await answer(guid, phone.answer(await pendingView(t, phone, guid), 0))).status, 200);
    const mine = (r) => r.body.includes(guid);
    await receiver.waitFor((got) => got.filter(mine).length === 1);
    const logPath = `/admin/tenants/${t.id}/challenges/${guid}/deliveries`;
    const log = await call("GET", logPath, { headers: admin });
    assert.equal(log.status, 200, log.text);
    const id = `${guid}.request.processed`;
    const failed = log.json.deliveries.find((d) => d.id === id);
    assert.deepEqual([failed.state, failed.attemptCount, failed.attempts[0].status], ["pending", 1, 500]);
    assert.ok(failed.nextAttemptAt > Date.now() + 60_000, "the next attempt is minutes away");

    receiver.status = 200;
    const retry = `/admin/tenants/${t.id}/challenges/${guid}/deliveries/${id}/retry`;
    const results = await Promise.all(Array.from({ length: 20 }, () => call("POST", retry, { headers: admin })));
    const tally = results.map(outcome).sort().join(", ");
    const won = results.filter((r) => r.status === 202);
    assert.equal(won.length, 1, `exactly one retry is scheduled; got ${tally}`);
    assert.equal(won[0].json.state, "pending");
    for (const r of results.filter((x) => x !== won[0])) {
      assert.equal(outcome(r), "409 delivery_not_retryable", tally);
    }

    await receiver.waitFor((got) => got.filter(mine).length === 2);
    await sleep(3000);
    assert.equal(receiver.received.filter(mine).length, 2, "one attempt for twenty retries");
    const after = (await call("GET", logPath, { headers: admin })).json.deliveries.find((d) => d.id === id);
    assert.deepEqual([after.state, after.attemptCount], ["delivered", 2]);
    const delivered = await call("POST", retry, { headers: admin });
    assert.equal(outcome(delivered), "409 delivery_not_retryable");
    assert.match(delivered.json.errorDescription, /delivered/);
    for (const other of [`${guid}.nope`, `${guid}.request.expiry`]) {
      const r = await call("POST", `/admin/tenants/${t.id}/challenges/${guid}/deliveries/${other}/retry`, { headers: admin });
      assert.equal(outcome(r), other.endsWith("nope") ? "404 delivery_not_found" : "409 delivery_not_retryable", other);
    }
  });
});
