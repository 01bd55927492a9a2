"""A newcomer's loop: `invoke serve` answers unknown URLs with the 404 page, a build
prints no (English) warning, and installing from the lock never rewrites it."""

from __future__ import annotations

import filecmp
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from conftest import ROOT, Site

INVOKE = Path(sys.executable).parent / "invoke"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8")


def test_invoke_serve_answers_unknown_urls_with_the_404_page(tmp_path, demo_output):
    (tmp_path / "output").symlink_to(demo_output)  # `invoke serve` serves ./output
    port = _free_port()
    proc = subprocess.Popen([str(INVOKE), "--search-root", str(ROOT), "serve"], cwd=tmp_path,
                            env={**os.environ, "PORT": str(port), "PREVIEW_QUIET": "1"},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:  # wait until it listens (not a timing assertion)
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert proc.poll() is None, proc.stdout.read()
                assert time.monotonic() < deadline, "the preview server did not start"
                time.sleep(0.2)
        status, body = _get(base + "/")
        assert status == 200 and "<html" in body
        for missing in ("/khong-co-trang-nay.html", "/chuyen-muc/khong-co/", "/2019/01/x.html?a=1"):
            status, body = _get(base + missing)
            assert status == 404, missing
            assert "Không tìm thấy trang" in body
        status, _ = _get(base + "/404.html")
        assert status == 200
    finally:
        proc.terminate()
        proc.wait(15)


def test_a_build_prints_no_warning(tmp_path):
    site = Site(tmp_path)
    site.article("Bài một")
    proc = site.build()
    log = proc.stdout + proc.stderr
    assert "WARNING" not in log, log
    assert "Feeds generated without SITEURL" not in log and "Docutils" not in log


def test_installing_from_the_lock_leaves_it_unchanged(tmp_path):
    for name in ("package.json", "package-lock.json"):
        shutil.copy(ROOT / name, tmp_path / name)
    subprocess.run(["npm", "install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund",
                    "--prefer-offline", "--loglevel=error"], cwd=tmp_path, check=True, capture_output=True)
    assert filecmp.cmp(ROOT / "package-lock.json", tmp_path / "package-lock.json", shallow=False), \
        "npm rewrites package-lock.json: regenerate it with `npm install` and commit it"
    assert "npm ci" in (ROOT / "Makefile").read_text(encoding="utf-8")
