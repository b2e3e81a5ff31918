// Starting Workers for the bench: `wrangler dev` (workerd) on a free loopback port with a given
// config, local state in a fresh temporary folder, stopped (whole process group) on exit; the
// folders wrangler writes are removed when it stops. `startWrangler` also says how long the
// start took: from the spawn to the first 200 answer.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { configWithoutBuild as sharedConfigWithoutBuild, freePort, wranglerDevArgs } from "../support/with-worker.mjs";
import { onExit } from "./cleanup.mjs";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const benchDir = join(root, "tests", "bench");

/** The trivial baselines: each answers "ok" on every path. */
export const trivialJs = { name: "trivial JS Worker", config: join(benchDir, "trivial-js", "wrangler.toml"), path: "/" };
export const trivialRust = { name: "trivial Rust Worker", config: join(benchDir, "trivial-rust", "wrangler.toml"), path: "/" };
/**
 * The two-hop floor: a trivial Rust Worker that forwards each request to a trivial Rust Durable
 * Object, which reads and writes one small storage value and answers "ok".
 */
export const trivialRustObject = {
  name: "two-hop floor (Rust Worker → Rust object)",
  config: join(benchDir, "trivial-rust-object", "wrangler.toml"),
  path: "/",
};

/**
 * The root wrangler.toml without [build] (see tests/support/with-worker.mjs), removed at exit:
 * the deployment build, as `wrangler deploy` ships it (no demo backend).
 */
export function configWithoutBuild() {
  const { config, remove } = sharedConfigWithoutBuild({ variant: "deploy" });
  onExit(remove);
  return config;
}

/**
 * Spawns a process in its own process group. `stop()` sends the group SIGTERM (wrangler then
 * removes its /tmp/miniflare-* folders), waits for the exit, and SIGKILLs after 5 s; at exit the
 * group gets SIGTERM if it is still running.
 */
export function spawnGroup(command, args, options) {
  const child = spawn(command, args, { ...options, detached: true });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  const signal = (name) => {
    try {
      process.kill(-child.pid, name);
    } catch {}
  };
  const atExit = onExit(() => signal("SIGTERM"));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      signal("SIGTERM");
      const timer = setTimeout(() => signal("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
    atExit();
  };
  return { child, stop };
}

/**
 * Starts `wrangler dev --config <config>` (with `vars` as Worker variables) and polls `path`
 * every 10 ms until it answers 200.
 * Returns { baseUrl, startMs, stop }; `startMs` is spawn → first 200.
 */
export async function startWrangler({ config, path = "/", vars = {}, timeoutMs = 120_000 }) {
  const port = await freePort();
  const state = mkdtempSync(join(tmpdir(), "pushauth-bench-"));
  // wrangler also leaves its bundles in .wrangler/tmp/ beside the config.
  const removeState = onExit(() => {
    rmSync(state, { recursive: true, force: true });
    if (dirname(config) !== root) rmSync(join(dirname(config), ".wrangler"), { recursive: true, force: true });
  });
  const args = wranglerDevArgs({ config, port, inspectorPort: await freePort(), state, vars });
  const started = performance.now();
  const { child, stop: stopGroup } = spawnGroup(process.execPath, args, {
    cwd: root,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout.on("data", (c) => (log += c));
  child.stderr.on("data", (c) => (log += c));
  const stop = async () => {
    await stopGroup();
    removeState();
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  while (performance.now() - started < timeoutMs && child.exitCode === null) {
    try {
      const res = await fetch(baseUrl + path);
      await res.arrayBuffer();
      if (res.status === 200) return { baseUrl, startMs: performance.now() - started, stop };
    } catch {}
    await new Promise((r) => setTimeout(r, 10));
  }
  await stop();
  throw new Error(`wrangler dev --config ${config} did not answer 200 on ${path}:\n${log.slice(-3000)}`);
}
