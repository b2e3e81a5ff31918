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
    assert.equal(res.headers.get("access-control-max-age"), "7200");
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

  test("the simple-request form (text/plain, the token in the body: no preflight) is the same call, origin-checked alike", async () => {
    const t = await createTenant({ allowedOrigins: ["https://app.example"] });
    const phone = new Device();
    await enrol(t, "noor", phone);
    const simple = (origin, body) =>
      call("POST", "/v1/client/challenge/push", {
        headers: { "content-type": "text/plain;charset=UTF-8", origin },
        raw: JSON.stringify(body),
      });
    const { token } = await track(t, "noor");
    const refused = await simple("https://evil.example", { action: "signIn", token });
    assert.equal(refused.status, 403, refused.text);
    assert.equal(refused.json.errorCode, "origin_not_allowed");
    assert.equal((await phone.pending(t.id)).json.challenges.length, 0, "the refused call started nothing");

    const started = await simple("https://app.example", { action: "signIn", token });
    assert.equal(started.status, 200, started.text);
    assert.equal(started.headers.get("access-control-allow-origin"), "https://app.example");
    assert.equal((await phone.pending(t.id)).json.challenges.length, 1);
    const polled = await call("POST", "/v1/client/verify/push", {
      headers: { "content-type": "text/plain", origin: "https://app.example" },
      raw: JSON.stringify({ challengeId: started.json.challengeId, token }),
    });
    assert.equal(polled.status, 200, polled.text);
    assert.equal(polled.json.status, "pending");

    const tokenless = await simple("https://app.example", { action: "signIn" });
    assert.equal(tokenless.status, 401);
    assert.equal(tokenless.json.errorCode, "token_not_set");
    const forged = await simple("https://app.example", { action: "signIn", token: `${token}x` });
    assert.equal(forged.status, 401, forged.text);
  });
});
