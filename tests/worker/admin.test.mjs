// The admin API: tenants and their secrets.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { admin, basic, call, createTenant, uniqueId } from "../support/api.mjs";

describe("admin API", () => {
  test("create shows the secrets once; read never shows them", async () => {
    const id = uniqueId("acme");
    const created = await call("POST", "/admin/tenants", {
      headers: admin,
      body: { id, name: "Acme", callbackUrls: ["http://127.0.0.1:9/cb"], numberMatching: true },
    });
    assert.equal(created.status, 201, created.text);
    assert.match(created.json.secret, /^pa_sk_/);
    assert.match(created.json.webhookSecret, /^whsec_/);
    assert.equal(created.json.tenant.id, id);
    assert.equal(created.json.tenant.numberMatching, true);
    const read = await call("GET", `/admin/tenants/${id}`, { headers: admin });
    assert.equal(read.status, 200);
    assert.equal(read.json.name, "Acme");
    assert.ok(!read.text.includes(created.json.secret), "secrets never come back");
    assert.ok(!read.text.includes("whsec_"));
    assert.equal(read.json.activeSecrets, 1);
    const colon = await call("POST", "/admin/tenants", { headers: admin, body: { id: `${id}:x`, name: "Colon" } });
    assert.equal(colon.status, 400, "a ':' in a tenant id could collide with another tenant's keys");
    assert.equal(colon.json.errorCode, "invalid_characters");
    const dup = await call("POST", "/admin/tenants", { headers: admin, body: { id, name: "Again" } });
    assert.equal(dup.status, 409);
    assert.equal(dup.json.errorCode, "tenant_exists");
  });

  test("create refuses a setting it does not know, as patch does, and stores nothing", async () => {
    const id = uniqueId("typo");
    // `allowedOrigin` for `allowedOrigins`: accepted silently, the tenant would have no origins.
    const typo = await call("POST", "/admin/tenants", {
      headers: admin,
      body: { id, name: "Typo", allowedOrigin: ["https://shop.example"] },
    });
    assert.equal(typo.status, 400, typo.text);
    assert.equal(typo.json.errorCode, "invalid_request");
    assert.ok(!typo.text.includes("allowedOrigin"), "the description does not echo the field name");
    assert.equal((await call("GET", `/admin/tenants/${id}`, { headers: admin })).status, 404);
    const wrongType = await call("POST", "/admin/tenants", { headers: admin, body: { id, name: "T", secret: 42 } });
    assert.equal(wrongType.status, 400, wrongType.text);
    const ok = await call("POST", "/admin/tenants", { headers: admin, body: { id, name: "Typo", allowedOrigins: ["https://shop.example"], secret: null } });
    assert.equal(ok.status, 201, ok.text);
  });

  test("an imported secret works for Basic auth (migration)", async () => {
    const secret = `imported_${uniqueId("s")}_0123456789`;
    const t = await createTenant({ secret });
    assert.equal(t.secret, secret);
    const res = await call("POST", "/v1/users/u1/actions/signIn", { headers: basic(secret), body: {} });
    assert.equal(res.status, 200, res.text);
  });

  test("patch validates and replaces settings", async () => {
    const t = await createTenant();
    const ok = await call("PATCH", `/admin/tenants/${t.id}`, { headers: admin, body: { name: "Renamed", numberMatching: true } });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.name, "Renamed");
    assert.equal(ok.json.numberMatching, true);
    const cases = [
      [{ callbackUrls: ["ftp://x.example"] }, "invalid_url"],
      [{ allowedOrigins: ["https://a.example/path"] }, "invalid_url"],
      [{ challengeSecs: 5 }, "duration_out_of_range"],
      [{ name: "" }, "field_required"],
      [{ callbackUrl: "https://typo.example" }, "invalid_request"],
      [{ numberMatching: "yes" }, "invalid_request"],
    ];
    for (const [body, code] of cases) {
      const res = await call("PATCH", `/admin/tenants/${t.id}`, { headers: admin, body });
      assert.equal(res.status, 400, `${JSON.stringify(body)}: ${res.text}`);
      assert.equal(res.json.errorCode, code, JSON.stringify(body));
    }
    const read = await call("GET", `/admin/tenants/${t.id}`, { headers: admin });
    assert.equal(read.json.name, "Renamed", "a rejected patch changes nothing");
  });

  test("rotate: the new secret works at once, the old one during its grace period", async () => {
    const t = await createTenant();
    const rotated = await call("POST", `/admin/tenants/${t.id}/rotate-secret`, { headers: admin });
    assert.equal(rotated.status, 200, rotated.text);
    assert.notEqual(rotated.json.secret, t.secret);
    assert.ok(rotated.json.previousValidUntil > Date.now());
    for (const secret of [rotated.json.secret, t.secret]) {
      const res = await call("POST", "/v1/users/u/actions/signIn", { headers: basic(secret), body: {} });
      assert.equal(res.status, 200, res.text);
    }
  });

  test("delete: the tenant and its secrets stop working", async () => {
    const t = await createTenant();
    assert.equal((await call("DELETE", `/admin/tenants/${t.id}`, { headers: admin })).status, 204);
    assert.equal((await call("GET", `/admin/tenants/${t.id}`, { headers: admin })).status, 404);
    const res = await call("POST", "/v1/users/u/actions/signIn", { headers: basic(t.secret), body: {} });
    assert.equal(res.status, 401);
    assert.equal(res.json.errorCode, "invalid_credential");
  });

  test("the admin token is required and compared exactly", async () => {
    const none = await call("GET", "/admin/tenants/x");
    assert.equal(none.status, 401);
    assert.equal(none.json.errorCode, "missing_credential");
    for (const authorization of ["Bearer wrong", `Bearer ${admin.authorization.slice(7)}x`, "Basic abc"]) {
      const res = await call("GET", "/admin/tenants/x", { headers: { authorization } });
      assert.equal(res.status, 401, authorization);
    }
  });
});
