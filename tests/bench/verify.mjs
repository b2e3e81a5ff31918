// P-256 signature verification cost, in µs per verify, three ways:
//   reference  the core's `p256` compiled to wasm, inside workerd   (POST /__bench/verify)
//   webcrypto  workerd's `crypto.subtle.verify`                     (POST /__bench/verify)
//   native     Node's `crypto.verify` (OpenSSL) in this process     (the baseline)
//
// Inside a Worker the clock does not advance during CPU work, so the Worker cannot time itself:
// requests are timed from here. A request with N iterations and one with 1 differ only by N − 1
// verifies, so (median t_N − median t_1) / (N − 1) is the cost of one verify, with the fixed
// cost of a request (HTTP, JSON, routing, key parsing) cancelled out. Every repetition runs the
// four request kinds and a native block in a fresh random order, so a slow moment of the machine
// falls on all of them alike; medians over the repetitions.
import { generateKeyPairSync, sign, verify } from "node:crypto";
import { median, shuffled, summary } from "./stats.mjs";

const ENGINES = ["reference", "webcrypto"];
/** Iterations per long request: enough that N − 1 verifies dwarf a request's own jitter. */
const ITERATIONS = { reference: 200, webcrypto: 1000 };
/** Verifies per native block. */
const NATIVE_BLOCK = 2000;

/** A fresh key, message and signature (raw r‖s, as devices may send it). */
function testCase() {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const message = Buffer.from("pushauth bench: one answer message, about this long.");
  const signature = sign("sha256", message, { key: privateKey, dsaEncoding: "ieee-p1363" });
  return { publicKey, message, signature, spki: publicKey.export({ type: "spki", format: "der" }) };
}

function body(c, engine, iterations, message = c.message) {
  return JSON.stringify({
    publicKey: c.spki.toString("base64"),
    message: message.toString("base64"),
    signature: c.signature.toString("base64"),
    engine,
    iterations,
  });
}

async function post(baseUrl, text) {
  const res = await fetch(`${baseUrl}/__bench/verify`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: text,
  });
  return { status: res.status, text: await res.text() };
}

/** One timed request; fails loudly unless the engine says the signature holds. */
async function timed(baseUrl, c, engine, iterations) {
  const start = performance.now();
  const { status, text } = await post(baseUrl, body(c, engine, iterations));
  const ms = performance.now() - start;
  if (status !== 200 || JSON.parse(text)[engine] !== true) {
    throw new Error(`/__bench/verify (${engine}, ${iterations}×) answered ${status} ${text}: expected 200 with true`);
  }
  return ms;
}

/**
 * Checks the route before timing it: a valid signature must hold for both engines and a changed
 * message must fail for both. Anything else (404 included: the Worker runs with
 * BENCH_ROUTES=true) fails the bench.
 */
async function checkRoute(baseUrl, c) {
  const good = await post(baseUrl, body(c, "both", 1));
  const bad = await post(baseUrl, body(c, "both", 1, Buffer.from("another message")));
  const expect = (r, verdict) =>
    r.status === 200 && JSON.parse(r.text).reference === verdict && JSON.parse(r.text).webcrypto === verdict;
  if (!expect(good, true) || !expect(bad, false)) {
    throw new Error(`/__bench/verify is wrong: valid → ${good.status} ${good.text}; changed message → ${bad.status} ${bad.text}`);
  }
}

/** µs per native verify over one block. */
function nativeBlock(c) {
  const key = { key: c.publicKey, dsaEncoding: "ieee-p1363" };
  const start = performance.now();
  for (let i = 0; i < NATIVE_BLOCK; i++) {
    if (!verify("sha256", c.message, key, c.signature)) throw new Error("native verify failed");
  }
  return ((performance.now() - start) * 1000) / NATIVE_BLOCK;
}

/** Runs the measurement against the Worker at `baseUrl` (started with BENCH_ROUTES=true). */
export async function measureVerify(baseUrl, { reps }) {
  const c = testCase();
  await checkRoute(baseUrl, c);
  const samples = { native: [] };
  const kinds = [{ kind: "native" }];
  for (const engine of ENGINES) {
    samples[engine] = { long: [], single: [] };
    kinds.push({ kind: engine, iterations: ITERATIONS[engine] }, { kind: engine, iterations: 1 });
    // Warm-up: the first calls compile and tier up code, in workerd and here.
    for (let i = 0; i < 3; i++) await timed(baseUrl, c, engine, ITERATIONS[engine]);
  }
  nativeBlock(c);
  for (let rep = 0; rep < reps; rep++) {
    for (const { kind, iterations } of shuffled(kinds)) {
      if (kind === "native") samples.native.push(nativeBlock(c));
      else samples[kind][iterations === 1 ? "single" : "long"].push(await timed(baseUrl, c, kind, iterations));
    }
  }
  const native = summary(samples.native);
  const result = { iterations: ITERATIONS, nativeBlock: NATIVE_BLOCK, samples, native };
  for (const engine of ENGINES) {
    const { long, single } = samples[engine];
    const perVerify = (longMs, singleMs) => ((longMs - singleMs) * 1000) / (ITERATIONS[engine] - 1);
    const us = perVerify(median(long), median(single));
    // The spread: the same estimate from each repetition's own pair of requests.
    const spread = summary(long.map((l, i) => perVerify(l, single[i])));
    result[engine] = { usPerVerify: us, ratioToNative: us / native.median, spread };
  }
  return result;
}
