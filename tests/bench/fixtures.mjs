// Tenants and users for the bench, made through the Worker's own API (tests/support/api.mjs).
import { rmSync } from "node:fs";
import { dirname } from "node:path";
import { Device, createTenant, enrol } from "../support/api.mjs";
import { onExit } from "./cleanup.mjs";

/**
 * The loosest push limits a tenant may set (at most 20 pending and 20 per window, the most the
 * user record can count): with a 1 s window, the bench's challenges (at most 16 started at once per
 * user, request/add spread over many accounts) never get 429.
 */
const PUSH_LIMITS = { maxPending: 20, maxPerWindow: 20, windowSecs: 1, notMeBlockSecs: 3600 };

/** A fresh tenant with the bench's push limits; `settings` as for createTenant. */
export function benchTenant(settings = {}) {
  return createTenant({ pushLimits: PUSH_LIMITS, ...settings });
}

/** A user with an enrolled CLI device; the device's key folder is removed at exit. */
export async function enrolledUser(t, userId) {
  const device = new Device();
  onExit(() => rmSync(dirname(device.file), { recursive: true, force: true }));
  await enrol(t, userId, device);
  return { userId, device };
}
