"""Maintainer and editor tasks (invoke). Quickstart names kept: clean, build,
rebuild, regenerate, serve, reserve, preview, livereload, publish; plus new and check.
"""

import datetime
import os
import shlex
import shutil
import sys
import zoneinfo

from invoke import task

ROOT = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, ROOT)

from plugins.staged_build import build as build_site  # noqa: E402

SETTINGS_FILE_BASE = "pelicanconf.py"
SETTINGS_FILE_PUBLISH = "publishconf.py"
CONFIG = {
    "deploy_path": "output",
    # rsync target for `invoke publish`, e.g. "deploy@portal.example:/srv/portal/"
    "publish_target": os.environ.get("PUBLISH_TARGET", ""),
    "host": "127.0.0.1",
    "port": 8000,
}


def _settings(path=SETTINGS_FILE_BASE):
    from pelican.settings import read_settings

    return read_settings(os.path.join(ROOT, path))


def _pelican(c, args):
    c.run(f"{shlex.quote(sys.executable)} -m pelican {args}", pty=False)


@task
def clean(c):
    """Remove generated files"""
    for path in (CONFIG["deploy_path"], CONFIG["deploy_path"] + ".new"):
        shutil.rmtree(path, ignore_errors=True)


@task
def build(c):
    """Build the local version of the site (validated; swapped in only on success)"""
    if build_site(SETTINGS_FILE_BASE, CONFIG["deploy_path"]) != 0:
        sys.exit(1)


@task
def rebuild(c):
    """`build` with the delete switch"""
    clean(c)
    build(c)


@task
def regenerate(c):
    """Automatically regenerate site upon file modification (content cache on)"""
    _pelican(c, f"-r -s {SETTINGS_FILE_BASE} -e LOAD_CONTENT_CACHE=true CACHE_CONTENT=true")


@task
def serve(c):
    """Serve site at http://$HOST:$PORT/ (default is 127.0.0.1:8000)"""
    _pelican(c, f"-l -s {SETTINGS_FILE_BASE} -o {CONFIG['deploy_path']} "
                f"-b {CONFIG['host']} -p {CONFIG['port']}")


@task
def reserve(c):
    """`build`, then `serve`"""
    build(c)
    serve(c)


@task
def preview(c):
    """Build production version of site"""
    if build_site(SETTINGS_FILE_PUBLISH, CONFIG["deploy_path"]) != 0:
        sys.exit(1)


@task
def livereload(c):
    """Automatically reload browser tab upon file modification (content cache on)"""
    from livereload import Server

    def cached_build():
        build_site(SETTINGS_FILE_BASE, CONFIG["deploy_path"],
                   overrides={"LOAD_CONTENT_CACHE": "true", "CACHE_CONTENT": "true"})

    cached_build()
    server = Server()
    for glob in ("content/**/*", "theme/templates/**/*.html", "theme/static/**/*", "*.py"):
        server.watch(glob, cached_build)
    server.serve(host=CONFIG["host"], port=CONFIG["port"], root=CONFIG["deploy_path"])


@task
def publish(c):
    """Build the production site and sync only changed files (checksums)"""
    preview(c)
    if not CONFIG["publish_target"]:
        print("Set PUBLISH_TARGET (rsync destination) to deploy; see docs/deploy.md")
        return
    c.run(f"rsync -rlvz --checksum --delete-after {CONFIG['deploy_path']}/ "
          f"{shlex.quote(CONFIG['publish_target'])}")


@task(help={"title": "Tiêu đề bài viết", "category": "Chuyên mục (một trong các chuyên mục đã cấu hình)"})
def new(c, title, category):
    """Scaffold an article: slug, date and front-matter filled in"""
    from plugins import vietnamese
    from plugins.categories import category_map

    settings = _settings()
    names = {key: conf["name"] for key, conf in category_map(settings).items()}
    key = vietnamese.normalize(category.strip())
    if key not in names:
        sys.exit(f"Chuyên mục không hợp lệ '{category}'. Chọn một trong: {', '.join(names.values())}")
    now = datetime.datetime.now(zoneinfo.ZoneInfo(settings["TIMEZONE"]))
    slug = vietnamese.slugify(title)
    folder = os.path.join(settings["PATH"], "articles", f"{now:%Y}")
    path = os.path.join(folder, f"{slug}.md")
    if os.path.exists(path):
        sys.exit(f"Đã có bài {os.path.relpath(path)}; đặt tiêu đề khác.")
    os.makedirs(folder, exist_ok=True)
    quoted = title.replace("\\", "\\\\").replace('"', '\\"')
    with open(path, "x", encoding="utf-8") as fh:
        fh.write(
            "---\n"
            f'title: "{quoted}"\n'
            f"date: {now:%Y-%m-%d %H:%M}\n"
            f"category: {names[key]}\n"
            "tags: []\n"
            "author: \n"
            "summary: \n"
            "status: draft\n"
            "---\n\n"
            "Nội dung bài viết.\n"
        )
    print(os.path.relpath(path))


@task
def check(c):
    """Validate all content without building; lists every problem"""
    from plugins.content_contract.check import check_site, report

    problems = check_site(_settings())
    if problems:
        report(problems)
        sys.exit(1)
    print("Nội dung hợp lệ.")


def _backend_args(db, redis_url):
    return ["--redis-url", redis_url] if redis_url else ["--db", db]


def _counter_args(host, port, db, redis_url, origin, manifest, trusted_proxy):
    args = ["--host", host, "--port", str(port), *_backend_args(db, redis_url)]
    for o in origin or []:
        args += ["--origin", o]
    args += ["--manifest", manifest]
    for t in trusted_proxy or []:
        args += ["--trusted-proxy", t]
    return args


@task(iterable=["origin", "trusted_proxy"], help={
    "db": "SQLite file (default var/counter.sqlite3)", "redis_url": "Redis URL instead of SQLite",
    "origin": "site origin allowed to count (repeatable)", "manifest": "path or URL of counter/manifest.json",
    "trusted_proxy": "proxy IP whose X-Forwarded-For is believed (repeatable)"})
def counter(c, host="127.0.0.1", port=8787, db="var/counter.sqlite3", redis_url="", origin=None,
            manifest="output/counter/manifest.json", trusted_proxy=None):
    """Run the visitor counter service (see docs/counter.md)"""
    origin = origin or [f"http://{CONFIG['host']}:{CONFIG['port']}"]
    args = _counter_args(host, port, db, redis_url, origin, manifest, trusted_proxy)
    c.run(shlex.join([sys.executable, "-m", "counter_service", *args]), pty=False)


@task(name="counter-import", iterable=["month"], help={
    "total": "all-time visits before the counter started", "month": "YYYY-MM=N (repeatable)",
    "site": "site key (host of the first origin, e.g. 127.0.0.1)",
    "views": "JSON file {path: starting views}",
    "nukeviet": "counters.json written by import-nukeviet (total, months and per-page views)"})
def counter_import(c, total=None, month=None, site="127.0.0.1", db="var/counter.sqlite3", redis_url="",
                   views="", nukeviet=""):
    """Import starting totals from a previous CMS so "Tổng lượt truy cập" continues"""
    import json
    import tempfile

    args = ["import", "--site", site, *_backend_args(db, redis_url)]
    month = list(month or [])
    if nukeviet:
        with open(nukeviet, encoding="utf-8") as fh:
            data = json.load(fh)
        total = data["total"] if total is None else total
        month += [f"{m}={n}" for m, n in data["months"].items()]
        start = dict(data["views"])
        for path, doc in data["documents"].items():
            start[path] = doc["views"]
            if doc.get("download_path"):
                start[doc["download_path"]] = doc["downloads"]
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as fh:
            json.dump(start, fh)
        views = fh.name
    if total is not None:
        args += ["--total", str(total)]
    for m in month:
        args += ["--month", m]
    if views:
        args += ["--views", views]
    try:
        c.run(shlex.join([sys.executable, "-m", "counter_service", *args]), pty=False)
    finally:
        if nukeviet:
            os.unlink(views)


@task(name="import-nukeviet", help={
    "db": "mysql://USER:PASS@HOST:PORT/DBNAME of the NukeViet database", "sql": "or a mysqldump file",
    "uploads": "NukeViet's uploads/ folder", "assets": "NukeViet's assets/ folder (optional)",
    "prefix": "table prefix (nv4)", "lang": "language of the tables (vi)", "out": "content folder (content)",
    "dry_run": "write only the report", "force": "overwrite files edited by hand since the last import",
    "download_remote": "download images hosted on other sites"})
def import_nukeviet(c, uploads, db="", sql="", assets="", prefix="nv4", lang="vi", out="content",
                    dry_run=False, force=False, download_remote=False):
    """Import a NukeViet 4 portal: news, văn bản, comments, counters (docs/migrate-nukeviet.md)"""
    from importers.nukeviet.cli import main

    if bool(db) == bool(sql):
        sys.exit("Give one of --db mysql://USER:PASS@HOST:PORT/DBNAME or --sql dump.sql")
    argv = ["--db", db] if db else ["--sql", sql]
    argv += ["--uploads", uploads, "--prefix", prefix, "--lang", lang, "--out", out]
    argv += ["--assets", assets] if assets else []
    argv += ["--dry-run"] if dry_run else []
    argv += ["--force"] if force else []
    argv += ["--download-remote"] if download_remote else []
    code = main(argv)
    if code:
        sys.exit(code)


@task(name="serve-portal")
def serve_portal(c):
    """`make serve`: serve the built demo portal at http://127.0.0.1:8000/ with the
    visitor counter service (SQLite, var/counter.sqlite3) on 127.0.0.1:8787"""
    import subprocess
    import urllib.parse

    counter_url = _settings().get("COUNTER_URL", "")
    proc = None
    if counter_url.startswith("http://127.0.0.1:"):
        origin = f"http://{CONFIG['host']}:{CONFIG['port']}"
        port = urllib.parse.urlsplit(counter_url).port
        args = _counter_args("127.0.0.1", port, os.path.join(ROOT, "var", "counter.sqlite3"), "",
                             [origin, origin.replace("127.0.0.1", "localhost")],
                             os.path.join(ROOT, CONFIG["deploy_path"], "counter", "manifest.json"), [])
        proc = subprocess.Popen([sys.executable, "-m", "counter_service", *args], cwd=ROOT)
        print(f"Counter service: {counter_url} (pid {proc.pid})")
    try:
        serve(c)
    finally:
        if proc is not None:
            proc.terminate()  # SIGTERM: the service commits everything, then exits
            proc.wait(15)
