#!/usr/bin/env python3
"""Golden traces for the continuously refilled token bucket ("token-bucket"), run on Redis.

The bucket is the one Stripe's rate-limiter blog post describes, written here
as our own Redis Lua script (TOKEN_BUCKET_LUA below) from the description in
shared/reference-semantics.md section 1.2, and executed with EVALSHA on a real
Debian redis-server started on a free loopback port for the run:

    filled  = min(capacity, tokens + max(0, now - ts) * rate)
    allowed = filled >= requested
    tokens  = allowed ? filled - requested : filled ;  ts = now   (both stored, also on deny)

A fresh key starts full. `now` is passed in by the client as float seconds
from our origin 0 (at_ms / 1000); capacity = burst, rate = limit per period
in tokens per second. All arithmetic is Lua doubles inside Redis, and Redis
7 stores a number argument with 17 significant digits, so no precision is
lost between calls. The keys' expiry (Stripe: floor(2 * capacity / rate)
seconds on Redis's own clock) is only garbage collection of buckets that would
be full again; here it is 3600 s so that no key can expire in real time while
a case runs.

Every answer is compared with the same rule in exact rational arithmetic (our
engine's). Where they differ, "expect" holds the exact answer,
"reference_differs_at" the index and "reference_expect" Redis's answers, and
the trace is cut right after that request. "tokens_after" is the token count
the script stored after each request (Lua double, 17 significant digits).

Usage: python3 scripts/golden/token_bucket_redis.py > tests/golden/rate_limiter/token_bucket_redis.json
"""

import os
import sys
from fractions import Fraction

sys.dont_write_bytecode = True  # keep __pycache__ out of the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_json import random_trace, render  # noqa: E402
from redis_local import LocalRedisServer  # noqa: E402

TOKEN_BUCKET_LUA = r"""
-- KEYS[1]: stored token count, KEYS[2]: time of the last update (seconds)
-- ARGV: rate (tokens/s), capacity, now (s), requested, ttl (s)
local rate      = tonumber(ARGV[1])
local capacity  = tonumber(ARGV[2])
local now       = tonumber(ARGV[3])
local requested = tonumber(ARGV[4])
local ttl       = tonumber(ARGV[5])

local tokens = tonumber(redis.call('GET', KEYS[1]))
if tokens == nil then tokens = capacity end      -- a fresh bucket is full
local last = tonumber(redis.call('GET', KEYS[2]))
if last == nil then last = 0 end

local elapsed = now - last
if elapsed < 0 then elapsed = 0 end
local filled = tokens + elapsed * rate
if filled > capacity then filled = capacity end

local allowed = 0
if filled >= requested then
  allowed = 1
  filled = filled - requested
end

redis.call('SETEX', KEYS[1], ttl, filled)
redis.call('SETEX', KEYS[2], ttl, now)
return {allowed, string.format('%.17g', filled)}
"""

TTL_S = 3600


def secs(at_ms):
    """at_ms as a decimal string of seconds (exact for our instants)."""
    f = Fraction(at_ms) / 1000
    s = "%.6f" % float(f)
    assert Fraction(s) == f, "instants must be whole microseconds"
    return s.rstrip("0").rstrip(".") if "." in s else s


def rate_str(limit, period_ms):
    return repr(float(Fraction(limit * 1000, period_ms)))


def run_case(r, sha, idx, limit, period_ms, burst, requests):
    r.call("FLUSHALL")
    keys = ("golden:%d:tokens" % idx, "golden:%d:ts" % idx)
    out, tokens = [], []
    for at_ms, cost in requests:
        allowed, left = r.call("EVALSHA", sha, 2, keys[0], keys[1],
                               rate_str(limit, period_ms), burst, secs(at_ms), cost, TTL_S)
        out.append("allowed" if allowed == 1 else "rejected")
        tokens.append(float(left))
    return out, tokens


def exact(limit, period_ms, burst, requests):
    rate = Fraction(limit * 1000, period_ms)
    tokens, last, out = Fraction(burst), Fraction(0), []
    for at_ms, cost in requests:
        now = Fraction(at_ms) / 1000
        filled = min(Fraction(burst), tokens + max(Fraction(0), now - last) * rate)
        if filled >= cost:
            filled -= cost
            out.append("allowed")
        else:
            out.append("rejected")
        tokens, last = filled, now
    return out


def ones(times, cost=1):
    return [[t, cost] for t in times]


def traces():
    """(name, limit, period_ms, burst, requests, note)"""
    t = []
    t.append(("capacity 5, 1 token/s", 1, 1000, 5,
              ones([0] * 6 + [500, 1000, 1000, 3500, 3500, 3500, 10000] + [10000] * 5), None))
    t.append(("capacity 10, 5 tokens/s, costs > 1", 5, 1000, 10,
              [[0, 4], [0, 4], [0, 4], [200, 2], [400, 3], [1000, 5], [1000, 1], [3000, 10],
               [3000, 1], [3200, 1], [3400, 2], [5000, 7], [5000, 4], [5600, 3], [9000, 10]], None))
    t.append(("cost larger than the capacity", 2, 1000, 5,
              [[0, 6], [0, 5], [0, 1], [2500, 6], [2500, 5], [2500, 1], [100000, 6],
               [100000, 5], [100500, 1]],
              "a cost above the capacity can never pass; the deny still stores ts = now"))
    t.append(("cost equal to the capacity, exact refill instants", 2, 1000, 4,
              [[0, 4], [2000, 4], [3999, 4], [4000, 4], [4000, 1], [6000, 3], [6500, 1],
               [6500, 1]], None))
    t.append(("simultaneous arrivals, capacity 3, 1 token/s", 1, 1000, 3,
              ones([0] * 5 + [1000] * 3 + [2999] * 2 + [3000] * 2 + [6000] * 5), None))
    t.append(("long idle gaps", 2, 1000, 5,
              ones([0] * 6 + [3600000] * 6 + [5 * 86400000] * 6 + [5 * 86400000 + 499,
                                                                    5 * 86400000 + 500]), None))
    t.append(("per-minute rate: 30 per 60 s, capacity 3", 30, 60000, 3,
              ones([0, 0, 0, 0, 1000, 1999, 2000, 2000, 4000, 5000, 6000, 6000, 12000, 12000,
                    12000, 12000]), None))
    t.append(("fractional rate: 3 per 10 s, capacity 5", 3, 10000, 5,
              ones([0] * 6 + [3333, 3334, 6667, 10001, 13334, 16666, 16668, 20001, 50000]
                   + [50000] * 5), None))
    t.append(("capacity 1, 10 tokens/s", 10, 1000, 1,
              ones([0, 0, 99, 101, 199, 205, 250, 301, 302, 410, 1000, 1000]), None))
    t.append(("sub-millisecond instants, 1000 tokens/s, capacity 2", 1000, 1000, 2,
              ones([0, 0, 0, 0.25, 0.5, 0.75, 1, 1.5, 1.5, 2.5, 3, 3.75, 5]), None))
    # Instants where the refill lands exactly on a whole token: the Lua doubles
    # (seconds with decimal fractions) fall just short of it.
    t.append(("float rounding: 10 tokens/s, 100 ms gaps", 10, 1000, 1,
              ones([0, 0, 99, 100, 199, 200, 250, 300]), None))
    t.append(("float rounding: 3 per 10 s, refill to exactly 1 token", 3, 10000, 5,
              ones([0] * 6 + [3333, 3334, 6667, 10000]), None))
    for seed, limit, period_ms, burst, gap, max_cost in [
            (501, 2, 1000, 5, 900, 1),
            (502, 5, 1000, 10, 700, 3),
            (503, 10, 60000, 4, 8000, 1),
            (504, 1, 1000, 3, 1500, 2),
            (505, 7, 2000, 7, 500, 2),
    ]:
        reqs = random_trace(seed, 40, gap, simultaneous_p=0.2, max_cost=max_cost,
                            big_gap_p=0.05, big_gap_ms=5 * gap)
        t.append(("random seed=%d %d per %d ms, capacity %d, cost 1..%d"
                  % (seed, limit, period_ms, burst, max_cost), limit, period_ms, burst, reqs,
                  None))
    return t


def main():
    cases = []
    with LocalRedisServer() as srv:
        r = srv.client
        sha = r.call("SCRIPT", "LOAD", TOKEN_BUCKET_LUA)
        for idx, (name, limit, period_ms, burst, reqs, note) in enumerate(traces()):
            got, tokens = run_case(r, sha, idx, limit, period_ms, burst, reqs)
            ex = exact(limit, period_ms, burst, reqs)
            case = {"name": name,
                    "limiter": {"algorithm": "token-bucket", "limit": limit,
                                "period_ms": period_ms, "burst": burst},
                    "requests": reqs}
            diff = [i for i, (a, b) in enumerate(zip(got, ex)) if a != b]
            if diff:
                cut = diff[0] + 1
                case["requests"] = reqs[:cut]
                case["expect"] = ex[:cut]
                case["reference_differs_at"] = [diff[0]]
                case["reference_expect"] = got[:cut]
                case["tokens_after"] = tokens[:cut]
                extra = ("Redis Lua (doubles) answers %s at index %d; expect holds the "
                         "exact-arithmetic answer; trace cut there" % (got[diff[0]], diff[0]))
                note = (note + "; " + extra) if note else extra
            else:
                case["expect"] = got
                case["tokens_after"] = tokens
            if note:
                case["note"] = note
            cases.append(case)
        version = (srv.version, srv.deb_version)
    ref = ("redis-server %s (Debian redis-server %s) EVALSHA of our Lua token bucket "
           "(Stripe-style continuous refill, scripts/golden/token_bucket_redis.py); "
           "clock = `now` argument in seconds supplied by the client" % version)
    sys.stdout.write(render(
        ref, "python3 scripts/golden/token_bucket_redis.py > tests/golden/rate_limiter/token_bucket_redis.json",
        cases))


if __name__ == "__main__":
    main()
