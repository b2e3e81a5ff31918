// CORS on the client API: only the tenant's origins, checked before anything runs.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Device, bearer, call, createTenant, enrol, track } from "../support/api.mjs";

describe("CORS", () => {
  test("preflight answers without revealing anything", async () => {
    const res = await call("OPTIONS", "/v1/client/challenge/push", {
      headers: { origin: "http://127.0.0.1:9", "access-control-request-method": "POST" },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get("access-control-allow-origin"), "http://127.0.0.1:9");
    assert.match(res.headers.get("access-control-allow-headers"), /authorization/);
  });

  test("an allowed origin gets Access-Control-Allow-Origin; another is refused before anything runs", async () => {
    const t = await createTenant({ allowedOrigins: ["https://app.example"] });
    const phone = new Device();
    await enrol(t, "lea", phone);
    const { token } = await track(t, "lea");
    const allowed = await call("POST", "/v1/client/challenge/push", {
      headers: { ...bearer(token), origin: "https://app.example" },
      body: { action: "signIn" },
    });
    assert.equal(allowed.status, 200, allowed.text);
    assert.equal(allowed.headers.get("access-control-allow-origin"), "https://app.example");
    assert.equal(allowed.headers.get("vary"), "Origin");
    assert.equal(allowed.headers.get("access-control-expose-headers"), "Retry-After, Allow");

    const { token: second } = await track(t, "lea");
    const refused = await call("POST", "/v1/client/challenge/push", {
      headers: { ...bearer(second), origin: "https://evil.example" },
      body: { action: "signIn" },
    });
    assert.equal(refused.status, 403);
    assert.equal(refused.json.errorCode, "origin_not_allowed");
    // The refusal is readable by the page (so an SDK reports origin_not_allowed), but nothing ran.
    assert.equal(refused.headers.get("access-control-allow-origin"), "https://evil.example");
    const pending = await phone.pending(t.id);
    assert.equal(pending.json.challenges.length, 1, "the refused call started no challenge");
  });
});
