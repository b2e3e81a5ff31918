// @ts-check
// The web authenticator page: enrol from a /authenticator/#enroll=<track token> link, then list
// pending requests (signed GET) and answer them with a signature over exactly what was shown.
// While the page is visible each account holds a WebSocket that says when a request arrives or
// changes (then the page fetches the list at once, and every 30 s in case a message was lost);
// an account without one is polled every 2 s. Optionally, notifications (Web Push) tell it when
// a request arrives. Protocol bytes: protocol.js; key: keys.js; storage: storage.js; HTTP: api.js;
// browser push and the service worker: push.js, sw.js; DOM: render.js.
import {
  ApiError,
  answerChallenge,
  deleteWebPush,
  describeToken,
  enrol,
  openSocket,
  pendingChallenges,
  putWebPush,
  removeCredential,
  serverNow,
  socketTicket,
  webPushKey,
} from "./api.js";
import { generateDeviceKey, webCryptoAvailable } from "./keys.js";
import {
  CHALLENGE_EXPIRED,
  CHALLENGE_NOT_FOUND,
  CHALLENGE_NOT_PENDING,
  DEVICE_NOT_ALLOWED,
  EXPIRED_TOKEN,
  INSUFFICIENT_SCOPE,
  INVALID_CREDENTIAL,
  INVALID_TOKEN,
  KEY_ALREADY_ENROLLED,
  MALFORMED_TOKEN,
  NETWORK_ERROR,
  NUMBER_MATCH_REQUIRED,
  NUMBER_MISMATCH,
  STORAGE_UNAVAILABLE,
  TOKEN_NOT_SET,
  TOO_MANY_ATTEMPTS,
  TOO_MANY_REQUESTS,
  WEB_PUSH_NOT_CONFIGURED,
} from "/assets/error-codes.js";
import { byId as $ } from "/assets/dom.js";
import * as push from "./push.js";
import { challengeCard, describeUserAgent, formatDate, h } from "./render.js";
import { askPersistence, deleteAccount, listAccounts, saveAccount, updateAccount } from "./storage.js";

const POLL_MS = 2000;
/** While every account's socket is open: a safety poll this often (a socket's message polls at once). */
const SOCKET_POLL_MS = 30_000;

/** @typedef {import("./storage.js").Account} Account */
/** @typedef {import("./protocol.js").ChallengeView} ChallengeView */
/** @typedef {ReturnType<typeof challengeCard>} Card */
/** What polling learnt about an account. @typedef {{ tenantName?: string, revoked?: boolean, error?: string | null }} AccountStatus */
/** A request on the page. @typedef {{ card: Card, view: ChallengeView, account: Account, busy?: boolean }} CardEntry */
/** An account's socket. @typedef {{ ws: WebSocket | "opening" | null, open: boolean, failures: number, retryAt: number }} AccountSocket */
/** What the enrolment link is for. @typedef {Awaited<ReturnType<typeof describeToken>>} LinkInfo */
/**
 * The notifications setting (see `state.notify` below).
 * @typedef {object} Notify
 * @property {"on" | "off" | "blocked" | "unavailable" | "unknown"} state
 * @property {"unsupported" | "home-screen" | "not-configured" | null} reason
 * @property {string | null} busy
 * @property {string} error
 * @property {boolean | null} configured
 */
/**
 * The page's state.
 * @typedef {object} State
 * @property {string | null} confirmingRemove
 * @property {Account[]} accounts
 * @property {Map<string, AccountStatus>} status
 * @property {Map<string, CardEntry>} cards
 * @property {Set<string>} finished
 * @property {number | null} pollTimer
 * @property {boolean} polling
 * @property {boolean} pollAgain
 * @property {Map<string, AccountSocket>} sockets
 * @property {string | null} screen
 * @property {Notify} notify
 * @property {{ token: string, info: LinkInfo } | null} [enrolment] the enrolment under way
 */

/** @type {State} */
const state = {
  /** The account whose removal is being confirmed (survives re-renders). */
  confirmingRemove: null,
  accounts: [],
  /** keyId → { tenantName, revoked, error } learnt from polling */
  status: new Map(),
  /** challengeId → { card, view, account } */
  cards: new Map(),
  /** Challenges answered or dismissed here: a poll that raced the answer must not bring them back. */
  finished: new Set(),
  pollTimer: null,
  polling: false,
  /** Asked to poll while a poll was under way: poll again when it ends. */
  pollAgain: false,
  /** keyId → { ws, open, failures, retryAt }: each account's socket (docs/api.md, "Sockets"). */
  sockets: new Map(),
  screen: null,
  /**
   * This browser's notifications: state "on" | "off" | "blocked" | "unavailable" | "unknown";
   * reason (for unavailable) "unsupported" | "home-screen" | "not-configured"; busy while
   * turning on or off; error shown under the control; configured: false once the service
   * said it sends no Web Push.
   */
  notify: { state: "unknown", reason: null, busy: null, error: "", configured: null },
};

// ---------------------------------------------------------------------------------------------
// Screens

const SCREENS = ["blocked", "enrol", "empty", "result", "inbox"];

/** @param {string} screen */
function show(screen) {
  state.screen = screen;
  for (const id of SCREENS) $(id).hidden = id !== screen;
  window.scrollTo(0, 0);
}

function showHome() {
  show(state.accounts.length ? "inbox" : "empty");
  renderAccounts();
  renderIdle();
  renderNotifications();
}

/**
 * @param {string} title
 * @param {string} text
 */
function block(title, text) {
  $("blocked-title").textContent = title;
  $("blocked-text").textContent = text;
  show("blocked");
}

/**
 * @param {"ok" | "warn" | "bad"} kind
 * @param {string} title
 * @param {string} text
 */
function showResult(kind, title, text) {
  const badge = $("result-badge");
  badge.className = `badge ${kind === "ok" ? "ok" : kind === "warn" ? "warn" : "bad"}`;
  badge.textContent = kind === "ok" ? "✓" : kind === "warn" ? "!" : "✕";
  $("result-title").textContent = title;
  $("result-text").textContent = text;
  show("result");
  $("result-done").focus();
}

/**
 * The stable code of an API failure, if `error` is one.
 * @param {unknown} error
 */
function codeOf(error) {
  return error instanceof ApiError ? error.code : undefined;
}

/**
 * What to tell the user about `error`.
 * @param {unknown} error
 */
function errorText(error) {
  /** @type {Record<string, string>} */
  const messages = {
    [NETWORK_ERROR]: "Couldn't reach the server. Check your connection and try again.",
    [EXPIRED_TOKEN]: "This link has expired. Ask for a new QR code in your account's security settings.",
    [INVALID_TOKEN]: "This link isn't valid. Ask for a new QR code in your account's security settings.",
    [MALFORMED_TOKEN]: "This link isn't valid. Make sure you opened the whole link.",
    [TOKEN_NOT_SET]: "This link isn't valid. Make sure you opened the whole link.",
    [INSUFFICIENT_SCOPE]: "This link can't add a device. Ask for a new QR code in your account's security settings.",
    [KEY_ALREADY_ENROLLED]: "This key already belongs to another account.",
    [STORAGE_UNAVAILABLE]: "The service is busy. Try again in a moment.",
    [TOO_MANY_REQUESTS]: "Too many attempts. Wait a moment and try again.",
  };
  return messages[codeOf(error) ?? ""] || (error instanceof Error ? error.message : "") || "Something went wrong.";
}

// ---------------------------------------------------------------------------------------------
// Enrolment

/** @param {string} token the enrolment link's track token */
async function startEnrol(token) {
  show("enrol");
  stopPolling();
  state.enrolment = null;
  const lead = $("enrol-lead");
  lead.textContent = "Checking your link…";
  lead.classList.remove("error");
  $("enrol-form").hidden = true;
  $("enrol-meta").hidden = true;
  $("enrol-fine").hidden = true;
  $("enrol-error").hidden = true;

  let info;
  try {
    info = await describeToken(token);
  } catch (error) {
    lead.textContent = errorText(error);
    lead.classList.add("error");
    $("enrol-fields").hidden = true;
    $("enrol-cancel").textContent = state.accounts.length ? "Back to requests" : "Close";
    $("enrol-form").hidden = false;
    return;
  }
  lead.textContent = `${info.tenantName} will send requests to approve to this phone.`;
  $("enrol-tenant").textContent = info.tenantName;
  $("enrol-user").textContent = info.userId;
  $("enrol-meta").hidden = false;
  $("enrol-fields").hidden = false;
  $("enrol-fine").hidden = false;
  $("enrol-cancel").textContent = "Not now";
  $("device-name", HTMLInputElement).value = describeUserAgent(navigator.userAgent) || "Web browser";
  $("enrol-form").hidden = false;
  state.enrolment = { token, info };
}

/** @param {SubmitEvent} event */
async function submitEnrol(event) {
  event.preventDefault();
  const enrolment = state.enrolment;
  if (!enrolment) return;
  const errorBox = $("enrol-error");
  const nameInput = $("device-name", HTMLInputElement);
  const submit = $("enrol-submit", HTMLButtonElement);
  const cancel = $("enrol-cancel", HTMLButtonElement);
  const deviceName = nameInput.value.trim().replace(/\s+/g, " ");
  /** @param {string} text */
  const setError = (text) => {
    errorBox.textContent = text;
    errorBox.hidden = !text;
  };
  if (!deviceName) return setError("Give this device a name.");
  if (new TextEncoder().encode(deviceName).length > 64) return setError("Use a shorter name (64 bytes at most).");
  setError("");
  submit.disabled = nameInput.disabled = cancel.disabled = true;
  submit.textContent = "Adding this device…";
  try {
    const key = await generateDeviceKey();
    const enrolled = await enrol(enrolment.token, {
      publicKey: key.publicKey,
      keyId: key.keyId,
      privateKey: key.keyPair.privateKey,
      deviceName,
    });
    if (enrolled.keyId !== key.keyId) throw new Error("The server registered a different key. Try again.");
    /** @type {Account} */
    const account = {
      keyId: key.keyId,
      tenantId: enrolled.tenantId,
      userId: enrolled.userId,
      tenantName: enrolment.info.tenantName,
      deviceName,
      userAuthenticatorId: enrolled.userAuthenticatorId,
      home: enrolled.home,
      createdAt: Date.now(),
      keyPair: key.keyPair,
    };
    await saveAccount(account);
    state.enrolment = null;
    askPersistence();
    await loadAccounts();
    // Notifications on for the other accounts: this one gets them too (best effort; retried at
    // the next page load).
    await syncNotifications().catch(() => {});
    showResult(
      "ok",
      "This phone is ready",
      `Requests from ${account.tenantName} for ${account.userId} will appear here. Keep this page on your home screen to find it quickly.`,
    );
    startPolling();
  } catch (error) {
    setError(errorText(error));
  } finally {
    submit.disabled = nameInput.disabled = cancel.disabled = false;
    submit.textContent = "Add this device";
  }
}

// ---------------------------------------------------------------------------------------------
// Accounts

async function loadAccounts() {
  state.accounts = await listAccounts();
  for (const keyId of state.status.keys()) {
    if (!state.accounts.some((a) => a.keyId === keyId)) state.status.delete(keyId);
  }
}

/** @param {Account} account */
function tenantNameOf(account) {
  return state.status.get(account.keyId)?.tenantName || account.tenantName || account.tenantId;
}

function renderAccounts() {
  const list = $("account-list");
  list.replaceChildren(
    ...state.accounts.map((account) => {
      /** @type {AccountStatus} */
      const status = state.status.get(account.keyId) || {};
      // The list is re-rendered when a poll changes an account's status: a removal being
      // confirmed stays open across that (state.confirmingRemove).
      const confirming = state.confirmingRemove === account.keyId;
      const confirm = h("div", { class: "confirm", hidden: !confirming });
      const error = h("p", { class: "error", role: "alert", hidden: true });
      const removeButton = h("button", {
        type: "button",
        class: "link-button",
        "data-testid": "remove-device",
        text: status.revoked ? "Forget" : "Remove this device",
        hidden: confirming,
        onclick: () => {
          if (status.revoked) return forget(account);
          state.confirmingRemove = account.keyId;
          confirm.hidden = false;
          removeButton.hidden = true;
        },
      });
      const confirmButton = h("button", {
        type: "button",
        class: "button danger",
        "data-testid": "confirm-remove",
        text: "Remove",
        onclick: async () => {
          confirmButton.disabled = cancelButton.disabled = true;
          confirmButton.textContent = "Removing…";
          try {
            await removeCredential(account);
            await forget(account);
          } catch (e) {
            // Already gone on the server: forgetting it here is all that is left to do.
            if (e instanceof ApiError && e.code === INVALID_CREDENTIAL) return forget(account);
            error.textContent = errorText(e);
            error.hidden = false;
            confirmButton.disabled = cancelButton.disabled = false;
            confirmButton.textContent = "Remove";
          }
        },
      });
      const cancelButton = h("button", {
        type: "button",
        class: "button secondary",
        text: "Cancel",
        onclick: () => {
          state.confirmingRemove = null;
          confirm.hidden = true;
          removeButton.hidden = false;
          error.hidden = true;
        },
      });
      confirm.append(
        h("p", { text: `This phone will no longer be able to approve requests from ${tenantNameOf(account)} for ${account.userId}.` }),
        h("div", { class: "confirm-actions" }, confirmButton, cancelButton),
      );
      return h(
        "li",
        { class: "account", "data-testid": "account", "data-key-id": account.keyId },
        h("div", { class: "avatar", "aria-hidden": "true", text: (tenantNameOf(account)[0] || "?").toUpperCase() }),
        h(
          "div",
          { class: "account-main" },
          h("strong", { text: tenantNameOf(account) }),
          h("span", { text: account.userId }),
          h("span", { class: "muted", text: `${account.deviceName} · added ${formatDate(account.createdAt)}` }),
          status.revoked
            ? h("span", { class: "error-text", text: "This device was removed from the account." })
            : status.error
              ? h("span", { class: "error-text", text: status.error })
              : null,
          removeButton,
          confirm,
          error,
        ),
      );
    }),
  );
  $("accounts").hidden = state.accounts.length === 0;
}

/** @param {Account} account */
async function forget(account) {
  if (state.confirmingRemove === account.keyId) state.confirmingRemove = null;
  await deleteAccount(account.keyId);
  for (const [id, entry] of state.cards) {
    if (entry.account.keyId === account.keyId) removeCard(id);
  }
  await loadAccounts();
  // The service dropped this account's subscription with the credential. When no account is
  // left to notify, the browser's subscription has no use: drop it too.
  if (!state.accounts.some((a) => a.pushEndpoint)) {
    await push.unsubscribe();
    await refreshNotifications();
  }
  if (state.screen === "inbox" || state.screen === "empty") showHome();
  else renderAccounts();
}

// ---------------------------------------------------------------------------------------------
// Notifications (Web Push)
//
// One setting for the browser: a browser has one push subscription (sw.js's registration), and
// each account tells the service, with a signed PUT, to push its challenges there. A push only
// makes sw.js show a notification and open pages poll; the request itself is always fetched
// with a signed request and answered from what that returned.

const IDLE_TEXT = {
  off: "When you sign in, the request appears here. Keep this page open, or open it when the sign-in screen asks you to approve.",
  on: "When you sign in, this phone shows a notification and the request appears here.",
};

/**
 * The setting's label and explanation.
 * @param {Notify} notify
 * @returns {[string, string]}
 */
function notifyText({ state: kind, reason }) {
  switch (kind) {
    case "on":
      return ["On", "This browser shows a notification when a request arrives, even when this page is closed."];
    case "off":
      return ["Off", "Turn them on to hear about requests while this page is closed."];
    case "blocked":
      return ["Blocked", "Notifications are blocked: allow notifications for this site in the browser settings, then reload this page."];
    case "unavailable":
      if (reason === "not-configured") return ["Unavailable", "This service doesn't send notifications. Keep this page open to see requests."];
      if (reason === "home-screen") {
        return [
          "Unavailable",
          "This browser can't receive notifications here; keep this page open. On iPhone and iPad, add this page to your Home Screen first (Share, then “Add to Home Screen”) and open it from there.",
        ];
      }
      return ["Unavailable", "This browser can't receive notifications; keep this page open to see requests."];
    default:
      return ["", ""];
  }
}

function renderNotifications() {
  const n = state.notify;
  const section = $("notifications");
  section.hidden = n.state === "unknown";
  section.dataset.state = n.state;
  const [label, detail] = notifyText(n);
  $("notify-label").textContent = label;
  $("notify-detail").textContent = detail;
  const error = $("notify-error");
  error.textContent = n.error;
  error.hidden = !n.error;
  const toggle = $("notify-toggle", HTMLButtonElement);
  toggle.hidden = n.state !== "on" && n.state !== "off";
  toggle.disabled = Boolean(n.busy);
  toggle.textContent = n.busy || (n.state === "on" ? "Turn off notifications" : "Turn on notifications");
  toggle.className = n.state === "on" ? "button secondary block" : "button block";
  $("idle-text").textContent = n.state === "on" ? IDLE_TEXT.on : IDLE_TEXT.off;
}

/** Works out the state from the browser (support, permission, subscription) and the accounts. */
async function refreshNotifications() {
  const n = state.notify;
  const support = push.pushSupport();
  if (!support.ok) {
    n.state = "unavailable";
    n.reason = support.reason;
  } else if (push.permission() === "denied") {
    n.state = "blocked";
  } else if (n.configured === false) {
    n.state = "unavailable";
    n.reason = "not-configured";
  } else {
    let subscription = null;
    try {
      subscription = await push.currentSubscription();
    } catch {
      // No registration to ask: off.
    }
    const on = subscription && push.permission() === "granted" && state.accounts.some((a) => a.pushEndpoint);
    n.state = on ? "on" : "off";
  }
  renderNotifications();
}

/** @param {Account} account */
function accountLabel(account) {
  return `${tenantNameOf(account)} (${account.userId})`;
}

/**
 * Signed PUT of `subscription` for each of `accounts`; → the failures [{ account, error }].
 * @param {PushSubscription} subscription
 * @param {Account[]} accounts
 */
async function subscribeAccounts(subscription, accounts) {
  /** @type {{ account: Account, error: unknown }[]} */
  const failed = [];
  for (const account of accounts) {
    try {
      await putWebPush(account, subscription);
      await updateAccount(account.keyId, { pushEndpoint: subscription.endpoint });
    } catch (error) {
      failed.push({ account, error });
    }
  }
  await loadAccounts();
  return failed;
}

/** @param {{ account: Account, error: unknown }[]} failed at least one */
function failureText(failed) {
  const [{ account, error }] = failed;
  const more = failed.length > 1 ? ` (and ${failed.length - 1} more)` : "";
  return `Couldn't turn on notifications for ${accountLabel(account)}${more}: ${errorText(error)}`;
}

/** @param {Account} account */
const usable = (account) => !state.status.get(account.keyId)?.revoked;

async function turnOnNotifications() {
  const n = state.notify;
  if (n.busy) return;
  // First, before any await: browsers only show the permission prompt in answer to a tap.
  let asking;
  try {
    asking = push.askPermission();
  } catch (error) {
    asking = Promise.reject(error);
  }
  n.busy = "Turning on…";
  n.error = "";
  renderNotifications();
  try {
    // (Old Safari answers through a callback instead: then read the permission afterwards.)
    const permission = (await asking) ?? push.permission();
    if (permission === "denied") return;
    if (permission !== "granted") {
      n.error = "Notifications weren't allowed. Tap “Turn on notifications” again and choose “Allow”.";
      return;
    }
    const registration = await push.registerWorker();
    const { vapidPublicKey } = await webPushKey();
    let subscription;
    try {
      subscription = await push.subscribe(registration, vapidPublicKey);
    } catch (error) {
      // E.g. no push service reachable, or the browser's push messaging switched off.
      const reason = String((error instanceof Error && error.message) || error).replace(/\.$/, "");
      n.error = `This browser couldn't subscribe to notifications: ${reason}. Keep this page open to see requests.`;
      return;
    }
    const accounts = state.accounts.filter(usable);
    const failed = await subscribeAccounts(subscription, accounts);
    if (failed.length === accounts.length) {
      // The service pushes nothing there: don't keep a subscription for nothing.
      await push.unsubscribe();
    }
    if (failed.length) n.error = failureText(failed);
  } catch (error) {
    if (codeOf(error) === WEB_PUSH_NOT_CONFIGURED) n.configured = false;
    else n.error = errorText(error);
  } finally {
    n.busy = null;
    await refreshNotifications();
  }
}

async function turnOffNotifications() {
  const n = state.notify;
  if (n.busy) return;
  n.busy = "Turning off…";
  n.error = "";
  renderNotifications();
  try {
    for (const account of state.accounts.filter((a) => a.pushEndpoint)) {
      try {
        await deleteWebPush(account);
      } catch (error) {
        // Offline: stay on, so that trying again tells the service. Any other failure (e.g. the
        // device was removed): go on; once the browser drops the subscription below, its push
        // service refuses further pushes and the service forgets the subscription.
        if (codeOf(error) === NETWORK_ERROR) throw error;
      }
      await updateAccount(account.keyId, { pushEndpoint: null });
    }
    await push.unsubscribe();
  } catch (error) {
    n.error = errorText(error);
  } finally {
    await loadAccounts();
    n.busy = null;
    await refreshNotifications();
  }
}

/**
 * While notifications are on: tells the service the browser's subscription for every account
 * that does not have it yet (a new enrolment, a PUT that failed, or a subscription the browser
 * replaced since).
 */
async function syncNotifications() {
  if (!push.pushSupport().ok || push.permission() !== "granted") return;
  if (!state.accounts.some((a) => a.pushEndpoint)) return;
  let subscription = null;
  try {
    subscription = await push.currentSubscription();
  } catch {
    // Treated as off below.
  }
  if (subscription) {
    const stale = state.accounts.filter((a) => usable(a) && a.pushEndpoint !== subscription.endpoint);
    if (stale.length) {
      const failed = await subscribeAccounts(subscription, stale);
      state.notify.error = failed.length ? failureText(failed) : "";
    }
  }
  await refreshNotifications();
}

async function startNotifications() {
  // sw.js says a push arrived: poll now rather than at the next tick.
  push.listenForPushes(() => {
    if (state.pollTimer !== null) schedule(0);
  });
  $("notify-toggle").addEventListener("click", () => {
    if (state.notify.state === "on") turnOffNotifications();
    else turnOnNotifications();
  });
  await refreshNotifications();
  if (state.notify.state === "off") {
    // Don't offer what the deployment can't do (no VAPID key: 404 web_push_not_configured).
    try {
      await webPushKey();
      state.notify.configured = true;
    } catch (error) {
      if (codeOf(error) === WEB_PUSH_NOT_CONFIGURED) state.notify.configured = false;
    }
    await refreshNotifications();
  } else if (state.notify.state === "on") {
    // Picks up a new sw.js, and makes sure every account has the current subscription.
    push.registerWorker().catch(() => {});
    await syncNotifications();
  }
}

// ---------------------------------------------------------------------------------------------
// Pending challenges

function openCards() {
  return [...state.cards.values()].filter((c) => !c.card.closed);
}

function renderIdle() {
  $("idle").hidden = state.cards.size > 0;
  const open = openCards().length;
  document.title = open ? `(${open}) Approve request · pushauth` : "Authenticator · pushauth";
}

/** @param {string} id */
function removeCard(id) {
  const entry = state.cards.get(id);
  if (!entry) return;
  state.finished.add(id);
  entry.card.el.remove();
  state.cards.delete(id);
  push.closeNotifications({ challengeIds: [id] });
  renderIdle();
}

/**
 * @param {Account} account
 * @param {ChallengeView} view
 * @param {string} tenantName
 */
function addCard(account, view, tenantName) {
  const card = challengeCard({
    view,
    tenantName,
    now: serverNow,
    onAnswer: (button, options) => answer(view.challengeId, button, options),
    onDismiss: () => removeCard(view.challengeId),
    // Expired, answered elsewhere, withdrawn: its notification is stale.
    onClose: () => push.closeNotifications({ challengeIds: [view.challengeId] }),
  });
  card.tick();
  state.cards.set(view.challengeId, { card, view, account });
  // Oldest first, like the service lists them.
  const list = $("challenges");
  const after = [...list.children].find((el) => {
    const other = el instanceof HTMLElement ? state.cards.get(el.dataset.challengeId ?? "") : undefined;
    return other && other.view.createdAt > view.createdAt;
  });
  list.insertBefore(card.el, after || null);
  renderIdle();
}

/**
 * @param {"online" | "offline"} kind
 * @param {string} text
 */
function setListening(kind, text) {
  const el = $("listening");
  el.className = `listening ${kind}`;
  $("listening-text").textContent = text;
}

async function poll() {
  // A socket's message or a push during a fetch: that fetch may have been answered before the
  // change, so fetch once more after it.
  if (state.polling) {
    state.pollAgain = true;
    return;
  }
  state.polling = true;
  state.pollAgain = false;
  const started = Date.now();
  let offline = false;
  try {
    /** @type {Set<string>} */
    const seen = new Set();
    /** @type {Set<string>} */
    const polled = new Set();
    for (const account of state.accounts) {
      /** @type {AccountStatus} */
      const status = state.status.get(account.keyId) || {};
      state.status.set(account.keyId, status);
      if (status.revoked) continue;
      try {
        const pending = await pendingChallenges(account);
        status.tenantName = pending.tenantName;
        status.error = null;
        polled.add(account.keyId);
        for (const view of pending.challenges) {
          seen.add(view.challengeId);
          if (!state.cards.has(view.challengeId) && !state.finished.has(view.challengeId)) {
            addCard(account, view, pending.tenantName);
          }
        }
      } catch (error) {
        if (codeOf(error) === NETWORK_ERROR) offline = true;
        else if (codeOf(error) === INVALID_CREDENTIAL) status.revoked = true;
        else status.error = `Couldn't check for requests: ${errorText(error)}`;
      }
    }
    // Cards whose challenge the service no longer lists: say what happened, don't just vanish.
    for (const [id, entry] of state.cards) {
      if (seen.has(id) || entry.card.closed || entry.busy || !polled.has(entry.account.keyId)) continue;
      if (serverNow() >= entry.view.expiresAt) entry.card.close("This request expired. Start again on the sign-in screen if you still need to.");
      else entry.card.close("This request is no longer waiting: it was answered on another device, withdrawn, or it expired.");
    }
    for (const [id, entry] of state.cards) {
      if (state.status.get(entry.account.keyId)?.revoked) removeCard(id);
    }
    // Every account answered: a notification of a challenge none of them lists is stale.
    if (state.accounts.every((a) => polled.has(a.keyId) || state.status.get(a.keyId)?.revoked)) {
      push.closeNotifications({ pending: seen, since: started });
    }
    // The sockets went down with the network, whatever they say: poll every 2 s until they
    // open again.
    if (offline) closeSockets();
    if (offline) setListening("offline", "You're offline. Retrying…");
    else setListening("online", openCards().length ? "Answer the request below" : "Waiting for requests…");
    renderIdle();
    if (state.screen === "inbox") renderAccountsIfChanged();
  } finally {
    state.polling = false;
  }
  syncSockets();
  if (state.pollAgain) await poll();
}

// ---------------------------------------------------------------------------------------------
// Sockets: each account's WebSocket says when one of its requests starts or changes.

/** Whether every live account's socket is open, so polling can slow down. */
function listening() {
  const live = state.accounts.filter((a) => !state.status.get(a.keyId)?.revoked);
  return live.length > 0 && live.every((a) => state.sockets.get(a.keyId)?.open);
}

/**
 * Opens a socket for each live account that has none (while the page is visible; after a
 * failure, not before its back-off), and closes those of accounts gone or revoked. A signed
 * POST gets a single-use ticket first: a browser cannot sign a WebSocket's headers.
 */
async function syncSockets() {
  for (const [keyId, socket] of state.sockets) {
    if (!state.accounts.some((a) => a.keyId === keyId) || state.status.get(keyId)?.revoked) {
      state.sockets.delete(keyId);
      closeSocket(socket);
    }
  }
  if (document.visibilityState !== "visible" || typeof WebSocket !== "function") return;
  for (const account of state.accounts) {
    if (state.status.get(account.keyId)?.revoked) continue;
    /** @type {AccountSocket} */
    const socket = state.sockets.get(account.keyId) || { ws: null, open: false, failures: 0, retryAt: 0 };
    if (socket.ws || Date.now() < socket.retryAt) continue;
    state.sockets.set(account.keyId, socket);
    const failed = () => {
      socket.ws = null;
      socket.open = false;
      socket.failures += 1;
      socket.retryAt = Date.now() + Math.min(60_000, 1000 * 2 ** socket.failures);
    };
    socket.ws = "opening";
    try {
      const { ticket } = await socketTicket(account);
      // Forgotten, revoked or stopped meanwhile: no socket.
      if (state.sockets.get(account.keyId) !== socket) continue;
      const ws = openSocket(ticket);
      socket.ws = ws;
      ws.onopen = () => {
        socket.open = true;
        socket.failures = 0;
        // Anything that happened before it opened: fetch now.
        if (state.pollTimer !== null) schedule(0);
      };
      ws.onmessage = () => {
        if (state.pollTimer !== null) schedule(0);
      };
      ws.onclose = () => {
        if (socket.ws !== ws) return;
        failed();
        // Closed (the network, the service, a removed device): fetch now, and every 2 s until
        // a new socket opens.
        if (state.pollTimer !== null) schedule(0);
      };
    } catch {
      failed();
    }
  }
}

/** @param {AccountSocket} socket */
function closeSocket(socket) {
  const { ws } = socket;
  socket.ws = null;
  socket.open = false;
  if (ws && ws !== "opening") ws.close();
}

function closeSockets() {
  for (const socket of state.sockets.values()) closeSocket(socket);
  state.sockets.clear();
}

let accountsSignature = "";
function renderAccountsIfChanged() {
  const signature = JSON.stringify(state.accounts.map((a) => [a.keyId, state.status.get(a.keyId)]));
  if (signature !== accountsSignature) {
    accountsSignature = signature;
    renderAccounts();
  }
}

/** @param {number} delay milliseconds until the next poll */
function schedule(delay) {
  clearTimeout(state.pollTimer ?? undefined);
  state.pollTimer = setTimeout(async () => {
    if (document.visibilityState !== "visible" || !state.accounts.length) return;
    try {
      await poll();
    } finally {
      if (state.pollTimer !== null) schedule(listening() ? SOCKET_POLL_MS : POLL_MS);
    }
  }, delay);
}

function startPolling() {
  if (!state.accounts.length) return;
  schedule(0);
}

function stopPolling() {
  clearTimeout(state.pollTimer ?? undefined);
  state.pollTimer = null;
  closeSockets();
}

// The countdown on every open card.
setInterval(() => {
  for (const entry of state.cards.values()) {
    if (entry.card.closed || entry.busy) continue;
    entry.card.tick();
    if (serverNow() >= entry.view.expiresAt) {
      entry.card.close("This request expired. Start again on the sign-in screen if you still need to.");
      renderIdle();
    }
  }
}, 1000);

// ---------------------------------------------------------------------------------------------
// Answering

/**
 * Signs and sends the answer to a request on the page.
 * @param {string} id
 * @param {number} button
 * @param {{ reason?: string }} [options]
 */
async function answer(id, button, { reason } = {}) {
  const entry = state.cards.get(id);
  if (!entry || entry.busy || entry.card.closed) return;
  const { card, view, account } = entry;
  const approves = view.buttons[button]?.strongAuth === true;
  /** @type {string | undefined} */
  let code;
  if (approves && view.numberMatchRequired && card.input) {
    code = card.input.value.trim();
    if (!/^\d+$/.test(code)) {
      card.setError("Enter the number shown on the sign-in screen to approve.");
      card.input.focus();
      return;
    }
  }
  card.setError("");
  entry.busy = true;
  card.setBusy(button);
  try {
    const result = await answerChallenge(account, view, { button, code, reason });
    removeCard(id);
    const title = view.buttons[button].title;
    const tenant = tenantNameOf(account);
    if (reason === "not_me") {
      showResult(
        "warn",
        "Request denied and reported",
        `${tenant} was told you didn't start this. Someone may know your password: change it soon.`,
      );
    } else if (result.status === "approved") {
      showResult("ok", "Approved", `You chose “${title}” for ${tenant}. You can go back to the other screen.`);
    } else {
      showResult("bad", "Denied", `You chose “${title}”. The request from ${tenant} was denied.`);
    }
  } catch (error) {
    entry.busy = false;
    card.setBusy(null);
    switch (codeOf(error)) {
      case NUMBER_MISMATCH:
        card.setError(
          "That number doesn't match the sign-in screen. Check it and try again: after three wrong numbers the request is cancelled.",
        );
        card.input?.select();
        break;
      case TOO_MANY_ATTEMPTS:
        card.close(
          "This request was cancelled: the number was wrong three times. If you're signing in, start again on the sign-in screen for a new number.",
        );
        break;
      case NUMBER_MATCH_REQUIRED:
        card.setError("Enter the number shown on the sign-in screen to approve.");
        card.input?.focus();
        break;
      case CHALLENGE_EXPIRED:
        card.close("This request expired before your answer arrived. Start again on the sign-in screen.");
        break;
      case CHALLENGE_NOT_PENDING:
        card.close("This request was already answered or withdrawn.");
        break;
      case CHALLENGE_NOT_FOUND:
        card.close("This request no longer exists.");
        break;
      case INVALID_CREDENTIAL:
      case DEVICE_NOT_ALLOWED:
        card.close("This device is no longer enrolled for this account.");
        state.status.set(account.keyId, { ...(state.status.get(account.keyId) || {}), revoked: true });
        renderAccounts();
        break;
      default:
        card.setError(errorText(error));
    }
    renderIdle();
  }
}

// ---------------------------------------------------------------------------------------------
// Start

function takeEnrolToken() {
  const match = /^#enroll=([^&]+)/.exec(location.hash);
  if (!match) return null;
  // The token lets anyone holding it add a device for ten minutes: keep it out of history.
  history.replaceState(null, "", location.pathname + location.search);
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return match[1];
  }
}

async function route() {
  const token = takeEnrolToken();
  if (token) return startEnrol(token);
  showHome();
  startPolling();
}

async function main() {
  // Inside another site's frame a click-jacker could steer taps onto "Approve": refuse to run.
  if (window.top !== window.self) {
    return block("Open this page directly", "For your safety the authenticator doesn't run inside another site.");
  }
  if (!webCryptoAvailable()) {
    return block("This browser can't be used", "The authenticator needs a secure (https) page and a browser with WebCrypto.");
  }
  try {
    await loadAccounts();
  } catch (error) {
    return block("Storage is unavailable", `${(error instanceof Error && error.message) || error} Private browsing may block it.`);
  }
  $("enrol-form").addEventListener("submit", submitEnrol);
  $("enrol-cancel").addEventListener("click", () => {
    state.enrolment = null;
    showHome();
    startPolling();
  });
  $("result-done").addEventListener("click", () => {
    showHome();
    startPolling();
  });
  window.addEventListener("hashchange", () => {
    if (location.hash.startsWith("#enroll=")) route();
  });
  // Offline or back: fetch now (which says so, and re-opens the sockets once back).
  for (const event of ["offline", "online"]) {
    window.addEventListener(event, () => {
      if (event === "offline") closeSockets();
      if (state.pollTimer !== null) schedule(0);
    });
  }
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState !== "visible") return;
    if (state.pollTimer !== null) schedule(0);
    // Back from the browser's settings: the permission may have changed.
    refreshNotifications();
  });
  await route();
  await startNotifications();
}

main();
