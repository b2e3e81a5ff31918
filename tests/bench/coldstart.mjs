// Cold start: from spawning the runtime to the first 200 answer (our Worker's /health, the
// trivial Rust Worker's /), each start with fresh state, measured two ways:
// - `wrangler dev`, as developers and the tests start it, both without a build step (ours from
//   the root wrangler.toml less its [build] table). This includes wrangler's own start (Node,
//   bundling, miniflare), most of the time and the same for both, so its ratio understates the
//   difference.
// - workerd alone (wrangler's bundled binary, a generated config serving the build/ files): the
//   runtime loading the JS, compiling the wasm and answering, closer to an edge cold start.
// Every round starts all four in a random order; medians, and the median of per-round ratios.
// workerd alone starts in ~0.05 s, so each round starts each of its two WORKERD_PER_ROUND times
// (the ratio of a single pair moves by ±0.3× on these shared machines); wrangler's once.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { freePort, readVars } from "../support/with-worker.mjs";
import { onExit } from "./cleanup.mjs";
import { median, shuffled, summary } from "./stats.mjs";
import { configWithoutBuild, root, spawnGroup, startWrangler, trivialRust } from "./workers.mjs";

// The generated configs live in a temporary folder, removed at exit.
const outDir = mkdtempSync(join(tmpdir(), "pushauth-coldstart-"));
onExit(() => rmSync(outDir, { recursive: true, force: true }));
const workerdBin = join(root, "node_modules", "@cloudflare", "workerd-linux-64", "bin", "workerd");
const compatibilityDate = readFileSync(join(root, "wrangler.toml"), "utf8").match(/^compatibility_date = "(.*)"$/m)[1];
// /health answers 503 until TOKEN_SECRET is set; the development value is enough.
const { TOKEN_SECRET } = readVars(join(root, "dev", "dev.vars"));

/**
 * A workerd config serving worker-build's output in `buildDir` on `port`. Our Worker gets its
 * KV binding (an external service at a closed loopback port, never contacted: /health never
 * reads KV; at the edge KV is the runtime's, so no isolate of ours serves it, and a stub Worker
 * here would add a second isolate's start, ~4 ms, to ours alone), its USERS Durable Object namespace (the
 * Worker's own UserObject class, SQLite-backed as in wrangler.toml, in-memory storage: /health
 * never reaches an object) and TOKEN_SECRET; without any of them it answers 503.
 */
function workerdConfig(name, buildDir, port, ours) {
  const embed = (file) => JSON.stringify(relative(outDir, join(buildDir, file)));
  const bindings = ours
    ? `durableObjectNamespaces = [(className = "UserObject", uniqueKey = "pushauth-coldstart-users", enableSql = true)],
  durableObjectStorage = (inMemory = void),
  bindings = [(name = "PUSHAUTH_KV", kvNamespace = "kv-stub"), (name = "USERS", durableObjectNamespace = (className = "UserObject")), (name = "TOKEN_SECRET", text = ${JSON.stringify(TOKEN_SECRET)})],`
    : "";
  const stub = ours ? `, (name = "kv-stub", external = (address = "127.0.0.1:9", http = ()))` : "";
  const text = `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)${stub}],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [(name = "index.js", esModule = embed ${embed("index.js")}), (name = "index_bg.wasm", wasm = embed ${embed("index_bg.wasm")})],
  compatibilityDate = "${compatibilityDate}",
  ${bindings}
);
`;
  const file = join(outDir, `workerd.${name}.capnp`);
  writeFileSync(file, text);
  return file;
}

/** Spawns workerd on a generated config; resolves to spawn → first 200 on `path`, in ms. */
async function workerdStart({ name, buildDir, path, ours }) {
  const port = await freePort();
  const config = workerdConfig(name, buildDir, port, ours);
  const started = performance.now();
  const { child, stop } = spawnGroup(workerdBin, ["serve", config], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  let last = "no answer";
  child.stderr.on("data", (c) => (log += c));
  try {
    while (performance.now() - started < 60_000 && child.exitCode === null) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}${path}`);
        const body = await res.text();
        if (res.status === 200) return performance.now() - started;
        last = `${res.status} ${body.slice(0, 300)}`;
      } catch {}
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`workerd (${name}) did not answer 200 on ${path} (last: ${last}):\n${log.slice(-3000)}`);
  } finally {
    await stop();
  }
}

async function wranglerStart(options) {
  const w = await startWrangler(options);
  await w.stop();
  return w.startMs;
}

const WORKERD_PER_ROUND = 5;

export async function measureColdStart({ rounds }) {
  const ourBuild = join(root, "crates", "pushauth-worker", "build");
  const trivialBuild = join(trivialRust.config, "..", "build");
  const oursConfig = configWithoutBuild();
  const kinds = [
    { key: "wrangler.ours", start: () => wranglerStart({ config: oursConfig, path: "/health", vars: { TOKEN_SECRET } }) },
    { key: "wrangler.trivialRust", start: () => wranglerStart({ config: trivialRust.config, path: trivialRust.path }) },
    { key: "workerd.ours", start: () => workerdStart({ name: "ours", buildDir: ourBuild, path: "/health", ours: true }) },
    { key: "workerd.trivialRust", start: () => workerdStart({ name: "trivial-rust", buildDir: trivialBuild, path: "/" }) },
  ];
  const samples = Object.fromEntries(kinds.map((k) => [k.key, []]));
  for (let round = 0; round < rounds; round++) {
    const starts = kinds.flatMap((k) => Array(k.key.startsWith("workerd.") ? WORKERD_PER_ROUND : 1).fill(k));
    for (const k of shuffled(starts)) samples[k.key].push(await k.start());
  }
  const compare = (how, measured) => {
    const ours = samples[`${how}.ours`];
    const base = samples[`${how}.trivialRust`];
    return { measured, ours: summary(ours), trivialRust: summary(base), ratio: median(ours.map((ms, i) => ms / base[i])) };
  };
  return {
    wrangler: compare("wrangler", "wrangler dev: spawn → first 200"),
    workerd: compare("workerd", "workerd alone: spawn → first 200"),
    samples,
  };
}
