// @ts-check
// The support screens of one tenant: a user (devices, recent challenges with their state and
// context, recent actions) and a challenge's delivery log with "retry now".
import { button, confirmBox, errorText, facts, h, pill, when } from "./dom.js";

/** @typedef {import("./app.js").Context} Context */

/** @type {Record<string, string>} */
const STATUS_KIND = { approved: "ok", denied: "bad", cancelled: "off", expired: "off", pending: "wait" };
/** @type {Record<string, string>} */
const DELIVERY_KIND = { delivered: "ok", failed: "bad", pending: "wait" };

/**
 * `#/tenants/{t}/users/{u}`.
 * @param {Context} ctx
 * @param {string} tenant
 * @param {string} userId
 */
export async function userScreen(ctx, tenant, userId) {
  const user = await ctx.api.getUser(tenant, userId);
  const base = `#/tenants/${encodeURIComponent(tenant)}`;
  const a = user.attributes ?? {};

  /** @type {any[]} */
  const devices = user.authenticators;
  const deviceList = h("ul", { class: "list", testid: "devices" }, devices.map((d) => {
    const row = h("li", { class: "item", testid: "device" });
    const remove = button("Remove", { class: "button secondary", testid: "remove-device" });
    const main = h("div", { class: "item-main" },
      h("span", { class: "title" }, d.deviceName || "(unnamed)"),
      h("span", { class: "muted" }, `${d.devicePlatform} · key ${d.userAuthenticatorId}`),
      h("span", { testid: "device-enrolled" }, `Enrolled ${when(d.createdAt)}`),
      h("span", { testid: "device-last-used" }, d.lastUsedAt ? `Last used ${when(d.lastUsedAt)}` : "Last used: not known (no answer in the last 30 days)"),
      h("span", { class: "muted" }, d.hasPushChannel ? "Gets push notifications" : "Polls (no push channel)"));
    remove.addEventListener("click", () => {
      main.querySelector(".confirm")?.remove();
      main.append(confirmBox(
        `Remove ${d.deviceName || "this device"}? It can no longer approve anything for ${userId}: its open connections close, ` +
          "the tenant's push webhook gets authenticator.deleted, and the person must enrol it again to use it.",
        "Remove device", async () => {
          await ctx.api.removeDevice(tenant, userId, d.userAuthenticatorId);
          ctx.flash(`Removed ${d.deviceName || d.userAuthenticatorId}.`);
          ctx.refresh();
        }, "remove-confirm"));
    });
    row.append(main, remove);
    return row;
  }));

  /** @type {any[]} */
  const challenges = user.challenges;
  const challengeList = h("ul", { class: "list", testid: "challenges" }, challenges.map((c) => {
    const ctxRows = /** @type {Array<[string, string]>} */ ([
      ["IP address", c.context?.ipAddress],
      ["User agent", c.context?.userAgent],
      ["Location", c.context?.location],
      ["Device id", c.context?.deviceId],
    ]);
    const deliveries = `${base}/challenges/${encodeURIComponent(c.challengeId)}?user=${encodeURIComponent(userId)}`;
    return h("li", { class: "item", testid: "challenge" },
      h("div", { class: "item-main" },
        h("span", null, h("span", { class: "title" }, c.action), " ", pill(c.status, STATUS_KIND[c.status] ?? ""), c.failureReason ? pill(c.failureReason, "bad") : null, c.denyReason ? pill(c.denyReason === "not_me" ? "not me" : c.denyReason, "bad") : null),
        h("span", { testid: "challenge-content" }, c.content),
        h("span", { class: "muted" }, `Created ${when(c.createdAt)} · expires ${when(c.expiresAt)}`),
        c.answeredAt ? h("span", { class: "muted" }, `Answered ${when(c.answeredAt)} by ${c.answeredByAuthenticatorId}`) : null,
        facts([...ctxRows, ["Challenge id", h("code", null, c.challengeId)], ["Callback", c.callback], ["Result", c.resultConsumed ? "validated or revoked" : ""]], "challenge-context")),
      h("a", { class: "button secondary", href: deliveries, testid: "delivery-log" }, "Delivery log"));
  }));

  /** @type {any[]} */
  const actions = user.actions;
  const actionList = h("ul", { class: "list", testid: "actions" }, actions.map((x) =>
    h("li", { class: "item", testid: "action" },
      h("div", { class: "item-main" },
        h("span", null, h("span", { class: "title" }, x.actionCode), " ", pill(x.state)),
        h("span", { class: "muted" }, `${when(x.createdAt)} · idempotency key ${x.idempotencyKey}`)))));

  return [
    h("section", { class: "card", testid: "user-screen" },
      h("p", { class: "crumbs" }, h("a", { href: "#/tenants" }, "Tenants"), " / ", h("a", { href: base }, tenant), " / user"),
      h("h1", { testid: "user-id" }, userId),
      devices.length || challenges.length || actions.length ? null : h("p", { class: "notice", testid: "unknown-user" },
        "The service knows nothing of this user here: no device, no challenge in the last hour, no action in 30 days. " +
          "(It keeps no list of users: a user id it never saw reads as empty. Check the id and the tenant.)"),
      facts([
        ["Enrolled", user.isEnrolled ? "yes" : "no device"],
        ["Pushes paused until", user.blockedUntil ? `${when(user.blockedUntil)} (after a “not me” answer)` : ""],
        ["Email", a.email], ["Phone", a.phoneNumber], ["Username", a.username], ["Display name", a.displayName],
      ], "user-facts")),
    h("section", { class: "card" }, h("h2", null, `Devices (${devices.length})`),
      devices.length ? deviceList : h("p", { testid: "no-devices" }, "No enrolled device.")),
    h("section", { class: "card" }, h("h2", null, `Recent challenges (${challenges.length})`),
      challenges.length ? challengeList : h("p", null, "No challenge in the last hour."),
      h("p", { class: "fine" }, "The last hour's challenges, at most 20, newest first.")),
    h("section", { class: "card" }, h("h2", null, `Recent actions (${actions.length})`),
      actions.length ? actionList : h("p", null, "No action in the last 30 days.")),
  ];
}

/**
 * `#/tenants/{t}/challenges/{c}?user=`: the challenge's delivery log, with "retry now".
 * @param {Context} ctx
 * @param {string} tenant
 * @param {string} challengeId
 * @param {string} userId
 */
export async function deliveriesScreen(ctx, tenant, challengeId, userId) {
  const base = `#/tenants/${encodeURIComponent(tenant)}`;
  const crumbs = h("p", { class: "crumbs" }, h("a", { href: "#/tenants" }, "Tenants"), " / ", h("a", { href: base }, tenant),
    userId ? [" / ", h("a", { href: `${base}/users/${encodeURIComponent(userId)}` }, userId)] : null, " / delivery log");
  let log;
  try {
    log = await ctx.api.deliveries(tenant, challengeId);
  } catch (e) {
    const err = /** @type {any} */ (e);
    if (err.code !== "request_not_found") throw err;
    return [h("section", { class: "card", testid: "deliveries-screen" }, crumbs, h("h1", null, "Delivery log"),
      errorText(err, "deliveries-error"),
      h("p", null, "Only some challenges have a delivery log: Privakey requests, challenges with a callback, and every challenge of a tenant with a push webhook.")),
    ];
  }
  /** @type {any[]} */
  const deliveries = log.deliveries;
  const list = h("ul", { class: "list", testid: "deliveries" }, deliveries.map((d) => {
    const status = h("div", { "aria-live": "polite" });
    const retryable = d.kind !== "expiry_check" && d.state !== "delivered";
    const retry = retryable ? button("Retry now", { class: "button", testid: "retry" }) : null;
    retry?.addEventListener("click", async () => {
      retry.disabled = true;
      status.replaceChildren();
      try {
        const scheduled = await ctx.api.retry(tenant, challengeId, d.id);
        status.append(h("p", { class: "notice ok", testid: "retry-scheduled" }, `Retry scheduled for ${when(scheduled.nextAttemptAt)}: the attempt follows within seconds.`));
        setTimeout(() => ctx.refresh(), 2500);
      } catch (e) {
        status.append(errorText(/** @type {any} */ (e), "retry-error"));
        retry.disabled = false;
      }
    });
    /** @type {any[]} */
    const attempts = d.attempts;
    return h("li", { class: "item", testid: "delivery" },
      h("div", { class: "item-main" },
        h("span", null, h("span", { class: "title" }, d.event), " ", pill(d.state, DELIVERY_KIND[d.state] ?? ""), " ", pill(d.kind.replace("_", " "), "off")),
        d.url ? h("code", null, d.url) : null,
        h("span", { class: "muted", testid: "delivery-summary" },
          `${d.attemptCount} attempt${d.attemptCount === 1 ? "" : "s"}` +
            (d.state === "pending" ? ` · next ${when(d.nextAttemptAt)}` : "") + ` · gives up ${when(d.giveUpAt)}`),
        attempts.length ? h("ol", { class: "attempts", testid: "attempts" }, attempts.map((t) =>
          h("li", null, `${when(t.at)} — ${t.status !== null ? `HTTP ${t.status}` : `no answer: ${t.error ?? "?"}`}`))) : null,
        h("span", { class: "muted" }, h("code", null, d.id)),
        status),
      retry);
  }));
  const refresh = button("Refresh", { class: "button secondary", testid: "refresh" });
  refresh.addEventListener("click", () => ctx.refresh());
  return [
    h("section", { class: "card", testid: "deliveries-screen" }, crumbs,
      h("h1", null, "Delivery log"),
      h("p", null, "Every callback and webhook about challenge ", h("code", null, challengeId), ", with each attempt. Failed ones are retried with backoff for 26 hours; “Retry now” makes the next attempt at once."),
      deliveries.length ? list : h("p", { class: "notice" }, "Nothing was recorded for this challenge."),
      h("div", { class: "actions" }, refresh)),
  ];
}
