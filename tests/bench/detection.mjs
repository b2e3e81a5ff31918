// Approval-to-browser detection: how long after a device's approval the page has the result.
//
// The real SDK package (target/sdk/package) runs in headless Chromium on a page served from a
// loopback origin the tenant allows. Each run: the backend tracks, the page calls
// `push.challenge` then `push.waitForResult`; the device (the CLI authenticator) fetches the
// challenge, signs its approval, and sends it at a random moment, uniform in 0.5–3 s after the
// challenge reached it (a person reading and tapping). The figure is the time from the answer's
// 200 (Date.now() here) to the page having the result (performance.timeOrigin + performance.now()
// there): both read the same machine's clock. Runs are sequential, so they do not load each
// other, and alternate between the SDK's two ways of waiting:
// - socket (the default): the SDK holds the challenge's WebSocket to the user's object, which
//   sends "changed" as the answer is recorded; the SDK then makes one verify. The figure is that
//   message plus one request.
// - polling (the fall-back, when no socket opens: the page hides WebSocket): 1 s, then ×1.25 up
//   to 2 s, ±10 %, so the figure is mostly the wait for the next poll.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { basename, join } from "node:path";
import { answer, base, pendingView, sleep, track } from "../support/api.mjs";
import { launchBrowser } from "../support/browser.mjs";
import { onExit } from "./cleanup.mjs";
import { benchTenant, enrolledUser } from "./fixtures.mjs";
import { benchDir, root } from "./workers.mjs";
import { quantile, summary } from "./stats.mjs";

const USER = "detect-user@example.com";
const types = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".wasm": "application/wasm" };

/** Serves the page at / and the SDK package's files at /sdk/ on a free loopback port. */
async function servePage() {
  const page = join(benchDir, "detection", "index.html");
  const sdk = join(root, "target", "sdk", "package");
  const server = createServer((req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    const file = path === "/" ? page : path.startsWith("/sdk/") ? join(sdk, basename(path)) : null;
    try {
      const body = readFileSync(file);
      res.writeHead(200, { "content-type": types[file.slice(file.lastIndexOf("."))] ?? "application/octet-stream" }).end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const close = onExit(() => server.close());
  return { origin: `http://127.0.0.1:${server.address().port}`, close };
}

/** One sign-in waited for in `mode` ("socket" or "polling"); returns { detectionMs, delayMs, polls }. */
async function run(t, device, page, mode) {
  const { token } = await track(t, USER);
  const challengeId = await page.evaluate(([b, tok, m]) => window.bench.start(b, tok, m), [`${base}/v1`, token, mode]);
  const view = await pendingView(t, device, challengeId);
  const reachedAt = Date.now();
  const body = device.answer(view, 0);
  const delayMs = 500 + Math.random() * 2500;
  await sleep(reachedAt + delayMs - Date.now());
  const res = await answer(challengeId, body);
  const answeredAt = Date.now();
  if (res.status !== 200) throw new Error(`answer: ${res.status} ${res.text}`);
  const result = await page.evaluate(() => window.bench.result);
  if (result.status !== "approved") throw new Error(`the page got ${result.status}, not approved`);
  return { detectionMs: result.at - answeredAt, delayMs, polls: result.polls };
}

/** The figures of one mode's samples. */
function figures(samples) {
  const ms = samples.map((s) => s.detectionMs);
  const detection = summary(ms);
  return {
    runs: samples.length,
    samples,
    p50Ms: detection.median,
    p95Ms: quantile(ms, 0.95),
    spread: detection,
    pollsPerLogin: { ...summary(samples.map((s) => s.polls)), mean: samples.reduce((a, s) => a + s.polls, 0) / samples.length },
  };
}

/** `runs` sign-ins in each mode, interleaved. */
export async function measureDetection({ runs }) {
  const site = await servePage();
  const t = await benchTenant({ allowedOrigins: [site.origin] });
  const { device } = await enrolledUser(t, USER);
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await page.goto(`${site.origin}/`);
    await page.waitForFunction(() => document.title === "ready");
    const samples = { polling: [], socket: [] };
    for (let i = 0; i < runs; i++) {
      for (const mode of i % 2 ? ["socket", "polling"] : ["polling", "socket"]) samples[mode].push(await run(t, device, page, mode));
    }
    const polling = figures(samples.polling);
    return {
      polling,
      instant: figures(samples.socket),
      // The cost section prices the polling path (what every browser can do): the socket
      // path's single verify is cheaper.
      pollsPerLogin: polling.pollsPerLogin,
    };
  } finally {
    await browser.close();
    site.close();
  }
}
