// The bench's output: one fixed-width table on stdout, in sections, and every raw sample and
// figure in target/bench/report.json. Each machine-speed figure stands beside its baseline
// from the same run, as a ratio, with the project's target and whether it is met.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { root } from "./workers.mjs";

/** The project's targets. */
export const TARGETS = {
  verifyRatio: 2, // edge verify ≤ 2× native
  workerGzip: 250_000, // Worker ≤ 250 KB gzip (KB = 1,000 bytes here: the stricter reading)
  coldStartRatio: 1.5, // cold start ≤ 1.5× the trivial Rust Worker
  sdkGzip: 20_000, // SDK ≤ 20 KB gzip
  detectionP50Ms: 1000,
  detectionP95Ms: 2200,
  instantP50Ms: 150, // with the WebSocket, on loopback
  instantP95Ms: 400,
  endpointRatio: 0.5, // login endpoints ≥ 50% of the trivial Rust Worker's req/s
};

/**
 * Every request the throughput section sends is one that succeeds in real use: a row with fewer
 * 2xx answers than this measured something else (refusals, errors), and says so.
 */
export const MIN_SHARE_2XX = 0.99;

const verdict = (ok) => (ok ? "met" : "NOT MET");
const kb = (bytes) => `${(bytes / 1000).toFixed(1)} KB`;
const x = (ratio) => `${ratio.toFixed(2)}×`;
const fixed = (v, digits) => (Number.isFinite(v) ? v.toFixed(digits) : "n/a");

/**
 * A row printer for columns of the given widths: the first column is left-aligned, the others
 * right-aligned, except that a negative width left-aligns its column too. Rows are indented.
 */
function columns(...widths) {
  return (...cells) => {
    const text = cells.map((c, i) => (i === 0 || widths[i] < 0 ? String(c).padEnd(Math.abs(widths[i])) : String(c).padStart(widths[i])));
    return `   ${text.join("  ")}`.trimEnd();
  };
}

function verifySection(v) {
  const lines = ["1. P-256 signature verify, µs per verify (timed from outside the Worker; median, IQR)"];
  const cols = columns(42, 9, 15, 10, 8, -9, -8);
  lines.push(cols("", "µs", "IQR", "baseline", "vs (c)", "target", ""));
  // The target is the edge verify, i.e. the engine the Worker uses (WebCrypto); the core's p256
  // is the portable reference, shown for what the switch saved.
  const engines = [
    ["reference", "(a) core p256 → wasm, in workerd", false],
    ["webcrypto", "(b) WebCrypto, in workerd (the Worker's)", true],
  ];
  for (const [key, label, targeted] of engines) {
    const e = v[key];
    lines.push(cols(label, fixed(e.usPerVerify, 1), `${fixed(e.spread.q1, 1)}–${fixed(e.spread.q3, 1)}`,
      `(c) ${fixed(v.native.median, 1)}`, x(e.ratioToNative), targeted ? `≤ ${TARGETS.verifyRatio}×` : "(reference)",
      targeted ? verdict(e.ratioToNative <= TARGETS.verifyRatio) : ""));
  }
  lines.push(cols("(c) native: Node crypto.verify, OpenSSL", fixed(v.native.median, 1), `${fixed(v.native.q1, 1)}–${fixed(v.native.q3, 1)}`, "(baseline)", "", "", ""));
  return lines;
}

/** Section 2: the endpoints' req/s and latency beside the trivial Workers', as lines of text. */
export function throughputSection(t) {
  const lines = [`2. Endpoints under workerd: ${t.connections} connections, ${t.rounds} round(s) × ~${t.seconds} s, interleaved (median)`];
  const cols = columns(46, 8, 13, 7, 7, 6, 10, 10, -7, -8);
  lines.push(cols("", "req/s", "IQR", "p50 ms", "p99 ms", "2xx", "vs Rust", "vs floor", "target", ""));
  const refused = [];
  for (const r of t.rows) {
    const login = !r.baseline;
    const ok2xx = r.share2xx >= MIN_SHARE_2XX;
    if (!ok2xx) refused.push(r);
    const verdictCell = !ok2xx ? "INVALID" : login ? verdict(r.ratioToTrivialRust >= TARGETS.endpointRatio) : "";
    lines.push(cols(r.name, fixed(r.rps.median, 0), `${fixed(r.rps.q1, 0)}–${fixed(r.rps.q3, 0)}`, fixed(r.p50Ms, 1), fixed(r.p99Ms, 1),
      `${(r.share2xx * 100).toFixed(1)}%`, r.key === "trivialRust" ? "(baseline)" : x(r.ratioToTrivialRust),
      r.key === "twoHopFloor" ? "(floor)" : r.ratioToFloor === undefined ? "" : x(r.ratioToFloor),
      login ? `≥ ${TARGETS.endpointRatio}×` : "", verdictCell));
  }
  for (const r of refused) {
    const codes = Object.entries(r.runs.reduce((all, s) => {
      for (const [code, { count }] of Object.entries(s.statusCodes ?? {})) all[code] = (all[code] ?? 0) + count;
      return all;
    }, {})).map(([code, n]) => `${n}× ${code}`);
    const errors = r.runs.reduce((a, s) => a + s.errors + s.timeouts, 0);
    if (errors) codes.push(`${errors} errors or timeouts`);
    lines.push(`   INVALID ${r.name}: ${(r.share2xx * 100).toFixed(1)}% 2xx, under ${MIN_SHARE_2XX * 100}% (${codes.join(", ") || "no answers"}): its req/s is not the endpoint's`);
  }
  lines.push("   (two-hop floor: a trivial Rust Worker forwarding to a trivial Rust Durable Object that reads and writes one small value;"
    + " every login endpoint makes both hops by design; \"vs floor\" is the endpoint's req/s over the floor's (one object) in the same round;"
    + " the floor over many objects is request/add's spread)");
  lines.push(`   (answers and validations: ${t.poolSize} distinct single-use requests per round, each sent once; request/add over ${t.accounts} accounts)`);
  const pools = (t.rows.find((r) => r.key === "pending")?.runs ?? []).map((s) => s.pool).filter(Boolean);
  if (pools.length) {
    const [least, most] = [Math.min(...pools.map((p) => p.size)), Math.max(...pools.map((p) => p.size))];
    const short = pools.filter((p) => p.used >= p.size).length;
    const devices = pools.map((p) => p.devices).filter(Boolean);
    const by = devices.length ? ` by ${Math.min(...devices) === Math.max(...devices) ? devices[0] : `${Math.min(...devices)}–${Math.max(...devices)}`} devices` : "";
    lines.push(`   (device fetches: each with its own signature, from ${least === most ? least : `${least}–${most}`} signed${by} just before each run, ` +
      `${t.guard ? `none over its replay guard's ${t.guard.maxSeen} per ${t.guard.keepMs / 1000} s; ` : ""}` +
      `${short ? `ran out before the end in ${short} of ${pools.length} run(s), req/s over the time they lasted` : "never ran out"})`);
  }
  return lines;
}

function detectionSection(d) {
  const lines = [`3. Approval → browser has the result (real SDK, headless Chromium, ${d.polling.runs} sign-ins per mode, approval 0.5–3 s after the push arrives)`];
  const cols = columns(24, 8, 8, 15, -24, -8);
  lines.push(cols("mode", "p50 s", "p95 s", "IQR s", "target", ""));
  const p = d.polling;
  const ok = p.p50Ms <= TARGETS.detectionP50Ms && p.p95Ms <= TARGETS.detectionP95Ms;
  lines.push(cols("polling", fixed(p.p50Ms / 1000, 2), fixed(p.p95Ms / 1000, 2), `${fixed(p.spread.q1 / 1000, 2)}–${fixed(p.spread.q3 / 1000, 2)}`,
    `p50 ≤ ${fixed(TARGETS.detectionP50Ms / 1000, 1)}, p95 ≤ ${fixed(TARGETS.detectionP95Ms / 1000, 1)}`, verdict(ok)));
  const i = d.instant;
  const instantOk = i.p50Ms <= TARGETS.instantP50Ms && i.p95Ms <= TARGETS.instantP95Ms;
  lines.push(cols("instant (WebSocket)", fixed(i.p50Ms / 1000, 3), fixed(i.p95Ms / 1000, 3), `${fixed(i.spread.q1 / 1000, 3)}–${fixed(i.spread.q3 / 1000, 3)}`,
    `p50 ≤ ${fixed(TARGETS.instantP50Ms / 1000, 2)}, p95 ≤ ${fixed(TARGETS.instantP95Ms / 1000, 2)}`, verdict(instantOk)));
  lines.push(`   (verify calls per sign-in: polling mean ${fixed(d.polling.pollsPerLogin.mean, 2)}, median ${fixed(d.polling.pollsPerLogin.median, 1)}; `
    + `WebSocket mean ${fixed(i.pollsPerLogin.mean, 2)}; runs alternate between the two)`);
  return lines;
}

/** Section 4: shipped sizes and cold start, as lines of text. */
export function sizeSection(s, c) {
  const lines = ["4. Shipped size (gzip -9; KB = 1,000 bytes) and cold start"];
  const cols = columns(40, 10, 30, 8, -10, -8);
  lines.push(cols("", "ours", "baseline", "ratio", "target", ""));
  lines.push(cols("browser SDK (wasm + JS)", kb(s.sdk.ours.gzip), `@authsignal/browser ${kb(s.sdk.authsignal.gzip)}`,
    x(s.sdk.ours.gzip / s.sdk.authsignal.gzip), `≤ ${kb(TARGETS.sdkGzip)}`, verdict(s.sdk.ours.gzip <= TARGETS.sdkGzip)));
  lines.push(cols("Worker (wasm + JS)", kb(s.worker.gzip), `trivial Rust Worker ${kb(s.trivialRust.gzip)}`,
    x(s.worker.gzip / s.trivialRust.gzip), `≤ ${kb(TARGETS.workerGzip)}`, verdict(s.worker.gzip <= TARGETS.workerGzip)));
  for (const how of ["workerd", "wrangler"]) {
    const m = c[how];
    lines.push(cols(`cold start, ${how === "workerd" ? "workerd alone" : "wrangler dev"}`, `${fixed(m.ours.median, 0)} ms`,
      `trivial Rust Worker ${fixed(m.trivialRust.median, 0)} ms`, x(m.ratio), `≤ ${TARGETS.coldStartRatio}×`, verdict(m.ratio <= TARGETS.coldStartRatio)));
  }
  const iqr = (q) => `${fixed(q.q1, 0)}–${fixed(q.q3, 0)}`;
  lines.push(`   (cold start: spawn → first 200, interleaved: workerd ${c.workerd.ours.n} starts each, wrangler ${c.wrangler.ours.n}; IQR ms: workerd ours ${iqr(c.workerd.ours)}, `
    + `baseline ${iqr(c.workerd.trivialRust)}; wrangler ours ${iqr(c.wrangler.ours)}, baseline ${iqr(c.wrangler.trivialRust)})`);
  return [...lines, ...partsLines(s.workerParts)];
}

/** What weighs in the Worker's wasm (twiggy, by crate; sizes.mjs `wasmParts`). */
function partsLines(w) {
  if (!w) return ["   (what weighs in the Worker: not measured, no twiggy or no named wasm)"];
  const lines = [`   What weighs in the Worker's wasm (twiggy over ${w.file}: with names, before -Oz; ${kb(w.total)} of code and data, raw):`];
  const cols = columns(50, 10, 7);
  for (const p of w.parts) lines.push(cols(`     ${p.part}`, kb(p.bytes), `${fixed((100 * p.bytes) / w.total, 0)} %`));
  return lines;
}

const RESOURCES = {
  workerRequests: "Worker requests",
  kvReads: "KV reads",
  kvWrites: "KV writes",
  doRequests: "Durable Object requests",
  doRowsRead: "DO SQLite rows read",
  doRowsWritten: "DO SQLite rows written",
};

const usd = (v) => `$${fixed(v, 2)}`;
const logins = (n) => (Number.isFinite(n) ? n.toLocaleString("en") : "∞");

/** Section 5: a login's requests, each priced, its resources, the Free plan, and the figures before. */
export function costSection(k) {
  const lines = ["5. Storage and cost per login (Cloudflare Workers Paid prices, usage beyond the plan's included amounts)"];
  if (k.error) return [...lines, `   not measured: ${k.error}`];
  // Each request of a login, priced with what it makes KV and the user's object do.
  lines.push(`   Requests per login (${fixed(k.polls, 2)} polls, the detection runs' mean; storage from cargo xtask kv-report, warm isolates; $ per M logins):`);
  const req = columns(46, 9, 7, 7, 13, 8, 8, -12);
  lines.push(req("request", "per login", "Worker", "KV r/w", "DO req r/w", "$ warm", "$ cold", ""));
  const row = (r, note = "") => {
    const o = r.ops;
    const n = (v) => +v.toFixed(2);
    lines.push(req(r.what, n(r.perLogin), n(o.workerRequests), `${n(o.kvReads)}/${n(o.kvWrites)}`,
      `${n(o.doRequests)} ${n(o.doRowsRead)}/${n(o.doRowsWritten)}`, usd(r.usd), usd(r.coldUsd), note));
  };
  for (const r of k.requests) row(r, r.what === "push.verify" ? "(polls)" : r.what === "alarms (later)" ? "(runs)" : "");
  lines.push(req("total, our SDK (simple requests, no preflight)", "", "", "", "", usd(k.totalUsdPerMillionLogins), usd(k.coldTotalUsdPerMillionLogins)));
  row(k.preflight, "not in total");
  lines.push(req("total, a page on @authsignal/browser", "", "", "", "", usd(k.withPreflights.totalUsdPerMillionLogins),
    usd(k.coldTotalUsdPerMillionLogins + k.preflight.coldUsd)));
  // The same login by resource.
  const cols = columns(40, 10, 12, 20);
  lines.push(cols("resource", "per login", "price $/M", "$ per M logins"));
  for (const [r, name] of Object.entries(RESOURCES)) {
    lines.push(cols(name, fixed(k.perLogin[r], 1), fixed(k.prices[r], 3), usd(k.perMillionLogins[r])));
  }
  lines.push(cols("total (warm isolates)", "", "", usd(k.totalUsdPerMillionLogins)));
  const free = k.freePlan.byResource.map((b) => `${logins(b.logins)} by ${RESOURCES[b.resource]}`).join(", ");
  lines.push(`   Free plan: ${logins(k.freePlan.loginsPerDay)} logins/day, limited by ${RESOURCES[k.freePlan.limitedBy]} (${free}); a page on @authsignal/browser: ${logins(k.withPreflights.freePlanLoginsPerDay)}`);
  const b = k.before;
  if (b) {
    lines.push(`   Before → now: warm ${usd(b.totalUsdPerMillionLogins)} → ${usd(k.totalUsdPerMillionLogins)}, cold ${usd(b.coldTotalUsdPerMillionLogins)} → ${usd(k.coldTotalUsdPerMillionLogins)} per M logins;`
      + ` rows written ${b.rowsWrittenPerLogin} → ${fixed(k.perLogin.doRowsWritten, 0)}, Worker requests ${fixed(b.workerRequestsPerLogin, 2)} → ${fixed(k.perLogin.workerRequests, 2)} a login;`
      + ` Free plan ${logins(b.freePlanLoginsPerDay)} → ${logins(k.freePlan.loginsPerDay)} logins/day (before: ${b.label})`);
  }
  return lines;
}

/** The whole table as text. */
export function formatReport(r) {
  const m = r.machine;
  const head = [
    `pushauth bench — ${r.date} — ${r.quick ? "QUICK smoke run (BENCH_QUICK=1)" : "full run"} — ${r.seconds.toFixed(0)} s`,
    `machine: ${m.nproc} CPUs, ${m.cpu}; Node ${m.node}. Speed-dependent figures stand beside a baseline from the same run.`,
  ];
  return [head, verifySection(r.verify), throughputSection(r.throughput), detectionSection(r.detection), sizeSection(r.sizes, r.coldStart), costSection(r.cost)]
    .map((lines) => lines.join("\n"))
    .join("\n\n");
}

/** Writes target/bench/report.json; returns its path. */
export function writeReport(r) {
  const dir = join(root, "target", "bench");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "report.json");
  writeFileSync(file, `${JSON.stringify(r, null, 2)}\n`);
  return file;
}
