// The types of @pushauth/browser/raw: the package's API, loaded only by `init` or `initSync`.
import { init } from "./index.js";

export * from "./index.js";
export default init;

/** What `initSync` takes: the `.wasm`'s bytes or a compiled module. */
export type SyncInitInput = BufferSource | WebAssembly.Module;

/** Loads the SDK's WebAssembly synchronously from its bytes or a compiled module. */
export declare function initSync(module: { module: SyncInitInput } | SyncInitInput): void;
