#!/usr/bin/env bash
# The API under a schema fuzzer: Schemathesis generates requests from docs/openapi.json for every
# operation and sends them, as each kind of caller the document's security schemes name (tenant
# with Basic and with HMAC, browser with a track token, device with signed requests, mobile app,
# admin, public), to the Worker in workerd on loopback. Checks: no 5xx, every response matches its
# schema, status codes and content types are documented, and no panic in the Worker's log.
# Prints per-operation and total figures; exits non-zero on any failure.
#
#   scripts/api-fuzz.sh                      100 examples per operation and caller (~3–4 min)
#   scripts/api-fuzz.sh --max-examples 300   a longer run (~10 min)
#   scripts/api-fuzz.sh --smoke              ~1–2 minutes (scripts/test.sh runs this)
#   options: --max-examples N --seed N --smoke
#
# Schemathesis 4 (OpenAPI 3.1 natively) and `cryptography` come from PyPI into their own venv,
# target/apifuzz-venv (not scripts/bootstrap.sh: only this script needs Python); quick when present.
# If Python's venv module is missing, it installs Debian's python3-venv (as root).
# It builds the Worker first (quick when up to date). Reports: target/apifuzz/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export PATH="$HOME/.cargo/bin:$PATH"
export WRANGLER_SEND_METRICS=false
SCHEMATHESIS_VERSION=4.32.5
CRYPTOGRAPHY_VERSION=50.0.2
venv="$root/target/apifuzz-venv"
{
  ./scripts/bootstrap.sh
  if ! "$venv/bin/python" -c "import schemathesis, cryptography, sys; sys.exit(schemathesis.__version__ != '$SCHEMATHESIS_VERSION')" 2>/dev/null; then
    if ! python3 -c "import venv, ensurepip" 2>/dev/null; then
      if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && apt-get install -y -qq python3-venv
      else
        echo "api-fuzz: Python's venv module is missing: install Debian's python3-venv" && exit 1
      fi
    fi
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check \
      "schemathesis==$SCHEMATHESIS_VERSION" "cryptography==$CRYPTOGRAPHY_VERSION"
  fi
  ./scripts/build-worker.sh --dev
} >&2
exec node --no-warnings tests/apifuzz/run.mjs --st "$venv/bin/st" "$@"
