// Seeds the development tenant (dev/tenant.json) into a running Worker through the admin API,
// with the development ADMIN_TOKEN from dev/dev.vars. Its callback, redirect and origin URLs are
// rewritten to the Worker's actual address. Idempotent: an existing tenant is kept, with its
// URLs updated to the current address.
//
//   node scripts/seed-dev.mjs http://127.0.0.1:8787
import { readFileSync } from "node:fs";

function devVars() {
  return Object.fromEntries(
    readFileSync(new URL("../dev/dev.vars", import.meta.url), "utf8")
      .split("\n")
      .map((l) => l.match(/^([A-Z_]+)="(.*)"$/))
      .filter(Boolean)
      .map((m) => [m[1], m[2]]),
  );
}

/** Creates the development tenant on the Worker at `base`; returns "seeded" or "present". */
export async function seedDevTenant(base) {
  const text = readFileSync(new URL("../dev/tenant.json", import.meta.url), "utf8");
  const origin = new URL(base).origin;
  const tenant = JSON.parse(text.replaceAll("http://127.0.0.1:8787", origin));
  tenant.allowedOrigins = [...new Set([...tenant.allowedOrigins, origin])];
  const res = await fetch(`${base}/admin/tenants`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${devVars().ADMIN_TOKEN}` },
    body: JSON.stringify(tenant),
  });
  if (res.status === 201) return "seeded";
  if (res.status === 409) {
    // Present from an earlier run, perhaps on another port: point its URLs at this one.
    const { callbackUrls, redirectUrls, allowedOrigins } = tenant;
    const patched = await fetch(`${base}/admin/tenants/${tenant.id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json", authorization: `Bearer ${devVars().ADMIN_TOKEN}` },
      body: JSON.stringify({ callbackUrls, redirectUrls, allowedOrigins }),
    });
    if (!patched.ok) throw new Error(`updating tenant "${tenant.id}" failed: HTTP ${patched.status}`);
    return "present";
  }
  throw new Error(`seeding tenant "${tenant.id}" failed: HTTP ${res.status} ${await res.text()}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const base = process.argv[2] ?? "http://127.0.0.1:8787";
  try {
    const outcome = await seedDevTenant(base);
    console.log(outcome === "seeded" ? 'seeded tenant "dev"' : 'tenant "dev" already present');
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}
