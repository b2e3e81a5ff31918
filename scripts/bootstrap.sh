#!/usr/bin/env bash
# Installs what pushauth needs to build, run and test, and nothing that is already present.
#
# Every tool comes from a registry these machines reach (rustup, crates.io, npm, Debian);
# nothing is downloaded from GitHub. Versions are pinned here and in package-lock.json.
# A second run with everything present takes a few seconds: each step checks before it acts.
set -euo pipefail

cd "$(dirname "$0")/.."

# Pinned versions. WASM_BINDGEN must equal the `wasm-bindgen = "=…"` pin in Cargo.toml.
WASM_BINDGEN=0.2.130
WORKER_BUILD=0.8.7
WASM_PACK=0.15.1

say() { printf '\033[1mbootstrap:\033[0m %s\n' "$*"; }

export PATH="$HOME/.cargo/bin:$PATH"

# 1. Rust: the wasm target and the components the checks use.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding rustup target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
for component in clippy rustfmt; do
  if ! rustup component list --installed | grep -q "^$component"; then
    say "adding rustup component $component"
    rustup component add "$component"
  fi
done

# 2. Debian packages: headers worker-build links against, Chromium and its driver for browser tests.
apt_missing=()
for pkg in pkg-config libssl-dev chromium chromium-driver; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || apt_missing+=("$pkg")
done
if [ ${#apt_missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    say "installing Debian packages: ${apt_missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${apt_missing[@]}" >/dev/null
  else
    echo "bootstrap: missing Debian packages: ${apt_missing[*]}" >&2
    echo "bootstrap: install them with: sudo apt-get install -y ${apt_missing[*]}" >&2
    exit 1
  fi
fi

# 3. Cargo-installed tools at exact versions (`--locked` so their own dependencies are pinned too).
cargo_tool() { # binary crate version
  local bin=$1 crate=$2 version=$3
  # `wasm-bindgen --version` prints "wasm-bindgen 0.2.130", `worker-build --version` just "0.8.7".
  if command -v "$bin" >/dev/null && "$bin" --version 2>/dev/null | grep -Eq "(^| |v)${version//./\\.}\$"; then
    return 0
  fi
  say "cargo install $crate@$version (a few minutes, once per machine)"
  # --locked keeps the tool's own dependency versions. The registry mirror here lacks a few
  # versions some lockfiles name (webpki-roots 1.0.11 for wasm-bindgen-cli 0.2.130); then the
  # newest semver-compatible versions are resolved instead, and we say so.
  if ! cargo install "$crate" --version "=$version" --locked --quiet; then
    say "$crate: its lockfile does not resolve here; installing with freshly resolved dependencies"
    cargo install "$crate" --version "=$version" --quiet
  fi
}
cargo_tool wasm-bindgen wasm-bindgen-cli "$WASM_BINDGEN"
cargo_tool worker-build worker-build "$WORKER_BUILD"
cargo_tool wasm-pack wasm-pack "$WASM_PACK"

# 4. npm packages (wrangler + workerd, binaryen's wasm-opt, test clients) from the committed lockfile.
stamp=node_modules/.pushauth-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  say "npm ci (from package-lock.json)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" >"$stamp"
fi

say "ready"
