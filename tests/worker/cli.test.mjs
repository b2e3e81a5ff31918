// The CLI authenticator (pushauth-device) against the Worker: enrol from a link, approve with
// the number, deny "not me", watch (for people and as JSON lines), rename and remove, and for
// every failure a clear sentence and the documented exit code (crates/pushauth-device/README.md).
// Results are read from `--json`; the sentences people see are checked where they are the point.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { base, basic, bearer, call, createTenant, sleep, track, verify } from "../support/api.mjs";
import { freePort } from "../support/receiver.mjs";
import { cli, cliJson, deviceBin as bin, watchJson } from "../support/cli.mjs";

/** The exit codes, as the crate's README documents them. */
const EXIT = { done: 0, refused: 1, usage: 2, unreachable: 3, nothingPending: 4, keyFile: 5 };

function keyFile() {
  return join(mkdtempSync(join(tmpdir(), "pushauth-cli-")), "device.json");
}

async function enrolCli(t, user) {
  const { token } = await track(t, user, "enroll", { scope: "add:authenticators" });
  const key = keyFile();
  const res = await cliJson(["enroll", `${base}/authenticator/#enroll=${token}`, "--key", key, "--name", "Test laptop"]);
  assert.equal(res.code, EXIT.done, res.stderr);
  assert.equal(res.json.userId, user);
  assert.equal(res.json.tenantId, t.id);
  assert.equal(res.json.baseUrl, base);
  assert.equal(res.json.deviceName, "Test laptop");
  assert.equal(res.json.keyFile, key);
  return key;
}

async function startPush(t, user) {
  const { token } = await track(t, user);
  const res = await call("POST", "/v1/client/challenge/push", { headers: bearer(token), body: { action: "signIn" } });
  assert.equal(res.status, 200, res.text);
  return { token, ...res.json };
}

describe("CLI authenticator", () => {
  test("enroll from a link: key file 0600, device listed for the user", async () => {
    const t = await createTenant();
    const key = await enrolCli(t, "cli-1");
    assert.equal(statSync(key).mode & 0o777, 0o600);
    const list = await call("GET", "/v1/users/cli-1/authenticators", { headers: basic(t.secret) });
    assert.equal(list.json.length, 1);
    assert.equal(list.json[0].deviceName, "Test laptop");
    assert.equal(list.json[0].devicePlatform, "cli");
    const again = await cliJson(["enroll", `${base}/authenticator/#enroll=x.y.z`, "--key", key]);
    assert.equal(again.code, EXIT.keyFile);
    assert.equal(again.error.errorCode, "already_enrolled");
    assert.equal(again.error.exitCode, EXIT.keyFile);
    assert.match(again.error.errorDescription, /already enrolled/);
  });

  test("approve with the number; without it or with a wrong one, a refusal (exit 1)", async () => {
    const t = await createTenant({ numberMatching: true });
    const key = await enrolCli(t, "cli-2");
    const { token, challengeId, verificationCode } = await startPush(t, "cli-2");
    const listed = await cliJson(["list", "--key", key]);
    assert.equal(listed.code, EXIT.done, listed.stderr);
    assert.equal(listed.json.tenantName, `Test ${t.id}`);
    const [view] = listed.json.challenges;
    assert.equal(view.challengeId, challengeId);
    assert.equal(view.userId, "cli-2");
    assert.equal(view.numberMatchRequired, true);
    assert.equal(view.verificationCode, undefined, "the device is never told the number");

    const noCode = await cliJson(["approve", "--key", key]);
    assert.equal(noCode.code, EXIT.refused);
    assert.equal(noCode.error.errorCode, "number_match_required");
    assert.match(noCode.error.errorDescription, /needs the number shown on the sign-in screen/);

    const wrong = String((Number(verificationCode) + 1) % 1000).padStart(3, "0");
    const bad = await cliJson(["approve", "--key", key, "--code", wrong]);
    assert.equal(bad.code, EXIT.refused, "refused by the service");
    assert.equal(bad.error.errorCode, "number_mismatch");
    assert.equal(typeof bad.error.httpStatus, "number");
    assert.match(bad.error.errorDescription, /does not match/);
    assert.equal(bad.stdout, "");

    const ok = await cliJson(["approve", "--key", key, "--challenge", challengeId, "--code", verificationCode]);
    assert.equal(ok.code, EXIT.done, ok.stderr);
    assert.deepEqual(ok.json, {
      tenantName: `Test ${t.id}`,
      challengeId,
      action: "signIn",
      button: 1,
      buttonTitle: view.buttons[0].title,
      status: "approved",
    });
    assert.equal((await verify(token, challengeId)).json.isVerified, true);

    const twice = await cliJson(["approve", "--key", key, "--challenge", challengeId, "--code", verificationCode]);
    assert.equal(twice.code, EXIT.nothingPending);
    assert.equal(twice.error.errorCode, "challenge_not_found");
  });

  test("the third wrong number cancels the request: too_many_attempts, exit 1, a sentence that says so", async () => {
    const t = await createTenant({ numberMatching: true });
    const key = await enrolCli(t, "cli-2b");
    const { token, challengeId, verificationCode } = await startPush(t, "cli-2b");
    const wrong = (n) => String((Number(verificationCode) + n) % 1000).padStart(3, "0");
    for (const n of [1, 2]) {
      const bad = await cliJson(["approve", "--key", key, "--code", wrong(n)]);
      assert.equal(bad.code, EXIT.refused, bad.stderr);
      assert.equal(bad.error.errorCode, "number_mismatch");
    }
    const third = await cli(["approve", "--key", key, "--code", wrong(3)]);
    assert.equal(third.code, EXIT.refused, third.stderr);
    assert.equal(
      third.stderr.trim(),
      "pushauth-device: the number was wrong too many times, so the request was cancelled; start the sign-in again",
    );
    const polled = await verify(token, challengeId);
    assert.equal(polled.json.isConsumed, true);
    assert.equal(polled.json.isVerified, false);
    assert.equal(polled.json.failureReason, "too_many_attempts");
    const after = await cliJson(["approve", "--key", key, "--challenge", challengeId, "--code", verificationCode]);
    assert.equal(after.code, EXIT.nothingPending, "no longer pending");
  });

  test("deny --not-me blocks further pushes", async () => {
    const t = await createTenant();
    const key = await enrolCli(t, "cli-3");
    const { token, challengeId } = await startPush(t, "cli-3");
    const res = await cliJson(["deny", "--key", key, "--not-me"]);
    assert.equal(res.code, EXIT.done, res.stderr);
    assert.equal(res.json.challengeId, challengeId);
    assert.equal(res.json.status, "denied");
    assert.equal((await verify(token, challengeId)).json.status, "denied");
    const { token: next } = await track(t, "cli-3");
    const blocked = await call("POST", "/v1/client/challenge/push", { headers: bearer(next), body: {} });
    assert.equal(blocked.json.errorCode, "push_blocked");
  });

  test("watch: shows the request and answers what is typed (the words people see)", async () => {
    const t = await createTenant({ numberMatching: true });
    const key = await enrolCli(t, "cli-4");
    const child = spawn(bin, ["watch", "--key", key], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (c) => (out += c));
    const { token, challengeId, verificationCode } = await startPush(t, "cli-4");
    for (let i = 0; i < 60 && !out.includes("Your answer"); i++) await sleep(250);
    assert.match(out, /Watching for requests for cli-4/);
    assert.match(out, /signIn for cli-4/);
    assert.match(out, /\[1\] Approve/);
    assert.match(out, /type the number shown on the sign-in screen/);
    child.stdin.write("1\n");
    for (let i = 0; i < 40 && !out.includes("Number shown"); i++) await sleep(100);
    child.stdin.write(`${verificationCode}\n`);
    for (let i = 0; i < 60 && !out.includes("Sent:"); i++) await sleep(250);
    child.stdin.end();
    child.kill();
    assert.match(out, /Sent: approved/);
    assert.equal((await verify(token, challengeId)).json.isVerified, true);
  });

  test("watch --json: one event per line, answers on stdin", async () => {
    const t = await createTenant({ numberMatching: true });
    const key = await enrolCli(t, "cli-6");
    const watch = watchJson(key);
    try {
      assert.deepEqual(await watch.next("watching"), { event: "watching", userId: "cli-6" });
      const first = await startPush(t, "cli-6");
      const request = await watch.next("request");
      assert.equal(request.challenge.challengeId, first.challengeId);
      assert.equal(request.challenge.numberMatchRequired, true);
      assert.equal(request.tenantName, `Test ${t.id}`);
      watch.send("1");
      assert.deepEqual(await watch.next("numberNeeded"), { event: "numberNeeded", challengeId: first.challengeId });
      const wrong = String((Number(first.verificationCode) + 1) % 1000).padStart(3, "0");
      watch.send(wrong);
      const refused = await watch.next("notSent");
      assert.equal(refused.challengeId, first.challengeId);
      assert.equal(refused.errorCode, "number_mismatch");

      const second = await startPush(t, "cli-6");
      assert.equal((await watch.next("request")).challenge.challengeId, second.challengeId);
      watch.send("1");
      await watch.next("numberNeeded");
      watch.send(second.verificationCode);
      assert.deepEqual(await watch.next("answered"), {
        event: "answered",
        challengeId: second.challengeId,
        button: 1,
        status: "approved",
      });
      assert.equal((await verify(second.token, second.challengeId)).json.isVerified, true);
    } finally {
      watch.stop();
    }
  });

  test("rename and remove; afterwards the service refuses the device (exit 1)", async () => {
    const t = await createTenant();
    const key = await enrolCli(t, "cli-7");
    const renamed = await cli(["rename", "--key", key, "Renamed laptop"]);
    assert.equal(renamed.code, EXIT.done, renamed.stderr);
    assert.match(renamed.stdout, /Renamed to "Renamed laptop"/);
    const list = await call("GET", "/v1/users/cli-7/authenticators", { headers: basic(t.secret) });
    assert.equal(list.json[0].deviceName, "Renamed laptop");

    // A copy of the enrolment, kept before the device is removed.
    const copy = keyFile();
    writeFileSync(copy, readFileSync(key), { mode: 0o600 });
    const removed = await cli(["remove", "--key", key]);
    assert.equal(removed.code, EXIT.done, removed.stderr);
    assert.match(removed.stdout, /Removed this device/);
    const gone = await cliJson(["list", "--key", copy]);
    assert.equal(gone.code, EXIT.refused, "refused by the service");
    assert.equal(gone.error.errorCode, "invalid_credential");
    assert.equal(gone.error.exitCode, EXIT.refused);
    const words = await cli(["list", "--key", copy]);
    assert.equal(words.code, EXIT.refused);
    assert.match(words.stderr, /^pushauth-device: this device is not enrolled \(any more\)/);

    const badToken = await cliJson(["enroll", `${base}/authenticator/#enroll=x.y.z`, "--key", keyFile()]);
    assert.equal(badToken.code, EXIT.refused, badToken.stderr);
    assert.equal(typeof badToken.error.httpStatus, "number");
  });

  test("clear messages and exit codes: key missing, nothing pending, unreachable, not a link", async () => {
    const missing = await cli(["list", "--key", join(tmpdir(), "no-such-dir", "device.json")]);
    assert.equal(missing.code, EXIT.keyFile);
    assert.match(missing.stderr, /no device key yet/);

    const t = await createTenant();
    const key = await enrolCli(t, "cli-5");
    const none = await cli(["approve", "--key", key]);
    assert.equal(none.code, EXIT.nothingPending);
    assert.match(none.stderr, /no pending request/);
    const empty = await cli(["list", "--key", key]);
    assert.equal(empty.code, EXIT.done);
    assert.equal(empty.stdout, "No pending requests.\n");
    assert.deepEqual((await cliJson(["list", "--key", key])).json, { tenantName: `Test ${t.id}`, challenges: [] });

    const port = await freePort();
    const stale = keyFile();
    const enrolled = JSON.parse(readFileSync(key, "utf8"));
    writeFileSync(stale, JSON.stringify({ ...enrolled, baseUrl: `http://127.0.0.1:${port}` }), { mode: 0o600 });
    const down = await cli(["list", "--key", stale]);
    assert.equal(down.code, EXIT.unreachable);
    assert.match(down.stderr, /cannot be reached/);

    const badLink = await cli(["enroll", "https://example.com/nothing", "--key", keyFile()]);
    assert.equal(badLink.code, EXIT.usage);
    assert.match(badLink.stderr, /not an enrolment link/);

    const typo = await cli(["approve", "--key", key, "--chalenge", "x"]);
    assert.equal(typo.code, EXIT.usage);
    assert.match(typo.stderr, /'--chalenge'/);
    assert.match(typo.stderr, /'--challenge'/);
  });
});
