// The evidence page (www/evidence/) in real headless Chromium: every case of tests/vectors/
// evidence.json (made by the Rust core, whose verdicts `pushauth-device verify` shares) gets the
// core's verdict from the page's WebCrypto check; and a live payment's evidence, answered by the
// CLI device and fetched from the Worker, is valid in the page, a tampered copy is not.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Device, answer, base, basic, call, createTenant, enrol, pendingView, root } from "../support/api.mjs";
import { artifacts, launchBrowser } from "../support/browser.mjs";

const cases = JSON.parse(readFileSync(join(root, "tests", "vectors", "evidence.json"), "utf8")).cases;

let browser;
let page;
before(async () => {
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 420, height: 900 } });
  page.on("pageerror", (e) => console.error("page error:", e.message));
  const res = await page.goto(`${base}/evidence/`);
  assert.equal(res.status(), 200);
});
after(async () => {
  await browser?.close();
});

/** Pastes `doc` (an object, or raw text) and answers the verdict the page shows. */
async function check(doc) {
  await page.getByTestId("doc").fill(typeof doc === "string" ? doc : JSON.stringify(doc, null, 1));
  await page.evaluate(() => delete document.getElementById("verdict").dataset.verdict);
  await page.getByTestId("check").click();
  await page.waitForFunction(() => document.getElementById("verdict").dataset.verdict);
  return page.getByTestId("verdict").getAttribute("data-verdict");
}

describe("the evidence page", () => {
  test("gives every vector the core's verdict", async () => {
    assert.ok(cases.length >= 6);
    for (const c of cases) {
      assert.equal(await check(c.evidence), c.verdict, c.name);
    }
    assert.equal(await check("{not json"), "not_json");
    assert.equal(await check({ ...cases[0].evidence, version: 2 }), "unsupported_version");
  });

  test("a live payment's evidence is valid; a tampered copy is refused", async () => {
    const t = await createTenant();
    const phone = new Device();
    await enrol(t, "payer", phone);
    const add = await call("POST", "/request/add", {
      headers: basic(t.secret),
      body: { accountId: "payer", content: "Pay 49.90 EUR to ACME", duration: "5m" },
    });
    assert.equal(add.status, 200, add.text);
    const guid = add.json.guid;
    const view = await pendingView(t, phone, guid);
    assert.equal((await answer(guid, phone.answer(view, 0))).status, 200);
    const evidence = (await call("GET", `/request/${guid}/evidence`, { headers: basic(t.secret) })).json;

    assert.equal(await check(evidence), "valid");
    const facts = await page.getByTestId("facts").textContent();
    assert.match(facts, /Pay 49\.90 EUR to ACME/);
    assert.match(facts, /payer/);
    await page.screenshot({ path: join(artifacts, "evidence-valid.png") });

    const tampered = structuredClone(evidence);
    tampered.challenge.content = "Pay 4990 EUR to ACME";
    assert.equal(await check(tampered), "signature_mismatch");
    const flipped = structuredClone(evidence);
    flipped.result.status = "denied";
    assert.equal(await check(flipped), "result_mismatch");
    await page.screenshot({ path: join(artifacts, "evidence-refused.png") });
  });
});
