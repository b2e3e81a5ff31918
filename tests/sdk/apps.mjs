// Helpers for the tests that put the packed SDK into fresh apps (bundlers.test.mjs): install the
// tarball scripts/build-sdk.sh made, serve a built app on a free loopback port, and sign in
// against the Worker with the CLI authenticator as the phone.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, createReadStream, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";
import { Device, answer, base, basic, call, createTenant, enrol, root, sleep, track } from "../support/api.mjs";

export const sdkDir = join(root, "target", "sdk");
const appSource = join(import.meta.dirname, "app");

/** The tarball scripts/build-sdk.sh left in target/sdk. */
export function tarball() {
  const found = existsSync(sdkDir) ? readdirSync(sdkDir).filter((f) => /^pushauth-browser-.*\.tgz$/.test(f)) : [];
  assert.equal(found.length, 1, "want one packed SDK in target/sdk: run scripts/build-sdk.sh first");
  return join(sdkDir, found[0]);
}

/** A fresh app (tests/sdk/app) in target/sdk/apps/<name> with the tarball `npm install`ed. */
export function freshApp(name) {
  const dir = join(sdkDir, "apps", name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(appSource, dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `app-${name}`, private: true, type: "module" }));
  try {
    execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock", tarball()], { cwd: dir, stdio: "pipe" });
  } catch (e) {
    assert.fail(`npm install of the tarball failed:\n${e.stdout}${e.stderr}`);
  }
  return dir;
}

const types = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".css": "text/css", ".json": "application/json" };

/**
 * Serves `dir` on a free loopback port; returns { origin, close, requests }. `headers` are added
 * to every response (a CSP); `fail(path)` answering true makes that request a 404 (a failed
 * .wasm); `delay(path)` holds that response back so many milliseconds (a slow .wasm).
 * `requests` lists the paths asked for.
 */
export async function serve(dir, { headers = {}, fail = () => false, delay = () => 0 } = {}) {
  const requests = [];
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname));
    requests.push(path);
    await sleep(delay(path));
    let file = join(dir, path);
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!file.startsWith(dir) || !existsSync(file) || fail(path)) return res.writeHead(404, headers).end("not found");
    res.writeHead(200, { "content-type": types[extname(file)] || "application/octet-stream", ...headers });
    createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { origin: `http://127.0.0.1:${server.address().port}`, requests, close: () => new Promise((r) => server.close(r)) };
}

/** A tenant for `origin` with one enrolled CLI device, and the page's sign-in parameters. */
export async function tenantWithDevice(origin) {
  const t = await createTenant({ allowedOrigins: [origin] });
  const phone = new Device();
  await enrol(t, "app@example.com", phone);
  const tracked = await track(t, "app@example.com");
  return { t, phone, params: { baseUrl: `${base}/v1`, tenantId: t.id, token: tracked.token } };
}

/** The phone approves its next pending challenge; stops looking once `stop()` is true. */
export async function phoneApproves(t, phone, stop = () => false) {
  for (let i = 0; i < 100 && !stop(); i++) {
    const view = (await phone.pending(t.id)).json.challenges[0];
    if (view) {
      const res = await answer(view.challengeId, phone.answer(view, 0));
      assert.equal(res.status, 200, res.text);
      return view.challengeId;
    }
    await sleep(150);
  }
  if (!stop()) throw new Error("no challenge reached the phone");
}

/** Opens `url` in a new page and waits for the app's `body[data-ready]`; returns { page, logs }. */
export async function openApp(browser, url) {
  const page = await browser.newPage();
  const logs = [];
  page.on("console", (m) => logs.push(`console.${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => logs.push(`pageerror: ${e}`));
  await page.goto(url);
  await page.waitForSelector("body[data-ready=true]", { state: "attached", timeout: 20_000 }).catch(() => {
    throw new Error(`${url} did not start:\n${logs.join("\n")}`);
  });
  return { page, logs };
}

/**
 * Signs in on the app at `url` (window.app.signIn) while the phone approves, and checks the
 * whole way: the number shown, the result approved, the token valid once for the backend.
 */
export async function signInEndToEnd(browser, url, origin = new URL(url).origin) {
  const { t, phone, params } = await tenantWithDevice(origin);
  const { page, logs } = await openApp(browser, url);
  try {
    assert.equal(await page.evaluate(() => window.app.version), "0.1.0");
    let done = false;
    const signedIn = page.evaluate((p) => window.app.signIn(p), params).finally(() => (done = true));
    // The phone approves, unless the page gave up first (then its result says why).
    await phoneApproves(t, phone, () => done);
    const { started, result, samePush } = await signedIn;
    assert.equal(started.error, undefined, `${JSON.stringify(started)}\n${logs.join("\n")}`);
    assert.equal(result.data?.status, "approved", JSON.stringify(result));
    assert.equal(samePush, true, "p.push === p.push");
    const validated = await call("POST", "/v1/validate", { headers: basic(t.secret), body: { token: result.data.token } });
    assert.equal(validated.json.state, "CHALLENGE_SUCCEEDED", validated.text);
    assert.deepEqual(await page.evaluate(() => window.app.badConstructor()), { code: "invalid_argument", isPushAuthError: true });
    assert.deepEqual(await page.evaluate(() => window.app.badCall()), { code: "invalid_argument", isPushAuthError: true });
  } finally {
    await page.close();
  }
  return logs;
}
