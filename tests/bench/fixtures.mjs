// Tenants and users for the bench, made through the Worker's own API (tests/support/api.mjs).
import { rmSync } from "node:fs";
import { dirname } from "node:path";
import { Device, createTenant, enrol } from "../support/api.mjs";
import { onExit } from "./cleanup.mjs";

/** Push limits high enough that the bench's many challenges per user never get 429. */
const PUSH_LIMITS = { maxPending: 1000, maxPerWindow: 1_000_000, windowSecs: 600, notMeBlockSecs: 3600 };

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
