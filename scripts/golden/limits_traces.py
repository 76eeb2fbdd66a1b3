#!/usr/bin/env python3
"""Golden traces for the window rate limiters of the Python package `limits`.

Runs limits' MovingWindowRateLimiter ("sliding-log"),
SlidingWindowCounterRateLimiter ("sliding-counter") and FixedWindowRateLimiter
("fixed-window-first-hit") on MemoryStorage, with the clock frozen by
time-machine (`travel(T0, tick=False)`, then `move_to(T0 + at_ms)` before
every hit). T0 = 2024-01-01T00:00:00Z = 1704067200 s, a multiple of 86400 s,
so limits' epoch-aligned sliding-counter buckets (int(now / W)) start at our
origin 0 for every W that divides one day.

MemoryStorage starts a background thread (threading.Timer, 10 ms of real
time) after every hit, which deletes expired entries using the patched clock.
Cancelling `storage.timer` once is not enough (every hit re-arms it), so the
storage used here is MemoryStorage with that re-arming turned off (`--stock-diff` reports the
traces where stock limits, thread running between hits, answers otherwise:
only sliding-log hits at exactly now - W, see the README); all the
decision logic (acquire_entry, incr, acquire_sliding_window_entry and the
lazy expiry in get()) is limits' own code, unchanged.

Each answer is compared with the exact-arithmetic rule of our engine (integer
milliseconds / rationals). The sliding counter in limits works in floating
point on absolute epoch seconds; where its answer differs, "expect" holds the
exact answer, "reference_differs_at" lists the indices and
"reference_expect" holds limits' own answers. A trace is cut right after the
first such difference (the states differ from there on), so every other
expectation is limits' own answer.

Usage: python3 scripts/golden/limits_traces.py > tests/golden/rate_limiter/limits.json
"""

import datetime as dt
import os
import sys
from fractions import Fraction

import limits
import time_machine
from limits import RateLimitItemPerSecond
from limits.storage import MemoryStorage
from limits.strategies import (FixedWindowRateLimiter, MovingWindowRateLimiter,
                               SlidingWindowCounterRateLimiter)

sys.dont_write_bytecode = True  # keep __pycache__ out of the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_json import render  # noqa: E402
from window_traces import ones, traces  # noqa: E402

T0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
T0_S = 1704067200
assert T0_S % 86400 == 0 and T0.timestamp() == T0_S

STRATEGIES = {
    "sliding-log": MovingWindowRateLimiter,
    "sliding-counter": SlidingWindowCounterRateLimiter,
    "fixed-window-first-hit": FixedWindowRateLimiter,
}


class MemoryStorageNoBackgroundExpiry(MemoryStorage):
    """limits' MemoryStorage without its background expiry thread."""

    def __init__(self):
        super().__init__()
        self.timer.cancel()
        self.timer.join()

    def _MemoryStorage__schedule_expiry(self):  # called as self.__schedule_expiry()
        pass


def run_limits(algorithm, limit, period_ms, requests):
    assert period_ms % 1000 == 0, "limits only has whole-second windows"
    item = RateLimitItemPerSecond(limit, period_ms // 1000)
    out = []
    with time_machine.travel(T0, tick=False) as traveller:
        storage = MemoryStorageNoBackgroundExpiry()
        limiter = STRATEGIES[algorithm](storage)
        for at_ms, cost in requests:
            us = Fraction(at_ms) * 1000
            assert us.denominator == 1, "instants must be whole microseconds"
            traveller.move_to(T0 + dt.timedelta(microseconds=int(us)))
            out.append("allowed" if limiter.hit(item, "golden", cost=cost) else "rejected")
        storage.timer.cancel()
    return out


# ---- exact-arithmetic rules (our engine's), used only to flag differences ----

def exact(algorithm, limit, period_ms, requests):
    W = Fraction(period_ms)
    out = []
    if algorithm == "fixed-window-first-hit":
        count, expiry = 0, None
        for at, cost in requests:
            t = Fraction(at)
            if expiry is None or t >= expiry:
                count, expiry = 0, t + W
            count += cost
            out.append("allowed" if count <= limit else "rejected")
    elif algorithm == "sliding-log":
        log = []  # newest first
        for at, cost in requests:
            t = Fraction(at)
            if cost > limit or (len(log) > limit - cost and log[limit - cost] >= t - W):
                out.append("rejected")
            else:
                log[:0] = [t] * cost
                out.append("allowed")
    elif algorithm == "sliding-counter":
        buckets = {}
        for at, cost in requests:
            t = Fraction(at)
            k = t // W
            prev, cur = buckets.get(k - 1, 0), buckets.get(k, 0)
            weighted = prev * (W - (t - k * W)) / W + cur
            if weighted // 1 + cost <= limit:
                buckets[k] = cur + cost
                out.append("allowed")
            else:
                out.append("rejected")
    return out


def make_case(name, algorithm, limit, period_ms, requests, note=None):
    ref = run_limits(algorithm, limit, period_ms, requests)
    ex = exact(algorithm, limit, period_ms, requests)
    case = {"name": "%s: %s" % (algorithm, name),
            "limiter": {"algorithm": algorithm, "limit": limit, "period_ms": period_ms},
            "requests": requests}
    diff = [i for i, (a, b) in enumerate(zip(ref, ex)) if a != b]
    if diff:
        cut = diff[0] + 1
        case["requests"] = requests[:cut]
        case["expect"] = ex[:cut]
        case["reference_differs_at"] = [diff[0]]
        case["reference_expect"] = ref[:cut]
        extra = ("limits %s answers %s at index %d (float arithmetic on absolute epoch "
                 "seconds); expect holds the exact-arithmetic answer; trace cut there"
                 % (limits.__version__, ref[diff[0]], diff[0]))
        note = (note + "; " + extra) if note else extra
    else:
        case["expect"] = ref
    if note:
        case["note"] = note
    return case


# Sliding-counter instants where limits' float arithmetic and exact arithmetic
# disagree (found by searching whole-ms instants). Limit 5 per 10 s, 5 hits at
# 0 s fill bucket 0. At 14 s the previous bucket weighs exactly 5 * 6/10 = 3,
# so after 2 more hits the weighted count is exactly 5 and a third hit must be
# rejected; limits computes 4.99999997 and lets it through. Same at 18 s
# (5 * 2/10 = 1, fifth hit).
FLOAT_CASES = [
    ("float rounding: weighted count exactly 5 at 14 s", 5, 10000,
     ones([0] * 5 + [14000] * 3)),
    ("float rounding: weighted count exactly 5 at 18 s", 5, 10000,
     ones([0] * 5 + [18000] * 5)),
]


def run_stock(algorithm, limit, period_ms, requests, pause_s=0.03):
    """Stock MemoryStorage, background expiry thread left on; after every hit
    the real clock is given `pause_s` so the thread (10 ms timer) runs while
    the frozen clock still reads that hit's instant. Diagnostic only."""
    import time
    item = RateLimitItemPerSecond(limit, period_ms // 1000)
    out = []
    with time_machine.travel(T0, tick=False) as traveller:
        storage = MemoryStorage()
        limiter = STRATEGIES[algorithm](storage)
        for at_ms, cost in requests:
            traveller.move_to(T0 + dt.timedelta(microseconds=int(Fraction(at_ms) * 1000)))
            out.append("allowed" if limiter.hit(item, "golden", cost=cost) else "rejected")
            time.sleep(pause_s)
        storage.timer.cancel()
    return out


def stock_diff():
    """--stock-diff: report (on stderr) the traces where stock limits, with its
    background expiry thread running between hits, answers differently."""
    for name, limit, period_ms, reqs, _, algos in traces():
        for algo in (algos or STRATEGIES):
            a = run_limits(algo, limit, period_ms, reqs)
            b = run_stock(algo, limit, period_ms, reqs)
            if a != b:
                print("%s: %s: differs at %s" % (algo, name,
                      [i for i, (x, y) in enumerate(zip(a, b)) if x != y]), file=sys.stderr)


def main():
    if "--stock-diff" in sys.argv[1:]:
        stock_diff()
        return
    cases = []
    for name, limit, period_ms, reqs, note, algos in traces():
        for algo in (algos or STRATEGIES):
            cases.append(make_case(name, algo, limit, period_ms, reqs, note))
    for name, limit, period_ms, reqs in FLOAT_CASES:
        cases.append(make_case(name, "sliding-counter", limit, period_ms, reqs))
    for pkg, want in (("limits", "5.8.0"), ("time-machine", "3.6.0")):
        from importlib.metadata import version
        if version(pkg) != want:
            print("warning: %s %s installed, golden data was made with %s"
                  % (pkg, version(pkg), want), file=sys.stderr)
    ref = ("limits %s (PyPI) MemoryStorage, background expiry thread disabled; "
           "clock frozen by time-machine %s (travel(2024-01-01T00:00:00Z, tick=False), move_to)"
           % (limits.__version__, time_machine_version()))
    sys.stdout.write(render(
        ref, "python3 scripts/golden/limits_traces.py > tests/golden/rate_limiter/limits.json",
        cases))


def time_machine_version():
    from importlib.metadata import version
    return version("time-machine")


if __name__ == "__main__":
    main()
