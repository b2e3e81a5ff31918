// The hosted UI in real headless Chromium: redirect mode, and popup mode driven by the real
// @authsignal/browser launch(), approved by the project's CLI authenticator; the result through
// the challenge's WebSocket, and by polling when the page has none (the SDK's wait: it outlasts
// a network failure and a 429). Screenshots go to
// test-artifacts/ (git-ignored).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { join } from "node:path";
import { Device, answer, base, basic, call, createTenant, enrol, mintToken, sleep, track } from "../support/api.mjs";
import { artifacts, launchBrowser, serveStatic } from "../support/browser.mjs";

let browser;
let app;
before(async () => {
  browser = await launchBrowser();
  app = await serveStatic(join(import.meta.dirname, "app"));
});
after(async () => {
  await browser?.close();
  await app?.close();
});

/** Waits for the device's pending challenge and answers it with the number read off `frame`. */
async function approveFromDevice(t, phone, readNumber) {
  for (let i = 0; i < 40; i++) {
    const pending = await phone.pending(t.id);
    const view = pending.json.challenges[0];
    if (view) {
      const code = view.numberMatchRequired ? await readNumber() : undefined;
      const res = await answer(view.challengeId, phone.answer(view, 0, { code }));
      assert.equal(res.status, 200, res.text);
      return;
    }
    await sleep(250);
  }
  throw new Error("no challenge reached the device");
}

describe("hosted UI", () => {
  test("redirect mode: number shown, approval redirects with a result token that validates", async () => {
    const t = await createTenant({ numberMatching: true, redirectUrls: [`${app.origin}/done`], allowedOrigins: [app.origin] });
    const phone = new Device();
    await enrol(t, "pia@example.com", phone);
    const { url } = await track(t, "pia@example.com", "signIn", { redirectUrl: `${app.origin}/done` });
    const page = await browser.newPage();
    await page.goto(url);
    const number = page.getByTestId("number");
    await number.waitFor();
    assert.match(await number.textContent(), /^\d{3}$/);
    await page.screenshot({ path: join(artifacts, "hosted-waiting.png") });
    await approveFromDevice(t, phone, () => number.textContent());
    await page.waitForURL(`${app.origin}/done?token=*`, { timeout: 15_000 });
    const token = new URL(page.url()).searchParams.get("token");
    const validated = await call("POST", "/v1/validate", { headers: basic(t.secret), body: { token } });
    assert.equal(validated.json.state, "CHALLENGE_SUCCEEDED");
    await page.close();
  });

  test("popup mode with @authsignal/browser launch(): the token comes back to the opener", async () => {
    const t = await createTenant({ numberMatching: true, allowedOrigins: [app.origin] });
    const phone = new Device();
    await enrol(t, "quinn", phone);
    const { url } = await track(t, "quinn");
    const page = await browser.newPage();
    await page.goto(app.origin);
    const launched = page.evaluate((u) => window.launchHosted(u, "popup"), url);
    const frame = page.frameLocator("iframe").first();
    const number = frame.getByTestId("number");
    await number.waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(artifacts, "hosted-popup.png") });
    await approveFromDevice(t, phone, () => number.textContent());
    const result = await launched;
    assert.deepEqual(result.errors, []);
    assert.match(result.token, /^eyJ/);
    const validated = await call("POST", "/v1/validate", { headers: basic(t.secret), body: { token: result.token } });
    assert.equal(validated.json.isValid, true);
    await page.close();
  });

  test("popup mode: an expired link reaches launch()'s onError as expired_token", async () => {
    const t = await createTenant({ allowedOrigins: [app.origin] });
    const now = Math.floor(Date.now() / 1000);
    const expired = mintToken({ kind: "track", tid: t.id, sub: "sam", act: "signIn", idem: "k", scope: "", iat: now - 700, exp: now - 100 });
    const page = await browser.newPage();
    await page.goto(app.origin);
    await page.evaluate((u) => window.startLaunch(u, "popup"), `${base}/hosted/?token=${expired}`);
    await page.waitForFunction(() => window.launchErrors.length > 0, null, { timeout: 15_000 });
    const [error] = await page.evaluate(() => window.launchErrors);
    assert.deepEqual(error, { errorCode: "expired_token", statusCode: 401 });
    await page.close();
  });

  test("the approval reaches the page through its socket: one verify, right after the answer", async () => {
    const t = await createTenant({ redirectUrls: [`${app.origin}/done`] });
    const phone = new Device();
    await enrol(t, "sol", phone);
    const { url } = await track(t, "sol", "signIn", { redirectUrl: `${app.origin}/done` });
    const page = await browser.newPage();
    const verifies = [];
    page.on("request", (r) => {
      if (r.url().endsWith("/v1/client/verify/push")) verifies.push(Date.now());
    });
    const opened = page.waitForEvent("websocket");
    await page.goto(url);
    const socket = await opened;
    assert.match(socket.url(), /^ws:\/\/.*\/v1\/client\/push\/ws\?challengeId=[0-9a-f-]+$/, "the token is not in the URL");
    // Longer than a polling page waits before its first poll.
    await sleep(2500);
    assert.equal(verifies.length, 0, "nothing is polled while the socket is quiet");
    const view = (await phone.pending(t.id)).json.challenges[0];
    const answeredAt = Date.now();
    assert.equal((await answer(view.challengeId, phone.answer(view, 0))).status, 200);
    await page.waitForURL(`${app.origin}/done?token=*`, { timeout: 15_000 });
    assert.equal(verifies.length, 1, "one verify, after the socket's message");
    assert.ok(verifies[0] - answeredAt < 1000, `verify ${verifies[0] - answeredAt} ms after the answer`);
    await page.close();
  });

  test("without WebSocket the hosted UI polls", async () => {
    const t = await createTenant({ redirectUrls: [`${app.origin}/done`] });
    const phone = new Device();
    await enrol(t, "polly", phone);
    const { url } = await track(t, "polly", "signIn", { redirectUrl: `${app.origin}/done` });
    const page = await browser.newPage();
    await page.addInitScript(() => {
      window.WebSocket = undefined;
    });
    const verifies = [];
    page.on("request", (r) => {
      if (r.url().endsWith("/v1/client/verify/push")) verifies.push(Date.now());
    });
    await page.goto(url);
    for (let i = 0; i < 40 && verifies.length === 0; i++) await sleep(100);
    assert.equal(verifies.length, 1, "a first poll about 1 s in");
    const view = (await phone.pending(t.id)).json.challenges[0];
    assert.equal((await answer(view.challengeId, phone.answer(view, 0))).status, 200);
    await page.waitForURL(`${app.origin}/done?token=*`, { timeout: 15_000 });
    assert.ok(verifies.length >= 2, `${verifies.length} polls`);
    await page.close();
  });

  test("the wait survives a network failure and honours a 429's Retry-After (the SDK's loop)", async () => {
    const t = await createTenant({ redirectUrls: [`${app.origin}/done`] });
    const phone = new Device();
    await enrol(t, "wren", phone);
    const { url } = await track(t, "wren", "signIn", { redirectUrl: `${app.origin}/done` });
    const page = await browser.newPage();
    await page.addInitScript(() => {
      window.WebSocket = undefined;
    });
    // The first poll fails on the network, the second is rate limited for 2 s, the rest go through.
    const polls = [];
    await page.route("**/v1/client/verify/push", async (route) => {
      polls.push(Date.now());
      if (polls.length === 1) return route.abort("failed");
      if (polls.length === 2) {
        return route.fulfill({
          status: 429,
          headers: { "content-type": "application/json", "retry-after": "2" },
          body: JSON.stringify({ errorCode: "too_many_requests", errorDescription: "Slow down." }),
        });
      }
      return route.continue();
    });
    await page.goto(url);
    for (let i = 0; i < 100 && polls.length < 3; i++) await sleep(100);
    assert.ok(polls.length >= 3, `${polls.length} polls: the wait stopped at a failure`);
    assert.ok(polls[2] - polls[1] >= 1900, `the poll after the 429 came ${polls[2] - polls[1]} ms later, not after Retry-After`);
    assert.equal(await page.getByText("Something went wrong").count(), 0);
    const view = (await phone.pending(t.id)).json.challenges[0];
    assert.equal((await answer(view.challengeId, phone.answer(view, 0))).status, 200);
    await page.waitForURL(`${app.origin}/done?token=*`, { timeout: 15_000 });
    const token = new URL(page.url()).searchParams.get("token");
    const validated = await call("POST", "/v1/validate", { headers: basic(t.secret), body: { token } });
    assert.equal(validated.json.state, "CHALLENGE_SUCCEEDED");
    await page.close();
  });

  test("a denied request shows a clear result", async () => {
    const t = await createTenant({ redirectUrls: [`${app.origin}/done`] });
    const phone = new Device();
    await enrol(t, "rita", phone);
    const { url } = await track(t, "rita", "signIn", { redirectUrl: `${app.origin}/done` });
    const page = await browser.newPage();
    await page.goto(url);
    await page.getByText("Waiting for your approval").waitFor();
    for (let i = 0; i < 40; i++) {
      const view = (await phone.pending(t.id)).json.challenges[0];
      if (view) {
        await answer(view.challengeId, phone.answer(view, 1));
        break;
      }
      await sleep(250);
    }
    await page.getByText("Request denied").waitFor({ timeout: 15_000 });
    assert.equal(await page.getByText("Send a new request").isVisible(), true);
    await page.screenshot({ path: join(artifacts, "hosted-denied.png") });
    await page.close();
  });

  test("a request cancelled after three wrong numbers says so", async () => {
    const t = await createTenant({ numberMatching: true, redirectUrls: [`${app.origin}/done`] });
    const phone = new Device();
    await enrol(t, "sam", phone);
    const { url } = await track(t, "sam", "signIn", { redirectUrl: `${app.origin}/done` });
    const page = await browser.newPage();
    await page.goto(url);
    const number = page.getByTestId("number");
    await number.waitFor();
    const shown = await number.textContent();
    let view;
    for (let i = 0; i < 40 && !view; i++) {
      view = (await phone.pending(t.id)).json.challenges[0];
      if (!view) await sleep(250);
    }
    assert.ok(view, "no challenge reached the device");
    const codes = [1, 2, 3].map((n) => String((Number(shown) + n) % 1000).padStart(3, "0"));
    const answers = [];
    for (const code of codes) answers.push((await answer(view.challengeId, phone.answer(view, 0, { code }))).json?.errorCode);
    assert.deepEqual(answers, ["number_mismatch", "number_mismatch", "too_many_attempts"]);
    await page.getByText("Request cancelled").waitFor({ timeout: 15_000 });
    assert.match(await page.locator("#done-text").textContent(), /wrong number was entered on your device three times/);
    assert.equal(await page.getByText("Send a new request").isVisible(), true);
    await page.screenshot({ path: join(artifacts, "hosted-too-many-attempts.png") });
    await page.close();
  });
});
