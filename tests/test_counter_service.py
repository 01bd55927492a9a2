"""The counter service over HTTP, against a real SQLite file and a real redis-server.

Every test runs on both backends. Services start once per module; tests keep out of
each other's way with their own simulated year (X-Test-Now, --test-clock), their own
visitors (X-Forwarded-For from the trusted loopback proxy) and deltas for all-time totals.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from counter_helpers import ORIGIN, ROOT, UA, Service, at, redis_server  # noqa: F401 (redis_server: fixture)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counter_service import rules
from counter_service.manifest import normalize
from counter_service.salt import SaltStore

PATHS = {
    "/": {"kind": "index"},
    "/2024/03/thu-hoach-che.html": {"kind": "article", "title": "Thu hoạch chè"},
    "/2024/04/dan-van.html": {"kind": "article", "title": "Dân vận"},
    "/2024/05/nong-thon-moi.html": {"kind": "article", "title": "Nông thôn mới"},
    "/gioi-thieu.html": {"kind": "page", "title": "Giới thiệu"},
    "/van-ban/qd-12.html": {"kind": "document"},
    "/van-ban/files/qd-12.pdf": {"kind": "attachment"},
    "/chuyen-muc/tin-tuc/": {"kind": "index"},
}
A, B, C = "/2024/03/thu-hoach-che.html", "/2024/04/dan-van.html", "/2024/05/nong-thon-moi.html"
MIN = 60


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    d = tmp_path_factory.mktemp("counter")
    (d / "manifest.json").write_text(json.dumps({"version": 1, "paths": PATHS}), encoding="utf-8")
    return d


@pytest.fixture(scope="module", params=["sqlite", "redis"])
def svc(request, workdir):
    backend = request.param
    redis_url = request.getfixturevalue("redis_server").url if backend == "redis" else None
    s = Service(workdir, workdir / "manifest.json", backend, redis_url=redis_url,
                db=workdir / f"{backend}-main.sqlite3")
    s.backend = backend
    s.redis_url = redis_url
    yield s
    assert s.stop() in (0, -15)  # uvicorn re-raises SIGTERM after a clean shutdown


def ok(r):
    assert r.status_code == 204, (r.status_code, r.text)
    return r


# --- counting rules -----------------------------------------------------------------

def test_visit_is_first_hit_of_a_visitor_within_30_minutes(svc):
    t = at(2031, 3, 10, 9, 0)
    before = svc.counts(t)["total"]
    ip = "10.31.0.1"
    for dt in (0, 10 * MIN, 29 * MIN):  # same visitor, other pages: one visit
        ok(svc.hit(A if dt else B, t + dt, ip=ip))
    c = svc.counts(t + 29 * MIN)
    assert (c["today"], c["this_month"], c["total"] - before) == (1, 1, 1)
    ok(svc.hit(A, t + 30 * MIN, ip=ip))  # 30 minutes after the visit began: a new visit
    ok(svc.hit(A, t + 31 * MIN, ip="10.31.0.2"))  # another visitor (IP)
    ok(svc.hit(A, t + 31 * MIN, ip=ip, ua=UA.replace("120", "121")))  # another visitor (UA)
    c = svc.counts(t + 32 * MIN)
    assert (c["today"], c["total"] - before) == (4, 4)


def test_view_counts_once_per_visitor_and_path_per_30_minutes(svc):
    t = at(2032, 6, 1, 8, 0)
    v0 = svc.counts(t, A, B, C)["views"]
    ok(svc.hit(A, t, ip="10.32.0.1"))
    ok(svc.hit(A, t + 29 * MIN, ip="10.32.0.1"))
    ok(svc.hit(B, t + 29 * MIN, ip="10.32.0.1"))
    ok(svc.hit(A, t + 5 * MIN, ip="10.32.0.2"))
    v = svc.counts(t + 29 * MIN, A, B, C)["views"]
    assert (v[A] - v0[A], v[B] - v0[B], v[C] - v0[C]) == (2, 1, 0)
    ok(svc.hit(A, t + 30 * MIN, ip="10.32.0.1"))
    v = svc.counts(t + 31 * MIN, A, "/2024/03/thu-hoach-che.html?utm=x")["views"]
    assert v[A] - v0[A] == 3


def test_online_is_distinct_visitors_in_last_5_minutes(svc):
    t = at(2033, 2, 3, 10, 0)
    ok(svc.hit(A, t, ip="10.33.0.1"))
    ok(svc.hit(B, t + 1 * MIN, ip="10.33.0.1"))
    ok(svc.hit(A, t + 2 * MIN, ip="10.33.0.2"))
    assert svc.counts(t + 3 * MIN)["online"] == 2
    assert svc.counts(t + 6 * MIN - 1)["online"] == 2  # last seen at +1 and +2 minutes
    assert svc.counts(t + 6 * MIN)["online"] == 1      # +1 minute is now 5 minutes ago
    assert svc.counts(t + 7 * MIN)["online"] == 0


def test_more_than_30_hits_a_minute_are_dropped(svc):
    t = at(2034, 1, 5, 9, 0)  # a minute boundary
    before = svc.dropped("rate_limited")
    paths = [p for p in PATHS if p != C]
    for i in range(30):
        ok(svc.hit(paths[i % len(paths)], t + i, ip="10.34.0.1"))
    v0 = svc.counts(t + 31, C)["views"][C]
    ok(svc.hit(C, t + 31, ip="10.34.0.1"))  # 31st in the minute: silent 204, not counted
    assert svc.dropped("rate_limited") == before + 1
    assert svc.counts(t + 32, C)["views"][C] == v0
    ok(svc.hit(C, t + 31, ip="10.34.0.2"))  # other visitors are not affected
    ok(svc.hit(C, t + MIN + 1, ip="10.34.0.1"))  # next minute: counted again
    assert svc.counts(t + MIN + 2, C)["views"][C] == v0 + 2
    assert svc.dropped("rate_limited") == before + 1


def test_days_follow_ho_chi_minh_time(svc):
    # 23:50 and 00:10 local are the same UTC day (16:50 and 17:10 UTC).
    ok(svc.hit(A, at(2035, 3, 10, 23, 50), ip="10.35.0.1"))
    ok(svc.hit(A, at(2035, 3, 11, 0, 10), ip="10.35.0.2"))
    ok(svc.hit(A, at(2035, 3, 11, 0, 15), ip="10.35.0.3"))
    c = svc.counts(at(2035, 3, 11, 0, 20))
    assert (c["today"], c["yesterday"], c["this_month"]) == (2, 1, 3)
    c = svc.counts(at(2035, 3, 12, 12, 0))
    assert (c["today"], c["yesterday"]) == (0, 2)


def test_month_rollover(svc):
    ok(svc.hit(A, at(2036, 5, 31, 23, 50), ip="10.36.0.1"))
    ok(svc.hit(A, at(2036, 5, 31, 23, 55), ip="10.36.0.2"))
    ok(svc.hit(A, at(2036, 6, 1, 0, 5), ip="10.36.0.3"))
    c = svc.counts(at(2036, 6, 1, 0, 10))
    assert (c["this_month"], c["last_month"], c["today"], c["yesterday"]) == (1, 2, 1, 2)
    c = svc.counts(at(2036, 7, 1, 0, 0))
    assert (c["this_month"], c["last_month"]) == (0, 1)


def test_january_last_month_is_december_of_previous_year(svc):
    ok(svc.hit(A, at(2037, 12, 31, 23, 59), ip="10.37.0.1"))
    ok(svc.hit(A, at(2037, 12, 15, 8, 0), ip="10.37.0.2"))
    ok(svc.hit(A, at(2038, 1, 1, 0, 1), ip="10.37.0.3"))
    c = svc.counts(at(2038, 1, 1, 0, 2))
    assert (c["this_month"], c["last_month"], c["yesterday"], c["today"]) == (1, 2, 1, 1)
    assert rules.last_month_key(at(2038, 1, 20, 12, 0)) == "2037-12"


def test_total_counts_visits_and_views_are_per_path(svc):
    t = at(2039, 4, 4, 4, 4)
    c0 = svc.counts(t, A, B)
    for i in range(5):
        ok(svc.hit(A, t + i, ip=f"10.39.0.{i}"))
        ok(svc.hit(B, t + i + 1, ip=f"10.39.0.{i}"))
    c = svc.counts(t + 10, A, B)
    assert c["total"] - c0["total"] == 5
    assert (c["views"][A] - c0["views"][A], c["views"][B] - c0["views"][B]) == (5, 5)


def test_top_lists_most_viewed_articles_in_window(svc):
    t = at(2040, 8, 20, 9, 0)
    for i in range(3):
        ok(svc.hit(C, t + i, ip=f"10.40.0.{i}"))
    ok(svc.hit(B, t, ip="10.40.1.1"))
    for i in range(5):
        ok(svc.hit("/gioi-thieu.html", t + i, ip=f"10.40.2.{i}"))  # a page, not an article
    ok(svc.hit(A, t - 10 * 86400, ip="10.40.3.1"))  # outside a 7-day window
    r = svc.http.get("/v1/top", params={"days": 7, "limit": 10}, headers={"X-Test-Now": str(t + 60)})
    assert r.status_code == 200
    items = r.json()["items"]
    assert [(x["path"], x["views"]) for x in items] == [(C, 3), (B, 1)]
    assert items[0]["title"] == "Nông thôn mới"
    r = svc.http.get("/v1/top", params={"days": 14, "limit": 1}, headers={"X-Test-Now": str(t + 60)})
    assert [x["path"] for x in r.json()["items"]] == [C]
    for bad in ({"days": 0}, {"days": 32}, {"limit": 0}, {"limit": "x"}, {"days": "1e9"}):
        assert svc.http.get("/v1/top", params=bad).status_code == 400


# --- not counted ------------------------------------------------------------------------

@pytest.mark.parametrize("case", [
    "origin_other", "origin_missing", "origin_other_port", "origin_null",
    "path_unknown", "bot_google", "bot_curl", "ua_missing",
    "sec_purpose", "purpose", "x_moz",
])
def test_not_counted_is_silent_204_with_reason(svc, case):
    t = at(2041, 1, 1, 1, 0)
    ip = f"10.41.{abs(hash(case)) % 250}.{len(case)}"
    kw, reason = {
        "origin_other": ({"origin": "https://evil.example"}, "origin"),
        "origin_missing": ({"origin": None}, "origin"),
        "origin_other_port": ({"origin": "http://portal.test:8001"}, "origin"),
        "origin_null": ({"origin": "null"}, "origin"),
        "path_unknown": ({"path": "/2024/03/khong-co.html"}, "path"),
        "bot_google": ({"ua": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"}, "bot"),
        "bot_curl": ({"ua": "curl/8.5.0"}, "bot"),
        "ua_missing": ({"ua": None}, "bot"),
        "sec_purpose": ({"headers": {"Sec-Purpose": "prefetch"}}, "prefetch"),
        "purpose": ({"headers": {"Purpose": "prefetch"}}, "prefetch"),
        "x_moz": ({"headers": {"X-Moz": "prefetch"}}, "prefetch"),
    }[case]
    path = kw.pop("path", A)
    c0 = svc.counts(t, A)
    d0 = svc.dropped(reason)
    r = svc.hit(path, t, ip=ip, **kw)
    assert r.status_code == 204 and r.content == b""
    assert svc.dropped(reason) == d0 + 1
    c = svc.counts(t + 1, A)
    assert (c["total"], c["views"][A], c["online"]) == (c0["total"], c0["views"][A], c0["online"])


def test_second_configured_origin_counts(svc):
    t = at(2041, 2, 1, 1, 0)
    c0 = svc.counts(t)["total"]
    ok(svc.hit(A, t, ip="10.41.255.1", origin="http://second.test"))
    assert svc.counts(t + 1)["total"] == c0 + 1


@pytest.mark.parametrize("body,status", [
    (b"not json", 400), (b"", 400), (b"[1,2]", 400), (b'{"path": 5}', 400), (b'{"p": "/"}', 400),
    (b'{"path": "relative.html"}', 400), (b'{"path": "/a\\u0000b"}', 400), (b"\xff\xfe", 400),
    (json.dumps({"path": "/" + "a" * 512}).encode(), 400),
    (json.dumps({"path": A, "pad": "x" * 2100}).encode(), 413),
    (b"[" * 1500 + b"]" * 500, 400),
])
def test_malformed_hit_is_4xx_and_stores_nothing(svc, body, status):
    t = at(2042, 1, 1, 1, 0)
    c0 = svc.counts(t, A)
    r = svc.hit(None, t, ip="10.42.0.1", body=body)
    assert r.status_code == status, r.text
    assert svc.counts(t + 1, A) == c0


def test_path_of_exactly_512_characters_is_well_formed(svc):
    r = svc.hit("/" + "b" * 511, at(2042, 2, 1, 1, 0), ip="10.42.0.2")
    assert r.status_code == 204  # well-formed, not in the manifest: dropped, not rejected


def test_body_over_2kb_without_content_length_is_413(svc):
    def chunks():
        yield b'{"path": "/", "x": "'
        yield b"y" * 3000
        yield b'"}'
    r = svc.http.post("/v1/hit", content=chunks(), headers={"Origin": ORIGIN, "User-Agent": UA})
    assert r.status_code == 413


def _valid_counted(body: bytes) -> bool:
    try:
        data = json.loads(body)
    except Exception:
        return False
    return isinstance(data, dict) and isinstance(data.get("path"), str) and normalize(data["path"]) in PATHS


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)
bodies = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(lambda s: s.encode("utf-8", "surrogatepass")),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.dictionaries(st.sampled_from(["path", "p", "x"]), json_values, max_size=3).map(lambda v: json.dumps(v).encode()),
    st.text(max_size=600).map(lambda p: json.dumps({"path": p}).encode()),
    st.text(alphabet="/?#%.ab", max_size=30).map(lambda p: json.dumps({"path": "/" + p}).encode()),
)
header_values = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=60).map(str.strip)


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=bodies, purpose=st.none() | header_values, ua=st.none() | header_values,
       xff=st.none() | header_values, ctype=st.none() | header_values)
def test_fuzzed_hits_never_5xx_and_store_nothing(svc, body, purpose, ua, xff, ctype):
    if _valid_counted(body):
        return
    t = at(2043, 1, 1, 1, 0)
    c0 = svc.counts(t, A)
    headers = {k: v for k, v in {"Purpose": purpose, "Content-Type": ctype}.items() if v}
    r = svc.hit(None, t, ip=xff or "10.43.0.1", ua=ua or UA, body=body, headers=headers)
    assert r.status_code in (204, 400, 413), (r.status_code, body)
    assert svc.counts(t + 1, A) == c0


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(params=st.lists(st.tuples(st.sampled_from(["path", "days", "limit", "kind", "x"]), st.text(max_size=600)),
                       max_size=60),
       route=st.sampled_from(["/v1/counts", "/v1/top"]))
def test_fuzzed_queries_never_5xx(svc, params, route):
    r = svc.http.get(route, params=params)
    assert r.status_code in (200, 400), (r.status_code, r.text)


# --- HTTP contract ------------------------------------------------------------------------

def test_counts_cache_and_cors(svc):
    r = svc.http.get("/v1/counts", params={"path": A}, headers={"Origin": ORIGIN})
    assert r.headers["access-control-allow-origin"] == ORIGIN
    assert r.headers["cache-control"] == "public, max-age=10"
    assert set(r.json()) == {"online", "today", "yesterday", "this_month", "last_month", "total", "views"}
    r = svc.http.get("/v1/counts", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in r.headers
    assert svc.http.get("/v1/counts", params=[("path", f"/{i}") for i in range(51)]).status_code == 400
    r = svc.http.get("/v1/hit")
    assert r.status_code == 405


def test_healthz_and_metrics(svc):
    ok(svc.hit(A, at(2031, 7, 1, 9, 0), ip="10.77.0.1"))  # xdist may run this test first
    h = svc.http.get("/healthz").json()
    assert h["status"] == "ok" and h["backend"] == svc.backend and h["manifest_paths"] == len(PATHS)
    r = svc.http.get("/metrics")
    assert r.headers["content-type"].startswith("text/plain; version=0.0.4")
    for reason in rules.DROP_REASONS:
        assert f'counter_hits_dropped_total{{reason="{reason}"}}' in r.text
    assert "# TYPE counter_hits_accepted_total counter" in r.text
    assert svc.metrics()["counter_hits_accepted_total"] > 0


# --- identity and privacy -----------------------------------------------------------------

def _stored_bytes(svc) -> bytes:
    if svc.backend == "sqlite":
        blob = b""
        for suffix in ("", "-wal"):
            p = svc.db.with_name(svc.db.name + suffix)
            if p.exists():
                blob += p.read_bytes()
        return blob
    import redis
    r = redis.Redis.from_url(svc.redis_url)
    out = b""
    for k in r.scan_iter(count=1000):
        t = r.type(k)
        out += k
        if t == b"string":
            out += r.get(k) or b""
        elif t == b"hash":
            out += b"".join(a + b for a, b in r.hgetall(k).items())
        elif t == b"zset":
            out += b"".join(m for m, _ in r.zrange(k, 0, -1, withscores=True))
    r.close()
    return out


def test_no_raw_ip_or_user_agent_is_stored(svc):
    ip, ua = "203.0.113.77", UA.replace("537.36", "537.99") + " NamPangProbe/7.7"
    ok(svc.hit(A, at(2044, 1, 1, 9, 0), ip=ip, ua=ua))
    blob = _stored_bytes(svc)
    assert ip.encode() not in blob and b"NamPangProbe" not in blob
    assert b"203.0.113" not in blob


def test_forwarded_for_only_from_trusted_proxy_rightmost_untrusted_hop(svc):
    t = at(2044, 2, 1, 9, 0)
    c0 = svc.counts(t)["total"]
    ok(svc.hit(A, t, ip="198.51.100.1"))
    ok(svc.hit(A, t, ip="1.2.3.4, 198.51.100.1"))  # spoofed left part: same visitor
    ok(svc.hit(A, t, ip="198.51.100.1, 127.0.0.1"))  # trusted hop skipped: same visitor
    assert svc.counts(t + 1)["total"] == c0 + 1


def test_daily_salt_is_deleted_after_48_hours(svc):
    d = at(2045, 3, 1, 12, 0)
    ok(svc.hit(A, d, ip="10.45.0.1"))
    ok(svc.hit(A, d + 86400, ip="10.45.0.1"))  # next day: new salt, a new visit
    assert svc.counts(d + 86400 + 1)["today"] == 1

    def salts():
        # the salts live only in the service's tmpfs folder: never in SQLite or Redis
        if svc.backend == "sqlite":
            import sqlite3
            con = sqlite3.connect(svc.db)
            assert not con.execute("SELECT 1 FROM sqlite_master WHERE name='salts'").fetchone()
            con.close()
        else:
            import redis
            r = redis.Redis.from_url(svc.redis_url)
            assert not list(r.scan_iter("*salt*"))
            r.close()
        return {d for d in SaltStore(str(svc.salt_dir)).days("nampang") if d.startswith("2045-")}

    assert salts() == {"2045-03-01", "2045-03-02"}
    ok(svc.hit(A, at(2045, 3, 3, 0, 1), ip="10.45.0.1"))  # 48 h after 1 March began
    assert salts() == {"2045-03-02", "2045-03-03"}


# --- migration --------------------------------------------------------------------------

def test_import_starting_totals(svc):
    t = at(2046, 1, 15, 9, 0)
    c0 = svc.counts(t)
    backend = ["--redis-url", svc.redis_url] if svc.backend == "redis" else ["--db", str(svc.db)]
    proc = subprocess.run([sys.executable, "-m", "counter_service", "import", *backend, "--site", "nampang",
                           "--total", "18912473", "--month", "2045-12=1119475", "--month", "2046-01=839488"],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    ok(svc.hit(A, t, ip="10.46.0.1"))
    c = svc.counts(t + 1)
    assert c["total"] == c0["total"] - (0 if c0["total"] < 18912473 else 18912473) + 18912473 + 1
    assert (c["this_month"], c["last_month"]) == (839488 + 1, 1119475)
    bad = subprocess.run([sys.executable, "-m", "counter_service", "import", *backend, "--site", "x",
                          "--month", "2046-13=5"], cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode == 2 and "YYYY-MM=N" in bad.stderr
