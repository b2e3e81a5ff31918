// The tools the SDK's tests run the packed package through (tests/sdk/tools/package.json: each
// bundler and checker at a pinned version, from the npm registry), installed once into
// target/sdk/tools with `npm install` (its lock file pinning every package) and reused while the lock file is unchanged, so a rerun starts
// at once. Only the tests use them; the project's own build does not.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..", "..");
const source = join(import.meta.dirname, "tools");
/** Where the tools are installed: target/sdk/tools/node_modules. */
export const toolsDir = join(root, "target", "sdk", "tools");

/** Installs the tools unless the installed copy matches the lock file; returns toolsDir. */
export function ensureTools() {
  const lock = readFileSync(join(source, "package-lock.json"));
  const stamp = createHash("sha256").update(readFileSync(join(source, "package.json"))).update(lock).digest("hex");
  const stampFile = join(toolsDir, ".installed");
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp) return toolsDir;
  rmSync(toolsDir, { recursive: true, force: true });
  mkdirSync(toolsDir, { recursive: true });
  cpSync(join(source, "package.json"), join(toolsDir, "package.json"));
  cpSync(join(source, "package-lock.json"), join(toolsDir, "package-lock.json"));
  // --ignore-scripts: the native parts (esbuild, Rollup, Rolldown) come as optional packages.
  try {
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--prefer-offline"], { cwd: toolsDir, stdio: "pipe" });
  } catch (e) {
    throw new Error(`npm install of tests/sdk/tools failed:\n${String(e.stderr).split("\n").slice(0, 12).join("\n")}`);
  }
  writeFileSync(stampFile, stamp);
  return toolsDir;
}

/** A tool's ES module entry (its package name in tests/sdk/tools/package.json), imported. */
export async function tool(name) {
  const dir = join(ensureTools(), "node_modules", name);
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const dot = pkg.exports?.["."] ?? pkg.exports;
  const pick = (e) => (typeof e === "string" ? e : e && (pick(e.import) ?? pick(e.default)));
  return import(join(dir, pick(dot) ?? pkg.module ?? pkg.main ?? "index.js"));
}

/** The path of a tool's file: `toolPath("typescript49/bin/tsc")`. */
export function toolPath(rel) {
  return join(toolsDir, "node_modules", rel);
}
