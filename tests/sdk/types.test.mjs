// The packed npm package's TypeScript types as a TypeScript user meets them: the tarball
// scripts/build-sdk.sh made, `npm install`ed into a fresh app, and the fixture in tests/sdk/types/
// type-checked under strict settings, the package's own .d.ts included, by the newest TypeScript
// (7.0), the workspace's (5.9) and the oldest the package supports (4.9; 4.9 and 7.0 from
// tests/sdk/tools). Needs neither the Worker nor a browser. PUSHAUTH_SDK_TARBALL=/path/to.tgz
// checks another tarball.
//
//   good.ts    every documented call, results narrowed as the README says: no errors
//   readme-N.ts every ```ts and ```js block of the package's README.md, each a module of its own, as
//              a TypeScript user copies them (made here from the README, so fixing the README
//              fixes the test): no errors
//   raw.ts     the `@pushauth/browser/raw` entry and its init(): no errors
//   bad.ts     mistakes, each marked `// expect TSnnnn`: exactly those errors (tsconfig.bad.json)
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { before, describe, test } from "node:test";
import { ensureTools, toolPath } from "./tools.mjs";

const root = join(import.meta.dirname, "..", "..");
const sdkDir = join(root, "target", "sdk");
const appDir = join(sdkDir, "types-app");
const fixtureDir = join(import.meta.dirname, "types");
const tscBin = join(root, "node_modules", ".bin", "tsc");
const isFixture = (file) => ["good.ts", "raw.ts"].includes(file) || /^readme-\d+\.ts$/.test(file);

/** The tarball to check: PUSHAUTH_SDK_TARBALL, or the one scripts/build-sdk.sh left in target/sdk. */
function findTarball() {
  if (process.env.PUSHAUTH_SDK_TARBALL) return resolve(process.env.PUSHAUTH_SDK_TARBALL);
  const found = existsSync(sdkDir) ? readdirSync(sdkDir).filter((f) => /^pushauth-browser-.*\.tgz$/.test(f)) : [];
  assert.equal(found.length, 1, `want one packed SDK in target/sdk, found ${found.length}: run scripts/build-sdk.sh first (or set PUSHAUTH_SDK_TARBALL)`);
  return join(sdkDir, found[0]);
}

/** A fresh app holding the fixture, with the tarball installed as a user installs it. */
function installApp(tarball) {
  assert.ok(existsSync(tarball), `no tarball at ${tarball}`);
  rmSync(appDir, { recursive: true, force: true });
  mkdirSync(appDir, { recursive: true });
  cpSync(fixtureDir, appDir, { recursive: true });
  writeFileSync(join(appDir, "package.json"), JSON.stringify({ name: "types-app", private: true, type: "module" }));
  try {
    execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock", tarball], { cwd: appDir, stdio: "pipe" });
  } catch (e) {
    assert.fail(`npm install ${tarball} failed:\n${e.stdout}${e.stderr}`);
  }
}

/**
 * readme-N.ts: the package README's examples as TypeScript, one module each: the
 * `<script type="module">` of its HTML example and every ```ts and ```js block, so the check
 * follows the README that ships. Each is checked as written: no `!` or cast added.
 */
function writeReadmeExamples() {
  const readme = readFileSync(join(appDir, "node_modules", "@pushauth", "browser", "README.md"), "utf8");
  const script = readme.match(/<script type="module">\n([\s\S]*?)<\/script>/)?.[1];
  const blocks = [...readme.matchAll(/```(?:ts|js)\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.ok(script && blocks.length >= 3, "the package's README.md has a <script type=\"module\"> example and ```ts/```js blocks");
  [script, ...blocks].forEach((code, i) => {
    const source = `// Made by tests/sdk/types.test.mjs from the package's README.md.\n${code}export {};\n`;
    writeFileSync(join(appDir, `readme-${i + 1}.ts`), source);
  });
}

/** Runs tsc (`bin`) on one of the app's tsconfigs; resolves to its exit code, output and parsed errors. */
function tsc(project, bin = tscBin) {
  return new Promise((done) => {
    execFile(process.execPath, [bin, "-p", project, "--pretty", "false"], { cwd: appDir }, (err, stdout, stderr) => {
      const out = `${stdout}${stderr}`;
      done({ code: err ? (err.code ?? 1) : 0, out, errors: parseErrors(out) });
    });
  });
}

/**
 * tsc's `--pretty false` output as { file, line, code, text }: one per `file(line,col): error
 * TSnnnn: …` line, with its indented continuation lines in `text`. Errors without a file
 * (a bad tsconfig) have file "".
 */
function parseErrors(out) {
  const errors = [];
  for (const raw of out.split("\n")) {
    const m = raw.match(/^(?:(.+)\((\d+),\d+\): )?error (TS\d+): /);
    if (m) errors.push({ file: m[1] ?? "", line: Number(m[2] ?? 0), code: m[3], text: raw });
    else if (raw.trim() && errors.length) errors.at(-1).text += `\n${raw}`;
  }
  return errors;
}

const show = (errors) => errors.map((e) => e.text).join("\n");

/** Fails with `message` and the errors' tsc lines when there are any. */
function assertNone(errors, message) {
  if (errors.length) assert.fail(`${message}:\n${show(errors)}`);
}

/** The `// expect TSnnnn` markers of a fixture file: { key: "line TSnnnn", source }. */
function expectedErrors(file) {
  const lines = readFileSync(join(fixtureDir, file), "utf8").split("\n");
  return lines.flatMap((text, i) => [...text.matchAll(/\/\/ expect (TS\d+)/g)].map((m) => ({ key: `${i + 1} ${m[1]}`, source: `${file}:${i + 1}: ${text.trim()}` })));
}

let good; // tsc -p tsconfig.json
let bad; // tsc -p tsconfig.bad.json
let oldest; // TypeScript 4.9: tsc -p tsconfig.ts49.json
let newest; // TypeScript 7.0: tsc -p tsconfig.json
before(async () => {
  assert.ok(existsSync(tscBin), "no node_modules/.bin/tsc: run npm ci (typescript is a devDependency)");
  ensureTools();
  installApp(findTarball());
  writeReadmeExamples();
  [good, bad, oldest, newest] = await Promise.all([
    tsc("tsconfig.json"),
    tsc("tsconfig.bad.json"),
    tsc("tsconfig.ts49.json", toolPath("typescript49/bin/tsc")),
    tsc("tsconfig.json", toolPath("typescript7/bin/tsc")),
  ]);
});

describe("the packed npm package's TypeScript types", () => {
  test("the package's own .d.ts files type-check (strict, skipLibCheck false, lib es2022 + dom, no @types)", () => {
    const others = good.errors.filter((e) => !isFixture(e.file));
    assertNone(others, "tsc reports errors outside the fixture (in the package's .d.ts, or the setup)");
    if (good.errors.length === 0) assert.equal(good.code, 0, `tsc failed without an error line:\n${good.out}`);
  });

  for (const [file, what] of [
    ["good.ts", "every documented call compiles, with results narrowed (TS2554 there means a type is not exactly the expected one)"],
    ["readme-N.ts", "every example in the README compiles as TypeScript"],
    ["raw.ts", "the @pushauth/browser/raw entry and its init() compile"],
  ]) {
    test(`${file}: ${what}`, () => {
      const errors = good.errors.filter((e) => (file === "readme-N.ts" ? /^readme-\d+\.ts$/.test(e.file) : e.file === file));
      assertNone(errors, `tsc rejects ${file}`);
    });
  }

  test("TypeScript 4.9 (the oldest supported): the package's .d.ts, good.ts, the README's examples and raw.ts compile", () => {
    assert.match(readFileSync(toolPath("typescript49/package.json"), "utf8"), /"version": "4\.9\./);
    assertNone(oldest.errors, "tsc 4.9 rejects the package or the fixture");
    assert.equal(oldest.code, 0, oldest.out);
  });

  test("TypeScript 7.0 (the newest): the package's .d.ts, good.ts, the README's examples and raw.ts compile", () => {
    assert.match(readFileSync(toolPath("typescript7/package.json"), "utf8"), /"version": "7\./);
    assertNone(newest.errors, "tsc 7.0 rejects the package or the fixture");
    assert.equal(newest.code, 0, newest.out);
  });

  test("bad.ts: every marked mistake is rejected with its error code, and nothing else is", () => {
    const expected = expectedErrors("bad.ts");
    assert.ok(expected.length > 10, "bad.ts has its `// expect TSnnnn` markers");
    const errors = bad.errors.filter((e) => e.file === "bad.ts");
    assert.notEqual(bad.code, 0, `tsc accepted bad.ts:\n${bad.out}`);
    const actual = new Set(errors.map((e) => `${e.line} ${e.code}`));
    const accepted = expected.filter((x) => !actual.has(x.key)).map((x) => x.source);
    if (accepted.length) {
      assert.fail(`the types let these mistakes through (or reject them with another code):\n${accepted.join("\n")}\n\ntsc's errors in bad.ts:\n${show(errors) || "none"}`);
    }
    const marked = new Set(expected.map((x) => x.key));
    const unexpected = errors.filter((e) => !marked.has(`${e.line} ${e.code}`));
    assertNone(unexpected, "errors on lines not marked with that code");
  });
});
