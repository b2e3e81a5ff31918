// `@pushauth/browser/raw`: the same API without the automatic WebAssembly loading, for apps
// that load the .wasm themselves (a CDN path, a strict CSP) through the default export.
import init, { PushAuth, initSync, type InitOutput } from "@pushauth/browser/raw";

declare const wasmBytes: ArrayBuffer;

const loaded: InitOutput = await init({ module_or_path: "/assets/pushauth_browser_bg.wasm" });
await init({ module_or_path: new URL("https://cdn.example.com/pushauth_browser_bg.wasm") });
await init({ module_or_path: fetch("/assets/pushauth_browser_bg.wasm") });
await init(); // next to the module, by import.meta.url
initSync({ module: wasmBytes });
console.log(loaded); // InitOutput is wasm-bindgen's internals (export names vary by build): not used

const pushauth = new PushAuth({ baseUrl: "https://auth.example.com/v1" });
const started = await pushauth.push.challenge({ action: "signIn" });
console.log(started.data?.challengeId ?? started.errorCode);
