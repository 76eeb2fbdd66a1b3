#!/usr/bin/env bash
# Regenerate every rate-limiter golden file in tests/golden/rate_limiter/.
# Prerequisites (fresh Debian 12):
#   apt-get update && apt-get install -y nginx-light faketime redis-server nodejs npm python3 python3-venv
#   python3 -m venv /tmp/golden-venv && . /tmp/golden-venv/bin/activate && pip install limits==5.8.0 time-machine==3.6.0
# Run from anywhere; writes into the repository's tests/golden/rate_limiter/.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/tests/golden/rate_limiter"
mkdir -p "$out"
cd "$root"
bash scripts/golden/nginx_traces.sh > "$out/nginx.json.tmp" && mv "$out/nginx.json.tmp" "$out/nginx.json"
python3 scripts/golden/limits_traces.py > "$out/limits.json.tmp" && mv "$out/limits.json.tmp" "$out/limits.json"
python3 scripts/golden/fixed_window_redis.py > "$out/fixed_window_redis.json.tmp" && mv "$out/fixed_window_redis.json.tmp" "$out/fixed_window_redis.json"
bash scripts/golden/rate_limiter_flexible_traces.sh > "$out/rate_limiter_flexible.json.tmp" && mv "$out/rate_limiter_flexible.json.tmp" "$out/rate_limiter_flexible.json"
python3 scripts/golden/token_bucket_redis.py > "$out/token_bucket_redis.json.tmp" && mv "$out/token_bucket_redis.json.tmp" "$out/token_bucket_redis.json"
echo "regenerated: $(ls "$out"/*.json | tr '\n' ' ')" >&2
