// What logins cost on Cloudflare: Worker requests and storage operations per login, priced.
//
// Storage counts come from `cargo xtask kv-report` (one login over the Worker's routes with
// counting KV and Durable Object stores, cold and warm; its text is parsed here). Worker requests per login are counted from the real
// flow, as the browser, the device and the backend make them:
//   track (backend) · push.challenge (browser) · N polls
//   (browser; N measured by the detection bench) · device fetch (one, as after a Web Push
//   notification; a device that polls makes more) · device answer · validate (backend),
// each one kv-report step: the table prices each request with what it makes KV and the object do.
// Our SDK sends its calls in the simple-request form (text/plain, the token in the body), which
// needs no CORS preflight; @authsignal/browser sends `Authorization`, so its page pays a
// preflight for challenge and one for verify when the browser has none cached (it keeps them
// 2 hours): a row of its own, priced, and a total with it beside the one without.
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

/** The resources of one step of a login: one Worker request (none for the alarm's runs) and its storage. */
function stepOps(step) {
  return {
    workerRequests: step.step === ALARMS_STEP ? 0 : 1,
    kvReads: step.reads,
    kvWrites: step.writes,
    doRequests: step.doRequests,
    doRowsRead: step.doReads,
    doRowsWritten: step.doWrites,
  };
}

/** `ops` (resource → count per login) priced: USD per million logins, by resource. */
const price = (ops) => Object.fromEntries(Object.entries(PRICES_PER_MILLION).map(([r, usd]) => [r, (ops[r] ?? 0) * usd]));
const sum = (o) => Object.values(o).reduce((a, b) => a + b, 0);

/**
 * A login's requests, each priced with what it makes the Worker, KV and the object do:
 * [{ what, perLogin, ops (per login), usd, coldUsd (per M logins) }]. A poll is counted
 * `polls` times; the alarm's later runs are object requests with no Worker request.
 */
function requestRows(report, polls) {
  return report.warm.map((warm) => {
    const cold = report.cold.find((s) => s.step === warm.step) ?? warm;
    const n = warm.step === "push.verify" ? polls : 1;
    const times = (ops) => Object.fromEntries(Object.entries(ops).map(([r, v]) => [r, v * n]));
    const ops = times(stepOps(warm));
    // The alarm's row counts its runs.
    const perLogin = warm.step === ALARMS_STEP ? warm.doRequests : n;
    return { what: warm.step, perLogin, ops, usd: sum(price(ops)), coldUsd: sum(price(times(stepOps(cold)))) };
  });
}

/** The sum of rows' per-login resources. */
function totalOps(rows) {
  const out = Object.fromEntries(Object.keys(PRICES_PER_MILLION).map((r) => [r, 0]));
  for (const row of rows) for (const r of Object.keys(out)) out[r] += row.ops[r];
  return out;
}

/**
 * The figures of the previous README run (2026-12-01 08:28 UTC, main at 4308948), counted as
 * this bench counts them (deletes and alarm rows included, no preflight for our SDK): 10 object
 * rows written a login. Printed beside this run's. (Before issue 10's cost work, main at a957a34
 * printed $13.13 / $21.27 with 8 rows, but counted no deletes or alarm rows: not like for like.)
 */
export const BEFORE = {
  label: "main at 4308948 (README run of 2026-12-01 08:28 UTC)",
  totalUsdPerMillionLogins: 13.47,
  coldTotalUsdPerMillionLogins: 21.44,
  rowsWrittenPerLogin: 10,
  workerRequestsPerLogin: 6.97,
  freePlanLoginsPerDay: 10_000,
};

/** Cost of a million logins and the free plan's logins a day, for `polls` polls per login. */
export function measureCost({ polls }) {
  const report = kvReport();
  const requests = requestRows(report, polls);
  // Steady traffic keeps isolates (and users' objects) warm: their tenant reads are cached.
  const perLogin = totalOps(requests);
  const coldPerLogin = totalOps(requestRows({ warm: report.cold, cold: report.cold }, polls));
  // A million logins use perLogin[r] million units of each resource.
  const perMillionLogins = price(perLogin);
  const totalUsd = sum(perMillionLogins);
  const coldTotalUsd = sum(price(coldPerLogin));
  // A page on @authsignal/browser sends `Authorization`: a preflight before challenge and one
  // before the first poll, when the browser has none cached. A preflight is a Worker request
  // that reads nothing (cors.rs). Our SDK's simple requests need none.
  const preflight = { what: "CORS preflights (@authsignal/browser only)", perLogin: 2 };
  preflight.ops = { ...Object.fromEntries(Object.keys(PRICES_PER_MILLION).map((r) => [r, 0])), workerRequests: 2 };
  preflight.usd = sum(price(preflight.ops));
  preflight.coldUsd = preflight.usd;
  const freePlan = (ops) => {
    const byResource = Object.entries(FREE_PLAN_PER_DAY).map(([r, limit]) => ({
      resource: r,
      logins: ops[r] > 0 ? Math.floor(limit / ops[r]) : Infinity,
    }));
    const limiting = byResource.reduce((a, b) => (b.logins < a.logins ? b : a));
    return { limits: FREE_PLAN_PER_DAY, byResource, loginsPerDay: limiting.logins, limitedBy: limiting.resource };
  };
  const withPreflights = totalOps([...requests, preflight]);
  return {
    polls,
    requests,
    preflight,
    kvSteps: report.warm,
    kvReportOutput: report.output,
    perLogin,
    coldPerLogin,
    coldTotalUsdPerMillionLogins: coldTotalUsd,
    preflightUsdPerMillionLogins: preflight.usd,
    withPreflights: { totalUsdPerMillionLogins: totalUsd + preflight.usd, freePlanLoginsPerDay: freePlan(withPreflights).loginsPerDay },
    alarmsPerLogin: report.warm.find((s) => s.step === ALARMS_STEP)?.doRequests ?? 0,
    prices: PRICES_PER_MILLION,
    perMillionLogins,
    totalUsdPerMillionLogins: totalUsd,
    freePlan: freePlan(perLogin),
    before: BEFORE,
  };
}
