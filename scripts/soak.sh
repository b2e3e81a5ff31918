#!/usr/bin/env bash
# Load with faults: complete flows at once (track or request/add → device fetch → signed answer →
# verify → validate), half of them Privakey requests with a callback, while the callback receiver
# is down and then drops, delays and fails a share of deliveries. Prints flows completed,
# requests sent again after a 5xx, callbacks delivered once / lost / duplicated (by delivery id)
# and whether every request's state and delivery log agree; exits non-zero if any is wrong.
# The native side of the same question (storage failing at every call of every step) is
# crates/pushauth-worker/tests/storage_faults.rs, run by scripts/test.sh.
#
#   scripts/soak.sh                                  200 flows, receiver down 60 s (~3–4 min)
#   scripts/soak.sh --flows 50 --down-secs 10        a quicker run
#   options: --flows N --down-secs S --chaos FRACTION (0.3) --deadline-secs S (420)
#
# It builds the Worker first (quick when up to date); only loopback is contacted.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export PATH="$HOME/.cargo/bin:$PATH"
export WRANGLER_SEND_METRICS=false
{
  ./scripts/bootstrap.sh
  ./scripts/build-worker.sh --dev
} >&2
exec node --no-warnings tests/soak/soak.mjs "$@"
