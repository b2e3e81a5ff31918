// The hosted challenge UI. Opened with the `url` that track returned:
//   /hosted/?token=<track token>[&mode=popup|window]
// It starts a push challenge, shows the number to match, polls for the result, then either
// redirects to the allowlisted redirectUrl with ?token=<result token>, or (popup/window mode)
// posts {"event":"AUTHSIGNAL_CLOSE_POPUP","token":…} to its opener/parent, only to the tenant's
// allowed origins, so pushauth's SDK and @authsignal/browser's launch() both work with it.
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
  post({ event: "AUTHSIGNAL_API_ERROR", errorCode: error.code || "network_error", statusCode: error.status || 0 });
  const messages = {
    no_authenticator: "There is no device enrolled for this account yet.",
    expired_token: "This sign-in link has expired. Start again from the site.",
    too_many_requests: "Too many requests were sent. Wait a moment and try again.",
    push_blocked: "Requests to this account are paused after a report of an unexpected sign-in.",
  };
  finish(false, "Something went wrong", messages[error.code] || error.message);
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
  let delay = 1000;
  for (;;) {
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(2000, Math.round(delay * 1.25));
    $("meter").style.width = `${Math.max(0, (100 * (started.expiresAt - Date.now())) / total)}%`;
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
}

async function main() {
  if (!token) return fail({ code: "token_not_set", message: "This page needs a sign-in link from the site." });
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
