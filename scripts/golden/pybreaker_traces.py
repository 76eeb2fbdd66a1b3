"""Golden traces for the consecutive-failures circuit breaker from pybreaker.

Runs pybreaker's CircuitBreaker with the clock frozen by time-machine and
records, for each call, whether pybreaker let it reach the dependency and the
breaker's state afterwards. Calls are sequential, as pybreaker's lock makes
them.

    python3 -m venv /tmp/pyb-venv && /tmp/pyb-venv/bin/pip install pybreaker==1.4.1 time-machine==3.6.0
    /tmp/pyb-venv/bin/python scripts/golden/pybreaker_traces.py > tests/golden/circuit_breaker/pybreaker.json
"""

import json
import random
from datetime import datetime, timedelta, timezone

import pybreaker
import time_machine

T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)


def run(fail_max, reset_timeout_ms, success_threshold, calls):
    """calls: list of (at_ms, fails). Returns expectations per call."""
    cb = pybreaker.CircuitBreaker(
        fail_max=fail_max, reset_timeout=reset_timeout_ms / 1000.0, success_threshold=success_threshold
    )
    out = []
    with time_machine.travel(T0, tick=False) as traveller:
        for at_ms, fails in calls:
            traveller.move_to(T0 + timedelta(milliseconds=at_ms))
            reached = []

            def dependency():
                reached.append(True)
                if fails:
                    raise ValueError("dependency failed")

            try:
                cb.call(dependency)
            except (ValueError, pybreaker.CircuitBreakerError):
                pass
            out.append({"reached": bool(reached), "state": cb.current_state})
    return out


def case(name, fail_max, reset_timeout_ms, success_threshold, calls, note=None):
    c = {
        "name": name,
        "breaker": {"fail_max": fail_max, "reset_timeout_ms": reset_timeout_ms, "success_threshold": success_threshold},
        "calls": [[t, f] for t, f in calls],
        "expect": run(fail_max, reset_timeout_ms, success_threshold, calls),
    }
    if note:
        c["note"] = note
    return c


def main():
    cases = [
        case("trips on the fifth consecutive failure", 5, 1000, 1, [(i * 10, True) for i in range(7)]),
        case("a success resets the count", 3, 1000, 1,
             [(0, True), (10, True), (20, False), (30, True), (40, True), (50, True), (60, False)]),
        case("half-open exactly at the timeout (inclusive)", 2, 1000, 1,
             [(0, True), (10, True), (500, False), (1009, False), (1010, False), (1020, True)],
             note="opened at 10 ms; a call at 1010 ms passes because pybreaker rejects only while now < opened_at + timeout"),
        case("a failed trial reopens from the trial's time", 1, 1000, 1,
             [(0, True), (1000, True), (1500, False), (1999, False), (2000, False), (2001, True)]),
        case("success threshold of 3 in half-open", 1, 500, 3,
             [(0, True), (600, False), (700, False), (800, True), (1200, False), (1300, False), (1400, False), (1500, True)]),
        case("long idle gap", 2, 2000, 1, [(0, True), (1, True), (3_600_000, False), (3_600_001, True), (3_600_002, True)]),
    ]
    rng = random.Random(20261122)
    for k in range(12):
        fail_max = rng.randint(1, 5)
        timeout = rng.choice([100, 500, 1000, 2500])
        threshold = rng.randint(1, 3)
        t = 0
        calls = []
        for _ in range(60):
            t += rng.choice([0, 1, 10, 50, 100, 250, 500, 1000])
            calls.append((t, rng.random() < 0.45))
        cases.append(case(f"random trace {k + 1}", fail_max, timeout, threshold, calls))
    print(json.dumps({
        "reference": f"pybreaker {pybreaker.__version__ if hasattr(pybreaker, '__version__') else '1.4.1'} "
                     "CircuitBreaker, clock frozen with time-machine 3.6.0 (tick=False); sequential calls",
        "regenerate": "/tmp/pyb-venv/bin/python scripts/golden/pybreaker_traces.py > tests/golden/circuit_breaker/pybreaker.json",
        "cases": cases,
    }, indent=1))


if __name__ == "__main__":
    main()
