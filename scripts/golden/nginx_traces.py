#!/usr/bin/env python3
"""Golden traces for nginx `limit_req`, taken from a real nginx.

For every case a fresh nginx (Debian nginx-light) is started in the
foreground (`master_process off; daemon off;`) under libfaketime, with the
clock frozen through a timestamp file (FAKETIME_TIMESTAMP_FILE, re-read on
every call because FAKETIME_NO_CACHE=1). Before each request the absolute
instant T0 + at_ms is written to that file, then one HTTP/1.0 GET of a
static file is sent over loopback.

`limit_req_dry_run on` plus `add_header X-LR $limit_req_status always`
gives nginx's own decision (PASSED / DELAYED_DRY_RUN / REJECTED_DRY_RUN)
without anything sleeping. The excess for delayed and rejected requests is
read from nginx's error log ("delaying request, dry run, excess: X.XXX, by
zone" / "limiting requests, dry run, excess: X.XXX by zone"), and the delay
is computed from it as nginx does in ngx_http_limit_req_account():
    delay_ms = (excess_milli - delay*1000) * 1000 / rate_milli  (integer division)

nodelay cases are additionally replayed without dry run and the HTTP status
(200 / 429) must agree with the dry-run decision, else the script aborts.

Usage: python3 scripts/golden/nginx_traces.py > tests/golden/rate_limiter/nginx.json
"""

import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # keep __pycache__ out of the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_json import random_trace, render  # noqa: E402

LIBFAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"
NGINX = "/usr/sbin/nginx"
# 2024-01-01 00:00:00 UTC; origin 0 of every trace.
T0_S = 1704067200

CONF = """\
master_process off;
daemon off;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log info;
env FAKETIME_TIMESTAMP_FILE;
env FAKETIME_NO_CACHE;
env LD_PRELOAD;
env TZ;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {d}/body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    limit_req_zone $binary_remote_addr zone=golden:1m rate={rate};
    server {{
        listen 127.0.0.1:{port};
        root {d}/www;
        location / {{
            limit_req zone=golden{burst}{mode};
            limit_req_status 429;
            limit_req_log_level error;
            {dry_run}
            add_header X-LR $limit_req_status always;
        }}
    }}
}}
"""

LOG_RE = re.compile(
    r"(delaying request|limiting requests)(, dry run)?, excess: (\d+)\.(\d{3}),? by zone")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def fmt_instant(at_ms):
    """Absolute frozen instant for libfaketime.

    libfaketime parses the fraction with truncation ("...00.001" may become
    999 999 ns), so a small amount is added: half a millisecond for whole-ms
    instants (nginx only sees whole ms), half a microsecond for instants with
    a sub-millisecond part (so that e.g. 0.6 ms is not pushed past 1 ms).
    """
    frac_ms = at_ms - int(at_ms)
    pad_ns = 500_000 if frac_ms == 0 else 500
    ns = T0_S * 10**9 + int(round(at_ms * 1_000_000)) + pad_ns
    sec, rem = divmod(ns, 10**9)
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(sec)) + ".%09d" % rem


def rate_milli(limit, period_ms):
    # ngx_http_limit_req_zone: r/s -> rate*1000, r/m -> rate*1000/60
    return limit * 1000 if period_ms == 1000 else limit * 1000 // 60


class Nginx:
    def __init__(self, lim, dry_run=True):
        self.dir = tempfile.mkdtemp(prefix="golden-nginx-")
        os.mkdir(os.path.join(self.dir, "www"))
        with open(os.path.join(self.dir, "www", "index.html"), "w") as f:
            f.write("ok\n")
        self.port = free_port()
        rate = "%dr/%s" % (lim["limit"], "s" if lim["period_ms"] == 1000 else "m")
        burst = " burst=%d" % lim["burst"] if lim["burst"] else ""
        if lim["delay"] == "nodelay":
            mode = " nodelay"
        elif lim["delay"]:
            mode = " delay=%d" % lim["delay"]
        else:
            mode = ""
        conf = CONF.format(d=self.dir, port=self.port, rate=rate, burst=burst,
                           mode=mode,
                           dry_run="limit_req_dry_run on;" if dry_run else "")
        self.conf_path = os.path.join(self.dir, "nginx.conf")
        with open(self.conf_path, "w") as f:
            f.write(conf)
        self.clock = os.path.join(self.dir, "faketime")
        self.set_time(0)
        env = dict(os.environ)
        env.update(FAKETIME_TIMESTAMP_FILE=self.clock, FAKETIME_NO_CACHE="1",
                   LD_PRELOAD=LIBFAKETIME, TZ="UTC")
        self.log_path = os.path.join(self.dir, "error.log")
        self.proc = subprocess.Popen(
            [NGINX, "-p", self.dir, "-e", self.log_path, "-c", self.conf_path],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.log_pos = 0
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                break
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError("nginx exited: %s" % self.proc.stderr.read().decode())
                time.sleep(0.05)
        else:
            raise RuntimeError("nginx did not start")
        self._new_log()  # skip start-up lines

    def set_time(self, at_ms):
        tmp = self.clock + ".tmp"
        with open(tmp, "w") as f:
            f.write(fmt_instant(at_ms) + "\n")
        os.replace(tmp, self.clock)

    def _new_log(self):
        with open(self.log_path) as f:
            f.seek(self.log_pos)
            data = f.read()
            self.log_pos = f.tell()
        return data

    def request(self, at_ms):
        self.set_time(at_ms)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn._http_vsn, conn._http_vsn_str = 10, "HTTP/1.0"
        conn.request("GET", "/index.html")
        resp = conn.getresponse()
        resp.read()
        status, lr = resp.status, resp.getheader("X-LR")
        conn.close()
        matches = LOG_RE.findall(self._new_log())
        if len(matches) > 1:
            raise RuntimeError("more than one limit_req log line for one request")
        excess = None
        kind = None
        if matches:
            kind = matches[0][0]
            excess = int(matches[0][2]) * 1000 + int(matches[0][3])
        return status, lr, kind, excess

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def run_case(case):
    lim = case["limiter"]
    rm = rate_milli(lim["limit"], lim["period_ms"])
    delay_m = 0 if lim["delay"] == "nodelay" else lim["delay"] * 1000
    ng = Nginx(lim, dry_run=True)
    expect, statuses, excesses, delays = [], [], [], []
    try:
        for at_ms, cost in case["requests"]:
            assert cost == 1
            status, lr, kind, excess = ng.request(at_ms)
            if status != 200:
                raise RuntimeError("dry run answered %s" % status)
            statuses.append(lr)
            excesses.append(excess)
            if lr == "PASSED":
                if kind is not None:
                    raise RuntimeError("PASSED request logged %r" % kind)
                expect.append("allowed")
                delays.append(None)
            elif lr in ("DELAYED", "DELAYED_DRY_RUN"):
                if kind != "delaying request":
                    raise RuntimeError("DELAYED without log line")
                d = (excess - delay_m) * 1000 // rm
                expect.append("delayed:%d" % d)
                delays.append(d)
            elif lr in ("REJECTED", "REJECTED_DRY_RUN"):
                if kind != "limiting requests":
                    raise RuntimeError("REJECTED without log line")
                expect.append("rejected")
                delays.append(None)
            else:
                raise RuntimeError("unexpected $limit_req_status %r" % lr)
    finally:
        ng.stop()

    if lim["delay"] == "nodelay":
        # Cross-check: the same trace without dry run must give 200 / 429.
        ng = Nginx(lim, dry_run=False)
        try:
            for (at_ms, _), e in zip(case["requests"], expect):
                status, lr, _, _ = ng.request(at_ms)
                want = 200 if e == "allowed" else 429
                if status != want:
                    raise RuntimeError("%s: real run %s, dry run %s" % (case["name"], status, e))
        finally:
            ng.stop()

    out = dict(case)
    out["expect"] = expect
    out["nginx_limit_req_status"] = statuses
    out["excess_milli"] = excesses
    out["delay_ms"] = delays
    return out


def nginx_limiter(limit, period_ms, burst, delay):
    return {"algorithm": "nginx", "limit": limit, "period_ms": period_ms,
            "burst": burst, "delay": delay}


def ones(times):
    return [[t, 1] for t in times]


def cases():
    c = []
    c.append(dict(
        name="2r/s burst=2 nodelay (verified trace)",
        limiter=nginx_limiter(2, 1000, 2, "nodelay"),
        requests=ones([0, 0, 0, 0, 400, 500, 500, 1500, 1500, 1500, 1500]),
        note="reference-semantics 1.3: 200 200 200 429 429 200 429 200 200 429 429"))
    c.append(dict(
        name="2r/s burst=3 delay=1 (verified trace)",
        limiter=nginx_limiter(2, 1000, 3, 1),
        requests=ones([0, 0, 0, 0, 0, 250, 1000]),
        note="reference-semantics 1.3: PASSED PASSED DELAYED DELAYED REJECTED REJECTED DELAYED"))
    c.append(dict(
        name="2r/s burst=0 nodelay, spacing around 1/rate",
        limiter=nginx_limiter(2, 1000, 0, "nodelay"),
        requests=ones([0, 0, 499, 500, 999, 1000, 1000, 1499, 1500, 3000, 3000])))
    c.append(dict(
        name="2r/s burst=0 default (no burst: excess rejected, nothing delayed)",
        limiter=nginx_limiter(2, 1000, 0, 0),
        requests=ones([0, 1, 250, 500, 501, 1000, 1200, 1500])))
    c.append(dict(
        name="1r/s burst=5 default mode, simultaneous arrivals all delayed",
        limiter=nginx_limiter(1, 1000, 5, 0),
        requests=ones([0] * 8 + [1000, 2500, 2500, 7000])))
    c.append(dict(
        name="2r/s burst=5 default mode, steady over-rate",
        limiter=nginx_limiter(2, 1000, 5, 0),
        requests=ones([i * 200 for i in range(16)])))
    c.append(dict(
        name="1r/s burst=2 nodelay, simultaneous arrivals",
        limiter=nginx_limiter(1, 1000, 2, "nodelay"),
        requests=ones([0, 0, 0, 0, 0, 1000, 1000, 1000, 1999, 2000, 2000])))
    c.append(dict(
        name="1r/s burst=5 delay=1",
        limiter=nginx_limiter(1, 1000, 5, 1),
        requests=ones([0, 0, 0, 0, 0, 0, 0, 0, 300, 700, 1000, 1000, 3000, 3100])))
    c.append(dict(
        name="30r/m burst=2 nodelay",
        limiter=nginx_limiter(30, 60000, 2, "nodelay"),
        requests=ones([0, 0, 0, 0, 1000, 1999, 2000, 2000, 4000, 4001, 10000, 10000, 10000, 10000])))
    c.append(dict(
        name="30r/m burst=5 delay=1",
        limiter=nginx_limiter(30, 60000, 5, 1),
        requests=ones([0, 0, 0, 0, 0, 0, 0, 0, 1000, 2000, 2000, 5000, 9000, 9000])))
    c.append(dict(
        name="30r/m burst=5 default mode",
        limiter=nginx_limiter(30, 60000, 5, 0),
        requests=ones([0, 0, 0, 0, 0, 0, 0, 3000, 6000, 6000, 30000])))
    c.append(dict(
        name="1r/m burst=0 nodelay: rate truncated to 16 milli-req/s",
        limiter=nginx_limiter(1, 60000, 0, "nodelay"),
        requests=ones([0, 60000, 62499, 62500, 125000, 125001]),
        note="1r/m is 1000/60 = 16 milli-requests per second in nginx, so a full "
             "minute leaks only 0.960 requests"))
    c.append(dict(
        name="7r/m burst=2 delay=1: rate truncated to 116 milli-req/s",
        limiter=nginx_limiter(7, 60000, 2, 1),
        requests=ones([0, 0, 0, 0, 5000, 8000, 8620, 8621, 20000, 20000])))
    c.append(dict(
        name="30r/m burst=3 nodelay: 1 ms spacing loses leak to integer division",
        limiter=nginx_limiter(30, 60000, 3, "nodelay"),
        requests=ones([0, 1, 2, 3, 4, 5, 2000, 2002, 2004, 4000, 6000, 6002, 8000]),
        note="500 milli-req/s * 1 ms / 1000 = 0: no leak, but last still moves"))
    c.append(dict(
        name="2r/s burst=5 nodelay, long idle gaps (> 60 s)",
        limiter=nginx_limiter(2, 1000, 5, "nodelay"),
        requests=ones([0] * 7 + [61000] * 7 + [200000, 200000, 3800000] + [3800000] * 6)))
    c.append(dict(
        name="30r/m burst=1 delay=0, idle gap of 10 minutes",
        limiter=nginx_limiter(30, 60000, 1, 0),
        requests=ones([0, 0, 0, 600000, 600000, 600000, 600001])))
    c.append(dict(
        name="1000r/s burst=1 nodelay, sub-millisecond spacing",
        limiter=nginx_limiter(1000, 1000, 1, "nodelay"),
        requests=ones([0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.99, 2.0, 2.4, 2.6, 3.0, 3.3, 5.9, 6.0]),
        note="nginx's clock (ngx_current_msec) has whole-ms resolution: "
             "each instant is effectively floor(at_ms)"))
    c.append(dict(
        name="2r/s burst=2 delay=1, sub-millisecond spacing",
        limiter=nginx_limiter(2, 1000, 2, 1),
        requests=ones([0, 0.3, 0.6, 0.9, 499.5, 499.9, 500.1, 500.7, 1000.9]),
        note="nginx's clock has whole-ms resolution: each instant is effectively floor(at_ms)"))
    # seeded random traces
    rand = [
        (101, nginx_limiter(2, 1000, 3, "nodelay"), 600),
        (102, nginx_limiter(5, 1000, 5, 2), 300),
        (103, nginx_limiter(1, 1000, 4, 0), 900),
        (104, nginx_limiter(30, 60000, 3, 1), 3500),
        (105, nginx_limiter(10, 1000, 0, "nodelay"), 150),
        (106, nginx_limiter(3, 1000, 10, 4), 400),
    ]
    for seed, lim, gap in rand:
        d = lim["delay"]
        mode = d if d == "nodelay" else ("delay=%d" % d if d else "default")
        unit = "s" if lim["period_ms"] == 1000 else "m"
        c.append(dict(
            name="random seed=%d: %dr/%s burst=%d %s" % (seed, lim["limit"], unit, lim["burst"], mode),
            limiter=lim,
            requests=random_trace(seed, 40, gap, simultaneous_p=0.2,
                                  big_gap_p=0.05, big_gap_ms=5 * gap)))
    return c


def main():
    out = [run_case(c) for c in cases()]
    ver = subprocess.run([NGINX, "-v"], capture_output=True, text=True).stderr.strip()

    def deb(pkg):
        return subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg],
                              capture_output=True, text=True).stdout.strip()

    ref = ("%s (Debian nginx-light %s) limit_req, clock frozen by libfaketime %s "
           "(timestamp file, FAKETIME_NO_CACHE=1); decisions read with limit_req_dry_run on "
           "+ $limit_req_status, excess read from the error log"
           % (ver.replace("nginx version: ", ""), deb("nginx-light"), deb("libfaketime")))
    sys.stdout.write(render(
        ref, "bash scripts/golden/nginx_traces.sh > tests/golden/rate_limiter/nginx.json", out))


if __name__ == "__main__":
    main()
