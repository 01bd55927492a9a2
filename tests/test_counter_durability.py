"""Counter service: several processes on one Redis, and SIGTERM losing nothing."""

from __future__ import annotations

import json
import signal
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from counter_helpers import ORIGIN, UA, Service, at, redis_server  # noqa: F401 (redis_server: fixture)

A = "/2024/03/thu-hoach-che.html"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    d = tmp_path_factory.mktemp("counter-dur")
    (d / "manifest.json").write_text(json.dumps({"version": 1, "paths": {A: {"kind": "article"}}}))
    return d


def _hit(base: str, ip: str, now: float, client: httpx.Client):
    return client.post(base + "/v1/hit", content=json.dumps({"path": A}),
                       headers={"Origin": ORIGIN, "User-Agent": UA, "X-Forwarded-For": ip,
                                "X-Test-Now": str(now), "Content-Type": "text/plain"})


def test_two_processes_sharing_redis_agree(workdir, redis_server):
    s1 = Service(workdir, workdir / "manifest.json", "redis", redis_url=redis_server.url)
    s2 = Service(workdir, workdir / "manifest.json", "redis", redis_url=redis_server.url)
    try:
        t = at(2050, 5, 5, 10, 0)
        c0 = s1.counts(t, A)
        n = 150

        local = threading.local()
        clients = []

        def visitor(i):
            if not hasattr(local, "c"):
                local.c = httpx.Client(timeout=10)
                clients.append(local.c)
            # each visitor hits both processes twice: still one visit and one view
            return [_hit(s.base, f"10.50.{i // 250}.{i % 250}", t + k, local.c).status_code
                    for k, s in enumerate((s1, s2, s2, s1))]

        with ThreadPoolExecutor(6) as ex:
            results = list(ex.map(visitor, range(n)))
        for c in clients:
            c.close()
        assert all(codes == [204] * 4 for codes in results)
        a, b = s1.counts(t + 10, A), s2.counts(t + 10, A)
        assert a == b
        assert (a["total"] - c0["total"], a["today"] - c0["today"], a["views"][A] - c0["views"][A]) == (n, n, n)
        assert a["online"] == n
        # the rate limit is shared too: 31 hits split over both processes
        for k in range(31):
            _hit((s1, s2)[k % 2].base, "10.51.0.1", t + 60 * 60, s1.http)
        m = s1.metrics()['counter_hits_dropped_total{reason="rate_limited"}'] + \
            s2.metrics()['counter_hits_dropped_total{reason="rate_limited"}']
        assert m == 1
    finally:
        s1.stop()
        s2.stop()


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_sigterm_under_load_loses_no_acknowledged_hit(workdir, redis_server, backend):
    db = workdir / f"sigterm-{backend}.sqlite3"
    s = Service(workdir, workdir / "manifest.json", backend, redis_url=redis_server.url, db=db,
                extra=["--site", f"sigterm-{backend}"] + (["--flush-ms", "100"] if backend == "sqlite" else []))
    t = at(2052, 1, 1, 1, 0)
    acked, sent = [], []
    lock = threading.Lock()
    stop_at = 120  # SIGTERM once this many hits were acknowledged

    def worker(w):
        with httpx.Client(timeout=10) as c:
            for i in range(200):
                ip = f"10.{52 + w}.{i // 250}.{i % 250}"
                with lock:
                    sent.append(ip)
                try:
                    r = _hit(s.base, ip, t, c)
                except httpx.TransportError:
                    return
                if r.status_code == 204:
                    with lock:
                        acked.append(ip)

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(6)]
    for th in threads:
        th.start()
    deadline = time.monotonic() + 60
    while len(acked) < stop_at and time.monotonic() < deadline:
        time.sleep(0.005)
    s.proc.send_signal(signal.SIGTERM)
    for th in threads:
        th.join(30)
    assert s.stop() in (0, -15)
    if backend == "sqlite":
        con = sqlite3.connect(db)
        stored = con.execute("SELECT n FROM totals WHERE site=?", (f"sigterm-{backend}",)).fetchone()[0]
        con.close()
    else:
        stored = int(redis_server.client.get("c:{sigterm-redis}:total"))
    assert len(acked) >= stop_at
    assert len(acked) <= stored <= len(sent), (len(acked), stored, len(sent))
