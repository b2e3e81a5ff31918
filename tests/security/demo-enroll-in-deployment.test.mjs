// Issue 14, finding 5d: the demo backend (`/demo/api/...`) enrols a device for any demo user
// without authentication: it is for local runs only. A Worker configured as a deployment
// (ALLOW_LOOPBACK_URLS unset) refuses it even when DEMO_TENANT_ID and its secret are set and the
// tenant exists. And the deployment build (scripts/build-worker.sh without --dev, what
// `wrangler deploy` ships) has no demo backend at all: even with every development variable set,
// each demo route answers 404 demo_disabled, while the service itself works.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { devVars } from "../support/api.mjs";
import { startWorker } from "../support/with-worker.mjs";

let worker;
let deployed;

before(async () => {
  // As a deployment would be configured, but with the demo's variables set by mistake.
  worker = await startWorker({ vars: { ALLOW_LOOPBACK_URLS: "false" }, seed: false });
  // The demo tenant exists (with https URLs, as a deployment allows).
  const res = await fetch(`${worker.baseUrl}/admin/tenants`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${devVars.ADMIN_TOKEN}` },
    body: JSON.stringify({ id: devVars.DEMO_TENANT_ID, name: "Demo", secret: devVars.DEMO_TENANT_SECRET, redirectUrls: ["https://app.example/done"] }),
  });
  assert.equal(res.status, 201, await res.text());
  // The deployment build, with the development variables (ALLOW_LOOPBACK_URLS=true among them)
  // and the development tenant seeded: only the missing code keeps the demo off.
  deployed = await startWorker({ variant: "deploy" });
});
after(() => {
  worker?.stop();
  deployed?.stop();
});

async function post(path, body) {
  const res = await fetch(`${worker.baseUrl}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json().catch(() => null) };
}

describe("the demo backend outside development", () => {
  test("enrolling a device for any user is refused", async () => {
    const res = await post("/demo/api/enroll", { username: "victim" });
    assert.equal(res.status, 404, `${res.status} ${res.json?.errorCode}`);
    assert.equal(res.json.errorCode, "demo_disabled");
  });

  test("so are the demo's other calls", async () => {
    for (const [path, body] of [
      ["/demo/api/sign-in", { username: "victim" }],
      ["/demo/api/payment", { username: "victim", amount: "10", payee: "Mallory" }],
    ]) {
      const res = await post(path, body);
      assert.equal(res.status, 404, `${path}: ${res.status} ${res.json?.errorCode}`);
      assert.equal(res.json.errorCode, "demo_disabled", path);
    }
  });
});

describe("the deployment build", () => {
  test("has no demo backend: every demo route answers 404 demo_disabled", async () => {
    for (const [method, path, body] of [
      ["POST", "/demo/api/enroll", { username: "victim" }],
      ["POST", "/demo/api/sign-in", { username: "victim" }],
      ["POST", "/demo/api/session", { token: "x" }],
      ["POST", "/demo/api/payment", { username: "victim", amount: "10", payee: "Mallory" }],
      ["GET", "/demo/api/payment/00000000-0000-4000-8000-000000000000", undefined],
      ["POST", "/demo/api/callback", {}],
    ]) {
      const res = await fetch(`${deployed.baseUrl}${path}`, {
        method,
        headers: body ? { "content-type": "application/json" } : {},
        body: body ? JSON.stringify(body) : undefined,
      });
      const json = await res.json().catch(() => null);
      assert.equal(res.status, 404, `${path}: ${res.status} ${json?.errorCode}`);
      assert.equal(json?.errorCode, "demo_disabled", path);
    }
  });

  test("and serves the API: a backend tracks a sign-in", async () => {
    const res = await fetch(`${deployed.baseUrl}/v1/users/alice/actions/signIn`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Basic ${Buffer.from(`${devVars.DEMO_TENANT_SECRET}:`).toString("base64")}`,
      },
      body: JSON.stringify({}),
    });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    assert.ok(JSON.parse(text).token, text);
  });
});
