#!/usr/bin/env bash
# Builds the browser SDK package (scripts/build-sdk.sh) and copies it to www/sdk/ (git-ignored),
# where the Worker serves it to the demo site as /sdk/index.js.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build-sdk.sh >/dev/null
rm -rf www/sdk
cp -r target/sdk/package www/sdk
