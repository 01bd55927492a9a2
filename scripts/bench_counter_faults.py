"""Crash and fault table for the counter service: every hit acknowledged (204) must be
stored, exactly once, whatever happens to the service or its storage.

Each case starts a real service (and redis-server), sends hits from many visitors,
each visitor to its own published path (so the stored views per path say exactly
which acknowledged hits were stored, and whether any was stored twice), injects the
fault under load, and prints sent / 503 / acknowledged / stored / lost / twice:

- SIGTERM, SIGKILL of the service under load (SQLite and Redis);
- another process holds SQLite's write lock for 12 s (longer than the 10 s busy timeout);
- the disk is full (SQLite on a 16 MB tmpfs, filled, then freed; needs root for mount);
- redis-server SIGSTOPped for 8 s;
- retry after 503: the disk is full before the first hit, so every visitor's hit is
  answered 503; then the disk is freed and every visitor sends it again.

In the fault cases visitors retry a 503 or a refused connection every 0.5 s, as a
client that wants its hit counted would (the widget does not retry; a lost 503 is an
unacknowledged hit, never a lost one). "lost" counts acknowledged hits whose path has
no view; "twice" counts paths with more than one.

  .venv/bin/python scripts/bench_counter_faults.py [--visitors 1500] [--threads 12] [--cases all]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

import httpx

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from scripts.bench_counter import ORIGIN, UA, free_port, start_service, stop, uptime  # noqa: E402

CASES = ("sigterm-sqlite", "sigterm-redis", "sigkill-sqlite", "sigkill-redis", "lock-12s", "disk-full",
         "redis-sigstop", "retry-after-503")


def path_of(i: int) -> str:
    return f"/2025/01/khach-{i}.html"


class Visitors:
    """Threads that send one hit per visitor, optionally retrying 503s and refused connections."""

    def __init__(self, port: int, n: int, threads: int, retry: bool, deadline: float):
        self.port, self.n, self.retry, self.deadline = port, n, retry, deadline
        self.next = 0
        self.lock = threading.Lock()
        self.sent = self.n503 = 0
        self.acked: set[int] = set()
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def start(self):
        for t in self.threads:
            t.start()
        return self

    def join(self):
        for t in self.threads:
            t.join()

    def _take(self):
        with self.lock:
            if self.next >= self.n:
                return None
            self.next += 1
            self.sent += 1
            return self.next - 1

    def _run(self):
        c = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=30)
        try:
            while (i := self._take()) is not None:
                ip = f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"
                while time.monotonic() < self.deadline:
                    try:
                        r = c.post("/v1/hit", content=json.dumps({"path": path_of(i)}), headers={
                            "Origin": ORIGIN, "User-Agent": UA, "X-Forwarded-For": ip,
                            "Content-Type": "text/plain"})
                        if r.status_code == 204:
                            with self.lock:
                                self.acked.add(i)
                            break
                        with self.lock:
                            self.n503 += r.status_code == 503
                    except httpx.TransportError:
                        pass
                    if not self.retry:
                        break
                    time.sleep(0.5)
                time.sleep(0.002)  # a steady stream, so the fault lands under load
        finally:
            c.close()


def fill(directory: str) -> str:
    """Fill the file system of `directory` to the last byte; returns the filler file."""
    filler = os.path.join(directory, "filler")
    with open(filler, "wb", buffering=0) as fh:
        for size in (65536, 512, 1):
            try:
                while True:
                    fh.write(b"\0" * size)
            except OSError:
                pass
    return filler


def stored_views(backend: str, db: str, redis_port: int, site: str) -> dict[str, int]:
    if backend == "sqlite":
        con = sqlite3.connect(db)
        rows = dict(con.execute("SELECT path, n FROM path_views WHERE site=?", (site,)).fetchall())
        con.close()
        return rows
    import redis
    r = redis.Redis(port=redis_port)
    out = {k.decode(): int(v) for k, v in r.hgetall("c:{" + site + "}:views").items()}
    r.close()
    return out


def run_case(case: str, work: str, redis_port: int, redis_proc, visitors: int, threads: int) -> dict:
    backend = "redis" if case.endswith("redis") or case == "redis-sigstop" else "sqlite"
    retry = case in ("lock-12s", "disk-full", "redis-sigstop", "retry-after-503")
    site = "bench"
    db_dir = work
    mnt = None
    first_note = ""
    if case in ("disk-full", "retry-after-503"):
        mnt = os.path.join(work, "tmpfs")
        os.makedirs(mnt, exist_ok=True)
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mnt], capture_output=True, text=True)
        if r.returncode:
            return {"case": case, "skipped": f"mount: {r.stderr.strip()}"}
        db_dir = mnt
    db = os.path.join(db_dir, f"{case}.sqlite3")
    if backend == "redis":
        subprocess.run(["redis-cli", "-p", str(redis_port), "flushall"], capture_output=True)
    port = free_port()
    proc = start_service(work, port, backend, f"redis://127.0.0.1:{redis_port}/0", 1, db)
    if case == "retry-after-503":
        filler = fill(mnt)
        first = Visitors(port, visitors, threads, False, time.monotonic() + 150).start()
        first.join()
        os.unlink(filler)
    v = Visitors(port, visitors, threads, retry, time.monotonic() + 150).start()
    if case == "retry-after-503":
        v.n503 += first.n503
        first_note = f"first try: {first.n503} x 503, {len(first.acked)} x 204; "
    while len(v.acked) < visitors // 5 and v.next < visitors:  # the fault lands under load
        time.sleep(0.01)
    note = ""
    try:
        if case.startswith("sigterm") or case.startswith("sigkill"):
            stop(proc, signal.SIGTERM if case.startswith("sigterm") else signal.SIGKILL)
        elif case == "lock-12s":
            con = sqlite3.connect(db, isolation_level=None)
            con.execute("BEGIN IMMEDIATE")
            time.sleep(12)
            con.execute("ROLLBACK")
            con.close()
        elif case == "disk-full":
            filler = fill(mnt)
            time.sleep(5)
            with httpx.Client(timeout=10) as c:
                note = f"/healthz while full: {c.get(f'http://127.0.0.1:{port}/healthz').status_code}"
            os.unlink(filler)
        elif case == "redis-sigstop":
            redis_proc.send_signal(signal.SIGSTOP)
            time.sleep(8)
            redis_proc.send_signal(signal.SIGCONT)
        v.join()
        if proc.poll() is None:
            with httpx.Client(timeout=10) as c:
                m = c.get(f"http://127.0.0.1:{port}/metrics").text
            dropped = {line.split('"')[1]: int(float(line.rsplit(" ", 1)[1])) for line in m.splitlines()
                       if line.startswith("counter_hits_dropped_total{") and not line.endswith(" 0")}
            if dropped:
                note += f" dropped: {dropped}"
    finally:
        if proc.poll() is None:
            stop(proc)
    views = stored_views(backend, db, redis_port, site)
    if mnt:
        subprocess.run(["umount", "-l", mnt], check=False)
    stored = {i for i in range(visitors) if views.get(path_of(i), 0) >= 1}
    return {"case": case, "backend": backend, "sent": v.sent, "503": v.n503, "acked": len(v.acked),
            "stored": len(stored), "lost": len(v.acked - stored),
            "twice": sum(1 for i in range(visitors) if views.get(path_of(i), 0) > 1), "note": first_note + note}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--visitors", type=int, default=1500)
    ap.add_argument("--threads", type=int, default=12)
    ap.add_argument("--cases", default="all", help=",".join(CASES))
    a = ap.parse_args(argv)
    cases = CASES if a.cases == "all" else a.cases.split(",")
    work = tempfile.mkdtemp(prefix="bench-counter-faults-")
    with open(os.path.join(work, "manifest.json"), "w") as fh:
        json.dump({"version": 1, "paths": {path_of(i): {"kind": "article"} for i in range(a.visitors)}}, fh)
    redis_port = free_port()
    redis_proc = subprocess.Popen([shutil.which("redis-server"), "--port", str(redis_port), "--bind", "127.0.0.1",
                                   "--save", "", "--appendonly", "no", "--dir", work],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.3)
    print(f"# {uptime()}")
    print(f"# {a.visitors} visitors per case, each to its own path, {a.threads} client threads\n")
    print(f"{'case':<16} {'backend':<7} {'sent':>6} {'503':>6} {'acked':>6} {'stored':>6} {'lost':>5} "
          f"{'twice':>5}  note")
    bad = 0
    try:
        for case in cases:
            r = run_case(case, work, redis_port, redis_proc, a.visitors, a.threads)
            if "skipped" in r:
                print(f"{case:<16} skipped: {r['skipped']}")
                continue
            bad += r["lost"] + r["twice"]
            print(f"{r['case']:<16} {r['backend']:<7} {r['sent']:>6} {r['503']:>6} {r['acked']:>6} {r['stored']:>6} "
                  f"{r['lost']:>5} {r['twice']:>5}  {r['note']}", flush=True)
    finally:
        redis_proc.send_signal(signal.SIGCONT)
        redis_proc.terminate()
        redis_proc.wait(10)
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n# {uptime()}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
