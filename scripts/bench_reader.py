"""Benchmark the reader service beside the counter: hits, votes and the comment list.

Starts its own service processes (SQLite, and Redis with its own redis-server) on free
loopback ports, loads 200 approved comments on one article (counter_service.reader_import),
then drives each case for --seconds from --conns keep-alive connections of one asyncio
loader (the same loader for every case, so the rows compare):

- hits:   POST /v1/hit, every hit a new visitor (a new visit and a new view: the write-heaviest case);
- votes:  POST /v1/rate, every vote a new visitor in a new /24 (each one counted and committed);
- comments listed: GET /comments/?uri=…&plain=1 of the article with 200 approved comments
  (Isso through a2wsgi, the whole list as JSON each time).

  .venv/bin/python scripts/bench_reader.py [--seconds 6] [--conns 16]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ORIGIN = "http://bench.test"
UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
ART = "/2024/05/bai-nhieu-y-kien.html"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(method: str, path: str, body: bytes = b"", extra: str = "") -> bytes:
    head = (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: {UA}\r\nOrigin: {ORIGIN}\r\n"
            f"Content-Type: text/plain;charset=UTF-8\r\nContent-Length: {len(body)}\r\n{extra}\r\n")
    return head.encode() + body


async def worker(port, make, deadline, stats, wid):
    r, w = await asyncio.open_connection("127.0.0.1", port)
    i = 0
    while time.monotonic() < deadline:
        i += 1
        w.write(make(wid, i))
        head = await r.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        n = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                n = int(line.split(b":")[1])
        if n:
            await r.readexactly(n)
        stats[status] = stats.get(status, 0) + 1
    w.close()


async def drive(port, make, seconds, conns):
    stats: dict[int, int] = {}
    t0 = time.monotonic()
    await asyncio.gather(*(worker(port, make, t0 + seconds, stats, k) for k in range(conns)))
    return stats, time.monotonic() - t0


def hit(wid, i):
    body = json.dumps({"path": ART}).encode()
    return request("POST", "/v1/hit", body, f"X-Forwarded-For: 10.{wid}.{i >> 8 & 255}.{i & 255}\r\n")


def vote(wid, i):
    body = json.dumps({"path": ART, "stars": 1 + i % 5}).encode()
    return request("POST", "/v1/rate", body, f"X-Forwarded-For: 10.{wid}.{i & 255}.{i >> 8 & 255}\r\n")


def listing(wid, i):
    return request("GET", f"/comments/?uri={ART}&plain=1")


class Service:
    def __init__(self, work, manifest, backend, redis_url=None):
        self.port = free_port()
        env = {**os.environ, "COMMENTS_DB": os.path.join(work, "comments.sqlite3")}
        db = os.path.join(work, f"c-{backend}.sqlite3")
        args = ["--redis-url", redis_url] if backend == "redis" else ["--db", db]
        self.proc = subprocess.Popen([sys.executable, "-m", "counter_service", "--port", str(self.port),
                                      "--origin", ORIGIN, "--manifest", manifest, "--trusted-proxy", "127.0.0.1",
                                      "--site", "bench", *args], cwd=ROOT, env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import urllib.request
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1)
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("service did not start")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(30)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=6)
    ap.add_argument("--conns", type=int, default=16)
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="bench-reader-")
    manifest = os.path.join(work, "manifest.json")
    with open(manifest, "w") as fh:
        json.dump({"version": 1, "paths": {ART: {"kind": "article", "title": "Bài nhiều ý kiến"}}}, fh)
    with open(os.path.join(work, "comments.json"), "w") as fh:
        json.dump({"version": 1, "open": {ART: {"title": "Bài nhiều ý kiến", "closes": None}}, "closed": []}, fh)
    items = [{"path": ART, "title": "Bài nhiều ý kiến", "author": f"Bạn đọc {i}", "approved": True,
              "created": 1.7e9 + 60 * i, "text": "Ý kiến về công tác dân vận ở xã, " * 6 + str(i)} for i in range(200)]
    with open(os.path.join(work, "comments.json.in"), "w") as fh:
        json.dump(items, fh, ensure_ascii=False)
    subprocess.run([sys.executable, "-m", "counter_service.reader_import", "comments",
                    os.path.join(work, "comments.json.in"), "--comments-db", os.path.join(work, "comments.sqlite3")],
                   cwd=ROOT, check=True, capture_output=True)
    redis = None
    rows = []
    try:
        backends = ["sqlite"]
        if shutil.which("redis-server"):
            rport = free_port()
            redis = subprocess.Popen(["redis-server", "--port", str(rport), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no", "--dir", work], stdout=subprocess.DEVNULL)
            time.sleep(0.5)
            backends.append("redis")
        for backend in backends:
            svc = Service(work, manifest, backend, f"redis://127.0.0.1:{rport}/0" if backend == "redis" else None)
            try:
                cases = [("hits (POST /v1/hit)", hit, 204), ("votes (POST /v1/rate)", vote, 200)]
                if backend == "sqlite":
                    cases.append(("comments listed, 200 on the article (GET /comments/)", listing, 200))
                for name, make, ok in cases:
                    stats, took = asyncio.run(drive(svc.port, make, a.seconds, a.conns))
                    good = stats.get(ok, 0)
                    rows.append((backend, name, good / took, sum(stats.values()) - good))
            finally:
                svc.stop()
    finally:
        if redis:
            redis.terminate()
            redis.wait(10)
        shutil.rmtree(work, ignore_errors=True)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {a.conns} connections, {a.seconds:g} s each")
    print("| Backend | Case | Requests/s | Other answers |")
    print("|---|---|---|---|")
    for backend, name, rate, other in rows:
        print(f"| {backend} | {name} | {rate:,.0f} | {other} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
