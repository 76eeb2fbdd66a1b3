#!/usr/bin/env python3
"""Golden traces for the clock-aligned fixed window ("fixed-window"), run on Redis.

The common Redis fixed-window pattern, executed against a real Debian
redis-server started on a free loopback port for the run:

    key   = "<case>:" + floor(now_ms / W_ms)     # window index, origin 0
    MULTI; INCRBY key cost; EXPIRE key ttl; EXEC
    allow iff the count returned by INCRBY <= limit   (rejected hits still count)

The clock is controlled by the client: `now` is the trace instant (ms from
origin 0), used only to pick the window key. The EXPIRE only garbage-collects
old windows on Redis's own clock; its ttl is W (rounded up to whole seconds)
plus 60 s so that no key can expire in real time while a case runs, which
therefore never changes a decision.

Usage: python3 scripts/golden/fixed_window_redis.py > tests/golden/rate_limiter/fixed_window_redis.json
"""

import os
import sys
from fractions import Fraction

sys.dont_write_bytecode = True  # keep __pycache__ out of the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_json import random_trace, render  # noqa: E402
from redis_local import LocalRedisServer  # noqa: E402


def run_case(r, idx, limit, period_ms, requests):
    r.call("FLUSHALL")
    ttl = -(-period_ms // 1000) + 60
    out = []
    for at_ms, cost in requests:
        window = Fraction(at_ms) // period_ms  # floor
        key = "golden:%d:%d" % (idx, window)
        assert r.call("MULTI") == "OK"
        assert r.call("INCRBY", key, cost) == "QUEUED"
        assert r.call("EXPIRE", key, ttl) == "QUEUED"
        count, _ = r.call("EXEC")
        out.append("allowed" if count <= limit else "rejected")
    return out


def exact(limit, period_ms, requests):
    counts = {}
    out = []
    for at_ms, cost in requests:
        w = Fraction(at_ms) // period_ms
        counts[w] = counts.get(w, 0) + cost
        out.append("allowed" if counts[w] <= limit else "rejected")
    return out


def ones(times, cost=1):
    return [[t, cost] for t in times]


def traces():
    t = []
    t.append(("boundary burst: 5 at 9.9 s and 5 at 10.1 s all allowed", 5, 10000,
              ones([9900] * 5 + [10100] * 5 + [10100, 19999, 20000]),
              "the 2 x limit burst across a window edge that an epoch-aligned fixed window allows"))
    t.append(("limit 5 per 10 s, the limits verified trace", 5, 10000,
              ones([8000] * 5 + [9900] + [10100] * 5 + [10200, 12000, 15000, 19000, 21000]),
              "same requests as the fixed-window-first-hit verified trace in limits.json"))
    t.append(("window edges: last ms of a window and first ms of the next", 2, 1000,
              ones([0, 999, 999, 1000, 1000, 1000, 1999, 2000, 2999, 3000, 3001, 3002]), None))
    t.append(("costs > 1", 10, 10000,
              [[0, 3], [1000, 4], [2000, 4], [3000, 3], [5000, 2], [9999, 1], [10000, 2],
               [11000, 5], [15000, 6], [19999, 1], [20000, 10], [20000, 1], [25000, 4],
               [30000, 7], [31000, 3], [32000, 1]], None))
    t.append(("cost larger than the limit (counted even though rejected)", 5, 10000,
              [[0, 6], [0, 1], [1000, 5], [9999, 1], [10000, 4], [10001, 2], [12000, 1],
               [20000, 5], [20500, 1], [26000, 9], [30000, 1], [40001, 2]], None))
    t.append(("simultaneous arrivals, limit 3 per 1 s", 3, 1000,
              ones([0] * 10 + [500] * 5 + [1000] * 5 + [1999] * 3 + [2000] * 3 + [2500] * 2), None))
    t.append(("long idle gaps, limit 5 per 60 s", 5, 60000,
              ones([0] * 6 + [30000] + [3600000] * 6 + [3600000 + 59999, 3600000 + 60000])
              + ones([3 * 86400000] * 6) + ones([10 * 86400000 + 1]), None))
    t.append(("sub-millisecond instants around a window edge", 3, 1000,
              ones([0, 999.25, 999.5, 999.75, 1000, 1000.25, 1000.5, 1999.999, 2000]), None))
    t.append(("1 per minute", 1, 60000,
              ones([0, 1, 59999, 60000, 60001, 119999, 120000, 600000]), None))
    t.append(("100 ms window", 2, 100,
              ones([0, 10, 20, 99, 100, 150, 199, 200, 201, 250, 299, 300]), None))
    for seed, limit, period_ms, gap, max_cost in [
            (301, 5, 10000, 4000, 1),
            (302, 10, 10000, 4500, 3),
            (303, 3, 1000, 700, 1),
            (304, 20, 60000, 16000, 4),
            (305, 4, 2000, 1600, 2),
    ]:
        reqs = random_trace(seed, 40, gap, simultaneous_p=0.2, max_cost=max_cost,
                            big_gap_p=0.05, big_gap_ms=period_ms)
        t.append(("random seed=%d limit %d per %d ms, cost 1..%d"
                  % (seed, limit, period_ms, max_cost), limit, period_ms, reqs, None))
    return t


def main():
    cases = []
    with LocalRedisServer() as srv:
        for idx, (name, limit, period_ms, reqs, note) in enumerate(traces()):
            got = run_case(srv.client, idx, limit, period_ms, reqs)
            if got != exact(limit, period_ms, reqs):
                raise RuntimeError("%s: Redis disagrees with the counting rule" % name)
            case = {"name": name,
                    "limiter": {"algorithm": "fixed-window", "limit": limit,
                                "period_ms": period_ms},
                    "requests": reqs, "expect": got}
            if note:
                case["note"] = note
            cases.append(case)
        version = (srv.version, srv.deb_version)
    ref = ("redis-server %s (Debian redis-server %s) running INCRBY key:<floor(now/W)> cost + EXPIRE "
           "in MULTI/EXEC; clock = trace instant supplied by the client" % version)
    sys.stdout.write(render(
        ref, "python3 scripts/golden/fixed_window_redis.py > tests/golden/rate_limiter/fixed_window_redis.json",
        cases))


if __name__ == "__main__":
    main()
