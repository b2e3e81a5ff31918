#!/usr/bin/env bash
# Builds the browser SDK (crates/pushauth-browser) into its npm package, using only local tools:
# wasm-pack with the wasm-bindgen CLI from cargo (`--mode no-install`), wasm-opt from npm
# `binaryen`, esbuild from wrangler's dependencies (minifies wasm-bindgen's JS glue).
# Output: target/sdk/package/ (the package), target/sdk/pushauth-browser-<version>.tgz (`npm pack`,
# what consumers install) and www/sdk/ (a copy the demo site loads). scripts/sdk-size.sh prints
# what it weighs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"
crate="$root/crates/pushauth-browser"
out="$root/target/sdk"
package="$out/package"

# The workspace version ([workspace.package], the first `version =` line) is the package's.
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -1)
npm_version=$(node -p 'require(process.argv[1]).version' "$crate/npm/package.json")
if [ "$version" != "$npm_version" ]; then
  echo "build-sdk: crates/pushauth-browser/npm/package.json has version $npm_version, Cargo.toml $version" >&2
  exit 1
fi

rm -rf "$package"
mkdir -p "$out"
# --target web: ES modules that fetch the .wasm themselves; npm/client.js wraps them so that
# importing loads nothing and the first call loads the .wasm. wasm-opt runs below (the crate's
# wasm-pack metadata turns wasm-pack's own download of it off).
wasm-pack --log-level error build "$crate" --release --target web --mode no-install \
  --no-pack --no-gitignore --out-dir "$package" --out-name pushauth_browser -- --locked --no-default-features

# -Oz: size over speed; the SDK waits on the network, never on the CPU (--converge repeats
# the passes while they still shrink it). The features are the ones rustc enables by default
# for wasm32-unknown-unknown; the section that lists them is not needed at run time.
# --low-memory-unused: Rust puts its 1 MiB stack first, growing down towards address 0, and
# its data and heap above it, so the lowest 1 KB is never read or written; binaryen can then
# fold constant offsets into loads and stores.
# --flatten --rereloop, then -Oz again: binaryen rebuilds the control flow of every function
# from scratch, and the optimiser finds smaller forms for some of them; --reorder-functions
# puts the most-called functions first (smaller indices, shorter call operands). Together
# 92 B of the gzipped package.
wasm_opt="$root/node_modules/binaryen/bin/wasm-opt"
features=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-reference-types --enable-multivalue)
"$wasm_opt" --low-memory-unused -Oz --flatten --rereloop -Oz --reorder-functions -Oz --converge --strip-target-features --strip-debug --strip-producers "${features[@]}" \
  "$package/pushauth_browser_bg.wasm" -o "$package/pushauth_browser_bg.wasm"

# Short import/export names in the wasm and the glue (see the script).
node "$root/scripts/minify-wasm-names.mjs" "$wasm_opt" "$package" pushauth_browser "${features[@]}"

# The two entries a browser loads, each one minified module: the API (npm/client.js, see there)
# bundled with wasm-bindgen's glue and the crate's JS snippets (src/io.rs…). index.js loads the
# .wasm next to it on first use; raw.js only through its init() or initSync(). (An app uses one
# of them: each has its own copy of the glue.) The sources are bundled from beside the glue.
mkdir -p "$out/entries"
for entry in index:true raw:false; do
  cp "$crate/npm/${entry%%:*}.js" "$package/entry_${entry%%:*}.js"
done
cp "$crate/npm/client.js" "$package/client.js"
for entry in index:true raw:false; do
  "$root/node_modules/.bin/esbuild" "$package/entry_${entry%%:*}.js" --bundle --minify --format=esm \
    --define:AUTO_LOAD="${entry##*:}" --define:VERSION="\"$version\"" \
    --legal-comments=none --log-level=warning --outfile="$out/entries/${entry%%:*}.js"
done
rm -rf "$package/snippets" "$package"/entry_*.js "$package/client.js" "$package/pushauth_browser.js"
mv "$out/entries/index.js" "$out/entries/raw.js" "$package/"
# The types are the hand-written index.d.ts and raw.d.ts: wasm-bindgen's own .d.ts (the glue's
# classes and its exports' minified names) is not shipped.
cp "$crate/npm/package.json" "$crate/npm/index.d.ts" "$crate/npm/raw.d.ts" "$crate/README.md" "$crate/LICENSE" "$package/"
rm -f "$package/pushauth_browser_bg.wasm.d.ts" "$package/pushauth_browser.d.ts"
rm -f "$out"/pushauth-browser-*.tgz
(cd "$out" && npm pack --silent --pack-destination "$out" "$package" >/dev/null)
# The Worker serves www/ as static assets: the demo site imports the SDK from /sdk/.
rm -rf "$root/www/sdk"
cp -r "$package" "$root/www/sdk"
echo "build-sdk: $out/pushauth-browser-$version.tgz (and a copy in www/sdk/ for the demo)"
