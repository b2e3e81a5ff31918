// Shortens the names the SDK's wasm and its JS glue use for each other, in both files at once.
//
// wasm-bindgen names every import `__wbg_<method>_<16 hex digits>` and the glue spells each
// name twice more; random hex does not compress, so the names alone were about 3 KB of the
// gzipped package. binaryen's `--minify-imports-and-exports-and-modules` renames them in the
// wasm (every import module becomes "a") and prints the old → new map; this script applies
// that map to the glue (the import object's keys and every `wasm.<export>`) and to the
// `InitOutput` type in the .d.ts. It fails, leaving the package unbuilt, when the glue does
// not look as expected (a wasm-bindgen upgrade), rather than ship a module that cannot load.
//
// Usage: node scripts/minify-wasm-names.mjs <wasm-opt> <package dir> <out-name> [wasm-opt feature flags…]
// (build-sdk.sh passes the same --enable-… flags its own wasm-opt run uses.)
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [wasmOpt, dir, name, ...features] = process.argv.slice(2);
if (!wasmOpt || !dir || !name) {
  console.error("usage: minify-wasm-names.mjs <wasm-opt> <package dir> <out-name> [wasm-opt feature flags…]");
  process.exit(2);
}
const wasmPath = join(dir, `${name}_bg.wasm`);
const jsPath = join(dir, `${name}.js`);
const dtsPath = join(dir, `${name}.d.ts`);

const output = execFileSync(
  wasmOpt,
  // -Oz again after the renaming: shorter names let it order and pack the sections better.
  [...features, "--minify-imports-and-exports-and-modules", "-Oz", wasmPath, "-o", wasmPath],
  { encoding: "utf8" },
);
const map = JSON.parse(output);

const fail = (message) => {
  console.error(`minify-wasm-names: ${message}`);
  process.exit(1);
};
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const identifier = /^[A-Za-z_$][\w$]*$/;
/** Replaces every match of `pattern` with `replacement`; returns the text and the count. */
const replaceAll = (text, pattern, replacement) => {
  let count = 0;
  const result = text.replace(pattern, (...args) => {
    count++;
    return typeof replacement === "function" ? replacement(...args) : replacement;
  });
  return [result, count];
};

let js = readFileSync(jsPath, "utf8");
let count;

// The one import module: `"./<name>_bg.js": import0` in __wbg_get_imports.
const modules = new Set(map.imports.map(([module]) => module));
if (modules.size !== 1 || !modules.has(`./${name}_bg.js`)) fail(`expected one import module ./${name}_bg.js, got ${[...modules]}`);
[js, count] = replaceAll(js, new RegExp(`"${escape(`./${name}_bg.js`)}"(?=:)`, "g"), '"a"');
if (count !== 1) fail(`the import module appears ${count} times as a key in the glue, not once`);

// Each import: the key of its function in the import object (`name: function(`).
for (const [, base, short] of map.imports) {
  const key = identifier.test(short) ? short : JSON.stringify(short);
  [js, count] = replaceAll(js, new RegExp(`(?<![\\w$])${escape(base)}(?=: *function)`, "g"), key);
  if (count !== 1) fail(`import ${base} appears ${count} times as a key in the glue, not once`);
}

// Each export: every `wasm.<name>` (some, such as the abort handler, the glue never calls).
for (const [long, short] of map.exports) {
  const access = identifier.test(short) ? `wasm.${short}` : `wasm[${JSON.stringify(short)}]`;
  [js, count] = replaceAll(js, new RegExp(`(?<![\\w$])wasm\\.${escape(long)}(?![\\w$])`, "g"), access);
}
const stale = [
  ...map.imports.map(([, base]) => base).filter((base) => js.includes(base)),
  ...map.exports.map(([long]) => long).filter((long) => new RegExp(`wasm\\.${escape(long)}(?![\\w$])`).test(js)),
];
if (stale.length) fail(`names left unrenamed in the glue: ${stale.join(", ")}`);
writeFileSync(jsPath, js);

// The .d.ts describes the raw exports in `interface InitOutput { readonly <name>: …; }`.
let dts = readFileSync(dtsPath, "utf8");
for (const [long, short] of map.exports) {
  const key = identifier.test(short) ? short : JSON.stringify(short);
  [dts] = replaceAll(dts, new RegExp(`(readonly )${escape(long)}(?=:)`, "g"), (_, readonly) => readonly + key);
}
writeFileSync(dtsPath, dts);
console.log(`minify-wasm-names: ${map.imports.length} imports and ${map.exports.length} exports renamed`);
