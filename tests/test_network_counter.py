"""One counter service for a network of portals: the exact Origin picks the site, counts and
manifests are per site. A real uvicorn process, on a real SQLite file and a real redis-server."""

from __future__ import annotations

import json

import pytest
from counter_helpers import ORIGIN, Service, at, redis_server  # noqa: F401 (redis_server: fixture)

from plugins.network import counter_table, sites

pytestmark = pytest.mark.xdist_group("network_counter")

A_ORIGIN, B_ORIGIN = "http://xa-a.localhost:8000", "http://phuong-b.localhost:8000"
ART = "/2026/11/cau-treo.html"
ONLY_B = "/2026/11/chi-o-phuong-b.html"
MIN = 60


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    d = tmp_path_factory.mktemp("network-counter")
    shared = {"/": {"kind": "index"}, ART: {"kind": "article", "title": "Cầu treo"}}
    (d / "manifest.json").write_text(json.dumps({"version": 1, "paths": shared}), encoding="utf-8")
    for slug, extra in (("xa-a", {}), ("phuong-b", {ONLY_B: {"kind": "article", "title": "Chỉ ở phường B"}})):
        (d / slug / "counter").mkdir(parents=True)
        (d / slug / "counter" / "manifest.json").write_text(
            json.dumps({"version": 1, "paths": {**shared, **extra}}), encoding="utf-8")
    # the table as `invoke counter-sites` writes it: the sites' settings, local origins
    net = sites.Network(str(d), {s: sites.Site(s, n, "", "") for s, n in (("xa-a", "Xã A"), ("phuong-b", "Phường B"))})
    counter_table.write(counter_table.table(net, "local", str(d)), str(d / "sites.json"))
    return d


@pytest.fixture(scope="module", params=["sqlite", "redis"])
def svc(request, workdir):
    redis_url = request.getfixturevalue("redis_server").url if request.param == "redis" else None
    s = Service(workdir, workdir / "manifest.json", request.param, redis_url=redis_url,
                db=workdir / f"{request.param}.sqlite3", extra=["--sites", str(workdir / "sites.json")])
    s.backend = request.param
    s.redis = request.getfixturevalue("redis_server") if redis_url else None
    yield s
    assert s.stop() in (0, -15)


def ok(r):
    assert r.status_code == 204, (r.status_code, r.text)
    return r


def counted(svc, now, origin):
    c = svc.counts(now, "/", ART, ONLY_B, origin=origin)
    return {k: c[k] for k in ("online", "today", "this_month", "total")} | {"views": c["views"]}


def test_a_hit_on_commune_a_never_changes_commune_b(svc):
    t = at(2036, 4, 2, 9, 0)
    b0, main0 = counted(svc, t, B_ORIGIN), counted(svc, t, ORIGIN)
    a0 = counted(svc, t, A_ORIGIN)
    for i in range(6):  # six visitors, each an index view and an article view on commune A
        ok(svc.hit("/", t + i, ip=f"10.61.0.{i}", origin=A_ORIGIN))
        ok(svc.hit(ART, t + i + 1, ip=f"10.61.0.{i}", origin=A_ORIGIN))
    a = counted(svc, t + MIN, A_ORIGIN)
    assert (a["online"], a["today"] - a0["today"], a["total"] - a0["total"]) == (6, 6, 6)
    assert a["views"][ART] - a0["views"][ART] == 6
    assert counted(svc, t + MIN, B_ORIGIN) == {**b0, "online": 0}
    assert counted(svc, t + MIN, ORIGIN) == {**main0, "online": 0}
    # the same visitor on commune B is a visit of B, counted there only
    ok(svc.hit(ART, t + 2 * MIN, ip="10.61.0.1", origin=B_ORIGIN))
    b = counted(svc, t + 3 * MIN, B_ORIGIN)
    assert (b["online"], b["today"] - b0["today"], b["views"][ART] - b0["views"][ART]) == (1, 1, 1)
    assert counted(svc, t + 3 * MIN, A_ORIGIN) == a


def test_each_site_counts_only_its_own_manifest(svc):
    t = at(2036, 5, 3, 9, 0)
    b0 = svc.counts(t, ONLY_B, origin=B_ORIGIN)["views"][ONLY_B]
    before = svc.dropped("path")
    ok(svc.hit(ONLY_B, t, ip="10.62.0.1", origin=A_ORIGIN))  # not published on commune A
    assert svc.dropped("path") == before + 1
    ok(svc.hit(ONLY_B, t, ip="10.62.0.1", origin=B_ORIGIN))
    assert svc.counts(t + 1, ONLY_B, origin=B_ORIGIN)["views"][ONLY_B] == b0 + 1
    assert svc.counts(t + 1, ONLY_B, origin=A_ORIGIN)["views"][ONLY_B] == 0


def test_reads_need_a_site_the_service_knows(svc):
    r = svc.http.get("/v1/counts", params={"path": "/"})
    assert r.status_code == 400 and sorted(r.json()["sites"]) == ["nampang", "phuong-b", "xa-a"]
    t = at(2036, 5, 3, 10, 0)
    ok(svc.hit(ONLY_B, t, ip="10.64.0.1", origin=B_ORIGIN))  # this test's own view (tests may run apart)
    r = svc.http.get("/v1/top", params={"site": "phuong-b"}, headers={"X-Test-Now": str(t)})
    assert r.status_code == 200
    assert ONLY_B in [i["path"] for i in r.json()["items"]]
    health = svc.http.get("/healthz").json()
    assert health["status"] == "ok" and set(health["sites"]) == {"nampang", "xa-a", "phuong-b"}


def test_redis_keys_are_hash_tagged_per_site(svc):
    if svc.backend != "redis":
        pytest.skip("Redis only")
    t = at(2036, 6, 4, 9, 0)
    ok(svc.hit(ART, t, ip="10.63.0.1", origin=A_ORIGIN))
    keys = [k.decode() for k in svc.redis.client.scan_iter(match="c:*") if k != b"c:health"]  # the probe
    assert keys and all(k.startswith(("c:{xa-a}:", "c:{phuong-b}:", "c:{nampang}:")) for k in keys), keys
    assert any(k.startswith("c:{xa-a}:") for k in keys)


def test_a_table_listing_an_origin_twice_is_refused(workdir, tmp_path):
    import subprocess
    import sys

    from counter_helpers import ROOT

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"sites": [{"site": "x", "origins": [A_ORIGIN]}, {"site": "y", "origins": [A_ORIGIN]}]}),
                   encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "counter_service", "--sites", str(bad), "--db",
                           str(tmp_path / "c.sqlite3")], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "origin listed twice" in proc.stderr
