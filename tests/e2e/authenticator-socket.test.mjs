// The web authenticator's socket (docs/api.md, "Sockets") in headless Chromium against the real
// Worker: while the page listens, a new request appears at once without a poll, and the page
// polls only every 30 s; a page without WebSocket polls every 2 s as before.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { base, bearer, call, createTenant, sleep, track, uniqueId } from "../support/api.mjs";
import { launchBrowser } from "../support/browser.mjs";

let browser;
let t;

before(async () => {
  browser = await launchBrowser();
  t = await createTenant({ name: "Socket Bank" });
});
after(async () => {
  await browser?.close();
});

/**
 * A page enrolled for `user` in a fresh context (`init`, if given, runs before the page's
 * scripts); it counts the page's signed fetches of pending requests and its sockets.
 */
async function enrolledPhone(user, init) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  const fetches = [];
  const sockets = [];
  page.on("request", (r) => {
    if (r.method() === "GET" && new URL(r.url()).pathname === "/v1/device/challenges") fetches.push(Date.now());
  });
  page.on("websocket", (ws) => sockets.push(ws.url()));
  const { token } = await track(t, user, "enroll", { scope: "add:authenticators" });
  await page.goto(`${base}/authenticator/#enroll=${token}`);
  await page.getByRole("button", { name: "Add this device" }).click();
  await page.getByRole("heading", { name: "This phone is ready" }).waitFor({ timeout: 10_000 });
  await page.getByRole("button", { name: "Done" }).click();
  await page.getByRole("heading", { name: "You're all set" }).waitFor();
  return { context, page, fetches, sockets };
}

async function startSignIn(user) {
  const { token } = await track(t, user);
  const res = await call("POST", "/v1/client/challenge/push", { headers: bearer(token), body: {} });
  assert.equal(res.status, 200, res.text);
  return res.json.challengeId;
}

describe("web authenticator socket", () => {
  test("a request appears at once through the socket; the page polls only every 30 s", async () => {
    const user = uniqueId("sock");
    const { context, page, fetches, sockets } = await enrolledPhone(user);
    for (let i = 0; i < 50 && sockets.length === 0; i++) await sleep(100);
    assert.deepEqual(sockets.map((u) => new URL(u).pathname), ["/v1/device/ws"]);
    assert.ok(!sockets[0].includes("ticket"), "the ticket is not in the URL");
    // The socket opened (and the page fetched once on opening): now it listens.
    await sleep(1500);
    const before = fetches.length;
    await sleep(3000);
    assert.equal(fetches.length, before, "no polls every 2 s while the socket is open");

    const startedAt = Date.now();
    const challengeId = await startSignIn(user);
    await page.locator(`[data-challenge-id="${challengeId}"]`).waitFor({ state: "visible", timeout: 10_000 });
    const shownAfter = Date.now() - startedAt;
    assert.ok(shownAfter < 1500, `the card appeared ${shownAfter} ms after the push started`);
    await context.close();
  });

  test("without WebSocket the page polls every 2 s", async () => {
    const user = uniqueId("poll");
    const { context, page, fetches, sockets } = await enrolledPhone(user, () => {
      window.WebSocket = undefined;
    });
    const before = fetches.length;
    await sleep(4500);
    assert.ok(fetches.length - before >= 2, `${fetches.length - before} polls in 4.5 s`);
    assert.deepEqual(sockets, []);
    const challengeId = await startSignIn(user);
    await page.locator(`[data-challenge-id="${challengeId}"]`).waitFor({ state: "visible", timeout: 10_000 });
    await context.close();
  });
});
