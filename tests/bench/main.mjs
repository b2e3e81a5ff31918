// The bench: what users pay for (verify cost, endpoint throughput, approval detection, shipped
// size, cold start, storage cost), one table on stdout, everything in target/bench/report.json.
// Run through scripts/bench.sh, which builds what it needs first; BENCH_QUICK=1 is a short smoke
// run that prints every row. Progress goes to stderr. Only loopback is contacted.
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { startWorker } from "../support/with-worker.mjs";
import { onExit } from "./cleanup.mjs";
import { measureColdStart } from "./coldstart.mjs";
import { measureCost } from "./cost.mjs";
import { formatReport, sizeSection, throughputSection, writeReport } from "./report.mjs";
import { measureSizes } from "./sizes.mjs";
import { measureVerify } from "./verify.mjs";
import { configWithoutBuild, startWrangler, trivialJs, trivialRust, trivialRustObject } from "./workers.mjs";

const quick = process.env.BENCH_QUICK === "1";
// BENCH_ONLY=size: only section 4 (shipped sizes and cold start), for work on the bundle;
// BENCH_ONLY=throughput: only section 2 (the endpoints), for work on a route.
const sizeOnly = process.env.BENCH_ONLY === "size";
const throughputOnly = process.env.BENCH_ONLY === "throughput";
// Repetitions, chosen so a full run stays well under 10 minutes on 2 cores.
const plan = quick
  ? { verifyReps: 5, rounds: 1, seconds: 1.5, poolSize: 160, accounts: 100, detectionRuns: 8, coldStartRounds: 2 }
  : { verifyReps: 15, rounds: 3, seconds: 4, poolSize: 800, accounts: 400, detectionRuns: 30, coldStartRounds: 5 };

const began = performance.now();
const say = (text) => process.stderr.write(`bench: ${text} (${((performance.now() - began) / 1000).toFixed(0)} s)\n`);

const cpuModel = readFileSync("/proc/cpuinfo", "utf8").match(/^model name\s*:\s*(.*)$/m)?.[1] ?? "unknown";
const machine = { nproc: cpus().length, cpu: cpuModel, node: process.version };

say("sizes");
const sizes = measureSizes();

if (sizeOnly) {
  say("cold start");
  const coldStart = await measureColdStart({ rounds: plan.coldStartRounds });
  console.log(sizeSection(sizes, coldStart).join("\n"));
  process.exit(0);
}

say("starting the Worker (BENCH_ROUTES=true), the trivial JS and Rust Workers and the two-hop floor");
// scripts/bench.sh has just built it: start it without the root config's [build] step.
const worker = await startWorker({ vars: { BENCH_ROUTES: "true" }, config: configWithoutBuild() });
onExit(worker.stop);
// tests/support/api.mjs reads PUSHAUTH_BASE_URL as it loads: the modules that use it load now.
process.env.PUSHAUTH_BASE_URL = worker.baseUrl;
const { measureThroughput } = await import("./throughput.mjs");
const { measureDetection } = await import("./detection.mjs");
const js = await startWrangler(trivialJs);
const rust = await startWrangler(trivialRust);
const floor = await startWrangler(trivialRustObject);

let verify;
if (!throughputOnly) {
  say("P-256 verify");
  verify = await measureVerify(worker.baseUrl, { reps: plan.verifyReps });
}

say("endpoint throughput");
const throughput = await measureThroughput({
  baselines: { js: js.baseUrl, rust: rust.baseUrl, floor: floor.baseUrl },
  rounds: plan.rounds,
  seconds: plan.seconds,
  poolSize: plan.poolSize,
  accounts: plan.accounts,
});
await js.stop();
await rust.stop();
await floor.stop();
if (throughputOnly) {
  worker.stop();
  console.log(throughputSection(throughput).join("\n"));
  process.exit(0);
}

say("approval → browser detection");
const detection = await measureDetection({ runs: plan.detectionRuns });
worker.stop();

say("cold start");
const coldStart = await measureColdStart({ rounds: plan.coldStartRounds });

say("storage and cost");
// Cost is an average over logins: the mean number of polls the detection runs made. A model
// that refuses to price what it cannot count (cost.mjs) leaves its section "not measured"
// rather than losing every other figure.
let cost;
try {
  cost = measureCost({ polls: detection.pollsPerLogin.mean });
} catch (error) {
  say(`storage and cost not measured: ${error.message}`);
  cost = { error: error.message };
}

const report = {
  date: new Date().toISOString(),
  quick,
  seconds: (performance.now() - began) / 1000,
  machine,
  plan,
  verify,
  throughput,
  detection,
  sizes,
  coldStart,
  cost,
};
const file = writeReport(report);
console.log(formatReport(report));
say(`wrote ${file}`);
process.exit(0);
