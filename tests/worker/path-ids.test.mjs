// Identifiers in paths: the router parses each into the core's type once the caller is known
// (crates/pushauth-worker/src/path_ids.rs). A malformed one is 400 with the identifier's own
// errorCode; without credentials the same request is 401, as before any identifier is read.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { admin, basic, call, createTenant } from "../support/api.mjs";

function assertError(res, status, code) {
  assert.equal(res.status, status, res.text);
  assert.equal(res.json?.errorCode, code, res.text);
}

const long = (n) => "x".repeat(n);
// A request as the tests send it: a JSON body, except on GET.
const send = (method, path, headers, body = {}) => call(method, path, method === "GET" ? { headers } : { headers, body });
const ok = { user: "alice", action: "signIn", key: "k1" };

// Every user route, with its identifiers.
function userRoutes({ user = ok.user, action = ok.action, key = ok.key, authenticator = "A".repeat(43) } = {}) {
  return [
    ["GET", `/v1/users/${user}`],
    ["PATCH", `/v1/users/${user}`],
    ["DELETE", `/v1/users/${user}`],
    ["GET", `/v1/users/${user}/actions`],
    ["POST", `/v1/users/${user}/actions/${action}`],
    ["GET", `/v1/users/${user}/actions/${action}/${key}`],
    ["PATCH", `/v1/users/${user}/actions/${action}/${key}`],
    ["GET", `/v1/users/${user}/authenticators`],
    ["DELETE", `/v1/users/${user}/authenticators/${authenticator}`],
    ["DELETE", `/v1/users/${user}/block`],
  ];
}

const badUsers = [
  ["a%00b", "invalid_characters"],
  ["%20%20", "field_required"],
  [long(256), "field_too_long"],
];

describe("identifiers in paths", () => {
  test("a malformed user id is refused on every user route, after the credentials", async () => {
    const t = await createTenant();
    for (const [user, code] of badUsers) {
      for (const [method, path] of userRoutes({ user })) {
        assertError(await send(method, path, basic(t.secret)), 400, code);
        assertError(await send(method, path, {}), 401, "missing_credential");
      }
    }
  });

  test("action codes, idempotency keys and authenticator ids are parsed after the user", async () => {
    const t = await createTenant();
    const cases = [
      [["POST", `/v1/users/alice/actions/${long(65)}`], "field_too_long"],
      [["POST", "/v1/users/alice/actions/a%07b"], "invalid_characters"],
      [["GET", `/v1/users/alice/actions/${long(65)}/k1`], "field_too_long"],
      [["GET", `/v1/users/alice/actions/signIn/${long(129)}`], "field_too_long"],
      [["PATCH", "/v1/users/alice/actions/signIn/%20"], "field_required"],
      [["DELETE", "/v1/users/alice/authenticators/not-a-key-id"], "invalid_encoding"],
      // The user is parsed first: its error wins over the action's.
      [["GET", `/v1/users/a%00b/actions/${long(65)}/k1`], "invalid_characters"],
    ];
    for (const [[method, path], code] of cases) {
      assertError(await send(method, path, basic(t.secret), { state: "BLOCK" }), 400, code);
      assertError(await send(method, path, {}), 401, "missing_credential");
    }
    // Well-formed ids reach the handler: an action never tracked is 404, not 400.
    assertError(await call("GET", "/v1/users/alice/actions/signIn/k1", { headers: basic(t.secret) }), 404, "action_not_found");
  });

  test("a malformed tenant id in the admin API is refused after the admin token", async () => {
    for (const method of ["GET", "PATCH", "DELETE"]) {
      assertError(await send(method, "/admin/tenants/a:b", admin), 400, "invalid_characters");
      assertError(await send(method, `/admin/tenants/${long(65)}`, admin), 400, "field_too_long");
      assertError(await send(method, "/admin/tenants/a:b", {}), 401, "missing_credential");
    }
    assertError(await call("POST", "/admin/tenants/a@b/rotate-secret", { headers: admin }), 400, "invalid_characters");
    assertError(await call("GET", "/admin/tenants/no-such-tenant", { headers: admin }), 404, "tenant_not_found");
  });

  test("the admin API's user and challenge paths: the token, then the tenant, then what it names", async () => {
    const t = await createTenant();
    const cases = [
      [["GET", `/admin/tenants/${t.id}/users/a%00b`], 400, "invalid_characters"],
      [["GET", `/admin/tenants/${t.id}/users/${long(256)}`], 400, "field_too_long"],
      [["GET", "/admin/tenants/a:b/users/alice"], 400, "invalid_characters"],
      // The tenant is loaded before the user is parsed.
      [["GET", "/admin/tenants/no-such-tenant/users/a%00b"], 404, "tenant_not_found"],
      [["DELETE", `/admin/tenants/${t.id}/users/a%00b/authenticators/${"A".repeat(43)}`], 400, "invalid_characters"],
      [["DELETE", `/admin/tenants/${t.id}/users/alice/authenticators/not-a-key-id`], 400, "invalid_encoding"],
      [["GET", `/admin/tenants/${t.id}/challenges/not-a-uuid/deliveries`], 400, "invalid_challenge_id"],
    ];
    for (const [[method, path], status, code] of cases) {
      assertError(await send(method, path, admin), status, code);
      assertError(await send(method, path, {}), 401, "missing_credential");
    }
    // Well-formed: a user the service never saw reads as one with nothing.
    const user = await call("GET", `/admin/tenants/${t.id}/users/alice`, { headers: admin });
    assert.equal(user.status, 200, user.text);
    assert.equal(user.json.userId, "alice");
  });
});
