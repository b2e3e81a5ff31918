// The packed tarball as the npm ecosystem's linters see it: publint (the package.json's
// entries, files and metadata) and @arethetypeswrong/cli (each entry's types, under every
// TypeScript module resolution an ESM-only package supports), both pinned in
// tests/sdk/tools/package.json. Needs neither the Worker nor a browser; run after
// scripts/build-sdk.sh.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { ensureTools, toolPath } from "./tools.mjs";

const sdkDir = join(import.meta.dirname, "..", "..", "target", "sdk");

/** Runs a tool's CLI; resolves to { code, out }. */
function run(bin, args) {
  return new Promise((done) => {
    execFile(process.execPath, [bin, ...args], { cwd: sdkDir, env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" } }, (err, stdout, stderr) => {
      done({ code: err ? (err.code ?? 1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

let file;
before(() => {
  ensureTools();
  const found = existsSync(sdkDir) ? readdirSync(sdkDir).filter((f) => /^pushauth-browser-.*\.tgz$/.test(f)) : [];
  assert.equal(found.length, 1, "want one packed SDK in target/sdk: run scripts/build-sdk.sh first");
  file = join(sdkDir, found[0]);
});

describe("the packed npm package's metadata", () => {
  test("publint --strict finds nothing", async () => {
    const { code, out } = await run(toolPath("publint/src/cli.js"), ["--strict", "--pack", "false", join(sdkDir, "package")]);
    assert.equal(code, 0, out);
    assert.match(out, /All good!/, out);
  });

  test("@arethetypeswrong/cli (ESM-only profile): every entry resolves to its types", async () => {
    // The .wasm is an asset entry (for `new URL` or a `?url` import), not a module with types.
    const { code, out } = await run(toolPath("@arethetypeswrong/cli/dist/index.js"), [file, "--profile", "esm-only", "--exclude-entrypoints", "./pushauth_browser_bg.wasm", "--format", "table-flipped"]);
    assert.equal(code, 0, out);
    assert.doesNotMatch(out, /💀|❌|🐛|🥴|🎭|❗️/, out);
  });

  test("LICENSE and engines are in the package, and no placeholder or borrowed URL", () => {
    const pkgDir = join(sdkDir, "package");
    const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
    assert.ok(existsSync(join(pkgDir, "LICENSE")), "LICENSE is shipped");
    assert.match(readFileSync(join(pkgDir, "LICENSE"), "utf8"), /Apache License\s+Version 2\.0/);
    assert.equal(pkg.license, "Apache-2.0");
    assert.ok(pkg.engines?.node, "engines.node");
    // The project has no public repository yet, so the package names none: github.com/pushauth
    // is another product's organisation, not this project's.
    assert.doesNotMatch(JSON.stringify(pkg), /example\.invalid|placeholder|github\.com\/pushauth\//);
  });
});
