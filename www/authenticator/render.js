// @ts-check
// DOM building for the web authenticator. Every value from the service goes through
// textContent or an attribute, never through HTML parsing.

/** @typedef {import("./protocol.js").ChallengeView} ChallengeView */
/** @typedef {import("./protocol.js").Button} Button */
import { h } from "/assets/dom.js";

export { h };

/**
 * "Chrome on Android" from a user agent string (for display only; the raw string is signed).
 * @param {string | null | undefined} ua
 */
export function describeUserAgent(ua) {
  if (!ua) return "";
  const os = /iPhone/.test(ua)
    ? "iPhone"
    : /iPad/.test(ua)
      ? "iPad"
      : /Android/.test(ua)
        ? "Android"
        : /CrOS/.test(ua)
          ? "ChromeOS"
          : /Mac OS X|Macintosh/.test(ua)
            ? "macOS"
            : /Windows/.test(ua)
              ? "Windows"
              : /Linux|X11/.test(ua)
                ? "Linux"
                : "";
  const browser = /Edg(A|iOS)?\//.test(ua)
    ? "Edge"
    : /OPR\/|Opera/.test(ua)
      ? "Opera"
      : /SamsungBrowser/.test(ua)
        ? "Samsung Internet"
        : /Firefox\/|FxiOS/.test(ua)
          ? "Firefox"
          : /Chrome\/|CriOS|Chromium/.test(ua)
            ? "Chrome"
            : /Safari\//.test(ua)
              ? "Safari"
              : "";
  if (!browser && !os) return ua.length > 60 ? `${ua.slice(0, 57)}…` : ua;
  if (!browser) return os;
  return os ? `${browser} on ${os}` : browser;
}

/**
 * "signIn" → "Sign in", "approve_payment" → "Approve payment".
 * @param {string} action
 */
export function humanizeAction(action) {
  const words = String(action)
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_\-.:]+/g, " ")
    .trim()
    .toLowerCase();
  return words ? words[0].toUpperCase() + words.slice(1) : String(action);
}

/**
 * The card's question.
 * @param {ChallengeView} view
 */
export function headline(view) {
  if (/^(sign.?in|log.?in|login|signin)$/i.test(view.action)) return "Are you trying to sign in?";
  if (view.notificationTitle && view.notificationTitle !== "Authentication Request") return view.notificationTitle;
  return `${humanizeAction(view.action)}?`;
}

/**
 * "536 711" for a 6-digit code (easier to compare); other lengths as given.
 * @param {string} code
 */
export function groupDigits(code) {
  return /^\d{6}$/.test(code) ? `${code.slice(0, 3)} ${code.slice(3)}` : code;
}

/**
 * "4:05", or "1 h 20 min" from an hour on.
 * @param {number} ms
 */
export function formatRemaining(ms) {
  const s = Math.max(0, Math.ceil(ms / 1000));
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/**
 * The time of day (hours and minutes) of a Unix time in milliseconds.
 * @param {number} ms
 */
export function formatTime(ms) {
  return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

/**
 * The date of a Unix time in milliseconds.
 * @param {number} ms
 */
export function formatDate(ms) {
  return new Date(ms).toLocaleDateString([], { year: "numeric", month: "short", day: "numeric" });
}

/**
 * The class for a button's opaque `style` hint; approving buttons default to primary.
 * @param {Button} button
 */
export function buttonClass(button) {
  const style = (button.style || "").toLowerCase();
  if (style === "danger" || style === "destructive" || style === "negative") return "button block danger";
  if (style === "primary" || style === "positive" || style === "success") return "button block";
  if (style === "secondary" || style === "neutral" || style === "default") return "button block secondary";
  return button.strongAuth ? "button block" : "button block secondary";
}

/**
 * Builds a challenge card. Handlers: onAnswer(buttonIndex, { reason }), onDismiss(), and
 * onClose() once the card is closed (expired, answered elsewhere, …).
 * Returns { el, input, setError, setBusy, close, tick }.
 * @param {object} card
 * @param {ChallengeView} card.view
 * @param {string} card.tenantName
 * @param {() => number} card.now the service's clock
 * @param {(button: number, options: { reason?: string }) => void} card.onAnswer
 * @param {() => void} card.onDismiss
 * @param {() => void} [card.onClose]
 */
export function challengeCard({ view, tenantName, now, onAnswer, onDismiss, onClose }) {
  const id = view.challengeId;
  const context = view.context || {};
  const approving = view.buttons.map((b) => b.strongAuth === true);
  const denyIndex = approving.indexOf(false);

  const timer = h("span", { class: "timer", "data-testid": "timer" });
  const meterFill = h("div");
  const error = h("p", { class: "error", role: "alert", "data-testid": "challenge-error", hidden: true });
  const note = h("div", { class: "notice", "data-testid": "challenge-notice", hidden: true });

  /** @type {HTMLElement[]} */
  const rows = [];
  /**
   * @param {string} label
   * @param {string | null | undefined} value
   * @param {string | null} [title]
   */
  const row = (label, value, title) => {
    if (value === null || value === undefined || value === "") return;
    rows.push(h("dt", { text: label }), h("dd", { text: value, title }));
  };
  row("Account", view.userId);
  row("Browser", describeUserAgent(context.userAgent), context.userAgent);
  row("IP address", context.ipAddress);
  row("Location", context.location);
  row("Device", context.deviceId);
  row("Transaction", view.transactionId);
  row("Requested", formatTime(view.createdAt));

  /** @type {HTMLInputElement | null} */
  let input = null;
  /** @type {HTMLDivElement | null} */
  let matchBox = null;
  if (view.numberMatchRequired) {
    const inputId = `code-${id}`;
    const codeInput = h("input", {
      id: inputId,
      class: "code-input",
      "data-testid": "code-input",
      inputmode: "numeric",
      pattern: "[0-9]*",
      autocomplete: "off",
      maxlength: 8,
      placeholder: "• • •",
      "aria-describedby": `code-hint-${id}`,
    });
    codeInput.addEventListener("input", () => {
      const digits = codeInput.value.replace(/\D+/g, "");
      if (digits !== codeInput.value) codeInput.value = digits;
      error.hidden = true;
    });
    input = codeInput;
    matchBox = h(
      "div",
      { class: "match-box" },
      h("label", { for: inputId, text: "Enter the number shown on the sign-in screen" }),
      input,
      h("div", { class: "field-hint", id: `code-hint-${id}`, text: "You need it to approve. Deny if you can't see a number." }),
    );
  }

  const buttons = view.buttons.map((button, index) =>
    h("button", {
      type: "button",
      class: buttonClass(button),
      "data-testid": `answer-${index}`,
      "data-approves": approving[index] ? "true" : "false",
      text: button.title,
      onclick: () => onAnswer(index, {}),
    }),
  );
  const notMe =
    denyIndex >= 0
      ? h("button", {
          type: "button",
          class: "link-button danger-text",
          "data-testid": "not-me",
          text: "I didn't start this",
          onclick: () => onAnswer(denyIndex, { reason: "not_me" }),
        })
      : null;
  const dismiss = h("button", { type: "button", class: "button secondary block", text: "Dismiss", hidden: true, onclick: onDismiss });

  const el = h(
    "article",
    { class: "card challenge", "data-challenge-id": id, "data-testid": "challenge" },
    h("div", { class: "challenge-head" }, h("span", { class: "eyebrow", text: `${tenantName} · ${humanizeAction(view.action)}` }), timer),
    h("h1", { text: headline(view) }),
    h("p", { class: "challenge-content", "data-testid": "challenge-content", text: view.content }),
    view.confirmationCode
      ? h(
          "div",
          { class: "confirm-code" },
          h("span", { class: "confirm-label", text: "Confirmation code" }),
          h("strong", { "data-testid": "confirmation-code", text: groupDigits(view.confirmationCode) }),
          h("span", { class: "field-hint", text: "Check it matches the code on the other screen." }),
        )
      : null,
    h("dl", { class: "meta compact" }, rows),
    matchBox,
    error,
    note,
    h("div", { class: "answer-buttons" }, buttons),
    notMe,
    dismiss,
    h("div", { class: "meter" }, meterFill),
  );

  const total = Math.max(1, view.expiresAt - view.createdAt);
  const controls = [...buttons, ...(notMe ? [notMe] : []), ...(input ? [input] : [])];
  let closed = false;

  return {
    el,
    input,
    /** @param {string} text the error to show, or "" for none */
    setError(text) {
      error.textContent = text;
      error.hidden = !text;
    },
    /** @param {number | null} busyIndex the button being sent, or null when none is */
    setBusy(busyIndex) {
      for (const c of controls) c.disabled = busyIndex !== null;
      buttons.forEach((b, i) => {
        b.textContent = busyIndex === i ? "Sending…" : view.buttons[i].title;
      });
      el.classList.toggle("busy", busyIndex !== null);
    },
    /**
     * Freezes the card with a notice (expired, answered elsewhere, …).
     * @param {string} text
     */
    close(text) {
      closed = true;
      for (const c of controls) c.disabled = true;
      buttons.forEach((b) => (b.hidden = true));
      if (notMe) notMe.hidden = true;
      if (matchBox) matchBox.hidden = true;
      error.hidden = true;
      note.textContent = text;
      note.hidden = false;
      dismiss.hidden = false;
      el.classList.add("closed");
      timer.textContent = "";
      onClose?.();
    },
    get closed() {
      return closed;
    },
    tick(nowMs = now()) {
      if (closed) return;
      const left = view.expiresAt - nowMs;
      timer.textContent = left > 0 ? `Expires in ${formatRemaining(left)}` : "Expired";
      meterFill.style.width = `${Math.max(0, Math.min(100, (100 * left) / total))}%`;
      el.classList.toggle("urgent", left > 0 && left < 15000);
    },
  };
}
