// The packed SDK in fresh apps, each built the way its bundler builds with no configuration:
// Vite 5, 6, 7 and 8 (a production build, and the dev server with its dependency optimiser),
// webpack 5, Rollup 4 (with the two plugins the README names) and esbuild (the .wasm copied, as
// the README says). Each app (tests/sdk/app) is loaded in headless Chromium and signs in
// against the Worker, approved by the CLI authenticator. Then the server side: the package
// imported by Node (ESM and require) and through Vite's ssrLoadModule, where a call resolves to
// `browser_required` and nothing throws. Then `@pushauth/browser/raw` before and after its
// init(), a page whose strict CSP allows the wasm, one whose CSP does not, a slow .wasm and a
// .wasm request that fails once.
//
// The bundlers are pinned in tests/sdk/tools/package.json and installed once into
// target/sdk/tools (tests/sdk/tools.mjs). Run under tests/support/with-worker.mjs after
// scripts/build-sdk.sh.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { launchBrowser } from "../support/browser.mjs";
import { base } from "../support/api.mjs";
import { freePort } from "../support/receiver.mjs";
import { freshApp, openApp, serve, signInEndToEnd } from "./apps.mjs";
import { ensureTools, tool } from "./tools.mjs";

/** The versions under test: README.md's "Tested with" list says the same. */
const VITES = ["vite5", "vite6", "vite7", "vite8"];

let browser;
const closers = [];
before(async () => {
  ensureTools();
  browser = await launchBrowser();
});
after(async () => {
  for (const close of closers.reverse()) await close();
  await browser?.close();
});

/** Serves a built app's `dir` until the end of the file's tests. */
async function serveBuilt(dir, options) {
  const server = await serve(dir, options);
  closers.push(server.close);
  return server;
}

/** dist/index.html: the page a bundler without HTML handling is given, loading its `script`. */
function page(dir, script) {
  const html = `<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>An app using @pushauth/browser</title></head>\n<body>\n  <p id="number"></p>\n  <script type="module" src="./${script}"></script>\n</body>\n</html>\n`;
  writeFileSync(join(dir, "dist", "index.html"), html);
}

/** webpack's compile, as a promise; fails on any error in its stats. */
async function webpackBuild(config) {
  const { default: webpack } = await tool("webpack");
  const stats = await new Promise((resolve, reject) => webpack(config, (err, s) => (err ? reject(err) : resolve(s))));
  assert.ok(!stats.hasErrors(), stats.toString("errors-only"));
}

describe("the packed SDK in fresh apps, built with no configuration", () => {
  for (const vite of VITES) {
    test(`${vite}: build, load in Chromium, sign in`, async () => {
      const dir = freshApp(`${vite}-build`);
      const { build } = await tool(vite);
      await build({ root: dir, logLevel: "error" });
      const app = await serveBuilt(join(dir, "dist"));
      await signInEndToEnd(browser, `${app.origin}/`);
    });

    test(`${vite}: dev server, load in Chromium, sign in`, async () => {
      const dir = freshApp(`${vite}-dev`);
      const { createServer } = await tool(vite);
      const port = await freePort();
      const server = await createServer({ root: dir, logLevel: "error", server: { host: "127.0.0.1", port, strictPort: true } });
      await server.listen();
      try {
        await signInEndToEnd(browser, `http://127.0.0.1:${port}/`);
      } finally {
        await server.close();
      }
    });
  }

  test("webpack 5: build, load in Chromium, sign in", async () => {
    const dir = freshApp("webpack5");
    // webpack's defaults: ./src/index.js → dist/main.js. The mode, the CLI asks for; the context
    // and output path, the CLI takes from the directory it runs in.
    await webpackBuild({ context: dir, mode: "production", output: { path: join(dir, "dist") } });
    page(dir, "main.js");
    const app = await serveBuilt(join(dir, "dist"));
    await signInEndToEnd(browser, `${app.origin}/`);
  });

  test("Rollup 4 with @rollup/plugin-node-resolve and @web/rollup-plugin-import-meta-assets: build, load, sign in", async () => {
    const dir = freshApp("rollup4");
    const { rollup } = await tool("rollup");
    const { nodeResolve } = await tool("@rollup/plugin-node-resolve");
    const { importMetaAssets } = await tool("@web/rollup-plugin-import-meta-assets");
    const bundle = await rollup({ input: join(dir, "src", "index.js"), plugins: [nodeResolve(), importMetaAssets()], onwarn: () => {} });
    await bundle.write({ dir: join(dir, "dist"), format: "es" });
    await bundle.close();
    page(dir, "index.js");
    const app = await serveBuilt(join(dir, "dist"));
    await signInEndToEnd(browser, `${app.origin}/`);
  });

  test("esbuild (the .wasm copied next to the bundle): build, load, sign in", async () => {
    const dir = esbuildApp("esbuild");
    const app = await serveBuilt(join(dir, "dist"));
    await signInEndToEnd(browser, `${app.origin}/`);
  });
});

/** The app (`entry`) bundled by esbuild into dist/main.js, with the .wasm copied beside it. */
function esbuildApp(name, entry = "src/index.js") {
  const dir = freshApp(name);
  const esbuild = join(dir, "..", "..", "tools", "node_modules", ".bin", "esbuild");
  execFileSync(esbuild, [entry, "--bundle", "--format=esm", "--minify", "--outfile=dist/main.js", "--log-level=warning"], { cwd: dir, stdio: "pipe" });
  copyFileSync(join(dir, "node_modules", "@pushauth", "browser", "pushauth_browser_bg.wasm"), join(dir, "dist", "pushauth_browser_bg.wasm"));
  page(dir, "main.js");
  return dir;
}

describe("the package on a server", () => {
  let dir;
  before(() => {
    dir = freshApp("server");
  });
  const expected = { version: "0.1.0", errorCode: "browser_required", loaded: "browser_required" };

  test("Node: import() is harmless and a call resolves to browser_required", () => {
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", 'const m = await import("./ssr.js"); console.log(JSON.stringify(await m.render()));'], { cwd: dir, encoding: "utf8" });
    assert.deepEqual(JSON.parse(out), expected);
  });

  test("Node: require() works too (no top-level await)", () => {
    const script = 'const { PushAuth } = require("@pushauth/browser"); new PushAuth({ baseUrl: "https://a.example/v1" }).push.verify({ challengeId: "x" }).then((r) => console.log(r.errorCode));';
    const out = execFileSync(process.execPath, ["-e", script], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    assert.equal(out.trim(), "browser_required");
  });

  test("Node: @pushauth/browser/raw before init() resolves to sdk_load_failed, and its init() rejects with browser_required", () => {
    const script = `import init, { PushAuth, PushAuthError } from "@pushauth/browser/raw";
      const r = await new PushAuth({ baseUrl: "https://a.example/v1" }).push.verify({ challengeId: "x" });
      const e = await init().catch((e) => e);
      console.log(JSON.stringify({ code: r.errorCode, description: r.errorDescription, init: e instanceof PushAuthError && e.code }));`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: dir, encoding: "utf8" });
    assert.deepEqual(JSON.parse(out), { code: "sdk_load_failed", description: "Call init() of @pushauth/browser/raw first.", init: "browser_required" });
  });

  for (const vite of VITES) {
    test(`${vite}: ssrLoadModule of a module importing the SDK`, async () => {
      const { createServer } = await tool(vite);
      const server = await createServer({ root: dir, logLevel: "error", appType: "custom", server: { middlewareMode: true, hmr: false } });
      try {
        const mod = await server.ssrLoadModule("/ssr.js");
        assert.deepEqual(await mod.render(), expected);
      } finally {
        await server.close();
      }
    });
  }
});

describe("@pushauth/browser/raw in a browser", () => {
  test("a call before init() resolves to sdk_load_failed without a request, launch rejects with it, and after init() the same client works", async () => {
    const dir = esbuildApp("raw", "src/raw.js");
    const app = await serveBuilt(join(dir, "dist"));
    const { page } = await openApp(browser, `${app.origin}/`);
    const out = await page.evaluate(() => window.app.beforeAndAfterInit());
    assert.equal(out.before.errorCode, "sdk_load_failed", JSON.stringify(out));
    assert.match(out.before.errorDescription, /Call init\(\) of @pushauth\/browser\/raw first/);
    assert.equal(out.launched?.code, "sdk_load_failed", JSON.stringify(out));
    assert.equal(out.launched.isPushAuthError, true);
    assert.equal(out.after, "token_not_set", "init() loaded the .wasm and the same client ran");
    assert.equal(app.requests.filter((p) => p.endsWith(".wasm")).length, 1, "only init() fetched the .wasm");
    await page.close();
  });
});

describe("the page's own policy and a failing .wasm", () => {
  let dir;
  before(() => {
    dir = esbuildApp("policy");
  });

  /** The README's strict policy, for a Worker at `base`. */
  const strict = (extra = "") => {
    const worker = new URL(base);
    return [
      "default-src 'none'",
      `script-src 'self'${extra}`,
      `connect-src 'self' ${worker.origin} ws://${worker.host}`,
      "base-uri 'none'",
      "form-action 'self'",
    ].join("; ");
  };

  test("a strict CSP with 'wasm-unsafe-eval' and the Worker in connect-src: sign-in works, nothing is reported", async () => {
    const app = await serveBuilt(join(dir, "dist"), { headers: { "content-security-policy": strict(" 'wasm-unsafe-eval'") } });
    const logs = await signInEndToEnd(browser, `${app.origin}/`);
    assert.deepEqual(logs.filter((l) => /Content Security Policy|violat/i.test(l)), []);
  });

  test("a CSP without 'wasm-unsafe-eval': the call resolves to sdk_load_failed and the page runs on", async () => {
    const app = await serveBuilt(join(dir, "dist"), { headers: { "content-security-policy": strict() } });
    const { page } = await openApp(browser, `${app.origin}/`);
    const out = await page.evaluate(() => window.app.signIn({ baseUrl: "http://127.0.0.1:9/v1", token: "t" }));
    assert.equal(out.started.errorCode, "sdk_load_failed", JSON.stringify(out));
    assert.match(out.started.errorDescription, /WebAssembly/);
    assert.deepEqual(await page.evaluate(() => window.app.badConstructor()), { code: "invalid_argument", isPushAuthError: true });
    await page.close();
  });

  test("20 calls at once before the .wasm is loaded: one request for it, and every call answered", async () => {
    const app = await serveBuilt(join(dir, "dist"));
    const { page } = await openApp(browser, `${app.origin}/`);
    assert.equal(app.requests.filter((p) => p.endsWith(".wasm")).length, 0, "importing fetched nothing");
    const codes = await page.evaluate(async () => {
      const { PushAuth } = window.app;
      const clients = Array.from({ length: 4 }, () => new PushAuth({ baseUrl: "http://127.0.0.1:9/v1" }));
      return Promise.all(Array.from({ length: 20 }, (_, i) => clients[i % 4].push.verify({ challengeId: "x" }).then((r) => r.errorCode)));
    });
    assert.deepEqual(new Set(codes), new Set(["token_not_set"]), JSON.stringify(codes));
    assert.equal(app.requests.filter((p) => p.endsWith(".wasm")).length, 1, "one .wasm request for all of them");
    await page.close();
  });

  test("a slow .wasm (4 s) holds back only the calls that need it: the app starts at once", async () => {
    const app = await serveBuilt(join(dir, "dist"), { delay: (path) => (path.endsWith(".wasm") ? 4000 : 0) });
    const t0 = Date.now();
    const { page } = await openApp(browser, `${app.origin}/`);
    const startup = Date.now() - t0;
    assert.ok(startup < 3000, `the app's code ran after ${startup} ms, not after the .wasm`);
    const out = await page.evaluate(async () => {
      const start = performance.now();
      const pushauth = new window.app.PushAuth({ baseUrl: "http://127.0.0.1:9/v1" });
      const made = performance.now() - start;
      const result = await pushauth.push.verify({ challengeId: "x" });
      return { made, waited: performance.now() - start, code: result.errorCode };
    });
    assert.ok(out.made < 100, `new PushAuth returned at once (${out.made} ms)`);
    assert.ok(out.waited >= 3500, `the call waited for the .wasm (${out.waited} ms)`);
    assert.equal(out.code, "token_not_set");
    await page.close();
  });

  test("a .wasm request that fails once: that call gets sdk_load_failed, the next call loads it", async () => {
    let failures = 0;
    const app = await serveBuilt(join(dir, "dist"), {
      fail: (path) => path.endsWith(".wasm") && failures++ === 0,
    });
    const { page } = await openApp(browser, `${app.origin}/`);
    const first = await page.evaluate(() => window.app.signIn({ baseUrl: "http://127.0.0.1:9/v1", token: "t" }));
    assert.equal(first.started.errorCode, "sdk_load_failed", JSON.stringify(first));
    await page.close();
    assert.equal(app.requests.filter((p) => p.endsWith(".wasm")).length, 1, "one failed request, nothing before the first call");
    // The same page's next call: signInEndToEnd opens a fresh page, so retry within one page here.
    const { page: again } = await openApp(browser, `${app.origin}/`);
    failures = 0;
    const retried = await again.evaluate(async () => {
      const a = await window.app.signIn({ baseUrl: "http://127.0.0.1:9/v1", token: "t" });
      const b = await window.app.signIn({ baseUrl: "http://127.0.0.1:9/v1", token: "t" });
      return [a.started.errorCode, b.started.errorCode];
    });
    assert.deepEqual(retried, ["sdk_load_failed", "network_error"], "the second call loaded the wasm and reached the network");
    await again.close();
  });
});
