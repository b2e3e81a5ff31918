// The CLI authenticator (pushauth-device) against the Worker: enrol from a link, approve with
// the number, deny "not me", interactive watch, and clear messages for every failure.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { base, bearer, call, createTenant, sleep, track, verify } from "../support/api.mjs";
import { freePort } from "../support/receiver.mjs";
import { cli, deviceBin as bin } from "../support/cli.mjs";

function keyFile() {
  return join(mkdtempSync(join(tmpdir(), "pushauth-cli-")), "device.json");
}

async function enrolCli(t, user) {
  const { token } = await track(t, user, "enroll", { scope: "add:authenticators" });
  const key = keyFile();
  const res = await cli(["enroll", `${base}/authenticator/#enroll=${token}`, "--key", key, "--name", "Test laptop"]);
  assert.equal(res.code, 0, res.stderr);
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
    const list = await call("GET", "/v1/users/cli-1/authenticators", { headers: { authorization: `Basic ${Buffer.from(`${t.secret}:`).toString("base64")}` } });
    assert.equal(list.json.length, 1);
    assert.equal(list.json[0].deviceName, "Test laptop");
    assert.equal(list.json[0].devicePlatform, "cli");
    const again = await cli(["enroll", `${base}/authenticator/#enroll=x.y.z`, "--key", key]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already enrolled/);
  });

  test("approve with the number; without it or with a wrong one, a clear refusal", async () => {
    const t = await createTenant({ numberMatching: true });
    const key = await enrolCli(t, "cli-2");
    const { token, challengeId, verificationCode } = await startPush(t, "cli-2");
    const listed = await cli(["list", "--key", key]);
    assert.match(listed.stdout, new RegExp(challengeId));
    assert.match(listed.stdout, /type the number shown on the sign-in screen/);
    const noCode = await cli(["approve", "--key", key]);
    assert.equal(noCode.code, 1);
    assert.match(noCode.stderr, /needs the number shown on the sign-in screen/);
    const wrong = String((Number(verificationCode) + 1) % 1000).padStart(3, "0");
    const bad = await cli(["approve", "--key", key, "--code", wrong]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /does not match/);
    const ok = await cli(["approve", "--key", key, "--challenge", challengeId, "--code", verificationCode]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /approved/);
    assert.equal((await verify(token, challengeId)).json.isVerified, true);
  });

  test("deny --not-me blocks further pushes", async () => {
    const t = await createTenant();
    const key = await enrolCli(t, "cli-3");
    const { token, challengeId } = await startPush(t, "cli-3");
    const res = await cli(["deny", "--key", key, "--not-me"]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /denied/);
    assert.equal((await verify(token, challengeId)).json.status, "denied");
    const { token: next } = await track(t, "cli-3");
    const blocked = await call("POST", "/v1/client/challenge/push", { headers: bearer(next), body: {} });
    assert.equal(blocked.json.errorCode, "push_blocked");
  });

  test("watch: shows the request and answers what is typed", async () => {
    const t = await createTenant({ numberMatching: true });
    const key = await enrolCli(t, "cli-4");
    const child = spawn(bin, ["watch", "--key", key], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (c) => (out += c));
    const { token, challengeId, verificationCode } = await startPush(t, "cli-4");
    for (let i = 0; i < 60 && !out.includes("Your answer"); i++) await sleep(250);
    assert.match(out, /signIn for cli-4/);
    assert.match(out, /\[1\] Approve/);
    child.stdin.write("1\n");
    for (let i = 0; i < 40 && !out.includes("Number shown"); i++) await sleep(100);
    child.stdin.write(`${verificationCode}\n`);
    for (let i = 0; i < 60 && !out.includes("Sent:"); i++) await sleep(250);
    child.stdin.end();
    child.kill();
    assert.match(out, /Sent: approved/);
    assert.equal((await verify(token, challengeId)).json.isVerified, true);
  });

  test("clear messages: key missing, service unreachable, nothing pending", async () => {
    const missing = await cli(["list", "--key", join(tmpdir(), "no-such-dir", "device.json")]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no device key yet/);

    const t = await createTenant();
    const key = await enrolCli(t, "cli-5");
    const none = await cli(["approve", "--key", key]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no pending request/);

    const port = await freePort();
    const stale = keyFile();
    const enrolled = JSON.parse((await import("node:fs")).readFileSync(key, "utf8"));
    writeFileSync(stale, JSON.stringify({ ...enrolled, baseUrl: `http://127.0.0.1:${port}` }), { mode: 0o600 });
    const down = await cli(["list", "--key", stale]);
    assert.equal(down.code, 1);
    assert.match(down.stderr, /cannot be reached/);

    const badLink = await cli(["enroll", "https://example.com/nothing", "--key", keyFile()]);
    assert.equal(badLink.code, 1);
    assert.match(badLink.stderr, /not an enrolment link/);
  });
});
