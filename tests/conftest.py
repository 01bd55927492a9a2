"""Shared fixtures: real Pelican builds into temp dirs, a static HTTP server, and
Debian's Chromium driven by Playwright."""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Builds under test render no visitor-counter widgets (pelicanconf reads COUNTER_URL from
# the environment): a widget would call a counter service that is not running and the
# browser would log the refused connection. tests/test_counter*.py set it explicitly.
os.environ.setdefault("COUNTER_URL", "")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(Path(path).read_text(encoding="utf-8"), "html.parser")


_STAMPS = re.compile(rb"<(lastmod|updated)>[^<]*</\1>")  # build-time clocks, not page content


def snapshot(root: Path) -> dict[str, bytes]:
    """Every output file's bytes, with the build-time stamps of feeds and sitemaps blanked."""
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            out[str(path.relative_to(root))] = _STAMPS.sub(rb"<\1/>", data) if path.suffix == ".xml" else data
    return out


def front_matter(**fields) -> str:
    """YAML header from keyword fields (values written as YAML flow scalars)."""
    import yaml

    return "---\n" + yaml.safe_dump(fields, allow_unicode=True, sort_keys=False) + "---\n"


class Site:
    """A throw-away Pelican project that uses the real pelicanconf, theme and plugins."""

    def __init__(self, base: Path, settings: str = ""):
        self.base = base
        self.content = base / "content"
        self.output = base / "output"
        (self.content / "articles").mkdir(parents=True)
        (self.content / "pages").mkdir()
        (self.content / "images").mkdir()
        self.extra_settings = settings

    def article(self, name: str, body: str = "Nội dung bài viết.", raw: str | None = None, **meta) -> Path:
        meta.setdefault("title", name)
        meta.setdefault("date", "2024-05-17 08:30")
        meta.setdefault("category", "Tin tức - Sự kiện")
        path = self.content / "articles" / f"{name}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(raw if raw is not None else front_matter(**meta) + "\n" + body + "\n", encoding="utf-8")
        return path

    def page(self, name: str, body: str = "Nội dung trang.", **meta) -> Path:
        meta.setdefault("title", name)
        path = self.content / "pages" / f"{name}.md"
        path.write_text(front_matter(**meta) + "\n" + body + "\n", encoding="utf-8")
        return path

    def image(self, rel: str, size=(64, 40)) -> Path:
        from PIL import Image

        path = self.content / "images" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", size, "#2a7").save(path)
        return path

    def settings_file(self) -> Path:
        path = self.base / "settings.py"
        path.write_text(textwrap.dedent(f"""\
            import sys
            sys.path.insert(0, {str(ROOT)!r})
            from pelicanconf import *
            PATH = {str(self.content)!r}
            CACHE_PATH = {str(self.base / 'cache')!r}
            """) + textwrap.dedent(self.extra_settings), encoding="utf-8")
        return path

    def build(self, check: bool = True) -> subprocess.CompletedProcess:
        """Run the real build (validation, Pelican, atomic swap) in a subprocess."""
        proc = subprocess.run(
            [sys.executable, "-m", "plugins.staged_build",
             "--settings", str(self.settings_file()), "--output", str(self.output),
             "--content", str(self.content)],
            cwd=self.base, capture_output=True, text=True,
            env={**os.environ, "COLUMNS": "300"},
        )
        if check and proc.returncode != 0:
            raise AssertionError(f"build failed:\n{proc.stdout}\n{proc.stderr}")
        return proc

    def html(self, rel: str) -> BeautifulSoup:
        return soup(self.output / rel)


@pytest.fixture
def site(tmp_path) -> Site:
    return Site(tmp_path)


@pytest.fixture(scope="session")
def demo_output(tmp_path_factory) -> Path:
    """The demo portal (content/), built once per test worker."""
    from plugins.staged_build import build

    out = tmp_path_factory.mktemp("demo") / "output"
    assert build(str(ROOT / "pelicanconf.py"), str(out), str(ROOT / "content"), quiet=True) == 0
    return out


PUBLIC_SITEURL = "https://nampang.example.gov.vn"


@pytest.fixture(scope="session")
def publish_output(tmp_path_factory) -> Path:
    """The demo content built with publishconf (absolute SITEURL), once per test worker."""
    from plugins.staged_build import build

    out = tmp_path_factory.mktemp("publish") / "output"
    before = os.environ.get("SITEURL")
    os.environ["SITEURL"] = PUBLIC_SITEURL  # read by publishconf in the build's subprocess
    try:
        assert build(str(ROOT / "publishconf.py"), str(out), str(ROOT / "content"), quiet=True) == 0
    finally:
        if before is None:
            del os.environ["SITEURL"]
        else:
            os.environ["SITEURL"] = before
    return out


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve_directory(directory: Path):
    """Serve a directory on a free loopback port; returns (base_url, stop)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop():
        server.shutdown()
        server.server_close()

    return f"http://127.0.0.1:{server.server_address[1]}", stop


@pytest.fixture(scope="session")
def demo_url(demo_output):
    url, stop = serve_directory(demo_output)
    yield url
    stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def open_page(browser, **context_options):
    """A page in a fresh context; `page.console_errors` collects console and page errors.
    Returns (page, context); close the context when done."""
    context = browser.new_context(locale="vi-VN", **context_options)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.console_errors = errors
    return pg, context


@pytest.fixture
def page(browser):
    pg, context = open_page(browser)
    yield pg
    context.close()


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def serious_axe_violations(page) -> list[dict]:
    """Run axe-core (WCAG 2.1 A/AA rules) on the page; return serious and critical violations."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return [v for v in result if v["impact"] in ("serious", "critical")]
