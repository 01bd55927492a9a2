"""plugins.page_writer: page keys (pure), the fork pool (pure), and real builds that
must give the same bytes whether pages are rendered in parallel, kept from the last
build, or rendered from scratch."""

from __future__ import annotations

import datetime
import os
import pickle
import shutil
from pathlib import Path

import pytest

from plugins.page_writer.fingerprint import Digester, digest, is_content
from tests.conftest import snapshot


# -- fingerprint (pure) -------------------------------------------------------------------
class Obj:
    """A content-like object: own source and URL, like Pelican's Article or a Document."""

    save_as = ""

    def __init__(self, path, **attrs):
        self.source_path = path
        self.__dict__.update(attrs)


class Named:
    """Like Pelican's Category: the name is private and shown through str()."""

    def __init__(self, name):
        self._name = name

    def __str__(self):
        return self._name


def test_content_detection_is_by_class_and_does_not_touch_properties():
    class Lazy(Obj):
        calls = 0

        @property
        def save_as(self):
            Lazy.calls += 1
            return "x.html"

    assert is_content(Lazy("a.md"))
    assert Lazy.calls == 0
    assert not is_content({"source_path": "a.md"})
    assert not is_content(Named("x"))


def test_equal_state_gives_equal_cards_across_digesters():
    when = datetime.datetime(2024, 5, 17, 8, 30)
    a1 = Obj("a.md", title="Họp báo", date=when, tags=[Named("y tế")], summary="Tóm tắt")
    a2 = Obj("a.md", title="Họp báo", date=when, tags=[Named("y tế")], summary="Tóm tắt")
    assert Digester().card(a1) == Digester().card(a2)


@pytest.mark.parametrize("field, value", [
    ("title", "Hợp báo"),            # one tone mark
    ("date", datetime.datetime(2024, 5, 18, 8, 30)),
    ("tags", [Named("giáo dục")]),   # a private name shown through str()
    ("image", "{static}/images/b.jpg"),
])
def test_any_card_field_changes_the_card(field, value):
    base = dict(title="Họp báo", date=datetime.datetime(2024, 5, 17, 8, 30), tags=[Named("y tế")])
    changed = {**base, field: value}
    assert Digester().card(Obj("a.md", **base)) != Digester().card(Obj("a.md", **changed))


def test_relations_stay_out_of_cards_but_in_the_subject():
    b, c = Obj("b.md", title="B"), Obj("c.md", title="C")
    a1 = Obj("a.md", title="A", related_news=[b])
    a2 = Obj("a.md", title="A", related_news=[c])
    d = Digester()
    assert d.card(a1) == d.card(a2)  # other pages do not show a's related list
    assert d.subject(a1, "<p>x</p>") != d.subject(a2, "<p>x</p>")
    assert d.subject(a1, "<p>x</p>") != d.subject(a1, "<p>y</p>")  # the body counts


def test_a_related_articles_title_reaches_the_site_digest_not_the_subject():
    b1, b2 = Obj("b.md", title="B"), Obj("b.md", title="B đã sửa")
    a = Obj("a.md", title="A", related_news=[b1])
    a_after = Obj("a.md", title="A", related_news=[b2])
    d1, d2 = Digester(), Digester()
    assert d1.subject(a, "") == d2.subject(a_after, "")  # referenced by source path only
    assert d1.value_digest([a, b1]) != d2.value_digest([a_after, b2])  # the site digest sees it


def test_unstable_reprs_and_functions_are_stable():
    def f():
        return 1

    class Plain:
        __slots__ = ()

    d = Digester()
    assert d.rep(f) == Digester().rep(f)
    assert "0x" not in str(d.rep(Plain()))
    assert d.rep({"b": 1, "a": {3, 1, 2}}) == Digester().rep({"a": {2, 3, 1}, "b": 1})


def test_digest_is_stable_for_equal_but_distinct_strings():
    x = "".join(["dân", " vận"])
    y = "dân vận"
    assert x is not y
    assert digest((x, x)) == digest((y, "dân vận"))


# -- real builds ------------------------------------------------------------------------------
SERIAL = "\nPAGE_WRITER_WORKERS = 1\nPAGE_WRITER_CACHE = False\n"
PARALLEL = "\nPAGE_WRITER_WORKERS = 2\nPAGE_WRITER_MIN_FORK_JOBS = 1\n"


def last_build(site) -> dict:
    with open(site.base / "cache" / "page_writer" / "manifest.pickle", "rb") as fh:
        return pickle.load(fh)["last_build"]


def clean_build(site) -> dict[str, bytes]:
    """The same content built from nothing, one page at a time, with no page cache."""
    shutil.rmtree(site.base / "cache", ignore_errors=True)
    shutil.rmtree(site.output, ignore_errors=True)
    extra = site.extra_settings
    site.extra_settings = extra.replace(PARALLEL, "") + SERIAL
    try:
        site.build()
    finally:
        site.extra_settings = extra
    return snapshot(site.output)


def _demo_site(site):
    site.image("p1.jpg", size=(900, 600))
    cats = ["Tin tức - Sự kiện", "Kinh tế"]
    tags = [["y tế"], ["y tế", "giáo dục"], ["giáo dục"], ["nông thôn mới"]]
    for i in range(8):
        extra = {"image": "{static}/images/p1.jpg"} if i == 0 else {}
        if i == 5:  # a fixed slug: its title edit below changes the title only, not the URL
            extra["slug"] = "bai-viet-so-5-ve-nong-thon-moi"
        site.article(f"bai-{i}", f"Bài số {i} nói về nước sạch và nông thôn mới ở xã Nậm Xe.\n\n"
                     f"Đoạn hai của bài {i}: bà con trồng chè, làm đường giao thông nông thôn.",
                     title=f"Bài viết số {i} về nông thôn mới", date=f"2024-05-{10 + i:02d} 08:30",
                     category=cats[i % 2], tags=tags[i % 4], summary=f"Tóm tắt bài {i}.", **extra)
    site.extra_settings += PARALLEL


def _edit_body(site):
    path = site.content / "articles" / "bai-3.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nĐoạn bổ sung sau khi biên tập.\n", encoding="utf-8")


def _edit_title(site):
    path = site.content / "articles" / "bai-5.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Bài viết số 5", "Bài viết số năm"), encoding="utf-8")


def _edit_category(site):
    path = site.content / "articles" / "bai-4.md"
    path.write_text(path.read_text(encoding="utf-8").replace("category: Tin tức - Sự kiện", "category: Kinh tế"),
                    encoding="utf-8")


def _add_and_delete(site):
    site.article("bai-moi", "Bài mới về đường giao thông nông thôn ở xã Nậm Xe.", title="Bài mới",
                 date="2024-06-01 07:00", category="Kinh tế", tags=["nông thôn mới"], summary="Tóm tắt bài mới.")
    (site.content / "articles" / "bai-2.md").unlink()


def _edit_template(site):
    root = Path(__file__).resolve().parents[1] / "theme" / "templates" / "partials" / "footer.html"
    override = site.base / "templates" / "partials"
    override.mkdir(parents=True, exist_ok=True)
    (override / "footer.html").write_text(root.read_text(encoding="utf-8") + "\n<!-- mẫu đã sửa -->\n",
                                          encoding="utf-8")
    site.extra_settings += f"\nTHEME_TEMPLATES_OVERRIDES = [{str(site.base / 'templates')!r}]\n"


def test_incremental_parallel_builds_give_the_bytes_of_a_clean_serial_build(site):
    _demo_site(site)
    site.build()
    site.build()  # nothing changed: every page kept
    assert last_build(site)["rendered"] == []
    kept_inode = os.stat(site.output / "2024/05/bai-viet-so-1-ve-nong-thon-moi.html").st_ino
    assert snapshot(site.output) == clean_build(site)
    site.build()  # warm again after the clean build, for the edits below

    for edit in (_edit_body, _edit_title, _edit_category, _add_and_delete, _edit_template):
        edit(site)
        before = os.stat(site.output / "2024/05/bai-viet-so-1-ve-nong-thon-moi.html").st_ino
        site.build()
        rendered, kept = last_build(site)["rendered"], last_build(site)["kept"]
        incremental = snapshot(site.output)
        if edit is _edit_body:
            # only the edited article and pages whose related lists moved; the rest are
            # the previous build's files, linked rather than rewritten
            assert "2024/05/bai-viet-so-3-ve-nong-thon-moi.html" in rendered
            assert kept > len(rendered)
            if "2024/05/bai-viet-so-1-ve-nong-thon-moi.html" not in rendered:
                assert os.stat(site.output / "2024/05/bai-viet-so-1-ve-nong-thon-moi.html").st_ino == before
        if edit is _edit_template:
            assert kept == 0  # a template change re-renders everything
        assert incremental == clean_build(site), f"after {edit.__name__}"
        site.build()
    assert kept_inode  # the first warm build linked, not copied (checked above for edits)


def test_a_template_error_in_a_worker_fails_the_build_and_keeps_the_output(site):
    _demo_site(site)
    site.build()
    before = snapshot(site.output)
    override = site.base / "templates"
    override.mkdir()
    (override / "article.html").write_text('{% extends "base.html" %}{% block content %}'
                                           '{{ article.title | khong_co_bo_loc }}{% endblock %}',
                                           encoding="utf-8")
    site.extra_settings += f"\nTHEME_TEMPLATES_OVERRIDES = [{str(override)!r}]\n"
    proc = site.build(check=False)
    assert proc.returncode != 0
    assert "khong_co_bo_loc" in proc.stdout + proc.stderr
    assert snapshot(site.output) == before


def test_same_minute_articles_keep_their_order_whatever_the_hash_seed(site, monkeypatch):
    """Pelican reads files in set order, which changes with PYTHONHASHSEED: articles of the
    same minute must still come out in one order, or every rebuild renders every page."""
    for i in range(8):
        site.article(f"cung-phut-{i}", f"Bài {i} đăng cùng một phút.", title=f"Tin cùng phút số {i}",
                     date="2024-05-17 08:30", tags=["y tế"], summary=f"Tóm tắt {i}.")
    outputs = []
    for seed in ("1", "2", "3"):
        monkeypatch.setenv("PYTHONHASHSEED", seed)
        shutil.rmtree(site.base / "cache", ignore_errors=True)
        shutil.rmtree(site.output, ignore_errors=True)
        site.build()
        outputs.append(snapshot(site.output))
    assert outputs[0] == outputs[1] == outputs[2]
    names = [a.get_text(strip=True) for a in site.html("chuyen-muc/tin-tuc-su-kien/index.html").select("a")
             if a.get_text(strip=True).startswith("Tin cùng phút số")]
    names = list(dict.fromkeys(names))
    assert len(names) == 8 and names == sorted(names)  # same minute: by slug


def test_a_fresh_checkout_of_the_same_photos_keeps_every_page(site):
    """CI checks out every file with a new mtime: static files are keyed by their bytes."""
    _demo_site(site)
    site.build()
    later = os.stat(site.content / "images" / "p1.jpg").st_mtime + 3600
    for path in (site.content / "images").rglob("*"):
        os.utime(path, (later, later))
    site.build()
    assert last_build(site)["rendered"] == []
    site.image("p1.jpg", size=(900, 601))  # new bytes, same name: every page that may show it
    site.build()
    assert last_build(site)["kept"] == 0
