// What logins cost on Cloudflare: Worker requests and storage operations per login, priced.
//
// Storage counts come from `cargo xtask kv-report` (one login over the Worker's routes with
// counting KV and Durable Object stores, cold and warm; its text is parsed here). Worker requests per login are counted from the real
// flow, as the browser, the device and the backend make them:
//   track (backend) · push.challenge (browser) · N polls
//   (browser; N measured by the detection bench) · device fetch (one, as after a Web Push
//   notification; a device that polls makes more) · device answer · validate (backend).
// Our SDK sends its calls in the simple-request form (text/plain, the token in the body), which
// needs no CORS preflight; @authsignal/browser sends `Authorization`, so its page pays a
// preflight for challenge and one for verify when the browser has none cached (it keeps them
// 2 hours): printed beside the figure, not in it.
// kv-report's browser calls carry an Origin, as the SDK's do, so its reads include the origin
// check. The priced figures are warm isolates' (steady traffic: tenants cached); the cold total
// is printed beside them.
import { execFileSync } from "node:child_process";
import { homedir } from "node:os";
import { join } from "node:path";
import { root } from "./workers.mjs";

// USD per million, Workers Paid plan, usage beyond what the plan includes (its $5/month base
// and included quotas are left out). Source: Cloudflare's pricing pages,
// developers.cloudflare.com/workers/platform/pricing/, …/kv/platform/pricing/ and
// …/durable-objects/platform/pricing/ (SQLite storage backend).
export const PRICES_PER_MILLION = {
  workerRequests: 0.3,
  kvReads: 0.5,
  kvWrites: 5.0,
  doRequests: 0.15,
  doRowsRead: 0.001,
  doRowsWritten: 1.0,
};

// The Workers Free plan's daily limits (same source; Durable Objects on the free plan use the
// SQLite storage backend).
export const FREE_PLAN_PER_DAY = {
  workerRequests: 100_000,
  kvReads: 100_000,
  kvWrites: 1_000,
  doRequests: 100_000,
  doRowsRead: 5_000_000,
  doRowsWritten: 100_000,
};

// The object's alarm over the rest of a login's life is kv-report's last row ("alarms (later)",
// simulated with the object's own alarm rule): its runs are Durable Object requests, the rows
// they delete or prune and the alarms they set are rows written. Each request step's rows
// include the alarm it set (`setAlarm` is billed as a row written). A login with a callback adds
// its delivery's runs (not counted).
export const ALARMS_STEP = "alarms (later)";

/** One table of `cargo xtask kv-report`: [{ step, reads, writes, doRequests, doReads, doWrites }]. */
function parseTable(text) {
  const steps = [];
  for (const line of text.split("\n")) {
    const m = line.match(/^(\S.*?)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$/);
    if (m && m[1] !== "total") {
      const [reads, writes, doRequests, doReads, doWrites] = m.slice(2).map(Number);
      steps.push({ step: m[1], reads, writes, doRequests, doReads, doWrites });
    }
  }
  if (!steps.some((s) => s.step === "push.verify")) {
    throw new Error(`cargo xtask kv-report: no "push.verify" (poll) row in its output:\n${text}`);
  }
  return steps;
}

/** The warm and cold step tables of `cargo xtask kv-report`. */
function kvReport() {
  const out = execFileSync("cargo", ["xtask", "kv-report"], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, PATH: `${join(homedir(), ".cargo", "bin")}:${process.env.PATH}` },
  });
  const [cold, warm] = out.split(/\n\s*\n/).filter((t) => t.includes("step"));
  if (!cold || !warm) throw new Error(`cargo xtask kv-report: expected a cold and a warm table:\n${out}`);
  return { cold: parseTable(cold), warm: parseTable(warm), output: out };
}

/** Storage operations of one login from a step table, with `polls` polls. */
function perLoginOps(steps, polls) {
  const perPoll = steps.find((s) => s.step === "push.verify");
  const once = steps.filter((s) => s !== perPoll);
  const total = (f) => once.reduce((a, s) => a + f(s), 0) + polls * f(perPoll);
  return {
    kvReads: total((s) => s.reads),
    kvWrites: total((s) => s.writes),
    doRequests: total((s) => s.doRequests),
    doRowsRead: total((s) => s.doReads),
    doRowsWritten: total((s) => s.doWrites),
  };
}

/** Cost of a million logins and the free plan's logins a day, for `polls` polls per login. */
export function measureCost({ polls }) {
  const report = kvReport();
  const requests = [
    ["track", 1],
    ["push.challenge (no preflight: simple request)", 1],
    ["polls", polls],
    ["device fetch", 1],
    ["device answer", 1],
    ["validate", 1],
  ];
  const workerRequests = requests.reduce((a, [, n]) => a + n, 0);
  // Steady traffic keeps isolates (and users' objects) warm: their tenant reads are cached.
  const perLogin = { workerRequests, ...perLoginOps(report.warm, polls) };
  const coldPerLogin = { workerRequests, ...perLoginOps(report.cold, polls) };
  // A million logins use perLogin[r] million units of each resource.
  const price = (ops) => Object.fromEntries(Object.entries(PRICES_PER_MILLION).map(([r, usd]) => [r, ops[r] * usd]));
  const perMillionLogins = price(perLogin);
  const sum = (o) => Object.values(o).reduce((a, b) => a + b, 0);
  const totalUsd = sum(perMillionLogins);
  const coldTotalUsd = sum(price(coldPerLogin));
  const byResource = Object.entries(FREE_PLAN_PER_DAY).map(([r, limit]) => ({ resource: r, logins: Math.floor(limit / perLogin[r]) }));
  const limiting = byResource.reduce((a, b) => (b.logins < a.logins ? b : a));
  return {
    polls,
    requests,
    kvSteps: report.warm,
    kvReportOutput: report.output,
    perLogin,
    coldPerLogin,
    coldTotalUsdPerMillionLogins: coldTotalUsd,
    // A page on @authsignal/browser: a preflight before challenge and one before the first poll.
    preflightUsdPerMillionLogins: 2 * PRICES_PER_MILLION.workerRequests,
    alarmsPerLogin: report.warm.find((s) => s.step === ALARMS_STEP)?.doRequests ?? 0,
    prices: PRICES_PER_MILLION,
    perMillionLogins,
    totalUsdPerMillionLogins: totalUsd,
    freePlan: { limits: FREE_PLAN_PER_DAY, byResource, loginsPerDay: limiting.logins, limitedBy: limiting.resource },
  };
}
