"""The web editor (/quan-tri/, Decap CMS) in Debian Chromium against the preview server
and decap-server, as `make serve` runs them: log in through the local backend, write an
article with a photo in a category, publish; the Markdown file passes the content check
and the page appears in the preview build. A category added in settings appears after a
rebuild. config.yml comes from the content contract."""

import os
import re
import socket
import subprocess
import sys
import threading
import time

import pytest
import yaml
from conftest import ROOT, open_page

WAIT = 120_000
TITLE = "Chợ phiên Nậm Păng đông vui ngày cuối tuần"
SLUG = "cho-phien-nam-pang-dong-vui-ngay-cuoi-tuan"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def editor(site):
    """(preview URL, site): a built site, its preview server rebuilding on content changes,
    and decap-server writing into the site's checkout."""
    port = _free_port()
    os.environ["WEB_EDITOR_LOCAL_BACKEND"] = f"http://127.0.0.1:{port}/api/v1"
    site.extra_settings = 'WEB_EDITOR_LOCAL_BACKEND = os.environ["WEB_EDITOR_LOCAL_BACKEND"]\nimport os\n'
    site.extra_settings = "import os\n" + site.extra_settings
    site.article("co-san", title="Bài có sẵn")
    site.build()
    decap = subprocess.Popen(["node", str(ROOT / "node_modules/decap-server/dist/index.js")], cwd=site.base,
                             env={**os.environ, "PORT": str(port), "BIND_HOST": "127.0.0.1", "MODE": "fs",
                                  "GIT_REPO_DIRECTORY": str(site.base), "LOG_LEVEL": "warn"})
    server = subprocess.Popen(
        [sys.executable, "-m", "plugins.dev_server", "--output", str(site.output), "--port", "0",
         "--settings", str(site.settings_file()), "--content", str(site.content), "--watch", str(site.content)],
        cwd=site.base, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        url = next(m.group(1) for m in map(re.compile(r"(http://127\.0\.0\.1:\d+/)").search, server.stdout) if m)
        threading.Thread(target=server.stdout.read, daemon=True).start()  # rebuilds' output must not fill the pipe
        yield url, site
    finally:
        for proc in (server, decap):
            proc.terminate()
            proc.wait(30)
        os.environ.pop("WEB_EDITOR_LOCAL_BACKEND", None)


def test_config_is_generated_from_the_contract(demo_output):
    conf = yaml.safe_load((demo_output / "quan-tri" / "config.yml").read_text(encoding="utf-8"))
    assert conf["locale"] == "vi"
    articles, documents, pages = conf["collections"]
    fields = {f["name"]: f for f in articles["fields"]}
    from pelican.settings import read_settings

    settings = read_settings(str(ROOT / "pelicanconf.py"))
    assert fields["category"]["options"] == [c["name"] for c in settings["PORTAL_CATEGORIES"]]
    assert "required" not in fields["title"] and "required" not in fields["body"]  # Decap: required by default
    assert fields["date"]["format"] == "YYYY-MM-DD HH:mm" and fields["expires"]["required"] is False
    assert articles["folder"] == "content/articles" and articles["public_folder"] == "{static}/images"
    from plugins.content_contract import rules

    assert set(fields) - {"body"} <= rules.ARTICLE_FIELDS
    assert {f["name"] for f in documents["fields"]} >= {"so_ky_hieu", "loai_van_ban", "co_quan_ban_hanh"}
    kinds = next(f for f in documents["fields"] if f["name"] == "loai_van_ban")["options"]
    assert "Quyết định" in kinds
    assert pages["folder"] == "content/pages"


def test_no_other_page_loads_the_editor(demo_output):
    pages = [p for p in demo_output.rglob("*.html") if "quan-tri" not in p.parts]
    assert len(pages) > 50
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "decap" not in text and "quan-tri" not in text, page


def test_publish_settings_use_the_git_host_and_the_editorial_workflow():
    from pelican.settings import read_settings

    sys.path.insert(0, str(ROOT))
    settings = read_settings(str(ROOT / "publishconf.py"))
    from plugins.web_editor.cms_config import cms_config
    from plugins.web_editor.config import Config

    conf = cms_config(settings, Config.from_settings(settings))
    assert conf["publish_mode"] == "editorial_workflow" and "local_backend" not in conf
    assert conf["backend"]["name"] == "github"


def test_editor_writes_an_article_with_a_photo_that_the_site_publishes(editor, browser, tmp_path):
    from pelican.settings import read_settings
    from PIL import Image

    from plugins.content_contract.check import check_site

    url, site = editor
    photo = tmp_path / "cho-phien.jpg"
    Image.effect_noise((1600, 1000), 40).convert("RGB").save(photo, quality=90)
    pg, context = open_page(browser)
    try:
        pg.goto(url + "quan-tri/")
        pg.get_by_role("button", name="Đăng nhập").click()  # the local backend: no account needed
        pg.get_by_text("＋ bài viết").click()
        pg.fill("#title-field-1", TITLE)
        pg.fill("#date-field-2", "2024-05-18T07:30")
        pg.click("#category-field-3")
        pg.get_by_text("Kinh tế", exact=True).click()
        pg.fill("#summary-field-7", "Chợ phiên họp vào sáng Chủ nhật.")
        pg.get_by_role("button", name="Chọn một hình").click()
        pg.set_input_files("input[type=file]", str(photo))
        pg.get_by_role("button", name="Lấy những cái đã chọn").click()
        pg.fill("#image_caption-field-9", "Bà con mua bán tại chợ phiên.")
        pg.locator("[data-slate-editor]").first.click()
        pg.keyboard.type("Sáng Chủ nhật, chợ phiên trung tâm huyện đông vui.")
        pg.get_by_role("button", name="Công bố").click()
        pg.get_by_text("Công bố ngay").click()
        path = site.content / "articles" / "2024" / f"{SLUG}.md"
        deadline = time.monotonic() + 60
        while not path.exists() and time.monotonic() < deadline:
            time.sleep(0.2)  # waiting for decap-server's write, not timing it
        text = path.read_text(encoding="utf-8")
        assert "image: '{static}/images/cho-phien.jpg'" in text or 'image: "{static}/images/cho-phien.jpg"' in text \
            or "image: {static}/images/cho-phien.jpg" in text, text
        assert (site.content / "images" / "cho-phien.jpg").exists()
        assert check_site(read_settings(str(site.settings_file()))) == []  # what `invoke check` runs
        # the preview rebuilds on its own; the page appears
        page_url = url + f"2024/05/{SLUG}.html"
        deadline = time.monotonic() + WAIT / 1000
        status = 0
        while time.monotonic() < deadline:
            status = pg.goto(page_url).status
            if status == 200:
                break
            time.sleep(1)
        assert status == 200
        assert pg.inner_text("h1.article__title") == TITLE
        assert pg.locator(".article__image picture img").get_attribute("alt") == "Bà con mua bán tại chợ phiên."
        assert "Kinh tế" in pg.inner_text(".breadcrumb") if pg.query_selector(".breadcrumb") else True
    finally:
        context.close()


def test_a_category_added_to_settings_appears_after_a_rebuild(editor, browser):
    url, site = editor
    site.extra_settings += ('PORTAL_CATEGORIES = PORTAL_CATEGORIES + [{"name": "Thể thao", "slug": "the-thao",'
                            ' "description": "Thể dục thể thao."}]\n')
    pg, context = open_page(browser)

    def category_options():
        pg.goto("about:blank")
        pg.goto(url + "quan-tri/")  # a fresh load: the config is read again
        login = pg.get_by_role("button", name="Đăng nhập")
        new = pg.get_by_text("＋ bài viết")
        login.or_(new).first.wait_for(timeout=WAIT)
        if login.is_visible():
            login.click()
        new.click()
        pg.click("#category-field-3")
        pg.locator("[class*=option]").first.wait_for(timeout=WAIT)
        return pg.locator("[class*=option]").all_inner_texts()

    try:
        assert "Thể thao" not in category_options()
        site.build()
        assert "Thể thao" in category_options()
    finally:
        context.close()


def test_editorial_workflow_draft_review_ready_publish(site, browser):
    """Nháp → Chờ duyệt → Sẵn sàng xuất bản, as on the git host: decap-server's git mode keeps
    each entry on a branch (cms/…) whose description is its status; publishing merges it."""
    port = _free_port()
    site.extra_settings = (f'WEB_EDITOR_LOCAL_BACKEND = "http://127.0.0.1:{port}/api/v1"\n'
                           'WEB_EDITOR_PUBLISH_MODE = "editorial_workflow"\n')
    site.article("co-san", title="Bài có sẵn")
    site.build()

    def git(*args):
        return subprocess.run(["git", "-C", str(site.base), *args], check=True, capture_output=True,
                              text=True).stdout

    (site.base / ".gitignore").write_text("output*\ncache\n__pycache__\n")
    git("init", "-q", "-b", "main")
    git("config", "user.name", "Biên tập viên")
    git("config", "user.email", "bientap@example.vn")
    git("add", ".")
    git("commit", "-qm", "Khởi tạo")
    decap = subprocess.Popen(["node", str(ROOT / "node_modules/decap-server/dist/index.js")], cwd=site.base,
                             env={**os.environ, "PORT": str(port), "BIND_HOST": "127.0.0.1", "MODE": "git",
                                  "GIT_REPO_DIRECTORY": str(site.base), "LOG_LEVEL": "warn"})
    server = subprocess.Popen([sys.executable, "-m", "plugins.dev_server", "--output", str(site.output),
                               "--port", "0"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    branch = "cms/tin-bai/2024/bai-qua-quy-trinh-duyet"

    def status():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # waiting for decap-server's git write, not timing it
            out = subprocess.run(["git", "-C", str(site.base), "config", f"branch.{branch}.description"],
                                 capture_output=True, text=True).stdout.strip()
            if out:
                return out
            time.sleep(0.2)
        return ""

    pg, context = open_page(browser)
    pg.on("dialog", lambda d: d.accept())  # "publish this entry?"
    try:
        url = re.search(r"(http://127\.0\.0\.1:\d+/)", server.stdout.readline()).group(1)
        pg.goto(url + "quan-tri/")
        pg.get_by_role("button", name="Đăng nhập").click()
        pg.get_by_text("＋ bài viết").click()
        pg.fill("#title-field-1", "Bài qua quy trình duyệt")
        pg.fill("#date-field-2", "2024-05-18T07:30")
        pg.click("#category-field-3")
        pg.get_by_text("Kinh tế", exact=True).click()
        pg.locator("[data-slate-editor]").first.click()
        pg.keyboard.type("Nội dung chờ duyệt.")
        pg.get_by_role("button", name="Lưu").click()
        assert status() == "decap-cms/draft"  # Nháp: on its own branch, main untouched
        assert "bai-qua-quy-trinh-duyet" not in git("ls-tree", "-r", "--name-only", "main")
        for label, expected in (("Đang xét duyệt", "decap-cms/pending_review"), ("Sẵn sàng", "decap-cms/pending_publish")):
            pg.get_by_text(re.compile("^Trạng:")).first.click()
            pg.get_by_role("menuitem", name=label).click()
            deadline = time.monotonic() + 60
            while status() != expected and time.monotonic() < deadline:
                time.sleep(0.2)
            assert status() == expected
        pg.get_by_role("button", name="Công bố", exact=True).first.click()
        pg.get_by_text("Công bố ngay").click()
        deadline = time.monotonic() + 60
        while "bai-qua-quy-trinh-duyet" not in git("ls-tree", "-r", "--name-only", "main") and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "content/articles/2024/bai-qua-quy-trinh-duyet.md" in git("ls-tree", "-r", "--name-only", "main")
        assert branch not in git("branch")
    finally:
        context.close()
        for proc in (server, decap):
            proc.terminate()
            proc.wait(30)
