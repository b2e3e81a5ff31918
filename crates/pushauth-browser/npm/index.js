// @pushauth/browser: `import { PushAuth } from "@pushauth/browser"` in a plain
// <script type="module"> and in any bundler that understands `new URL(…, import.meta.url)`.
// Importing it loads nothing: the .wasm next to it is fetched on first use (see client.js), or
// by `await init()`; `init(source)` loads it from elsewhere (a CDN, bytes you fetched).
export { PushAuth, PushAuthError, init, version } from "./client.js";
