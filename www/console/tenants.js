// @ts-check
// The tenant screens: the list, creating one (its secrets shown once), and one tenant's
// settings, secret rotation and deletion. The console checks nothing itself: what it sends is
// what the API validates, and a refusal shows the API's own errorDescription.
import { button, confirmBox, errorText, facts, h, input, pill, secretField, textarea, when } from "./dom.js";

/** @typedef {import("./app.js").Context} Context */

/** The settings a tenant has (docs/api.md, "Admin API"), with the API's defaults. */
const DEFAULTS = {
  name: "",
  authMode: "basic",
  callbackUrls: [],
  pushWebhookUrl: null,
  redirectUrls: [],
  allowedOrigins: [],
  numberMatching: false,
  pushLimits: { maxPending: 3, maxPerWindow: 10, windowSecs: 600, notMeBlockSecs: 3600 },
  challengeSecs: 120,
  evidenceDays: 400,
};

/** @typedef {{ label: string, hint: string }} LimitText */
/** @type {Record<string, LimitText>} */
const LIMITS = {
  maxPending: { label: "Pending pushes at once", hint: "1–20" },
  maxPerWindow: { label: "Pushes per window", hint: "1–20" },
  windowSecs: { label: "Window (seconds)", hint: "1–3600" },
  notMeBlockSecs: { label: "Pause after “not me” (seconds)", hint: "" },
};

/**
 * A whole number as typed, else the text itself: the API refuses it with its own message.
 * @param {string} text
 * @returns {number | string}
 */
function number(text) {
  const t = text.trim();
  return /^\d{1,15}$/.test(t) ? Number(t) : t;
}

/** @param {string} text one entry a line */
function lines(text) {
  return text.split("\n").map((l) => l.trim()).filter((l) => l !== "");
}

let fields = 0;

/**
 * A label, its control and a hint.
 * @param {string} label
 * @param {HTMLElement} control
 * @param {string} [hint]
 */
function field(label, control, hint) {
  control.id ||= `field-${++fields}`;
  return h("div", null, h("label", { for: control.id }, label), control, hint ? h("div", { class: "muted" }, hint) : null);
}

/**
 * The settings form, filled with `settings`; `read()` answers every setting as the API names it.
 * @param {any} settings
 */
export function settingsForm(settings) {
  const s = { ...DEFAULTS, ...settings, pushLimits: { ...DEFAULTS.pushLimits, ...(settings.pushLimits ?? {}) } };
  const name = input({ value: s.name, testid: "setting-name", autocomplete: "off" });
  const authMode = /** @type {HTMLSelectElement} */ (h("select", { testid: "setting-authMode" },
    h("option", { value: "basic" }, "Basic: the secret (as @authsignal/node)"),
    h("option", { value: "hmac" }, "HMAC: signed requests")));
  authMode.value = s.authMode;
  const numberMatching = input({ type: "checkbox", testid: "setting-numberMatching" });
  numberMatching.checked = Boolean(s.numberMatching);
  const challengeSecs = input({ value: String(s.challengeSecs), inputmode: "numeric", testid: "setting-challengeSecs" });
  const evidenceDays = input({ value: String(s.evidenceDays), inputmode: "numeric", testid: "setting-evidenceDays" });
  const callbackUrls = textarea({ rows: 2, testid: "setting-callbackUrls", spellcheck: "false" });
  callbackUrls.value = s.callbackUrls.join("\n");
  const redirectUrls = textarea({ rows: 2, testid: "setting-redirectUrls", spellcheck: "false" });
  redirectUrls.value = s.redirectUrls.join("\n");
  const allowedOrigins = textarea({ rows: 2, testid: "setting-allowedOrigins", spellcheck: "false" });
  allowedOrigins.value = s.allowedOrigins.join("\n");
  const pushWebhookUrl = input({ value: s.pushWebhookUrl ?? "", testid: "setting-pushWebhookUrl", spellcheck: "false" });
  /** @type {Record<string, HTMLInputElement>} */
  const limits = {};
  for (const key of Object.keys(LIMITS)) {
    limits[key] = input({ value: String(s.pushLimits[key]), inputmode: "numeric", testid: `setting-pushLimits-${key}` });
  }
  const element = h("div", { class: "settings" },
    field("Name", name),
    field("Backend authentication (authMode)", authMode),
    h("label", { class: "check" }, numberMatching, "Number matching: the person types the number shown on the sign-in screen"),
    field("Challenge lifetime (challengeSecs, seconds)", challengeSecs, "10 s to 7 days"),
    field("Evidence kept (evidenceDays, days)", evidenceDays, "0–3650; 0 keeps no evidence of answers"),
    field("Allowed origins (one a line)", allowedOrigins, "Pages that may call the client API: scheme://host[:port]"),
    field("Redirect URLs (one a line)", redirectUrls, "Where the hosted page may send the browser back to"),
    field("Callback URLs (one a line)", callbackUrls, "Where Privakey-dialect results may be POSTed"),
    field("Push webhook URL", pushWebhookUrl, "push.created and authenticator events; empty for none"),
    h("h2", null, "Push limits"),
    h("div", { class: "grid2" }, Object.entries(LIMITS).map(([key, t]) => field(t.label, limits[key], t.hint))),
  );
  const read = () => ({
    name: name.value,
    authMode: authMode.value,
    numberMatching: numberMatching.checked,
    challengeSecs: number(challengeSecs.value),
    evidenceDays: number(evidenceDays.value),
    allowedOrigins: lines(allowedOrigins.value),
    redirectUrls: lines(redirectUrls.value),
    callbackUrls: lines(callbackUrls.value),
    pushWebhookUrl: pushWebhookUrl.value.trim() === "" ? null : pushWebhookUrl.value.trim(),
    pushLimits: Object.fromEntries(Object.entries(limits).map(([k, el]) => [k, number(el.value)])),
  });
  return { element, read };
}

/**
 * `#/tenants`: every tenant (at most 100; a prefix narrows the list).
 * @param {Context} ctx
 * @param {string} prefix
 */
export async function tenantsScreen(ctx, prefix) {
  const listing = await ctx.api.listTenants(prefix);
  const filter = input({ value: prefix, placeholder: "Tenant id starts with…", testid: "tenant-filter", "aria-label": "Tenant id prefix", spellcheck: "false" });
  const form = h("form", { class: "row", novalidate: true },
    h("div", { class: "grow" }, filter),
    h("button", { type: "submit", class: "button secondary", testid: "tenant-filter-submit" }, "Filter"));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    ctx.go(`#/tenants${filter.value ? `?prefix=${encodeURIComponent(filter.value)}` : ""}`);
  });
  /** @type {any[]} */
  const tenants = listing.tenants;
  const list = h("ul", { class: "list", testid: "tenant-list" }, tenants.map((t) =>
    h("li", { class: "item", testid: "tenant-row" },
      h("div", { class: "item-main" },
        h("a", { class: "title", href: `#/tenants/${encodeURIComponent(t.id)}` }, t.name || t.id),
        h("span", { class: "muted" }, t.id)),
      h("div", null,
        pill(t.authMode === "hmac" ? "HMAC" : "Basic"), " ",
        t.activeSecrets > 1 ? pill("rotating", "wait") : null))));
  return [
    h("section", { class: "card" },
      h("h1", null, "Tenants"),
      h("p", null, "Each tenant is one customer backend with its own secret, origins and limits."),
      form,
      tenants.length ? list : h("p", { class: "notice", testid: "no-tenants" }, prefix ? "No tenant id starts with this." : "No tenants yet."),
      listing.truncated ? h("p", { class: "fine", testid: "truncated" }, "More tenants than shown: narrow the list with a prefix.") : null,
      h("div", { class: "actions" }, h("a", { class: "button", href: "#/new", testid: "new-tenant" }, "New tenant"))),
  ];
}

/**
 * `#/new`: creates a tenant; on success its secrets are shown once.
 * @param {Context} ctx
 */
export function newTenantScreen(ctx) {
  const id = input({ testid: "new-id", placeholder: "generated when empty", autocomplete: "off", spellcheck: "false" });
  const settings = settingsForm({ name: "" });
  const status = h("div", { "aria-live": "polite" });
  const create = h("button", { type: "submit", class: "button", testid: "create" }, "Create tenant");
  const form = h("form", { novalidate: true }, field("Tenant id (optional)", id, "1–64 of A–Z a–z 0–9 - _ ."), settings.element, status, h("div", { class: "actions" }, create));
  const card = h("section", { class: "card", testid: "new-tenant-screen" },
    h("p", { class: "crumbs" }, h("a", { href: "#/tenants" }, "Tenants"), " / new"),
    h("h1", null, "New tenant"), form);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    status.replaceChildren();
    /** @type {Record<string, unknown>} */
    const body = { ...settings.read() };
    if (id.value.trim()) body.id = id.value.trim();
    try {
      const created = await ctx.api.createTenant(body);
      card.replaceChildren(...secretsOnce(created));
    } catch (err) {
      status.append(errorText(/** @type {any} */ (err), "create-error"));
    }
  });
  return [card];
}

/**
 * The answer of a creation: the secrets, shown here only.
 * @param {any} created
 */
function secretsOnce(created) {
  const t = created.tenant;
  return [
    h("h1", null, `Created ${t.name || t.id}`),
    h("p", { class: "notice", testid: "secrets-once" }, "Copy both secrets now: they are shown this once and never again. The API secret authenticates the backend; the webhook secret verifies callbacks and webhooks (Standard Webhooks)."),
    facts([["Tenant id", h("code", { testid: "created-id" }, t.id)]]),
    secretField("API secret", created.secret, "created-secret"),
    secretField("Webhook secret", created.webhookSecret, "created-webhook-secret"),
    h("div", { class: "actions" }, h("a", { class: "button", href: `#/tenants/${encodeURIComponent(t.id)}`, testid: "created-done" }, "I have copied them")),
  ];
}

/**
 * `#/tenants/{id}`: one tenant's facts, a user lookup, its settings, rotation and deletion.
 * @param {Context} ctx
 * @param {string} id
 */
export async function tenantScreen(ctx, id) {
  const tenant = await ctx.api.getTenant(id);
  const path = `#/tenants/${encodeURIComponent(id)}`;

  const user = input({ testid: "user-lookup", placeholder: "user id, e.g. alice or auth0|64f…", autocomplete: "off", spellcheck: "false", "aria-label": "User id" });
  const lookup = h("form", { class: "row", novalidate: true },
    h("div", { class: "grow" }, user), h("button", { type: "submit", class: "button", testid: "user-lookup-submit" }, "Look up"));
  lookup.addEventListener("submit", (e) => {
    e.preventDefault();
    if (user.value !== "") ctx.go(`${path}/users/${encodeURIComponent(user.value)}`);
  });

  const settings = settingsForm(tenant);
  const saved = h("div", { "aria-live": "polite" });
  const save = h("form", { novalidate: true }, settings.element, saved,
    h("div", { class: "actions" }, h("button", { type: "submit", class: "button", testid: "save" }, "Save settings")));
  save.addEventListener("submit", async (e) => {
    e.preventDefault();
    saved.replaceChildren();
    try {
      const updated = await ctx.api.updateTenant(id, settings.read());
      saved.append(h("p", { class: "notice ok", testid: "saved" }, `Saved at ${when(updated.updatedAt)}.`));
    } catch (err) {
      saved.append(errorText(/** @type {any} */ (err), "save-error"));
    }
  });

  const rotation = h("div", { testid: "rotation" });
  const rotate = button("Rotate the API secret", { class: "button secondary", testid: "rotate" });
  rotate.addEventListener("click", () => {
    rotation.replaceChildren(confirmBox(
      "Issue a new API secret? It works at once. The current secret keeps working for 24 hours, then stops: update the backend within that time.",
      "Rotate", async () => {
        const rotated = await ctx.api.rotateSecret(id);
        rotation.replaceChildren(
          h("p", { class: "notice", testid: "rotated" }, "The new secret is shown this once. The previous secret works until ",
            h("strong", { testid: "grace-until" }, when(rotated.previousValidUntil)),
            ` (${graceText(rotated.previousValidUntil)}), then stops.`),
          secretField("New API secret", rotated.secret, "rotated-secret"));
      }, "rotate-confirm"));
  });

  const removal = h("div");
  const remove = button("Delete tenant", { class: "button danger", testid: "delete" });
  remove.addEventListener("click", () => {
    removal.replaceChildren(confirmBox(
      `Delete ${tenant.name || id}? Its API secrets stop working at once (within seconds everywhere): its backend can no longer call, ` +
        "its tokens no longer validate, its users' devices can no longer fetch or answer, and pending challenges can no longer be answered. " +
        "Nothing can be restored: a tenant created again with this id starts empty, without users, devices or challenges.",
      "Delete for good", async () => {
        await ctx.api.deleteTenant(id);
        ctx.flash(`Deleted tenant ${id}.`);
        ctx.go("#/tenants");
      }, "delete-confirm"));
  });

  return [
    h("section", { class: "card", testid: "tenant-screen" },
      h("p", { class: "crumbs" }, h("a", { href: "#/tenants" }, "Tenants"), ` / ${id}`),
      h("h1", { testid: "tenant-name" }, tenant.name || id),
      facts([
        ["Id", h("code", null, tenant.id)],
        ["Created", when(tenant.createdAt)],
        ["Updated", when(tenant.updatedAt)],
        ["Active secrets", tenant.activeSecrets > 1 ? `${tenant.activeSecrets} (a rotation's grace period)` : String(tenant.activeSecrets)],
      ], "tenant-facts"),
      h("h2", null, "Look up a user"),
      lookup),
    h("section", { class: "card" }, h("h2", null, "Settings"), save),
    h("section", { class: "card" },
      h("h2", null, "API secret"),
      h("p", null, "Secrets are never shown again after they are issued. Rotating issues a new one; the previous one works for 24 hours more."),
      h("div", { class: "actions" }, rotate), rotation),
    h("section", { class: "card" },
      h("h2", null, "Delete"),
      h("div", { class: "actions" }, remove), removal),
  ];
}

/** @param {number | null | undefined} until Unix ms */
function graceText(until) {
  if (!until) return "no previous secret";
  const hours = Math.round((until - Date.now()) / 3_600_000);
  return `about ${hours} hours from now`;
}
