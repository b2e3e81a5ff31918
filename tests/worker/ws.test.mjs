// Instant results over WebSockets against the Worker in workerd (docs/api.md, "Sockets"): a
// browser's socket hears its challenge change the moment the device answers, a device's socket
// hears new challenges; bad, expired or foreign credentials are refused at the handshake, and
// another user's challenge cannot be watched.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  Device, answer, basic, call, createTenant, enrol, mintToken, pendingView, startChallenge, track, uniqueId, verify,
} from "../support/api.mjs";
import { openSocket, ticketProtocols, tokenProtocols } from "../support/socket.mjs";

const wsPath = (challengeId) => `/v1/client/push/ws?challengeId=${encodeURIComponent(challengeId)}`;

/** A tenant, an enrolled user and a started challenge. */
async function started(settings = {}) {
  const t = await createTenant(settings);
  const phone = new Device();
  const user = uniqueId("user");
  await enrol(t, user, phone);
  const { token, challengeId } = await startChallenge(t, user);
  return { t, phone, user, token, challengeId };
}

async function ticketFor(t, phone) {
  const res = await call("POST", "/v1/device/ws-ticket", { headers: phone.headers(t.id, "POST", "/v1/device/ws-ticket") });
  assert.equal(res.status, 200, res.text);
  assert.ok(res.json.expiresAt > Date.now());
  return res.json.ticket;
}

describe("browser socket", () => {
  test("hears the device's answer at once, then is closed; verify has the result", async () => {
    const { t, phone, token, challengeId } = await started();
    const socket = await openSocket(wsPath(challengeId), tokenProtocols(token));
    assert.equal(socket.status, undefined, JSON.stringify(socket.json));
    assert.equal(socket.protocol, "pushauth.v1");

    const view = await pendingView(t, phone, challengeId);
    const answeredAt = Date.now();
    const res = await answer(challengeId, phone.answer(view, 0));
    assert.equal(res.status, 200, res.text);
    const message = await socket.next(2000);
    assert.deepEqual(message, { type: "changed", challengeId });
    assert.ok(Date.now() - answeredAt < 2000);
    assert.equal((await socket.closed).code, 1000, "a finished challenge's sockets are closed");

    const polled = await verify(token, challengeId);
    assert.equal(polled.json.status, "approved");
    assert.match(polled.json.accessToken, /^eyJ/);
  });

  test("opened after the answer: told at once", async () => {
    const { t, phone, token, challengeId } = await started();
    const view = await pendingView(t, phone, challengeId);
    assert.equal((await answer(challengeId, phone.answer(view, 1))).status, 200);
    const socket = await openSocket(wsPath(challengeId), tokenProtocols(token));
    assert.deepEqual(await socket.next(2000), { type: "changed", challengeId });
    assert.equal((await socket.closed).code, 1000);
  });

  test("hears a cancellation by the backend", async () => {
    const t = await createTenant();
    const phone = new Device();
    await enrol(t, "cancel-me", phone);
    const { token } = await track(t, "cancel-me", "signIn", { idempotencyKey: "idem-cancel" });
    const c = await call("POST", "/v1/client/challenge/push", { headers: { authorization: `Bearer ${token}` }, body: {} });
    const { challengeId } = c.json;
    const socket = await openSocket(wsPath(challengeId), tokenProtocols(token));
    const res = await call("PATCH", "/v1/users/cancel-me/actions/signIn/idem-cancel", {
      headers: basic(t.secret),
      body: { state: "CHALLENGE_FAILED" },
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(await socket.next(2000), { type: "changed", challengeId });
    assert.equal((await verify(token, challengeId)).json.status, "cancelled");
  });

  test("hears the expiry (the object's alarm)", async () => {
    const { token, challengeId } = await started({ challengeSecs: 10 });
    const socket = await openSocket(wsPath(challengeId), tokenProtocols(token));
    const message = await socket.next(15_000);
    assert.deepEqual(message, { type: "changed", challengeId });
    assert.equal((await verify(token, challengeId)).json.status, "expired");
    assert.equal((await socket.closed).code, 1000);
  });

  test("a bad, expired or missing token is refused at the handshake", async () => {
    const { t, user, token, challengeId } = await started();
    const tampered = `${token.slice(0, -2)}${token.endsWith("AA") ? "BB" : "AA"}`;
    let res = await openSocket(wsPath(challengeId), tokenProtocols(tampered));
    assert.equal(res.status, 401);
    assert.equal(res.json.errorCode, "invalid_token");

    const now = Math.floor(Date.now() / 1000);
    const expired = mintToken({ kind: "track", tid: t.id, sub: user, act: "signIn", idem: "x", scope: "", iat: now - 700, exp: now - 100 });
    res = await openSocket(wsPath(challengeId), tokenProtocols(expired));
    assert.equal(res.status, 401);
    assert.equal(res.json.errorCode, "expired_token");

    res = await openSocket(wsPath(challengeId), ["pushauth.v1"]);
    assert.equal(res.status, 401);
    assert.equal(res.json.errorCode, "token_not_set");

    // A token in the URL is not looked at (URLs end up in logs).
    res = await openSocket(`${wsPath(challengeId)}&token=${token}`, ["pushauth.v1"]);
    assert.equal(res.status, 401);

    res = await openSocket(wsPath(challengeId), [`pushauth.token.${token}`]);
    assert.equal(res.status, 400, "the socket must speak pushauth.v1");
  });

  test("another user's challenge, or another sign-in's, cannot be watched", async () => {
    const alice = await started();
    // Bob, same tenant, with his own valid token.
    const bob = new Device();
    await enrol(alice.t, "bob-watcher", bob);
    const { token: bobToken } = await startChallenge(alice.t, "bob-watcher");
    let res = await openSocket(wsPath(alice.challengeId), tokenProtocols(bobToken));
    assert.equal(res.status, 404);
    assert.equal(res.json.errorCode, "challenge_not_found");

    // Another tenant's token naming the same id.
    const mallory = await started();
    res = await openSocket(wsPath(alice.challengeId), tokenProtocols(mallory.token));
    assert.equal(res.status, 404);

    // Alice's own second sign-in (another track token) does not see the first one either.
    const { token: second } = await track(alice.t, alice.user);
    res = await openSocket(wsPath(alice.challengeId), tokenProtocols(second));
    assert.equal(res.status, 404);

    // An id that names nothing, and one that is no id.
    res = await openSocket(wsPath("00000000-0000-4000-8000-000000000000"), tokenProtocols(alice.token));
    assert.equal(res.status, 404);
    res = await openSocket(wsPath("../../x"), tokenProtocols(alice.token));
    assert.equal(res.status, 400);
  });

  test("a page on an origin the tenant does not allow is refused", async () => {
    const { token, challengeId } = await started();
    const res = await openSocket(wsPath(challengeId), tokenProtocols(token), { origin: "https://evil.example" });
    assert.equal(res.status, 403);
    assert.equal(res.json.errorCode, "origin_not_allowed");
    const allowed = await openSocket(wsPath(challengeId), tokenProtocols(token), { origin: "http://127.0.0.1:9" });
    assert.equal(allowed.protocol, "pushauth.v1");
    allowed.ws.close();
  });

  test("at most 4 sockets wait on one challenge; a socket that sends is closed", async () => {
    const { token, challengeId } = await started();
    const open = [];
    for (let i = 0; i < 4; i++) {
      const socket = await openSocket(wsPath(challengeId), tokenProtocols(token));
      assert.equal(socket.protocol, "pushauth.v1", JSON.stringify(socket.json));
      open.push(socket);
    }
    const fifth = await openSocket(wsPath(challengeId), tokenProtocols(token));
    assert.equal(fifth.status, 429);
    assert.equal(fifth.json.errorCode, "too_many_sockets");

    open[0].ws.send("hello");
    assert.equal((await open[0].closed).code, 1003);
    // Its place is free again.
    const again = await openSocket(wsPath(challengeId), tokenProtocols(token));
    assert.equal(again.protocol, "pushauth.v1", JSON.stringify(again.json));
    for (const s of [...open.slice(1), again]) s.ws.close();
  });

  test("20 sockets asked for at once on one challenge: exactly 4 open, 16 are refused", async () => {
    const { token, challengeId } = await started();
    const tries = await Promise.all(Array.from({ length: 20 }, () => openSocket(wsPath(challengeId), tokenProtocols(token))));
    const opened = tries.filter((s) => s.protocol === "pushauth.v1");
    const refused = tries.filter((s) => s.status === 429 && s.json?.errorCode === "too_many_sockets");
    assert.equal(opened.length, 4, JSON.stringify(tries.map((s) => s.status ?? s.protocol)));
    assert.equal(refused.length, 16);
    for (const s of opened) s.ws.close();
  });

  test("without Upgrade the path answers 426", async () => {
    const { token, challengeId } = await started();
    const res = await call("GET", wsPath(challengeId), { headers: { "sec-websocket-protocol": tokenProtocols(token).join(", ") } });
    assert.equal(res.status, 426, res.text);
    assert.equal(res.json.errorCode, "upgrade_required");
  });
});

describe("device socket", () => {
  test("a ticket opens a socket that hears new challenges and their answers", async () => {
    const t = await createTenant();
    const phone = new Device();
    const user = uniqueId("user");
    await enrol(t, user, phone);
    const ticket = await ticketFor(t, phone);
    assert.ok(ticket.startsWith(`${phone.keyId}.`));
    const socket = await openSocket("/v1/device/ws", ticketProtocols(ticket));
    assert.equal(socket.protocol, "pushauth.v1", JSON.stringify(socket.json));

    const { challengeId } = await startChallenge(t, user);
    assert.deepEqual(await socket.next(2000), { type: "changed", challengeId });
    const view = await pendingView(t, phone, challengeId);
    assert.equal((await answer(challengeId, phone.answer(view, 0))).status, 200);
    assert.deepEqual(await socket.next(2000), { type: "changed", challengeId });

    // Single use.
    const reused = await openSocket("/v1/device/ws", ticketProtocols(ticket));
    assert.equal(reused.status, 401);
    assert.equal(reused.json.errorCode, "invalid_ticket");
    socket.ws.close();
  });

  test("one ticket presented by 20 sockets at once opens exactly one", async () => {
    const t = await createTenant();
    const phone = new Device();
    await enrol(t, uniqueId("user"), phone);
    const ticket = await ticketFor(t, phone);
    const tries = await Promise.all(Array.from({ length: 20 }, () => openSocket("/v1/device/ws", ticketProtocols(ticket))));
    const opened = tries.filter((s) => s.protocol === "pushauth.v1");
    const refused = tries.filter((s) => s.status === 401 && s.json?.errorCode === "invalid_ticket");
    assert.equal(opened.length, 1, JSON.stringify(tries.map((s) => s.status ?? s.protocol)));
    assert.equal(refused.length, 19);
    for (const s of opened) s.ws.close();
  });

  test("another device's ticket, a made-up one, or none is refused", async () => {
    const t = await createTenant();
    const phone = new Device();
    const other = new Device();
    await enrol(t, uniqueId("user"), phone);
    await enrol(t, uniqueId("user"), other);
    const ticket = await ticketFor(t, phone);
    const moved = ticket.replace(phone.keyId, other.keyId);
    let res = await openSocket("/v1/device/ws", ticketProtocols(moved));
    assert.equal(res.status, 401);
    res = await openSocket("/v1/device/ws", ticketProtocols(`${phone.keyId}.${"A".repeat(43)}`));
    assert.equal(res.status, 401);
    res = await openSocket("/v1/device/ws", ["pushauth.v1"]);
    assert.equal(res.status, 401);
    // The real ticket was not spent by the attempt made under another key id's name.
    const ok = await openSocket("/v1/device/ws", ticketProtocols(ticket));
    assert.equal(ok.protocol, "pushauth.v1", JSON.stringify(ok.json));
    ok.ws.close();
  });

  test("a device removed by the backend loses its socket", async () => {
    const t = await createTenant();
    const phone = new Device();
    await enrol(t, "removed-user", phone);
    const socket = await openSocket("/v1/device/ws", ticketProtocols(await ticketFor(t, phone)));
    const res = await call("DELETE", `/v1/users/removed-user/authenticators/${phone.keyId}`, { headers: basic(t.secret) });
    assert.equal(res.status, 200, res.text);
    assert.equal((await socket.closed).code, 4001);
  });
});
