#!/usr/bin/env bash
# Sets up the machine and runs pushauth locally: the Worker under workerd (`wrangler dev`) with
# local KV persisted in .dev/state (git-ignored), the development tenant seeded, and the demo
# site and hosted UI served by the Worker. Prints the URL to open. Ctrl-C stops it. It runs the
# development build (`scripts/build-worker.sh --dev`, with the demo backend), rebuilt by wrangler
# when the Worker's sources change, from .dev/wrangler.toml (scripts/dev-config.mjs derives it
# from wrangler.toml).
#
#   PORT=8787 scripts/dev.sh
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
export PATH="$HOME/.cargo/bin:$PATH"
export WRANGLER_SEND_METRICS=false
port="${PORT:-8787}"
mkdir -p .dev/state
node scripts/dev-config.mjs > .dev/wrangler.toml
cp dev/dev.vars .dev/.dev.vars   # wrangler reads .dev.vars beside the config
./scripts/build-sdk.sh >/dev/null   # the browser SDK, copied to www/sdk/ for the demo

node_modules/.bin/wrangler dev --config .dev/wrangler.toml --ip 127.0.0.1 --port "$port" --persist-to .dev/state \
  --show-interactive-dev-session=false &
wrangler_pid=$!
trap 'kill $wrangler_pid 2>/dev/null || true' EXIT INT TERM

url="http://127.0.0.1:$port"
for _ in $(seq 1 600); do
  if curl -sf "$url/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$wrangler_pid" 2>/dev/null; then echo "dev: wrangler exited" >&2; exit 1; fi
  sleep 0.5
done
node scripts/seed-dev.mjs "$url"
printf '\n\033[1mpushauth is running: open %s/demo/\033[0m\n' "$url"
printf 'Web authenticator: %s/authenticator/ · console: %s/console/ (ADMIN_TOKEN in dev/dev.vars) · health: %s/health\n' "$url" "$url" "$url"
printf 'Development tenant: see dev/tenant.json (id, secret). Ctrl-C stops.\n\n'
wait "$wrangler_pid"
