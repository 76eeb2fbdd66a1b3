"""Shared helpers for the rate-limiter golden-data generators.

Every generator in this directory drives a real reference implementation
with a controlled clock and prints one JSON document on stdout in the
format read by the Rust golden tests:

    {"reference": "...", "regenerate": "...", "cases": [
        {"name": ..., "limiter": {...}, "requests": [[at_ms, cost], ...],
         "expect": ["allowed" | "rejected" | "delayed:<ms>", ...], ...}]}

This module only formats that document (one request list per line, so the
files diff well) and provides a seeded random-trace helper.
"""

import json
import random


def _dump(value):
    return json.dumps(value, separators=(", ", ": "), ensure_ascii=True)


def num(x):
    """Render whole numbers as ints, keep fractional ones as floats."""
    if isinstance(x, float) and x.is_integer():
        return int(x)
    return x


def render(reference, regenerate, cases):
    """Return the golden JSON text (ends with a newline)."""
    out = ["{"]
    out.append('  "reference": %s,' % _dump(reference))
    out.append('  "regenerate": %s,' % _dump(regenerate))
    out.append('  "cases": [')
    for i, case in enumerate(cases):
        out.append("    {")
        keys = list(case.keys())
        for j, key in enumerate(keys):
            value = case[key]
            if key == "requests":
                value = [[num(t), c] for t, c in value]
            comma = "," if j + 1 < len(keys) else ""
            out.append("      %s: %s%s" % (_dump(key), _dump(value), comma))
        out.append("    }" + ("," if i + 1 < len(cases) else ""))
    out.append("  ]")
    out.append("}")
    text = "\n".join(out) + "\n"
    json.loads(text)  # sanity check: the output must parse
    return text


def random_trace(seed, n, max_gap_ms, simultaneous_p=0.2, max_cost=1,
                 big_gap_p=0.0, big_gap_ms=0):
    """Seeded random trace of `n` requests as [[at_ms, cost], ...].

    Times are whole milliseconds, non-decreasing, starting at 0. With
    probability `simultaneous_p` a request arrives at the same instant as
    the previous one; with probability `big_gap_p` the gap is `big_gap_ms`
    plus a random amount.
    """
    rng = random.Random(seed)
    t = 0
    reqs = []
    for k in range(n):
        if k > 0:
            r = rng.random()
            if r < simultaneous_p:
                gap = 0
            elif r < simultaneous_p + big_gap_p:
                gap = big_gap_ms + rng.randint(0, max_gap_ms)
            else:
                gap = rng.randint(1, max_gap_ms)
            t += gap
        cost = rng.randint(1, max_cost) if max_cost > 1 else 1
        reqs.append([t, cost])
    return reqs
