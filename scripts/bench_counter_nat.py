"""How many distinct readers may share one IP address (a school, a commune office behind
one NAT) before the per-network cap (counter_service/rules.py NET_*) drops a visit,
and what the cap leaves of a user-agent rotation attack. Real service, real SQLite,
the test clock (X-Test-Now) so an hour of reading takes seconds.

Readers: K distinct browsers (user agents) behind one IPv4 address. They open the
portal within the first --spread minutes of a lesson (uniformly), and each reads
--pages pages, one every --gap seconds. The attacker: one machine sending one hit per
second, each with a new user agent, for an hour.

  .venv/bin/python scripts/bench_counter_nat.py [--readers 50,100,150,200,250,300,400] [--pages 5]
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import httpx

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from counter_service import rules  # noqa: E402
from scripts.bench_counter import ORIGIN, ROOT, UA, free_port, uptime  # noqa: E402

PATH = "/2025/03/lich-tiep-dan.html"
T0 = 2524608000.0  # 2050-01-01 07:00 local, on a clock hour


def start(work: str, site: str):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "counter_service", "--port", str(port), "--origin", ORIGIN,
                             "--manifest", os.path.join(work, "manifest.json"), "--trusted-proxy", "127.0.0.1",
                             "--site", site, "--db", os.path.join(work, f"{site}.sqlite3"), "--test-clock",
                             "--salt-dir", os.path.join("/dev/shm", os.path.basename(work))],
                            cwd=ROOT, env={**os.environ, "COUNTER_TEST_CLOCK": "1"},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    c = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)
    for _ in range(200):
        try:
            if c.get("/healthz").status_code == 200:
                return proc, c
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise RuntimeError("service did not start")


def send(base: str, hits: list[tuple[float, str]], ip: str) -> None:
    """hits: (time, user agent), sent in time order; 8 threads share each second's hits
    (order within a second is free), so the per-minute buckets see the real order."""
    import threading

    hits.sort()
    by_sec: dict[int, list] = {}
    for h in hits:
        by_sec.setdefault(int(h[0]), []).append(h)
    local = threading.local()

    def post(h):
        if not hasattr(local, "c"):
            local.c = httpx.Client(base_url=base, timeout=30)
        t, ua = h
        r = local.c.post("/v1/hit", content=json.dumps({"path": PATH}), headers={
            "Origin": ORIGIN, "User-Agent": ua, "X-Forwarded-For": ip, "X-Test-Now": f"{t:.3f}",
            "Content-Type": "text/plain"})
        assert r.status_code == 204, r.text

    with cf.ThreadPoolExecutor(8) as ex:
        for sec in sorted(by_sec):
            list(ex.map(post, by_sec[sec]))


def browser(i: int) -> str:
    return UA.replace("Chrome/120.0.0.0", f"Chrome/120.0.{i}.0")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--readers", default="50,100,150,200,250,300,400")
    ap.add_argument("--pages", type=int, default=5)
    ap.add_argument("--gap", type=float, default=40.0, help="seconds between a reader's pages")
    ap.add_argument("--spread", type=float, default=10.0, help="minutes over which readers arrive")
    a = ap.parse_args(argv)
    work = tempfile.mkdtemp(prefix="bench-counter-nat-")
    with open(os.path.join(work, "manifest.json"), "w") as fh:
        json.dump({"version": 1, "paths": {PATH: {"kind": "article"}}}, fh)
    print(f"# {uptime()}")
    print(f"# caps: {rules.NET_VISIT_LIMIT} new visits per network per clock hour, "
          f"{rules.NET_RATE_LIMIT} hits per network per minute, {rules.RATE_LIMIT} per visitor per minute")
    print(f"# readers behind one IPv4 address arrive over {a.spread:g} min, {a.pages} pages each, one every "
          f"{a.gap:g} s\n")
    print(f"{'readers':>7} {'hits':>6} {'visits counted':>14} {'views counted':>13} {'dropped':>7}")
    proc, c = start(work, "nat")
    try:
        for n, k in enumerate(int(x) for x in a.readers.split(",")):
            t0 = T0 + n * 86400  # a new day (and salt) per row
            hits = [(t0 + i * a.spread * 60 / k + p * a.gap, browser(i)) for i in range(k) for p in range(a.pages)]
            ip = f"192.0.2.{n + 1}"
            before = c.get("/v1/counts", params={"path": PATH}, headers={"X-Test-Now": str(t0)}).json()
            send(str(c.base_url), hits, ip)
            after = c.get("/v1/counts", params={"path": PATH},
                          headers={"X-Test-Now": str(t0 + 3000)}).json()
            visits = after["total"] - before["total"]
            views = after["views"][PATH] - before["views"][PATH]
            print(f"{k:>7} {len(hits):>6} {visits:>14} {views:>13} {k - visits:>7}", flush=True)
        t0 = T0 + 40 * 86400
        before = c.get("/v1/counts", params={"path": PATH}, headers={"X-Test-Now": str(t0)}).json()
        send(str(c.base_url), [(t0 + i, browser(10_000 + i)) for i in range(3600)], "198.51.100.9")
        after = c.get("/v1/counts", params={"path": PATH}, headers={"X-Test-Now": str(t0 + 3601)}).json()
        print(f"\nattacker, one IP, a new user agent every second for an hour: 3600 hits -> "
              f"{after['total'] - before['total']} visits counted")
    finally:
        c.close()
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(os.path.join("/dev/shm", os.path.basename(work)), ignore_errors=True)
    print(f"\n# {uptime()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
