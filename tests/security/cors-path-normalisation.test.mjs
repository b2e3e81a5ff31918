// Issue 14, finding 1: CORS must be decided on the same path the router routes. A foreign origin
// that spells a client API path another way (a doubled slash, percent-encoded letters) is refused
// like the plain spelling, before anything runs.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Device, bearer, call, createTenant, enrol, track } from "../support/api.mjs";

const FOREIGN = "https://evil.example";

/** Spellings of one client API path that the router treats as that path. */
function spellings(path) {
  const [, v1, client, ...rest] = path.split("/");
  return [
    `/${path}`, // "//v1/client/…"
    `/${v1}/%63${client.slice(1)}/${rest.join("/")}`, // "/v1/%63lient/…"
    `/%76${v1.slice(1)}/${client}/${rest.join("/")}`, // "/%761/client/…"
    `/${v1}/${client}/${rest.map((s) => `%${s.charCodeAt(0).toString(16)}${s.slice(1)}`).join("/")}`,
  ];
}

describe("CORS and path normalisation", () => {
  test("GET /v1/client/hosted spelled another way from a foreign origin is refused", async () => {
    const t = await createTenant({ allowedOrigins: ["https://app.example"] });
    const { token } = await track(t, "cors-norm-1");
    for (const path of spellings("/v1/client/hosted")) {
      const res = await call("GET", path, { headers: { ...bearer(token), origin: FOREIGN } });
      assert.equal(res.status, 403, `${path}: ${res.text}`);
      assert.equal(res.json.errorCode, "origin_not_allowed", path);
    }
  });

  test("starting a challenge through another spelling from a foreign origin starts nothing", async () => {
    const t = await createTenant({ allowedOrigins: ["https://app.example"] });
    const phone = new Device();
    await enrol(t, "cors-norm-2", phone);
    for (const path of spellings("/v1/client/challenge/push")) {
      const { token } = await track(t, "cors-norm-2");
      const res = await call("POST", path, { headers: { ...bearer(token), origin: FOREIGN }, body: { action: "signIn" } });
      assert.equal(res.status, 403, `${path}: ${res.text}`);
      assert.equal(res.json.errorCode, "origin_not_allowed", path);
    }
    const pending = await phone.pending(t.id);
    assert.equal(pending.json.challenges.length, 0, "no refused call started a challenge");
  });

  test("an allowed origin still works through the plain path", async () => {
    const t = await createTenant({ allowedOrigins: ["https://app.example"] });
    const { token } = await track(t, "cors-norm-3");
    const res = await call("GET", "/v1/client/hosted", { headers: { ...bearer(token), origin: "https://app.example" } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.get("access-control-allow-origin"), "https://app.example");
  });
});
