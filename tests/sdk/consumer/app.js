// A consumer of the packed @pushauth/browser, written as the README tells users to. index.html
// loads it as a plain <script type="module"> through an import map; bundle.html loads the same
// file bundled by esbuild. The test page drives it through window.consumer.
import { PushAuth, PushAuthError, version } from "@pushauth/browser";

/** The README's flow: challenge, show the number, wait for the phone. */
async function signIn({ baseUrl, tenantId, token }) {
  const expired = [];
  const pushauth = new PushAuth({ baseUrl, tenantId, onTokenExpired: () => expired.push(true) });
  pushauth.setToken(token);
  const started = await pushauth.push.challenge({ action: "signIn" });
  if (started.error) return { started };
  document.getElementById("number").textContent = started.data.verificationCode ?? "";
  const polls = [];
  const result = await pushauth.push.waitForResult({
    challengeId: started.data.challengeId,
    onPoll: ({ attempt, result }) => polls.push([attempt, result.data?.status ?? result.errorCode]),
  });
  return { started, result, polls, expired: expired.length };
}

/** The hosted UI in a popup or a window. */
async function launch({ baseUrl, tenantId, url, mode }) {
  const pushauth = new PushAuth({ baseUrl, tenantId });
  const errors = [];
  const result = await pushauth.launch(url, { mode, onError: (e) => errors.push(e) });
  return { result, errors };
}

/** What a thrown error looks like. */
function badConstructor() {
  try {
    new PushAuth({});
    return null;
  } catch (e) {
    return { name: e.name, code: e.code, isError: e instanceof Error, isPushAuthError: e instanceof PushAuthError };
  }
}

window.consumer = { signIn, launch, badConstructor, version: version() };
document.body.dataset.ready = "true";
