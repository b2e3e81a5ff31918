#!/usr/bin/env bash
# Builds the Worker (crates/pushauth-worker) with worker-build, using only local tools:
# wasm-bindgen from cargo, wasm-opt from npm `binaryen`, esbuild from wrangler's dependencies.
#
#   scripts/build-worker.sh               the deployment build, without the demo backend (the
#                                         crate's `demo` feature off): crates/pushauth-worker/build/,
#                                         what wrangler.toml's `main` points at (`wrangler deploy`)
#   scripts/build-worker.sh --dev         the development build, with the demo backend:
#                                         crates/pushauth-worker/build-dev/ (scripts/dev.sh, the tests)
#   scripts/build-worker.sh [CRATE_DIR]   another Worker crate the same way (scripts/bench.sh
#                                         builds its trivial Rust Worker with it)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dev=false
if [ "${1:-}" = "--dev" ]; then dev=true; shift; fi
crate="$(cd "${1:-$root/crates/pushauth-worker}" && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"
export WASM_BINDGEN_BIN="$(command -v wasm-bindgen)"
export WASM_OPT_BIN="$root/node_modules/binaryen/bin/wasm-opt"
export ESBUILD_BIN="$root/node_modules/@esbuild/linux-x64/bin/esbuild"
# worker-build sets WASM_BINDGEN_USE_JS_SYS=1, which cargo does not track: its own target dir
# keeps those artifacts from being mixed with the browser SDK's and the native build's.
export CARGO_TARGET_DIR="$root/target/worker"
features=()
out="build"
name="$(basename "$crate")"
if [ "$crate" = "$root/crates/pushauth-worker" ]; then
  if $dev; then out="build-dev"; name="$name-dev"; else features=(--no-default-features); fi
fi
cd "$crate"
worker-build --release --out-dir "$out" "$crate" "${features[@]}"
# Size: -Oz and no names section. worker-build's own wasm-opt pass (turned off in the crate's
# Cargo.toml) keeps the function names, 166 KB raw and ~45 KB gzip of the Worker, which only
# name frames in the stack trace of a panic. The feature list is the one worker-build passes.
# wasm-opt takes ~20 s; its result is kept by the hash of its input, so an unchanged Worker
# (test.sh, then wrangler's [build] in the dry-run deploy, then the bench) is optimised once.
wasm="$crate/$out/index_bg.wasm"
# The wasm as built, with its names: what `twiggy` reads when scripts/bench.sh says what weighs.
mkdir -p "$CARGO_TARGET_DIR/named"
cp "$wasm" "$CARGO_TARGET_DIR/named/$name.wasm"
cache="$CARGO_TARGET_DIR/wasm-opt/$name"
optimised="$cache/$(sha256sum "$wasm" | cut -d' ' -f1).wasm"
if [ ! -f "$optimised" ]; then
  rm -rf "$cache" && mkdir -p "$cache"
  "$WASM_OPT_BIN" "$wasm" -o "$optimised.tmp" -Oz --strip-debug --strip-producers \
    --enable-mutable-globals --enable-sign-ext --enable-nontrapping-float-to-int --enable-bulk-memory \
    --enable-multivalue --enable-reference-types --enable-exception-handling
  mv "$optimised.tmp" "$optimised"
fi
cp "$optimised" "$wasm"
