// Many enrolled Node devices that together send a run's signed device requests, none of them more
// than the Worker's replay guard lets one device send.
//
// The guard (crates/pushauth-core/src/seen_requests.rs) holds every accepted signed request of a
// device for KEEP_MS after it was accepted and, holding MAX_SEEN, answers `429
// too_many_device_requests`. A real device never gets there, so the bench must not either: a
// fleet keeps, per device, what it sent and when, and gives a run only what each device may
// still send. Both limits are read from the core's source, not copied here.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { root, startChallenge } from "../support/api.mjs";
import { inParallel, nodeDeviceUser } from "./fixtures.mjs";

/** `pub const NAME: type = <expr>;` of a core source file, as its expression's text. */
function constant(file, name) {
  const text = readFileSync(join(root, "crates", "pushauth-core", "src", file), "utf8");
  const m = text.match(new RegExp(`^pub const ${name}: \\w+ = ([^;]+);`, "m"));
  if (!m) throw new Error(`bench: no \`pub const ${name}\` in crates/pushauth-core/src/${file}`);
  return m[1].trim();
}

/** An integer expression of literals joined by `*` and `+` (`2 * 60_000 + 60_000`), evaluated. */
function evaluate(expr, what) {
  const text = expr.replaceAll("_", "");
  if (!/^\d+(\s*[*+]\s*\d+)*$/.test(text)) throw new Error(`bench: cannot read ${what} = ${expr}`);
  return text.split("+").reduce((sum, term) => sum + term.split("*").reduce((p, f) => p * Number(f), 1), 0);
}

const WINDOW_MS = evaluate(constant("device_request.rs", "WINDOW_MS"), "WINDOW_MS");
/** The guard's limits, from crates/pushauth-core/src/seen_requests.rs (and WINDOW_MS, device_request.rs). */
export const GUARD = {
  windowMs: WINDOW_MS,
  keepMs: evaluate(constant("seen_requests.rs", "KEEP_MS").replaceAll("WINDOW_MS", String(WINDOW_MS)), "KEEP_MS"),
  maxSeen: evaluate(constant("seen_requests.rs", "MAX_SEEN"), "MAX_SEEN"),
};

/** Signed requests a run reserves per device for its check of the device's pending list. */
const CHECKS = 2;

/**
 * Users with one enrolled {@link NodeDevice} each and, while one of their devices takes part in a
 * run, exactly one pending challenge: every fetch the run sends sees what the login's device sees.
 */
export class DeviceFleet {
  #t;
  #prefix;
  /** { userId, device, challenge: { challengeId, expiresAt } | null, sent: [{ at, count }] } */
  #members = [];

  /** A fleet for tenant `t`; its users are `${prefix}-0`, `${prefix}-1`, … */
  constructor(t, prefix) {
    this.#t = t;
    this.#prefix = prefix;
  }

  /** Devices enrolled so far. */
  get size() {
    return this.#members.length;
  }

  /**
   * What `m`'s device may still send at `now`: MAX_SEEN less what it sent in the last KEEP_MS.
   * Each send counts from when its run ended, at or after the Worker accepted it, so the guard
   * has let go of a request before this count does.
   */
  #room(m, now) {
    return GUARD.maxSeen - m.sent.filter((s) => s.at + GUARD.keepMs > now).reduce((a, s) => a + s.count, 0);
  }

  #charge(m, count) {
    if (count > 0) m.sent.push({ at: Date.now(), count });
  }

  /**
   * Makes `m`'s user have exactly one pending challenge, one that outlives `untilMs`, and checks
   * that its device's fetch sees just it; false if the user's challenge ends too soon to use.
   */
  async #ready(m, untilMs) {
    const t = this.#t;
    const fetch = async () => {
      const res = await m.device.pending(t.id);
      this.#charge(m, 1);
      if (res.status !== 200) throw new Error(`device fleet: fetch ${res.status} ${res.text}`);
      return res.json.challenges.map((c) => c.challengeId);
    };
    let seen = await fetch();
    if (seen.length === 0) {
      const { challengeId, expiresAt } = await startChallenge(t, m.userId);
      m.challenge = { challengeId, expiresAt };
      seen = await fetch();
    }
    if (seen.length !== 1 || seen[0] !== m.challenge?.challengeId) {
      throw new Error(`device fleet: ${m.userId}'s device sees ${JSON.stringify(seen)}, not its one challenge`);
    }
    return m.challenge.expiresAt > untilMs;
  }

  /**
   * `size` distinct signed `GET pathAndQuery` header sets for one run that must end by `untilMs`,
   * device after device, each device's share within what the guard still lets it send; enrols
   * devices as needed. Returns { pool, devices, signSeconds, charge(used) }: call `charge` with
   * how many of the pool went out (the first `used`, in order) once the run is over.
   */
  async pool(size, pathAndQuery, untilMs) {
    const shares = [];
    let left = size;
    for (const m of this.#members) {
      if (left === 0) break;
      if (this.#room(m, Date.now()) <= CHECKS) continue;
      if (!(await this.#ready(m, untilMs))) continue;
      const n = Math.min(left, this.#room(m, Date.now()));
      if (n > 0) shares.push({ m, n });
      left -= n;
    }
    while (left > 0) {
      const first = this.#members.length;
      const want = Math.ceil(left / (GUARD.maxSeen - CHECKS));
      const fresh = await inParallel(Array.from({ length: want }, (_, i) => `${this.#prefix}-${first + i}`), 4, async (userId) => {
        const m = { ...(await nodeDeviceUser(this.#t, userId)), challenge: null, sent: [] };
        if (!(await this.#ready(m, untilMs))) throw new Error(`device fleet: a new challenge ends before ${new Date(untilMs).toISOString()}`);
        return m;
      });
      for (const m of fresh) {
        this.#members.push(m);
        const n = Math.min(left, this.#room(m, Date.now()));
        if (n > 0) shares.push({ m, n });
        left -= n;
      }
    }
    // Signed last, device after device, so the oldest is as young as it can be.
    const began = performance.now();
    const pool = (await inParallel(shares, 2, ({ m, n }) => m.device.headerPool(n, this.#t.id, "GET", pathAndQuery))).flat();
    const signSeconds = (performance.now() - began) / 1000;
    return {
      pool,
      devices: shares.length,
      signSeconds,
      charge: (used) => {
        let rest = used;
        for (const { m, n } of shares) {
          this.#charge(m, Math.min(n, rest));
          rest -= Math.min(n, rest);
        }
      },
    };
  }
}
