// An app as its developer writes it, with no bundler configuration: tests/sdk/bundlers.test.mjs
// builds it with each bundler (and runs it under Vite's dev server), loads it in headless
// Chromium and signs in through window.app against the Worker.
import { PushAuth, PushAuthError, version } from "@pushauth/browser";

/** The README's flow: challenge, show the number, wait for the phone. */
async function signIn({ baseUrl, tenantId, token }) {
  const pushauth = new PushAuth({ baseUrl, tenantId });
  pushauth.setToken(token);
  const samePush = pushauth.push === pushauth.push;
  const started = await pushauth.push.challenge({ action: "signIn" });
  if (!started.data) return { started };
  document.getElementById("number").textContent = started.data.verificationCode ?? "";
  const result = await pushauth.push.waitForResult({ challengeId: started.data.challengeId });
  return { started, result, samePush };
}

/** A wrong argument throws a PushAuthError that `instanceof` recognises. */
function badConstructor() {
  try {
    new PushAuth({ baseUrl: "ftp://nope" });
    return null;
  } catch (e) {
    return { code: e.code, isPushAuthError: e instanceof PushAuthError };
  }
}

/** A wrong parameter, found by the WebAssembly: the rejection is a PushAuthError too. */
async function badCall() {
  const pushauth = new PushAuth({ baseUrl: "https://auth.example.com/v1" });
  return pushauth.push.verify({}).then(
    () => null,
    (e) => ({ code: e.code, isPushAuthError: e instanceof PushAuthError }),
  );
}

window.app = { signIn, badConstructor, badCall, PushAuth, version: version() };
document.body.dataset.ready = "true";
