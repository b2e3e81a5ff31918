// The demo site end to end in headless Chromium, with the project's CLI authenticator as the
// phone: enrol from the QR link, sign in approved / denied / wrong number / expired, and a
// payment approved with a custom button whose callback reaches the demo backend, and whose
// evidence all three verifiers accept (the core through `pushauth-device verify`, the Worker's
// own check that answered it, and the /evidence/ page's WebCrypto) and all refuse tampered.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { admin, base, basic, call, root, sleep } from "../support/api.mjs";
import { artifacts, launchBrowser } from "../support/browser.mjs";
import { cli, cliJson } from "../support/cli.mjs";


let browser;
let page;

/** The number the page shows once the challenge has started. */
async function shownNumber() {
  const number = page.getByTestId("number");
  await number.filter({ hasText: /^\d{3}$/ }).waitFor({ timeout: 15_000 });
  return number.textContent();
}
const dir = mkdtempSync(join(tmpdir(), "pushauth-demo-"));
const key = join(dir, "device.json");
/** The demo backend's tenant (dev/tenant.json): what a bank's backend would fetch evidence as. */
const devTenant = JSON.parse(readFileSync(join(root, "dev", "tenant.json"), "utf8"));
/** The guid of the demo's last payment, as `/demo/api/payment` answered the page. */
let paymentGuid;
const user = `demo-${Date.now() % 100000}`;

/** Waits for the result screen's title to contain `text`; on timeout, says what the page shows. */
async function resultTitle(text, timeout) {
  try {
    await page.getByTestId("result-title").filter({ hasText: text }).waitFor({ timeout });
  } catch (error) {
    const shown = await page.evaluate(() => {
      const visible = [...document.querySelectorAll("section, [id]")].filter((e) => !e.hidden && e.offsetParent !== null);
      const text = (id) => document.getElementById(id)?.textContent?.trim();
      return { screen: visible.map((e) => e.id).filter(Boolean).join(","), title: text("result-title"), body: text("result-text"), error: text("error") };
    });
    throw new Error(`${error.message}\nthe page shows: ${JSON.stringify(shown)}`);
  }
}

/** Waits until the CLI device sees a pending request; returns the `list` output. */
async function waitPending() {
  for (let i = 0; i < 60; i++) {
    const listed = await cli(["list", "--key", key]);
    if (!listed.stdout.includes("No pending requests")) return listed.stdout;
    await sleep(250);
  }
  throw new Error("no request reached the device");
}

before(async () => {
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1100, height: 820 } });
  page.on("console", (m) => m.type() === "error" && console.error("page:", m.text()));
  page.on("pageerror", (e) => console.error("page error:", e.message));
  await page.goto(`${base}/demo/`);
  await page.getByTestId("username").fill(user);
  await page.getByTestId("username").dispatchEvent("change");
});
after(async () => {
  await browser?.close();
});

describe("demo site", () => {
  test("enrol: the QR link enrols the CLI authenticator", async () => {
    await page.screenshot({ path: join(artifacts, "demo-home.png") });
    await page.getByTestId("go-enroll").click();
    await page.getByTestId("qr").locator("svg").waitFor();
    const link = await page.getByTestId("enroll-link").inputValue();
    assert.match(link, new RegExp(`^${base}/authenticator/#enroll=`));
    await page.screenshot({ path: join(artifacts, "demo-enroll.png") });
    const res = await cli(["enroll", link, "--key", key, "--name", "Demo CLI"]);
    assert.equal(res.code, 0, res.stderr);
    await page.getByText("Done").click();
  });

  test("sign in approved with the number shown on the page", async () => {
    await page.getByTestId("go-signin").click();
    const number = await shownNumber();
    await page.screenshot({ path: join(artifacts, "demo-signin-waiting.png") });
    await waitPending();
    const ok = await cli(["approve", "--key", key, "--code", number]);
    assert.equal(ok.code, 0, ok.stderr);
    await resultTitle(`Signed in as ${user}`, 15_000);
    await page.screenshot({ path: join(artifacts, "demo-signed-in.png") });
    await page.getByText("Back to start").click();
  });

  test("a wrong number is rejected, then the right one approves", async () => {
    await page.getByTestId("go-signin").click();
    const number = await shownNumber();
    await waitPending();
    const wrong = String((Number(number) + 7) % 1000).padStart(3, "0");
    const bad = await cli(["approve", "--key", key, "--code", wrong]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /does not match/);
    assert.equal(await page.getByText("Waiting for your approval").isVisible(), true, "still waiting");
    assert.equal((await cli(["approve", "--key", key, "--code", number])).code, 0);
    await resultTitle("Signed in", 15_000);
    await page.getByText("Back to start").click();
  });

  test("sign in denied", async () => {
    await page.getByTestId("go-signin").click();
    await shownNumber();
    await waitPending();
    assert.equal((await cli(["deny", "--key", key])).code, 0);
    await resultTitle("Not signed in", 15_000);
    assert.match(await page.locator("#result-text").textContent(), /denied/);
    await page.screenshot({ path: join(artifacts, "demo-denied.png") });
    await page.getByText("Back to start").click();
  });

  test("three wrong numbers: not signed in, and the page says the request was cancelled", async () => {
    await page.getByTestId("go-signin").click();
    const number = await shownNumber();
    await waitPending();
    for (const n of [1, 2, 3]) {
      const wrong = String((Number(number) + n) % 1000).padStart(3, "0");
      assert.equal((await cli(["approve", "--key", key, "--code", wrong])).code, 1);
    }
    await resultTitle("Not signed in", 15_000);
    assert.match(await page.locator("#result-text").textContent(), /cancelled: a wrong number was entered on your device three times/);
    await page.getByText("Back to start").click();
  });

  test("sign in expired", async () => {
    const patch = (challengeSecs) => call("PATCH", "/admin/tenants/dev", { headers: admin, body: { challengeSecs } });
    assert.equal((await patch(10)).status, 200);
    try {
      await page.getByTestId("go-signin").click();
      await shownNumber();
      await resultTitle("Not signed in", 25_000);
      assert.match(await page.locator("#result-text").textContent(), /not answered in time/);
    } finally {
      await patch(120);
    }
    await page.getByText("Back to start").click();
  });

  test("payment approved with a custom button; the callback reaches the demo backend", async () => {
    await page.getByTestId("go-pay").click();
    await page.getByTestId("amount").fill("12.50");
    const started = page.waitForResponse((r) => r.url().endsWith("/demo/api/payment") && r.request().method() === "POST");
    await page.getByTestId("pay-send").click();
    paymentGuid = (await (await started).json()).guid;
    const shown = page.getByTestId("confirmation-code");
    await shown.filter({ hasText: /^\d{6}$/ }).waitFor({ timeout: 15_000 });
    const code = await shown.textContent();
    const listed = await waitPending();
    assert.match(listed, /\[1\] Pay €12.50/);
    assert.match(listed, /\[3\] Report fraud/);
    assert.match(listed, new RegExp(`Confirmation code ${code}`));
    await page.screenshot({ path: join(artifacts, "demo-payment-waiting.png") });
    assert.equal((await cli(["approve", "--key", key, "--button", "1"])).code, 0);
    await resultTitle("Payment approved", 20_000);
    assert.match(await page.locator("#result-text").textContent(), /Pay €12.50/);
    await page.screenshot({ path: join(artifacts, "demo-payment-approved.png") });
  });

  test("the payment's evidence: the core (pushauth-device verify) and the /evidence/ page accept it, and refuse it tampered", async () => {
    assert.ok(paymentGuid, "the payment test ran first");
    const res = await call("GET", `/request/${paymentGuid}/evidence`, { headers: basic(devTenant.secret) });
    assert.equal(res.status, 200, res.text);
    const evidence = res.json;
    assert.equal(evidence.challenge.content, "Pay €12.50 to Bob's Bikes?");
    assert.equal(evidence.choice.button, 0, "the CLI's button 1 is the protocol's 0: Pay");
    assert.equal(evidence.result.status, "approved");
    // The same document by the action, through the user (no routing record needed).
    const logged = await call("GET", `/v1/users/${user}/actions`, { headers: basic(devTenant.secret) });
    const action = logged.json.find((a) => a.challengeId === paymentGuid);
    assert.ok(action, `the payment is in ${user}'s actions: ${logged.text}`);
    const byAction = await call("GET", `/v1/users/${user}/actions/${encodeURIComponent(action.actionCode)}/${encodeURIComponent(action.idempotencyKey)}/evidence`, {
      headers: basic(devTenant.secret),
    });
    assert.deepEqual(byAction.json, evidence);

    const tampered = structuredClone(evidence);
    tampered.challenge.content = tampered.challenge.content.replace("12.50", "1250.00");
    const save = (name, doc) => {
      const file = join(dir, name);
      writeFileSync(file, JSON.stringify(doc));
      return file;
    };
    const core = await cliJson(["verify", save("payment.json", evidence)]);
    assert.equal(core.code, 0, core.stderr);
    assert.equal(core.json.verdict.approved, true);
    assert.equal(core.json.verdict.buttonTitle, "Pay €12.50");
    const coreTampered = await cliJson(["verify", save("tampered.json", tampered)]);
    assert.equal(coreTampered.error.errorCode, "signature_mismatch");

    const evidencePage = await browser.newPage({ viewport: { width: 420, height: 900 } });
    try {
      await evidencePage.goto(`${base}/evidence/`);
      const check = async (doc) => {
        await evidencePage.getByTestId("doc").fill(JSON.stringify(doc, null, 1));
        await evidencePage.evaluate(() => delete document.getElementById("verdict").dataset.verdict);
        await evidencePage.getByTestId("check").click();
        await evidencePage.waitForFunction(() => document.getElementById("verdict").dataset.verdict);
        return evidencePage.getByTestId("verdict").getAttribute("data-verdict");
      };
      assert.equal(await check(evidence), "valid");
      assert.match(await evidencePage.getByTestId("facts").textContent(), /Pay €12\.50/);
      await evidencePage.screenshot({ path: join(artifacts, "demo-payment-evidence.png") });
      assert.equal(await check(tampered), "signature_mismatch");
    } finally {
      await evidencePage.close();
    }
  });
});
