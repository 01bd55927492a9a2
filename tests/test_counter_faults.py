"""The counter service under faults and abuse (issue 13), one test per numbered defect,
against real uvicorn processes, real SQLite files (a real full tmpfs) and a real redis-server."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from counter_helpers import ORIGIN, ROOT, UA, RedisServer, Service, at, free_port, redis_server  # noqa: F401

from counter_service import rules
from counter_service.salt import SaltStore
from scripts.bench_counter_faults import fill

A = "/2024/03/thu-hoach-che.html"
B = "/2024/04/dan-van.html"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    d = tmp_path_factory.mktemp("counter-faults")
    (d / "manifest.json").write_text(json.dumps({"version": 1, "paths": {A: {"kind": "article"},
                                                                         B: {"kind": "article"}}}))
    return d


@pytest.fixture
def sqlite_svc(workdir, request):
    db = workdir / f"{request.node.name}.sqlite3"
    s = Service(workdir, workdir / "manifest.json", "sqlite", db=db)
    yield s
    s.stop()


class WriteLock:
    """Another process's writer: BEGIN IMMEDIATE held on the database until released."""

    def __init__(self, db: Path):
        self.con = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
        self.con.execute("BEGIN IMMEDIATE")

    def release(self):
        self.con.execute("ROLLBACK")
        self.con.close()


@pytest.fixture
def small_tmpfs(tmp_path):
    """A 2 MB tmpfs (root only); skipped where mounting is not permitted."""
    d = tmp_path / "tmpfs"
    d.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(d)], capture_output=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.decode().strip()}")
    yield d
    subprocess.run(["umount", "-l", str(d)], check=False)


def totals(s: Service, t: float, *paths) -> tuple:
    c = s.counts(t, *paths)
    return c["total"], c["today"], c["online"], tuple(c["views"][p] for p in paths)


# --- 1. a retry after a 503 counts exactly once ---------------------------------------------

def test_1_retry_after_503_on_a_held_lock_counts_once(sqlite_svc):
    s = sqlite_svc
    t = at(2060, 1, 5, 9, 0)
    assert s.hit(A, t, ip="10.60.0.1").status_code == 204  # the day's salt and state exist
    lock = WriteLock(s.db)
    try:
        r = s.hit(A, t + 1, ip="10.60.0.2")  # waits busy_timeout (10 s), then gives up
        assert r.status_code == 503 and r.headers["retry-after"]
    finally:
        lock.release()
    assert totals(s, t + 2, A) == (1, 1, 1, (1,))  # the failed hit left no trace, not even in "online"
    assert s.hit(A, t + 3, ip="10.60.0.2").status_code == 204  # the visitor's retry
    assert totals(s, t + 4, A) == (2, 2, 2, (2,))
    assert s.hit(A, t + 5, ip="10.60.0.2").status_code == 204  # and it is not counted twice
    assert totals(s, t + 6, A) == (2, 2, 2, (2,))


def test_1_2_retry_after_503_on_a_full_disk_counts_once_and_health_says_so(workdir, small_tmpfs):
    s = Service(workdir, workdir / "manifest.json", "sqlite", db=small_tmpfs / "counter.sqlite3")
    try:
        t = at(2060, 2, 5, 9, 0)
        assert s.hit(A, t, ip="10.61.0.1").status_code == 204
        filler = fill(small_tmpfs)
        failed = [f"10.61.1.{i}" for i in range(20)]
        codes = [s.hit(A, t + 1, ip=ip).status_code for ip in failed]
        assert set(codes) == {503}
        # a client retrying hard: 40 tries in one minute, none may use up its rate limit
        assert {s.hit(A, t + 1, ip=failed[0]).status_code for _ in range(40)} == {503}
        h = s.http.get("/healthz")  # 2: health reflects that hits cannot be stored
        assert h.status_code == 503 and h.json()["status"] == "error", h.text
        assert any("storage" in p for p in h.json()["problems"])
        os.unlink(filler)
        assert [s.hit(A, t + 2, ip=ip).status_code for ip in failed] == [204] * 20  # retries
        assert [s.hit(A, t + 3, ip=ip).status_code for ip in failed] == [204] * 20  # and again: deduplicated
        assert totals(s, t + 4, A) == (21, 21, 21, (21,))
        assert s.http.get("/healthz").status_code == 200
    finally:
        s.stop()


def test_1_retry_after_503_with_redis_stopped_counts_once(workdir, redis_server):
    s = Service(workdir, workdir / "manifest.json", "redis", redis_url=redis_server.url,
                extra=["--site", "faults-redis-stop"])
    try:
        t = at(2060, 3, 5, 9, 0)
        c0 = s.counts(t, A)
        redis_server.proc.send_signal(signal.SIGSTOP)
        try:
            r = s.hit(A, t, ip="10.62.0.1")  # the client's socket timeout (5 s) runs out
            assert r.status_code == 503
            h = s.http.get("/healthz")
            assert h.status_code == 503
        finally:
            redis_server.proc.send_signal(signal.SIGCONT)
        for _ in range(3):
            assert s.hit(A, t + 1, ip="10.62.0.1").status_code == 204
        c = s.counts(t + 2, A)
        assert c["total"] - c0["total"] == 1 and c["views"][A] - c0["views"][A] == 1
    finally:
        s.stop()


# --- 2. /healthz reflects whether hits can be stored and counted -----------------------------

def test_2_healthz_fails_on_an_empty_manifest(workdir, tmp_path):
    m = tmp_path / "empty.json"
    m.write_text(json.dumps({"version": 1, "paths": {}}))
    s = Service(workdir, m, "sqlite", db=tmp_path / "c.sqlite3", wait_healthy=False)
    try:
        h = s.http.get("/healthz")
        assert h.status_code == 503 and h.json()["manifest_paths"] == 0
        assert any("manifest" in p for p in h.json()["problems"])
    finally:
        s.stop()


def test_2_healthz_fails_while_the_write_lock_is_held(sqlite_svc):
    assert sqlite_svc.http.get("/healthz").status_code == 200
    lock = WriteLock(sqlite_svc.db)
    try:
        h = sqlite_svc.http.get("/healthz")
        assert h.status_code == 503 and "locked" in json.dumps(h.json())
    finally:
        lock.release()
    assert sqlite_svc.http.get("/healthz").status_code == 200


# --- 3. request-header size ------------------------------------------------------------------

def _rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))


def _send_until_closed(port: int, head: bytes, total: int) -> int:
    """Stream an unterminated header; returns the bytes the server took before closing."""
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(20)
    sent = 0
    chunk = b"a" * 65536
    try:
        s.sendall(head)
        while sent < total:
            s.sendall(chunk)
            sent += len(chunk)
    except OSError:  # reset or broken pipe: the server closed the connection
        pass
    finally:
        s.close()
    return sent


def test_3_oversized_headers_get_431_and_memory_stays_flat(sqlite_svc):
    s = sqlite_svc
    port = s.port
    with socket.create_connection(("127.0.0.1", port)) as c:
        c.settimeout(20)
        body = json.dumps({"path": A}).encode()
        try:
            c.sendall(b"POST /v1/hit HTTP/1.1\r\nHost: x\r\nOrigin: " + ORIGIN.encode() + b"\r\nX-Big: " +
                      b"a" * (8 << 20) + b"\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        except OSError:
            pass
        answer = c.recv(100)
    assert answer == b"" or answer.startswith(b"HTTP/1.1 431")
    rss0 = _rss_kb(s.proc.pid)
    head = b"POST /v1/hit HTTP/1.1\r\nHost: x\r\nX-Flood: "
    took = []
    threads = [threading.Thread(target=lambda: took.append(_send_until_closed(port, head, 100 << 20)))
               for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert len(took) == 4 and max(took) < (100 << 20)  # every flood was cut off
    assert _rss_kb(s.proc.pid) - rss0 < 30_000  # KB: was +468 MB before the limit
    # ordinary requests with a few KB of headers are still served
    r = s.hit(A, at(2060, 4, 1, 9, 0), ip="10.63.0.1", headers={"Cookie": "x" * 5000})
    assert r.status_code == 204


# --- 4. slowloris and the connection count ---------------------------------------------------

def _limit_files(n: int):
    return lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (n, n))


def _idle_socket(src: str, port: int, first: bytes = b"") -> socket.socket:
    s = socket.socket()
    s.bind((src, 0))
    s.connect(("127.0.0.1", port))
    if first:
        s.sendall(first)
    return s


def _closed_by_server(s: socket.socket, within: float) -> bool:
    s.settimeout(within)
    try:
        return s.recv(100) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def test_4_slowloris_is_timed_out_and_served_clients_keep_being_served(workdir, tmp_path):
    s = Service(workdir, workdir / "manifest.json", "sqlite", db=tmp_path / "c.sqlite3",
                preexec_fn=_limit_files(128))
    # s.http: a keep-alive client (the trusted proxy address) connected before the attack
    t = at(2060, 5, 1, 9, 0)
    attackers, many = [], []
    try:
        assert s.hit(A, t, ip="10.64.0.1").status_code == 204  # (keep-alive idles out after 5 s: stay busy)
        # 130 connections that never finish a request, from one address, as in the report
        for _ in range(130):
            try:
                attackers.append(_idle_socket("127.0.0.2", s.port, b"POST /v1/hit HTTP/1.1\r\nHost: x\r\n"))
            except OSError:
                break
        time.sleep(0.5)
        codes = [s.hit(A, t + 1, ip=f"10.64.1.{i}").status_code for i in range(20)]
        assert codes == [204] * 20  # the client already served keeps being served
        fresh = httpx.Client(base_url=s.base, timeout=10, transport=httpx.HTTPTransport(local_address="127.0.0.3"))
        try:
            assert fresh.get("/v1/counts", headers={"X-Test-Now": str(t + 2)}).status_code == 200  # a new client too
        finally:
            fresh.close()
        # every attacking connection is closed: at once over the per-address cap, the rest
        # when the header timeout runs out
        assert all(_closed_by_server(a, 20) for a in attackers)
        # many addresses: past the connection cap, new clients are refused, served ones go on
        assert s.hit(A, t + 2.5, ip="10.64.0.1").status_code == 204
        for i in range(130):
            try:
                many.append(_idle_socket(f"127.0.{1 + i // 200}.{10 + i % 200}", s.port))
            except OSError:
                break
        time.sleep(0.5)
        assert [s.hit(A, t + 3, ip=f"10.64.2.{i}").status_code for i in range(20)] == [204] * 20
        assert all(_closed_by_server(a, 20) for a in many)
        assert s.counts(t + 4, A)["views"][A] == 41
        assert s.proc.poll() is None
    finally:
        for a in attackers + many:
            a.close()
        s.stop()


def test_4_a_body_that_never_ends_is_timed_out(sqlite_svc):
    c = _idle_socket("127.0.0.4", sqlite_svc.port,
                     b"POST /v1/hit HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"path\"")
    try:
        assert _closed_by_server(c, 20)
    finally:
        c.close()


def test_4_systemd_unit_sets_limits():
    unit = (ROOT / "deploy" / "counter.service").read_text()
    settings = dict(line.split("=", 1) for line in unit.splitlines() if "=" in line and not line.startswith("#"))
    assert int(settings["LimitNOFILE"]) >= 4096 + 64  # the default connection cap plus files for storage
    assert "TasksMax" in settings and "MemoryMax" in settings


# --- 5. no storage call on the event loop -----------------------------------------------------

def test_5_a_held_write_lock_does_not_freeze_other_requests(sqlite_svc):
    s = sqlite_svc
    t = at(2060, 6, 1, 9, 0)
    assert s.hit(A, t, ip="10.65.0.1").status_code == 204
    lock = WriteLock(s.db)
    pending = {}
    try:
        # the first hit of a new day (a new salt) arrives while another process holds the lock
        th = threading.Thread(target=lambda: pending.update(r=s.hit(A, t + 86400, ip="10.65.0.2")))
        th.start()
        time.sleep(0.5)
        with httpx.Client(base_url=s.base, timeout=30) as other:
            t0 = time.monotonic()
            r = other.get("/v1/counts", params={"path": A}, headers={"X-Test-Now": str(t + 1)})
            took = time.monotonic() - t0
            m = other.get("/metrics")
        assert r.status_code == 200 and m.status_code == 200
        assert took < 4, took  # the lock is held for 8 s: a blocked loop would answer after it
        time.sleep(max(0.0, 8 - (time.monotonic() - t0)))
    finally:
        lock.release()
    th.join(30)
    assert pending["r"].status_code == 204  # released before the busy timeout: stored, answered
    assert s.counts(t + 86400 + 1, A)["today"] == 1


# --- 6. Redis: no salt, and every id-bearing key expires ------------------------------------------

def test_6_redis_and_its_aof_hold_no_salt_and_ids_expire(workdir, tmp_path):
    data = tmp_path / "redis"
    data.mkdir()
    port = free_port()
    proc = subprocess.Popen([shutil.which("redis-server"), "--port", str(port), "--bind", "127.0.0.1",
                             "--dir", str(data), "--appendonly", "yes", "--appendfsync", "always",
                             "--save", ""], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis
    r = redis.Redis(port=port)
    for _ in range(100):
        try:
            r.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    s = Service(workdir, workdir / "manifest.json", "redis", redis_url=f"redis://127.0.0.1:{port}/0",
                extra=["--site", "privacy"], test_clock=False)
    try:
        for i in (1, 2, 3):  # three readers in one /24, as in the report
            assert s.hit(A, ip=f"203.0.113.{i}").status_code == 204
        r.bgsave()
        time.sleep(1)
        salts = [p.read_bytes() for p in Path(s.salt_dir).glob("*.salt")]
        assert salts and all(len(x) == 32 for x in salts)
        on_disk = b"".join(p.read_bytes() for p in data.rglob("*") if p.is_file())
        assert b"appendonly" in on_disk or on_disk  # the AOF is there
        for salt in salts:
            assert salt not in on_disk and salt.hex().encode() not in on_disk
        permanent = {"d", "m", "total", "views", "imported"}  # counts only: no ids
        for key in r.scan_iter("*"):
            k = key.decode()
            ttl = r.ttl(key)
            if ttl == -1:
                assert k.startswith("c:{privacy}:") and k.split(":")[2] in permanent, k
            else:
                assert 0 < ttl <= rules.ONLINE_WINDOW + 3600 + 60 or k.split(":")[2] == "vd", (k, ttl)
        assert 0 < r.ttl("c:{privacy}:online") <= rules.ONLINE_WINDOW + 3600
    finally:
        s.stop()
        r.close()
        proc.terminate()
        proc.wait(10)


# --- 7. per-network cap, whatever the user agent ----------------------------------------------

@pytest.fixture(params=["sqlite", "redis"])
def any_svc(request, workdir):
    redis_url = request.getfixturevalue("redis_server").url if request.param == "redis" else None
    s = Service(workdir, workdir / "manifest.json", request.param, redis_url=redis_url,
                db=workdir / f"{request.node.name}.sqlite3".replace("/", "_"),
                extra=["--site", f"net-{request.param}-{time.time_ns()}"])
    yield s
    s.stop()


def _ua(i: int) -> str:
    return UA.replace("Chrome/120.0.0.0", f"Chrome/120.0.{i}.0")


def test_7_user_agent_rotation_is_capped_per_network_and_a_nat_stays_fair(any_svc):
    s = any_svc
    t = at(2060, 7, 1, 8, 0)
    c0 = s.counts(t, A)
    with httpx.Client(base_url=s.base, timeout=10) as c:
        def hit(ip, ua, when):
            return c.post("/v1/hit", content=json.dumps({"path": A}), headers={
                "Origin": ORIGIN, "User-Agent": ua, "X-Forwarded-For": ip, "X-Test-Now": str(when),
                "Content-Type": "text/plain"}).status_code
        # one machine, 600 user agents in 10 minutes
        assert {hit("198.51.100.7", _ua(i), t + i) for i in range(600)} == {204}
        c1 = s.counts(t + 700, A)
        assert c1["total"] - c0["total"] == rules.NET_VISIT_LIMIT
        # an IPv6 client rotating through its /64
        assert {hit(f"2001:db8:7:7::{i:x}", UA, t + 800 + i) for i in range(1, 251)} == {204}
        c2 = s.counts(t + 1100, A)
        assert c2["total"] - c1["total"] == rules.NET_VISIT_LIMIT
        # a school behind one NAT: 150 readers, 3 pages each within the hour, all counted
        readers = [_ua(1000 + i) for i in range(150)]
        for k in range(3):
            assert {hit("192.0.2.50", ua, t + 1200 + k * 600 + i) for i, ua in enumerate(readers)} == {204}
        c3 = s.counts(t + 3000, A)
        assert c3["total"] - c2["total"] == 150 and c3["views"][A] - c2["views"][A] == 150
    reasons = s.dropped("network_limited")
    assert reasons == (600 - rules.NET_VISIT_LIMIT) + (250 - rules.NET_VISIT_LIMIT)


# --- 8. bots --------------------------------------------------------------------------------------

BOTS = [
    ({"User-Agent": "node"}, "bot"),                                # Node's fetch (undici)
    ({"User-Agent": "Mozilla/5.0"}, "bot"),
    ({"User-Agent": "Mozilla/5.0 (compatible)"}, "bot"),
    ({"User-Agent": "x"}, "bot"),
    ({"User-Agent": UA, "Sec-CH-UA": '"HeadlessChrome";v="120"'}, "bot"),  # crawlerdetect's header rules
    ({"User-Agent": UA, "X-Purpose": "preview"}, "prefetch"),       # Safari and chat-app link previews
]
BROWSERS = [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) "
    "SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "coc_coc_browser/120.0.212 Chrome/114.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Linux; Android 12; V2120) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.43 "
    "Mobile Safari/537.36 Zalo android/12110801 ZaloTheme/light ZaloLanguage/vn",
]


def test_8_bots_and_previews_are_not_counted_and_browsers_are(sqlite_svc):
    s = sqlite_svc
    t = at(2060, 8, 1, 9, 0)
    for i, (headers, reason) in enumerate(BOTS):
        before = s.dropped(reason)
        ua = headers.pop("User-Agent")
        assert s.hit(A, t + i, ip=f"10.68.0.{i}", ua=ua, headers=headers).status_code == 204
        headers["User-Agent"] = ua
        assert s.dropped(reason) == before + 1, headers
    assert s.counts(t + 10, A)["total"] == 0
    for i, ua in enumerate(BROWSERS):
        assert s.hit(A, t + 20 + i, ip=f"10.68.1.{i}", ua=ua).status_code == 204
    assert s.counts(t + 30, A)["total"] == len(BROWSERS)


# --- 9. the test clock ----------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e20", "-1e20", "1e308"])
def test_9_impossible_test_times_are_4xx_and_store_nothing(sqlite_svc, value):
    s = sqlite_svc
    assert s.hit(A, value, ip="10.69.0.1").status_code == 400
    assert s.http.get("/v1/counts", headers={"X-Test-Now": value}).status_code == 400
    assert s.http.get("/v1/top", headers={"X-Test-Now": value}).status_code == 400
    assert s.counts(at(2060, 9, 1), A)["total"] == 0
    assert s.metrics()["counter_storage_errors_total"] == 0


def test_9_test_clock_cannot_be_enabled_by_accident(tmp_path):
    def run(*args, env=None):
        return subprocess.run([sys.executable, "-m", "counter_service", "--origin", "http://x", "--db",
                               str(tmp_path / "x.db"), *args], cwd=ROOT, capture_output=True, text=True,
                              env={**os.environ, "COUNTER_TEST_CLOCK": "", **(env or {})}, timeout=30)
    r = run("--test-clock")
    assert r.returncode == 2 and "COUNTER_TEST_CLOCK=1" in r.stderr
    r = run("--test-clock", "--host", "0.0.0.0", env={"COUNTER_TEST_CLOCK": "1"})
    assert r.returncode == 2 and "127.0.0.1" in r.stderr
    # the config route (uvicorn workers) refuses it too
    code = "from counter_service.clock import Clock; Clock(True)"
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                       env={**os.environ, "COUNTER_TEST_CLOCK": ""})
    assert r.returncode != 0 and "COUNTER_TEST_CLOCK" in r.stderr


# --- salts live only in memory ------------------------------------------------------------------

def test_salt_dir_must_be_a_memory_file_system(tmp_path):
    from counter_service.salt import MEMORY_FS, fs_type

    disk = next((d for d in (tmp_path, ROOT / "var") if fs_type(str(d.parent)) not in MEMORY_FS), None)
    if disk is None:
        pytest.skip("no disk-backed folder here")
    r = subprocess.run([sys.executable, "-m", "counter_service", "--origin", "http://x", "--db",
                        str(tmp_path / "x.db"), "--salt-dir", str(disk / "salts-test")], cwd=ROOT,
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 2 and "tmpfs" in r.stderr
    shutil.rmtree(disk / "salts-test", ignore_errors=True)
    store = SaltStore(f"/dev/shm/counter-salt-test-{os.getpid()}")
    store.check()
    try:
        day = "2060-10-01"
        a = store.get("s", day)
        assert store.get("s", day) == a and len(a) == 32 and store.days("s") == {day}
        assert store.purge(rules.day_start(day) + rules.SALT_KEEP - 1) == []
        assert store.purge(rules.day_start(day) + rules.SALT_KEEP) == [day] and store.days("s") == set()
    finally:
        shutil.rmtree(store.dir, ignore_errors=True)
