"""Preview benchmark: how soon the running preview shows an editor's save.

    .venv/bin/python scripts/bench_preview.py                    # 10k articles, 10 edits, 3 new
    .venv/bin/python scripts/bench_preview.py --size 1000 --edits 5 --new 2

Starts the real preview command (``invoke livereload``, the path of ``make serve``:
plugins.dev_server serving, plugins.live_preview building) on a hard-linked copy of the
generated corpus (``scripts/gen_corpus.py``), waits for its first build, then:

- **edit**: appends a sentence to an article's body the way an editor's text editor saves
  (write a temporary file, then rename it over the article) and polls the article's URL
  until the sentence is served (*visible*); then waits until the preview's full rebuild has
  been swapped in (*whole site*), before the next edit;
- **new article**: writes a new article the same way and polls its page, the home page and
  its category's first page until all three show its title.

Prints each save's times and the median and worst of each kind, with the load average.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zoneinfo

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from plugins import vietnamese  # noqa: E402
from scripts.bench_build import ensure_corpus, uptime  # noqa: E402

SETTINGS = """\
import sys
sys.path.insert(0, {root!r})
from pelicanconf import *
PATH = {content!r}
CACHE_PATH = {cache!r}
"""
TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
DONE = "đã dựng lại toàn trang"
CATEGORY = "Kinh tế"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, ""
    except OSError:
        return 0, ""


def save(path: str, text: str) -> None:
    """As editors save: a temporary file beside it, then a rename over it."""
    tmp = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def article_url(path: str) -> str:
    with open(path, encoding="utf-8") as fh:
        meta = yaml.safe_load(fh.read().split("---\n", 2)[1])
    date = meta["date"] if isinstance(meta["date"], datetime.datetime) else datetime.datetime.fromisoformat(str(meta["date"]))
    slug = meta.get("slug") or vietnamese.slugify(meta["title"])
    return f"{date:%Y}/{date:%m}/{slug}.html"


class Preview:
    def __init__(self, workdir: str, content: str, settings: str, output: str):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/"
        self.log_path = os.path.join(workdir, "preview.log")
        self.log = open(self.log_path, "w", encoding="utf-8")
        invoke = os.path.join(os.path.dirname(sys.executable), "invoke")
        self.proc = subprocess.Popen([invoke, "--search-root", ROOT, "livereload", "--settings", settings,
                                      "--output", output], cwd=workdir, stdout=self.log, stderr=subprocess.STDOUT,
                                     env={**os.environ, "PORT": str(self.port), "COUNTER_URL": ""},
                                     start_new_session=True)

    def log_text(self) -> str:
        with open(self.log_path, encoding="utf-8", errors="replace") as fh:
            return fh.read()

    def wait_for(self, test, timeout: float, what: str, step: float = 0.05) -> float:
        t0 = time.monotonic()
        while not test():
            if self.proc.poll() is not None:
                raise SystemExit(f"the preview stopped:\n{self.log_text()[-3000:]}")
            if time.monotonic() - t0 > timeout:
                raise SystemExit(f"{what}: not seen after {timeout:.0f} s\n{self.log_text()[-3000:]}")
            time.sleep(step)
        return time.monotonic() - t0

    def shows(self, rel: str, text: str) -> bool:
        status, body = get(self.base + rel)
        return status == 200 and text in body

    def rebuilt(self, count: int) -> bool:
        return self.log_text().count(DONE) >= count

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, 15)  # SIGTERM: handled like Ctrl+C
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
                self.proc.wait()
        self.log.close()


def summary(name: str, values: list[float]) -> str:
    if not values:
        return f"| {name} | — | — | 0 |"
    return f"| {name} | {statistics.median(values):.2f} s | {max(values):.2f} s | {len(values)} |"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--edits", type=int, default=10)
    ap.add_argument("--new", type=int, default=3)
    ap.add_argument("--workdir", default="/tmp/bench_preview")
    ap.add_argument("--corpora", default="/tmp/bench_build", help="where gen_corpus corpora are kept")
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--no-full", action="store_true",
                    help="do not wait for each save's full rebuild: the next save comes while it runs "
                         "(and stops it), as when an editor saves every few seconds")
    ap.add_argument("--photo-cache", metavar="DIR",
                    help="a CACHE_PATH of an earlier build of the same corpus: its photo variants are linked in "
                         "(as CI keeps CACHE_PATH), so the first build does not encode every photo again")
    args = ap.parse_args(argv)

    source = ensure_corpus(args.size, args.seed, args.corpora)
    shutil.rmtree(args.workdir, ignore_errors=True)
    os.makedirs(args.workdir)
    content = os.path.join(args.workdir, "content")
    # hard links: a save renames a new file over the link, the shared corpus is never written
    shutil.copytree(source, content, copy_function=os.link, ignore=shutil.ignore_patterns(".pool", ".complete"))
    if args.photo_cache:
        shutil.copytree(os.path.join(args.photo_cache, "images"), os.path.join(args.workdir, "cache", "images"),
                        copy_function=os.link)
    settings = os.path.join(args.workdir, "settings.py")
    with open(settings, "w", encoding="utf-8") as fh:
        fh.write(SETTINGS.format(root=ROOT, content=content, cache=os.path.join(args.workdir, "cache")))
    output = os.path.join(args.workdir, "output")
    arts = sorted(os.path.join(d, f) for d, _, fs in os.walk(os.path.join(content, "articles")) for f in fs
                  if f.endswith(".md"))
    print(f"bench_preview: {len(arts):,} articles, {os.cpu_count()} CPUs, load {uptime()}", flush=True)

    preview = Preview(args.workdir, content, settings, output)
    edits, edits_full, news, news_full = [], [], [], []
    try:
        first = preview.wait_for(lambda: get(preview.base)[0] == 200, args.timeout, "the first build", 0.5)
        print(f"  first build served after {first:.1f} s (load {uptime()})", flush=True)
        rebuilds = 0
        picks = [arts[(i * 7919 + len(arts) // 3) % len(arts)] for i in range(args.edits)]
        for i, path in enumerate(picks):
            url = article_url(path)
            preview.wait_for(lambda u=url: get(preview.base + u)[0] == 200, 30, f"{url} before the edit")
            marker = f"Đoạn biên tập lại số {i + 1} lúc {time.time():.0f}."
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
            t0 = time.monotonic()
            save(path, text.rstrip("\n") + f"\n\n{marker}\n")
            preview.wait_for(lambda u=url, m=marker: preview.shows(u, m), args.timeout, f"edit {i + 1}")
            seen = time.monotonic() - t0
            edits.append(seen)
            full = None
            if not args.no_full:
                rebuilds += 1
                preview.wait_for(lambda r=rebuilds: preview.rebuilt(r), args.timeout, f"rebuild after edit {i + 1}",
                                 0.2)
                full = time.monotonic() - t0
                assert preview.shows(url, marker), "the full rebuild lost the edit"
                edits_full.append(full)
            print(f"  edit {i + 1}: visible {seen:.2f} s, whole site {'—' if full is None else f'{full:.1f} s'}  "
                  f"({url}, load {uptime()})", flush=True)
        for i in range(args.new):
            when = datetime.datetime.now(TZ) - datetime.timedelta(minutes=1)
            title = f"Bài mới số {i + 1} về đường giao thông nông thôn lúc {time.time():.0f}"
            slug = vietnamese.slugify(title)
            path = os.path.join(content, "articles", f"{when:%Y}", f"{slug}.md")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            url = f"{when:%Y}/{when:%m}/{slug}.html"
            t0 = time.monotonic()
            save(path, "---\n" + yaml.safe_dump({
                "title": title, "date": f"{when:%Y-%m-%d %H:%M}", "category": CATEGORY,
                "tags": ["nông thôn mới"], "author": "Ban Biên tập",
                "summary": "Xã Nậm Xe làm đường bê tông về các bản vùng cao."}, allow_unicode=True, sort_keys=False)
                + "---\n\nBà con xã Nậm Xe góp công làm đường bê tông về bản.\n")
            preview.wait_for(lambda u=url, t=title: preview.shows(u, t), args.timeout, f"new article {i + 1}")
            pages = ["", f"chuyen-muc/{vietnamese.slugify(CATEGORY)}/"]  # CATEGORY_URL
            preview.wait_for(lambda ps=pages, t=title: all(preview.shows(p, t) for p in ps), args.timeout,
                             f"new article {i + 1} on the home and category pages")
            seen = time.monotonic() - t0
            news.append(seen)
            full = None
            if not args.no_full:
                rebuilds += 1
                preview.wait_for(lambda r=rebuilds: preview.rebuilt(r), args.timeout, f"rebuild after new {i + 1}", 0.2)
                full = time.monotonic() - t0
                news_full.append(full)
            print(f"  new {i + 1}: on its page, home and {pages[-1] or 'home'} {seen:.2f} s, whole site "
                  f"{'—' if full is None else f'{full:.1f} s'} (load {uptime()})", flush=True)
    finally:
        preview.stop()
    print()
    print(f"| {args.size:,} articles, load at end {uptime()} | Median | Worst | Saves |")
    print("|---|---|---|---|")
    print(summary("Edit one article's body: new text served", edits))
    print(summary("Edit: whole site rebuilt and swapped in", edits_full))
    print(summary("New article: on its page, the home page and its category page", news))
    print(summary("New article: whole site rebuilt and swapped in", news_full))
    return 0


if __name__ == "__main__":
    sys.exit(main())
