"""Maintainer and editor tasks (invoke). Quickstart names kept: clean, build,
rebuild, regenerate, serve, reserve, preview, livereload, publish; plus new and check.
"""

import datetime
import json
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
    "port": int(os.environ.get("PORT", "8000")),
}


def _preview_overrides() -> dict:
    """The demo's absolute URLs (canonical, og:url, sitemap, feeds) name this preview server."""
    origin = json.dumps(f"http://{CONFIG['host']}:{CONFIG['port']}")
    return {"ABSOLUTE_SITEURL": origin, "FEED_DOMAIN": origin}


def _settings(path=SETTINGS_FILE_BASE, site=""):
    """The settings of the default portal, or of a network's portal (its site.yaml's overrides)."""
    import logging

    from pelican.settings import read_settings

    # Pelican's English warnings about feed URLs concern the build, not an editor's `new`/`check`.
    log = logging.getLogger("pelican.settings")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        if not site:
            return read_settings(os.path.join(ROOT, path))
        from plugins.network import sites

        net = sites.load_default(ROOT)
        if site not in net.sites:
            for p in net.problems.get(site, []):
                print(p, file=sys.stderr)
            sys.exit(f"Không dùng được cổng '{site}'. Các cổng: {', '.join(net.slugs())}")
        return read_settings(os.path.join(ROOT, path),
                             override={**sites.overrides(net, site), "PATH": net.sites[site].content})
    finally:
        log.setLevel(level)


def _pelican(c, args):
    c.run(f"{shlex.quote(sys.executable)} -m pelican {args}", pty=False)


@task
def clean(c):
    """Remove generated files"""
    for path in (CONFIG["deploy_path"], CONFIG["deploy_path"] + ".new"):
        shutil.rmtree(path, ignore_errors=True)


@task(help={"site": "a network's portal (sites/<slug>/ or the default's slug), several with commas, "
                    "or 'all': into output/<slug>/ (docs/network.md)"})
def build(c, site=""):
    """Build the local version of the site (validated; swapped in only on success)"""
    if site:
        from plugins.network import runner, sites

        net = sites.load_default(ROOT)
        if runner.build(net, runner.select(net, site), CONFIG["deploy_path"], port=CONFIG["port"]):
            sys.exit(1)
        return
    if build_site(SETTINGS_FILE_BASE, CONFIG["deploy_path"], overrides=_preview_overrides()) != 0:
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
    """Serve site at http://127.0.0.1:$PORT/ (default port 8000), the 404 page for unknown URLs"""
    from plugins.preview_server import main as preview

    preview(["--directory", CONFIG["deploy_path"], "--host", CONFIG["host"], "--port", str(CONFIG["port"])])


@task
def reserve(c):
    """`build`, then `serve`"""
    build(c)
    serve(c)


@task(help={"site": "a network's portal, several with commas, or 'all': into output/<slug>/"})
def preview(c, site=""):
    """Build production version of site"""
    if site:
        from plugins.network import runner, sites

        net = sites.load_default(ROOT)
        if runner.build(net, runner.select(net, site), CONFIG["deploy_path"], mode="publish"):
            sys.exit(1)
        return
    if build_site(SETTINGS_FILE_PUBLISH, CONFIG["deploy_path"]) != 0:
        sys.exit(1)


@task(help={"settings": "settings file (pelicanconf.py)", "output": "output folder (output)",
            "content": "content folder (the settings' PATH)"})
def livereload(c, settings=SETTINGS_FILE_BASE, output="", content=""):
    """Build, serve, rebuild on every change; pages reload themselves, and a failed build's
    errors are shown over every page while the last good build stays served"""
    _preview_server(None, settings, output, content)


WATCHED = ("content", "theme", "plugins", SETTINGS_FILE_BASE)


def _preview_server(overrides=None, settings=SETTINGS_FILE_BASE, output=None, content=None):
    """plugins.dev_server on the deploy path, with plugins.live_preview building: a build now
    (it may fail: the error page is served), then after every change under WATCHED the
    changed article's page first and the rest of the site after it."""
    from plugins import dev_server
    from plugins.live_preview.server import spawn, stop

    output = output or CONFIG["deploy_path"]
    content = content or _settings(settings)["PATH"]
    watched = [os.path.join(ROOT, w) for w in WATCHED if w not in ("content", SETTINGS_FILE_BASE)]
    watched += [os.path.abspath(content), os.path.abspath(settings)]
    # Pelican's reader cache: plugins.content_cache drops it when readers or their settings change
    cache = {"LOAD_CONTENT_CACHE": "true", "CACHE_CONTENT": "true"}
    builder = spawn(settings, output, content, watched, {**cache, **_preview_overrides(), **(overrides or {})})
    try:
        dev_server.serve(output, CONFIG["host"], CONFIG["port"])
    finally:
        stop(builder)


@task
def publish(c):
    """Build the production site and sync only changed files (checksums)"""
    preview(c)
    if not CONFIG["publish_target"]:
        print("Set PUBLISH_TARGET (rsync destination) to deploy; see docs/deploy.md")
        return
    c.run(f"rsync -rlvz --checksum --delete-after {CONFIG['deploy_path']}/ "
          f"{shlex.quote(CONFIG['publish_target'])}")


@task(help={"title": "Tiêu đề bài viết (bắt buộc)",
            "category": "Chuyên mục (bắt buộc, một trong các chuyên mục đã cấu hình)",
            "site": "cổng trong mạng (slug trong sites/); bỏ trống: cổng mặc định"})
def new(c, title="", category="", site=""):
    """Tạo bài mới: tiêu đề, chuyên mục, ngày giờ và slug điền sẵn (make new TITLE="..." CATEGORY="...")"""
    from plugins import vietnamese
    from plugins.categories import category_map
    from plugins.content_contract.check import existing_article

    settings = _settings(site=site)
    names = {key: conf["name"] for key, conf in category_map(settings).items()}
    if not title.strip() or not category.strip():
        sys.exit('Cần cả tiêu đề và chuyên mục: invoke new --title "Tiêu đề" --category "Chuyên mục"'
                 f' (hoặc make new TITLE="..." CATEGORY="..."). Chuyên mục: {", ".join(names.values())}')
    key = vietnamese.normalize(category.strip())
    if key not in names:
        sys.exit(f"Chuyên mục không hợp lệ '{category}'. Chọn một trong: {', '.join(names.values())}")
    now = datetime.datetime.now(zoneinfo.ZoneInfo(settings["TIMEZONE"]))
    slug = vietnamese.slugify(title)
    folder = os.path.join(settings["PATH"], "articles", f"{now:%Y}")
    path = os.path.join(folder, f"{slug}.md")
    clash = existing_article(settings, title, slug)
    if clash:
        sys.exit(f"Đã có bài {clash}; không tạo bài mới. Đặt tiêu đề khác, hoặc sửa bài đã có.")
    if os.path.exists(path):
        sys.exit(f"Đã có tệp {os.path.relpath(path)}; đặt tiêu đề khác.")
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


def _annotate(problems):
    if os.environ.get("GITHUB_ACTIONS") == "true":  # shown on the pull request's files
        for p in problems:
            text = str(p).split(": ", 1)[1].replace("%", "%25").replace("\n", "%0A")
            print(f"::error file={p.path},line={p.line}::{text}")


def _check_network(which):
    """`invoke check --site slug` / `--all`: every site's problems, each line naming its site."""
    from pelican.settings import read_settings

    from plugins.content_contract.check import check_site
    from plugins.network import runner, sites

    net = sites.load_default(ROOT)

    def check_one(site, overrides):
        return check_site(read_settings(os.path.join(ROOT, SETTINGS_FILE_BASE),
                                        override={**overrides, "PATH": site.content}))

    slugs = runner.select(net, which)
    failed = runner.check(net, slugs, check_one)
    if failed:
        _annotate([p for problems in failed.values() for p in problems])
        sys.exit(1)
    print(f"Nội dung hợp lệ ({len(slugs)} cổng: {', '.join(slugs)}).")


@task(help={"site": "một cổng trong mạng (slug), hoặc nhiều slug cách nhau dấu phẩy",
            "all": "mọi cổng trong mạng"})
def check(c, site="", all_=False):
    """Validate all content without building; lists every problem"""
    from plugins.content_contract.check import check_site, report
    from plugins.scheduling.schedule import now, upcoming, vi_time

    if site or all_:
        return _check_network("all" if all_ else site)
    settings = _settings()
    problems = check_site(settings)
    if problems:
        report(problems)
        _annotate(problems)
        sys.exit(1)
    print("Nội dung hợp lệ.")
    lines = upcoming(settings)
    if lines:
        print(f"Bài hẹn giờ và hết hạn (giờ Việt Nam, tính từ {vi_time(now(settings))}):")
        print("\n".join(lines))


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


@task(name="comments-import", help={"file": "JSON from the NukeViet importer (see counter_service/reader_import.py)",
                                    "db": "Isso's SQLite file"})
def comments_import(c, file, db="var/comments.sqlite3"):
    """Load comments (approved and pending, with their times) from a previous CMS"""
    c.run(shlex.join([sys.executable, "-m", "counter_service.reader_import", "comments", file,
                      "--comments-db", db]), pty=False)


@task(name="ratings-import", help={"file": "JSON with path, total_rating, click_rating per article"})
def ratings_import(c, file, site="127.0.0.1", db="var/counter.sqlite3", redis_url=""):
    """Load NukeViet's star-rating totals as the starting totals"""
    c.run(shlex.join([sys.executable, "-m", "counter_service.reader_import", "ratings", file, "--site", site,
                      *_backend_args(db, redis_url)]), pty=False)


def _comments_password_file() -> str:
    """The demo's moderation password: var/comments-password, made once at random (there is
    no default password); production sets COMMENTS_ADMIN_PASSWORD(_FILE) itself."""
    import secrets

    path = os.path.join(ROOT, "var", "comments-password")
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as fh:
            fh.write(secrets.token_urlsafe(12) + "\n")
    return path


def _start_editor_backend(url):
    """decap-server on this checkout (the web editor's local backend, files written as they are)."""
    import subprocess
    import urllib.parse

    server = os.path.join(ROOT, "node_modules", "decap-server", "dist", "index.js")
    if not url.startswith("http://127.0.0.1:") or not os.path.isfile(server):
        return None
    port = urllib.parse.urlsplit(url).port
    env = {**os.environ, "PORT": str(port), "BIND_HOST": "127.0.0.1", "MODE": "fs",
           "GIT_REPO_DIRECTORY": ROOT, "LOG_LEVEL": "warn"}
    proc = subprocess.Popen(["node", server], cwd=ROOT, env=env)
    print(f"Trình soạn thảo web: http://{CONFIG['host']}:{CONFIG['port']}/quan-tri/ (decap-server {url}, pid {proc.pid})")
    return proc


@task(name="serve-portal", help={"site": "a network's portal, several with commas, or 'all' (docs/network.md)"})
def serve_portal(c, site=""):
    """`make serve`: build and serve the demo portal at http://127.0.0.1:8000/ (rebuilt on
    every change; errors shown over the last good build) with the visitor counter service
    (SQLite, var/counter.sqlite3) on 127.0.0.1:8787"""
    import subprocess
    import urllib.parse

    if site:
        return _serve_network(site)

    counter_url = _settings().get("COUNTER_URL", "")
    proc = None
    if counter_url.startswith("http://127.0.0.1:"):
        origin = f"http://{CONFIG['host']}:{CONFIG['port']}"
        port = urllib.parse.urlsplit(counter_url).port
        args = _counter_args("127.0.0.1", port, os.path.join(ROOT, "var", "counter.sqlite3"), "",
                             [origin, origin.replace("127.0.0.1", "localhost")],
                             os.path.join(ROOT, CONFIG["deploy_path"], "counter", "manifest.json"), [])
        env = dict(os.environ)
        if not env.get("COMMENTS_ADMIN_PASSWORD"):
            env.setdefault("COMMENTS_ADMIN_PASSWORD_FILE", _comments_password_file())
        proc = subprocess.Popen([sys.executable, "-m", "counter_service", *args], cwd=ROOT, env=env)
        print(f"Counter service: {counter_url} (pid {proc.pid})")
        if env.get("COMMENTS_ADMIN_PASSWORD_FILE"):
            print(f"Kiểm duyệt ý kiến: {counter_url}/comments/admin/ "
                  f"(mật khẩu trong {os.path.relpath(env['COMMENTS_ADMIN_PASSWORD_FILE'], ROOT)})")
    editor = _start_editor_backend(_settings().get("WEB_EDITOR_LOCAL_BACKEND", ""))
    try:
        _preview_server()
    finally:
        if editor is not None:
            editor.terminate()
            editor.wait(15)
        if proc is not None:
            proc.terminate()  # SIGTERM: the service commits everything, then exits
            proc.wait(15)


# --- network of portals (sites/<slug>/, plugins/network, docs/network.md) ---

@task(name="new-site", help={"slug": "tên thư mục của cổng mới, ví dụ xa-suoi-lam",
                             "name": 'tên đơn vị, ví dụ "Xã Suối Lam"', "parent": "slug của cổng tỉnh",
                             "phone": "điện thoại", "email": "thư điện tử", "address": "địa chỉ trụ sở"})
def new_site(c, slug, name="", parent="", phone="", email="", address=""):
    """Tạo cổng xã/phường mới trong sites/<slug>/: cài đặt, các trang bắt buộc, thư mục bài viết"""
    from plugins.network import scaffold, sites

    net = sites.load_default(ROOT)
    try:
        files = scaffold.new_site(ROOT, slug, name, parent, net.slugs(), phone=phone, email=email,
                                  address=address,
                                  share_image=os.path.join(ROOT, "content", "images", "chia-se.jpg"))
    except scaffold.ScaffoldError as e:
        sys.exit(str(e))
    print(f"Đã tạo cổng {name} tại sites/{slug}/ ({len(files)} tệp).")
    print(f"Việc tiếp theo: sửa sites/{slug}/site.yaml (địa chỉ, điện thoại, thư điện tử, url), "
          f"các trang trong sites/{slug}/content/pages/; viết bài: invoke new --site {slug} "
          f'--title "…" --category "…"; dựng thử: make build SITE={slug}')


@task(name="counter-sites", help={"publish": "public origins (site.yaml's url) instead of *.localhost",
                                  "out": "where to write the table", "manifest_base": "URL of a folder "
                                  "holding <slug>/manifest.json (publish; default: each site's own)"})
def counter_sites(c, publish=False, out="var/counter-sites.json", manifest_base=""):
    """Write the counter service's Origin -> site table for every portal (counter_service --sites)"""
    from plugins.network import counter_table, sites

    net = sites.load_default(ROOT)
    data = counter_table.table(net, "publish" if publish else "local", os.path.join(ROOT, CONFIG["deploy_path"]),
                               CONFIG["port"], manifest_base)
    print(counter_table.write(data, out))


def _serve_network(which):
    """`make serve SITE=…`: the chosen portals built into output/<slug>/, served under one
    server at http://<slug>.localhost:PORT/, rebuilt on change, with one counter service
    for all of them (SQLite, var/counter.sqlite3)."""
    import subprocess
    import urllib.parse

    from plugins import dev_server
    from plugins.network import counter_table, runner, serve, sites

    net = sites.load_default(ROOT)
    slugs = runner.select(net, which)
    out, port = CONFIG["deploy_path"], CONFIG["port"]

    def rebuild():
        fresh = sites.load_default(ROOT)
        runner.build(fresh, [s for s in slugs if s in fresh.slugs()], out, port=port)

    rebuild()
    proc = None
    counter_url = _settings().get("COUNTER_URL", "")
    if counter_url.startswith("http://127.0.0.1:"):
        table = counter_table.write(counter_table.table(net, "local", os.path.join(ROOT, out), port, only=slugs),
                                    os.path.join(ROOT, "var", "counter-sites.json"))
        proc = subprocess.Popen([sys.executable, "-m", "counter_service", "--host", "127.0.0.1",
                                 "--port", str(urllib.parse.urlsplit(counter_url).port),
                                 "--db", os.path.join(ROOT, "var", "counter.sqlite3"), "--sites", table], cwd=ROOT)
        print(f"Counter service: {counter_url} (pid {proc.pid}, sites {table})")
    server = serve.make_server(out, slugs, {s: net.sites[s].name for s in slugs if s in net.sites},
                               CONFIG["host"], port)
    roots = [os.path.join(ROOT, w) for w in (*WATCHED, sites.SITES_DIR)]
    for s in slugs:
        print(f"Xem thử {s}: http://{s}.localhost:{port}/")
    try:
        dev_server.run_server(server, rebuild, roots,
                              f"Danh sách các cổng: http://{CONFIG['host']}:{port}/ (Ctrl+C để dừng)")
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(15)
