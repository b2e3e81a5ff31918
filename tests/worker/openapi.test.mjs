// docs/openapi.json: a valid OpenAPI 3.1 document, served as it is at /openapi.json, and true
// to the wire: real answers of the Worker (success and error) match the schemas it gives for
// them. (That it names exactly the Worker's routes is a native test: route_table/tests.rs.)
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { dereference, validate } from "@readme/openapi-parser";
import Ajv2020 from "ajv/dist/2020.js";
import {
  Device, admin, answer, basic, bearer, call, createTenant, enrol, pendingView, root, startChallenge, track, verify,
} from "../support/api.mjs";
import { MobileDevice, PUSH } from "../support/mobile.mjs";

const file = join(root, "docs", "openapi.json");
const text = readFileSync(file, "utf8");

describe("the OpenAPI document", () => {
  test("is valid OpenAPI 3.1", async () => {
    const result = await validate(JSON.parse(text));
    assert.equal(result.valid, true, JSON.stringify(result.errors ?? result, null, 2));
    assert.match(JSON.parse(text).openapi, /^3\.1\./);
  });

  test("a broken document is not (the validator can fail)", async () => {
    const broken = JSON.parse(text);
    broken.paths["/health"].get.responses = "none";
    assert.equal((await validate(broken)).valid, false);
  });

  test("is served at /openapi.json, byte for byte, to any origin", async () => {
    const res = await fetch(new URL("/openapi.json", process.env.PUSHAUTH_BASE_URL));
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
    assert.equal(res.headers.get("access-control-allow-origin"), "*");
    assert.equal(await res.text(), text);
  });
});

/**
 * A copy of a response schema in which every object that does not say otherwise allows no
 * property it does not name: clients must accept new fields, but the Worker must not send
 * undocumented ones. (The members of an `allOf` stay open: the object around them is closed.)
 */
function closed(schema, inAllOf = false) {
  if (typeof schema !== "object" || schema === null) return schema;
  const out = { ...schema };
  if (out.properties) out.properties = Object.fromEntries(Object.entries(out.properties).map(([k, v]) => [k, closed(v)]));
  if (out.items) out.items = closed(out.items);
  for (const key of ["oneOf", "anyOf"]) if (out[key]) out[key] = out[key].map((s) => closed(s));
  if (out.allOf) out.allOf = out.allOf.map((s) => closed(s, true));
  if ((out.properties || out.allOf) && !inAllOf && !("additionalProperties" in out) && !("unevaluatedProperties" in out)) {
    out.unevaluatedProperties = false;
  }
  return out;
}

describe("the Worker answers as the document says", () => {
  let doc;
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  const compiled = new Map();

  before(async () => {
    doc = await dereference(JSON.parse(text));
  });

  /** Checks an answer of `method template` against the document's response for its status. */
  function conforms(method, template, res) {
    const operation = doc.paths[template]?.[method.toLowerCase()];
    assert.ok(operation, `${method} ${template} is not in the document`);
    const response = operation.responses[String(res.status)];
    assert.ok(response, `${method} ${template} answered ${res.status}, which the document does not list: ${res.text}`);
    const schema = response.content?.["application/json"]?.schema;
    if (!schema) {
      assert.equal(res.text, "", `${method} ${template} ${res.status} has a body the document does not describe`);
      return;
    }
    const key = `${method} ${template} ${res.status}`;
    if (!compiled.has(key)) compiled.set(key, ajv.compile(closed(schema)));
    const check = compiled.get(key);
    assert.ok(check(res.json), `${key}: ${ajv.errorsText(check.errors)}\n${res.text}`);
    if (res.status >= 400) {
      assert.ok(response.description.includes(`\`${res.json.errorCode}\``), `${key}: \`${res.json.errorCode}\` is not listed`);
    }
  }

  test("a schema check can fail", () => {
    assert.throws(() => conforms("GET", "/health", { status: 200, json: { status: "ok" }, text: "{}" }), /required/);
    const extra = { status: "ok", service: "pushauth", version: "0", secret: "x" };
    assert.throws(() => conforms("GET", "/health", { status: 200, json: extra, text: "{}" }), /unevaluated/);
    assert.throws(() => conforms("GET", "/health", { status: 418, json: {}, text: "{}" }), /does not list/);
  });

  test("users and their actions (getUser, updateUser, queryUserActions, updateAction, deleteUser)", async () => {
    const created = await call("POST", "/admin/tenants", { headers: admin, body: { name: "OpenAPI users", allowedOrigins: ["http://127.0.0.1:9"] } });
    const t = { id: created.json.tenant.id, secret: created.json.secret };
    const user = "openapi-users";
    const auth = { headers: basic(t.secret) };
    conforms("GET", "/v1/users/{userId}", await call("GET", `/v1/users/${user}`, auth));
    conforms("PATCH", "/v1/users/{userId}", await call("PATCH", `/v1/users/${user}`, { ...auth, body: { email: "o@example.com", custom: { n: 1 }, displayName: null } }));
    conforms("PATCH", "/v1/users/{userId}", await call("PATCH", `/v1/users/${user}`, { ...auth, body: { email: "nope" } }));
    conforms("PATCH", "/v1/users/{userId}", await call("PATCH", `/v1/users/${user}`, { ...auth, body: { custom: { deep: { a: 1 } } } }));
    await enrol(t, user, new Device());
    const user2 = await call("GET", `/v1/users/${user}`, auth);
    conforms("GET", "/v1/users/{userId}", user2);
    assert.equal(user2.json.email, "o@example.com");
    const tracked = await track(t, user, "signIn", { idempotencyKey: "o-1" });
    conforms("GET", "/v1/users/{userId}/actions/{action}/{idempotencyKey}", await call("GET", `/v1/users/${user}/actions/signIn/o-1`, auth));
    await call("POST", "/v1/client/challenge/push", { headers: bearer(tracked.token), body: {} });
    conforms("GET", "/v1/users/{userId}/actions", await call("GET", `/v1/users/${user}/actions?codes=signIn,enroll&state=CHALLENGE_REQUIRED`, auth));
    conforms("GET", "/v1/users/{userId}/actions", await call("GET", `/v1/users/${user}/actions?fromDate=soon`, auth));
    conforms("GET", "/v1/users/{userId}/actions", await call("GET", `/v1/users/${user}/actions?state=NOPE`, auth));
    const path = `/v1/users/${user}/actions/signIn/o-1`;
    conforms("PATCH", "/v1/users/{userId}/actions/{action}/{idempotencyKey}", await call("PATCH", path, { ...auth, body: { state: "ALLOW" } }));
    conforms("PATCH", "/v1/users/{userId}/actions/{action}/{idempotencyKey}", await call("PATCH", path, { ...auth, body: { state: "CHALLENGE_SUCCEEDED" } }));
    conforms("PATCH", "/v1/users/{userId}/actions/{action}/{idempotencyKey}", await call("PATCH", path, { ...auth, body: { state: "BLOCK" } }));
    conforms("PATCH", "/v1/users/{userId}/actions/{action}/{idempotencyKey}", await call("PATCH", path, { ...auth, body: { state: "BLOCK" } }));
    conforms("GET", "/v1/users/{userId}/actions/{action}/{idempotencyKey}", await call("GET", path, auth));
    conforms("POST", "/v1/client/challenge/push", await call("POST", "/v1/client/challenge/push", { headers: bearer(tracked.token), body: {} }));
    conforms("DELETE", "/v1/users/{userId}", await call("DELETE", `/v1/users/${user}`, auth));
    conforms("GET", "/v1/users/{userId}", await call("GET", `/v1/users/${user}`, { headers: basic("wrong-secret-0123456789abcdef") }));
  });

  test("admin, server, client and device calls of a sign-in", async () => {
    conforms("GET", "/health", await call("GET", "/health"));
    const created = await call("POST", "/admin/tenants", { headers: admin, body: { name: "OpenAPI", allowedOrigins: ["http://127.0.0.1:9"], numberMatching: true } });
    conforms("POST", "/admin/tenants", created);
    const t = { id: created.json.tenant.id, secret: created.json.secret };
    conforms("GET", "/admin/tenants/{tenantId}", await call("GET", `/admin/tenants/${t.id}`, { headers: admin }));
    conforms("PATCH", "/admin/tenants/{tenantId}", await call("PATCH", `/admin/tenants/${t.id}`, { headers: admin, body: { name: "OpenAPI 2" } }));
    conforms("PATCH", "/admin/tenants/{tenantId}", await call("PATCH", `/admin/tenants/${t.id}`, { headers: admin, body: { nmae: "typo" } }));
    conforms("GET", "/admin/tenants/{tenantId}", await call("GET", "/admin/tenants/nobody", { headers: admin }));
    conforms("POST", "/admin/tenants", await call("POST", "/admin/tenants", { body: { name: "x" } }));

    const user = "openapi-user";
    const device = new Device();
    const enrolToken = (await track(t, user, "enroll", { scope: "add:authenticators" })).token;
    conforms("POST", "/v1/client/user-authenticators/push", await call("POST", "/v1/client/user-authenticators/push", {
      headers: bearer(enrolToken), body: device.enrolment(enrolToken, "Phone"),
    }));
    const tracked = await call("POST", `/v1/users/${user}/actions/signIn`, { headers: basic(t.secret), body: { ipAddress: "192.0.2.1" } });
    conforms("POST", "/v1/users/{userId}/actions/{action}", tracked);
    conforms("GET", "/v1/client/hosted", await call("GET", "/v1/client/hosted", { headers: bearer(tracked.json.token) }));
    const started = await call("POST", "/v1/client/challenge/push", { headers: bearer(tracked.json.token), body: {} });
    conforms("POST", "/v1/client/challenge/push", started);
    const { challengeId, verificationCode } = started.json;
    conforms("POST", "/v1/client/verify/push", await verify(tracked.json.token, challengeId));
    conforms("GET", "/v1/device/challenges", await device.pending(t.id));
    const view = await pendingView(t, device, challengeId);
    const wrong = verificationCode === "000" ? "001" : "000";
    conforms("POST", "/v1/device/challenges/{challengeId}/answer", await answer(challengeId, device.answer(view, 0, { code: wrong })));
    conforms("POST", "/v1/device/challenges/{challengeId}/answer", await answer(challengeId, device.answer(view, 0, { code: verificationCode })));
    conforms("POST", "/v1/device/challenges/{challengeId}/answer", await answer(challengeId, device.answer(view, 0, { code: verificationCode })));
    const verified = await verify(tracked.json.token, challengeId);
    conforms("POST", "/v1/client/verify/push", verified);
    const validated = await call("POST", "/v1/validate", { headers: basic(t.secret), body: { token: verified.json.accessToken } });
    conforms("POST", "/v1/validate", validated);
    assert.equal(validated.json.isValid, true);
    conforms("POST", "/v1/validate", await call("POST", "/v1/validate", { headers: basic(t.secret), body: { token: verified.json.accessToken } }));
    const idem = tracked.json.idempotencyKey;
    conforms("GET", "/v1/users/{userId}/actions/{action}/{idempotencyKey}", await call("GET", `/v1/users/${user}/actions/signIn/${idem}`, { headers: basic(t.secret) }));
    conforms("PATCH", "/v1/users/{userId}/actions/{action}/{idempotencyKey}", await call("PATCH", `/v1/users/${user}/actions/signIn/${idem}`, { headers: basic(t.secret), body: { state: "CHALLENGE_FAILED" } }));
    conforms("GET", "/v1/users/{userId}/actions/{action}/{idempotencyKey}", await call("GET", `/v1/users/${user}/actions/signIn/none`, { headers: basic(t.secret) }));
    conforms("GET", "/v1/users/{userId}/authenticators", await call("GET", `/v1/users/${user}/authenticators`, { headers: basic(t.secret) }));
    conforms("GET", "/v1/challenges/{challengeId}/deliveries", await call("GET", `/v1/challenges/${challengeId}/deliveries`, { headers: basic(t.secret) }));
    conforms("DELETE", "/v1/users/{userId}/block", await call("DELETE", `/v1/users/${user}/block`, { headers: basic(t.secret) }));

    const ticketPath = "/v1/device/ws-ticket";
    conforms("POST", ticketPath, await call("POST", ticketPath, { headers: device.headers(t.id, "POST", ticketPath) }));
    const rename = JSON.stringify({ deviceName: "Renamed" });
    conforms("PATCH", "/v1/device/credential", await call("PATCH", "/v1/device/credential", {
      headers: { ...device.headers(t.id, "PATCH", "/v1/device/credential", rename), "content-type": "application/json" }, raw: rename,
    }));
    conforms("GET", "/v1/device/web-push", await call("GET", "/v1/device/web-push"));
    conforms("GET", "/v1/client/push/ws", await call("GET", `/v1/client/push/ws?challengeId=${challengeId}`));
    conforms("DELETE", "/v1/users/{userId}/authenticators/{userAuthenticatorId}", await call("DELETE", `/v1/users/${user}/authenticators/${device.keyId}`, { headers: basic(t.secret) }));
    conforms("GET", "/v1/device/challenges", await device.pending(t.id));
    conforms("DELETE", "/admin/tenants/{tenantId}", await call("DELETE", `/admin/tenants/${t.id}`, { headers: admin }));
  });

  test("the console's admin calls (listTenants, adminGetUser, adminDeleteAuthenticator, adminGetDeliveries, adminRetryDelivery)", async () => {
    const t = await createTenant({ callbackUrls: ["http://127.0.0.1:9/cb"] });
    const device = new Device();
    await enrol(t, "console-user", device);
    await track(t, "console-user", "signIn", { ipAddress: "192.0.2.1" });
    const added = await call("POST", "/request/add", { headers: basic(t.secret), body: { accountId: "console-user", content: "Pay?", callback: "http://127.0.0.1:9/cb" } });
    const guid = added.json.guid;
    await answer(guid, device.answer(await pendingView(t, device, guid), 0));
    conforms("GET", "/admin/tenants", await call("GET", `/admin/tenants?prefix=${t.id}`, { headers: admin }));
    conforms("GET", "/admin/tenants", await call("GET", "/admin/tenants?prefix=a:b", { headers: admin }));
    conforms("GET", "/admin/tenants", await call("GET", "/admin/tenants"));
    const user = "/admin/tenants/{tenantId}/users/{userId}";
    conforms("GET", user, await call("GET", `/admin/tenants/${t.id}/users/console-user`, { headers: admin }));
    conforms("GET", user, await call("GET", `/admin/tenants/${t.id}/users/nobody`, { headers: admin }));
    conforms("GET", user, await call("GET", `/admin/tenants/nobody-${Date.now()}/users/x`, { headers: admin }));
    conforms("GET", user, await call("GET", `/admin/tenants/${t.id}/users/${"u".repeat(300)}`, { headers: admin }));
    const log = "/admin/tenants/{tenantId}/challenges/{challengeId}/deliveries";
    conforms("GET", log, await call("GET", `/admin/tenants/${t.id}/challenges/${guid}/deliveries`, { headers: admin }));
    conforms("GET", log, await call("GET", `/admin/tenants/${t.id}/challenges/nope/deliveries`, { headers: admin }));
    const retry = "/admin/tenants/{tenantId}/challenges/{challengeId}/deliveries/{deliveryId}/retry";
    conforms("POST", retry, await call("POST", `/admin/tenants/${t.id}/challenges/${guid}/deliveries/${guid}.request.processed/retry`, { headers: admin }));
    conforms("POST", retry, await call("POST", `/admin/tenants/${t.id}/challenges/${guid}/deliveries/${guid}.request.expiry/retry`, { headers: admin }));
    conforms("POST", retry, await call("POST", `/admin/tenants/${t.id}/challenges/${guid}/deliveries/x/retry`, { headers: admin }));
    const remove = "/admin/tenants/{tenantId}/users/{userId}/authenticators/{userAuthenticatorId}";
    conforms("DELETE", remove, await call("DELETE", `/admin/tenants/${t.id}/users/console-user/authenticators/${device.keyId}`, { headers: admin }));
    conforms("DELETE", remove, await call("DELETE", `/admin/tenants/${t.id}/users/console-user/authenticators/${device.keyId}`, { headers: admin }));
    conforms("DELETE", remove, await call("DELETE", `/admin/tenants/${t.id}/users/console-user/authenticators/k`, { headers: { authorization: "Bearer wrong" } }));
  });

  test("the Privakey dialect", async () => {
    const t = await createTenant({ callbackUrls: ["http://127.0.0.1:9/cb"] });
    const device = new Device();
    await enrol(t, "pk-user", device);
    const added = await call("POST", "/request/add", { headers: basic(t.secret), body: { accountId: "pk-user", content: "Pay?", callback: "http://127.0.0.1:9/cb", showConfirmationCode: true, additionalInfo: { a: [1] } } });
    conforms("POST", "/request/add", added);
    conforms("POST", "/request/add", await call("POST", "/request/add", { headers: basic(t.secret), body: { accountId: "pk-user", duration: "1y" } }));
    conforms("GET", "/request/{guid}", await call("GET", `/request/${added.json.guid}`, { headers: basic(t.secret) }));
    conforms("GET", "/request/{guid}/deliveries", await call("GET", `/request/${added.json.guid}/deliveries`, { headers: basic(t.secret) }));
    conforms("POST", "/request/{guid}/cancel", await call("POST", `/request/${added.json.guid}/cancel`, { headers: basic(t.secret) }));
    conforms("POST", "/request/{guid}/cancel", await call("POST", `/request/${added.json.guid}/cancel`, { headers: basic(t.secret) }));
    conforms("GET", "/request/{guid}", await call("GET", "/request/not-a-guid", { headers: basic(t.secret) }));
    conforms("DELETE", "/v1/device/credential", await call("DELETE", "/v1/device/credential", { headers: device.headers(t.id, "DELETE", "/v1/device/credential") }));
  });

  test("the Authsignal mobile SDKs' calls", async () => {
    const t = await createTenant({ numberMatching: true });
    const phone = await MobileDevice.create(t.id, "android");
    const enrolToken = (await track(t, "mobile-user", "enroll", { scope: "add:authenticators" })).token;
    conforms("POST", PUSH, await phone.addCredential(enrolToken));
    conforms("GET", PUSH, await phone.getCredential());
    const [none] = await phone.getChallenge();
    conforms("GET", `${PUSH}/challenge`, none);
    conforms("GET", `${PUSH}/challenge`, await phone.readChallenge(undefined));
    const { challengeId, verificationCode } = await startChallenge(t, "mobile-user");
    conforms("POST", `${PUSH}/challenge/sign`, await phone.challengeNonce());
    const [seen] = await phone.getChallenge();
    conforms("GET", `${PUSH}/challenge`, seen);
    conforms("POST", `${PUSH}/challenge`, await phone.updateChallenge(await phone.answerBody(challengeId, true)));
    conforms("POST", `${PUSH}/challenge`, await phone.updateChallenge(await phone.answerBody(challengeId, true, verificationCode)));
    conforms("POST", `${PUSH}/challenge`, await phone.updateChallenge(await phone.answerBody(challengeId, false)));
    const [updated, body] = await phone.updateCredential("fcm-token");
    conforms("PATCH", PUSH, updated);
    conforms("PATCH", PUSH, await call("PATCH", PUSH, { headers: phone.headers(), body }));
    conforms("POST", `${PUSH}/sign`, await call("POST", `${PUSH}/sign?${phone.query}`, { headers: phone.headers() }));
    conforms("POST", `${PUSH}/remove`, await phone.removeCredential(await phone.sign("not the clock")));
    conforms("POST", `${PUSH}/remove`, await phone.removeCredential());
    conforms("GET", PUSH, await phone.getCredential());
  });

  test("the demo backend", async () => {
    const signIn = await call("POST", "/demo/api/sign-in", { body: { username: "openapi-demo" } });
    conforms("POST", "/demo/api/sign-in", signIn);
    conforms("POST", "/demo/api/enroll", await call("POST", "/demo/api/enroll", { body: { username: "openapi-demo" } }));
    conforms("POST", "/demo/api/payment", await call("POST", "/demo/api/payment", { body: { username: "openapi-demo", amount: "x", payee: "Shop" } }));
    conforms("GET", "/demo/api/payment/{guid}", await call("GET", "/demo/api/payment/00000000-0000-4000-8000-000000000000"));
    conforms("POST", "/demo/api/callback", await call("POST", "/demo/api/callback", { body: {} }));
  });

  // Found by scripts/api-fuzz.sh: answers the document did not list.
  test("a body over 64 KiB, and what the demo passes on from the service", async () => {
    const big = { name: "x".repeat(70 * 1024) };
    conforms("POST", "/admin/tenants", await call("POST", "/admin/tenants", { headers: admin, body: big }));
    conforms("PATCH", "/v1/device/credential", await call("PATCH", "/v1/device/credential", { body: big }));
    const session = await call("POST", "/demo/api/session", { body: { token: "not-a-token" } });
    assert.equal(session.status, 401);
    conforms("POST", "/demo/api/session", session);
  });
});
