#!/usr/bin/env bash
# Regenerate tests/golden/rate_limiter/rate_limiter_flexible.json.
# Installs rate-limiter-flexible@11.4.0 and @sinonjs/fake-timers@15.5.0 with npm
# into a temporary directory (nothing is added to the repository), then runs
# the replay. Needs node + npm and python3.
# Usage (from the repository root):
#   bash scripts/golden/rate_limiter_flexible_traces.sh > tests/golden/rate_limiter/rate_limiter_flexible.json
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
npm install --prefix "$tmp" --no-save --no-audit --no-fund --silent \
  rate-limiter-flexible@11.4.0 @sinonjs/fake-timers@15.5.0 >&2
NODE_PATH="$tmp/node_modules" python3 "$here/rate_limiter_flexible_traces.py"
