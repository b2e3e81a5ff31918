// The app on `@pushauth/browser/raw`, where nothing loads the WebAssembly until the app calls
// init(): tests/sdk/bundlers.test.mjs bundles it with esbuild and checks what a call before
// init() gets, and that the same client works once init() has loaded the .wasm.
import init, { PushAuth, PushAuthError } from "@pushauth/browser/raw";

/** A result before init(), launch's rejection before it, then the same call after it. */
async function beforeAndAfterInit() {
  const pushauth = new PushAuth({ baseUrl: "http://127.0.0.1:9/v1" });
  const before = await pushauth.push.verify({ challengeId: "x" });
  const launched = await pushauth.launch("http://127.0.0.1:9/hosted").then(
    () => null,
    (e) => ({ code: e.code, isPushAuthError: e instanceof PushAuthError, message: e.message }),
  );
  await init();
  const after = await pushauth.push.verify({ challengeId: "x" });
  return { before, launched, after: after.errorCode };
}

window.app = { beforeAndAfterInit };
document.body.dataset.ready = "true";
