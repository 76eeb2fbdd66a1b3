#!/usr/bin/env bash
# Regenerate tests/golden/rate_limiter/nginx.json from a real nginx under libfaketime.
# Needs: apt-get install nginx-light faketime ; python3 (standard library only).
# Usage (from the repository root):
#   bash scripts/golden/nginx_traces.sh > tests/golden/rate_limiter/nginx.json
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
for f in /usr/sbin/nginx /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1; do
  [ -e "$f" ] || { echo "missing $f: apt-get install nginx-light faketime" >&2; exit 1; }
done
exec python3 "$here/nginx_traces.py"
