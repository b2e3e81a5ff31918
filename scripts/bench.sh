#!/usr/bin/env bash
# Measures what users pay for and prints one table (stdout); every sample and figure goes to
# target/bench/report.json. Each figure that depends on machine speed is printed beside a
# baseline measured in the same run, as a ratio; runs are interleaved and repeated (medians).
# Sections: P-256 verify cost in workerd vs native, login endpoints vs trivial JS and Rust
# Workers and a two-hop floor (a trivial Rust Worker → a trivial Rust Durable Object), approval-to-browser detection with the real SDK in headless Chromium, shipped sizes,
# cold start, storage and cost per login. Methodology: the comments in tests/bench/*.mjs.
#
#   scripts/bench.sh                  full run (a few minutes, under 10)
#   BENCH_QUICK=1 scripts/bench.sh    short smoke run (under ~2 minutes) that prints every row
#   BENCH_ONLY=size scripts/bench.sh  only section 4: shipped sizes, cold start and what weighs
#                                     in the Worker (twiggy, installed into target/tools once)
#   BENCH_ONLY=throughput scripts/bench.sh  only section 2: the endpoints (with BENCH_QUICK=1, ~1 minute)
#
# It builds what it needs first with the project's scripts (quick when up to date). Only
# loopback is contacted; every process it starts is stopped when it ends, also on Ctrl-C.
# Not part of scripts/test.sh: its figures are measurements, not pass/fail checks.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export PATH="$HOME/.cargo/bin:$PATH"
export WRANGLER_SEND_METRICS=false

say() { printf '\033[1mbench:\033[0m %s\n' "$*" >&2; }

# Builds: progress and tool output go to stderr, so stdout holds only the table.
{
  ./scripts/bootstrap.sh
  say "building the Worker, the SDK, the CLI authenticator, kv-report and the trivial Rust Workers"
  ./scripts/build-worker.sh
  ./scripts/build-sdk.sh
  if [ "${BENCH_ONLY:-}" != size ]; then
    cargo build --locked --quiet -p pushauth-device --bins
    cargo build --locked --quiet -p xtask
  fi
  ./scripts/build-worker.sh tests/bench/trivial-rust
  if [ "${BENCH_ONLY:-}" != size ]; then
    ./scripts/build-worker.sh tests/bench/trivial-rust-object
  fi
  # twiggy says what weighs in the Worker's wasm (section 4). Installed here, not by bootstrap:
  # only the bench uses it. Into target/tools, once (about 2 minutes to compile).
  if [ ! -x target/tools/bin/twiggy ]; then
    say "installing twiggy (once) into target/tools"
    cargo install --quiet --locked twiggy@0.8.0 --root target/tools
  fi
} >&2

exec node tests/bench/main.mjs
