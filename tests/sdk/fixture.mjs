// The fixture the SDK's wasm tests call from the browser: a small HTTP server on a free
// loopback port that does what code in a browser cannot — create tenants, enrol a device and
// answer challenges with the project's CLI authenticator, mint tokens — against the real
// Worker (PUSHAUTH_BASE_URL, set by tests/support/with-worker.mjs). Every route is POST with a
// JSON body and answers JSON; CORS is open because the test page lives on another origin.
//
//   POST /setup         { challengeSecs?, numberMatching?, allowedOrigins? } → { baseUrl, tenantId, token, url, userId, origin }
//                       a tenant whose allowedOrigins default to the caller's Origin, one enrolled
//                       CLI device, and a fresh track token (`url` opens the hosted UI)
//   POST /track         { tenantId, userId? } → { token, url }   another track token (another
//                       user: one without a device)
//   POST /answer        { tenantId, challengeId, button, code? } → { status, body }   the device answers
//   POST /answer-next   { tenantId, button, timeoutMs? } → { challengeId, status, body }
//                       waits for the device's next pending challenge, then answers it
//   POST /pending       { tenantId } → { count }           the device's pending challenges
//   POST /validate      { tenantId, token } → { status, body }   the backend's /v1/validate
//   POST /expired-token { tenantId } → { token }           a track token whose exp has passed
//   POST /closed-port   {} → { baseUrl }                   a base URL where nothing listens
import { createServer } from "node:http";
import { createServer as createTcpServer } from "node:net";
import {
  Device, answer, base, basic, call, createTenant, enrol, mintToken, pendingView, sleep, track,
} from "../support/api.mjs";

const USER = "sdk-user@example.com";

/** Tenants made by /setup: id → { tenant, device }. */
const tenants = new Map();

function tenantOf(body) {
  const t = tenants.get(body.tenantId);
  if (!t) throw Object.assign(new Error(`unknown tenant ${body.tenantId}`), { status: 404 });
  return t;
}

const routes = {
  async "/setup"(body, origin) {
    const allowedOrigins = body.allowedOrigins ?? [origin];
    const t = await createTenant({
      allowedOrigins,
      ...(body.challengeSecs ? { challengeSecs: body.challengeSecs } : {}),
      ...(body.numberMatching ? { numberMatching: true } : {}),
    });
    const device = new Device();
    await enrol(t, USER, device);
    tenants.set(t.id, { tenant: t, device });
    const { token, url } = await track(t, USER);
    return { baseUrl: `${base}/v1`, tenantId: t.id, token, url, userId: USER, origin };
  },

  async "/track"(body) {
    const { tenant } = tenantOf(body);
    const { token, url } = await track(tenant, body.userId ?? USER);
    return { token, url };
  },

  async "/answer"(body) {
    const { tenant, device } = tenantOf(body);
    const view = await pendingView(tenant, device, body.challengeId);
    const res = await answer(body.challengeId, device.answer(view, body.button, { code: body.code }));
    return { status: res.status, body: res.json };
  },

  async "/answer-next"(body) {
    const { tenant, device } = tenantOf(body);
    const deadline = Date.now() + (body.timeoutMs ?? 15_000);
    while (Date.now() < deadline) {
      const view = (await device.pending(tenant.id)).json?.challenges?.[0];
      if (view) {
        const res = await answer(view.challengeId, device.answer(view, body.button));
        return { challengeId: view.challengeId, status: res.status, body: res.json };
      }
      await sleep(200);
    }
    throw new Error("no challenge reached the device");
  },

  async "/pending"(body) {
    const { tenant, device } = tenantOf(body);
    const res = await device.pending(tenant.id);
    return { count: res.json.challenges.length };
  },

  async "/validate"(body) {
    const { tenant } = tenantOf(body);
    const res = await call("POST", "/v1/validate", { headers: basic(tenant.secret), body: { token: body.token } });
    return { status: res.status, body: res.json };
  },

  async "/expired-token"(body) {
    const { tenant } = tenantOf(body);
    const now = Math.floor(Date.now() / 1000);
    const claims = { kind: "track", tid: tenant.id, sub: USER, act: "signIn", idem: "expired", scope: "", iat: now - 700, exp: now - 100 };
    return { token: mintToken(claims) };
  },

  async "/closed-port"() {
    const port = await new Promise((resolve, reject) => {
      const s = createTcpServer();
      s.on("error", reject);
      s.listen(0, "127.0.0.1", () => {
        const { port } = s.address();
        s.close(() => resolve(port));
      });
    });
    return { baseUrl: `http://127.0.0.1:${port}/v1` };
  },
};

const cors = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "POST, OPTIONS",
  "access-control-allow-headers": "content-type",
};

/** Starts the fixture; returns { url, close }. */
export async function startFixture() {
  const server = createServer(async (req, res) => {
    if (req.method === "OPTIONS") {
      res.writeHead(204, cors).end();
      return;
    }
    const route = routes[new URL(req.url, "http://x").pathname];
    if (req.method !== "POST" || !route) {
      res.writeHead(404, { ...cors, "content-type": "application/json" }).end('{"error":"not found"}');
      return;
    }
    let text = "";
    for await (const chunk of req) text += chunk;
    try {
      const out = await route(text ? JSON.parse(text) : {}, req.headers.origin);
      res.writeHead(200, { ...cors, "content-type": "application/json" }).end(JSON.stringify(out));
    } catch (error) {
      res.writeHead(error.status ?? 500, { ...cors, "content-type": "application/json" });
      res.end(JSON.stringify({ error: String(error.message ?? error) }));
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) };
}
