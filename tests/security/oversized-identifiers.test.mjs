// Issue 14, finding 4: every identifier taken from a path is checked at the boundary, so an
// oversized or malformed one is a 400 with the errorCode the other handlers use (not a storage
// error), and tenant ids that URL normalisation would rewrite ("." and "..") cannot be created.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { admin, basic, call, createTenant } from "../support/api.mjs";

function assertError(res, status, code, what) {
  assert.equal(res.status, status, `${what}: ${res.text}`);
  assert.equal(res.json?.errorCode, code, what);
}

describe("identifiers in paths", () => {
  test("GET and PATCH of an action check user id, action and idempotency key", async () => {
    const t = await createTenant();
    const long = "u".repeat(600);
    const cases = [
      [`/v1/users/${long}/actions/signIn/k`, "field_too_long"],
      [`/v1/users/u/actions/${long}/k`, "field_too_long"],
      [`/v1/users/u/actions/signIn/${long}`, "field_too_long"],
      ["/v1/users/a%0Ab/actions/signIn/k", "invalid_characters"],
      ["/v1/users/u/actions/sign%09In/k", "invalid_characters"],
      ["/v1/users/u/actions/signIn/k%00", "invalid_characters"],
    ];
    for (const [path, code] of cases) {
      assertError(await call("GET", path, { headers: basic(t.secret) }), 400, code, `GET ${path}`);
      assertError(await call("PATCH", path, { headers: basic(t.secret), body: { state: "CHALLENGE_FAILED" } }), 400, code, `PATCH ${path}`);
    }
  });

  test("admin routes check the tenant id", async () => {
    const long = "t".repeat(600);
    assertError(await call("GET", `/admin/tenants/${long}`, { headers: admin }), 400, "field_too_long", "GET");
    assertError(await call("PATCH", `/admin/tenants/${long}`, { headers: admin, body: { name: "x" } }), 400, "field_too_long", "PATCH");
    assertError(await call("DELETE", `/admin/tenants/${long}`, { headers: admin }), 400, "field_too_long", "DELETE");
    assertError(await call("POST", `/admin/tenants/${long}/rotate-secret`, { headers: admin, body: {} }), 400, "field_too_long", "rotate");
    assertError(await call("GET", "/admin/tenants/a%3Ab", { headers: admin }), 400, "invalid_characters", "GET a:b");
  });

  test("tenant ids '.' and '..' are refused: no URL could reach them again", async () => {
    for (const id of [".", ".."]) {
      const res = await call("POST", "/admin/tenants", { headers: admin, body: { id, name: "Dots" } });
      assertError(res, 400, "invalid_characters", JSON.stringify(id));
    }
    // Dots inside an id stay allowed.
    const ok = await call("POST", "/admin/tenants", { headers: admin, body: { id: `a..b-${Date.now()}`, name: "Dots" } });
    assert.equal(ok.status, 201, ok.text);
  });
});
