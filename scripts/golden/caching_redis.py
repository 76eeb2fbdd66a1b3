"""Golden data for Redis's approximated LRU and LFU: a real Debian
redis-server with `maxmemory` set, fed the requests of a caching scenario
at the scenario's own rate (so Redis's one-second LRU clock advances as the
engine's does), as a cache-aside client would: GET each key, and SET it
after a miss. Redis counts bytes, not keys, so the file records how many
keys each run held at its end (DBSIZE), the capacity the engine is then
given.

Usage: python3 scripts/golden/caching_redis.py > tests/golden/caching/redis.json
Needs: redis-server (apt-get install redis-server) and the project's sdp
(cargo build --release --bin sdp). About two minutes per policy.
"""

import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from redis_local import LocalRedisServer  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SDP = os.path.join(ROOT, "target", "release", "sdp")

# 60,000 Zipf requests over 10,000 keys at 1,000 a second: a minute per run.
SCENARIO = {
    "widget": "caching", "version": 1, "seed": 7, "capacity": 1000,
    "workload": {"pattern": {"zipf": {"keys": 10000, "skew": 1.0}}, "requests": 60000, "rate": 1000},
    "policies": ["lru"],
}

POLICIES = [
    ({"redis-lru": {"samples": 5}}, "allkeys-lru", 5),
    ({"redis-lru": {"samples": 10}}, "allkeys-lru", 10),
    ({"redis-lfu": {"samples": 5, "log_factor": 10, "decay_minutes": 1}}, "allkeys-lfu", 5),
]

# Every value is this long, so each key costs Redis the same bytes.
VALUE = "v" * 16


def keys_of(scenario):
    """The scenario's requested keys, in order, from sdp's CSV trace."""
    with open("/tmp/caching-golden.json", "w") as f:
        json.dump(scenario, f)
    csv = subprocess.run([SDP, "run", "--csv", "/tmp/caching-golden.json"],
                         capture_output=True, text=True, check=True).stdout
    rows = [line.split(",") for line in csv.splitlines()[1:]]
    return [int(r[4]) for r in rows if r[0] == "1"]


def maxmemory_for(capacity):
    """used_memory with `capacity` keys written, measured on an empty server."""
    with LocalRedisServer() as server:
        r = server.client
        base = int(r.call("INFO", "memory").split("used_memory:")[1].split()[0])
        for k in range(capacity):
            r.call("SET", "key:%d" % k, VALUE)
        full = int(r.call("INFO", "memory").split("used_memory:")[1].split()[0])
        return base, full


def replay(keys, policy, samples, maxmemory, rate):
    with LocalRedisServer() as server:
        r = server.client
        r.call("CONFIG", "SET", "maxmemory-policy", policy)
        r.call("CONFIG", "SET", "maxmemory-samples", samples)
        r.call("CONFIG", "SET", "lfu-log-factor", 10)
        r.call("CONFIG", "SET", "lfu-decay-time", 1)
        r.call("CONFIG", "SET", "maxmemory", maxmemory)
        hits = 0
        # Start on a whole minute of the wall clock, which Redis's LRU
        # (seconds) and LFU (minutes) clocks read, so that they tick where
        # the engine's, counted from the run's start, do.
        time.sleep(60 - time.time() % 60)
        start = time.monotonic()
        for i, k in enumerate(keys):
            # Request i is sent at i / rate seconds, as the engine's clock has it.
            wait = start + i / rate - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            name = "key:%d" % k
            if r.call("GET", name) is None:
                r.call("SET", name, VALUE)
            else:
                hits += 1
        stats = r.call("INFO", "stats")
        evicted = int(stats.split("evicted_keys:")[1].split()[0])
        held = r.call("DBSIZE")
        late = time.monotonic() - start - len(keys) / rate
        return hits, evicted, held, late, server.version, server.deb_version


def main():
    keys = keys_of(SCENARIO)
    base, full = maxmemory_for(SCENARIO["capacity"])
    cases = []
    for engine_policy, policy, samples in POLICIES:
        hits, evicted, held, late, version, deb = replay(keys, policy, samples, full, SCENARIO["workload"]["rate"])
        print("%s samples %d: %d hits, %d held, %.1f s behind" % (policy, samples, hits, held, late), file=sys.stderr)
        cases.append({"policy": engine_policy, "maxmemory": full, "keys_held": held,
                      "hits": hits, "evicted_keys": evicted, "requests": len(keys),
                      "seconds_behind_at_end": round(late, 3)})
    json.dump({
        "reference": "redis-server %s (Debian %s)" % (version, deb),
        "regenerate": "python3 scripts/golden/caching_redis.py > tests/golden/caching/redis.json",
        "method": "GET each key of the scenario's requests at its rate from a whole minute of the wall clock, "
                  "SET it after a miss; maxmemory is used_memory with the scenario's capacity in keys written "
                  "to an empty server (%d bytes before them)" % base,
        "scenario": SCENARIO,
        "cases": cases,
    }, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
