// The web authenticator (www/authenticator/) on a phone-sized headless Chromium against the real
// Worker: enrolment from a #enroll= link (non-extractable WebCrypto key in IndexedDB), requests
// started from the hosted UI (a second browser context), the backend and the Privakey dialect,
// number matching, "I didn't start this", expiry, withdrawal, a network failure, and removal.
// Screenshots of the main screens go to test-artifacts/authenticator-*.png.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { admin, base, basic, bearer, call, createTenant, mintToken, track, verify } from "../support/api.mjs";
import { artifacts, launchBrowser, serveStatic } from "../support/browser.mjs";

const ANDROID_UA =
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36";
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, userAgent: ANDROID_UA };
const SIGN_IN_CONTEXT = {
  ipAddress: "203.0.113.7",
  location: "Berlin, DE",
  userAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0",
};
const USER = "pia@example.com";
/**
 * How long a wait for the page's reaction to an event may take. Every wait below is for a
 * condition (an element, a URL, a heading), never for time: the page reacts to a socket message
 * at once, and polls every 2 s while it has no socket, so an unloaded run sees each reaction in
 * under 3 s. 20 s is generous on a loaded 2-core machine and still below the page's 30-s safety
 * poll, so a lost socket message cannot pass a wait by that poll alone.
 */
const BUDGET_MS = 20_000;

let browser;
let app;
let t;
let phoneContext;
let phone;
/** Uncaught errors and CSP violations on the phone page, checked by the last test. */
const pageProblems = [];

before(async () => {
  browser = await launchBrowser();
  app = await serveStatic(join(import.meta.dirname, "app"));
  t = await createTenant({
    name: "Acme Bank",
    numberMatching: true,
    redirectUrls: [`${app.origin}/done`],
    allowedOrigins: [app.origin],
    pushLimits: { maxPending: 3, maxPerWindow: 20, windowSecs: 600, notMeBlockSecs: 3600 },
  });
  phoneContext = await browser.newContext(PHONE);
  phoneContext.setDefaultTimeout(BUDGET_MS);
  phone = await phoneContext.newPage();
  phone.on("pageerror", (error) => pageProblems.push(`pageerror: ${error.message}`));
  phone.on("console", (msg) => {
    if (msg.type() === "error" && /Content Security Policy|Uncaught/.test(msg.text())) pageProblems.push(msg.text());
  });
});
after(async () => {
  await browser?.close();
  await app?.close();
});

const shot = (page, name) => page.screenshot({ path: join(artifacts, `authenticator-${name}.png`) });

/** What the page keeps in IndexedDB, as seen from inside the page. */
function storedAccounts(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open("pushauth-authenticator");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const get = db.transaction("accounts").objectStore("accounts").getAll();
          get.onerror = () => reject(get.error);
          get.onsuccess = async () => {
            const out = [];
            for (const a of get.result) {
              const { privateKey, publicKey } = a.keyPair;
              let exported = "refused";
              try {
                await crypto.subtle.exportKey("pkcs8", privateKey);
                exported = "exported";
              } catch {}
              out.push({
                keyId: a.keyId,
                tenantId: a.tenantId,
                userId: a.userId,
                deviceName: a.deviceName,
                isCryptoKey: privateKey instanceof CryptoKey,
                extractable: privateKey.extractable,
                algorithm: `${privateKey.algorithm.name}/${privateKey.algorithm.namedCurve}`,
                usages: privateKey.usages,
                publicType: publicKey.type,
                exported,
              });
            }
            db.close();
            resolve(out);
          };
        };
      }),
  );
}

/** Tracks and starts a push from the backend side; returns { token, idempotencyKey, challengeId, verificationCode }. */
async function startSignIn(action = "signIn") {
  const tracked = await track(t, USER, action, SIGN_IN_CONTEXT);
  const res = await call("POST", "/v1/client/challenge/push", { headers: bearer(tracked.token), body: { action } });
  assert.equal(res.status, 200, res.text);
  return { token: tracked.token, idempotencyKey: tracked.idempotencyKey, ...res.json };
}

/** The card of a challenge on the phone, once the page has shown it (socket message or poll). */
async function cardOf(challengeId, timeout = BUDGET_MS) {
  const card = phone.locator(`[data-challenge-id="${challengeId}"]`);
  await card.waitFor({ state: "visible", timeout });
  return card;
}

const otherNumber = (code) => String((Number(code) + 1) % 1000).padStart(code.length, "0");

describe("web authenticator", () => {
  test("enrols from the #enroll= link: non-extractable key in IndexedDB, fragment removed", async () => {
    const { token } = await track(t, USER, "enroll", { scope: "add:authenticators" });
    await phone.goto(`${base}/authenticator/#enroll=${token}`);
    await phone.getByRole("button", { name: "Add this device" }).waitFor();
    assert.ok(!phone.url().includes("#"), `the enrolment token left the URL: ${phone.url()}`);
    assert.equal(await phone.locator("#enrol-tenant").textContent(), "Acme Bank");
    assert.equal(await phone.locator("#enrol-user").textContent(), USER);
    assert.equal(await phone.getByLabel("Device name").inputValue(), "Chrome on Android", "default name from the user agent");
    await shot(phone, "enrol");

    await phone.getByLabel("Device name").fill("Pia's Pixel");
    await phone.getByRole("button", { name: "Add this device" }).click();
    await phone.getByRole("heading", { name: "This phone is ready" }).waitFor();
    await shot(phone, "enrolled");

    const devices = await call("GET", `/v1/users/${encodeURIComponent(USER)}/authenticators`, { headers: basic(t.secret) });
    assert.equal(devices.status, 200, devices.text);
    assert.equal(devices.json.length, 1);
    assert.equal(devices.json[0].devicePlatform, "web");
    assert.equal(devices.json[0].deviceName, "Pia's Pixel");

    const stored = await storedAccounts(phone);
    assert.equal(stored.length, 1);
    assert.deepEqual(stored[0], {
      keyId: devices.json[0].userAuthenticatorId,
      tenantId: t.id,
      userId: USER,
      deviceName: "Pia's Pixel",
      isCryptoKey: true,
      extractable: false,
      algorithm: "ECDSA/P-256",
      usages: ["sign"],
      publicType: "public",
      exported: "refused",
    });

    await phone.getByRole("button", { name: "Done" }).click();
    await phone.getByRole("heading", { name: "You're all set" }).waitFor();
    const account = phone.getByTestId("account");
    assert.match(await account.textContent(), /Acme Bank.*pia@example\.com.*Pia's Pixel/s);
    // The account survives a reload (the key pair is in IndexedDB, not in memory).
    await phone.reload();
    await phone.getByRole("heading", { name: "You're all set" }).waitFor();
    await shot(phone, "idle");
  });

  test("approves a sign-in started in the hosted UI: number typed on the phone, the site gets its token", async () => {
    const desktop = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    desktop.setDefaultTimeout(BUDGET_MS);
    const site = await desktop.newPage();
    const { url } = await track(t, USER, "signIn", { redirectUrl: `${app.origin}/done`, ...SIGN_IN_CONTEXT });
    await site.goto(url);
    const number = site.getByTestId("number");
    await number.waitFor();
    const code = (await number.textContent()).trim();
    assert.match(code, /^\d{3}$/);

    const card = phone.getByTestId("challenge");
    await card.waitFor();
    const text = await card.textContent();
    for (const expected of ["Acme Bank", "Are you trying to sign in?", "Firefox on Linux", "203.0.113.7", "Berlin, DE", USER]) {
      assert.ok(text.includes(expected), `the card shows ${expected}: ${text}`);
    }
    await phone.waitForFunction(() => document.title.startsWith("(1)"));
    await shot(phone, "challenge");

    // Approving needs the number; nothing is sent without it.
    await card.getByRole("button", { name: "Approve" }).click();
    assert.match(await card.getByTestId("challenge-error").textContent(), /Enter the number shown on the sign-in screen/);
    await card.getByLabel("Enter the number shown on the sign-in screen").fill(code);
    await card.getByRole("button", { name: "Approve" }).click();
    await phone.getByRole("heading", { name: "Approved" }).waitFor();
    await shot(phone, "approved");

    await site.waitForURL(`${app.origin}/done?token=*`);
    const resultToken = new URL(site.url()).searchParams.get("token");
    const validated = await call("POST", "/v1/validate", { headers: basic(t.secret), body: { token: resultToken } });
    assert.equal(validated.json.isValid, true);
    assert.equal(validated.json.state, "CHALLENGE_SUCCEEDED");
    await desktop.close();
    await phone.getByRole("button", { name: "Done" }).click();
  });

  test("a wrong number is refused with a visible message and changes nothing; the right one approves", async () => {
    const started = await startSignIn();
    const card = await cardOf(started.challengeId);
    const input = card.getByTestId("code-input");
    await input.fill(otherNumber(started.verificationCode));
    await card.getByRole("button", { name: "Approve" }).click();
    const error = card.getByTestId("challenge-error");
    await error.waitFor();
    assert.match(await error.textContent(), /doesn't match the sign-in screen/);
    await shot(phone, "wrong-number");
    const still = await verify(started.token, started.challengeId);
    assert.equal(still.json.status, "pending", "a refused answer leaves the challenge pending");

    await input.fill(started.verificationCode);
    await card.getByRole("button", { name: "Approve" }).click();
    await phone.getByRole("heading", { name: "Approved" }).waitFor();
    const result = await verify(started.token, started.challengeId);
    assert.equal(result.json.isVerified, true);
    assert.match(result.json.accessToken, /^eyJ/);
    await phone.getByRole("button", { name: "Done" }).click();
  });

  test("three wrong numbers cancel the request, and the card says so", async () => {
    const started = await startSignIn();
    const card = await cardOf(started.challengeId);
    const idle = phone.locator(`[data-challenge-id="${started.challengeId}"]:not(.busy)`);
    const input = card.getByTestId("code-input");
    const error = card.getByTestId("challenge-error");
    for (const n of [1, 2]) {
      await input.fill(String((Number(started.verificationCode) + n) % 1000).padStart(3, "0"));
      await card.getByRole("button", { name: "Approve" }).click();
      await idle.waitFor();
      assert.match(await error.textContent(), /doesn't match the sign-in screen.*after three wrong numbers/);
    }
    await input.fill(String((Number(started.verificationCode) + 3) % 1000).padStart(3, "0"));
    await card.getByRole("button", { name: "Approve" }).click();
    const notice = card.getByTestId("challenge-notice");
    await notice.waitFor();
    assert.match(await notice.textContent(), /cancelled: the number was wrong three times/);
    assert.equal(await card.getByRole("button", { name: "Approve" }).isVisible(), false);
    await shot(phone, "too-many-attempts");
    const result = await verify(started.token, started.challengeId);
    assert.equal(result.json.isConsumed, true);
    assert.equal(result.json.isVerified, false);
    assert.equal(result.json.failureReason, "too_many_attempts");
    await card.getByRole("button", { name: "Dismiss" }).click();
    await phone.getByRole("heading", { name: "You're all set" }).waitFor();
  });

  test("a payment request (Privakey dialect): custom buttons with their styles, confirmation code, transaction", async () => {
    const add = await call("POST", "/request/add", {
      headers: basic(t.secret),
      body: {
        accountId: USER,
        content: "Pay €50.00 to Bob's Bikes?\nReference: INV-2231",
        buttons: [
          { title: "Pay", strongAuth: true, style: "primary" },
          { title: "Not now", strongAuth: false },
          { title: "Report fraud", strongAuth: false, style: "danger" },
        ],
        notificationTitle: "Approve payment",
        transactionId: "INV-2231",
        showConfirmationCode: true,
        duration: "5m",
      },
    });
    assert.equal(add.status, 200, add.text);
    const request = add.json;
    const card = await cardOf(request.guid);
    assert.equal(await card.getByRole("heading").first().textContent(), "Approve payment");
    assert.equal(await card.getByTestId("challenge-content").textContent(), "Pay €50.00 to Bob's Bikes?\nReference: INV-2231");
    const code = request.confirmationCode;
    assert.equal(await card.getByTestId("confirmation-code").textContent(), `${code.slice(0, 3)} ${code.slice(3)}`);
    assert.ok((await card.textContent()).includes("INV-2231"));
    assert.equal(await card.getByTestId("code-input").count(), 0, "no number matching for this request");
    assert.match(await card.getByTestId("answer-0").getAttribute("class"), /^button block$/);
    assert.match(await card.getByTestId("answer-1").getAttribute("class"), /secondary/);
    assert.match(await card.getByTestId("answer-2").getAttribute("class"), /danger/);
    await shot(phone, "payment");

    await card.getByRole("button", { name: "Pay" }).click();
    await phone.getByRole("heading", { name: "Approved" }).waitFor();
    assert.match(await phone.locator("#result-text").textContent(), /You chose “Pay”/);
    const processed = await call("GET", `/request/${request.guid}`, { headers: basic(t.secret) });
    assert.equal(processed.json.state, "approved");
    assert.equal(processed.json.buttonSelected, 0);
    await phone.getByRole("button", { name: "Done" }).click();
  });

  test("a request withdrawn by the backend is shown as no longer waiting", async () => {
    const started = await startSignIn();
    const card = await cardOf(started.challengeId);
    const cancel = await call("PATCH", `/v1/users/${encodeURIComponent(USER)}/actions/signIn/${started.idempotencyKey}`, {
      headers: basic(t.secret),
      body: { state: "CHALLENGE_FAILED" },
    });
    assert.equal(cancel.status, 200, cancel.text);
    const notice = card.getByTestId("challenge-notice");
    await notice.waitFor();
    assert.match(await notice.textContent(), /no longer waiting/);
    assert.equal(await card.getByRole("button", { name: "Approve" }).isVisible(), false);
    await card.getByRole("button", { name: "Dismiss" }).click();
    await phone.getByRole("heading", { name: "You're all set" }).waitFor();
  });

  test("a request that runs out of time is shown as expired", async () => {
    const patch = (challengeSecs) => call("PATCH", `/admin/tenants/${t.id}`, { headers: admin, body: { challengeSecs } });
    // Long enough for the card to be shown while the request is pending on a loaded machine
    // (the service lists pending requests only), short enough to wait for.
    assert.equal((await patch(20)).status, 200);
    try {
      const started = await startSignIn();
      const card = await cardOf(started.challengeId, Math.max(1, started.expiresAt - Date.now()));
      assert.match(await card.getByTestId("timer").textContent(), /Expires in 0:\d\d/);
      // The page says so once the request's own time is up: wait for that, plus the budget.
      const notice = card.getByTestId("challenge-notice");
      await notice.waitFor({ timeout: Math.max(0, started.expiresAt - Date.now()) + BUDGET_MS });
      assert.match(await notice.textContent(), /expired/);
      await shot(phone, "expired");
      assert.equal((await verify(started.token, started.challengeId)).json.status, "expired");
      await card.getByRole("button", { name: "Dismiss" }).click();
    } finally {
      assert.equal((await patch(120)).status, 200);
    }
  });

  test("a network failure while answering shows a clear message; the answer goes through once back online", async () => {
    const started = await startSignIn();
    const card = await cardOf(started.challengeId);
    await card.getByTestId("code-input").fill(started.verificationCode);
    await phoneContext.setOffline(true);
    try {
      await card.getByRole("button", { name: "Approve" }).click();
      const error = card.getByTestId("challenge-error");
      await error.waitFor();
      assert.match(await error.textContent(), /Couldn't reach the server/);
      await phone.getByText("You're offline").waitFor();
      await shot(phone, "offline");
    } finally {
      await phoneContext.setOffline(false);
    }
    assert.equal((await verify(started.token, started.challengeId)).json.status, "pending");
    await card.getByRole("button", { name: "Approve" }).click();
    await phone.getByRole("heading", { name: "Approved" }).waitFor();
    assert.equal((await verify(started.token, started.challengeId)).json.isVerified, true);
    await phone.getByRole("button", { name: "Done" }).click();
    await phone.getByText("Waiting for requests").waitFor();
  });

  test("\"I didn't start this\" denies with reason not_me (no number needed) and blocks further pushes", async () => {
    const started = await startSignIn();
    const card = await cardOf(started.challengeId);
    await card.getByRole("button", { name: "I didn't start this" }).click();
    await phone.getByRole("heading", { name: "Request denied and reported" }).waitFor();
    await shot(phone, "reported");
    const result = await verify(started.token, started.challengeId);
    assert.equal(result.json.status, "denied");
    assert.equal(result.json.isVerified, false);
    // The signed reason reached the service: this user's pushes are now blocked.
    const again = await track(t, USER, "signIn");
    const blocked = await call("POST", "/v1/client/challenge/push", { headers: bearer(again.token), body: { action: "signIn" } });
    assert.equal(blocked.status, 429, blocked.text);
    assert.equal(blocked.json.errorCode, "push_blocked");
    await phone.getByRole("button", { name: "Done" }).click();
  });

  test("removes this device: signed DELETE, the service forgets the key, so does the browser", async () => {
    await phone.getByRole("button", { name: "Remove this device" }).click();
    await phone.getByTestId("confirm-remove").waitFor();
    await shot(phone, "remove");
    await phone.getByTestId("confirm-remove").click();
    await phone.getByRole("heading", { name: "No accounts yet" }).waitFor();
    const devices = await call("GET", `/v1/users/${encodeURIComponent(USER)}/authenticators`, { headers: basic(t.secret) });
    assert.deepEqual(devices.json, []);
    assert.deepEqual(await storedAccounts(phone), []);
  });

  test("links that cannot enrol say why", async () => {
    // A sign-in token (no add:authenticators scope), opened on the already-open page (hashchange).
    const { token } = await track(t, "sam@example.com", "signIn");
    await phone.goto(`${base}/authenticator/#enroll=${token}`);
    await phone.getByRole("button", { name: "Add this device" }).click();
    const error = phone.locator("#enrol-error");
    await error.waitFor();
    assert.match(await error.textContent(), /This link can't add a device/);
    assert.deepEqual(await storedAccounts(phone), [], "nothing is kept when enrolment fails");

    const now = Math.floor(Date.now() / 1000);
    const expired = mintToken({
      kind: "track", tid: t.id, sub: "sam@example.com", act: "enroll", idem: "x", scope: "add:authenticators", iat: now - 700, exp: now - 100,
    });
    await phone.goto(`${base}/authenticator/#enroll=${expired}`);
    await phone.getByText("This link has expired").waitFor();
    await shot(phone, "link-expired");
    await phone.goto(`${base}/authenticator/#enroll=not-a-token`);
    await phone.getByText("This link isn't valid").waitFor();
  });

  test("refuses to run inside another site's frame (click-jacking)", async () => {
    // The Worker serves the page with anti-framing headers (www/_headers)…
    const res = await fetch(`${base}/authenticator/`);
    assert.equal(res.headers.get("x-frame-options"), "DENY");
    assert.match(res.headers.get("content-security-policy") ?? "", /frame-ancestors 'none'/);
    // …so a framing page gets nothing to click; the page's own frame check is a second line.
    const page = await browser.newPage();
    // Wait for the frame's load (a refused frame loads an error page; the page's load event
    // waits for it), not for a time: a count taken before the frame loaded would pass whatever
    // the headers said.
    await page.setContent(`<iframe src="${base}/authenticator/" width="390" height="600"></iframe>`, { waitUntil: "load" });
    const [, child] = page.frames();
    assert.ok(child, "the iframe has a frame");
    assert.ok(!child.url().startsWith(`${base}/authenticator`), `the page loaded inside the frame: ${child.url()}`);
    const frame = page.frameLocator("iframe");
    assert.equal(await frame.getByRole("button").count(), 0, "no button to click in a frame");
    await page.close();
  });

  test("no uncaught error or CSP violation on the phone page during the whole run", () => {
    assert.deepEqual(pageProblems, []);
  });
});
