// @pushauth/browser: loads the WebAssembly module once (top-level await), then re-exports the
// SDK, so `import { PushAuth } from "@pushauth/browser"` works in a plain
// <script type="module"> and in bundlers that understand `new URL(…, import.meta.url)`.
// To load the .wasm yourself, import "@pushauth/browser/raw" and call its default export.
import init from "./pushauth_browser.js";

await init({ module_or_path: new URL("./pushauth_browser_bg.wasm", import.meta.url) });

export * from "./pushauth_browser.js";
