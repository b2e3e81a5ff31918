// `@pushauth/browser/raw`: the same API without the automatic WebAssembly loading, for apps
// that load the .wasm themselves (a CDN path, a strict CSP) through the default export.
import init, { PushAuth, PushAuthError, initSync } from "@pushauth/browser/raw";

declare const wasmBytes: ArrayBuffer;

const loaded: void = await init("/assets/pushauth_browser_bg.wasm");
await init(new URL("https://cdn.example.com/pushauth_browser_bg.wasm"));
await init(fetch("/assets/pushauth_browser_bg.wasm"));
await init(); // next to the module, by import.meta.url
initSync({ module: wasmBytes });
console.log(loaded);
initSync(wasmBytes);
try {
  await init();
} catch (e) {
  if (e instanceof PushAuthError) console.log(e.code);
}

const pushauth = new PushAuth({ baseUrl: "https://auth.example.com/v1" });
const started = await pushauth.push.challenge({ action: "signIn" });
console.log(started.data?.challengeId ?? started.errorCode);
