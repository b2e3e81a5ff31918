// Issue 14, finding 5a: error descriptions never echo what the request sent (an origin, a method,
// a field name or value), so a reflected string cannot ride on an error into a log viewer or page.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { admin, basic, bearer, call, createTenant, track } from "../support/api.mjs";

const MARK = "zqxEchoProbe";

function assertNoEcho(res, status, what) {
  assert.equal(res.status, status, `${what}: ${res.text}`);
  assert.equal(typeof res.json?.errorDescription, "string", what);
  assert.ok(!res.text.includes(MARK), `${what} echoes the input: ${res.text}`);
}

describe("error descriptions", () => {
  test("do not echo the Origin of a refused client call", async () => {
    const t = await createTenant();
    const { token } = await track(t, "echo-1");
    const res = await call("GET", "/v1/client/hosted", { headers: { ...bearer(token), origin: `https://${MARK}.example` } });
    assert.equal(res.json.errorCode, "origin_not_allowed");
    // The refusal's CORS header names the origin (so the page can read it); the body does not.
    assertNoEcho({ ...res, text: JSON.stringify(res.json) }, 403, "origin");
  });

  test("do not echo the method", async () => {
    // workerd itself refuses unknown methods (501), so the probe is a real one the route lacks.
    const res = await call("PATCH", "/v1/validate");
    assert.equal(res.status, 405, res.text);
    assert.ok(!res.json.errorDescription.includes("PATCH"), res.text);
  });

  test("do not echo JSON field names or values", async () => {
    const t = await createTenant();
    const cases = [
      ["POST", "/admin/tenants", { name: "x", pushLimits: { [MARK]: 1 } }],
      ["POST", "/admin/tenants", { name: "x", authMode: MARK }],
      ["PATCH", `/admin/tenants/${t.id}`, { [MARK]: true }],
      ["PATCH", `/admin/tenants/${t.id}`, { numberMatching: MARK }],
      ["PATCH", `/admin/tenants/${t.id}`, { pushLimits: { [MARK]: 1 } }],
    ];
    for (const [method, path, body] of cases) {
      const res = await call(method, path, { headers: admin, body });
      assertNoEcho(res, 400, `${method} ${path} ${JSON.stringify(body)}`);
      assert.equal(res.json.errorCode, "invalid_request");
    }
    const tracked = await call("POST", "/v1/users/u/actions/signIn", { headers: basic(t.secret), body: { ipAddress: 1234567 } });
    assert.equal(tracked.status, 400);
    assert.ok(!tracked.text.includes("1234567"), tracked.text);
    const raw = await call("POST", "/v1/validate", { headers: { ...basic(t.secret), "content-type": "application/json" }, raw: `{"token": ${MARK}}` });
    assertNoEcho(raw, 400, "malformed JSON");
  });
});
