// Throughput and latency of the login endpoints under workerd, beside three baselines started in
// the same run: a trivial JS Worker and a trivial Rust Worker (each answers "ok"), and the two-hop
// floor (tests/bench/trivial-rust-object): a trivial Rust Worker that forwards each request to a
// trivial Rust Durable Object, which reads and writes one small storage value. Every login
// endpoint goes through the front Worker and then the user's object, by design (one decision per
// user), and reads and writes its storage: the floor is what those two hops and one storage read
// and write cost with no application code. Each row has its ratio to the trivial Rust Worker (the
// issue's target) and to the floor (what is ours to cut).
//
// Load comes from autocannon (programmatic API), CONNECTIONS connections, for a few seconds per
// target. Every round runs every target once, in a fresh random order; the figures are medians
// over rounds, and each endpoint's ratios are the medians of its per-round ratios to the trivial
// Rust Worker's and the floor's req/s in the same round, so a slow moment of the machine cancels out. req/s is
// always the answers received over the time the run actually lasted.
//
// Every request is one that succeeds in real use, and the share of 2xx answers is reported:
// - track and the browser's poll (`POST /v1/client/verify/push`, as the SDK sends it, with an
//   Origin) are repeatable: one "login in flight" per round (a user with one device and one
//   pending challenge).
// - The device's pending fetch is signed, and signed device requests are single use: each
//   device's replay guard holds every request it accepted for KEEP_MS (3 min) and refuses a
//   device more than MAX_SEEN (180) in that time with 429 (crates/pushauth-core/src/
//   seen_requests.rs; devices.mjs reads both from there). So, as real devices do, every fetch
//   carries its own fresh signature, and no device sends more than its guard takes: the fetches
//   come from a fleet of users (devices.mjs), each with one NodeDevice (fixtures.mjs: the web
//   authenticator's own WebCrypto signing and message code, run in Node, its key enrolled
//   through the API) and one pending challenge, so each fetch answers what the login's device
//   sees. Right before the target's run the fleet signs a pool of distinct requests, device after
//   device, each device's share at most what its guard still lets it send (devices that sent in
//   an earlier round count those sends for KEEP_MS; more devices are enrolled when needed), and
//   autocannon sends each exactly once (`setupRequest` hands out the next one;
//   `maxOverallRequests` = pool size). The run lasts `seconds` unless the pool runs out first;
//   then it ends there, its req/s is over the time it lasted (not padded to `seconds`), and the
//   sample says so (`pool.used` = `pool.size`). The pool is sized to DEVICE_POOL_MARGIN × the
//   expected rate × `seconds`, capped at DEVICE_POOL_MAX: the expected rate is this target's
//   own rate in the previous round, or in the first round the fastest rate measured so far in
//   the run (usually a trivial Worker's, an upper bound), or the cap if nothing ran yet.
//   Enrolling and signing take a few seconds at most, well inside the window, and are not timed.
// - Answers and validations are single use: each round first starts a pool of challenges and has
//   the CLI authenticator sign an approval of each; autocannon then sends each answer exactly
//   once (`amount` = pool size, `setupRequest` hands out the next one). The approved challenges'
//   result tokens, read with one poll each, are the pool for /v1/validate right after.
// - Privakey's request/add starts a challenge per request. Starting one reads each unexpired
//   recent challenge of the user (up to 20), so requests are spread over many accounts and
//   last 10 s (the shortest duration): each account has at most a few recent ones, as a real
//   user does, and the previous round's have expired.
// The tenant's push limits are raised so per-user limits never answer 429. The report marks a
// row INVALID when under 99% of its answers are 2xx (report.mjs, MIN_SHARE_2XX): its req/s
// would be the refusal path's.
import autocannon from "autocannon";
import { base, basic, bearer, startChallenge, verify } from "../support/api.mjs";
import { DeviceFleet, GUARD } from "./devices.mjs";
import { benchTenant, enrolledUser, inParallel, nodeDeviceUser } from "./fixtures.mjs";
import { median, shuffled, summary } from "./stats.mjs";

const CONNECTIONS = 16;
/** Challenges per answer-pool user: the user record lists at most 20 recent challenges. */
const PER_USER = 16;
const ORIGIN = "http://127.0.0.1:9"; // one of createTenant's allowedOrigins: the "customer page"
const PENDING_PATH = "/v1/device/challenges";
/** Signed device requests made for one run of the device fetch, relative to what it should use. */
const DEVICE_POOL_MARGIN = 4;
/** The most signed device requests made for one run (20,000 sign in a few seconds on 2 cores). */
const DEVICE_POOL_MAX = 20_000;
/** Time allowed to ready the fleet and sign a run's pool: its challenges must outlive it and the run. */
const DEVICE_PREP_SECONDS = 60;

/**
 * One autocannon run. autocannon ends a run (and stamps its duration) at its next sampling tick,
 * 1 s by default; a 20 ms tick keeps a run of `amount` requests from idling up to a second and
 * understating its req/s.
 */
function load(options) {
  return new Promise((resolve, reject) => {
    autocannon({ connections: CONNECTIONS, sampleInt: 20, ...options }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/** The figures of one autocannon run. */
function figures(r) {
  const answered = r["1xx"] + r["2xx"] + r["3xx"] + r["4xx"] + r["5xx"];
  return {
    rps: r.requests.total / r.duration,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    share2xx: r["2xx"] / Math.max(1, answered + r.errors + r.timeouts),
    requests: r.requests.total,
    seconds: r.duration,
    statusCodes: r.statusCodeStats,
    errors: r.errors,
    timeouts: r.timeouts,
    ...(r.pool && { pool: r.pool }),
  };
}

/** A pool of signed approvals: `size` pending challenges over ⌈size/PER_USER⌉ users. */
async function answerPool(t, users, size) {
  const batches = users.slice(0, Math.ceil(size / PER_USER));
  const pools = await inParallel(batches, 4, async ({ userId, device }, b) => {
    const started = [];
    for (let i = 0; i < Math.min(PER_USER, size - b * PER_USER); i++) started.push(await startChallenge(t, userId));
    const res = await device.pending(t.id);
    if (res.status !== 200) throw new Error(`pending: ${res.status} ${res.text}`);
    const views = new Map(res.json.challenges.map((v) => [v.challengeId, v]));
    return started
      .filter(({ challengeId }) => views.has(challengeId))
      .map(({ token, challengeId }) => ({
        token,
        challengeId,
        path: `/v1/device/challenges/${challengeId}/answer`,
        body: JSON.stringify(device.answer(views.get(challengeId), 0)),
      }));
  });
  return pools.flat();
}

/** One result token per approved challenge of the pool, as the browser's next poll gets it. */
async function resultTokens(pool) {
  const tokens = await inParallel(pool, 8, async ({ token, challengeId }) => (await verify(token, challengeId)).json?.accessToken);
  return tokens.filter(Boolean);
}

/**
 * Requests that each use the next item of `pool` exactly once (autocannon calls `setupRequest`
 * once per request it sends); `used()` says how many items went out.
 */
function onceEach(pool, make) {
  let next = 0;
  return {
    requests: [{ setupRequest: (req) => ({ ...req, ...make(pool[Math.min(next++, pool.length - 1)]) }) }],
    used: () => Math.min(next, pool.length),
  };
}

/** Signed requests to make for a device fetch run of `seconds` expected to go at `expectedRps`. */
function devicePoolSize(expectedRps, seconds) {
  const want = expectedRps > 0 ? Math.ceil(DEVICE_POOL_MARGIN * expectedRps * seconds) : DEVICE_POOL_MAX;
  // At least a few per connection: autocannon splits the pool between them.
  return Math.max(8 * CONNECTIONS, Math.min(DEVICE_POOL_MAX, want));
}

/**
 * Measures every target `rounds` times for `seconds` each; `poolSize` answers per round,
 * request/add over `accounts` accounts. `baselines`: { js, rust, floor } base URLs of the trivial
 * Workers and the two-hop floor.
 */
export async function measureThroughput({ baselines, rounds, seconds, poolSize, accounts: accountCount }) {
  const t = await benchTenant();
  const auth = basic(t.secret);
  const json = { "content-type": "application/json" };
  const poolUsers = await inParallel(Array.from({ length: Math.ceil(poolSize / PER_USER) }, (_, i) => `pool-${i}`), 4, (id) => enrolledUser(t, id));
  const accounts = await inParallel(Array.from({ length: accountCount }, (_, i) => `acct-${i}`), 4, (id) => enrolledUser(t, id));

  // The devices that send the device fetches, within the guard's limits (devices.mjs).
  const fleet = new DeviceFleet(t, "fetch");
  // Rates measured so far, to size the device fetch's pool of signed requests.
  let fastestRps = 0;
  let pendingRps = null;
  const targets = {
    trivialJs: { name: "trivial JS Worker  GET /", run: () => load({ url: baselines.js, duration: seconds }) },
    trivialRust: { name: "trivial Rust Worker  GET /", run: () => load({ url: baselines.rust, duration: seconds }) },
    twoHopFloor: { name: "two-hop floor  Worker → object, 1 get + 1 put", run: () => load({ url: baselines.floor, duration: seconds }) },
    // The same, spread over as many objects as request/add's accounts (the floor names its
    // object by the path): what reaching many objects in turn costs, as request/add does.
    twoHopFloorSpread: {
      name: `two-hop floor over ${accountCount} objects`,
      run: () => {
        let next = 0;
        return load({
          url: baselines.floor, duration: seconds,
          requests: [{ setupRequest: (req) => ({ ...req, path: `/${next++ % accountCount}` }) }],
        });
      },
    },
    track: {
      name: "track  POST /v1/users/{id}/actions/signIn",
      run: (login) => load({
        url: `${base}/v1/users/${login.userId}/actions/signIn`, method: "POST", duration: seconds,
        headers: { ...auth, ...json }, body: "{}",
      }),
    },
    poll: {
      name: "browser poll  POST /v1/client/verify/push",
      run: (login) => load({
        url: `${base}/v1/client/verify/push`, method: "POST", duration: seconds,
        headers: { ...bearer(login.token), ...json, origin: ORIGIN }, body: JSON.stringify({ challengeId: login.challengeId }),
      }),
    },
    pending: {
      name: "device fetch  GET /v1/device/challenges",
      run: async () => {
        const size = devicePoolSize(pendingRps ?? fastestRps, seconds);
        const until = Date.now() + (DEVICE_PREP_SECONDS + seconds) * 1000;
        const { pool, devices, signSeconds, charge } = await fleet.pool(size, PENDING_PATH, until);
        // The oldest must still be inside the Worker's window when the last one is sent, and
        // every device's challenge still pending.
        if (signSeconds + seconds > GUARD.windowMs / 1000 - 20) throw new Error(`device fetch pool: signing ${size} requests took ${signSeconds.toFixed(1)} s`);
        if (Date.now() + seconds * 1000 > until) throw new Error(`device fetch pool: readying ${devices} devices took over ${DEVICE_PREP_SECONDS} s`);
        const each = onceEach(pool, (headers) => ({ headers }));
        const result = await load({ url: `${base}${PENDING_PATH}`, duration: seconds, maxOverallRequests: pool.length, requests: each.requests });
        charge(each.used());
        return { ...result, pool: { size, used: each.used(), devices, signSeconds } };
      },
    },
    answer: {
      name: "device answer  POST …/challenges/{id}/answer",
      run: (login, pool) => load({
        url: base, method: "POST", amount: pool.length, headers: json,
        requests: onceEach(pool, (item) => ({ path: item.path, body: item.body })).requests,
      }),
    },
    validate: {
      name: "validate  POST /v1/validate",
      run: (login, pool) => load({
        url: `${base}/v1/validate`, method: "POST", amount: pool.length, headers: { ...auth, ...json },
        requests: onceEach(pool, (token) => ({ body: JSON.stringify({ token }) })).requests,
      }),
    },
    privakey: {
      name: "Privakey  POST /request/add",
      run: () => {
        let next = 0;
        return load({
          url: `${base}/request/add`, method: "POST", duration: seconds, headers: { ...auth, ...json },
          requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify({ accountId: accounts[next++ % accounts.length].userId, content: "Sign in to Acme?", duration: "10s" }) }) }],
        });
      },
    },
  };

  const samples = Object.fromEntries(Object.keys(targets).map((k) => [k, []]));
  for (let round = 0; round < rounds; round++) {
    // One login in flight for the repeatable targets, its device in Node; the answer pool.
    const login = await nodeDeviceUser(t, `login-${round}`);
    Object.assign(login, await startChallenge(t, login.userId));
    const fetched = await login.device.pending(t.id);
    if (fetched.status !== 200 || fetched.json.challenges.length !== 1 || fetched.json.challenges[0].challengeId !== login.challengeId) {
      throw new Error(`device fetch: the login's device does not see its one challenge: ${fetched.status} ${fetched.text}`);
    }
    const pool = await answerPool(t, poolUsers, poolSize);
    if (pool.length < CONNECTIONS) throw new Error(`answer pool: only ${pool.length} challenges reached the devices`);
    // Validation needs the answers first: the two run back to back, as one unit of the order.
    const units = shuffled([["trivialJs"], ["trivialRust"], ["twoHopFloor"], ["twoHopFloorSpread"], ["track"], ["poll"], ["pending"], ["answer", "validate"], ["privakey"]]);
    let tokens = [];
    for (const key of units.flat()) {
      if (key === "validate") {
        tokens = await resultTokens(pool);
        if (tokens.length < CONNECTIONS) throw new Error(`validate pool: only ${tokens.length} result tokens`);
      }
      const result = figures(await targets[key].run(login, key === "validate" ? tokens : pool));
      samples[key].push({ round, ...result });
      fastestRps = Math.max(fastestRps, result.rps);
      if (key === "pending") pendingRps = result.rps;
      const poolNote = result.pool
        ? `; ${result.pool.size} signed by ${result.pool.devices} devices in ${result.pool.signSeconds.toFixed(1)} s, ${result.pool.used} used${result.pool.used >= result.pool.size ? `: ran out, run lasted ${result.seconds} s` : ""}`
        : "";
      process.stderr.write(`  round ${round + 1}/${rounds} ${targets[key].name}: ${result.rps.toFixed(0)} req/s, ${(result.share2xx * 100).toFixed(1)}% 2xx${poolNote}\n`);
    }
  }

  const rustByRound = samples.trivialRust.map((s) => s.rps);
  const floorByRound = samples.twoHopFloor.map((s) => s.rps);
  const rows = Object.entries(targets).map(([key, { name }]) => {
    const runs = samples[key];
    return {
      key,
      name,
      baseline: key.startsWith("trivial") || key.startsWith("twoHopFloor"),
      rps: summary(runs.map((s) => s.rps)),
      p50Ms: median(runs.map((s) => s.p50Ms)),
      p99Ms: median(runs.map((s) => s.p99Ms)),
      share2xx: runs.reduce((a, s) => a + s.share2xx * s.requests, 0) / Math.max(1, runs.reduce((a, s) => a + s.requests, 0)),
      ratioToTrivialRust: median(runs.map((s) => s.rps / rustByRound[s.round])),
      ratioToFloor: median(runs.map((s) => s.rps / floorByRound[s.round])),
      runs,
    };
  });
  return { connections: CONNECTIONS, rounds, seconds, poolSize, accounts: accountCount, guard: GUARD, devices: fleet.size, rows };
}
