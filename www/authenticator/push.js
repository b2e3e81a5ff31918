// @ts-check
// The browser's half of notifications (Web Push): the service worker (sw.js), the browser's push
// subscription, and the notifications it shows. The service half (the signed PUT / DELETE of
// the subscription for each account) is in api.js; app.js puts them together.
//
// A browser has one push subscription per service-worker registration, so every account of this
// browser shares it: each account's key tells the service to push its challenges there.

import { fromBase64 } from "./protocol.js";

const SW_URL = "/authenticator/sw.js";
const SCOPE = "/authenticator/";

const isAppleMobile = () =>
  /iPhone|iPad|iPod/.test(navigator.userAgent) ||
  // iPadOS Safari says it is a Mac; only its touch screen gives it away.
  (/Macintosh/.test(navigator.userAgent) && navigator.maxTouchPoints > 1);

// `navigator.standalone`: Safari's own flag for a page opened from the Home Screen.
const isStandalone = () =>
  /** @type {Navigator & { standalone?: boolean }} */ (navigator).standalone === true ||
  matchMedia("(display-mode: standalone)").matches;

/**
 * Whether this browser can receive notifications at all: { ok: true }, or { ok: false, reason }
 * with reason "home-screen" (iPhone/iPad Safari: only pages added to the Home Screen get Web
 * Push) or "unsupported" (no service worker, PushManager or Notification; also plain http).
 * @returns {{ ok: true, reason?: undefined } | { ok: false, reason: "home-screen" | "unsupported" }}
 */
export function pushSupport() {
  const ok = "serviceWorker" in navigator && "PushManager" in globalThis && "Notification" in globalThis;
  if (ok) return { ok: true };
  return { ok: false, reason: isAppleMobile() && !isStandalone() ? "home-screen" : "unsupported" };
}

/** "granted", "denied" or "default" (not asked yet, or the prompt was dismissed). */
export function permission() {
  return globalThis.Notification?.permission ?? "denied";
}

/** Asks for permission (must run in the click handler, before any await: Safari and Firefox insist). */
export function askPermission() {
  return Notification.requestPermission();
}

/** The registration of sw.js, if this browser has one. */
export async function registration() {
  if (!("serviceWorker" in navigator)) return null;
  return (await navigator.serviceWorker.getRegistration(SCOPE)) || null;
}

/** The browser's current push subscription, or null. */
export async function currentSubscription() {
  const reg = await registration();
  return reg ? reg.pushManager.getSubscription() : null;
}

/**
 * Registers sw.js (or checks it for an update) and waits until it is active: subscribing needs
 * an active worker to deliver pushes to.
 */
export async function registerWorker() {
  // updateViaCache "none": a new sw.js is picked up at the next check, whatever HTTP caches say.
  await navigator.serviceWorker.register(SW_URL, { scope: SCOPE, updateViaCache: "none" });
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error("The notification service didn't start. Reload the page and try again.")), 15_000);
  });
  try {
    return await Promise.race([navigator.serviceWorker.ready, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * @param {ArrayBuffer | null | undefined} buffer
 * @param {Uint8Array} bytes
 */
function sameBytes(buffer, bytes) {
  if (!buffer) return false;
  const a = new Uint8Array(buffer);
  return a.length === bytes.length && a.every((value, i) => value === bytes[i]);
}

/**
 * The push subscription for the service's VAPID key (base64url): the existing one when it was
 * made for that key, else a new one (an old one for another key is dropped first: a
 * registration holds one subscription, and the browser refuses to change its key in place).
 * @param {ServiceWorkerRegistration} reg
 * @param {string} vapidPublicKey
 */
export async function subscribe(reg, vapidPublicKey) {
  const applicationServerKey = fromBase64(vapidPublicKey);
  const existing = await reg.pushManager.getSubscription();
  if (existing) {
    if (sameBytes(existing.options?.applicationServerKey, applicationServerKey)) return existing;
    await existing.unsubscribe();
  }
  // userVisibleOnly: every push shows a notification (browsers require it; sw.js always does).
  return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey });
}

/** Drops the browser's push subscription, if any (best effort: the service forgets it on 410). */
export async function unsubscribe() {
  try {
    const subscription = await currentSubscription();
    if (subscription) await subscription.unsubscribe();
  } catch {
    // Nothing more to do here; a push to a dropped subscription is refused by the push service.
  }
}

/**
 * Closes the notifications of finished challenges: those of `challengeIds`; or, with `pending`
 * and `since` (what a poll that started at `since` listed), every notification shown before
 * that poll whose challenge it did not list. A notification shown after the poll started may
 * announce a challenge the poll was too early to see: it stays.
 * @param {{ challengeIds?: string[] | null, pending?: Set<string> | null, since?: number }} [which]
 */
export async function closeNotifications({ challengeIds = null, pending = null, since = 0 } = {}) {
  try {
    const reg = await registration();
    if (!reg) return;
    for (const notification of await reg.getNotifications()) {
      const id = notification.data?.challengeId ?? notification.tag;
      const done = challengeIds
        ? challengeIds.includes(id)
        : pending !== null && notificationTime(notification) < since && !pending.has(id);
      if (done) notification.close();
    }
  } catch {
    // Cosmetic only.
  }
}

/**
 * When a notification was shown, in Unix milliseconds (`Notification.timestamp`, which not every
 * browser has: without it, never before a poll, so it stays).
 * @param {Notification} notification
 */
function notificationTime(notification) {
  const { timestamp } = /** @type {Notification & { timestamp?: number }} */ (notification);
  return timestamp ?? Infinity;
}

/**
 * Calls `onPoll` when sw.js says a push arrived.
 * @param {() => void} onPoll
 */
export function listenForPushes(onPoll) {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.addEventListener("message", (event) => {
    if (event.data?.type === "poll") onPoll();
  });
  // Messages from the worker are queued until the page says it listens.
  navigator.serviceWorker.startMessages();
}
