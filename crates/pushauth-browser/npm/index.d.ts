// The SDK's types; see README.md. The module has finished loading its WebAssembly by the time
// an `import` of it resolves.
export * from "./pushauth_browser.js";
