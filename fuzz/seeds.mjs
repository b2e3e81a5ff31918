// Writes the fuzz targets' seed corpora from tests/vectors (and a few real-shaped inputs for the
// formats the vectors do not cover), one directory per target: `node fuzz/seeds.mjs <out-dir>`.
// Called by scripts/fuzz.sh before every run; the seeds are generated, never committed.
import { createHash, createHmac, createPublicKey, ECDH } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = process.argv[2];
if (!out) {
  console.error("usage: node fuzz/seeds.mjs <out-dir>");
  process.exit(2);
}
const vector = (name) => JSON.parse(readFileSync(join(root, "tests/vectors", name), "utf8"));
const keys = vector("keys.json").keys;
const answers = vector("answers.json").cases;
const requests = vector("device_requests.json").cases;
const tokens = vector("tokens.json");
const webhooks = vector("webhooks.json");

const seeds = {};
const add = (target, ...inputs) => (seeds[target] ??= []).push(...inputs.map((i) => Buffer.from(i)));
const b64 = (text) => Buffer.from(text, "base64"); // Node reads both alphabets, padded or not
const lines = (fields, rest = "") => Buffer.concat([Buffer.from(fields.map((f) => `${f}\n`).join("")), Buffer.from(rest)]);

// Tokens: the vectors' tokens, and each with its payload cut short.
for (const { token } of tokens.cases) {
  add("token_verify", token, token.slice(0, -1), token.replace(/\.[^.]*$/, "."));
}

// Signatures: DER and raw r‖s, decoded and as text.
const signatures = [
  ...answers.flatMap((c) => [c.signatureDer, c.signatureRaw]),
  ...requests.map((c) => c.signatureDer),
];
for (const s of signatures) add("signature_parse", b64(s), s);

// Keys: SPKI, uncompressed and compressed SEC1, each decoded and as base64 / base64url text.
const points = [];
for (const k of keys) {
  const spki = b64(k.publicKeySpki);
  const jwk = createPublicKey({ key: spki, format: "der", type: "spki" }).export({ format: "jwk" });
  const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, "base64url"), Buffer.from(jwk.y, "base64url")]);
  const compressed = ECDH.convertKey(point, "prime256v1", undefined, undefined, "compressed");
  points.push(point);
  for (const bytes of [spki, point, compressed]) {
    add("public_key_parse", bytes, bytes.toString("base64"), bytes.toString("base64url"));
  }
  add("base64", k.publicKeySpki, spki.toString("base64url"), k.keyId);
  add("text", Buffer.concat([Buffer.from([64]), Buffer.from(k.keyId)]));
}

// Every signed message with each of its signatures; device requests as the Worker reads them.
for (const c of answers) {
  for (const s of [c.signatureDer, c.signatureRaw]) add("signature_verify", lines([s], Buffer.from(c.messageHex, "hex")));
}
for (const c of requests) {
  add("signature_verify", lines([c.signatureDer], Buffer.from(c.messageHex, "hex")));
  const headers = [c.tenantId, c.keyId, c.method, c.pathAndQuery, String(c.timestamp), c.signatureDer];
  add("device_request", lines(headers, c.body));
}

// base64 and percent-encoding.
add("base64", "", "AQ==", "AQ", "+/+/AQ==", "-_-_AQ", "AR==", "AQ =", webhooks.standard.secret.slice(6));
add("percent_decode", "a%40b+c", "%C3%A9", "accountId=alice%40example.com&content=Sign+in%3F", "%", "%ZZ", "%FF");

// Server authentication headers: Basic (both forms) and HMAC (docs/api.md).
const secret = "dev-secret-0123456789abcdef0123456789abcdef";
const field = (b) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(Buffer.byteLength(b));
  return Buffer.concat([len, Buffer.from(b)]);
};
const ts = 1800000000;
const body = "{}";
const message = Buffer.concat(
  ["pushauth/server-hmac/v1", "dev", "POST", "/v1/validate", String(ts), createHash("sha256").update(body).digest("base64url")].map(field),
);
const sig = createHmac("sha256", secret).update(message).digest("base64");
add(
  "server_auth",
  `Basic ${Buffer.from(`${secret}:`).toString("base64")}`,
  `basic ${Buffer.from(`dev:${secret}`).toString("base64")}`,
  `PUSHAUTH-HMAC-SHA256 tenant=dev,ts=${ts},sig=${sig}`,
  `PUSHAUTH-HMAC-SHA256 tenant=dev, ts=${ts}, sig=${Buffer.from(sig, "base64").toString("base64url")}`,
  `CX1-HMAC-SHA256,6b1f3e0a-9a41-4c55-9d5e-0c6a8f1b2d3e/${ts * 1000},${sig}`,
  "Bearer x",
);

// Privakey request/add, JSON and form.
const addJson = {
  accountId: "alice@example.com",
  content: "Approve the payment of 120 EUR to ACME?",
  buttons: [{ title: "Pay", strongAuth: true, style: "primary" }, '{"title":"Decline","strongAuth":false}'],
  additionalInfo: { order: 42 },
  callback: "https://acme.example/callback",
  duration: "5m",
  notificationTitle: "Payment",
  notificationBody: "Approve on your phone",
  transactionId: "tx-1",
  showConfirmationCode: true,
  showNotification: "true",
};
add("privakey", JSON.stringify(addJson), '{"accountId":"bob"}', '{"accountId":"bob","buttons":"[]","duration":"10s"}');
add(
  "privakey",
  Object.entries({ ...addJson, buttons: JSON.stringify(addJson.buttons), additionalInfo: "ref 42" })
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v)).replace(/%20/g, "+")}`)
    .join("&"),
  "accountId=bob&duration=1d",
);

// Webhooks: the vectors' two signatures over their body.
add(
  "webhook",
  lines([webhooks.v2.header, webhooks.standard.secret, webhooks.standard.id, String(webhooks.timestamp), webhooks.standard.signature], webhooks.body),
  lines([`${webhooks.v2.header},v2=x`, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "evt_1", "1800000000", "v1,x v1,y"], "{}"),
);

// Web Push subscriptions: the vectors' key points as p256dh, at the browsers' push services.
for (const point of points) {
  const p256dh = point.toString("base64url");
  const auth = Buffer.alloc(16, 7);
  add(
    "webpush",
    lines(["https://fcm.googleapis.com/fcm/send/abc:def", p256dh, auth.toString("base64url")]),
    lines(["https://web.push.apple.com/QGx1", point.toString("base64"), auth.toString("base64")]),
    lines(["https://push.example.net/x?y=1", p256dh, auth.toString("base64url")]),
    lines(["http://127.0.0.1:8787/push", p256dh, auth.toString("base64url")]),
  );
}

add("duration", "60s", "5m", "24h", "7d", "010s", "9s", "604801s", "999999999d", "60", "1w");
add(
  "url",
  "https://example.com",
  "https://api.example.com:8443/a/b?x=1&y=2",
  "http://127.0.0.1:8787/demo/api/callback",
  "http://localhost:3000/",
  "http://[::1]:8080/x",
  "https://user:pw@example.com",
  "https://example.com#frag",
  "https://example.com:99999/",
);
const text = (max, value) => Buffer.concat([Buffer.from([max]), Buffer.from(value)]);
add(
  "text",
  text(64, "alice@example.com"),
  text(255, "auth0|64f1c2 Jane Doe müller"),
  text(36, "07070707-0707-4707-8707-070707070707"),
  text(100, "line one\nline two\tx"),
  text(8, "123456"),
);

rmSync(out, { recursive: true, force: true });
let count = 0;
for (const [target, inputs] of Object.entries(seeds)) {
  const dir = join(out, target);
  mkdirSync(dir, { recursive: true });
  for (const input of inputs) {
    writeFileSync(join(dir, createHash("sha1").update(input).digest("hex")), input);
    count += 1;
  }
}
console.log(`seeds: ${count} inputs for ${Object.keys(seeds).length} targets in ${out}`);
