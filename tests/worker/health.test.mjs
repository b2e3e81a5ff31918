import assert from "node:assert/strict";
import { test } from "node:test";

const base = process.env.PUSHAUTH_BASE_URL;

test("GET /health answers from workerd with the service name and version", async () => {
  const res = await fetch(`${base}/health`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type"), /application\/json/);
  const body = await res.json();
  assert.deepEqual(body, { status: "ok", service: "pushauth", version: "0.1.0" });
});
