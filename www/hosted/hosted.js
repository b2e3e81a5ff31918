// The hosted challenge UI. Opened with the `url` that track returned:
//   /hosted/?token=<track token>[&mode=popup|window]
// It starts a push challenge, shows the number to match, waits for the result (the challenge's
// WebSocket says when it changed; without one it polls every 1–2 s), then either
// redirects to the allowlisted redirectUrl with ?token=<result token>, or (popup/window mode)
// posts {"event":"AUTHSIGNAL_CLOSE_POPUP","token":…} to its opener/parent, only to the tenant's
// allowed origins, so pushauth's SDK and @authsignal/browser's launch() both work with it.
import {
  EXPIRED_TOKEN,
  NETWORK_ERROR,
  NO_AUTHENTICATOR,
  PUSH_BLOCKED,
  TOKEN_NOT_SET,
  TOO_MANY_REQUESTS,
} from "/assets/error-codes.js";
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const token = params.get("token") || "";
const mode = params.get("mode") || "redirect";
if (mode === "popup" || mode === "window") document.body.classList.add("popup");
const headers = { "content-type": "application/json", authorization: `Bearer ${token}` };
let config = { popupOrigins: [], redirectUrl: null, tenantName: "pushauth" };

async function api(method, path, body) {
  const res = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw Object.assign(new Error(data.errorDescription || `HTTP ${res.status}`), { code: data.errorCode, status: res.status });
  return data;
}

function post(message) {
  const target = window.opener || (window.parent !== window ? window.parent : null);
  if (!target) return false;
  const text = JSON.stringify(message);
  // Results go only to the tenant's origins. An API error carries nothing but a code, so when the
  // origins are unknown (the config call itself failed, e.g. an expired link) it may go to any.
  const origins = config.popupOrigins.length === 0 && message.event === "AUTHSIGNAL_API_ERROR" ? ["*"] : config.popupOrigins;
  for (const origin of origins) target.postMessage(text, origin);
  return true;
}

function show(section) {
  for (const id of ["waiting", "done"]) $(id).hidden = id !== section;
}

function finish(ok, title, text, resultToken) {
  show("done");
  $("badge").className = `badge ${ok ? "ok" : "bad"}`;
  $("badge").textContent = ok ? "✓" : "✕";
  $("done-title").textContent = title;
  $("done-text").textContent = text;
  if (mode === "popup" || mode === "window") {
    setTimeout(() => {
      post({ event: "AUTHSIGNAL_CLOSE_POPUP", token: resultToken });
      if (mode === "window") window.close();
    }, ok ? 600 : 1500);
    return;
  }
  if (config.redirectUrl) {
    const url = new URL(config.redirectUrl);
    if (resultToken) url.searchParams.set("token", resultToken);
    if (ok) {
      setTimeout(() => location.assign(url.toString()), 600);
    } else {
      $("back").hidden = false;
      $("back").href = url.toString();
    }
  }
}

function fail(error) {
  post({ event: "AUTHSIGNAL_API_ERROR", errorCode: error.code || NETWORK_ERROR, statusCode: error.status || 0 });
  const messages = {
    [NO_AUTHENTICATOR]: "There is no device enrolled for this account yet.",
    [EXPIRED_TOKEN]: "This sign-in link has expired. Start again from the site.",
    [TOO_MANY_REQUESTS]: "Too many requests were sent. Wait a moment and try again.",
    [PUSH_BLOCKED]: "Requests to this account are paused after a report of an unexpected sign-in.",
  };
  finish(false, "Something went wrong", messages[error.code] || error.message);
}

/**
 * The challenge's WebSocket (docs/api.md, "Sockets"; the track token goes as a subprotocol, not
 * in the URL). `up` while it is connecting or open; `wait(ms)` resolves after `ms`, or as soon
 * as the socket says the challenge changed or drops (at once if it did since the last wait).
 */
function watch(challengeId) {
  const socket = { up: false, due: false, wake: null, close() {} };
  const kick = () => (socket.wake ? socket.wake() : (socket.due = true));
  try {
    const url = new URL(`/v1/client/push/ws?challengeId=${encodeURIComponent(challengeId)}`, location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(url, ["pushauth.v1", `pushauth.token.${token}`]);
    ws.onmessage = kick;
    ws.onclose = () => {
      socket.up = false;
      kick();
    };
    socket.up = true;
    socket.close = () => ws.close();
  } catch {
    // No WebSocket here (or a token that is no subprotocol): poll.
  }
  socket.wait = (ms) =>
    new Promise((resolve) => {
      if (socket.due) {
        socket.due = false;
        return resolve();
      }
      const done = () => {
        clearTimeout(timer);
        socket.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      socket.wake = done;
    });
  return socket;
}

async function run() {
  show("waiting");
  const started = await api("POST", "/v1/client/challenge/push", { action: config.action });
  if (started.verificationCode) {
    $("match").hidden = false;
    $("number").textContent = started.verificationCode;
    $("lead").textContent = "We sent a request to your device. Open it and enter the number below.";
  }
  const total = Math.max(1, started.expiresAt - Date.now());
  const updateMeter = () => {
    $("meter").style.width = `${Math.max(0, (100 * (started.expiresAt - Date.now())) / total)}%`;
  };
  const meter = setInterval(updateMeter, 500);
  const socket = watch(started.challengeId);
  try {
    // While the socket is up: poll when it speaks, and every 15 s in case a message was lost.
    // Without it: every 1–2 s.
    let delay = 1000;
    for (;;) {
      if (socket.up) await socket.wait(15_000);
      else {
        await socket.wait(delay);
        delay = Math.min(2000, Math.round(delay * 1.25));
      }
      updateMeter();
      const result = await api("POST", "/v1/client/verify/push", { challengeId: started.challengeId });
      if (!result.isConsumed) continue;
      if (result.isVerified) return finish(true, "Approved", "You're signed in. Taking you back…", result.accessToken);
      $("retry").hidden = false;
      if (result.status === "expired") return finish(false, "Request expired", "The request was not answered in time.");
      if (result.failureReason === "too_many_attempts") {
        return finish(false, "Request cancelled", "A wrong number was entered on your device three times. Try again for a new number.");
      }
      return finish(false, "Request denied", "The request was denied on your device.");
    }
  } finally {
    clearInterval(meter);
    socket.close();
  }
}

async function main() {
  if (!token) return fail({ code: TOKEN_NOT_SET, message: "This page needs a sign-in link from the site." });
  try {
    config = await api("GET", "/v1/client/hosted");
    $("tenant").textContent = config.tenantName;
    $("action").textContent = config.action;
    $("account").textContent = config.userId;
    document.title = `Approve on your phone · ${config.tenantName}`;
    post({ event: "AUTHSIGNAL_READY" });
    await run();
  } catch (error) {
    fail(error);
  }
}

$("retry").addEventListener("click", () => { $("retry").hidden = true; run().catch(fail); });
main();
