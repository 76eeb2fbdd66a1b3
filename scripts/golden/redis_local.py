"""Start a throw-away Debian `redis-server` on 127.0.0.1 and talk RESP to it.

Used by the Redis-based golden generators. The server runs in the
foreground as our child process with persistence off, on a free port, and
is shut down (SHUTDOWN NOSAVE, then terminate if needed) when the `with`
block ends. The client is a minimal RESP2 implementation (standard library
only), enough for INCRBY / EXPIRE / EVAL / SCRIPT LOAD / EVALSHA.
"""

import shutil
import socket
import subprocess
import tempfile
import time

REDIS_SERVER = "/usr/bin/redis-server"


class RedisError(Exception):
    pass


def _free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Redis:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""

    def _readline(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RedisError("connection closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _readexact(self, n):
        while len(self.buf) < n + 2:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RedisError("connection closed")
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def _reply(self):
        line = self._readline()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            raise RedisError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            return None if n < 0 else self._readexact(n).decode()
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self._reply() for _ in range(n)]
        raise RedisError("bad reply %r" % line)

    def call(self, *args):
        parts = [b"*%d\r\n" % len(args)]
        for a in args:
            b = a if isinstance(a, bytes) else str(a).encode()
            parts.append(b"$%d\r\n%s\r\n" % (len(b), b))
        self.sock.sendall(b"".join(parts))
        return self._reply()

    def close(self):
        self.sock.close()


class LocalRedisServer:
    def __enter__(self):
        self.dir = tempfile.mkdtemp(prefix="golden-redis-")
        self.port = _free_port()
        self.proc = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", self.dir,
             "--daemonize", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            try:
                self.client = Redis(self.port)
                self.client.call("PING")
                break
            except (OSError, RedisError):
                if self.proc.poll() is not None:
                    raise RuntimeError("redis-server exited")
                time.sleep(0.05)
        else:
            raise RuntimeError("redis-server did not start")
        self.version = self.client.call("INFO", "server").split("redis_version:")[1].split()[0]
        self.deb_version = subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", "redis-server"],
            capture_output=True, text=True).stdout.strip() or "unknown"
        return self

    def __exit__(self, *exc):
        try:
            self.client.call("SHUTDOWN", "NOSAVE")
        except (OSError, RedisError):
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.terminate()
            self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)
        return False
