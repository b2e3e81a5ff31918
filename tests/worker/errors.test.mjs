// Hostile input: every bad request gets a 4xx with a stable errorCode, never a 500.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  Device, admin, answer, basic, bearer, call, createTenant, enrol, mintToken, pendingView, startChallenge, verify,
} from "../support/api.mjs";

function assertError(res, status, code) {
  assert.equal(res.status, status, res.text);
  assert.equal(res.json?.errorCode, code, res.text);
  assert.equal(typeof res.json.errorDescription, "string");
}

describe("bad input", () => {
  test("bodies over 64 KiB get 413", async () => {
    const t = await createTenant();
    const big = JSON.stringify({ redirectUrl: "x".repeat(70 * 1024) });
    assertError(await call("POST", "/v1/users/u/actions/signIn", { headers: { ...basic(t.secret), "content-type": "application/json" }, raw: big }), 413, "payload_too_large");
    assertError(await call("POST", "/admin/tenants", { headers: admin, raw: big }), 413, "payload_too_large");
  });

  test("malformed JSON and wrong types get 400 invalid_request", async () => {
    const t = await createTenant();
    const h = { ...basic(t.secret), "content-type": "application/json" };
    assertError(await call("POST", "/v1/users/u/actions/signIn", { headers: h, raw: "{not json" }), 400, "invalid_request");
    assertError(await call("POST", "/v1/users/u/actions/signIn", { headers: h, raw: "[]" }), 400, "invalid_request");
    assertError(await call("POST", "/v1/users/u/actions/signIn", { headers: basic(t.secret), body: { ipAddress: 42 } }), 400, "invalid_request");
    assertError(await call("POST", "/v1/validate", { headers: basic(t.secret), body: {} }), 400, "invalid_request");
    assertError(await call("POST", "/admin/tenants", { headers: admin, raw: "\u0000\u00ff" }), 400, "invalid_request");
  });

  test("bad path values are refused", async () => {
    const t = await createTenant();
    assertError(await call("POST", "/v1/users/a%00b/actions/signIn", { headers: basic(t.secret), body: {} }), 400, "invalid_characters");
    assertError(await call("POST", "/v1/users/a%ZZ/actions/signIn", { headers: basic(t.secret), body: {} }), 400, "invalid_path");
    assertError(await call("POST", "/v1/users/a%FF/actions/signIn", { headers: basic(t.secret), body: {} }), 400, "invalid_path");
    assertError(await call("POST", `/v1/users/${"u".repeat(256)}/actions/signIn`, { headers: basic(t.secret), body: {} }), 400, "field_too_long");
    assertError(await call("POST", "/v1/device/challenges/not-a-uuid/answer", { body: {} }), 400, "invalid_challenge_id");
  });

  test("a path no route has is 404, whatever its prefix; another method on a route's path is 405 with Allow", async () => {
    for (const [method, path] of [
      ["GET", "/v1/nothing"],
      ["GET", "/v1/users/u/nothing"],
      ["DELETE", "/v1/users/u/actions/signIn/k/extra"],
      ["POST", "/v1/client/foo"],
      ["GET", "/v1/device/nothing"],
      ["GET", "/admin/tenants/t/secrets"],
      ["GET", "/demo/api/nothing"],
    ]) {
      const res = await call(method, path);
      assertError(res, 404, "route_not_found");
      assert.equal(res.headers.get("allow"), null, `${method} ${path}`);
    }
    for (const [method, path, allow] of [
      ["PUT", "/v1/validate", "POST"],
      ["GET", "/v1/users/u/actions/signIn", "POST"],
      ["DELETE", "/v1/users/u/actions/signIn/k", "GET, PATCH"],
      ["POST", "/v1/device/web-push", "GET, PUT, DELETE"],
      ["GET", "/v1/client/verify/push", "POST"],
      ["POST", "/health", "GET"],
    ]) {
      const res = await call(method, path);
      assertError(res, 405, "method_not_allowed");
      assert.equal(res.headers.get("allow"), allow, `${method} ${path}`);
    }
  });

  test("server API: missing or wrong credentials get 401", async () => {
    const t = await createTenant();
    assertError(await call("POST", "/v1/users/u/actions/signIn", { body: {} }), 401, "missing_credential");
    for (const authorization of [
      "Basic !!!",
      basic("wrong-secret-0123456789abcdef").authorization,
      `Basic ${Buffer.from(`${t.id}:wrong`).toString("base64")}`,
      "Bearer abc",
    ]) {
      assertError(await call("POST", "/v1/users/u/actions/signIn", { headers: { authorization }, body: {} }), 401, "invalid_credential");
    }
    // The tenantId:secret form works too.
    const pair = `Basic ${Buffer.from(`${t.id}:${t.secret}`).toString("base64")}`;
    assert.equal((await call("POST", "/v1/users/u/actions/signIn", { headers: { authorization: pair }, body: {} })).status, 200);
  });

  test("track: redirect URLs and scopes are checked", async () => {
    const t = await createTenant();
    assertError(await call("POST", "/v1/users/u/actions/signIn", { headers: basic(t.secret), body: { redirectUrl: "https://evil.example/" } }), 400, "redirect_not_allowed");
    assertError(await call("POST", "/v1/users/u/actions/signIn", { headers: basic(t.secret), body: { scope: "admin" } }), 400, "invalid_scope");
    const ok = await call("POST", "/v1/users/u/actions/signIn", { headers: basic(t.secret), body: { redirectUrl: "http://127.0.0.1:9/done" } });
    assert.equal(ok.status, 200);
    assert.match(ok.json.url, /\/hosted\/\?token=/);
  });

  test("client API: token errors", async () => {
    const t = await createTenant();
    assertError(await call("POST", "/v1/client/challenge/push", { body: { action: "signIn" } }), 401, "token_not_set");
    assertError(await call("POST", "/v1/client/challenge/push", { headers: bearer("nope"), body: {} }), 401, "malformed_token");
    const now = Math.floor(Date.now() / 1000);
    const claims = { kind: "track", tid: t.id, sub: "u", act: "signIn", idem: "k", scope: "", iat: now - 700, exp: now - 100 };
    assertError(await call("POST", "/v1/client/challenge/push", { headers: bearer(mintToken(claims)), body: {} }), 401, "expired_token");
    // Change one MAC character well inside the last segment (the final one carries padding bits).
    const good = mintToken({ ...claims, exp: now + 100 });
    const at = good.length - 6;
    const forged = `${good.slice(0, at)}${good[at] === "A" ? "B" : "A"}${good.slice(at + 1)}`;
    assertError(await call("POST", "/v1/client/challenge/push", { headers: bearer(forged), body: {} }), 401, "invalid_token");
    const result = mintToken({ ...claims, kind: "result", exp: now + 100 }, "result");
    assertError(await call("POST", "/v1/client/challenge/push", { headers: bearer(result), body: {} }), 401, "invalid_token");
    const enrolNoScope = mintToken({ ...claims, exp: now + 100 });
    assertError(await call("POST", "/v1/client/user-authenticators/push", { headers: bearer(enrolNoScope), body: {} }), 403, "insufficient_scope");
  });

  test("another tenant's challenge is not found", async () => {
    const a = await createTenant();
    const b = await createTenant();
    const phone = new Device();
    await enrol(a, "ivy", phone);
    const { token, challengeId } = await startChallenge(a, "ivy");
    const other = await call("POST", "/v1/users/ivy/actions/signIn", { headers: basic(b.secret), body: {} });
    assertError(await verify(other.json.token, challengeId), 404, "challenge_not_found");
    // Another user's token of the same tenant does not see it either.
    const mallory = await call("POST", "/v1/users/mallory/actions/signIn", { headers: basic(a.secret), body: {} });
    assertError(await verify(mallory.json.token, challengeId), 404, "challenge_not_found");
    // A result token of tenant A cannot be validated by tenant B.
    const view = await pendingView(a, phone, challengeId);
    await answer(challengeId, phone.answer(view, 0));
    // Another track token of the same user (another idempotency key) does not see it.
    const sameUser = await call("POST", "/v1/users/ivy/actions/signIn", { headers: basic(a.secret), body: {} });
    assertError(await verify(sameUser.json.token, challengeId), 404, "challenge_not_found");
    const accessToken = (await verify(token, challengeId)).json.accessToken;
    assertError(await call("POST", "/v1/validate", { headers: basic(b.secret), body: { token: accessToken } }), 401, "invalid_token");
    const valid = await call("POST", "/v1/validate", { headers: basic(a.secret), body: { token: accessToken } });
    assert.equal(valid.json.isValid, true);
  });

  test("device API: bad enrolments and unsigned calls", async () => {
    const t = await createTenant();
    const enrolToken = (await call("POST", "/v1/users/jo/actions/enroll", { headers: basic(t.secret), body: { scope: "add:authenticators" } })).json.token;
    const cases = [
      [{ publicKey: "AAAA", deviceName: "x", devicePlatform: "cli" }, "invalid_public_key"],
      [{ publicKey: new Device().publicKey, deviceName: "", devicePlatform: "cli" }, "field_required"],
      [{ publicKey: new Device().publicKey, deviceName: "x", devicePlatform: "c l i" }, "invalid_characters"],
      [{ deviceName: "x", devicePlatform: "cli" }, "invalid_request"],
    ];
    for (const [body, code] of cases) {
      assertError(await call("POST", "/v1/client/user-authenticators/push", { headers: bearer(enrolToken), body }), 400, code);
    }
    assertError(await call("GET", "/v1/device/challenges"), 401, "missing_credential");
    const phone = new Device();
    await enrol(t, "jo", phone);
    const headers = phone.headers(t.id, "GET", "/v1/device/challenges");
    assertError(await call("GET", "/v1/device/challenges", { headers: { ...headers, "X-PushAuth-Timestamp": String(Date.now() - 120_000) } }), 401, "timestamp_out_of_window");
    assertError(await call("GET", "/v1/device/challenges?x=1", { headers }), 401, "invalid_signature");
    assertError(await call("GET", "/v1/device/challenges", { headers: { ...headers, "X-PushAuth-Signature": "AAAA" } }), 400, "invalid_signature_encoding");
    // The same key cannot be enrolled for another user.
    const other = (await call("POST", "/v1/users/kim/actions/enroll", { headers: basic(t.secret), body: { scope: "add:authenticators" } })).json.token;
    // The same key cannot be enrolled for another user; only its holder (the proof) learns so.
    assertError(await call("POST", "/v1/client/user-authenticators/push", { headers: bearer(other), body: phone.enrolment(other, "x") }), 409, "key_already_enrolled");
    // An enrolment without its proof, or with a proof for another token: refused before the key is looked up.
    const { proof: _, ...unproved } = phone.enrolment(other, "x");
    assertError(await call("POST", "/v1/client/user-authenticators/push", { headers: bearer(other), body: unproved }), 400, "field_required");
    assertError(await call("POST", "/v1/client/user-authenticators/push", { headers: bearer(other), body: phone.enrolment(enrolToken, "x") }), 401, "invalid_signature");
    assertError(await call("POST", "/v1/client/user-authenticators/push", { headers: bearer(other), body: { ...unproved, proof: "AAAA" } }), 400, "invalid_signature_encoding");
  });
});
