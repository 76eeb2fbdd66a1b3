#!/usr/bin/env python3
"""Golden pick orders for nginx's smooth weighted round robin and least_conn,
taken from a real nginx (Debian nginx-light 1.22.1).

One nginx with one worker process (each worker keeps its own balancer
state) proxies to backends that are nginx `server` blocks on loopback
ports, each answering its own letter. Every upstream below gets its
requests one at a time (HTTP/1.0, no keepalive to the backends), and the
`X-Up` header ($upstream_addr) names the backend each went to, so the
order of picks is nginx's own. Sequential requests leave every backend
with no active connection, so least_conn ties everywhere and runs its
smooth weighted round robin over all peers.

A case with a `down` peer points that peer at a port nobody listens on:
nginx's connection is refused, the request fails with 502
(`proxy_next_upstream off`: no retry), and nginx's passive check counts
the failure (max_fails=1, fail_timeout=10s), which lowers the peer's
effective weight and takes it out for the rest of the case.

Usage: python3 scripts/golden/load_balancing_nginx.py > tests/golden/load_balancing/nginx.json
"""

import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

NGINX = "/usr/sbin/nginx"
LETTERS = "abcdefgh"
BACKEND = 9101  # backend i listens on BACKEND + i; a down peer on BACKEND + 50 + i
FRONT = 9180
PICKS = 21

CASES = [
    {"name": "rr-5-1-1", "balancer": "smooth-weighted", "weights": [5, 1, 1], "down": []},
    {"name": "rr-3-2-1", "balancer": "smooth-weighted", "weights": [3, 2, 1], "down": []},
    {"name": "rr-1-1-1-2", "balancer": "smooth-weighted", "weights": [1, 1, 1, 2], "down": []},
    {"name": "rr-equal", "balancer": "smooth-weighted", "weights": [1, 1, 1], "down": []},
    {"name": "rr-4-3-2-1-down", "balancer": "smooth-weighted", "weights": [4, 3, 2, 1], "down": [1]},
    {"name": "lc-5-1-1", "balancer": "least-conn", "weights": [5, 1, 1], "down": []},
    {"name": "lc-2-1-3", "balancer": "least-conn", "weights": [2, 1, 3], "down": []},
    {"name": "lc-3-1-1-down", "balancer": "least-conn", "weights": [3, 1, 1], "down": [0]},
]


def config(prefix):
    backends = "\n".join(
        f'    server {{ listen 127.0.0.1:{BACKEND + i}; return 200 "{c}"; }}' for i, c in enumerate(LETTERS)
    )
    upstreams, locations = [], []
    for case in CASES:
        lines = []
        if case["balancer"] == "least-conn":
            lines.append("least_conn;")
        for i, w in enumerate(case["weights"]):
            port = BACKEND + 50 + i if i in case["down"] else BACKEND + i
            lines.append(f"server 127.0.0.1:{port} weight={w};")
        upstreams.append(f'    upstream {case["name"]} {{ {" ".join(lines)} }}')
        locations.append(f'        location = /{case["name"]} {{ proxy_pass http://{case["name"]}; }}')
    return f"""worker_processes 1;
daemon off;
master_process off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log crit;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/cb; proxy_temp_path {prefix}/pt;
    fastcgi_temp_path {prefix}/ft; uwsgi_temp_path {prefix}/ut; scgi_temp_path {prefix}/st;
{backends}
{chr(10).join(upstreams)}
    server {{
        listen 127.0.0.1:{FRONT};
        proxy_next_upstream off;
        add_header X-Up $upstream_addr always;
        location = /probe {{ return 200; }}
{chr(10).join(locations)}
    }}
}}
"""


def request(path):
    conn = http.client.HTTPConnection("127.0.0.1", FRONT, timeout=5)
    conn.request("GET", path, headers={"Connection": "close"})
    r = conn.getresponse()
    r.read()
    up = r.getheader("X-Up") or ""
    conn.close()
    return r.status, int(up.rsplit(":", 1)[1]) if ":" in up else None


def main():
    prefix = tempfile.mkdtemp(prefix="sdp-lb-nginx-")
    with open(os.path.join(prefix, "nginx.conf"), "w") as f:
        f.write(config(prefix))
    version = subprocess.run([NGINX, "-v"], capture_output=True, text=True).stderr.strip()
    proc = subprocess.Popen([NGINX, "-p", prefix, "-c", os.path.join(prefix, "nginx.conf")])
    try:
        for _ in range(100):
            try:
                request("/probe")
                break
            except OSError:
                time.sleep(0.05)
        cases = []
        for case in CASES:
            picks, status = [], []
            for _ in range(PICKS):
                code, port = request(f"/{case['name']}")
                index = port - BACKEND if port < BACKEND + 50 else port - BACKEND - 50
                picks.append(LETTERS[index])
                status.append(code)
            cases.append({**case, "picks": "".join(picks), "status": status})
    finally:
        proc.terminate()
        proc.wait()
        shutil.rmtree(prefix, ignore_errors=True)
    json.dump(
        {
            "source": f"{version} (Debian nginx-light), one worker, sequential requests: scripts/golden/load_balancing_nginx.py",
            "cases": cases,
        },
        sys.stdout,
        indent=1,
    )
    print()


if __name__ == "__main__":
    main()
