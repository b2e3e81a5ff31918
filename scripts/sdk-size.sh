#!/usr/bin/env bash
# Prints the browser SDK's shipped bytes: each file a browser loads from the npm package
# (the wasm and the JS), raw and gzip -9, and their total. Run scripts/build-sdk.sh first.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
package="$root/target/sdk/package"
if [ ! -f "$package/pushauth_browser_bg.wasm" ]; then
  echo "sdk-size: no package in $package; run scripts/build-sdk.sh first" >&2
  exit 1
fi
total_raw=0
total_gz=0
printf '%-28s %10s %10s\n' file raw gzip
for f in pushauth_browser_bg.wasm index.js; do
  raw=$(wc -c <"$package/$f")
  gz=$(gzip -9c "$package/$f" | wc -c)
  total_raw=$((total_raw + raw))
  total_gz=$((total_gz + gz))
  printf '%-28s %10d %10d\n' "$f" "$raw" "$gz"
done
printf '%-28s %10d %10d   (goal: gzip <= 20000, as scripts/bench.sh and the SDK README say)\n' "shipped total" "$total_raw" "$total_gz"
# Baseline measured in the same run: the whole @authsignal/browser 1.16.0 bundle (every method,
# not just push), as installed from npm by scripts/bootstrap.sh.
peer="$root/node_modules/@authsignal/browser/dist/index.min.js"
if [ -f "$peer" ]; then
  peer_raw=$(wc -c <"$peer")
  peer_gz=$(gzip -9c "$peer" | wc -c)
  printf '%-28s %10d %10d\n' "@authsignal/browser (min)" "$peer_raw" "$peer_gz"
  awk -v a="$total_gz" -v b="$peer_gz" 'BEGIN { printf "%-28s %21.2fx\n", "ratio (gzip, ours/peer)", a / b }'
fi
printf '%-28s %10d\n' "npm tarball" "$(wc -c <"$(ls "$root"/target/sdk/pushauth-browser-*.tgz | head -1)")"
