// The console (www/console/) in real headless Chromium, at phone width (375 px) and on a desk:
// signing in (a wrong token says so; the token lives in the tab's session storage only), every
// screen (tenants, a new tenant with its secrets shown once and copied, a tenant's settings,
// rotation and deletion, a user with devices, challenges and actions, a challenge's delivery
// log with "retry now"), and each error the API gives (wrong token, invalid setting, unknown
// user) shown with the API's own errorDescription. Screenshots: test-artifacts/console/.
//
// It runs its own Worker with a delivery's retries 10 minutes apart (OUTBOX_BASE_DELAY_SECS=600),
// so a failed callback waits for "retry now" rather than retrying on its own.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { startWorker } from "../support/with-worker.mjs";
import { Receiver, freePort } from "../support/receiver.mjs";

const worker = await startWorker({ vars: { OUTBOX_BASE_DELAY_SECS: "600" } });
process.env.PUSHAUTH_BASE_URL = worker.baseUrl;
const { Device, admin, answer, basic, call, createTenant, devVars, enrol, pendingView, track } = await import("../support/api.mjs");
const { artifacts, launchBrowser } = await import("../support/browser.mjs");

const base = worker.baseUrl;
const shots = join(artifacts, "console");
mkdirSync(shots, { recursive: true });

let browser;
let context;
let page;
const problems = [];

/** Opens a fresh tab (its own session storage) at `width`. */
async function newTab(width = 375) {
  const tab = await context.newPage();
  await tab.setViewportSize({ width, height: 860 });
  tab.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  tab.on("console", (m) => {
    if (m.type() === "error" && !/status of 40\d/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  return tab;
}

/** A screenshot, and the page must fit the phone's width (no sideways scrolling). */
async function shot(name, tab = page) {
  await tab.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  const { scroll, width } = await tab.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
  assert.ok(scroll <= width, `${name}: ${scroll} px wide in a ${width} px window`);
}

/** Opens the console at `hash` in `tab` as a fresh load (same tab: its session storage stays). */
async function open(hash, tab = page) {
  await tab.goto("about:blank");
  await tab.goto(`${base}/console/${hash}`);
}

async function signIn(tab, token = devVars.ADMIN_TOKEN) {
  await tab.getByTestId("token").fill(token);
  await tab.getByTestId("sign-in-submit").click();
}

before(async () => {
  browser = await launchBrowser();
  context = await browser.newContext();
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
  page = await newTab();
});
after(async () => {
  await browser?.close();
  worker.stop();
});

describe("the console", () => {
  let receiver;
  before(async () => {
    receiver = await new Receiver(await freePort(), 500).start();
  });
  after(() => receiver?.stop());

  test("is served with the pages' framing and CSP rules", async () => {
    const res = await fetch(`${base}/console/`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-frame-options"), "DENY");
    assert.match(res.headers.get("content-security-policy") ?? "", /frame-ancestors 'none'/);
    assert.equal(res.headers.get("referrer-policy"), "no-referrer");
    const html = await res.text();
    assert.match(html, /default-src 'none'; script-src 'self'/);
    assert.match(html, /\/assets\/pushauth\.css/);
  });

  test("a wrong token says so; the right one is kept for the tab only", async () => {
    await page.goto(`${base}/console/`);
    await page.getByTestId("sign-in-screen").waitFor();
    await shot("01-sign-in");
    await signIn(page, "not-the-token");
    const error = page.getByTestId("sign-in-error");
    await error.waitFor();
    assert.match(await error.textContent(), /Wrong admin token.*invalid_credential/);
    await shot("02-wrong-token");

    await signIn(page);
    await page.getByTestId("tenant-list").waitFor();
    const stored = await page.evaluate(() => ({ session: sessionStorage.length, local: localStorage.length, cookie: document.cookie }));
    assert.deepEqual(stored, { session: 1, local: 0, cookie: "" }, "session storage only");
    // Reloading keeps the tab signed in; another tab is not.
    await page.reload();
    await page.getByTestId("tenant-list").waitFor();
    const other = await newTab();
    await other.goto(`${base}/console/#/tenants`);
    await other.getByTestId("sign-in-screen").waitFor();
    assert.equal(await other.getByTestId("tenant-list").count(), 0);
    await other.close();
  });

  test("tenants: list and create, the invalid setting refused with the API's words, secrets once", async () => {
    const existing = await createTenant();
    await open(`#/tenants`);
    await page.getByTestId("tenant-list").getByText(existing.id, { exact: true }).waitFor();
    await shot("03-tenants");

    await page.getByTestId("new-tenant").click();
    await page.getByTestId("new-tenant-screen").waitFor();
    const id = `console-${Date.now()}`;
    await page.getByTestId("new-id").fill(id);
    await page.getByTestId("setting-name").fill("Console Bank");
    await page.getByTestId("setting-allowedOrigins").fill("https://bank.example/login");
    await page.getByTestId("create").click();
    const refused = page.getByTestId("create-error");
    await refused.waitFor();
    // The same words as the API gives a curl of the same body.
    const direct = await call("POST", "/admin/tenants", { headers: admin, body: { id: `${id}-curl`, name: "x", allowedOrigins: ["https://bank.example/login"] } });
    assert.equal(direct.status, 400);
    assert.equal(await refused.textContent(), `${direct.json.errorDescription} (${direct.json.errorCode})`);
    await shot("04-invalid-setting");

    await page.getByTestId("setting-allowedOrigins").fill("https://bank.example");
    await page.getByTestId("setting-callbackUrls").fill(receiver.url);
    await page.getByTestId("create").click();
    await page.getByTestId("secrets-once").waitFor();
    const secret = await page.getByTestId("created-secret").inputValue();
    const webhookSecret = await page.getByTestId("created-webhook-secret").inputValue();
    assert.match(secret, /^pa_sk_/);
    assert.match(webhookSecret, /^whsec_/);
    await page.getByTestId("created-secret-copy").click();
    await page.getByTestId("created-secret-copy").getByText("Copied").waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);
    await shot("05-secrets-once");
    // The secret works, and is never shown again.
    const tracked = await call("POST", "/v1/users/alice/actions/signIn", { headers: basic(secret), body: {} });
    assert.equal(tracked.status, 200, tracked.text);
    await page.getByTestId("created-done").click();
    await page.getByTestId("tenant-screen").waitFor();
    assert.ok(!(await page.content()).includes(secret));
  });

  test("a tenant: settings saved or refused as the API decides, the secret rotated with its grace period", async () => {
    const t = await createTenant({ name: "Editable" });
    await open(`#/tenants/${t.id}`);
    await page.getByTestId("tenant-screen").waitFor();
    await shot("06-tenant");

    await page.getByTestId("setting-challengeSecs").fill("5");
    await page.getByTestId("save").click();
    const refused = page.getByTestId("save-error");
    await refused.waitFor();
    const direct = await call("PATCH", `/admin/tenants/${t.id}`, { headers: admin, body: { challengeSecs: 5 } });
    assert.equal(await refused.textContent(), `${direct.json.errorDescription} (${direct.json.errorCode})`);
    await shot("07-setting-refused");

    await page.getByTestId("setting-challengeSecs").fill("300");
    await page.getByTestId("setting-numberMatching").check();
    await page.getByTestId("setting-pushLimits-maxPending").fill("5");
    await page.getByTestId("save").click();
    await page.getByTestId("saved").waitFor();
    const stored = (await call("GET", `/admin/tenants/${t.id}`, { headers: admin })).json;
    assert.deepEqual([stored.challengeSecs, stored.numberMatching, stored.pushLimits.maxPending, stored.name], [300, true, 5, "Editable"]);

    await page.getByTestId("rotate").click();
    await page.getByTestId("rotate-confirm-yes").click();
    await page.getByTestId("rotated").waitFor();
    const fresh = await page.getByTestId("rotated-secret").inputValue();
    const until = Date.parse((await page.getByTestId("grace-until").textContent()).replace(" UTC", "Z").replace(" ", "T"));
    assert.ok(Math.abs(until - (Date.now() + 24 * 3600_000)) < 120_000, "the previous secret works 24 h more");
    assert.match(await page.getByTestId("rotated").textContent(), /about 24 hours from now/);
    for (const s of [fresh, t.secret]) {
      assert.equal((await call("POST", "/v1/users/u/actions/signIn", { headers: basic(s), body: {} })).status, 200);
    }
    await shot("08-rotated");
  });

  test("a user: devices, challenges with state and context, delivery log with retry now, removing a device", async () => {
    const t = await createTenant({ callbackUrls: [receiver.url] });
    const user = "auth0|support case";
    const phone = new Device();
    await enrol(t, user, phone, "Alice's Pixel");
    await track(t, user, "signIn", { ipAddress: "192.0.2.44", userAgent: "Firefox/130" });
    const add = await call("POST", "/request/add", { headers: basic(t.secret), body: { accountId: user, content: "Pay 99.00 EUR to Example Shop", callback: receiver.url } });
    assert.equal(add.status, 200, add.text);
    const guid = add.json.guid;
    assert.equal((await answer(guid, phone.answer(await pendingView(t, phone, guid), 0))).status, 200);
    await receiver.waitFor((got) => got.some((r) => r.body.includes(guid)));
    const { token } = await track(t, user, "signIn", { ipAddress: "198.51.100.23", userAgent: "Safari/18.1", location: "Lyon, FR" });
    assert.equal((await call("POST", "/v1/client/challenge/push", { headers: { authorization: `Bearer ${token}` }, body: {} })).status, 200);

    // Unknown user first, then this one, through the lookup form.
    await open(`#/tenants/${t.id}`);
    await page.getByTestId("tenant-screen").waitFor();
    await page.getByTestId("user-lookup").fill("nobody-here");
    await page.getByTestId("user-lookup-submit").click();
    await page.getByTestId("unknown-user").waitFor();
    await shot("09-unknown-user");
    await open(`#/tenants/${t.id}/users/${"x".repeat(256)}`);
    const bad = page.getByTestId("screen-error-text");
    await bad.waitFor();
    const direct = await call("GET", `/admin/tenants/${t.id}/users/${"x".repeat(256)}`, { headers: admin });
    assert.equal(await bad.textContent(), `${direct.json.errorDescription} (${direct.json.errorCode})`);
    await shot("10-invalid-user-id");

    await open(`#/tenants/${t.id}`);
    await page.getByTestId("tenant-screen").waitFor();
    await page.getByTestId("user-lookup").fill(user);
    await page.getByTestId("user-lookup-submit").click();
    await page.getByTestId("user-screen").waitFor();
    assert.equal(await page.getByTestId("user-id").textContent(), user);
    const device = page.getByTestId("device");
    assert.match(await device.textContent(), /Alice's Pixel.*cli/);
    assert.match(await device.getByTestId("device-enrolled").textContent(), /Enrolled \d{4}-\d\d-\d\d/);
    assert.match(await device.getByTestId("device-last-used").textContent(), /Last used \d{4}-\d\d-\d\d/);
    const challenges = page.getByTestId("challenge");
    assert.equal(await challenges.count(), 2);
    const pending = await challenges.nth(0).textContent();
    assert.match(pending, /pending/);
    assert.match(pending, /198\.51\.100\.23.*Safari\/18\.1.*Lyon, FR/);
    const paid = await challenges.nth(1).textContent();
    assert.match(paid, /approved/);
    assert.match(paid, /Pay 99\.00 EUR to Example Shop/);
    assert.ok((await page.getByTestId("action").count()) >= 2);
    await shot("11-user");
    await page.setViewportSize({ width: 1100, height: 900 });
    await shot("11-user-desk");
    await page.setViewportSize({ width: 375, height: 860 });

    await challenges.nth(1).getByTestId("delivery-log").click();
    await page.getByTestId("deliveries-screen").waitFor();
    const callback = page.getByTestId("delivery").filter({ hasText: "request.processed" });
    assert.match(await callback.textContent(), /pending.*1 attempt.*HTTP 500/s);
    await shot("12-delivery-log");
    receiver.status = 200;
    await callback.getByTestId("retry").click();
    await callback.getByTestId("retry-scheduled").waitFor();
    await shot("13-retry-scheduled");
    await receiver.waitFor((got) => got.filter((r) => r.body.includes(guid)).length === 2);
    await page.waitForFunction(() => /delivered/.test(document.querySelector("[data-testid=deliveries]")?.textContent ?? ""), null, { timeout: 15_000 });
    const done = page.getByTestId("delivery").filter({ hasText: "request.processed" });
    assert.match(await done.textContent(), /delivered.*2 attempts.*HTTP 500.*HTTP 200/s);
    assert.equal(await done.getByTestId("retry").count(), 0, "nothing to retry once delivered");
    await shot("14-delivered");

    // A challenge without a delivery log says why.
    const ws = (await call("GET", `/admin/tenants/${t.id}/users/${encodeURIComponent(user)}`, { headers: admin })).json.challenges[0].challengeId;
    await open(`#/tenants/${t.id}/challenges/${ws}?user=${encodeURIComponent(user)}`);
    await page.getByTestId("deliveries-error").waitFor();

    await open(`#/tenants/${t.id}/users/${encodeURIComponent(user)}`);
    await page.getByTestId("remove-device").click();
    assert.match(await page.getByTestId("remove-confirm").textContent(), /can no longer approve/);
    await shot("15-remove-device");
    await page.getByTestId("remove-confirm-yes").click();
    await page.getByTestId("no-devices").waitFor();
    assert.equal((await phone.pending(t.id)).status, 401, "the removed device is refused");
  });

  test("deleting a tenant says what it revokes; signing out forgets the token", async () => {
    const t = await createTenant({ name: "Doomed" });
    await open(`#/tenants/${t.id}`);
    await page.getByTestId("delete").click();
    const confirm = page.getByTestId("delete-confirm");
    assert.match(await confirm.textContent(), /secrets stop working at once.*devices can no longer.*starts empty/s);
    await shot("16-delete-tenant");
    await page.getByTestId("delete-confirm-yes").click();
    await page.getByTestId("flash").waitFor();
    assert.match(await page.getByTestId("flash").textContent(), new RegExp(`Deleted tenant ${t.id}`));
    assert.equal((await call("GET", `/admin/tenants/${t.id}`, { headers: admin })).status, 404);
    // Its secret stops working everywhere within the isolates' 5 s configuration cache.
    let status = 0;
    for (let i = 0; i < 20 && status !== 401; i++) {
      status = (await call("POST", "/v1/users/u/actions/signIn", { headers: basic(t.secret), body: {} })).status;
      if (status !== 401) await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal(status, 401, "the deleted tenant's secret is refused");

    await page.getByTestId("sign-out").click();
    await page.getByTestId("sign-in-screen").waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
    await shot("17-signed-out");
    assert.deepEqual(problems, [], "no page errors or CSP violations");
  });
});
