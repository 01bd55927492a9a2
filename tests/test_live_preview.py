"""plugins.live_preview: the persistent preview build. After every kind of edit, once its
full rebuild is swapped in, the live output has the bytes of a clean build of the same
content; an article edit or a new article is shown first from the kept model."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time

from conftest import ROOT, Site, snapshot
from test_page_writer import SERIAL, _add_and_delete, _demo_site, _edit_body, _edit_category, _edit_template, _edit_title

from plugins.live_preview.changes import Tracker

WAIT = 600  # s: a build on a loaded 2-core machine; we wait for states, never sleep a guess
DONE = "đã dựng lại toàn trang"
FIRST = "đã hiện trước"


def _save(path, text: str) -> None:
    """As editors save: a temporary file beside it, then a rename."""
    tmp = path.parent / f".{path.name}.tmp"
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


class Live:
    def __init__(self, site: Site):
        self.site = site
        self.log = site.base / "live.log"
        settings = site.settings_file()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "plugins.live_preview.server", "--settings", str(settings),
             "--output", str(site.output), "--content", str(site.content), "--interval", "0.1",
             "--watch", str(site.content), str(settings), str(site.base / "templates")],
            cwd=site.base, stdout=subprocess.DEVNULL, stderr=open(self.log, "w", encoding="utf-8"),
            env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "300"})

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait(self, needle: str, count: int) -> None:
        deadline = time.monotonic() + WAIT
        while self.text().count(needle) < count:
            assert self.proc.poll() is None, self.text()
            assert time.monotonic() < deadline, f"no {needle!r} #{count}:\n{self.text()}"
            time.sleep(0.1)

    def stop(self) -> None:
        self.proc.send_signal(2)
        self.proc.wait(60)


def clean_snapshot(site: Site, tmp_path) -> dict[str, bytes]:
    """The same content, settings and templates built from nothing in another folder."""
    clean = Site(tmp_path / "clean")
    shutil.rmtree(clean.content)
    shutil.copytree(site.content, clean.content, ignore=shutil.ignore_patterns(".*"))
    clean.extra_settings = site.extra_settings + SERIAL
    clean.build()
    return snapshot(clean.output)


def assert_same(live: dict, clean: dict, what: str) -> None:
    differ = sorted(k for k in live.keys() | clean.keys() if live.get(k) != clean.get(k))
    assert not differ, f"after {what}: {differ[:10]}"


def test_every_edit_ends_in_the_bytes_of_a_clean_build(site, tmp_path):
    _demo_site(site)
    (site.base / "templates").mkdir()
    live = Live(site)
    try:
        live.wait("đã dựng xong lần đầu", 1)
        assert_same(snapshot(site.output), clean_snapshot(site, tmp_path / "c0"), "the first build")
        done = first = 0
        for n, edit in enumerate((_edit_body, _edit_title, _edit_category, _add_and_delete, _edit_template)):
            if edit is _edit_template:
                edit(site)
                site.settings_file()  # THEME_TEMPLATES_OVERRIDES: the settings file changes too
            else:
                edit(site)
            done += 1
            live.wait(DONE, done)
            if edit in (_edit_body, _edit_title, _edit_category):
                first += 1  # shown from the model before the rebuild
                assert live.text().count(FIRST) == first, live.text()
            assert_same(snapshot(site.output), clean_snapshot(site, tmp_path / f"c{n + 1}"), edit.__name__)
    finally:
        live.stop()


def test_a_new_article_is_shown_on_its_page_the_home_page_and_its_category_first(site):
    _demo_site(site)
    live = Live(site)
    try:
        live.wait("đã dựng xong lần đầu", 1)
        site.article("bai-moi-nhat", "Bà con xã Nậm Xe làm đường bê tông.", title="Đường bê tông về bản",
                     date="2024-07-01 07:00", category="Kinh tế", summary="Tóm tắt bài mới nhất.")
        live.wait(FIRST, 1)
        line = [ln for ln in live.text().splitlines() if FIRST in ln][0]
        assert re.search(r"đã hiện trước 3 trang", line), line
        live.wait(DONE, 1)
        for rel in ("2024/07/duong-be-tong-ve-ban.html", "index.html", "chuyen-muc/kinh-te/index.html"):
            assert "Đường bê tông về bản" in (site.output / rel).read_text(encoding="utf-8"), rel
    finally:
        live.stop()


def test_the_tracker_reports_changed_bytes_not_touched_files(tmp_path):
    a, b = tmp_path / "a.md", tmp_path / "b.md"
    a.write_text("một", encoding="utf-8")
    b.write_text("hai", encoding="utf-8")
    tracker = Tracker([str(tmp_path)])
    assert not tracker.scan()
    later = time.time() + 5
    os.utime(a, (later, later))  # touched, same bytes
    assert not tracker.scan()
    _save(a, "một nữa")
    (tmp_path / ".c.md.tmp").write_text("tạm", encoding="utf-8")  # an editor's temporary: ignored
    (tmp_path / "d.md").write_text("bốn", encoding="utf-8")
    b.unlink()
    found = tracker.scan()
    assert (found.changed, found.added, found.deleted) == ([str(a)], [str(tmp_path / "d.md")], [str(b)])
