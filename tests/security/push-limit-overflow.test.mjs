// Issue 14, finding 3: push limits the service cannot enforce are refused, not stored. The user
// record remembers the last 20 pushes for an hour after they expire, so `maxPending` and
// `maxPerWindow` above 20, or a `windowSecs` above 3600, would silently let more pushes through.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Device, admin, bearer, call, createTenant, enrol, track, uniqueId } from "../support/api.mjs";

const LIMITS = { maxPending: 3, maxPerWindow: 10, windowSecs: 600, notMeBlockSecs: 3600 };

function create(pushLimits) {
  const id = uniqueId("tenant");
  return call("POST", "/admin/tenants", { headers: admin, body: { id, name: "Limits", pushLimits } });
}

describe("push limits that cannot be enforced", () => {
  test("are refused at creation with 400 value_out_of_range", async () => {
    for (const limits of [
      { ...LIMITS, maxPerWindow: 25 },
      { ...LIMITS, maxPerWindow: 1_000_000 },
      { ...LIMITS, maxPending: 21 },
      { ...LIMITS, windowSecs: 3601 },
      { ...LIMITS, windowSecs: 86_400 },
    ]) {
      const res = await create(limits);
      assert.equal(res.status, 400, `${JSON.stringify(limits)}: ${res.text}`);
      assert.equal(res.json.errorCode, "value_out_of_range", JSON.stringify(limits));
    }
  });

  test("are refused by PATCH, which changes nothing", async () => {
    const t = await createTenant({ pushLimits: LIMITS });
    const res = await call("PATCH", `/admin/tenants/${t.id}`, { headers: admin, body: { pushLimits: { ...LIMITS, maxPerWindow: 25 } } });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.json.errorCode, "value_out_of_range");
    const read = await call("GET", `/admin/tenants/${t.id}`, { headers: admin });
    assert.deepEqual(read.json.pushLimits, LIMITS);
  });

  test("the largest accepted limits hold: the 21st push is refused", async () => {
    const t = await createTenant({ pushLimits: { maxPending: 20, maxPerWindow: 20, windowSecs: 3600, notMeBlockSecs: 60 } });
    await enrol(t, "limit-max", new Device());
    for (let i = 0; i < 20; i++) {
      const { token } = await track(t, "limit-max");
      const res = await call("POST", "/v1/client/challenge/push", { headers: bearer(token), body: { action: "signIn" } });
      assert.equal(res.status, 200, `push ${i + 1}: ${res.text}`);
    }
    const { token } = await track(t, "limit-max");
    const res = await call("POST", "/v1/client/challenge/push", { headers: bearer(token), body: { action: "signIn" } });
    assert.equal(res.status, 429, res.text);
    assert.equal(res.json.errorCode, "too_many_requests");
  });
});
