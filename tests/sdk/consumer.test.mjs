// The packed npm package as a user gets it: `npm install` of the tarball scripts/build-sdk.sh
// made into a fresh app, loaded in headless Chromium both as a plain <script type="module">
// (import map) and bundled by esbuild, against the real Worker, with the CLI authenticator as
// the phone. Run under tests/support/with-worker.mjs after scripts/build-sdk.sh.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";
import { after, before, describe, test } from "node:test";
import { Device, answer, base, basic, call, createTenant, enrol, root, sleep, track } from "../support/api.mjs";
import { launchBrowser } from "../support/browser.mjs";

const sdkDir = join(root, "target", "sdk");
const appDir = join(sdkDir, "consumer-app");
const types = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".wasm": "application/wasm", ".json": "application/json" };

/** Serves `dir` on a free loopback port; returns { origin, close }. */
async function serve(dir) {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname));
    const file = join(dir, path === "/" ? "index.html" : path);
    if (!file.startsWith(dir) || !existsSync(file)) return res.writeHead(404).end("not found");
    res.writeHead(200, { "content-type": types[extname(file)] || "application/octet-stream" });
    createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { origin: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

/** A fresh app with the tarball installed, and the app bundled by esbuild. */
function installConsumer() {
  const tarball = readdirSync(sdkDir).find((f) => /^pushauth-browser-.*\.tgz$/.test(f));
  assert.ok(tarball, "no packed SDK in target/sdk: run scripts/build-sdk.sh first");
  rmSync(appDir, { recursive: true, force: true });
  mkdirSync(appDir, { recursive: true });
  cpSync(join(import.meta.dirname, "consumer"), appDir, { recursive: true });
  writeFileSync(join(appDir, "package.json"), JSON.stringify({ name: "consumer-app", private: true, type: "module" }));
  execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock", join(sdkDir, tarball)], {
    cwd: appDir,
    stdio: "pipe",
  });
  // As a bundler user builds it; the .wasm goes next to the bundle (esbuild leaves
  // `new URL("./pushauth_browser_bg.wasm", import.meta.url)` alone).
  execFileSync(join(root, "node_modules", ".bin", "esbuild"), ["app.js", "--bundle", "--format=esm", "--minify", "--outdir=dist", "--log-level=warning"], {
    cwd: appDir,
    stdio: "pipe",
  });
  cpSync(join(appDir, "node_modules", "@pushauth", "browser", "pushauth_browser_bg.wasm"), join(appDir, "dist", "pushauth_browser_bg.wasm"));
}

let browser;
let app;
before(async () => {
  installConsumer();
  browser = await launchBrowser();
  app = await serve(appDir);
});
after(async () => {
  await browser?.close();
  await app?.close();
});

/** A tenant for the app's origin with one enrolled CLI device, and a track token. */
async function tenantWithDevice(settings = {}) {
  const t = await createTenant({ allowedOrigins: [app.origin], ...settings });
  const phone = new Device();
  await enrol(t, "consumer@example.com", phone);
  const tracked = await track(t, "consumer@example.com");
  return { t, phone, tracked, params: { baseUrl: `${base}/v1`, tenantId: t.id, token: tracked.token, url: tracked.url } };
}

/** The phone approves its next pending challenge, entering `code()` when asked to match. */
async function phoneApproves(t, phone, code = async () => undefined) {
  for (let i = 0; i < 75; i++) {
    const view = (await phone.pending(t.id)).json.challenges[0];
    if (view) {
      const res = await answer(view.challengeId, phone.answer(view, 0, { code: view.numberMatchRequired ? await code() : undefined }));
      assert.equal(res.status, 200, res.text);
      return view.challengeId;
    }
    await sleep(200);
  }
  throw new Error("no challenge reached the phone");
}

async function open(pageName) {
  const page = await browser.newPage();
  const logs = [];
  page.on("console", (m) => logs.push(m.text()));
  page.on("pageerror", (e) => logs.push(String(e)));
  await page.goto(`${app.origin}/${pageName}`);
  await page.waitForSelector("body[data-ready=true]", { state: "attached", timeout: 10_000 }).catch(() => {
    throw new Error(`${pageName} did not load the SDK:\n${logs.join("\n")}`);
  });
  return page;
}

describe("the packed npm package in a consumer app", () => {
  test("the package has its documented entry points, types and metadata", () => {
    const pkgDir = join(appDir, "node_modules", "@pushauth", "browser");
    const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
    assert.equal(pkg.name, "@pushauth/browser");
    assert.equal(pkg.type, "module");
    for (const f of ["index.js", "index.d.ts", "raw.js", "raw.d.ts", "pushauth_browser_bg.wasm", "README.md", "LICENSE"]) {
      assert.ok(existsSync(join(pkgDir, f)), `${f} is shipped`);
    }
    assert.equal(pkg.exports["."].types, "./index.d.ts");
    assert.equal(pkg.sideEffects, false, "importing the package does nothing");
    const dts = readFileSync(join(pkgDir, "index.d.ts"), "utf8");
    assert.match(dts, /export declare class PushAuth /);
    assert.match(dts, /export declare class PushAuthError extends Error/);
    assert.match(dts, /waitForResult\(params: WaitForResultParams\): Promise<PushAuthResult<VerifyData>>/);
    assert.match(dts, /launch\(url: string, options\?: LaunchOptions\): Promise<TokenPayload>/);
    assert.match(dts, /onTokenExpired\?: \(\) => void;/);
    // No minified names (wasm-bindgen's InitOutput) and no lib TypeScript < 5.2 lacks.
    for (const f of ["index.d.ts", "raw.d.ts"]) {
      const text = readFileSync(join(pkgDir, f), "utf8");
      assert.doesNotMatch(text, /readonly [a-zA-Z]{1,2}: /, `${f} has no minified export names`);
      assert.doesNotMatch(text, /reference lib=|Symbol\.dispose/, `${f} needs no esnext.disposable`);
    }
  });

  for (const [kind, pageName] of [["plain <script type=module>", "index.html"], ["esbuild bundle", "bundle.html"]]) {
    test(`${kind}: sign-in with number matching, approved on the phone while the SDK polls`, async () => {
      const { t, phone, params } = await tenantWithDevice({ numberMatching: true });
      const page = await open(pageName);
      assert.equal(await page.evaluate(() => window.consumer.version), "0.1.0");
      const signedIn = page.evaluate((p) => window.consumer.signIn(p), params);
      const number = page.locator("#number");
      await phoneApproves(t, phone, async () => {
        await page.waitForFunction(() => /^\d{3}$/.test(document.getElementById("number").textContent));
        return number.textContent();
      });
      const { started, result, polls, expired } = await signedIn;
      assert.equal(started.error, undefined, JSON.stringify(started));
      assert.match(started.data.verificationCode, /^\d{3}$/);
      assert.equal(result.data.status, "approved", JSON.stringify(result));
      assert.equal(result.data.isVerified, true);
      assert.equal(expired, 0);
      assert.equal(polls.at(-1)[1], "approved");
      const validated = await call("POST", "/v1/validate", { headers: basic(t.secret), body: { token: result.data.token } });
      assert.equal(validated.json.state, "CHALLENGE_SUCCEEDED", validated.text);
      assert.deepEqual(await page.evaluate(() => window.consumer.badConstructor()), { name: "PushAuthError", code: "invalid_argument", isError: true, isPushAuthError: true });
      await page.close();
    });
  }

  for (const mode of ["popup", "window"]) {
    test(`launch in ${mode} mode: the hosted UI's token comes back`, async () => {
      const { t, phone, params } = await tenantWithDevice();
      const page = await open("index.html");
      const launched = page.evaluate((p) => window.consumer.launch(p), { ...params, mode });
      await phoneApproves(t, phone);
      const { result, errors } = await launched;
      assert.deepEqual(errors, []);
      assert.match(result.token ?? "", /^eyJ/, JSON.stringify(result));
      const validated = await call("POST", "/v1/validate", { headers: basic(t.secret), body: { token: result.token } });
      assert.equal(validated.json.isValid, true, validated.text);
      assert.equal(await page.locator("#pushauth-popup").count(), 0, "the popup is gone");
      await page.close();
    });
  }
});
