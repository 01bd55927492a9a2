"""Helpers for the counter tests: a real redis-server and real uvicorn service
processes on free loopback ports, and an HTTP client speaking to them."""

from __future__ import annotations

import atexit
import datetime as dt
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import zoneinfo
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
ORIGIN = "http://portal.test:8000"
UA = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/120.0.0.0 Safari/537.36")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def at(*args) -> float:
    """Epoch seconds of a local (Asia/Ho_Chi_Minh) wall-clock time."""
    return dt.datetime(*args, tzinfo=TZ).timestamp()


class RedisServer:
    def __init__(self, workdir: Path):
        exe = shutil.which("redis-server")
        if not exe:
            raise RuntimeError("redis-server missing: run scripts/install_system_deps.sh")
        self.port = free_port()
        self.proc = subprocess.Popen(
            [exe, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(workdir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"redis://127.0.0.1:{self.port}/0"
        import redis
        self.client = redis.Redis(port=self.port)
        for _ in range(100):
            try:
                self.client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        self.client.close()
        self.proc.terminate()
        self.proc.wait(10)


@pytest.fixture(scope="module")
def redis_server(workdir):
    """A real redis-server for the test module (it needs a module-scoped `workdir`)."""
    r = RedisServer(workdir)
    yield r
    r.stop()


def salt_dir(workdir: Path) -> Path:
    """A tmpfs folder for the daily salts, one per test work folder (its services share it)."""
    d = Path("/dev/shm") / f"counter-test-{hashlib.blake2b(str(workdir).encode(), digest_size=6).hexdigest()}"
    atexit.register(shutil.rmtree, d, True)
    return d


class Service:
    """`python -m counter_service` in a subprocess, with the test clock enabled."""

    def __init__(self, workdir: Path, manifest: Path, backend: str, redis_url: str | None = None,
                 db: Path | None = None, extra: list[str] = (), test_clock: bool = True,
                 env: dict | None = None, preexec_fn=None, wait_healthy: bool = True):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.db = db or workdir / "counter.sqlite3"
        self.salt_dir = salt_dir(workdir)
        cmd = [sys.executable, "-m", "counter_service", "--port", str(self.port),
               "--origin", ORIGIN, "--origin", "http://second.test", "--manifest", str(manifest),
               "--trusted-proxy", "127.0.0.1", "--site", "nampang", "--salt-dir", str(self.salt_dir), *extra]
        if test_clock:
            cmd.append("--test-clock")
        cmd += ["--redis-url", redis_url] if backend == "redis" else ["--db", str(self.db)]
        self.log = open(workdir / f"service-{self.port}.log", "w")
        self.log_path = workdir / f"service-{self.port}.log"
        e = {**os.environ, "COUNTER_TEST_CLOCK": "1" if test_clock else "", **(env or {})}
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, env=e,
                                     preexec_fn=preexec_fn)
        self.http = httpx.Client(base_url=self.base, timeout=30)
        deadline = time.monotonic() + 20
        while True:
            try:
                code = self.http.get("/healthz").status_code
                if code == 200 or (code == 503 and not wait_healthy):
                    break
            except httpx.TransportError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"service did not start:\n{(workdir / self.log.name).read_text()}")
            time.sleep(0.1)

    def hit(self, path, now=None, ip="10.0.0.1", ua=UA, origin=ORIGIN, headers=None, body=None):
        h = {"Content-Type": "text/plain;charset=UTF-8", "X-Forwarded-For": ip}
        if ua is not None:
            h["User-Agent"] = ua
        if origin is not None:
            h["Origin"] = origin
        if now is not None:
            h["X-Test-Now"] = str(now)
        h.update(headers or {})
        content = body if body is not None else ('{{"path": {}}}'.format(__import__("json").dumps(path))).encode()
        return self.http.post("/v1/hit", content=content, headers=h)

    def counts(self, now, *paths, origin=None) -> dict:
        h = {"X-Test-Now": str(now)}
        if origin:
            h["Origin"] = origin
        r = self.http.get("/v1/counts", params=[("path", p) for p in paths], headers=h)
        assert r.status_code == 200, r.text
        return r.json()

    def metrics(self) -> dict:
        out = {}
        for line in self.http.get("/metrics").text.splitlines():
            if line and not line.startswith("#"):
                k, v = line.rsplit(" ", 1)
                out[k] = float(v)
        return out

    def dropped(self, reason: str) -> float:
        return self.metrics()[f'counter_hits_dropped_total{{reason="{reason}"}}']

    def stop(self, sig=signal.SIGTERM) -> int:
        self.http.close()
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        # The service promises to be gone within systemd's TimeoutStopSec=30: up to 10 s of
        # graceful HTTP shutdown, 2 × 2 s for housekeeping to stop, 12 s committing queued
        # writes (counter_service/lifecycle.py).
        rc = self.proc.wait(30)
        self.log.close()
        return rc
