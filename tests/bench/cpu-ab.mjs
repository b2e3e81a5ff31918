// CPU per request of two builds of the pushauth Worker, side by side: what a change to a route
// costs or saves, measured finely enough to attribute a few percent. Not part of scripts/bench.sh.
//
//   node tests/bench/cpu-ab.mjs <before build dir> <after build dir> [rounds=4] [targets=track,poll,add]
//
// A build dir is a copy of crates/pushauth-worker/build/ (index.js, index_bg.wasm, worker/) made
// after scripts/build-worker.sh (the deployment build). Both Workers run under `wrangler dev` at once, each with its own
// tenant, a login with one pending challenge (track, poll) and 60 enrolled accounts (request/add).
// Each round sends AMOUNT (600, or CPU_AB_AMOUNT) requests of each target to each Worker, the two
// in random order, and reads the CPU time (utime + stime, /proc) its workerd process (the one
// running the Worker and its objects, not wrangler's proxy) used meanwhile; the figure is µs of
// CPU per request, and the ratio after/before per round, median over rounds. CPU time depends far
// less on what else the machine is doing than req/s does: on this shared 2-core machine the
// bench's throughput ratios move more between runs than a 10% cut. Only loopback is contacted;
// every process started is stopped at exit.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import autocannon from "autocannon";
import { generateDeviceKey, sign } from "../../www/authenticator/keys.js";
import { enrolmentMessage } from "../../www/authenticator/protocol.js";
import { freePort, readVars, wranglerDevArgs } from "../support/with-worker.mjs";
import { root } from "./workers.mjs";
import { median } from "./stats.mjs";

const [before, after, rounds = "4", only = "track,poll,add"] = process.argv.slice(2);
if (!before || !after) {
  console.error("usage: node tests/bench/cpu-ab.mjs <before build dir> <after build dir> [rounds] [track,poll,add]");
  process.exit(2);
}
const AMOUNT = Number(process.env.CPU_AB_AMOUNT ?? 600);
const ACCOUNTS = 60;
const PUSH_LIMITS = { maxPending: 20, maxPerWindow: 20, windowSecs: 1, notMeBlockSecs: 3600 };
const cleanups = [];
process.on("exit", () => cleanups.forEach((f) => f()));
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(1));

/** The root wrangler.toml without [build], its `main` the build dir's index.js. */
function configFor(dir) {
  const text = readFileSync(join(root, "wrangler.toml"), "utf8")
    .replace(/^\[build\]\n(?:(?!\[).*\n)*/m, "")
    .replace(/^main = "(.*)"$/m, () => `main = "${resolve(dir)}/index.js"`)
    .replace(/^directory = "(.*)"$/m, (_, p) => `directory = "${join(root, p)}"`);
  const folder = mkdtempSync(join(tmpdir(), "pushauth-cpu-ab-"));
  cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
  writeFileSync(join(folder, "wrangler.toml"), text);
  return join(folder, "wrangler.toml");
}

/** The workerd process of a `wrangler dev` process group that runs the Worker (it has the inspector). */
function workerdPid(pgid) {
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
      if (Number(stat[2]) === pgid && cmd.includes("workerd") && cmd.includes("--inspector-addr")) return pid;
    } catch {}
  }
  throw new Error(`no workerd in process group ${pgid}`);
}

/** CPU time a process used so far, ms (user + system; clock ticks of 10 ms). */
function cpuMs(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12])) * 10;
}

/** Starts one build and readies its tenant, login and accounts; returns its targets. */
async function start(dir, tag) {
  const port = await freePort();
  const state = mkdtempSync(join(tmpdir(), "pushauth-cpu-ab-state-"));
  const vars = { ...readVars(join(root, "dev", "dev.vars")), OUTBOX_BASE_DELAY_SECS: "1" };
  const args = wranglerDevArgs({ config: configFor(dir), port, inspectorPort: await freePort(), state, vars });
  const child = spawn(process.execPath, args, {
    cwd: root, env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" }, stdio: "ignore", detached: true,
  });
  cleanups.push(() => {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {}
    rmSync(state, { recursive: true, force: true });
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      const res = await fetch(`${base}/health`);
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {}
    if (i > 6000) throw new Error(`${dir}: the Worker did not start`);
    await new Promise((r) => setTimeout(r, 20));
  }
  // tests/support/api.mjs reads PUSHAUTH_BASE_URL as it loads: one copy of it per Worker.
  process.env.PUSHAUTH_BASE_URL = base;
  const api = await import(`../support/api.mjs?${tag}`);
  const t = await api.createTenant({ pushLimits: PUSH_LIMITS });
  // A device as the web authenticator makes one (fixtures.mjs, NodeDevice), enrolled through the API.
  const enrol = async (userId) => {
    const { keyPair, publicKey, keyId } = await generateDeviceKey();
    const device = {
      enrolment: async (token, deviceName) => ({
        publicKey, deviceName, devicePlatform: "cli", proof: await sign(keyPair.privateKey, await enrolmentMessage(token, keyId)),
      }),
    };
    await api.enrol(t, userId, device, "cpu-ab device");
  };
  await enrol("login");
  const login = await api.startChallenge(t, "login");
  const accounts = Array.from({ length: ACCOUNTS }, (_, i) => `acct-${i}`);
  for (const id of accounts) await enrol(id);
  const json = { "content-type": "application/json" };
  const auth = api.basic(t.secret);
  const targets = {
    track: () => ({ url: `${base}/v1/users/login/actions/signIn`, method: "POST", headers: { ...auth, ...json }, body: "{}" }),
    poll: () => ({
      url: `${base}/v1/client/verify/push`, method: "POST",
      headers: { ...api.bearer(login.token), ...json, origin: "http://127.0.0.1:9" }, body: JSON.stringify({ challengeId: login.challengeId }),
    }),
    add: () => {
      let next = 0;
      const body = () => JSON.stringify({ accountId: accounts[next++ % accounts.length], content: "Sign in to Acme?", duration: "10s" });
      return { url: `${base}/request/add`, method: "POST", headers: { ...auth, ...json }, requests: [{ setupRequest: (req) => ({ ...req, body: body() }) }] };
    },
  };
  return { tag, targets, pid: workerdPid(child.pid) };
}

const load = (options) => new Promise((ok, fail) => autocannon({ connections: 16, sampleInt: 20, amount: AMOUNT, ...options }, (e, r) => (e ? fail(e) : ok(r))));

const builds = [await start(before, "before"), await start(after, "after")];
const keys = only.split(",");
const samples = Object.fromEntries(keys.map((k) => [k, { before: [], after: [], ratio: [] }]));
for (let round = 0; round < Number(rounds); round++) {
  for (const key of keys) {
    const us = {};
    for (const build of Math.random() < 0.5 ? builds : [...builds].reverse()) {
      const used = cpuMs(build.pid);
      const r = await load(build.targets[key]());
      us[build.tag] = (1000 * (cpuMs(build.pid) - used)) / r.requests.total;
      if (r["2xx"] < 0.99 * r.requests.total) throw new Error(`${key} on ${build.tag}: ${r["2xx"]} of ${r.requests.total} answers 2xx`);
    }
    samples[key].before.push(us.before);
    samples[key].after.push(us.after);
    samples[key].ratio.push(us.after / us.before);
    process.stderr.write(`round ${round + 1} ${key}: ${us.before.toFixed(0)} → ${us.after.toFixed(0)} µs (${(us.after / us.before).toFixed(2)}×)\n`);
  }
}
console.log(`workerd CPU per request, ${AMOUNT} requests × ${rounds} rounds (median; ratio: median of per-round after/before)`);
for (const key of keys) {
  const s = samples[key];
  console.log(`  ${key.padEnd(6)} ${median(s.before).toFixed(0).padStart(6)} → ${median(s.after).toFixed(0).padStart(6)} µs   ${median(s.ratio).toFixed(2)}×   (rounds: ${s.ratio.map((x) => x.toFixed(2)).join(" ")})`);
}
process.exit(0);
