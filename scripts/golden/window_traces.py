"""Request traces shared by the window-limiter generators.

limits_traces.py runs every trace below on limits' three strategies, and
rate_limiter_flexible_traces.py runs the same traces on rate-limiter-flexible,
so its fixed window (window starts at the first hit) cross-checks limits'
FixedWindowRateLimiter on identical input.
"""

import os
import sys

sys.dont_write_bytecode = True  # keep __pycache__ out of the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_json import random_trace  # noqa: E402


def ones(times_ms, cost=1):
    return [[t, cost] for t in times_ms]


def traces():
    """(name, limit, period_ms, requests, note, algorithms or None for all)."""
    t = []
    verified = (ones([8000] * 5) + ones([9900]) + ones([10100] * 5)
                + ones([10200, 12000, 15000, 19000, 21000]))
    t.append(("limit 5 per 10 s (verified trace)", 5, 10000, verified,
              "reference-semantics 1.4: fixed and moving 11111 0 00000 0 0 0 1 1, "
              "sliding counter 11111 0 10000 0 0 1 1 1", None))
    t.append(("boundary burst 5 at 9.9 s, 5 at 10.1 s", 5, 10000,
              ones([9900] * 5 + [10100] * 5 + [19899, 19900, 20000]), None, None))
    t.append(("costs > 1", 10, 10000,
              [[0, 3], [1000, 4], [2000, 4], [3000, 3], [5000, 2], [9999, 1], [10000, 2],
               [11000, 5], [15000, 6], [19999, 1], [20000, 10], [20000, 1], [25000, 4],
               [30000, 7], [31000, 3], [32000, 1]], None, None))
    t.append(("cost larger than the limit", 5, 10000,
              [[0, 6], [0, 1], [1000, 5], [5000, 1], [10000, 6], [10001, 2], [12000, 5],
               [20000, 5], [20500, 1], [26000, 9], [30000, 1], [40001, 2]], None, None))
    t.append(("simultaneous arrivals, limit 3 per 1 s", 3, 1000,
              ones([0] * 10 + [500] * 5 + [1000] * 5 + [1999] * 3 + [2000] * 3 + [2500] * 2),
              None, None))
    t.append(("entry exactly one window old (inclusive boundary)", 2, 10000,
              ones([0, 5000, 10000, 10000, 10001, 15000, 15001, 20001, 20001, 30001]),
              "sliding-log counts an entry stamped exactly now - W (acquire_entry: "
              "entry.atime >= now - expiry)", None))
    t.append(("cost 2 against entries exactly one window old", 4, 10000,
              [[0, 2], [2000, 2], [10000, 2], [10000, 1], [12000, 2], [12001, 1], [20000, 1],
               [22000, 3]], None, None))
    t.append(("long idle gaps", 5, 60000,
              ones([0] * 6 + [30000] + [3600000] * 6 + [3600000 + 59999, 3600000 + 60000])
              + ones([3 * 86400000] * 6) + ones([10 * 86400000 + 1]), None, None))
    t.append(("1 s window, millisecond spacing", 2, 1000,
              ones([0, 1, 2, 999, 1000, 1001, 1500, 1999, 2000, 2001, 2002, 3999, 4000]),
              None, None))
    t.append(("sub-millisecond instants", 3, 1000,
              ones([0, 0.25, 0.5, 0.75, 999.75, 1000, 1000.25, 1000.5, 1999.5, 2000.5]),
              None, None))
    # seeded random traces: (seed, limit, period_ms, n, max_gap, max_cost)
    for seed, limit, period_ms, n, gap, max_cost in [
            (201, 5, 10000, 40, 4000, 1),
            (202, 10, 10000, 40, 4500, 3),
            (203, 3, 1000, 40, 700, 1),
            (204, 20, 60000, 40, 16000, 4),
            (205, 4, 2000, 40, 1600, 2),
            (206, 6, 5000, 40, 1500, 1),
    ]:
        reqs = random_trace(seed, n, gap, simultaneous_p=0.2, max_cost=max_cost,
                            big_gap_p=0.05, big_gap_ms=period_ms)
        t.append(("random seed=%d limit %d per %d ms, cost 1..%d"
                  % (seed, limit, period_ms, max_cost), limit, period_ms, reqs, None, None))
    return t
