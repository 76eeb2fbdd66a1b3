#!/usr/bin/env python3
"""Golden traces for npm rate-limiter-flexible's RateLimiterMemory ("fixed-window-first-hit").

Feeds the traces of window_traces.py (the same ones limits_traces.py runs) to
rate_limiter_flexible_run.js, which replays them with `consume(key, points)`
under @sinonjs/fake-timers, and renders the answers. Each answer is also
compared with the first-hit fixed-window rule (window [first, first + W),
every hit counted, allow iff count <= limit); a difference aborts the run.
Traces with sub-millisecond instants are skipped (Date.now() has whole-ms
resolution).

Usage: bash scripts/golden/rate_limiter_flexible_traces.sh > tests/golden/rate_limiter/rate_limiter_flexible.json
(the .sh installs the npm packages into a temporary directory and runs this
with NODE_PATH pointing there).
"""

import json
import os
import subprocess
import sys
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep __pycache__ out of the repository
sys.path.insert(0, HERE)
from golden_json import render  # noqa: E402
from window_traces import traces  # noqa: E402

ALGO = "fixed-window-first-hit"


def first_hit_rule(limit, period_ms, requests):
    count, expiry, out = 0, None, []
    for at, cost in requests:
        t = Fraction(at)
        if expiry is None or t >= expiry:
            count, expiry = 0, t + period_ms
        count += cost
        out.append("allowed" if count <= limit else "rejected")
    return out


def main():
    selected = []
    for name, limit, period_ms, reqs, note, algos in traces():
        if algos is not None and ALGO not in algos:
            continue
        if any(Fraction(at).denominator != 1 for at, _ in reqs):
            continue
        selected.append((name, limit, period_ms, reqs, note))
    payload = json.dumps([{"limit": l, "period_ms": p, "requests": r}
                          for _, l, p, r, _ in selected])
    proc = subprocess.run(["node", os.path.join(HERE, "rate_limiter_flexible_run.js")],
                          input=payload, capture_output=True, text=True, check=True)
    out = json.loads(proc.stdout)
    cases = []
    for (name, limit, period_ms, reqs, note), got in zip(selected, out["results"]):
        if got != first_hit_rule(limit, period_ms, reqs):
            raise RuntimeError("%s: rate-limiter-flexible differs from the first-hit rule" % name)
        case = {"name": "%s: %s" % (ALGO, name),
                "limiter": {"algorithm": ALGO, "limit": limit, "period_ms": period_ms},
                "requests": reqs, "expect": got}
        if note and "verified" in name:
            case["note"] = "reference-semantics 1.4: fixed 11111 0 00000 0 0 0 1 1"
        cases.append(case)
    v = out["versions"]
    ref = ("rate-limiter-flexible %s (npm) RateLimiterMemory consume(key, points); "
           "clock faked by @sinonjs/fake-timers %s (install({now: 2024-01-01T00:00:00Z}), tick), node %s"
           % (v["rate-limiter-flexible"], v["@sinonjs/fake-timers"], v["node"]))
    sys.stdout.write(render(
        ref, "bash scripts/golden/rate_limiter_flexible_traces.sh > "
             "tests/golden/rate_limiter/rate_limiter_flexible.json", cases))


if __name__ == "__main__":
    main()
