// Load with faults (issue 14): many complete flows at once against the Worker in workerd, half of
// them Privakey requests with a callback, while the callback receiver is down for a while and,
// once up, drops, delays and fails a share of deliveries. Run by scripts/soak.sh; prints a report
// and exits non-zero when a flow did not complete, a callback was lost or delivered twice, or a
// request's state disagrees with what the flow saw.
//
//   node tests/soak/soak.mjs [--flows 200] [--down-secs 60] [--chaos 0.3]
//
// Devices sign with WebCrypto through the web authenticator's own protocol module
// (www/authenticator/protocol.js, pinned to the core by tests/vectors), so 200 devices cost no
// process spawns. Requests the local proxy answers with a bare 503 (workerd busy) or that get no
// answer are sent again unchanged: a request is written whole or not at all, so the same request
// may be repeated (docs/storage.md); how many were is reported.
import { randomBytes, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import { answerMessage, base64, deviceRequestMessage, enrolmentMessage } from "../../www/authenticator/protocol.js";
import { generateDeviceKey, sign } from "../../www/authenticator/keys.js";
import { freePort } from "../support/receiver.mjs";
import { readVars, startWorker } from "../support/with-worker.mjs";

const { values: opts } = parseArgs({
  options: {
    flows: { type: "string", default: "200" },
    "down-secs": { type: "string", default: "60" },
    chaos: { type: "string", default: "0.3" },
    "deadline-secs": { type: "string", default: "420" },
  },
});
const FLOWS = Number(opts.flows);
const DOWN_MS = Number(opts["down-secs"]) * 1000;
const CHAOS = Number(opts.chaos);
const DEADLINE = Date.now() + Number(opts["deadline-secs"]) * 1000;

const counts = { requests: 0, resent: 0, fiveHundreds: {} };

/** The receiver: down until started; then answers 500 to, drops, or delays a share (`CHAOS`). */
class ChaosReceiver {
  constructor(port) {
    this.url = `http://127.0.0.1:${port}/hook`;
    this.port = port;
    this.acked = new Map(); // delivery id → times answered 200
    this.bodies = new Map(); // delivery id → last body acked
    this.attempts = 0;
    this.faults = { failed: 0, dropped: 0, delayed: 0 };
  }
  start() {
    this.server = createServer((req, res) => {
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        this.attempts++;
        const roll = Math.random();
        if (roll < CHAOS / 3) {
          this.faults.failed++;
          res.writeHead(500).end("no");
          return;
        }
        if (roll < (2 * CHAOS) / 3) {
          this.faults.dropped++;
          req.socket.destroy();
          return;
        }
        const ack = () => {
          const id = req.headers["webhook-id"];
          this.acked.set(id, (this.acked.get(id) ?? 0) + 1);
          this.bodies.set(id, Buffer.concat(chunks).toString("utf8"));
          res.writeHead(200).end("ok");
        };
        if (roll < CHAOS) {
          this.faults.delayed++;
          setTimeout(ack, 2000);
        } else ack();
      });
    });
    return new Promise((r) => this.server.listen(this.port, "127.0.0.1", r));
  }
  stop() {
    return new Promise((r) => (this.server ? this.server.close(r) : r()));
  }
}

let base;
async function send(method, path, { headers = {}, body } = {}) {
  const raw = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
  const h = raw === undefined ? headers : { "content-type": "application/json", ...headers };
  for (let attempt = 0; ; attempt++) {
    counts.requests++;
    let res;
    try {
      res = await fetch(`${base}${path}`, { method, headers: h, body: raw, signal: AbortSignal.timeout(30_000) });
    } catch (e) {
      if (attempt >= 5) throw e;
      counts.resent++;
      continue;
    }
    const text = await res.text();
    let json = null;
    try {
      json = JSON.parse(text);
    } catch {}
    if (res.status >= 500) {
      const kind = `${res.status} ${json?.errorCode ?? "(local proxy, no errorCode)"}`;
      counts.fiveHundreds[kind] = (counts.fiveHundreds[kind] ?? 0) + 1;
      // workerd's local proxy answers a bare 503 when busy; ours carry an errorCode. Either way
      // the same request may be sent again: a failed request wrote nothing.
      if (attempt < 5) {
        counts.resent++;
        await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
        continue;
      }
    }
    return { status: res.status, json, text };
  }
}

function expect(res, status, what) {
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${res.text}`);
  return res.json;
}

async function deviceHeaders(device, tenantId, method, pathAndQuery, body = "") {
  const timestamp = Date.now();
  const message = await deviceRequestMessage({ tenantId, keyId: device.keyId, method, pathAndQuery, timestamp, body });
  return {
    "x-pushauth-key-id": device.keyId,
    "x-pushauth-timestamp": String(timestamp),
    "x-pushauth-signature": await sign(device.keyPair.privateKey, message),
  };
}

async function flow(i, tenant, auth, receiver) {
  const user = `soak-${i}-${randomBytes(3).toString("hex")}`;
  const device = await generateDeviceKey();
  const enrolTrack = expect(
    await send("POST", `/v1/users/${user}/actions/enroll`, { headers: auth, body: { scope: "add:authenticators" } }),
    200,
    "enrol track",
  );
  expect(
    await send("POST", "/v1/client/user-authenticators/push", {
      headers: { authorization: `Bearer ${enrolTrack.token}` },
      body: {
        publicKey: device.publicKey,
        deviceName: `soak ${i}`,
        devicePlatform: "soak",
        proof: await sign(device.keyPair.privateKey, await enrolmentMessage(enrolTrack.token, device.keyId)),
      },
    }),
    201,
    "enrol",
  );
  const privakey = i % 2 === 0;
  let challengeId;
  let bearer;
  if (privakey) {
    const added = expect(
      await send("POST", "/request/add", { headers: auth, body: { accountId: user, callback: receiver.url, duration: "10m", content: `soak ${i}` } }),
      200,
      "request/add",
    );
    challengeId = added.guid;
  } else {
    const track = expect(await send("POST", `/v1/users/${user}/actions/signIn`, { headers: auth, body: {} }), 200, "track");
    bearer = { authorization: `Bearer ${track.token}` };
    challengeId = expect(await send("POST", "/v1/client/challenge/push", { headers: bearer, body: { action: "signIn" } }), 200, "challenge").challengeId;
  }
  const pending = expect(
    await send("GET", "/v1/device/challenges", { headers: await deviceHeaders(device, tenant.id, "GET", "/v1/device/challenges") }),
    200,
    "device fetch",
  );
  const view = pending.challenges.find((c) => c.challengeId === challengeId);
  if (!view) throw new Error(`challenge ${challengeId} not pending for its device`);
  const choice = { button: 0 };
  const signature = await sign(device.keyPair.privateKey, await answerMessage(view, device.keyId, choice));
  expect(
    await send("POST", `/v1/device/challenges/${challengeId}/answer`, { body: { keyId: device.keyId, button: 0, signature } }),
    200,
    "answer",
  );
  if (privakey) {
    const state = expect(await send("GET", `/request/${challengeId}`, { headers: auth }), 200, "request state");
    if (state.state !== "approved") throw new Error(`request ${challengeId} is ${state.state}`);
    return { privakey, challengeId };
  }
  const verified = expect(await send("POST", "/v1/client/verify/push", { headers: bearer, body: { challengeId } }), 200, "verify");
  const valid = expect(await send("POST", "/v1/validate", { headers: auth, body: { token: verified.accessToken } }), 200, "validate");
  if (valid.isValid !== true) throw new Error(`validate: ${JSON.stringify(valid)}`);
  return { privakey, challengeId };
}

async function main() {
  const started = Date.now();
  const port = await freePort();
  const receiver = new ChaosReceiver(port);
  const worker = await startWorker();
  base = worker.baseUrl;
  const admin = { authorization: `Bearer ${readVars(new URL("../../dev/dev.vars", import.meta.url).pathname).ADMIN_TOKEN}` };
  try {
    const tenantId = `soak-${randomUUID().slice(0, 8)}`;
    const created = expect(
      await send("POST", "/admin/tenants", {
        headers: admin,
        body: { id: tenantId, name: "Soak", callbackUrls: [receiver.url], pushLimits: { maxPending: 20, maxPerWindow: 20, windowSecs: 60, notMeBlockSecs: 60 } },
      }),
      201,
      "tenant",
    );
    const tenant = { id: tenantId };
    const auth = { authorization: `Basic ${Buffer.from(`${created.secret}:`).toString("base64")}` };
    const flowsStarted = Date.now();
    const upAt = flowsStarted + DOWN_MS;
    const up = new Promise((r) => setTimeout(r, DOWN_MS)).then(() => receiver.start());

    const results = await Promise.allSettled(Array.from({ length: FLOWS }, (_, i) => flow(i, tenant, auth, receiver)));
    const flowsDone = Date.now();
    const completed = results.filter((r) => r.status === "fulfilled").map((r) => r.value);
    const failures = results.filter((r) => r.status === "rejected").map((r) => String(r.reason?.message ?? r.reason));
    await up;

    // Every Privakey flow's callback must arrive, once acknowledged.
    const expected = completed.filter((f) => f.privakey).map((f) => `${f.challengeId}.request.processed`);
    while (Date.now() < DEADLINE && expected.some((id) => !receiver.acked.has(id))) {
      await new Promise((r) => setTimeout(r, 1000));
    }
    const lost = expected.filter((id) => !receiver.acked.has(id));
    const duplicated = [...receiver.acked].filter(([, n]) => n > 1).map(([id]) => id);
    const unexpected = [...receiver.acked.keys()].filter((id) => !expected.includes(id));

    // The state agrees: each request approved, its delivery log says delivered.
    let disagreements = 0;
    let loggedAttempts = 0;
    for (const f of completed.filter((f) => f.privakey)) {
      const log = await send("GET", `/request/${f.challengeId}/deliveries`, { headers: auth });
      const callback = (log.json?.deliveries ?? []).find((d) => d.id === `${f.challengeId}.request.processed`);
      loggedAttempts += callback?.attemptCount ?? 0;
      const body = receiver.bodies.get(`${f.challengeId}.request.processed`);
      const reported = body ? JSON.parse(body).state : undefined;
      if (log.status !== 200 || callback?.state !== "delivered" || reported !== "approved") disagreements++;
    }
    const report = {
      flows: FLOWS,
      completed: completed.length,
      failed: failures.length,
      firstFailures: failures.slice(0, 3),
      requests: counts.requests,
      resentAfter5xxOrNoAnswer: counts.resent,
      answers5xxByKind: counts.fiveHundreds,
      flowsSecs: Math.round((flowsDone - flowsStarted) / 100) / 10,
      receiverDownSecs: DOWN_MS / 1000,
      receiverUpAt: new Date(upAt).toISOString(),
      callbacksExpected: expected.length,
      callbacksDeliveredOnce: expected.length - lost.length - duplicated.length,
      lost: lost.length,
      duplicated: duplicated.length,
      unexpected: unexpected.length,
      deliveryAttemptsLogged: loggedAttempts,
      deliveryAttemptsReceived: receiver.attempts,
      receiverFaults: receiver.faults,
      stateDisagreements: disagreements,
      totalSecs: Math.round((Date.now() - started) / 100) / 10,
    };
    console.log(JSON.stringify(report, null, 2));
    const ok = report.failed === 0 && report.lost === 0 && report.duplicated === 0 && report.unexpected === 0 && disagreements === 0;
    console.log(ok ? "soak: OK" : "soak: FAILED");
    process.exitCode = ok ? 0 : 1;
  } finally {
    await receiver.stop();
    worker.stop();
  }
}

await main();
