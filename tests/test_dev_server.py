"""`make serve`/`invoke livereload` preview (plugins/dev_server.py) in Chromium: a broken
edit keeps the last good build served with the error list over every page; a first build
with errors serves a page listing them; fixing reloads the page."""

import os
import re
import subprocess
import sys
import threading

import pytest
from conftest import ROOT

WAIT = 120_000  # ms: a build on a loaded 2-core machine; we wait for states, never sleep


@pytest.fixture
def preview(site):
    procs = []

    def start():
        proc = subprocess.Popen(
            [sys.executable, "-m", "plugins.dev_server", "--output", str(site.output), "--port", "0",
             "--settings", str(site.settings_file()), "--content", str(site.content),
             "--watch", str(site.content)],
            cwd=site.base, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)})
        procs.append(proc)
        for line in proc.stdout:
            m = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
            if m:
                threading.Thread(target=proc.stdout.read, daemon=True).start()  # keep the pipe drained
                return m.group(1)
        raise AssertionError("the preview server did not start")

    yield start
    for proc in procs:
        proc.terminate()
        proc.wait(30)


def test_first_build_with_errors_serves_the_error_list_then_the_site(site, preview, page):
    import urllib.error
    import urllib.request

    bad = site.article("hong", title="Bài hỏng", category="Không có")
    url = preview()
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(url + "2024/05/bai-hong.html")
    assert err.value.code == 503
    page.goto(url)
    assert "hong.md:3: chuyên mục không có trong danh sách" in page.inner_text("#danh-sach-loi")
    bad.write_text(bad.read_text(encoding="utf-8").replace("Không có", "Kinh tế"), encoding="utf-8")
    page.wait_for_selector("text=Bài hỏng", timeout=WAIT)  # rebuilt, and the page reloaded itself
    assert page.query_selector("#danh-sach-loi") is None


def test_broken_edit_keeps_the_last_good_build_with_the_errors_over_every_page(site, preview, page):
    path = site.article("tot", title="Bài đang sửa")
    site.article("khac", title="Bài bên cạnh")
    url = preview()
    page.goto(url + "2024/05/bai-dang-sua.html")
    assert page.inner_text("h1.article__title") == "Bài đang sửa"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("title: Bài đang sửa", "title: Bài đang sửa: bản mới"), encoding="utf-8")
    overlay = page.wait_for_selector("#loi-dung-trang", timeout=WAIT)
    assert "tot.md:2: lỗi cú pháp YAML" in overlay.inner_text()
    assert "bản dựng thành công gần nhất" in overlay.inner_text()
    assert page.inner_text("h1.article__title") == "Bài đang sửa"  # the last good build, still served
    page.goto(url + "2024/05/bai-ben-canh.html")  # every page, not only the edited one
    assert "tot.md:2" in page.wait_for_selector("#loi-dung-trang", timeout=WAIT).inner_text()
    path.write_text(good.replace("title: Bài đang sửa", 'title: "Bài đang sửa: bản mới"'), encoding="utf-8")
    page.wait_for_selector("#loi-dung-trang", state="detached", timeout=WAIT)  # rebuilt: reloaded, no errors
    page.goto(url + "2024/05/bai-dang-sua-ban-moi.html")
    assert page.inner_text("h1.article__title") == "Bài đang sửa: bản mới"
    # the overlay script is the server's: never in the built files
    assert b"__portal" not in (site.output / "2024/05/bai-dang-sua-ban-moi.html").read_bytes()
