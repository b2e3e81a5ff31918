#!/usr/bin/env bash
# Builds the Worker (crates/pushauth-worker) with worker-build, using only local tools:
# wasm-bindgen from cargo, wasm-opt from npm `binaryen`, esbuild from wrangler's dependencies.
# Output: crates/pushauth-worker/build/ (what wrangler.toml's `main` points at).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"
export WASM_BINDGEN_BIN="$(command -v wasm-bindgen)"
export WASM_OPT_BIN="$root/node_modules/binaryen/bin/wasm-opt"
export ESBUILD_BIN="$root/node_modules/@esbuild/linux-x64/bin/esbuild"
# worker-build sets WASM_BINDGEN_USE_JS_SYS=1, which cargo does not track: its own target dir
# keeps those artifacts from being mixed with the browser SDK's and the native build's.
export CARGO_TARGET_DIR="$root/target/worker"
cd "$root/crates/pushauth-worker"
exec worker-build --release
