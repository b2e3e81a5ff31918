// The API under a schema fuzzer (scripts/api-fuzz.sh): Schemathesis generates requests from
// docs/openapi.json for every operation, sent as each kind of caller the document's security
// schemes name, to the Worker in workerd. Checks: no 5xx, responses match their schema, status
// codes and content types are documented; and the Worker's log shows no panic.
//
//   node tests/apifuzz/run.mjs --st target/apifuzz-venv/bin/st [--max-examples N] [--smoke]
//
// Prints per-operation and total figures (requests sent, 5xx, schema violations and other
// failed checks, panics) and exits non-zero on any failure. Reports and each run's output go
// to target/apifuzz/.
import { spawn } from "node:child_process";
import { createHash, generateKeyPairSync, sign as cryptoSign } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { enrolmentMessage } from "../../www/authenticator/protocol.js";
import { startWorker } from "../support/with-worker.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const smoke = args.includes("--smoke");
const st = option("--st", join(root, "target", "apifuzz-venv", "bin", "st"));
const maxExamples = Number(option("--max-examples", smoke ? "40" : "100"));
const seed = option("--seed");
const out = join(root, "target", "apifuzz");
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const recordFile = join(out, "requests.jsonl");
const CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance";
// What in the Worker's log means it broke: a Rust panic, a wasm trap.
const PANIC = /panicked|RuntimeError|unreachable/;

const document = JSON.parse(readFileSync(join(root, "docs", "openapi.json"), "utf8"));

/** Which caller sends an operation, from its security requirement. */
function callerOf(op) {
  const schemes = (op.security ?? document.security ?? []).flatMap((req) => Object.keys(req));
  if (schemes.includes("adminToken")) return "admin";
  if (schemes.includes("tenantBasic")) return "tenant";
  if (schemes.includes("trackToken")) return "browser";
  // Removing the credential ends the device: it runs alone, after every other device operation.
  if (schemes.includes("deviceKeyId")) return op.operationId === "deleteCredential" ? "device-delete" : "device";
  if (schemes.includes("mobileTenant")) return "mobile";
  return "public";
}

const operations = {};
for (const [path, item] of Object.entries(document.paths)) {
  for (const [method, op] of Object.entries(item)) {
    if (!["get", "put", "post", "patch", "delete"].includes(method)) continue;
    const caller = callerOf(op);
    (operations[caller] ??= []).push(op.operationId);
    // Tenant operations are sent a second time as an HMAC tenant.
    if (caller === "tenant") (operations["tenant-hmac"] ??= []).push(op.operationId);
  }
}

async function call(baseUrl, method, path, headers, body) {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** A tenant of each auth mode, a track token, an enrolled device key: one caller of each kind. */
async function setUp(baseUrl, adminToken) {
  const admin = { authorization: `Bearer ${adminToken}` };
  const suffix = createHash("sha256").update(String(Math.random())).digest("hex").slice(0, 10);
  const makeTenant = async (id, authMode) =>
    call(baseUrl, "POST", "/admin/tenants", admin, {
      id,
      name: `Fuzz ${id}`,
      redirectUrls: ["http://127.0.0.1:9/done"],
      allowedOrigins: ["http://127.0.0.1:9"],
      ...(authMode ? { authMode } : {}),
    });
  const tenantId = `fuzz-${suffix}`;
  const hmacId = `fuzz-hmac-${suffix}`;
  const tenant = await makeTenant(tenantId);
  const hmacTenant = await makeTenant(hmacId, "hmac");
  const basic = { authorization: `Basic ${Buffer.from(`${tenant.secret}:`).toString("base64")}` };
  const userId = `fuzz-user-${suffix}`;
  const track = (attributes) =>
    call(baseUrl, "POST", `/v1/users/${userId}/actions/signIn`, basic, attributes);
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const spki = publicKey.export({ type: "spki", format: "der" });
  const enrolToken = (await track({ scope: "add:authenticators" })).token;
  const keyId = createHash("sha256").update(spki).digest("base64url");
  const enrolled = await call(baseUrl, "POST", "/v1/client/user-authenticators/push", { authorization: `Bearer ${enrolToken}` }, {
    publicKey: spki.toString("base64"),
    deviceName: "Fuzz phone",
    devicePlatform: "cli",
    // The proof of possession (docs/protocol.md, "Enrolment proof").
    proof: cryptoSign("sha256", await enrolmentMessage(enrolToken, keyId), privateKey).toString("base64"),
  });
  const tracked = await track({});
  const browserToken = tracked.token;
  const challenge = await call(baseUrl, "POST", "/v1/client/challenge/push", { authorization: `Bearer ${browserToken}` }, {});
  const request = await call(baseUrl, "POST", "/request/add", basic, { accountId: userId });
  // A tenant of its own for the admin, whose fuzzing may rotate its secret or delete it.
  const adminTenantId = `fuzz-admin-${suffix}`;
  await makeTenant(adminTenantId);
  // Identifiers that exist, which hooks.py puts into generated requests as often as not.
  const known = JSON.stringify({
    userId,
    accountId: userId,
    action: "signIn",
    idempotencyKey: tracked.idempotencyKey,
    challengeId: challenge.challengeId,
    guid: request.guid,
    userAuthenticatorId: enrolled.userAuthenticatorId,
    keyId: enrolled.keyId,
    // The mobile SDKs name the key by its text encoded again (docs/authsignal-mobile.md).
    publicKey: Buffer.from(spki.toString("base64")).toString("base64url"),
    tenantId: adminTenantId,
  });
  const base = { PUSHAUTH_FUZZ_TENANT_ID: tenantId, PUSHAUTH_FUZZ_SECRET: tenant.secret, PUSHAUTH_FUZZ_KNOWN: known };
  return {
    tenant: base,
    "tenant-hmac": { PUSHAUTH_FUZZ_TENANT_ID: hmacId, PUSHAUTH_FUZZ_SECRET: hmacTenant.secret },
    browser: { ...base, PUSHAUTH_FUZZ_BEARER: browserToken },
    device: { ...base, PUSHAUTH_FUZZ_DEVICE_KEY: privateKey.export({ type: "pkcs8", format: "pem" }) },
    "device-delete": { ...base, PUSHAUTH_FUZZ_DEVICE_KEY: privateKey.export({ type: "pkcs8", format: "pem" }) },
    mobile: base,
    admin: { PUSHAUTH_FUZZ_BEARER: adminToken, PUSHAUTH_FUZZ_KNOWN: known },
    public: { PUSHAUTH_FUZZ_KNOWN: known },
  };
}

function runSchemathesis(baseUrl, caller, ids, env) {
  const log = join(out, `${caller}.log`);
  const argv = [
    "run", join(root, "docs", "openapi.json"),
    "--url", baseUrl,
    "--checks", CHECKS,
    "--include-operation-id-regex", `^(${ids.join("|")})$`,
    "--phases", smoke ? "examples,fuzzing" : "examples,coverage,fuzzing",
    "--max-examples", String(maxExamples),
    // One worker: Hypothesis' lambda-source cache is not thread-safe ("AST constructor recursion
    // depth mismatch" runtime errors with 2).
    "--workers", "1",
    "--request-timeout", "20",
    "--suppress-health-check", "all",
    // Examples that failed before are tried first next time (kept across runs, under target/).
    "--generation-database", join(root, "target", "apifuzz-examples"),
    "--no-color",
    "--report", "junit",
    "--report-junit-path", join(out, `${caller}.junit.xml`),
    ...(seed ? ["--seed", seed] : []),
  ];
  return new Promise((resolve) => {
    const child = spawn(st, argv, {
      // Schemathesis keeps its state (`st replay`'s cases) in .schemathesis/ of its working folder.
      cwd: join(root, "target"),
      env: {
        ...process.env,
        ...env,
        PUSHAUTH_FUZZ_CALLER: caller,
        PUSHAUTH_FUZZ_RECORD: recordFile,
        SCHEMATHESIS_HOOKS: "hooks",
        PYTHONPATH: join(root, "tests", "apifuzz"),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let text = "";
    child.stdout.on("data", (c) => (text += c));
    child.stderr.on("data", (c) => (text += c));
    child.on("exit", (code) => {
      writeFileSync(log, text);
      resolve({ code: code ?? 1, text, log });
    });
  });
}

if (!existsSync(st)) {
  console.error(`Schemathesis is not at ${st}: run scripts/api-fuzz.sh, which installs it`);
  process.exit(2);
}
const started = Date.now();
const worker = await startWorker({
  vars: { BENCH_ROUTES: "true", WEB_PUSH_HOSTS: "push.example.net, *.push.example.org" },
});
let failed = false;
const runs = [];
try {
  const env = await setUp(worker.baseUrl, worker.vars.ADMIN_TOKEN);
  // The device and the mobile app before the tenant (whose deleteUser removes the device), the
  // credential's removal after both, the admin last.
  for (const caller of ["public", "browser", "device", "mobile", "device-delete", "tenant", "tenant-hmac", "admin"]) {
    const ids = operations[caller] ?? [];
    if (ids.length === 0) continue;
    const t0 = Date.now();
    const run = await runSchemathesis(worker.baseUrl, caller, ids, env[caller]);
    runs.push({ caller, ...run, secs: (Date.now() - t0) / 1000 });
    console.error(`${caller}: ${ids.length} operations, Schemathesis exit ${run.code}, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
} finally {
  worker.stop();
}

/** The failures of a JUnit report: { op, code, title } for each `- STnnn Title` line. */
function junitFailures(file) {
  if (!existsSync(file)) return [];
  const unescape = (s) => s.replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  const found = [];
  const xml = readFileSync(file, "utf8");
  for (const m of xml.matchAll(/<testcase name="([^"]*)"[^>]*?(?:\/>|>([\s\S]*?)<\/testcase>)/g)) {
    for (const f of (m[2] ?? "").matchAll(/^- (ST\d+) (.*)$/gm)) {
      found.push({ op: unescape(m[1]), code: f[1], title: unescape(f[2]) });
    }
    // An error of Schemathesis itself (not an answer of the Worker) fails the run too.
    for (const e of (m[2] ?? "").matchAll(/<error[^>]*>([^\n<]*)/g)) {
      found.push({ op: unescape(m[1]), code: "error", title: unescape(e[1]) });
    }
  }
  return found;
}

// What each code is counted as: a 5xx, a body or header its schema rejects, anything else
// (an undocumented status or content type).
const SERVER_ERROR = new Set(["ST101", "ST102"]);
const SCHEMA = new Set(["ST108", "ST109"]);

// Figures per caller and operation.
const rows = new Map();
const failures = runs.flatMap((run) =>
  junitFailures(join(out, `${run.caller}.junit.xml`)).map((f) => ({ caller: run.caller, ...f })),
);
const lines = existsSync(recordFile) ? readFileSync(recordFile, "utf8").split("\n").filter(Boolean) : [];
for (const line of lines) {
  const e = JSON.parse(line);
  const key = `${e.caller}\t${e.op}`;
  const row = rows.get(key) ?? { caller: e.caller, op: e.op, sent: 0, s5xx: 0, schema: 0, other: 0 };
  row.sent++;
  if (e.status >= 500) row.s5xx++;
  rows.set(key, row);
}
for (const f of failures) {
  const key = `${f.caller}\t${f.op}`;
  const row = rows.get(key) ?? { caller: f.caller, op: f.op, sent: 0, s5xx: 0, schema: 0, other: 0 };
  if (SCHEMA.has(f.code)) row.schema++;
  else if (!SERVER_ERROR.has(f.code)) row.other++;
  rows.set(key, row);
}
const workerLog = worker.log();
writeFileSync(join(out, "worker.log"), workerLog);
const panics = workerLog.split("\n").filter((l) => PANIC.test(l));

const pad = (s, n) => String(s).padEnd(n);
const num = (s, n) => String(s).padStart(n);
console.log("5xx: responses with a 5xx status; schema: distinct responses their schema rejects; other: distinct undocumented statuses and content types");
console.log(`${pad("caller", 14)}${pad("operation", 66)}${num("sent", 6)}${num("5xx", 6)}${num("schema", 8)}${num("other", 7)}`);
const total = { sent: 0, s5xx: 0, schema: 0, other: 0 };
for (const r of [...rows.values()].sort((a, b) => (a.caller + a.op).localeCompare(b.caller + b.op))) {
  console.log(`${pad(r.caller, 14)}${pad(r.op, 66)}${num(r.sent, 6)}${num(r.s5xx, 6)}${num(r.schema, 8)}${num(r.other, 7)}`);
  for (const k of Object.keys(total)) total[k] += r[k];
}
console.log(`${pad("total", 80)}${num(total.sent, 6)}${num(total.s5xx, 6)}${num(total.schema, 8)}${num(total.other, 7)}`);
console.log(`operations: ${rows.size} (caller × operation); panics in the Worker's log: ${panics.length}; ${((Date.now() - started) / 1000).toFixed(0)} s`);

const seen = new Set();
for (const f of failures) {
  const key = `${f.caller} ${f.op} ${f.code}`;
  if (seen.has(key)) continue;
  seen.add(key);
  console.log(`FAIL ${f.caller} ${f.op}: ${f.code} ${f.title} (details: ${join(out, `${f.caller}.log`)})`);
}
for (const line of panics.slice(0, 20)) console.log(`PANIC ${line}`);
for (const run of runs) {
  if (run.code !== 0) {
    failed = true;
    console.log(`Schemathesis as ${run.caller} exited ${run.code}: see ${run.log}`);
  }
}
if (total.sent === 0) {
  failed = true;
  console.log("no request was sent");
}
if (total.s5xx || total.schema || total.other || panics.length || failures.length) failed = true;
console.log(failed ? "api-fuzz: FAILED" : "api-fuzz: passed");
process.exit(failed ? 1 : 0);
