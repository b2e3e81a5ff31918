// Evidence anyone can check: a Privakey payment request answered by the CLI device, its evidence
// fetched by id and verified offline by `pushauth-device verify`; a tampered copy is refused,
// and another tenant cannot read it.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Device, answer, basic, call, createTenant, enrol, pendingView } from "../support/api.mjs";
import { cliJson } from "../support/cli.mjs";

const dir = mkdtempSync(join(tmpdir(), "pushauth-evidence-"));

function saved(name, document) {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(document));
  return file;
}

test("an answered payment's evidence verifies offline; tampered copies and other tenants do not get through", async () => {
  const t = await createTenant();
  const other = await createTenant();
  const phone = new Device();
  await enrol(t, "payer", phone);
  const add = await call("POST", "/request/add", {
    headers: basic(t.secret),
    body: {
      accountId: "payer",
      content: "Pay 49.90 EUR to ACME",
      buttons: [{ title: "Pay", strongAuth: true }, { title: "Decline", strongAuth: false }],
      duration: "5m",
    },
  });
  assert.equal(add.status, 200, add.text);
  const guid = add.json.guid;

  const early = await call("GET", `/request/${guid}/evidence`, { headers: basic(t.secret) });
  assert.equal(early.status, 404, early.text);
  assert.equal(early.json.errorCode, "evidence_not_found");

  const view = await pendingView(t, phone, guid);
  const body = phone.answer(view, 0);
  const answered = await answer(guid, body);
  assert.equal(answered.status, 200, answered.text);

  for (const path of [`/request/${guid}/evidence`, `/v1/challenges/${guid}/evidence`]) {
    const res = await call("GET", path, { headers: basic(t.secret) });
    assert.equal(res.status, 200, res.text);
    const evidence = res.json;
    assert.equal(evidence.version, 1);
    assert.deepEqual(evidence.challenge, view, "the challenge exactly as the device received it");
    assert.equal(evidence.publicKey, phone.publicKey);
    assert.equal(evidence.signature, body.signature);
    assert.equal(evidence.result.status, "approved");

    const ok = await cliJson(["verify", saved("good.json", evidence)]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.json.verdict.approved, true);
    assert.equal(ok.json.verdict.content, "Pay 49.90 EUR to ACME");
    assert.equal(ok.json.verdict.buttonTitle, "Pay");

    const amount = structuredClone(evidence);
    amount.challenge.content = "Pay 4990.00 EUR to ACME";
    const bad = await cliJson(["verify", saved("amount.json", amount)]);
    assert.equal(bad.code, 7, bad.stdout);
    assert.equal(bad.error.errorCode, "signature_mismatch");

    const payee = structuredClone(evidence);
    payee.challenge.content = "Pay 49.90 EUR to EVIL";
    assert.equal((await cliJson(["verify", saved("payee.json", payee)])).code, 7);

    const flipped = structuredClone(evidence);
    flipped.result.status = "denied";
    const mismatch = await cliJson(["verify", saved("flipped.json", flipped)]);
    assert.equal(mismatch.error.errorCode, "result_mismatch");

    const notMine = await call("GET", path, { headers: basic(other.secret) });
    assert.equal(notMine.status, 404, notMine.text);
    assert.equal(notMine.json.errorCode, "request_not_found");
  }

  const anonymous = await call("GET", `/request/${guid}/evidence`);
  assert.equal(anonymous.status, 401);
});
