// What logins cost on Cloudflare: Worker requests and storage operations per login, priced.
//
// Storage counts come from `cargo xtask kv-report` (one login over the Worker's routes with a
// counting store; its text is parsed here). Worker requests per login are counted from the real
// flow, as the browser, the device and the backend make them:
//   track (backend) · CORS preflight + push.challenge (browser) · CORS preflight + N polls
//   (browser; N measured by the detection bench) · device fetch (one, as after a Web Push
//   notification; a device that polls makes more) · device answer · validate (backend).
// The browser caches a preflight for 600 s (Access-Control-Max-Age), so a user's first sign-in in
// ten minutes pays both; later ones in that window would not. Counted here: both.
// kv-report's browser calls carry an Origin, as the SDK's do, so its reads include the origin
// check; they are a cold isolate's (each request reads its tenant once: the Worker's per-isolate
// configuration cache would save those reads on a warm one, not counted here).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
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

// The Workers Free plan's daily limits (same source).
export const FREE_PLAN_PER_DAY = { workerRequests: 100_000, kvReads: 100_000, kvWrites: 1_000 };

/** The step rows of `cargo xtask kv-report`: [{ step, reads, writes }]. */
function kvReport() {
  const out = execFileSync("cargo", ["xtask", "kv-report"], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, PATH: `${join(homedir(), ".cargo", "bin")}:${process.env.PATH}` },
  });
  const steps = [];
  for (const line of out.split("\n")) {
    const m = line.match(/^(\S.*?)\s+(\d+)\s+(\d+)(\s|$)/);
    if (m && m[1] !== "total") steps.push({ step: m[1], reads: Number(m[2]), writes: Number(m[3]) });
  }
  if (!steps.some((s) => s.step === "push.verify")) {
    throw new Error(`cargo xtask kv-report: no "push.verify" (poll) row in its output:\n${out}`);
  }
  return { steps, output: out };
}

/** Cost of a million logins and the free plan's logins a day, for `polls` polls per login. */
export function measureCost({ polls }) {
  if (/durable_objects/.test(readFileSync(join(root, "wrangler.toml"), "utf8"))) {
    throw new Error("wrangler.toml binds a Durable Object: count its requests and rows in tests/bench/cost.mjs");
  }
  const report = kvReport();
  const perPoll = report.steps.find((s) => s.step === "push.verify");
  const once = report.steps.filter((s) => s !== perPoll);
  const requests = [
    ["track", 1],
    ["push.challenge (+ CORS preflight)", 2],
    ["polls (+ CORS preflight)", polls + 1],
    ["device fetch", 1],
    ["device answer", 1],
    ["validate", 1],
  ];
  const perLogin = {
    workerRequests: requests.reduce((a, [, n]) => a + n, 0),
    kvReads: once.reduce((a, s) => a + s.reads, 0) + polls * perPoll.reads,
    kvWrites: once.reduce((a, s) => a + s.writes, 0) + polls * perPoll.writes,
    // The Worker binds no Durable Object (checked above).
    doRequests: 0,
    doRowsRead: 0,
    doRowsWritten: 0,
  };
  // A million logins use perLogin[r] million units of each resource.
  const perMillionLogins = Object.fromEntries(Object.entries(PRICES_PER_MILLION).map(([r, usd]) => [r, perLogin[r] * usd]));
  const totalUsd = Object.values(perMillionLogins).reduce((a, b) => a + b, 0);
  const byResource = Object.entries(FREE_PLAN_PER_DAY).map(([r, limit]) => ({ resource: r, logins: Math.floor(limit / perLogin[r]) }));
  const limiting = byResource.reduce((a, b) => (b.logins < a.logins ? b : a));
  return {
    polls,
    requests,
    kvSteps: report.steps,
    kvReportOutput: report.output,
    perLogin,
    prices: PRICES_PER_MILLION,
    perMillionLogins,
    totalUsdPerMillionLogins: totalUsd,
    freePlan: { limits: FREE_PLAN_PER_DAY, byResource, loginsPerDay: limiting.logins, limitedBy: limiting.resource },
  };
}
