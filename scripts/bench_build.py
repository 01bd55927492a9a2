"""Build-cost benchmark: bare Pelican against the portal, on the same generated corpus.

    .venv/bin/python scripts/bench_build.py                 # 1k and 10k articles
    .venv/bin/python scripts/bench_build.py --sizes 1000    # one size
    .venv/bin/python scripts/bench_build.py --with-100k     # adds 100k (long: ~1 h on 2 busy cores)
    .venv/bin/python scripts/bench_build.py --sizes 1000 --variants bare portal-serial portal
        # portal-serial: the same portal on one core (no pools, pages one by one, no page cache)

(a) bare Pelican 4.12: theme ``simple``, only the ``pelican.plugins.yaml_metadata`` reader
    (bare Pelican cannot read the YAML front-matter of the content contract without it),
    DEFAULT_PAGINATION = 12 like the portal, everything else Pelican's defaults.
(b) the portal: pelicanconf.py as ``invoke build`` uses it, every feature plugin on.
(b+) with ``--publish``: publishconf.py too (absolute URLs + .gz/.br precompression).

(c) Hugo (Debian's ``hugo``, installed with apt-get when missing): the same articles converted
    to Hugo's front matter (categories/tags taxonomies, seconds in dates), minimal
    single/list/home/terms templates, the same pagination. The gap to the fastest tool
    users know; its "one edit" is a second full build (Hugo keeps no build state on disk).

For each: cold build (empty output and content cache; for the portal the photo-variant cache
of a first build is kept, as CI keeps CACHE_PATH; the first build is reported apart), then the
**one-edit rebuild in a fresh process**: a new ``pelican`` process after editing one article's
body, with the cache and the last output present (as CI's deploy keeps them) and Pelican's
content cache on.
CPU is user + system seconds of the build and its reaped workers (from wait4()); on a shared
machine it moves much less than wall time, so compare trees on it first.
Peak RSS is the pelican process's (and its reaped children's) maximum, from wait4(); peak
PSS is sampled every 0.5 s over the whole process tree (forked workers share most pages).
"""

from __future__ import annotations

import argparse
import os
import pickle
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from scripts import gen_corpus  # noqa: E402

BARE = """\
PATH = {content!r}
THEME = "simple"
PLUGINS = ["pelican.plugins.yaml_metadata"]
TIMEZONE = "Asia/Ho_Chi_Minh"
DEFAULT_LANG = "vi"
SITENAME = "Bare Pelican"
SITEURL = ""
ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images"]
DEFAULT_PAGINATION = 12
CACHE_PATH = {cache!r}
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
GZIP_CACHE = False
"""

PORTAL = """\
import sys
sys.path.insert(0, {root!r})
from {module} import *
PATH = {content!r}
CACHE_PATH = {cache!r}
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
GZIP_CACHE = False
DELETE_OUTPUT_DIRECTORY = False
"""

# The same portal on one core: every pool off, pages written one by one, no page cache.
SERIAL = PORTAL + """\
BUILD_WORKERS = 1
PAGE_WRITER_CACHE = False
"""

VARIANTS = {"bare": "BARE", "portal": "PORTAL", "portal-serial": "SERIAL", "portal-publish": "PORTAL",
            "hugo": ""}


def uptime() -> str:
    with open("/proc/loadavg") as fh:
        return " ".join(fh.read().split()[:3])


def _tree(pid: int) -> list[int]:
    pids = [pid]
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                for child in fh.read().split():
                    pids += _tree(int(child))
    except OSError:
        pass
    return pids


def tree_pss_mb(pid: int) -> float:
    """Proportional set size of a process and all its descendants: the memory the build
    really holds (forked workers share most pages with their parent, and RSS counts
    shared pages once per process)."""
    total = 0
    for p in _tree(pid):
        try:
            with open(f"/proc/{p}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            pass
    return total / 1024


def run_pelican(settings: str, content: str, output: str) -> dict:
    """One build in a subprocess: wall time, peak RSS (MB), peak PSS of the process tree."""
    cmd = [sys.executable, "-m", "pelican", content, "-s", settings, "-o", output,
           "--fatal", "errors", "-q"]
    load = uptime()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=os.path.dirname(settings), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    peak, done = [0.0], threading.Event()

    def sample():  # not proc.poll(): that would reap the child before wait4() reads its rusage
        while not done.wait(0.5):
            peak[0] = max(peak[0], tree_pss_mb(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out = proc.stdout.read()
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.stderr.write(out.decode("utf-8", "replace")[-4000:])
        raise SystemExit(f"build failed ({settings})")
    # CPU seconds of the build and its reaped workers: less sensitive than wall time to
    # what else the machine runs (another build steals wall time, not much CPU time).
    cpu = ru.ru_utime + ru.ru_stime
    return {"time": wall, "cpu": cpu, "rss": ru.ru_maxrss / 1024, "pss": peak[0], "load": load}


def tree_size(path: str) -> tuple[int, int]:
    files = size = 0
    for dirpath, _, names in os.walk(path):
        for n in names:
            files += 1
            size += os.lstat(os.path.join(dirpath, n)).st_size
    return files, size


def ensure_corpus(n: int, seed: int, workdir: str) -> str:
    content = os.path.join(workdir, f"corpus-{n}-s{seed}")
    stamp = os.path.join(content, ".complete")
    if not os.path.exists(stamp):
        shutil.rmtree(content, ignore_errors=True)
        t0 = time.perf_counter()
        gen_corpus.write(n, seed, content)
        open(stamp, "w").close()
        print(f"  corpus {n}: generated in {time.perf_counter() - t0:.0f} s -> {content}", flush=True)
    return content


def edit_one(content: str) -> tuple[str, str]:
    arts = sorted(os.path.join(d, f) for d, _, fs in os.walk(os.path.join(content, "articles"))
                  for f in fs if f.endswith(".md"))
    path = arts[len(arts) // 2]
    with open(path, encoding="utf-8") as fh:
        original = fh.read()
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(original + "\nĐoạn bổ sung sau khi biên tập lại bài viết.\n")
    return path, original


def warm_pages(cache: str) -> str:
    """What plugins.page_writer did in the last build: pages rendered / kept."""
    try:
        with open(os.path.join(cache, "page_writer", "manifest.pickle"), "rb") as fh:
            last = pickle.load(fh)["last_build"]
        return f"{len(last['rendered']):,} / {last['kept']:,}"
    except (OSError, KeyError, pickle.UnpicklingError):
        return "—"


def bench_variant(name: str, settings_text: str, content: str, workdir: str, first_build: bool = True,
                  root: str = ROOT) -> dict:
    base = os.path.join(workdir, name)
    shutil.rmtree(base, ignore_errors=True)
    os.makedirs(base)
    settings = os.path.join(base, "settings.py")
    with open(settings, "w", encoding="utf-8") as fh:
        fh.write(settings_text.format(root=root, content=content, cache=os.path.join(base, "cache"),
                                      module="publishconf" if name.endswith("publish") else "pelicanconf"))
    output = os.path.join(base, "output")
    first = None
    cache = os.path.join(base, "cache")
    if not name.startswith("bare") and first_build:
        # First build ever: photos have no variants yet (a one-time cost, kept in CACHE_PATH/images).
        first = run_pelican(settings, content, output)
        shutil.rmtree(output)
        for entry in os.listdir(cache):  # drop Pelican's content cache, keep image/compression caches
            if entry not in ("images", "precompress"):
                p = os.path.join(cache, entry)
                shutil.rmtree(p) if os.path.isdir(p) else os.remove(p)
    cold = run_pelican(settings, content, output)
    files, size = tree_size(output)
    cold_pages = warm_pages(cache)
    path, original = edit_one(content)
    try:
        warm = run_pelican(settings, content, output)
    finally:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(original)
    return {"name": name, "first": first, "cold": cold, "warm": warm, "files": files, "size": size,
            "pages": f"{cold_pages} → {warm_pages(cache)}"}


# -- Hugo ----------------------------------------------------------------------------------
HUGO_CONFIG = """\
baseURL = "/"
languageCode = "vi"
title = "Hugo"
timeZone = "Asia/Ho_Chi_Minh"
disableKinds = ["RSS", "sitemap", "robotsTXT", "404"]
[pagination]
  pagerSize = 12
paginate = 12
[taxonomies]
  category = "categories"
  tag = "tags"
"""
HUGO_BASE = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><header><a href="/">{{ site.Title }}</a></header><main>{{ block "main" . }}{{ end }}</main></body></html>
"""
HUGO_LIST = """{{ define "main" }}<h1>{{ .Title }}</h1>
{{ $pager := .Paginate .Pages }}{{ range $pager.Pages }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<time>{{ .Date.Format "02/01/2006" }}</time><p>{{ .Summary }}</p></article>{{ end }}
{{ if $pager.HasPrev }}<a href="{{ $pager.Prev.URL }}">Trước</a>{{ end }}
{{ if $pager.HasNext }}<a href="{{ $pager.Next.URL }}">Sau</a>{{ end }}{{ end }}
"""
HUGO_HOME = HUGO_LIST.replace(".Paginate .Pages", ".Paginate site.RegularPages.ByDate.Reverse")
HUGO_SINGLE = """{{ define "main" }}<article><h1>{{ .Title }}</h1><time>{{ .Date.Format "02/01/2006" }}</time>
{{ with .Params.categories }}{{ range . }}<a href="{{ (printf "/categories/%s/" (. | urlize)) }}">{{ . }}</a>{{ end }}{{ end }}
{{ .Content }}{{ with .Params.tags }}<ul>{{ range . }}
<li><a href="{{ (printf "/tags/%s/" (. | urlize)) }}">{{ . }}</a></li>{{ end }}</ul>{{ end }}
</article>{{ end }}
"""
HUGO_TERMS = """{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Data.Terms.ByCount }}
<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>{{ end }}
"""
_DATE_RE = re.compile(r"^date: (\d{4}-\d\d-\d\d) (\d\d:\d\d)$", re.M)
_CATEGORY_RE = re.compile(r"^category: (.+)$", re.M)


def hugo_binary() -> str:
    """Debian's hugo, installed (apt-get, as root) when missing."""
    found = shutil.which("hugo")
    if found:
        return found
    if os.geteuid() != 0:
        raise SystemExit("hugo is missing: apt-get install hugo (or run as root)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "hugo"], check=True, env=env)
    return shutil.which("hugo") or "/usr/bin/hugo"


def hugo_article(text: str) -> str:
    """One corpus article in Hugo's front matter: seconds in the date (YAML timestamps need
    them), the category as the categories taxonomy, {static} links as site paths."""
    head, sep, body = text[4:].partition("\n---\n")
    head = _DATE_RE.sub(r"date: \1T\2:00+07:00", head, count=1)
    head = _CATEGORY_RE.sub(lambda m: "categories: [" + m.group(1).strip() + "]", head, count=1)
    return "---\n" + head + sep + body.replace("{static}/", "/")


def hugo_site(content: str, base: str) -> str:
    site = os.path.join(base, "site")
    for rel, text in (("hugo.toml", HUGO_CONFIG), ("layouts/_default/baseof.html", HUGO_BASE),
                      ("layouts/_default/list.html", HUGO_LIST), ("layouts/_default/single.html", HUGO_SINGLE),
                      ("layouts/_default/terms.html", HUGO_TERMS), ("layouts/index.html", HUGO_HOME)):
        path = os.path.join(site, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
    for dirpath, _, names in os.walk(os.path.join(content, "articles")):
        out_dir = os.path.join(site, "content", "posts", os.path.relpath(dirpath, os.path.join(content, "articles")))
        os.makedirs(out_dir, exist_ok=True)
        for name in names:
            if name.endswith(".md"):
                with open(os.path.join(dirpath, name), encoding="utf-8") as fh:
                    text = hugo_article(fh.read())
                with open(os.path.join(out_dir, name), "w", encoding="utf-8") as fh:
                    fh.write(text)
    shutil.copytree(os.path.join(content, "images"), os.path.join(site, "static", "images"),
                    copy_function=os.link)
    return site


def run_hugo(hugo: str, site: str, output: str) -> dict:
    load = uptime()
    t0 = time.perf_counter()
    proc = subprocess.Popen([hugo, "--quiet", "--source", site, "--destination", output,
                             "--cacheDir", os.path.join(site, ".cache")],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = proc.stdout.read()
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        sys.stderr.write(out.decode("utf-8", "replace")[-4000:])
        raise SystemExit("hugo build failed")
    return {"time": wall, "cpu": ru.ru_utime + ru.ru_stime, "rss": ru.ru_maxrss / 1024,
            "pss": ru.ru_maxrss / 1024, "load": load}


def bench_hugo(content: str, workdir: str) -> dict:
    hugo = hugo_binary()
    base = os.path.join(workdir, "hugo")
    shutil.rmtree(base, ignore_errors=True)
    site = hugo_site(content, base)
    output = os.path.join(base, "public")
    cold = run_hugo(hugo, site, output)
    files, size = tree_size(output)
    arts = sorted(os.path.join(d, f) for d, _, fs in os.walk(os.path.join(site, "content")) for f in fs)
    path = arts[len(arts) // 2]
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("\nĐoạn bổ sung sau khi biên tập lại bài viết.\n")
    warm = run_hugo(hugo, site, output)
    return {"name": "hugo", "first": None, "cold": cold, "warm": warm, "files": files, "size": size,
            "pages": "— (full build)"}


def median_result(rounds: list[dict]) -> dict:
    """The median of each measured number over the rounds (the first round's counts)."""
    if len(rounds) == 1:
        return rounds[0]
    out = dict(rounds[0])
    for build in ("first", "cold", "warm"):
        if rounds[0][build] is None:
            continue
        out[build] = {key: statistics.median(r[build][key] for r in rounds) for key in ("time", "cpu", "rss", "pss")}
        out[build]["load"] = rounds[0][build]["load"]
    return out


def fmt_row(n: int, r: dict, ref: dict | None) -> str:
    c, w, f = r["cold"], r["warm"], r["first"]
    ratio = f"{c['time'] / ref['cold']['time']:.2f}×" if ref else "—"
    first = f"{f['time']:.1f} s" if f else "—"
    rss = max(x["rss"] for x in (c, w, f) if x)
    pss = max(x["pss"] for x in (c, w, f) if x)
    return (f"| {n:,} | {r['name']} | {first} | {c['time']:.1f} s | {c['cpu']:.1f} s "
            f"| {w['time']:.1f} s ({w['time'] / c['time']:.2f}×) | {w['cpu']:.1f} s | "
            f"{r['pages']} | {rss:.0f} MB | {pss:.0f} MB | {r['files']:,} | {r['size'] / 1e6:.0f} MB | {ratio} | "
            f"{c['load']} |")


HEADER = ("| Articles | Build | First build (no photo variants yet) | Cold | Cold CPU (all processes) "
          "| One-edit rebuild, fresh process (÷ cold) | One-edit CPU "
          "| Pages rendered / kept, cold → warm | Peak RSS, one process | Peak PSS, all processes "
          "| Output files | Output size | Cold ÷ bare | Load avg at start |\n"
          "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--with-100k", action="store_true", help="also 100,000 articles")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workdir", default="/tmp/bench_build")
    ap.add_argument("--variants", nargs="+", default=["bare", "portal", "hugo"], choices=sorted(VARIANTS),
                    help="builds to compare, in this order (ratios are against bare when it runs)")
    ap.add_argument("--publish", action="store_true", help="also the publish build (precompression)")
    ap.add_argument("--no-first-build", action="store_true",
                    help="skip the portal's first build (photo variants then come from the cold build)")
    ap.add_argument("--rounds", type=int, default=1,
                    help="repeat the builds this many times, interleaved (baseline, current, baseline, ...), "
                         "and report each build's median: one run on a noisy machine varies by 15 %%")
    ap.add_argument("--keep", action="store_true", help="keep outputs and corpora")
    ap.add_argument("--baseline", metavar="TREE",
                    help="another checkout (e.g. `git worktree add /tmp/before HEAD~1`): each portal "
                         "variant is also built with that tree's settings and plugins, just before")
    args = ap.parse_args(argv)
    sizes = args.sizes + ([100000] if args.with_100k else [])
    variants = args.variants + (["portal-publish"] if args.publish else [])
    os.makedirs(args.workdir, exist_ok=True)
    rows = []
    print(f"bench_build: sizes {sizes}, seed {args.seed}, {os.cpu_count()} CPUs, load {uptime()}"
          + (f", baseline {args.baseline}" if args.baseline else ""), flush=True)
    for n in sizes:
        content = ensure_corpus(n, args.seed, args.workdir)
        bare = None
        runs = []
        for name in variants:
            if args.baseline and name not in ("bare", "hugo"):
                runs.append((f"{name} (baseline)", name, os.path.abspath(args.baseline)))
            runs.append((name, name, ROOT))
        results: dict[str, list[dict]] = {}
        for rnd in range(args.rounds):
            for label, name, root in runs:
                if name == "hugo":
                    result = bench_hugo(content, args.workdir)
                else:
                    result = bench_variant(name, globals()[VARIANTS[name]], content, args.workdir,
                                           first_build=not args.no_first_build, root=root)
                result["name"] = label
                results.setdefault(label, []).append(result)
                if args.rounds > 1:
                    c, w = result["cold"], result["warm"]
                    print(f"  round {rnd + 1}/{args.rounds}: {label}: cold {c['time']:.1f} s ({c['cpu']:.1f} s CPU), "
                          f"one edit {w['time']:.1f} s ({w['cpu']:.1f} s CPU), load {c['load']}", flush=True)
        for label, name, _ in runs:
            result = median_result(results[label])
            if name == "bare":
                bare = result
            row = fmt_row(n, result, None if name == "bare" else bare)
            print("  " + row, flush=True)
            rows.append(row)
        if not args.keep:
            for name in variants:
                shutil.rmtree(os.path.join(args.workdir, name), ignore_errors=True)
    print()
    print(HEADER)
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
