// Notifications in the web authenticator (www/authenticator/, sw.js) on a phone-sized headless
// Chromium against the real Worker: turning them on and off, what the Worker pushes when a
// challenge starts, the page's real service worker showing it, and accounts added or removed
// while they are on. Screenshots go to test-artifacts/authenticator-notifications-*.png.
//
// Headless Chromium cannot subscribe for real here: Playwright's browser contexts are
// off-the-record profiles, where Chrome refuses the Push API ("Registration failed - permission
// denied"), and there is no Google push service to reach anyway. The first test keeps that real
// failure. The others stand in for the browser's push service at exactly one boundary (see
// `pushServiceStandIn`); everything else is real: the page, its signed requests, the Worker's
// encryption and VAPID signature, a loopback HTTP push service receiving them, decryption with
// the subscription's keys, and delivery of that plaintext to the real sw.js over the DevTools
// protocol (as the browser does after decrypting a push).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { join } from "node:path";
import { base, basic, call, createTenant, sleep, startChallenge, track } from "../support/api.mjs";
import { artifacts, launchBrowser } from "../support/browser.mjs";
import { Receiver, freePort } from "../support/receiver.mjs";
import { PushClient } from "../support/webpush.mjs";

const ANDROID_UA =
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36";
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, userAgent: ANDROID_UA };

let browser;
let t;
let vapidPublicKey;
/** Uncaught errors and CSP violations on the phone pages, checked by the last test. */
const pageProblems = [];

before(async () => {
  browser = await launchBrowser();
  t = await createTenant({ name: "Acme Bank" });
  const key = await call("GET", "/v1/device/web-push");
  assert.equal(key.status, 200, `the dev Worker has a VAPID key: ${key.text}`);
  vapidPublicKey = key.json.vapidPublicKey;
});
after(async () => {
  await browser?.close();
});

const shot = (page, name) => page.screenshot({ path: join(artifacts, `authenticator-notifications-${name}.png`) });

/** A phone: a browser context allowed to notify, one page, its problems collected. */
async function newPhone(setup) {
  const context = await browser.newContext(PHONE);
  await context.grantPermissions(["notifications"], { origin: base });
  if (setup) await setup(context);
  // Which notifications the page itself closes (a diagnosis when one goes missing).
  await context.addInitScript(() => {
    window.closedNotificationTags = [];
    const close = Notification.prototype.close;
    Notification.prototype.close = function () {
      window.closedNotificationTags.push(this.tag);
      return close.call(this);
    };
  });
  const page = await context.newPage();
  page.on("pageerror", (error) => pageProblems.push(`pageerror: ${error.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error" && /Content Security Policy|Uncaught/.test(msg.text())) pageProblems.push(msg.text());
  });
  const requests = [];
  page.on("request", (request) => requests.push(`${request.method()} ${new URL(request.url()).pathname}`));
  return { context, page, requests };
}

/** Enrols the page's browser for `user` from a #enroll= link, back on the home screen. */
async function enrolFromLink(page, user) {
  const { token } = await track(t, user, "enroll", { scope: "add:authenticators" });
  await page.goto(`${base}/authenticator/#enroll=${token}`);
  await page.getByRole("button", { name: "Add this device" }).click();
  await page.getByRole("heading", { name: "This phone is ready" }).waitFor({ timeout: 10_000 });
  await page.getByRole("button", { name: "Done" }).click();
  await page.getByTestId("account").first().waitFor();
}

const control = (page) => page.locator("#notifications");

async function waitForState(page, state) {
  await page.locator(`#notifications[data-state="${state}"]`).waitFor({ timeout: 10_000 });
}

/** The accounts in the page's IndexedDB (read with the page's own storage module): keyId, userId, pushEndpoint. */
function storedAccounts(page) {
  return page.evaluate(async () => {
    const { listAccounts } = await import("/authenticator/storage.js");
    return (await listAccounts()).map((a) => ({ keyId: a.keyId, userId: a.userId, pushEndpoint: a.pushEndpoint ?? null }));
  });
}

/** The notifications the authenticator's service worker is showing (from any page of the origin). */
function notifications(page) {
  return page.evaluate(async () =>
    (await (await navigator.serviceWorker.getRegistration("/authenticator/")).getNotifications()).map((n) => ({
      title: n.title,
      body: n.body,
      tag: n.tag,
      icon: new URL(n.icon).pathname,
      data: n.data,
    })),
  );
}

/**
 * THE ONLY STAND-IN. `PushManager.prototype.subscribe` / `getSubscription` are replaced, in the
 * page only, by functions returning an object shaped like a PushSubscription whose keys belong to
 * a PushClient held by the test and whose endpoint is a loopback Receiver. Why: the real
 * `subscribe()` needs a browser push service (Google's, for Chromium), which headless Chromium
 * in an off-the-record context will not use and cannot reach here. With the stand-in, the
 * Worker sends its real encrypted, VAPID-signed push to the Receiver, and the test, holding the
 * private keys, decrypts it as the browser would. Calls are recorded (and the subscription kept
 * across reloads) in localStorage.
 */
function pushServiceStandIn(subscriptionJson) {
  const saved = () => JSON.parse(localStorage.getItem("standin") || '{"subscribed":null,"subscribes":[],"unsubscribes":0}');
  const save = (s) => localStorage.setItem("standin", JSON.stringify(s));
  const toB64url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  const fromB64url = (text) => Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
  const subscription = (key) => ({
    endpoint: subscriptionJson.endpoint,
    expirationTime: null,
    options: { userVisibleOnly: true, applicationServerKey: fromB64url(key).buffer },
    getKey: (name) => fromB64url(subscriptionJson.keys[name]).buffer,
    toJSON: () => JSON.parse(JSON.stringify(subscriptionJson)),
    async unsubscribe() {
      const s = saved();
      s.subscribed = null;
      s.unsubscribes += 1;
      save(s);
      return true;
    },
  });
  PushManager.prototype.subscribe = async function (options) {
    const s = saved();
    const key = toB64url(new Uint8Array(options.applicationServerKey.buffer ?? options.applicationServerKey));
    s.subscribes.push({ userVisibleOnly: options.userVisibleOnly, applicationServerKey: key });
    s.subscribed = key;
    save(s);
    return subscription(key);
  };
  PushManager.prototype.getSubscription = async function () {
    const { subscribed } = saved();
    return subscribed ? subscription(subscribed) : null;
  };
}

const standInCalls = (page) => page.evaluate(() => JSON.parse(localStorage.getItem("standin") || "null"));

describe("web authenticator notifications", () => {
  test("a browser that cannot subscribe says so and stays off; nothing is sent to the service", async () => {
    const { context, page, requests } = await newPhone();
    try {
      await enrolFromLink(page, "no-push@example.com");
      await waitForState(page, "off");
      assert.equal(await page.getByTestId("notify-label").textContent(), "Off");
      await page.getByRole("button", { name: "Turn on notifications" }).click();
      const error = page.getByTestId("notify-error");
      await error.waitFor({ timeout: 15_000 });
      // The browser's own reason follows the colon (here: no Push API in an off-the-record profile).
      assert.match(await error.textContent(), /^This browser couldn't subscribe to notifications: \S.+\. Keep this page open to see requests\.$/);
      await waitForState(page, "off");
      assert.equal(await page.getByTestId("notify-toggle").textContent(), "Turn on notifications");
      assert.equal(await page.getByTestId("notify-toggle").isEnabled(), true);
      await control(page).scrollIntoViewIfNeeded();
      await shot(page, "failed");
      // The service worker was registered for real before subscribing was tried.
      assert.equal(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration("/authenticator/"))?.active?.scriptURL), `${base}/authenticator/sw.js`);
      assert.ok(requests.includes("GET /v1/device/web-push"), requests.join("\n"));
      assert.deepEqual(requests.filter((r) => / \/v1\/device\/web-push$/.test(r) && !r.startsWith("GET")), [], "no subscription was PUT");
      assert.deepEqual((await storedAccounts(page)).map((a) => a.pushEndpoint), [null]);
    } finally {
      await context.close();
    }
  });

  test("blocked notifications, browsers without Web Push and a service without it explain what to do", async () => {
    // Not granted: headless Chromium has no prompt to show and answers "denied".
    const blocked = await browser.newContext(PHONE);
    try {
      const page = await blocked.newPage();
      page.on("pageerror", (error) => pageProblems.push(`pageerror: ${error.message}`));
      await enrolFromLink(page, "blocked@example.com");
      await waitForState(page, "off");
      await page.getByRole("button", { name: "Turn on notifications" }).click();
      await waitForState(page, "blocked");
      assert.equal(await page.getByTestId("notify-label").textContent(), "Blocked");
      assert.match(await page.getByTestId("notify-detail").textContent(), /allow notifications for this site in the browser settings/);
      assert.equal(await page.getByTestId("notify-toggle").isVisible(), false);
      await control(page).scrollIntoViewIfNeeded();
      await shot(page, "blocked");
    } finally {
      await blocked.close();
    }
    // Safari on an iPhone outside a Home Screen web app has no PushManager: emulated by the user
    // agent and by removing the interface before the page runs.
    const IPHONE_UA =
      "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1";
    const iphone = await browser.newContext({ ...PHONE, userAgent: IPHONE_UA });
    try {
      await iphone.addInitScript(() => {
        delete window.PushManager;
      });
      const page = await iphone.newPage();
      page.on("pageerror", (error) => pageProblems.push(`pageerror: ${error.message}`));
      await enrolFromLink(page, "iphone@example.com");
      await waitForState(page, "unavailable");
      assert.equal(await page.getByTestId("notify-label").textContent(), "Unavailable");
      const detail = await page.getByTestId("notify-detail").textContent();
      assert.match(detail, /can't receive notifications here; keep this page open/);
      assert.match(detail, /add this page to your Home Screen first/);
      assert.equal(await page.getByTestId("notify-toggle").isVisible(), false);
      await control(page).scrollIntoViewIfNeeded();
      await shot(page, "iphone");
    } finally {
      await iphone.close();
    }
    // A deployment without a VAPID key. The dev Worker has one, so its answer to the unsigned
    // GET /v1/device/web-push is replaced by the 404 the Worker gives then (routes/web_push.rs).
    const unconfigured = await browser.newContext(PHONE);
    try {
      await unconfigured.grantPermissions(["notifications"], { origin: base });
      await unconfigured.route(`${base}/v1/device/web-push`, (route) =>
        route.request().method() === "GET"
          ? route.fulfill({
              status: 404,
              contentType: "application/json",
              body: JSON.stringify({ errorCode: "web_push_not_configured", errorDescription: "this deployment does not send Web Push (no VAPID key)" }),
            })
          : route.continue(),
      );
      const page = await unconfigured.newPage();
      page.on("pageerror", (error) => pageProblems.push(`pageerror: ${error.message}`));
      await enrolFromLink(page, "no-vapid@example.com");
      await waitForState(page, "unavailable");
      assert.equal(await page.getByTestId("notify-detail").textContent(), "This service doesn't send notifications. Keep this page open to see requests.");
      assert.equal(await page.getByTestId("notify-toggle").isVisible(), false);
    } finally {
      await unconfigured.close();
    }
  });

  describe("with the push service stood in for", () => {
    const USER = "pia@example.com";
    const SECOND = "pia.work@example.com";
    let pushService;
    let pushClient;
    let endpoint;
    let phone;
    let page;
    let cdp;
    /** scope URL → service-worker registration id, from the DevTools protocol. */
    const registrations = new Map();

    before(async () => {
      pushService = await new Receiver(await freePort(), 201).start();
      pushClient = new PushClient();
      endpoint = `${pushService.url}/browser-1`;
      phone = await newPhone((context) => context.addInitScript(pushServiceStandIn, pushClient.subscription(endpoint)));
      page = phone.page;
      cdp = await phone.context.newCDPSession(page);
      cdp.on("ServiceWorker.workerRegistrationUpdated", ({ registrations: list }) => {
        for (const r of list) if (!r.isDeleted) registrations.set(r.scopeURL, r.registrationId);
      });
      await cdp.send("ServiceWorker.enable");
    });
    after(async () => {
      await phone?.context.close();
      await pushService?.stop();
    });

    /**
     * Starts a challenge for `user` and waits for the Worker's push about it to the stand-in
     * subscription; → { started, data: the decrypted JSON text }.
     */
    async function startAndReceive(user) {
      const count = pushService.received.length;
      const started = await startChallenge(t, user);
      return { started, data: await pushAfter(count) };
    }

    async function pushAfter(count) {
      const received = await pushService.waitFor((r) => r.length > count);
      const push = received[count];
      assert.equal(push.path, "/hook/browser-1");
      assert.equal(push.headers["content-encoding"], "aes128gcm");
      return pushClient.decrypt(push.bytes).plaintext.toString("utf8");
    }

    /** Hands a decrypted push to the page's real service worker, as the browser would. */
    async function deliver(data) {
      const registrationId = registrations.get(`${base}/authenticator/`);
      assert.ok(registrationId !== undefined, `no registration for /authenticator/: ${[...registrations.keys()]}`);
      await cdp.send("ServiceWorker.deliverPushMessage", { origin: base, registrationId, data });
    }

    /**
     * Waits until sw.js shows the notification tagged `tag`. If it has not after 10 s and the
     * page did not close it, the push is delivered once more: on a loaded machine the DevTools
     * delivery to a stopped worker has been seen to get lost, which is the harness, not sw.js.
     */
    async function waitForNotification(tag, data) {
      for (let attempt = 0; attempt < 2; attempt++) {
        const deadline = Date.now() + 10_000;
        while (Date.now() < deadline) {
          const shown = await notifications(page);
          const found = shown.find((n) => n.tag === tag);
          if (found) return found;
          await sleep(100);
        }
        const closedByPage = await page.evaluate(() => window.closedNotificationTags);
        assert.ok(!closedByPage.includes(tag), `the page closed the notification of a pending challenge: ${closedByPage}`);
        if (data) await deliver(data);
      }
      throw new Error(`no notification tagged ${tag}: ${JSON.stringify(await notifications(page))}; registrations ${JSON.stringify([...registrations])}`);
    }

    test("turned on: the subscription is PUT; a new challenge is pushed, shown by sw.js, and polled at once", async () => {
      await enrolFromLink(page, USER);
      await waitForState(page, "off");
      await control(page).scrollIntoViewIfNeeded();
      await shot(page, "off");

      await page.getByRole("button", { name: "Turn on notifications" }).click();
      await waitForState(page, "on");
      assert.equal(await page.getByTestId("notify-label").textContent(), "On");
      assert.equal(await page.getByTestId("notify-error").isVisible(), false);
      assert.equal(await page.getByTestId("notify-toggle").textContent(), "Turn off notifications");
      await control(page).scrollIntoViewIfNeeded();
      await shot(page, "on");

      const calls = await standInCalls(page);
      assert.deepEqual(calls.subscribes, [{ userVisibleOnly: true, applicationServerKey: vapidPublicKey }], "subscribed once, with the Worker's VAPID key");
      assert.ok(phone.requests.includes("PUT /v1/device/web-push"), phone.requests.join("\n"));
      const [account] = await storedAccounts(page);
      assert.equal(account.pushEndpoint, endpoint, "the account records it is subscribed");

      // The page listens for sw.js's nudge; record it to see that sw.js sends it.
      await page.evaluate(() => {
        window.nudges = [];
        navigator.serviceWorker.addEventListener("message", (event) => window.nudges.push(event.data));
      });
      const { started, data } = await startAndReceive(USER);
      const payload = JSON.parse(data);
      assert.equal(payload.type, "challenge");
      assert.equal(payload.tenantId, t.id);
      assert.equal(payload.challengeId, started.challengeId);

      await deliver(data);
      const shown = await waitForNotification(started.challengeId, data);
      assert.deepEqual(shown, {
        title: payload.title,
        body: payload.body,
        tag: started.challengeId,
        icon: "/authenticator/icon.svg",
        data: { tenantId: t.id, challengeId: started.challengeId, expiresAt: payload.expiresAt },
      });
      await page.waitForFunction(() => window.nudges.some((m) => m?.type === "poll"), null, { timeout: 5000 });
      const card = page.locator(`[data-challenge-id="${started.challengeId}"]`);
      await card.waitFor({ timeout: 10_000 });
      assert.match(await card.textContent(), /Acme Bank/);

      // The same push again (a retry) replaces the notification instead of adding one.
      await deliver(data);
      await sleep(300);
      assert.equal((await notifications(page)).filter((n) => n.tag === started.challengeId).length, 1);

      // Answered here: its notification goes away.
      await card.getByTestId("answer-0").click();
      await page.getByRole("heading", { name: "Approved" }).waitFor({ timeout: 10_000 });
      await page.waitForFunction(
        async (id) => !(await (await navigator.serviceWorker.ready).getNotifications()).some((n) => n.tag === id),
        started.challengeId,
        { timeout: 5000 },
      );
      await page.getByRole("button", { name: "Done" }).click();
    });

    test("a push sw.js cannot read still shows a generic notification (userVisibleOnly); the page closes it", async () => {
      // No authenticator page open (an open one would poll at once and close it, see below).
      await page.goto(`${base}/health`);
      await deliver("not json");
      const shown = await waitForNotification("pushauth-request", "not json");
      assert.equal(shown.title, "Request to approve");
      assert.equal(shown.body, "Open the authenticator to see it.");
      assert.deepEqual(shown.data, { tenantId: null, challengeId: null, expiresAt: null });
      await sleep(2500);
      assert.equal((await notifications(page)).length, 1, "it stays while no page is open");
      // Opening the page: its first poll lists no such challenge, so the notification is stale.
      await page.goto(`${base}/authenticator/`);
      await waitForState(page, "on");
      await page.waitForFunction(async () => (await (await navigator.serviceWorker.ready).getNotifications()).length === 0, null, {
        timeout: 10_000,
      });
    });

    test("an account added while notifications are on is subscribed too", async () => {
      const puts = phone.requests.filter((r) => r === "PUT /v1/device/web-push").length;
      await enrolFromLink(page, SECOND);
      assert.equal(await page.getByTestId("account").count(), 2);
      await waitForState(page, "on");
      assert.equal(phone.requests.filter((r) => r === "PUT /v1/device/web-push").length, puts + 1);
      const stored = await storedAccounts(page);
      assert.deepEqual(stored.map((a) => a.pushEndpoint), [endpoint, endpoint]);
      assert.equal((await standInCalls(page)).subscribes.length, 1, "the browser's one subscription is shared");

      const { started, data } = await startAndReceive(SECOND);
      const payload = JSON.parse(data);
      assert.equal(payload.challengeId, started.challengeId);
      const card = page.locator(`[data-challenge-id="${started.challengeId}"]`);
      await card.waitFor({ timeout: 10_000 });
      await card.getByTestId("not-me").click();
      await page.getByRole("heading", { name: "Request denied and reported" }).waitFor({ timeout: 10_000 });
      await page.getByRole("button", { name: "Done" }).click();
    });

    test("turned off: signed DELETE for every account and the browser unsubscribes; no more pushes", async () => {
      await page.getByRole("button", { name: "Turn off notifications" }).click();
      await waitForState(page, "off");
      assert.equal(await page.getByTestId("notify-error").isVisible(), false);
      assert.equal(phone.requests.filter((r) => r === "DELETE /v1/device/web-push").length, 2);
      assert.equal((await standInCalls(page)).unsubscribes, 1);
      assert.deepEqual((await storedAccounts(page)).map((a) => a.pushEndpoint), [null, null]);
      const count = pushService.received.length;
      await startChallenge(t, USER, "signIn2");
      await sleep(1500);
      assert.equal(pushService.received.length, count, "no push after turning off");
    });

    test("turned on again after a reload; removing the last account unsubscribes the browser", async () => {
      await page.reload();
      await waitForState(page, "off");
      await page.getByRole("button", { name: "Turn on notifications" }).click();
      await waitForState(page, "on");
      assert.deepEqual((await storedAccounts(page)).map((a) => a.pushEndpoint), [endpoint, endpoint]);
      // Still on after a reload (the stand-in keeps its subscription like a browser would).
      await page.reload();
      await waitForState(page, "on");

      const removeAt = async (index) => {
        const account = page.getByTestId("account").nth(index);
        await account.getByTestId("remove-device").click();
        await account.getByTestId("confirm-remove").click();
      };
      await removeAt(1);
      await page.getByTestId("account").nth(1).waitFor({ state: "detached", timeout: 10_000 });
      await waitForState(page, "on");
      assert.equal((await standInCalls(page)).unsubscribes, 1, "one account left with notifications: still subscribed");

      await removeAt(0);
      await page.getByRole("heading", { name: "No accounts yet" }).waitFor({ timeout: 10_000 });
      await page.waitForFunction(() => JSON.parse(localStorage.getItem("standin")).unsubscribes === 2, null, { timeout: 5000 });
      assert.equal((await standInCalls(page)).subscribed, null);
      const devices = await call("GET", `/v1/users/${encodeURIComponent(USER)}/authenticators`, { headers: basic(t.secret) });
      assert.deepEqual(devices.json, []);
    });
  });

  test("no uncaught error or CSP violation on the phone pages", () => {
    assert.deepEqual(pageProblems, []);
  });
});
