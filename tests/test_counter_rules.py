"""Pure parts of the counter: calendar keys, in-process rules, client IP, identity;
and the test clock being off unless --test-clock is given."""

from __future__ import annotations

import json

import pytest
from counter_helpers import Service, at

from counter_service import identity, rules
from counter_service.clock import BadTestTime, Clock


def test_calendar_keys_follow_ho_chi_minh():
    t = at(2031, 1, 1, 0, 30)  # 31 Dec 17:30 UTC
    assert rules.day_key(t) == "2031-01-01"
    assert rules.yesterday_key(t) == "2030-12-31"
    assert rules.month_key(t) == "2031-01"
    assert rules.last_month_key(t) == "2030-12"
    assert rules.last_month_key(at(2032, 3, 1, 0, 0)) == "2032-02"
    assert rules.day_keys_back(t, 3) == ["2031-01-01", "2030-12-31", "2030-12-30"]
    assert rules.day_start("2031-01-01") == t - 30 * 60


def test_memory_rules():
    r = rules.MemoryRules()
    t = at(2031, 5, 5, 8, 0)
    o = r.hit("v1", "/a", t)
    assert (o.counted, o.new_visit, o.new_view) == (True, True, True)
    o = r.hit("v1", "/a", t + 1799)
    assert (o.new_visit, o.new_view) == (False, False)
    o = r.hit("v1", "/b", t + 1800)
    assert (o.new_visit, o.new_view) == (True, True)
    assert r.online(t + 1800) == 1 and r.online(t + 1800 + 300) == 0
    r.prune(t + 4000)
    assert not r.visits and not r.views and not r.seen


def test_client_ip():
    trust = identity.ClientIP(["127.0.0.1", "10.0.0.0/8"])
    assert trust("127.0.0.1", "203.0.113.5") == "203.0.113.5"
    assert trust("127.0.0.1", "1.1.1.1, 203.0.113.5, 10.2.3.4") == "203.0.113.5"
    assert trust("127.0.0.1", "garbage") == "127.0.0.1"
    assert trust("198.51.100.9", "203.0.113.5") == "198.51.100.9"  # untrusted peer: header ignored
    assert identity.ClientIP([])("127.0.0.1", "203.0.113.5") == "127.0.0.1"


def test_visitor_id_depends_on_salt_site_ip_ua():
    v = identity.visitor_id(b"s" * 32, "site", "1.2.3.4", "UA")
    assert len(v) == 32 and "1.2.3.4" not in v
    others = {identity.visitor_id(b"t" * 32, "site", "1.2.3.4", "UA"),
              identity.visitor_id(b"s" * 32, "other", "1.2.3.4", "UA"),
              identity.visitor_id(b"s" * 32, "site", "1.2.3.5", "UA"),
              identity.visitor_id(b"s" * 32, "site", "1.2.3.4", "UA2")}
    assert v not in others and len(others) == 4


def test_clock_header_only_with_flag(monkeypatch):
    h = {"x-test-now": "2031-01-01T00:00:00+07:00"}
    with pytest.raises(RuntimeError):
        Clock(True)  # the flag alone cannot turn the test clock on
    monkeypatch.setenv("COUNTER_TEST_CLOCK", "1")
    assert Clock(True).now(h) == at(2031, 1, 1, 0, 0)
    assert Clock(False).now(h) < at(2031, 1, 1)
    for bad in ("2031-01-01T00:00:00", "nan", "inf", "-inf", "1e20", "1", "abc"):  # naive, not finite, out of range
        with pytest.raises(BadTestTime):
            Clock(True).now({"x-test-now": bad})


def test_service_ignores_test_clock_header_without_flag(tmp_path):
    (tmp_path / "m.json").write_text(json.dumps({"version": 1, "paths": {"/a.html": {"kind": "article"}}}))
    s = Service(tmp_path, tmp_path / "m.json", "sqlite", test_clock=False)
    try:
        assert s.hit("/a.html", at(2031, 1, 1, 9, 0)).status_code == 204
        c = s.http.get("/v1/counts", headers={"X-Test-Now": str(at(2031, 1, 1, 9, 1))}).json()
        assert c["today"] == 1  # counted today, real time, and read on real time
    finally:
        s.stop()


def test_cli_rejects_bad_options(tmp_path):
    import subprocess
    import sys

    from counter_helpers import ROOT

    def run(*args):
        return subprocess.run([sys.executable, "-m", "counter_service", *args], cwd=ROOT,
                              capture_output=True, text=True)

    assert "--origin" in run("--db", str(tmp_path / "x.db")).stderr
    r = run("--origin", "http://x", "--workers", "2")
    assert r.returncode == 2 and "--redis-url" in r.stderr
    r = run("--origin", "http://x", "--flush-ms", "500")
    assert r.returncode == 2 and "100" in r.stderr
    r = run("--origin", "http://x", "--trusted-proxy", "not-an-ip")
    assert r.returncode == 2


def test_service_picks_up_a_rebuilt_manifest(tmp_path):
    """The build rewrites counter/manifest.json; the running service follows it, and a
    manifest missing at start (site not built yet) is not fatal."""
    import os
    import time

    m = tmp_path / "counter" / "manifest.json"
    s = Service(tmp_path, m, "sqlite", wait_healthy=False)
    try:
        h = s.http.get("/healthz")
        assert h.status_code == 503 and "manifest_error" in h.json()  # nothing could be counted yet
        t = at(2031, 7, 1, 9, 0)
        assert s.hit("/new.html", t).status_code == 204 and s.dropped("path") == 1
        m.parent.mkdir()
        m.write_text(json.dumps({"version": 1, "paths": {"/new.html": {"kind": "article"}}}))
        os.utime(m, (time.time() + 5, time.time() + 5))
        deadline = time.monotonic() + 10
        while s.http.get("/healthz").status_code != 200:
            assert time.monotonic() < deadline, "manifest not reloaded"
            time.sleep(0.2)
        assert s.hit("/new.html", t + 1).status_code == 204
        assert s.counts(t + 2, "/new.html")["views"]["/new.html"] == 1
    finally:
        s.stop()
