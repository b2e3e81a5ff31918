// @pushauth/browser/raw: the same API, but nothing loads the WebAssembly except your call of
// the default export (`await init(source?)`) or `initSync(bytes)`; a call made before either
// resolves to the `sdk_load_failed` error result (launch rejects with it).
export { PushAuth, PushAuthError, init as default, init, initSync, version } from "./client.js";
