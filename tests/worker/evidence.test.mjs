// Evidence anyone can check: a Privakey payment request answered by the CLI device, its evidence
// fetched by id and verified offline by `pushauth-device verify`; a tampered copy is refused,
// and another tenant cannot read it. A plain sign-in's evidence by its action; evidenceDays.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Device, admin, answer, basic, call, createTenant, enrol, pendingView, startChallenge } from "../support/api.mjs";
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

test("a plain sign-in's evidence, by its action through the user: the same document, its tenant only, kept by deleteUser unless asked", async () => {
  const t = await createTenant(); // no webhook, no callback: the sign-in writes no routing record
  const other = await createTenant();
  const phone = new Device();
  await enrol(t, "signer", phone);
  const { token, challengeId } = await startChallenge(t, "signer");
  const view = await pendingView(t, phone, challengeId);
  const body = phone.answer(view, 0);
  assert.equal((await answer(challengeId, body)).status, 200);
  const { idempotencyKey } = (await call("GET", "/v1/users/signer/actions", { headers: basic(t.secret) })).json.find(
    (a) => a.challengeId === challengeId,
  );
  const path = `/v1/users/signer/actions/signIn/${encodeURIComponent(idempotencyKey)}/evidence`;

  // Not reachable by id (no routing record), reachable by action.
  assert.equal((await call("GET", `/v1/challenges/${challengeId}/evidence`, { headers: basic(t.secret) })).status, 404);
  const res = await call("GET", path, { headers: basic(t.secret) });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.version, 1);
  assert.deepEqual(res.json.challenge, view);
  assert.equal(res.json.signature, body.signature);
  const ok = await cliJson(["verify", saved("signin.json", res.json)]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.json.verdict.action, "signIn");
  assert.ok(token);

  // Another tenant: the same path names its own (absent) user.
  const notMine = await call("GET", path, { headers: basic(other.secret) });
  assert.equal(`${notMine.status} ${notMine.json.errorCode}`, "404 action_not_found");
  assert.equal((await call("GET", path)).status, 401);

  // deleteUser keeps it (found without the action log, which it deleted) unless asked.
  const kept = await call("DELETE", "/v1/users/signer", { headers: basic(t.secret) });
  assert.equal(kept.status, 200, kept.text);
  assert.equal(kept.json.deletedEvidence, undefined);
  assert.deepEqual((await call("GET", path, { headers: basic(t.secret) })).json, res.json);
  const erased = await call("DELETE", "/v1/users/signer?deleteEvidence=true", { headers: basic(t.secret) });
  assert.equal(erased.json.deletedEvidence, 1, erased.text);
  const gone = await call("GET", path, { headers: basic(t.secret) });
  assert.equal(`${gone.status} ${gone.json.errorCode}`, "404 action_not_found");
});

test("evidenceDays: 0 keeps no evidence; out of range is refused", async () => {
  const t = await createTenant({ evidenceDays: 0 });
  assert.equal(t.tenant.evidenceDays, 0);
  const phone = new Device();
  await enrol(t, "payer", phone);
  const add = await call("POST", "/request/add", { headers: basic(t.secret), body: { accountId: "payer", content: "Pay 1 EUR", duration: "5m" } });
  const view = await pendingView(t, phone, add.json.guid);
  assert.equal((await answer(add.json.guid, phone.answer(view, 0))).status, 200);
  const none = await call("GET", `/request/${add.json.guid}/evidence`, { headers: basic(t.secret) });
  assert.equal(`${none.status} ${none.json.errorCode}`, "404 evidence_not_found");
  const tooLong = await call("PATCH", `/admin/tenants/${t.id}`, { headers: admin, body: { evidenceDays: 3651 } });
  assert.equal(`${tooLong.status} ${tooLong.json.errorCode}`, "400 value_out_of_range");
  const year = await call("PATCH", `/admin/tenants/${t.id}`, { headers: admin, body: { evidenceDays: 365 } });
  assert.equal(year.json.evidenceDays, 365);
});
