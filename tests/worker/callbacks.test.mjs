// Callbacks that are never lost, and push webhooks that never fail a challenge. Receivers are
// real HTTP servers on loopback; signatures are checked by the real @authsignal/node
// webhook.constructEvent and by the Standard Webhooks reference verifier.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Authsignal } from "@authsignal/node";
import { Webhook } from "standardwebhooks";
import { Device, answer, basic, call, createTenant, enrol, pendingView, sleep, startChallenge, verify } from "../support/api.mjs";
import { Receiver, freePort } from "../support/receiver.mjs";


function checkSignatures(t, delivery) {
  const authsignal = new Authsignal({ apiSecretKey: t.secret, apiUrl: "http://unused.invalid/v1" });
  const event = authsignal.webhook.constructEvent(delivery.body, delivery.headers["x-signature-v2"]);
  const wh = new Webhook(t.webhookSecret);
  const verified = wh.verify(delivery.body, {
    "webhook-id": delivery.headers["webhook-id"],
    "webhook-timestamp": delivery.headers["webhook-timestamp"],
    "webhook-signature": delivery.headers["webhook-signature"],
  });
  assert.deepEqual(verified, event);
  // A changed body fails both.
  assert.throws(() => authsignal.webhook.constructEvent(`${delivery.body} `, delivery.headers["x-signature-v2"]));
  assert.throws(() => wh.verify(`${delivery.body} `, { ...delivery.headers }));
  return event;
}

describe("callbacks and webhooks", () => {
  test("a callback whose receiver is down at first lands once it is up, once per delivery id, signed both ways", async () => {
    const receiver = new Receiver(await freePort());
    const t = await createTenant({ callbackUrls: [receiver.url] });
    const phone = new Device();
    await enrol(t, "cb-user", phone);
    const added = await call("POST", "/request/add", {
      headers: basic(t.secret),
      body: { accountId: "cb-user", content: "Log in?", callback: receiver.url, additionalInfo: { viewType: "html" } },
    });
    const guid = added.json.guid;
    const view = await pendingView(t, phone, guid);
    assert.equal((await answer(guid, phone.answer(view, 0))).status, 200);

    // The first attempt (right after the answer) hits a closed port and is recorded.
    let log;
    for (let i = 0; i < 40; i++) {
      log = (await call("GET", `/request/${guid}/deliveries`, { headers: basic(t.secret) })).json.deliveries;
      const cb = log.find((d) => d.event === "request.processed");
      if (cb && cb.attemptCount >= 1) break;
      await sleep(250);
    }
    const pending = log.find((d) => d.event === "request.processed");
    assert.equal(pending.state, "pending", JSON.stringify(pending));
    assert.ok(pending.attempts[0].error, "the failed attempt records its network error");

    // The user's object retries by its alarm when the retry is due (1 s in tests, 60 s
    // deployed); nothing else has to run.
    await receiver.start();
    await receiver.waitFor((r) => r.length === 1);
    await sleep(2_500); // past the next retry time: a delivered callback is not sent again
    assert.equal(receiver.received.length, 1, "delivered exactly once");

    const got = receiver.received[0];
    assert.equal(got.headers["content-type"], "application/json");
    assert.equal(got.headers["webhook-id"], `${guid}.request.processed`);
    const body = checkSignatures(t, got);
    assert.equal(body.guid, guid);
    assert.equal(body.buttonSelected, 0);
    assert.equal(body.responseContent, "Approve");
    assert.equal(body.content, "Log in?");
    assert.deepEqual(body.additionalInfo, { viewType: "html" });
    assert.equal(body.notificationTitle, "Authentication Request");
    assert.equal(body.state, "approved");

    const after = (await call("GET", `/request/${guid}/deliveries`, { headers: basic(t.secret) })).json.deliveries;
    const delivered = after.find((d) => d.event === "request.processed");
    assert.equal(delivered.state, "delivered");
    assert.equal(delivered.attempts.at(-1).status, 200);
    await receiver.stop();
  });

  test("an unanswered request's callback reports its expiry", async () => {
    const receiver = await new Receiver(await freePort()).start();
    const t = await createTenant({ callbackUrls: [receiver.url] });
    const phone = new Device();
    await enrol(t, "cb-expire", phone);
    const added = await call("POST", "/request/add", {
      headers: basic(t.secret),
      body: { accountId: "cb-expire", callback: receiver.url, duration: "10s", transactionId: "T-1" },
    });
    // Nobody answers: the object's alarm fires at the expiry and sends the callback.
    await receiver.waitFor((r) => r.length === 1, 15_000);
    const body = checkSignatures(t, receiver.received[0]);
    assert.equal(body.guid, added.json.guid);
    assert.equal(body.state, "expired");
    assert.equal(body.buttonSelected, null);
    assert.equal(body.transactionId, "T-1");
    await sleep(2_000);
    assert.equal(receiver.received.length, 1);
    await receiver.stop();
  });

  test("push.created goes to the push webhook, signed; a failing webhook never fails the challenge", async () => {
    const ok = await new Receiver(await freePort()).start();
    const t = await createTenant({ pushWebhookUrl: ok.url });
    const phone = new Device();
    await enrol(t, "wh-user", phone);
    await call("PATCH", `/v1/device/credential`, {
      headers: phone.headers(t.id, "PATCH", "/v1/device/credential", JSON.stringify({ pushToken: "fcm-token-1" })),
      raw: JSON.stringify({ pushToken: "fcm-token-1" }),
    });
    const { challengeId } = await startChallenge(t, "wh-user", "signIn", { ipAddress: "192.0.2.1" });
    // The enrolment's authenticator.created went to the same webhook first.
    const isPush = (r) => JSON.parse(r.body).type === "push.created";
    await ok.waitFor((r) => r.filter(isPush).length === 1);
    const event = checkSignatures(t, ok.received.find(isPush));
    assert.equal(event.type, "push.created");
    assert.equal(event.version, 1);
    assert.equal(event.tenantId, t.id);
    assert.equal(event.data.challengeId, challengeId);
    assert.equal(event.data.userId, "wh-user");
    assert.equal(event.data.context.ipAddress, "192.0.2.1");
    assert.equal(event.data.ipAddress, "192.0.2.1", "where Authsignal puts it");
    assert.equal(event.data.actionCode, "signIn");
    assert.equal(event.data.devices[0].pushToken, "fcm-token-1");
    await ok.stop();

    // Now the webhook answers 500: the challenge still starts and completes.
    const failing = await new Receiver(await freePort(), 500).start();
    await call("PATCH", `/admin/tenants/${t.id}`, {
      headers: { authorization: `Bearer ${(await import("../support/api.mjs")).devVars.ADMIN_TOKEN}` },
      body: { pushWebhookUrl: failing.url },
    });
    const second = await startChallenge(t, "wh-user", "withdraw");
    const view = await pendingView(t, phone, second.challengeId);
    assert.equal((await answer(second.challengeId, phone.answer(view, 0))).status, 200);
    assert.equal((await verify(second.token, second.challengeId)).json.isVerified, true);
    await failing.waitFor((r) => r.length >= 1);
    let recorded;
    for (let i = 0; i < 40 && !recorded; i++) {
      const log = (await call("GET", `/v1/challenges/${second.challengeId}/deliveries`, { headers: basic(t.secret) })).json.deliveries;
      recorded = log.find((d) => d.event === "push.created" && d.attemptCount >= 1);
      if (!recorded) await sleep(250);
    }
    assert.ok(recorded, "the failed push webhook is recorded and visible");
    assert.equal(recorded.attempts[0].status, 500);
    await failing.stop();
  });
});
