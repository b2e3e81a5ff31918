// @ts-check
// The web authenticator's service worker (scope /authenticator/). It exists for Web Push only:
// when the Worker starts a challenge for an account of this browser, the browser's push service
// wakes this script with the message, decrypted by the browser (RFC 8291). We show a notification
// and nudge open authenticator pages to poll. No caching, no offline logic, no fetch handler:
// every page load and API call goes to the network as before.
//
// The message is only a hint. Nothing here signs or answers anything; the page fetches the
// challenge with a signed request and signs exactly what that returned.

// The service worker's own types (lib "webworker"), which cannot be loaded next to the pages'
// "dom" in one type check: the parts this script uses.
/** @typedef {{ waitUntil(promise: Promise<unknown>): void }} ExtendableEvent */
/** @typedef {ExtendableEvent & { data: { json(): unknown } | null }} PushEvent */
/** @typedef {ExtendableEvent & { notification: Notification }} NotificationEvent */
/** @typedef {{ url: string, postMessage(message: unknown): void, focus?(): Promise<unknown> }} WindowClient */
/**
 * @typedef {object} ServiceWorkerScope
 * @property {() => Promise<void>} skipWaiting
 * @property {{ claim(): Promise<void>, matchAll(options: { type: "window", includeUncontrolled: boolean }): Promise<WindowClient[]>, openWindow(url: string): Promise<WindowClient | null> }} clients
 * @property {ServiceWorkerRegistration} registration
 * @property {((type: "install", listener: () => void) => void) & ((type: "activate", listener: (event: ExtendableEvent) => void) => void) & ((type: "push", listener: (event: PushEvent) => void) => void) & ((type: "notificationclick", listener: (event: NotificationEvent) => void) => void)} addEventListener
 */
const worker = /** @type {ServiceWorkerScope} */ (/** @type {unknown} */ (self));

const PAGE = "/authenticator/";
const ICON = "/authenticator/icon.svg";

// A new version takes over at once: it has no cache to migrate, and an old version would only
// keep showing notifications the old way.
worker.addEventListener("install", () => worker.skipWaiting());
worker.addEventListener("activate", (event) => event.waitUntil(worker.clients.claim()));

/**
 * The push's JSON, or null when it is missing or not what the Worker sends.
 * @param {PushEvent["data"]} data
 * @returns {Record<string, unknown> | null}
 */
function readPayload(data) {
  if (!data) return null;
  try {
    const payload = data.json();
    return payload && typeof payload === "object" && !Array.isArray(payload) ? /** @type {Record<string, unknown>} */ (payload) : null;
  } catch {
    return null;
  }
}

/**
 * `value` when it is a non-blank string (cut to `max`), else `fallback`.
 * @template {string | null} F
 * @param {unknown} value
 * @param {F} fallback
 * @param {number} max
 * @returns {string | F}
 */
const text = (value, fallback, max) =>
  typeof value === "string" && value.trim() ? value.slice(0, max) : fallback;

/** Open authenticator pages (controlled or not: the page may predate this worker). */
async function authenticatorWindows() {
  const windows = await worker.clients.matchAll({ type: "window", includeUncontrolled: true });
  return windows.filter((client) => new URL(client.url).pathname.startsWith(PAGE));
}

/**
 * Tells open pages to poll now instead of at their next 2 s tick (hidden pages ignore it).
 * @param {WindowClient[]} windows
 */
async function nudge(windows) {
  for (const client of windows) client.postMessage({ type: "poll" });
}

worker.addEventListener("push", (event) => {
  const payload = readPayload(event.data);
  const challenge = payload?.type === "challenge" ? payload : null;
  const challengeId = text(challenge?.challengeId, "", 200);
  // The subscription is userVisibleOnly: every push must show a notification, even one we cannot
  // read (the browser would otherwise show its own "updated in the background" notice and may
  // end the subscription). So a bad or empty message still gets a generic one.
  const title = text(challenge?.title, "Request to approve", 128);
  const body = text(challenge?.body, "Open the authenticator to see it.", 512);
  const options = {
    body,
    icon: ICON,
    badge: ICON,
    // One notification per challenge: a repeated push replaces it instead of stacking.
    tag: challengeId || "pushauth-request",
    data: {
      tenantId: text(challenge?.tenantId, null, 200),
      challengeId: challengeId || null,
      expiresAt: typeof challenge?.expiresAt === "number" && Number.isFinite(challenge.expiresAt) ? challenge.expiresAt : null,
    },
  };
  event.waitUntil(
    Promise.all([
      worker.registration.showNotification(title, options),
      authenticatorWindows().then(nudge),
    ]),
  );
});

worker.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(
    (async () => {
      const windows = await authenticatorWindows();
      const open = windows.find((client) => "focus" in client);
      if (open?.focus) {
        await nudge([open]);
        await open.focus();
        return;
      }
      // The page lists every pending request itself; the notification's challenge among them.
      await worker.clients.openWindow(PAGE);
    })(),
  );
});
