"""The validation cache (CACHE_PATH/content_contract/): a warm run parses only edited files
and reports exactly what a cold run reports; checks that span files run every time."""

import os
import pickle
import re
import time

import pytest
from conftest import front_matter

import pelicanconf
from plugins.content_contract.check import check_site

PROBLEM_RE = re.compile(r"^\S+\.md:\d+: .+$")


class Project:
    """A content folder checked in-process with the real settings' categories."""

    def __init__(self, base):
        self.base = base
        self.content = base / "content"
        (self.content / "articles").mkdir(parents=True)
        (self.content / "pages").mkdir()
        (self.content / "images").mkdir()
        self.cache_file = base / "cache" / "content_contract" / "validation.pickle"
        self.settings = {
            "PATH": str(self.content), "ARTICLE_PATHS": ["articles"], "PAGE_PATHS": ["pages"],
            "IGNORE_FILES": [], "PORTAL_CATEGORIES": pelicanconf.PORTAL_CATEGORIES,
            "CACHE_PATH": str(base / "cache"),
        }

    def article(self, name, body="Nội dung bài viết.", raw=None, **meta):
        meta.setdefault("title", name)
        meta.setdefault("date", "2024-05-17 08:30")
        meta.setdefault("category", "Kinh tế")
        path = self.content / "articles" / f"{name}.md"
        path.write_text(raw if raw is not None else front_matter(**meta) + "\n" + body + "\n", encoding="utf-8")
        return path

    def check(self):
        stats = {}
        problems = [str(p) for p in check_site(self.settings, stats)]
        self.pooled = stats.pop("pooled")
        return problems, stats


@pytest.fixture
def proj(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return Project(tmp_path)


def age(path, seconds=3600):
    """Make a file look edited long ago (its stat is then trusted without reading it)."""
    t = time.time_ns() - seconds * 1_000_000_000
    os.utime(path, ns=(t, t))


def broken_site(proj):
    (proj.content / "images" / "ok.jpg").write_bytes(b"\xff\xd8 not checked")
    paths = [
        proj.article("tot", title="Bài tốt", body="![Ảnh đẹp]({static}/images/ok.jpg)"),
        proj.article("bad-date", title="Ngày sai", date="09/12/2020"),
        proj.article("bad-cat", title="Chuyên mục sai", category="Thể thao"),
        proj.article("yaml", raw='---\ntitle: "Hội nghị: tổng kết\ndate: 2024-01-02\n---\nBody\n'),
        proj.article("hop", title="Họp báo"),
        proj.article("hop2", title="Hợp báo"),
        proj.article("img", title="Ảnh thiếu", body="![Cây chè]({static}/images/khong-co.jpg)"),
        proj.article("rel", title="Liên quan", related=["bai-tot", "khong-ton-tai"]),
    ]
    for p in paths:
        age(p)
    return paths


def test_warm_run_reports_the_same_problems_without_parsing(proj):
    broken_site(proj)
    cold, s1 = proj.check()
    assert s1 == {"hits": 0, "misses": 8, "saved": True} and proj.pooled == 0  # few files: no pool
    assert len(cold) == 6 and all(PROBLEM_RE.match(p) for p in cold), cold
    assert any("trùng đường dẫn với content/articles/hop.md" in p for p in cold)
    assert any("'related' nhắc tới bài không tồn tại 'khong-ton-tai'" in p for p in cold)
    written = proj.cache_file.stat().st_mtime_ns
    warm, s2 = proj.check()
    assert warm == cold  # broken files stay broken: cached problems are reported again
    assert s2 == {"hits": 8, "misses": 0, "saved": False}  # nothing changed: cache not rewritten
    assert proj.cache_file.stat().st_mtime_ns == written


def test_editing_one_file_rechecks_exactly_that_file(proj):
    paths = broken_site(proj)
    cold, _ = proj.check()
    bad_date = paths[1]
    bad_date.write_text(bad_date.read_text(encoding="utf-8").replace("09/12/2020", "2020-12-09 07:00"),
                        encoding="utf-8")
    warm, stats = proj.check()
    assert stats == {"hits": 7, "misses": 1, "saved": True}
    assert [p for p in cold if "bad-date.md" not in p] == warm
    again, stats = proj.check()  # the edit is fresh ("racy"): verified by hash, still a hit
    assert again == warm and stats["misses"] == 0


def test_collision_is_caught_when_only_one_file_changed(proj):
    a = proj.article("hop", title="Họp báo")
    b = proj.article("hop-khac", title="Tin khác")
    age(a), age(b)
    assert proj.check()[0] == []
    proj.article("hop-khac", title="Hợp báo")  # now the same slug as the cached, unchanged a
    problems, stats = proj.check()
    assert stats["misses"] == 1 and stats["hits"] == 1
    assert problems == [  # names both files (which one first follows the walk order)
        "content/articles/hop.md:2: trùng đường dẫn với content/articles/hop-khac.md:2 (cùng slug 'hop-bao') — "
        "đặt 'slug:' khác cho một trong hai tệp, ví dụ 'slug: hop-bao-2'"]
    # a `related` slug that disappears with a deleted article is reported in the cached file
    age(proj.article("hop-khac", title="Tin khác", related=["tin-moi"]))
    new = proj.article("tin-moi", title="Tin mới")
    assert proj.check()[0] == []
    new.unlink()
    problems, stats = proj.check()
    assert stats == {"hits": 2, "misses": 0, "saved": True}  # the deleted file leaves the cache
    assert len(problems) == 1 and "'related' nhắc tới bài không tồn tại 'tin-moi'" in problems[0]


def test_a_deleted_image_breaks_an_unchanged_cached_article(proj):
    img = proj.content / "images" / "che.jpg"
    img.write_bytes(b"jpeg")
    age(proj.article("anh", raw="---\ntitle: Có ảnh\ndate: 2024-01-02\ncategory: Kinh tế\n"
                            "image: '{static}/images/che.jpg'\n---\n\n![Đồi chè]({static}/images/che.jpg)\n"))
    assert proj.check()[0] == []
    img.unlink()
    problems, stats = proj.check()
    assert stats["misses"] == 0
    assert [p.split(" — ")[0] for p in problems] == [
        "content/articles/anh.md:5: ảnh đại diện không tồn tại: {static}/images/che.jpg",
        "content/articles/anh.md:8: ảnh không tồn tại: {static}/images/che.jpg"]


def test_touch_and_same_size_edits_are_verified_by_content(proj):
    p = proj.article("a", title="Bài tám")
    age(p)
    proj.check()
    os.utime(p)  # touched (e.g. a checkout): new mtime, same bytes -> hash match, no parse
    _, stats = proj.check()
    assert stats["misses"] == 0 and stats["saved"]
    # Same size, same mtime, new content, within the racy window: still re-read
    st = p.stat()
    p.write_text(p.read_text(encoding="utf-8").replace("Bài tám", "Bài năm"), encoding="utf-8")
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert p.stat().st_size == st.st_size
    _, stats = proj.check()
    assert stats["misses"] == 1


def test_corrupt_or_foreign_cache_is_ignored(proj):
    broken_site(proj)
    cold, _ = proj.check()
    proj.cache_file.write_bytes(b"\x80\x05 garbage")
    problems, stats = proj.check()
    assert problems == cold and stats == {"hits": 0, "misses": 8, "saved": True}
    proj.cache_file.write_bytes(pickle.dumps({"version": 0, "fingerprint": "x", "entries": {}}))
    assert proj.check()[1]["misses"] == 8
    assert proj.check()[1] == {"hits": 8, "misses": 0, "saved": False}


def test_category_settings_change_invalidates_the_cache(proj):
    age(proj.article("a", title="Bài", category="Kinh tế"))
    assert proj.check()[0] == []
    proj.settings["PORTAL_CATEGORIES"] = [c for c in pelicanconf.PORTAL_CATEGORIES if c["name"] != "Kinh tế"]
    problems, stats = proj.check()
    assert stats["misses"] == 1 and "chuyên mục không có trong danh sách: 'Kinh tế'" in problems[0]


def test_crlf_and_non_utf8_files(proj):
    crlf = proj.article("crlf", raw="---\r\ntitle: Dòng Windows\r\ndate: 2024-01-02\r\ncategory: Kinh tế\r\n---\r\nThân bài\r\n")
    (proj.content / "articles" / "latin1.md").write_bytes("---\ntitle: Bài\n---\nCà phê\n".encode("cp1258"))
    problems, _ = proj.check()
    assert problems == ["content/articles/latin1.md:2: tệp không phải mã UTF-8 (có ký tự không đọc được) — "
                        "mở tệp bằng trình soạn thảo và lưu lại với mã UTF-8"]
    assert crlf.exists()


def test_real_build_warm_reports_the_same_and_invoke_check_agrees(site):
    site.article("hop", title="Họp báo")
    site.article("hop2", title="Hợp báo")
    site.article("bad", title="Ngày sai", date="31/09/2020")
    cold = site.build(check=False)
    assert cold.returncode != 0
    cache_file = site.base / "cache" / "content_contract" / "validation.pickle"
    assert cache_file.exists()
    warm = site.build(check=False)
    lines = [ln for ln in warm.stderr.splitlines() if PROBLEM_RE.match(ln)]
    assert len(lines) == 2
    assert lines == [ln for ln in cold.stderr.splitlines() if PROBLEM_RE.match(ln)]
    assert not site.output.exists()


def test_pool_parses_a_cold_cache_with_the_same_results(proj):
    broken_site(proj)
    serial = dict(proj.settings, CONTENT_CONTRACT_CACHE=False, CONTENT_CONTRACT_WORKERS=1)
    expected = [str(p) for p in check_site(serial)]
    proj.settings.update(CONTENT_CONTRACT_WORKERS=2, CONTENT_CONTRACT_MIN_PARALLEL=1)
    cold, stats = proj.check()  # parsed in two forked processes
    assert proj.pooled == 8
    assert cold == expected and stats == {"hits": 0, "misses": 8, "saved": True}
    warm, stats = proj.check()  # what the pool computed was cached like the rest
    assert warm == expected and stats == {"hits": 8, "misses": 0, "saved": False} and proj.pooled == 0


AUTORELOAD_RUNS = """
import sys
sys.path.insert(0, sys.argv[1])
from pelican import Pelican
from pelican.settings import read_settings
from plugins.content_contract.check import ContentError
pelican = Pelican(read_settings(sys.argv[2], override={"OUTPUT_PATH": sys.argv[3]}))
article, good = sys.argv[4], open(sys.argv[4], encoding="utf-8").read()
def run(label):
    try:
        pelican.run()
        print(label, "built", flush=True)
    except ContentError:
        print(label, "stopped", flush=True)
run("first")
open(article, "w", encoding="utf-8").write(good.replace("Tin tức - Sự kiện", "Thể thao"))
run("broken")
open(article, "w", encoding="utf-8").write(good)
run("fixed")
"""


def test_every_autoreload_run_is_validated(site):
    """`pelican -r` (invoke regenerate) keeps one Pelican object: `initialized` fires once,
    so later runs must validate too, or a broken edit would reach Pelican unchecked."""
    import subprocess
    import sys

    from conftest import ROOT

    path = site.article("mot", title="Bài một")
    site.article("hai", title="Bài hai")
    proc = subprocess.run([sys.executable, "-c", AUTORELOAD_RUNS, str(ROOT), str(site.settings_file()),
                           str(site.output), str(path)], cwd=site.base, capture_output=True, text=True)
    runs = [line for line in proc.stdout.splitlines() if line.split(" ")[0] in ("first", "broken", "fixed")]
    assert runs == ["first built", "broken stopped", "fixed built"], proc.stdout + proc.stderr[-2000:]
    assert "content/articles/mot.md:4: chuyên mục không có trong danh sách: 'Thể thao'" in proc.stderr


def document(proj, name, number, **extra):
    folder = proj.content / "documents"
    (folder / "files").mkdir(parents=True, exist_ok=True)
    (folder / "files" / f"{name}.pdf").write_bytes(b"%PDF-1.4\n")
    fields = {"so_ky_hieu": number, "title": f"Kế hoạch {name}", "loai_van_ban": "Kế hoạch",
              "co_quan_ban_hanh": "UBND huyện Nậm Păng", "nguoi_ky": "Lò Văn Thắng",
              "linh_vuc": ["Nông nghiệp"], "ngay_ban_hanh": "2025-02-03", "ngay_hieu_luc": "2025-02-03",
              "files": [f"{name}.pdf"], **extra}
    path = folder / f"{name}.md"
    path.write_text(front_matter(**fields) + "\nNội dung.\n", encoding="utf-8")
    age(path)
    return path


def test_documents_are_parsed_once_and_checked_across_files_every_run(proj):
    from plugins.content_contract import cache
    from plugins.documents import validate

    proj.settings.update(DOCUMENTS_PATH="documents", DOCUMENTS_FILES_PATH="documents/files")
    document(proj, "kh-1", "1/KH-UBND", lien_quan=["kh-9"])  # kh-9 does not exist
    document(proj, "kh-2", "2/KH-UBND")

    def run():
        store = cache.open_cache(proj.settings, "documents")  # as validate.check opens it
        hits = store.hits
        problems = [str(p) for p in validate.check_sources(validate.load(proj.settings, store),
                                                           str(proj.content / "documents" / "files"),
                                                           validate.model.DEFAULT_TYPES)]
        assert problems == [str(p) for p in validate.check(proj.settings)]  # the entry point agrees
        return problems, store.hits - hits, store.misses

    cold, _, parsed = run()
    assert parsed == 2 and len(cold) == 1 and "'lien_quan' nhắc tới văn bản không tồn tại 'kh-9'" in cold[0]
    warm, hits, parsed = run()
    assert warm == cold and (hits, parsed) == (2, 0)  # the broken relation is reported again
    document(proj, "kh-2", "1/KH-UBND")  # now the same number as the unchanged, cached kh-1
    problems, hits, parsed = run()
    assert (hits, parsed) == (1, 1)
    assert any("trùng số ký hiệu '1/KH-UBND' với content/documents/kh-1.md" in p for p in problems), problems
