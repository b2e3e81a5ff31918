// Issue 14: a deleted tenant's devices kept working, answered its pending requests, and came back
// when the same tenant id was created again. Deleting a tenant stops them (within the 5 s
// configuration cache of docs/storage.md); a tenant created again with that id starts empty:
// no devices, no requests, and the old keys are unknown until enrolled anew.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Device, admin, basic, call, createTenant, enrol, sleep, startChallenge, uniqueId } from "../support/api.mjs";

/** Polls `probe` until it answers `status` (the configuration cache may serve a tenant for 5 s). */
async function eventually(status, probe, what) {
  let last;
  for (let i = 0; i < 40; i++) {
    last = await probe();
    if (last.status === status) return last;
    await sleep(250);
  }
  assert.fail(`${what}: still ${last.status} ${last.text}`);
}

async function createWithId(id, secret) {
  const res = await call("POST", "/admin/tenants", { headers: admin, body: { id, name: `Again ${id}`, secret } });
  assert.equal(res.status, 201, res.text);
  return { id, secret: res.json.secret, webhookSecret: res.json.webhookSecret, tenant: res.json.tenant };
}

describe("a deleted tenant", () => {
  test("stops its devices, and created again it starts empty", async () => {
    const id = uniqueId("tenant");
    const secret = `sk_${uniqueId("again")}_0123456789abcdef`;
    const t = await createWithId(id, secret);
    const device = new Device();
    await enrol(t, "alice", device);
    const { challengeId } = await startChallenge(t, "alice");
    const before = await device.pending(id);
    assert.equal(before.status, 200, before.text);
    assert.deepEqual(before.json.challenges.map((c) => c.challengeId), [challengeId]);

    assert.equal((await call("DELETE", `/admin/tenants/${id}`, { headers: admin })).status, 204);
    await eventually(401, () => device.pending(id), "the deleted tenant's device");

    const again = await createWithId(id, secret);
    const old = await eventually(401, () => device.pending(id), "the old device after the tenant came back");
    assert.equal(old.json.errorCode, "invalid_credential");
    const list = await call("GET", `/v1/users/alice/authenticators`, { headers: basic(again.secret) });
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.json, []);

    // The key is free again: enrolled anew, for another user, it sees nothing of the old tenant.
    await enrol(again, "bob", device);
    const fresh = await device.pending(id);
    assert.equal(fresh.status, 200, fresh.text);
    assert.deepEqual(fresh.json.challenges, []);
  });

  test("leaves its keys free for another tenant", async () => {
    const first = await createTenant();
    const second = await createTenant();
    const device = new Device();
    await enrol(first, "alice", device);
    await assert.rejects(enrol(second, "carol", device), /409/);
    assert.equal((await call("DELETE", `/admin/tenants/${first.id}`, { headers: admin })).status, 204);
    await enrol(second, "carol", device);
    const pending = await device.pending(second.id);
    assert.equal(pending.status, 200, pending.text);
  });
});
