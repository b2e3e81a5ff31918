// Seeds the development tenant (dev/tenant.json) into a locally running Worker through the admin
// API, with the development ADMIN_TOKEN from dev/dev.vars. Idempotent: an existing tenant is kept.
//
//   node scripts/seed-dev.mjs http://127.0.0.1:8787
import { readFileSync } from "node:fs";

const base = process.argv[2] ?? "http://127.0.0.1:8787";
const vars = Object.fromEntries(
  readFileSync(new URL("../dev/dev.vars", import.meta.url), "utf8")
    .split("\n")
    .map((l) => l.match(/^([A-Z_]+)="(.*)"$/))
    .filter(Boolean)
    .map((m) => [m[1], m[2]]),
);
const tenant = JSON.parse(readFileSync(new URL("../dev/tenant.json", import.meta.url), "utf8"));
const res = await fetch(`${base}/admin/tenants`, {
  method: "POST",
  headers: { "content-type": "application/json", authorization: `Bearer ${vars.ADMIN_TOKEN}` },
  body: JSON.stringify(tenant),
});
if (res.status === 201) {
  console.log(`seeded tenant "${tenant.id}"`);
} else if (res.status === 409) {
  console.log(`tenant "${tenant.id}" already present`);
} else {
  console.error(`seeding tenant "${tenant.id}" failed: HTTP ${res.status} ${await res.text()}`);
  process.exit(1);
}
