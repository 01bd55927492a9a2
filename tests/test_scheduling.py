"""Scheduled publishing and expiry with an injectable clock (PORTAL_NOW): real builds
before and after the times, asserting on pages, listings, feeds, sitemap and search."""

import json
import subprocess
import sys

from conftest import ROOT


def _everywhere(site, slug):
    """Where a slug appears in the built site, by kind of output."""
    found = set()
    for path in site.output.rglob("*"):
        if not path.is_file() or path.suffix not in (".html", ".xml", ".json"):
            continue
        rel = str(path.relative_to(site.output))
        if slug in rel:
            found.add("page")
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if slug not in text:
            continue
        if rel.startswith("feeds/"):
            found.add("feed")
        elif rel.startswith("sitemap"):
            found.add("sitemap")
        elif rel.startswith("tim-kiem"):
            found.add("search")
        elif rel.startswith("counter/"):
            found.add("counter")  # the visitor counter's list of countable pages
        else:
            found.add("listing")
    return found


def _search_text(site):
    """Every search shard's text (titles, leads), decoded."""
    shards = sorted((site.output / "tim-kiem").glob("*.json"))
    assert shards, "no search index was written"
    return " ".join(json.dumps(json.loads(p.read_text(encoding="utf-8")), ensure_ascii=False) for p in shards)


def test_future_article_is_published_only_from_its_time(site):
    site.article("cu", title="Tin hôm trước", date="2027-01-14 09:00")
    site.article("hen", title="Lễ khai mạc hội chợ xuân", date="2027-01-15 08:00",
                 tags=["hội chợ"], body="Hội chợ xuân khai mạc tại trung tâm huyện.")
    site.extra_settings = 'PORTAL_NOW = "2027-01-15 07:59"\n'
    site.build()
    assert _everywhere(site, "le-khai-mac-hoi-cho-xuan") == set()
    assert "Lễ khai mạc hội chợ xuân" not in _search_text(site)
    assert (site.output / "2027" / "01" / "tin-hom-truoc.html").exists()
    site.extra_settings = 'PORTAL_NOW = "15/01/2027 08:00"\n'
    site.build()
    assert {"page", "listing", "feed", "sitemap"} <= _everywhere(site, "le-khai-mac-hoi-cho-xuan")
    assert "Lễ khai mạc hội chợ xuân" in _search_text(site)
    # the older article now lists it among its related news
    old = site.html("2027/01/tin-hom-truoc.html")
    assert old.find("a", href=lambda h: h and "le-khai-mac-hoi-cho-xuan" in h) is not None


def test_expired_article_leaves_listings_but_its_page_stays_marked(site):
    site.article("khac", title="Tin khác", date="2026-12-01 08:00")
    site.article("tb", title="Thông báo lịch tiếp dân tháng 12", date="2026-12-01 09:00",
                 expires="2026-12-31 17:00", body="Lịch tiếp công dân của Chủ tịch UBND huyện.")
    site.article("go", title="Thông báo tuyển dụng đợt 2", date="2026-12-01 10:00",
                 expires="2026-12-31 17:00", remove_when_expired=True, body="Tuyển dụng viên chức.")
    site.extra_settings = 'PORTAL_NOW = "2026-12-31 16:59"\n'
    site.build()
    for slug in ("thong-bao-lich-tiep-dan-thang-12", "thong-bao-tuyen-dung-dot-2"):
        assert {"page", "listing", "feed", "sitemap"} <= _everywhere(site, slug), slug
    assert "Thông báo lịch tiếp dân" in _search_text(site)
    assert site.html("2026/12/thong-bao-lich-tiep-dan-thang-12.html").select_one(".notice--expired") is None
    site.extra_settings = 'PORTAL_NOW = "2026-12-31 17:00"\n'
    site.build()
    assert _everywhere(site, "thong-bao-lich-tiep-dan-thang-12") <= {"page", "counter"}
    assert (site.output / "2026/12/thong-bao-lich-tiep-dan-thang-12.html").exists()
    assert "Thông báo lịch tiếp dân" not in _search_text(site)
    notice = site.html("2026/12/thong-bao-lich-tiep-dan-thang-12.html").select_one(".notice--expired")
    assert notice is not None and "Tin đã hết hạn" in notice.text
    assert _everywhere(site, "thong-bao-tuyen-dung-dot-2") == set()


def test_bad_expiry_and_bad_clock_are_named(site):
    site.article("sai", title="Hết hạn trước khi đăng", date="2026-12-01 09:00", expires="2026-11-30 09:00")
    proc = site.build(check=False)
    assert proc.returncode == 1
    assert "sai.md:4: ngày hết hạn 'expires' không sau ngày đăng 'date'" in proc.stderr
    site.article("sai", title="Hết hạn trước khi đăng", date="2026-12-01 09:00")
    site.extra_settings = 'PORTAL_NOW = "mai"\n'
    proc = site.build(check=False)
    assert proc.returncode == 1 and "PORTAL_NOW = 'mai' không đọc được" in proc.stdout + proc.stderr


def test_publish_settings_never_take_the_clock_from_the_environment():
    code = ("import os, sys; os.environ['PORTAL_NOW'] = '2030-01-01 00:00'; sys.path.insert(0, sys.argv[1]);"
            "from pelican.settings import read_settings; import os.path;"
            "print(repr(read_settings(os.path.join(sys.argv[1], 'publishconf.py'))['PORTAL_NOW']))")
    out = subprocess.run([sys.executable, "-c", code, str(ROOT)], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip().splitlines()[-1] == "''", out.stderr


def test_check_lists_what_is_scheduled_and_when(site):
    site.article("hen", title="Bài hẹn giờ", date="2027-01-15 08:00")
    site.article("het", title="Bài sẽ hết hạn", date="2026-01-01 08:00", expires="2027-02-01 00:00")
    site.article("xong", title="Bài đã đăng", date="2026-01-01 08:00")
    code = ("import sys; sys.path.insert(0, sys.argv[1]); sys.argv[1:2] = []; import tasks;"
            "from invoke import Context; tasks._settings = lambda path=None: "
            "__import__('pelican.settings').settings.read_settings(sys.argv[1]); tasks.check(Context())")
    settings = site.settings_file()
    settings.write_text(settings.read_text() + 'PORTAL_NOW = "2026-12-01 08:00"\n')
    proc = subprocess.run([sys.executable, "-c", code, str(ROOT), str(settings)], cwd=site.base,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert "Nội dung hợp lệ." in lines
    i = next(i for i, ln in enumerate(lines) if ln.startswith("Bài hẹn giờ và hết hạn"))
    assert [ln.split() for ln in lines[i + 1:i + 3]] == [
        ["08:00", "15/01/2027", "hẹn", "đăng", "content/articles/hen.md"],
        ["00:00", "01/02/2027", "hết", "hạn", "content/articles/het.md"]]
    assert json.dumps(lines).count("xong.md") == 0
