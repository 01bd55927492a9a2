"""Slowloris and big-header floods against the counter service with no proxy in front,
this version and an earlier commit side by side in one run.

For each version and phase (quiet, slowloris, big headers) the service (SQLite, open
files limited to --nofile) serves keep-alive clients that connected before the attack
(Python asyncio loader, every hit a new visitor) while the attack runs; a probe opens
a fresh connection every 0.2 s from another address. Printed: served hits/s, p99,
errors of the served clients, the probe's successes, the attack's connections and
bytes, and the service's RSS at the end of the phase.

- slowloris: --slow connections from many loopback addresses (127.0.x.y) that send
  a request line and then one header line every 2 s, reopened when closed;
- big headers: 4 connections streaming an unterminated header, each up to 100 MB,
  reopened when closed.

  .venv/bin/python scripts/bench_counter_abuse.py [--old d0ded27] [--seconds 10] [--slow 1500] [--nofile 1024]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import resource
import shutil
import socket
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from scripts.bench_counter import ROOT, free_port, load, old_tree, paths, pct, start_service, stop, uptime  # noqa: E402


def _slowloris(port, n, seconds, out):
    async def one(i, deadline, st):
        src = f"127.0.{1 + i // 250}.{1 + i % 250}"
        while time.monotonic() < deadline:
            try:
                r, w = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port, local_addr=(src, 0)), 5)
            except (TimeoutError, OSError):
                st["connect_failed"] += 1
                await asyncio.sleep(0.5)
                continue
            st["opened"] += 1
            try:
                w.write(b"POST /v1/hit HTTP/1.1\r\nHost: x\r\n")
                while time.monotonic() < deadline:
                    await w.drain()
                    try:
                        data = await asyncio.wait_for(r.read(100), 2)
                        if not data:
                            st["closed_by_server"] += 1
                            break
                    except TimeoutError:
                        w.write(b"X-a: b\r\n")
            except OSError:
                st["closed_by_server"] += 1
            finally:
                w.close()

    async def main():
        st = {"opened": 0, "closed_by_server": 0, "connect_failed": 0}
        deadline = time.monotonic() + seconds
        await asyncio.gather(*(one(i, deadline, st) for i in range(n)), return_exceptions=True)
        return st

    out.put(asyncio.run(main()))


def _big_headers(port, seconds, out):
    st = {"opened": 0, "closed_by_server": 0, "bytes": 0, "accepted_100MB": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    chunk = b"a" * 65536

    def worker():
        while time.monotonic() < deadline:
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=5)
            except OSError:
                time.sleep(0.2)
                continue
            with lock:
                st["opened"] += 1
            sent = 0
            try:
                s.sendall(b"POST /v1/hit HTTP/1.1\r\nHost: x\r\nX-Flood: ")
                while sent < (100 << 20) and time.monotonic() < deadline:
                    s.sendall(chunk)
                    sent += len(chunk)
                if sent >= (100 << 20):
                    with lock:
                        st["accepted_100MB"] += 1
                    return  # the server took 100 MB of one header: stop (as in the report)
            except OSError:
                with lock:
                    st["closed_by_server"] += 1
            finally:
                with lock:
                    st["bytes"] += sent
                s.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.put(st)


def _probe(port, seconds, res):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2, source_address=("127.0.0.5", 0)) as s:
                s.settimeout(2)
                s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                ok = s.recv(12).startswith(b"HTTP/1.1 200")
        except OSError:
            ok = False
        res["ok" if ok else "failed"] += 1
        time.sleep(0.2)


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:")) / 1024


def run_phase(version, root, phase, work, a, plist):
    port = free_port()
    db = os.path.join(work, f"{version}-{phase}.sqlite3")
    nofile = a.nofile
    proc = start_service(work, port, "sqlite", db=db, root=root,
                         preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile)))
    q = mp.Queue()
    attack = None
    probe = {"ok": 0, "failed": 0}

    def on_start():
        nonlocal attack
        time.sleep(0.5)  # the served clients are connected
        if phase == "slowloris":
            attack = mp.Process(target=_slowloris, args=(port, a.slow, a.seconds - 1, q))
        elif phase == "big-headers":
            attack = mp.Process(target=_big_headers, args=(port, a.seconds - 1, q))
        if attack:
            attack.start()
        threading.Thread(target=_probe, args=(port, a.seconds - 1.5, probe), daemon=True).start()

    try:
        lat, stats, wall, _ = load(port, a.seconds, 10 ** 9, a.conns, 1, plist, on_start=on_start)
        st = q.get(timeout=60) if attack else {}
        if attack:
            attack.join(30)
        rss = rss_mb(proc.pid) if proc.poll() is None else float("nan")
        alive = proc.poll() is None
    finally:
        stop(proc)
    return dict(version=version, phase=phase, rate=stats["ok"] / wall, p99=pct(lat, .99), ok=stats["ok"],
                errors=stats["errors"] + stats["other"], probe=probe, attack=st, rss=rss, alive=alive)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--old", default="d0ded27", help="earlier commit to run beside this one ('' to skip)")
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--slow", type=int, default=1500, help="slowloris connections")
    ap.add_argument("--conns", type=int, default=16, help="served keep-alive connections")
    ap.add_argument("--nofile", type=int, default=1024, help="the service's open-file limit (ulimit -n)")
    a = ap.parse_args(argv)
    work = tempfile.mkdtemp(prefix="bench-counter-abuse-")
    plist = paths()
    with open(os.path.join(work, "manifest.json"), "w") as fh:
        json.dump({"version": 1, "paths": {p: {"kind": "article"} for p in plist}}, fh)
    versions = [("this", ROOT)] + ([(a.old, old_tree(a.old, work))] if a.old else [])
    print(f"# {uptime()}")
    print(f"# service: SQLite, ulimit -n {a.nofile}; {a.conns} served keep-alive connections; {a.seconds:g} s "
          f"per phase; slowloris {a.slow} connections; big headers 4 x up to 100 MB\n")
    print(f"{'version':<8} {'phase':<12} {'hits/s':>7} {'p99 ms':>7} {'errors':>6} {'new conn ok/fail':>16} "
          f"{'RSS MB':>7}  attack")
    try:
        for phase in ("quiet", "slowloris", "big-headers"):
            for version, root in versions:
                r = run_phase(version, root, phase, work, a, plist)
                pr = f"{r['probe']['ok']}/{r['probe']['failed']}"
                print(f"{r['version']:<8} {r['phase']:<12} {r['rate']:>7.0f} {r['p99']:>7.1f} {r['errors']:>6} "
                      f"{pr:>16} {r['rss']:>7.0f}  {r['attack']}" + ("" if r["alive"] else "  SERVICE DIED"),
                      flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n# {uptime()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
