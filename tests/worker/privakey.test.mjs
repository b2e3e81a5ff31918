// The Privakey CX dialect: request/add with every field and default, bad fields, getRequest,
// cancel, and the device seeing and answering such requests.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Device, answer, basic, call, createTenant, enrol, pendingView } from "../support/api.mjs";

async function add(t, body, headers = {}) {
  return call("POST", "/request/add", { headers: { ...basic(t.secret), ...headers }, body });
}

describe("Privakey request/add", () => {
  test("only accountId: every documented default", async () => {
    const t = await createTenant();
    const phone = new Device();
    await enrol(t, "acct-1", phone);
    const res = await add(t, { accountId: "acct-1" });
    assert.equal(res.status, 200, res.text);
    const r = res.json;
    assert.match(r.guid, /^[0-9a-f-]{36}$/);
    assert.equal(r.accountId, "acct-1");
    assert.equal(r.state, "pending");
    assert.deepEqual(r.buttons, [{ title: "Approve", strongAuth: true }, { title: "Reject", strongAuth: false }]);
    assert.equal(r.notificationTitle, "Authentication Request");
    assert.equal(r.notificationBody, "Authentication Request");
    assert.equal(r.showNotification, false);
    assert.equal(r.confirmationCode, null);
    assert.equal(Date.parse(r.expiresAt) - Date.parse(r.createdAt), 60_000, "duration defaults to 60s");
  });

  test("every field: custom buttons, echoed additionalInfo, duration, notification, transaction, confirmation code", async () => {
    const t = await createTenant({ callbackUrls: ["http://127.0.0.1:9/cb"] });
    const phone = new Device();
    await enrol(t, "acct-2", phone);
    const additionalInfo = "{'viewType': 'html', 'format': 'standard'}";
    const res = await add(t, {
      accountId: "acct-2",
      content: "Pay €50.00 to Bob's Bikes?",
      buttons: [
        { title: "Pay", strongAuth: true, style: "primary" },
        JSON.stringify({ title: "Not now", strongAuth: false }),
        { title: "Report fraud", strongAuth: false, style: "danger" },
      ],
      additionalInfo,
      callback: "http://127.0.0.1:9/cb",
      duration: "5m",
      notificationTitle: "Payment",
      notificationBody: "Approve a payment of €50",
      transactionId: "INV-2231",
      showConfirmationCode: true,
      showNotification: true,
    });
    assert.equal(res.status, 200, res.text);
    const r = res.json;
    assert.equal(r.additionalInfo, additionalInfo, "additionalInfo is echoed untouched");
    assert.deepEqual(r.buttons.map((b) => b.title), ["Pay", "Not now", "Report fraud"]);
    assert.equal(r.buttons[0].style, "primary");
    assert.equal(Date.parse(r.expiresAt) - Date.parse(r.createdAt), 300_000);
    assert.equal(r.notificationTitle, "Payment");
    assert.equal(r.notificationBody, "Approve a payment of €50");
    assert.equal(r.transactionId, "INV-2231");
    assert.match(r.confirmationCode, /^\d{6}$/);
    assert.equal(r.showNotification, true);
    assert.equal(r.callback, "http://127.0.0.1:9/cb");

    // The device sees the content and buttons, and answers with a custom button.
    const view = await pendingView(t, phone, r.guid);
    assert.equal(view.content, "Pay €50.00 to Bob's Bikes?");
    assert.equal(view.transactionId, "INV-2231");
    assert.equal(view.confirmationCode, r.confirmationCode);
    assert.equal(view.buttons[2].style, "danger");
    const answered = await answer(r.guid, phone.answer(view, 2, { reason: "other" }));
    assert.equal(answered.status, 200, answered.text);
    const got = await call("GET", `/request/${r.guid}`, { headers: basic(t.secret) });
    assert.equal(got.json.buttonSelected, 2);
    assert.equal(got.json.responseContent, "Report fraud");
    assert.equal(got.json.state, "denied");
    assert.equal(got.json.additionalInfo, additionalInfo);
  });

  test("form-encoded bodies work as the vendor documents them", async () => {
    const t = await createTenant();
    const phone = new Device();
    await enrol(t, "acct-3", phone);
    const form = new URLSearchParams({
      accountId: "acct-3",
      content: "Sign in?",
      showNotification: "true",
      buttons: JSON.stringify([{ title: "Yes", strongAuth: true }, { title: "No", strongAuth: false }]),
    });
    const res = await call("POST", "/request/add", {
      headers: { ...basic(t.secret), "content-type": "application/x-www-form-urlencoded" },
      raw: form.toString(),
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.showNotification, true);
    assert.deepEqual(res.json.buttons.map((b) => b.title), ["Yes", "No"]);
  });

  test("each bad field is rejected with its code", async () => {
    const t = await createTenant({ callbackUrls: ["http://127.0.0.1:9/cb"] });
    const phone = new Device();
    await enrol(t, "acct-4", phone);
    const cases = [
      [{}, "field_required"],
      [{ accountId: 7 }, "invalid_type"],
      [{ accountId: "a\u0007b" }, "invalid_characters"],
      [{ accountId: "acct-4", callback: "http://127.0.0.1:9/other" }, "callback_not_allowed"],
      [{ accountId: "acct-4", duration: "10x" }, "invalid_duration"],
      [{ accountId: "acct-4", duration: "8d" }, "duration_out_of_range"],
      [{ accountId: "acct-4", buttons: [{ title: "Only", strongAuth: true }] }, "too_few_buttons"],
      [{ accountId: "acct-4", buttons: [{ title: "A" }, { title: "B", strongAuth: false }] }, "invalid_button"],
      [{ accountId: "acct-4", buttons: [{ title: "A", strongAuth: true, style: 5 }, { title: "B", strongAuth: false }] }, "invalid_button"],
      [{ accountId: "acct-4", buttons: Array(7).fill({ title: "A", strongAuth: false }) }, "too_many_buttons"],
      [{ accountId: "acct-4", showConfirmationCode: "maybe" }, "invalid_type"],
      [{ accountId: "acct-4", content: "x".repeat(5000) }, "field_too_long"],
      [{ accountId: "nobody-enrolled" }, "no_authenticator"],
    ];
    for (const [body, code] of cases) {
      const res = await add(t, body);
      assert.equal(res.status, 400, `${JSON.stringify(body).slice(0, 80)}: ${res.text}`);
      assert.equal(res.json.errorCode, code, JSON.stringify(body).slice(0, 80));
    }
    assert.equal((await phone.pending(t.id)).json.challenges.length, 0, "no rejected request was created");
  });

  test("cancel withdraws a pending request; another tenant cannot see it", async () => {
    const t = await createTenant();
    const other = await createTenant();
    const phone = new Device();
    await enrol(t, "acct-5", phone);
    const { json } = await add(t, { accountId: "acct-5" });
    assert.equal((await call("GET", `/request/${json.guid}`, { headers: basic(other.secret) })).status, 404);
    const cancelled = await call("POST", `/request/${json.guid}/cancel`, { headers: basic(t.secret) });
    assert.equal(cancelled.json.state, "cancelled");
    assert.equal((await phone.pending(t.id)).json.challenges.length, 0);
    const again = await call("POST", `/request/${json.guid}/cancel`, { headers: basic(t.secret) });
    assert.equal(again.status, 409);
  });
});
