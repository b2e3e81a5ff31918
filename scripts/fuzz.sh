#!/usr/bin/env bash
# Fuzzes every parser of pushauth-core that takes network input (the targets in fuzz/, see
# docs/threat-model.md, "Fuzzing"), each for the given seconds, and prints one table: target,
# executions, exec/s, crashes, corpus size. Exits non-zero if any target crashed or broke its
# property; the input that did it is under target/fuzz/artifacts/<target>/.
#
#   scripts/fuzz.sh [seconds-per-target] [target...]   # default 60 s, every target
#   scripts/fuzz.sh --runs N [seconds] [target...]      # stop each at N executions (or the seconds)
#   scripts/fuzz.sh --smoke                             # 2 s each: the step scripts/test.sh runs
#
# Fuzzer: cargo-fuzz (libFuzzer, coverage-guided) on the stable toolchain, with `--sanitizer
# none`. cargo-fuzz needs nightly only for its sanitizers (`-Zsanitizer=…`); without one it
# passes only stable `-C` flags (SanitizerCoverage via `-Cpasses=sancov-module`), and
# libfuzzer-sys builds libFuzzer from its crate sources with the system C++ compiler. The
# targets are safe Rust, so a sanitizer would add little; debug assertions and overflow checks
# are on (`-a`). cargo-fuzz comes from crates.io (`cargo install --locked`), so nothing is
# downloaded from elsewhere; it is installed here (not by bootstrap.sh) only when missing.
#
# The fuzz crate is its own workspace (fuzz/Cargo.toml, excluded from the main one); it builds
# into target/fuzz. Seeds are generated from tests/vectors by fuzz/seeds.mjs into
# target/fuzz/seeds/<target>; what a run finds is kept in target/fuzz/corpus/<target> for the next.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

CARGO_FUZZ_VERSION=0.13.2
SMOKE_SECONDS=2

runs=0
seconds=60
case "${1:-}" in
  --smoke) seconds=$SMOKE_SECONDS; shift ;;
  --runs) runs=${2:?--runs needs a count}; shift 2 ;;
  -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
esac
if [[ "${1:-}" =~ ^[0-9]+$ ]]; then seconds=$1; shift; fi
targets=("$@")

# 1. The fuzzer and a C++ compiler for libFuzzer (idempotent; quick when present).
if ! command -v c++ >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq g++ >/dev/null
  else
    echo "fuzz.sh: a C++ compiler is needed to build libFuzzer: apt-get install g++" >&2; exit 1
  fi
fi
if [ "$(cargo fuzz --version 2>/dev/null)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]; then
  echo "fuzz.sh: installing cargo-fuzz $CARGO_FUZZ_VERSION from crates.io" >&2
  cargo install --locked --quiet cargo-fuzz --version "$CARGO_FUZZ_VERSION"
fi

# 2. Build every target (release, debug assertions, no sanitizer: stable Rust).
cargo metadata --locked --format-version 1 --manifest-path fuzz/Cargo.toml >/dev/null
(cd fuzz && cargo fuzz build --sanitizer none --release --debug-assertions --target-dir ../target/fuzz)
bin=target/fuzz/x86_64-unknown-linux-gnu/release
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cd fuzz && cargo fuzz list)
fi

# 3. Seeds from the vectors.
node fuzz/seeds.mjs target/fuzz/seeds >/dev/null

# 4. Run each target and tabulate libFuzzer's final stats.
printf '\n%-18s %14s %10s %8s %16s\n' target executions exec/s crashes corpus
failed=0
for t in "${targets[@]}"; do
  corpus=target/fuzz/corpus/$t artifacts=target/fuzz/artifacts/$t log=target/fuzz/logs/$t.log
  mkdir -p "$corpus" "$artifacts" "target/fuzz/seeds/$t" target/fuzz/logs
  marker=$(mktemp)
  limit=(-max_total_time="$seconds")
  [ "$runs" -gt 0 ] && limit+=(-runs="$runs")
  rc=0
  "$bin/$t" "$corpus" "target/fuzz/seeds/$t" "${limit[@]}" -print_final_stats=1 -max_len=4096 \
    -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$artifacts/" >"$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  size=$(grep -oE 'corp: [0-9]+/[0-9]+[a-zA-Z]*' "$log" | tail -1 | cut -d' ' -f2)
  crashes=$(find "$artifacts" -type f -newer "$marker" | wc -l)
  rm -f "$marker"
  if [ "$rc" -ne 0 ] && [ "$crashes" -eq 0 ]; then crashes="rc=$rc"; fi
  printf '%-18s %14s %10s %8s %16s\n' "$t" "${execs:-?}" "${rate:-?}" "$crashes" "${size:-?}"
  if [ "$rc" -ne 0 ] || [ "$crashes" != 0 ]; then
    failed=1
    echo "  $t failed: see $log and $artifacts/" >&2
    grep -m1 -E "panicked|ERROR:" "$log" >&2 || true
  fi
done
exit "$failed"
