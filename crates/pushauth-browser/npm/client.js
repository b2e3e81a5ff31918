// The SDK's public API over its WebAssembly (wasm-bindgen's glue, ./pushauth_browser.js).
//
// Importing the package only defines the classes below: no top-level `await`, no fetch. The
// .wasm is loaded on first use (a `new PushAuth` in a browser starts it; each call waits for
// it), or when the app calls `init()`. A load that fails (a 404, a CSP without
// 'wasm-unsafe-eval', a server that is not a browser) never throws at import: the call that
// needed the wasm resolves to an error result (`sdk_load_failed`, `browser_required`) and a
// later call tries the load again.
//
// scripts/build-sdk.sh bundles this file into the package's two entries with esbuild, the glue
// kept external: index.js (AUTO_LOAD true: the package loads the .wasm next to it) and raw.js
// (AUTO_LOAD false: only the app's `init()` or `initSync()` loads it). VERSION is the package's.
/* global AUTO_LOAD, VERSION */
import load, { PushAuth as Wasm, initSync as loadSync } from "./pushauth_browser.js";

/**
 * A thrown or rejected error (a wrong argument, a blocked window, a wasm that did not load):
 * an `Error` named "PushAuthError" with a stable `code`. `instanceof PushAuthError` also holds
 * for the errors the WebAssembly throws (plain `Error`s with that name) and for those of another
 * copy of the package.
 */
export class PushAuthError extends Error {
  constructor(code, message, options) {
    super(message, options);
    this.name = "PushAuthError";
    this.code = code;
  }

  static [Symbol.hasInstance](value) {
    return value instanceof Error && value.name == "PushAuthError" && typeof value.code == "string";
  }
}

/** The SDK's version: `version()`. */
export const version = () => VERSION;

let loading; // the load under way or done; undefined before it and after it failed
let loaded = false;

/**
 * Loads the WebAssembly (once; again after a failure). `source` is anything wasm-bindgen's
 * init takes (a URL, a `Response`, bytes, a `WebAssembly.Module`); by default the .wasm next
 * to this module. Resolves when the SDK is ready; rejects with a `PushAuthError`:
 * `browser_required` (no `window` and no `source`: a server) or `sdk_load_failed`.
 */
export function init(source) {
  if (!loading) {
    const inBrowser = typeof window == "object" && typeof document == "object";
    const started = source
      ? load({ module_or_path: source })
      : inBrowser
        ? load({ module_or_path: wasmUrl() })
        : Promise.reject(new PushAuthError("browser_required", "The pushauth SDK runs in a browser only (not in server-side rendering)."));
    loading = started.then(
      () => {
        loaded = true;
      },
      (cause) => {
        loading = undefined;
        throw cause instanceof PushAuthError
          ? cause
          : new PushAuthError("sdk_load_failed", `The pushauth SDK's WebAssembly did not load: ${cause?.message ?? cause}`, { cause });
      },
    );
  }
  return loading;
}

/**
 * The .wasm next to this module. Bundlers see each `new URL("…", import.meta.url)` and emit the
 * file. Vite's dev server before Vite 8 copies this module into its dependency cache
 * (node_modules/.vite/deps/) but not the .wasm, which is still in the package's folder there.
 */
function wasmUrl() {
  // (No regular expression here: Vite 5 reads a `//` in one as a comment and then misses the
  // `new URL`s after it.)
  return import.meta.url.includes("/node_modules/.vite/deps")
    ? new URL("../../@pushauth/browser/pushauth_browser_bg.wasm", import.meta.url)
    : new URL("./pushauth_browser_bg.wasm", import.meta.url);
}

/** Loads the WebAssembly from bytes or a `WebAssembly.Module`, synchronously (`/raw`). */
export function initSync(module) {
  try {
    loadSync(Object.getPrototypeOf(Object(module)) == Object.prototype ? module : { module });
  } catch (cause) {
    throw new PushAuthError("sdk_load_failed", `The pushauth SDK's WebAssembly did not load: ${cause?.message ?? cause}`, { cause });
  }
  loaded = true;
  loading = Promise.resolve();
}

/** The error result of a call that could not run: `{ error, errorCode, errorDescription }`. */
const failed = (error) => ({ error: error.code, errorCode: error.code, errorDescription: error.message });

/** Throws `invalid_argument` for `new PushAuth` unless `ok`. */
function check(ok, what) {
  if (!ok) throw new PushAuthError("invalid_argument", `An argument is missing or invalid. new PushAuth: ${what}`);
}

/** A pushauth client for one page: holds the track token and talks to the Worker. */
export class PushAuth {
  #options;
  #baseUrl;
  #token;
  #client; // the WebAssembly's PushAuth, made on first use
  #push;

  constructor(options) {
    // The wasm's constructor checks the same again; these checks let a wrong argument throw
    // here, before the wasm is loaded (src/url.rs: normalise_base_url).
    const { baseUrl, tenantId, onTokenExpired } = Object(options);
    const url = typeof baseUrl == "string" ? baseUrl.trim().replace(/\/+$/, "") : "";
    check(/^https?:\/\/[^/]/i.test(url), "baseUrl must be an http(s) URL such as https://auth.example.com/v1.");
    check(tenantId == null || typeof tenantId == "string", "tenantId must be a string.");
    check(onTokenExpired == null || typeof onTokenExpired == "function", "onTokenExpired must be a function.");
    this.#options = { baseUrl: url, tenantId, onTokenExpired };
    this.#baseUrl = url;
    const call = (name) => (params) => this.#run((client) => client[name](params), failed);
    this.#push = Object.freeze({ challenge: call("challenge"), verify: call("verify"), waitForResult: call("waitForResult") });
    if (AUTO_LOAD && typeof window == "object") init().catch(() => {}); // start loading; a call reports a failure
  }

  /**
   * Runs `use` with the wasm's client: at once when the wasm is loaded (so `launch` opens its
   * window in the click's own task), else once it is; `fail` gets the load's error.
   */
  #run(use, fail) {
    const run = () => {
      if (!this.#client) {
        this.#client = new Wasm(this.#options);
        this.#client.setToken(this.#token);
      }
      return use(this.#client);
    };
    if (loaded) return run();
    const wait = AUTO_LOAD
      ? init()
      : Promise.reject(new PushAuthError("sdk_load_failed", "Call init() of @pushauth/browser/raw first."));
    return wait.then(run, fail);
  }

  /** Sets the track token; calls before it resolve to `token_not_set` without a request. */
  setToken(token) {
    this.#token = token;
    this.#client?.setToken(token);
  }

  /** Push challenges: `challenge`, `verify`, `waitForResult` (the same object every time). */
  get push() {
    return this.#push;
  }

  /** The base URL in use (normalised: no trailing slash). */
  get baseUrl() {
    return this.#baseUrl;
  }

  /** The tenant id given to the constructor (`""` if none). */
  get tenantId() {
    return this.#options.tenantId ?? "";
  }

  /** Opens the hosted UI at `url`; see the README. */
  launch(url, options) {
    return this.#run(
      (client) => client.launch(url, options),
      (error) => Promise.reject(error),
    );
  }
}
