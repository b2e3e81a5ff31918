// Shipped bytes, gzip -9 (what crosses the network; sizes do not depend on machine speed, so the
// baselines here are other builds, measured in the same run):
// - the browser SDK, as scripts/sdk-size.sh prints it (its files, beside @authsignal/browser);
// - the Worker: the files worker-build writes to crates/pushauth-worker/build/ that a deploy
//   uploads, index.js and index_bg.wasm (not worker/shim.mjs, a re-export kept for old
//   configs), beside the trivial Rust Worker's build made the same way.
import { execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { benchDir, root } from "./workers.mjs";

function gzipBytes(file) {
  return execFileSync("gzip", ["-9c", file], { maxBuffer: 64 << 20 }).length;
}

/** The .js and .wasm files directly in `dir` with their raw and gzip sizes, and the totals. */
function buildSize(dir) {
  const files = readdirSync(dir)
    .filter((name) => /\.(js|wasm)$/.test(name))
    .sort()
    .map((name) => join(dir, name))
    .map((file) => ({
      file: relative(root, file),
      raw: statSync(file).size,
      gzip: gzipBytes(file),
    }));
  return { files, raw: files.reduce((a, f) => a + f.raw, 0), gzip: files.reduce((a, f) => a + f.gzip, 0) };
}

/** The SDK's figures from scripts/sdk-size.sh: its file list and arithmetic live there. */
function sdkSize() {
  const out = execFileSync(join(root, "scripts", "sdk-size.sh"), { encoding: "utf8" });
  const row = (label) => {
    const m = out.match(new RegExp(`^${label.replace(/[()/.]/g, "\\$&")}\\s+(\\d+)\\s+(\\d+)`, "m"));
    if (!m) throw new Error(`scripts/sdk-size.sh printed no "${label}" row:\n${out}`);
    return { raw: Number(m[1]), gzip: Number(m[2]) };
  };
  return { ours: row("shipped total"), authsignal: row("@authsignal/browser (min)"), output: out };
}

export function measureSizes() {
  return {
    sdk: sdkSize(),
    worker: buildSize(join(root, "crates", "pushauth-worker", "build")),
    trivialRust: buildSize(join(benchDir, "trivial-rust", "build")),
  };
}
