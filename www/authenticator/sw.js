// The web authenticator's service worker (scope /authenticator/). It exists for Web Push only:
// when the Worker starts a challenge for an account of this browser, the browser's push service
// wakes this script with the message, decrypted by the browser (RFC 8291). We show a notification
// and nudge open authenticator pages to poll. No caching, no offline logic, no fetch handler:
// every page load and API call goes to the network as before.
//
// The message is only a hint. Nothing here signs or answers anything; the page fetches the
// challenge with a signed request and signs exactly what that returned.

const PAGE = "/authenticator/";
const ICON = "/authenticator/icon.svg";

// A new version takes over at once: it has no cache to migrate, and an old version would only
// keep showing notifications the old way.
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

/** The push's JSON, or null when it is missing or not what the Worker sends. */
function readPayload(data) {
  if (!data) return null;
  try {
    const payload = data.json();
    return payload && typeof payload === "object" && !Array.isArray(payload) ? payload : null;
  } catch {
    return null;
  }
}

const text = (value, fallback, max) =>
  typeof value === "string" && value.trim() ? value.slice(0, max) : fallback;

/** Open authenticator pages (controlled or not: the page may predate this worker). */
async function authenticatorWindows() {
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  return windows.filter((client) => new URL(client.url).pathname.startsWith(PAGE));
}

/** Tells open pages to poll now instead of at their next 2 s tick (hidden pages ignore it). */
async function nudge(windows) {
  for (const client of windows) client.postMessage({ type: "poll" });
}

self.addEventListener("push", (event) => {
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
      expiresAt: Number.isFinite(challenge?.expiresAt) ? challenge.expiresAt : null,
    },
  };
  event.waitUntil(
    Promise.all([
      self.registration.showNotification(title, options),
      authenticatorWindows().then(nudge),
    ]),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(
    (async () => {
      const windows = await authenticatorWindows();
      const open = windows.find((client) => "focus" in client);
      if (open) {
        await nudge([open]);
        await open.focus();
        return;
      }
      // The page lists every pending request itself; the notification's challenge among them.
      await self.clients.openWindow(PAGE);
    })(),
  );
});
