// Shipped bytes, gzip -9 (what crosses the network; sizes do not depend on machine speed, so the
// baselines here are other builds, measured in the same run):
// - the browser SDK, as scripts/sdk-size.sh prints it (its files, beside @authsignal/browser);
// - the Worker: the files worker-build writes to crates/pushauth-worker/build/ that a deploy
//   uploads (the deployment build: no demo backend, which only `--dev` builds hold), index.js and index_bg.wasm (not worker/shim.mjs, a re-export kept for old
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
    workerParts: wasmParts(),
  };
}

/**
 * What weighs in the Worker's wasm: `twiggy top` over the wasm as built (with its function names,
 * before `-Oz`, which ships about 10 % smaller), each item's own bytes summed by what it belongs
 * to. An item is counted to the crate its symbol starts with; a trait impl (`<T as Trait>::f`) to
 * the crate of `T`, except serde's impls (a (de)serialiser per type: `serde`, wherever the type
 * lives). The names section and other custom sections are left out (not shipped). `null` when
 * twiggy or the named wasm is missing (scripts/bench.sh installs the one and builds the other).
 */
export function wasmParts(file = join(root, "target", "worker", "named", "pushauth-worker.wasm")) {
  const twiggy = join(root, "target", "tools", "bin", "twiggy");
  let csv;
  try {
    csv = execFileSync(twiggy, ["top", "-n", "1000000", "--format", "csv", file], { encoding: "utf8", maxBuffer: 64 << 20 });
  } catch {
    return null;
  }
  const groups = new Map();
  let total = 0;
  for (const line of csv.split("\n").slice(1)) {
    const m = line.match(/^("(?:[^"]|"")*"|[^,]*),(\d+),/);
    if (!m) continue;
    const name = m[1].startsWith('"') ? m[1].slice(1, -1).replace(/""/g, '"') : m[1];
    if (/subsection|^custom section/.test(name)) continue;
    const bytes = Number(m[2]);
    total += bytes;
    const part = partOf(name);
    groups.set(part, (groups.get(part) ?? 0) + bytes);
  }
  const parts = [...groups].map(([part, bytes]) => ({ part, bytes })).sort((a, b) => b.bytes - a.bytes);
  return { file: relative(root, file), total, parts };
}

/** The parts `wasmParts` sums into, by the crate a symbol starts with. */
const PARTS = [
  [/^pushauth_worker$/, "pushauth-worker: handlers, routes, the object"],
  [/^pushauth_core$/, "pushauth-core: the rules and formats"],
  [/^(serde|serde_core|serde_json|zmij|itoa|ryu)$/, "serde_json's parser and writer"],
  [/^(core|alloc|std|__rustc|dlmalloc|compiler_builtins|char|str|T|F|D|f32|f64|u8|u16|u32|u64|u128|usize|i8|i16|i32|i64|i128|isize|bool)$/, "Rust's core/alloc/std, generics for our types"],
  [/^(js_sys|wasm_bindgen|wasm_bindgen_futures|wasm_streams|web_sys|worker|worker_sys|matchit|getrandom|futures_util|futures_core|futures_channel|import|export|type|elem|table|memory|global)$/, "JS bindings, the worker crate, futures"],
  [/^(p256|primeorder|elliptic_curve|ecdsa|der|spki|sec1|crypto_bigint|pkcs8|rfc6979|const_oid)$/, "P-256 and DER"],
  [/^(sha2|hmac|hkdf|aes|aes_gcm|ghash|polyval|cipher|digest|base64|subtle|block_buffer|generic_array|ctr)$/, "SHA-2, HMAC, AES-GCM, HKDF, base64"],
  [/^qrcodegen$/, "the demo's QR codes"],
];

function partOf(name) {
  if (name.startsWith("data segment")) return "data: strings and tables";
  if (name.startsWith("<") && / as serde(_core)?::/.test(name)) return "serde: a (de)serialiser per type";
  const m = name.match(/^<?(?:&mut |&|dyn )?([A-Za-z_][A-Za-z0-9_]*)/);
  const crate = m ? m[1] : "";
  for (const [re, part] of PARTS) if (re.test(crate)) return part;
  return "other";
}
