#!/usr/bin/env bash
# Sets up the machine (scripts/bootstrap.sh) and runs every check: formatting, clippy for native
# and wasm32, a smoke run of the fuzz targets, the generated copies (test vectors, error codes),
# the crates' module graphs (no import cycle), Rust unit and integration tests, the core built
# alone for wasm32, the docs, the pages' types (tsc --checkJs), the black-box tests against the
# Worker running in workerd with local KV and Durable Objects, and short runs of the schema
# fuzzer and the soak. Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
export PATH="$HOME/.cargo/bin:$PATH"
export WRANGLER_SEND_METRICS=false
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy (native)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "clippy (wasm32)"
cargo clippy --workspace --exclude xtask --exclude pushauth-device --all-targets --locked --target wasm32-unknown-unknown -- -D warnings
# The SDK as it ships: no_std on wasm32 (its default `std` feature is for the tests).
cargo clippy -p pushauth-browser --no-default-features --locked --target wasm32-unknown-unknown -- -D warnings
# The Worker as it deploys: without the demo backend (its default `demo` feature is for development).
cargo clippy -p pushauth-worker --lib --no-default-features --locked --target wasm32-unknown-unknown -- -D warnings

step "the core alone for wasm32 (no_std + alloc, no RNG, no platform: what its README promises)"
cargo build --locked -p pushauth-core --target wasm32-unknown-unknown

step "fuzz smoke: every core parser's fuzz target, 2 s each (scripts/fuzz.sh; longer runs: scripts/fuzz.sh 600)"
./scripts/fuzz.sh --smoke

step "docs build without warnings (broken intra-doc links fail)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked

step "test vectors are generated, not edited"
cargo xtask vectors --check

step "the copies of the error-code table are generated, not edited (docs/api.md, SDK, www)"
cargo xtask error-codes --check

step "no import cycle between the top-level modules of a crate (core, Worker, browser SDK, device)"
cargo xtask cycles

step "Rust tests (native)"
cargo test --workspace --locked

step "build the Worker (development build, with the demo) and the CLI authenticator the black-box tests drive"
./scripts/build-worker.sh --dev
cargo build --locked -p pushauth-device --bins

step "the deploy configuration builds (the deployment build, no demo) and validates (wrangler deploy --dry-run, nothing uploaded)"
node_modules/.bin/wrangler deploy --dry-run --outdir target/deploy-dry-run 2>&1 | grep -E "Total Upload|dry-run"

step "browser SDK: build, wasm tests in Chromium, consumer test"
./scripts/build-sdk.sh
./scripts/sdk-size.sh
node tests/support/with-worker.mjs sh -c \
  'node tests/sdk/run-wasm-tests.mjs -- wasm-pack test --headless --chrome --mode no-install crates/pushauth-browser && node --test --test-concurrency=1 tests/sdk/'

step "the pages' JavaScript type-checks (tsc --checkJs, strict; imports the SDK just built)"
node_modules/.bin/tsc -p tsconfig.www.json

step "black-box and browser tests against the Worker in workerd (headless Chromium)"
node tests/support/with-worker.mjs node --test --test-concurrency=1 tests/worker/ tests/e2e/ tests/security/

step "the API under a schema fuzzer (smoke): Schemathesis over docs/openapi.json as every kind of caller"
./scripts/api-fuzz.sh --smoke

step "soak smoke: 20 flows at once, callbacks through a receiver that is down, then flaky"
node --no-warnings tests/soak/soak.mjs --flows 20 --down-secs 5 --deadline-secs 150
