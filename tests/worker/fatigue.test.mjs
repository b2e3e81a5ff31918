// MFA-fatigue defences: per-user limits (429 with Retry-After), the "not me" block and its event.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Device, answer, basic, bearer, call, createTenant, enrol, pendingView, startChallenge, track } from "../support/api.mjs";
import { Receiver, freePort } from "../support/receiver.mjs";

async function push(t, user) {
  const { token } = await track(t, user);
  return call("POST", "/v1/client/challenge/push", { headers: bearer(token), body: { action: "signIn" } });
}

describe("push fatigue defences", () => {
  test("concurrent pending pushes are limited, with Retry-After", async () => {
    const t = await createTenant({ pushLimits: { maxPending: 2, maxPerWindow: 10, windowSecs: 600, notMeBlockSecs: 60 } });
    await enrol(t, "fat-1", new Device());
    assert.equal((await push(t, "fat-1")).status, 200);
    assert.equal((await push(t, "fat-1")).status, 200);
    const third = await push(t, "fat-1");
    assert.equal(third.status, 429);
    assert.equal(third.json.errorCode, "too_many_requests");
    const retry = Number(third.headers.get("retry-after"));
    assert.ok(retry >= 1 && retry <= 120, `Retry-After ${retry}`);
    // Privakey requests share the limits.
    const add = await call("POST", "/request/add", { headers: basic(t.secret), body: { accountId: "fat-1" } });
    assert.equal(add.status, 429);
  });

  test("pushes per window are limited even when answered", async () => {
    const t = await createTenant({ pushLimits: { maxPending: 5, maxPerWindow: 2, windowSecs: 600, notMeBlockSecs: 60 } });
    const phone = new Device();
    await enrol(t, "fat-2", phone);
    for (let i = 0; i < 2; i++) {
      const c = await startChallenge(t, "fat-2");
      const view = await pendingView(t, phone, c.challengeId);
      await answer(c.challengeId, phone.answer(view, 1));
    }
    const third = await push(t, "fat-2");
    assert.equal(third.status, 429);
    assert.ok(Number(third.headers.get("retry-after")) > 500);
  });

  test("'not me' blocks further pushes, emits user.not_me, and the backend can lift the block", async () => {
    const hook = await new Receiver(await freePort()).start();
    const t = await createTenant({ pushWebhookUrl: hook.url, pushLimits: { maxPending: 3, maxPerWindow: 10, windowSecs: 600, notMeBlockSecs: 900 } });
    const phone = new Device();
    await enrol(t, "fat-3", phone);
    const c = await startChallenge(t, "fat-3");
    const view = await pendingView(t, phone, c.challengeId);
    assert.equal((await answer(c.challengeId, phone.answer(view, 1, { reason: "not_me" }))).status, 200);

    const blocked = await push(t, "fat-3");
    assert.equal(blocked.status, 429);
    assert.equal(blocked.json.errorCode, "push_blocked");
    const retry = Number(blocked.headers.get("retry-after"));
    assert.ok(retry > 850 && retry <= 900, `Retry-After ${retry}`);

    const events = await hook.waitFor((r) => r.some((x) => JSON.parse(x.body).type === "user.not_me"));
    const notMe = JSON.parse(events.find((x) => JSON.parse(x.body).type === "user.not_me").body);
    assert.equal(notMe.data.userId, "fat-3");
    assert.equal(notMe.data.challengeId, c.challengeId);

    // Another user of the tenant is not blocked.
    await enrol(t, "fat-4", new Device());
    assert.equal((await push(t, "fat-4")).status, 200);

    assert.equal((await call("DELETE", "/v1/users/fat-3/block", { headers: basic(t.secret) })).status, 204);
    assert.equal((await push(t, "fat-3")).status, 200);
    await hook.stop();
  });
});
