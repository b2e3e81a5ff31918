// Starts the Worker under `wrangler dev` (workerd, local KV in a fresh temporary folder) on a
// free loopback port, waits until it answers, runs the given command with PUSHAUTH_BASE_URL set,
// then stops the Worker. Exits with the command's exit code. It runs the Worker as
// scripts/build-worker.sh last built it (scripts/test.sh builds it first): build after a change.
//
//   node tests/support/with-worker.mjs node --test tests/worker/
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { workerConfigText } from "../../scripts/dev-config.mjs";
import { seedDevTenant } from "../../scripts/seed-dev.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * The root wrangler.toml without its [build] table, paths made absolute (scripts/dev-config.mjs),
 * in a fresh temporary folder; returns { config, remove }. `variant` "dev" (the default) runs the
 * development build with the demo backend (crates/pushauth-worker/build-dev/, what the tests
 * drive), "deploy" the deployment build (crates/pushauth-worker/build/). Test and bench Workers
 * run the Worker that scripts/build-worker.sh built before them.
 */
export function configWithoutBuild({ variant = "dev" } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "pushauth-config-"));
  const config = join(dir, "wrangler.toml");
  writeFileSync(config, workerConfigText({ variant }));
  return { config, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Parses a KEY="value" file such as dev/dev.vars. */
export function readVars(path) {
  const vars = {};
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const m = line.match(/^([A-Z_][A-Z0-9_]*)="(.*)"$/);
    if (m) vars[m[1]] = m[2];
  }
  return vars;
}

/**
 * The arguments of `wrangler dev` for a Worker on `port` of loopback with `config`, local state
 * in `state` and `vars` as Worker variables (shared with the bench's baseline Workers).
 * `inspectorPort` is the devtools port: each Worker gets a free one of its own, since wrangler's
 * default (9229) is taken by whichever Worker started first and a second one then fails to start.
 */
export function wranglerDevArgs({ config, port, inspectorPort, state, vars = {} }) {
  return [
    join(root, "node_modules", "wrangler", "bin", "wrangler.js"),
    "dev",
    "--config", config,
    "--ip", "127.0.0.1",
    "--port", String(port),
    "--inspector-port", String(inspectorPort),
    "--persist-to", state,
    "--show-interactive-dev-session=false",
    "--live-reload=false",
    ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
  ];
}

/**
 * Starts the Worker as last built; `vars` adds or overrides Worker variables (e.g.
 * `{ BENCH_ROUTES: "true" }`), `config` replaces the default (the root wrangler.toml without
 * [build], see configWithoutBuild); `variant: "deploy"` runs the deployment build instead of the
 * development one; `seed: false` skips seeding the development tenant (a Worker started as a
 * deployment would be).
 */
export async function startWorker({ quiet = true, vars: extraVars = {}, config, seed = true, variant = "dev" } = {}) {
  const port = await freePort();
  const state = mkdtempSync(join(tmpdir(), "pushauth-kv-"));
  const ownConfig = config ? null : configWithoutBuild({ variant });
  config ??= ownConfig.config;
  const vars = readVars(join(root, "dev", "dev.vars"));
  // Tests retry deliveries after 1 s instead of 60 s, so "receiver down, then up" runs quickly.
  const testVars = { ...vars, OUTBOX_BASE_DELAY_SECS: "1", ...extraVars };
  const args = wranglerDevArgs({ config, port, inspectorPort: await freePort(), state, vars: testVars });
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let log = "";
  const keep = (chunk) => {
    log += chunk;
    if (!quiet) process.stderr.write(chunk);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = () => {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {}
    rmSync(state, { recursive: true, force: true });
    ownConfig?.remove();
  };
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const res = await fetch(`${baseUrl}/health`);
      if (res.ok) {
        if (seed) await seedDevTenant(baseUrl);
        return { baseUrl, stop, vars, log: () => log };
      }
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  stop();
  throw new Error(`the Worker did not start on ${baseUrl}:\n${log.slice(-4000)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const command = process.argv.slice(2);
  if (command.length === 0) {
    console.error("usage: node tests/support/with-worker.mjs <command> [args…]");
    process.exit(2);
  }
  // The differential test (tests/worker/verify-differential.test.mjs) needs the bench route;
  // the Web Push tests subscribe to push services at hosts of their own (tests/security/).
  const vars = { BENCH_ROUTES: "true", WEB_PUSH_HOSTS: "push.example.net, *.push.example.org" };
  const worker = await startWorker({ vars });
  console.error(`Worker ready at ${worker.baseUrl}`);
  const run = spawn(command[0], command.slice(1), {
    stdio: "inherit",
    env: { ...process.env, PUSHAUTH_BASE_URL: worker.baseUrl },
  });
  const code = await new Promise((resolve) => run.on("exit", (c) => resolve(c ?? 1)));
  worker.stop();
  process.exit(code);
}
