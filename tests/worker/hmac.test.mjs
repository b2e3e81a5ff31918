// HMAC-authenticated request origins: the canonical message of docs/api.md, bad timestamps,
// bad body hashes, replays, and Basic refused for an HMAC origin.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Device, basic, call, createTenant, enrol, hmacAuthorization } from "../support/api.mjs";

const sign = (t, method, path, ts, body) => hmacAuthorization(t, method, path, body, ts);

describe("HMAC request origins", () => {
  test("signed requests work once; bad timestamps, body hashes and replays are refused", async () => {
    const t = await createTenant({ authMode: "hmac" });
    await enrol(t, "h-user", new Device());
    const body = JSON.stringify({ accountId: "h-user", content: "Sign in?" });
    const now = Math.floor(Date.now() / 1000);
    const send = (authorization, raw = body) =>
      call("POST", "/request/add", { headers: { authorization, "content-type": "application/json" }, raw });

    const auth = sign(t, "POST", "/request/add", now, body);
    const first = await send(auth);
    assert.equal(first.status, 200, first.text);
    assert.match(first.json.guid, /^[0-9a-f-]{36}$/);

    const replay = await send(auth);
    assert.equal(replay.status, 401);
    assert.equal(replay.json.errorCode, "replayed_request");

    // Out of the ±300 s window by 5 s, from the clock as it is when each is sent (the setup above
    // can take seconds on a loaded machine: `now` may be stale by then).
    const nowS = () => Math.floor(Date.now() / 1000);
    const old = await send(sign(t, "POST", "/request/add", nowS() - 305, body));
    assert.equal(old.json.errorCode, "timestamp_out_of_window");
    const future = await send(sign(t, "POST", "/request/add", nowS() + 305, body));
    assert.equal(future.json.errorCode, "timestamp_out_of_window");

    const tampered = await send(sign(t, "POST", "/request/add", now + 1, body), body.replace("Sign in", "Pay"));
    assert.equal(tampered.status, 401);
    assert.equal(tampered.json.errorCode, "invalid_credential");

    const wrongPath = await send(sign(t, "POST", "/request/ad", now + 2, body));
    assert.equal(wrongPath.json.errorCode, "invalid_credential");

    const basicRefused = await call("POST", "/request/add", { headers: basic(t.secret), body: JSON.parse(body) });
    assert.equal(basicRefused.status, 401, "an HMAC origin does not accept Basic");
  });
});
