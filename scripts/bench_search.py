"""Search benchmark: our lunr year shards against Pagefind 1.6 on the same generated site.

    .venv/bin/python scripts/bench_search.py [N=10000] [--seed 1] [--keep DIR] [--before CHECKOUT]
    .venv/bin/python scripts/bench_search.py --step [N ...] [--seed 1]   (default N: 1000 10000)

One run, one table:
  * index build time (plugins.search_index.builder over N articles; Pagefind's CLI for reference);
  * bytes fetched (brotli, what a browser downloads with Accept-Encoding: br) before the
    first result of a current-year query, typed into the header box in headless Chromium;
    Pagefind measured the same way with its JS API (search + first result's data());
  * all years total (brotli);
  * ms per keystroke in Chromium: engine (all years loaded) + rendering the result list; and
    a one-letter query (t, n, c, d, h), where an open syllable matches most rows.

The site: one minimal HTML page per generated article (title, lead, body), our /tim-kiem/
files and Pagefind's /pagefind/ bundle side by side, served from loopback.

``--step``: the plugin's build step alone (what plugins/search_index writes at ``finalized``:
year parts, .gz/.br twins, lunr.js, manifest) cold and warm after editing one article, in 1
and 2 processes, and brotli quality 9/10/11 for all shards (bytes against CPU time).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

import brotli

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from plugins import vietnamese as vn  # noqa: E402
from plugins.search_index import builder, pipeline, store  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
JS = ROOT / "theme" / "static" / "js"
ONE_LETTER = "tncdh"  # the commonest first letters of Vietnamese syllables


def corpus(n: int, seed: int) -> list[dict]:
    try:
        from scripts.gen_corpus import generate
    except ImportError as exc:  # the scale engineer's generator is the agreed corpus
        raise SystemExit(f"scripts/gen_corpus.py is needed: {exc}") from exc
    return list(generate(n, seed=seed))


def br_size(data: bytes) -> int:
    """Bytes on the wire with brotli; already-compressed files (Pagefind's) stay as they are."""
    return min(len(data), len(brotli.compress(data, quality=11)))


def wire_size(path: Path) -> int:
    """The .br twin the plugin wrote if there is one, else brotli 11 (plugins/precompress)."""
    br = path.with_name(path.name + ".br")
    return br.stat().st_size if br.exists() else br_size(path.read_bytes())


def write_site(arts: list[dict], out: Path) -> list[dict]:
    docs = []
    for a in arts:
        url = f"{a['date']:%Y/%m}/{a['slug']}.html"
        page = out / url
        page.parent.mkdir(parents=True, exist_ok=True)
        body = "".join(f"<p>{escape(p)}</p>" for p in a["body"].split("\n\n") if not p.startswith("!["))
        page.write_text(
            f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{escape(a["title"])}</title></head>'
            f'<body><main data-pagefind-body><h1>{escape(a["title"])}</h1><p>{escape(a["summary"])}</p>'
            f"{body}</main></body></html>", encoding="utf-8")
        docs.append({"title": a["title"], "url": url, "date": a["date"], "category": a["category"],
                     "tags": a["tags"], "lead": a["summary"]})
    (out / "theme" / "js").mkdir(parents=True)
    for name in ("search.js", "vietnamese.js"):
        shutil.copy(JS / name, out / "theme" / "js" / name)
    (out / "ours.html").write_text(
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"></head><body>'
        '<form class="search-box" action="/tim-kiem/" data-search-manifest="/tim-kiem/chi-muc.json" '
        'data-search-base="/" data-search-page="/tim-kiem/" data-search-vn="/theme/js/vietnamese.js">'
        '<input id="o-tim-kiem" name="q" type="search"><div class="search-suggest" hidden>'
        '<p role="status"></p><ol></ol><a href="/tim-kiem/">all</a></div></form>'
        '<script>new MutationObserver(function (_, o) { window.__first = performance.now(); o.disconnect(); })'
        '.observe(document.querySelector(".search-suggest ol"), {childList: true});</script>'
        '<script src="/theme/js/search.js"></script></body></html>', encoding="utf-8")
    (out / "pf.html").write_text(
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"></head><body>'
        '<script>window.runPagefind = async (q) => { const pf = await import("/pagefind/pagefind.js");'
        ' const r = await pf.search(q); const d = r.results.length ? await r.results[0].data() : null;'
        ' return [r.results.length, d && d.meta.title]; };</script></body></html>', encoding="utf-8")
    return docs


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a):
        pass


def serve(directory: Path):
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory)))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{srv.server_address[1]}", srv


def pick_query(docs: list[dict]) -> tuple[str, str]:
    """Two adjacent syllables of a current-year title, typed without diacritics."""
    newest = max(int(builder._iso(d["date"])[:4]) for d in docs)
    cur = [d for d in docs if int(builder._iso(d["date"])[:4]) == newest]
    title = cur[len(cur) // 2]["title"]
    syl = [s for s in vn.syllables(title) if len(s) > 2]
    return vn.fold(" ".join(syl[:2])), title


KEYS_JS = """
    const out = [], cold = [], ol = document.createElement("ol"); document.body.appendChild(ol);
    for (let round = 0; round < 3; round++) for (let i = 1; i <= q.length; i++) {
        const t = performance.now();
        const r = E.search(q.slice(0, i), {typing: true, titlesOnly: !page});
        ol.textContent = "";
        for (const x of r.slice(0, 20)) { const li = document.createElement("li"); li.textContent = x.title; ol.appendChild(li); }
        ol.offsetHeight;  // force layout
        (round ? out : cold).push(performance.now() - t);
    }
    return [out, cold];"""


def keystrokes(b, base: str, site: Path, js: Path, query: str) -> dict:
    """ms per keystroke of the search.js in ``js`` with every year loaded, in a fresh page:
    each prefix of ``query`` (header box and results page) and one-letter queries."""
    pg = b.new_page()
    pg.goto(base + "/pf.html")
    src = (js / "search.js").read_text(encoding="utf-8")
    manifest = json.loads((site / "tim-kiem" / "chi-muc.json").read_text(encoding="utf-8"))
    pg.add_script_tag(url=f"/tim-kiem/{manifest['lunr']}")
    pg.add_script_tag(url="/theme/js/vietnamese.js")
    pg.evaluate("src => { window.module = {exports: {}}; (0, eval)(src); window.E = module.exports; delete window.module; }", src)
    load_ms = pg.evaluate("""async (m) => {
        const t = performance.now();
        E.init(window.lunr, window.VietnameseText, m, "/");
        for (const y of m.years) for (const part of ["core", "lead"]) {
            const r = await fetch("/tim-kiem/" + y[part]); E.add(y.year, part, await r.json());
        }
        const load = performance.now() - t;
        E.warm();  // search.js splits titles in idle time after each year arrives
        return load; }""", manifest)

    def key(q, page):
        return pg.evaluate(f"([q, page]) => {{ {KEYS_JS} }}", [q, page])

    times, cold = key(query, False)
    res = {"load_all_ms": load_ms, "keys": times, "key_cold_max_ms": max(cold), "page_keys": key(query, True)[0],
           # The costliest keystroke: a first letter that begins many syllables (most rows match).
           "letter_keys": [t for ch in ONE_LETTER for t in key(ch, True)[0]]}
    pg.close()
    return res


def measure_browser(base: str, site: Path, query: str, before_js: Path | None = None) -> dict:
    from playwright.sync_api import sync_playwright

    res = {}
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        # --- ours: focus the header box, type, wait for the first result ---
        # Count what was requested between focus and the first result entering the DOM.
        pg = b.new_page()
        pg.goto(base + "/ours.html")
        pg.wait_for_load_state("load")
        t_focus = pg.evaluate("performance.now()")
        pg.focus("#o-tim-kiem")
        pg.keyboard.type(query, delay=0)
        pg.wait_for_function("window.__first", timeout=60000)
        t_first = pg.evaluate("window.__first")
        res["ours_first_ms"] = t_first - t_focus
        first = [name for name, start in pg.evaluate(
            "performance.getEntriesByType('resource').map(e => [e.name, e.startTime])")
            if t_focus <= start <= t_first]
        res["ours_first_files"] = [urlsplit(u).path for u in first]
        res["ours_first_bytes"] = sum(wire_size(site / urlsplit(u).path.lstrip("/")) for u in first) \
            + br_size((JS / "search.js").read_bytes())  # search.js came with the page
        res["ours_first_title"] = pg.inner_text(".search-suggest .search-hit__title")
        # --- ms per keystroke: the same engine, every year loaded ---
        # With --before: that checkout's search.js too, in this browser, passes interleaved
        # (after, before, after, before) so both see the same machine load.
        runs = {"after": [], "before": []}
        for _ in range(2 if before_js else 1):
            runs["after"].append(keystrokes(b, base, site, JS, query))
            if before_js:
                runs["before"].append(keystrokes(b, base, site, before_js, query))
        for name, rs in runs.items():
            if rs:
                merged = {k: [t for r in rs for t in r[k]] for k in ("keys", "page_keys", "letter_keys")}
                merged.update(load_all_ms=statistics.median(r["load_all_ms"] for r in rs),
                              key_cold_max_ms=max(r["key_cold_max_ms"] for r in rs))
                res[name] = merged
        if before_js:
            res["before_search_js"] = br_size((before_js / "search.js").read_bytes())
        # --- Pagefind ---
        pg3 = b.new_page()
        fetched3: list[str] = []
        pg3.on("request", lambda r: fetched3.append(r.url))
        pg3.goto(base + "/pf.html")
        pg3.wait_for_load_state("load")
        fetched3.clear()
        t0 = time.perf_counter()
        n, title = pg3.evaluate("q => runPagefind(q)", query)
        res["pf_first_ms"] = (time.perf_counter() - t0) * 1000
        res["pf_first_bytes"] = sum(br_size((site / urlsplit(u).path.lstrip("/")).read_bytes()) for u in fetched3)
        res["pf_first_files"] = len(fetched3)
        res["pf_results"], res["pf_first_title"] = n, title
        b.close()
    return res


class Clock:
    """Wall and CPU time of a block, CPU counting finished child processes (the fork pool)."""

    def __enter__(self):
        self._t, self._c = time.perf_counter(), self._cpu()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self._t, self._cpu() - self._c

    @staticmethod
    def _cpu() -> float:
        return sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF),
                                                     resource.getrusage(resource.RUSAGE_CHILDREN)))


LUNR_JS = ROOT / "node_modules/lunr/lunr.min.js"


def step(docs, out: Path, cache, workers: int, quality: int = store.BROTLI_QUALITY):
    """What plugins/search_index/__init__.py's write() does (after collecting the docs)."""
    lunr_js = LUNR_JS.read_bytes()
    lunr_name = f"lunr-2.3.9.{builder.content_hash(lunr_js)}.min.js"
    manifest, stats = store.publish(docs, out, cache_dir=cache, workers=workers, quality=quality,
                                    static={lunr_name: lunr_js})
    manifest["lunr"] = lunr_name
    store.write_twins(out, "chi-muc.json", store.twins(builder.dumps(manifest), store.STATIC_BROTLI_QUALITY))
    return manifest, stats


def new_process() -> None:
    """Forget the word caches: each Pelican build is a new process."""
    for f in (builder._word_syllables, builder._index_tokens, builder.code_version, pipeline._fold, pipeline._clean):
        f.cache_clear()


def tree(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(root.iterdir())}


def bench_step(ns: list[int], seed: int) -> int:
    work = Path(tempfile.mkdtemp(prefix="bench-search-step-"))
    rows, qrows = [], []
    try:
        for n in ns:
            docs = [{"title": a["title"], "url": f"{a['date']:%Y/%m}/{a['slug']}.html", "date": a["date"],
                     "category": a["category"], "tags": a["tags"], "lead": a["summary"]}
                    for a in corpus(n, seed)]
            # One edit: the middle article's title and summary (both parts of its year change).
            k = len(docs) // 2
            edited = list(docs)
            edited[k] = dict(docs[k], title=docs[k]["title"] + " (cập nhật)",
                             lead="Bài viết đã được biên tập lại. " + docs[k]["lead"])
            res = {}
            for workers in (1, 2):
                cache, out = work / f"cache-{n}-{workers}", work / f"out-{n}-{workers}"
                new_process()
                with Clock() as cold:
                    step(docs, out / "cold", cache, workers)
                new_process()
                with Clock() as warm:
                    _, stats = step(edited, out / "warm", cache, workers)  # build_site stages a fresh dir
                new_process()
                with Clock() as same:  # e.g. only a body changed: no search input did
                    _, none = step(edited, out / "same", cache, workers)
                assert none["built"] == []
                res[workers] = (cold, warm, stats, same)
            # The edited content built cold: the warm output must equal it, byte for byte.
            step(edited, work / f"ref-{n}", work / f"cache-ref-{n}", 2)
            for workers in (1, 2):
                assert tree(work / f"out-{n}-{workers}" / "warm") == tree(work / f"ref-{n}"), "warm != cold"
            years = len({int(builder._iso(d["date"])[:4]) for d in docs})
            for workers in (1, 2):
                cold, warm, stats, same = res[workers]
                rows.append((f"{n:,}", str(workers), f"{cold.wall:.2f} s ({cold.cpu:.2f} s)",
                             f"{warm.wall:.2f} s ({warm.cpu:.2f} s)", f"{warm.cpu / cold.cpu:.2f}",
                             f"{len(stats['built'])} of {2 * years}", f"{same.wall:.2f} s ({same.cpu:.2f} s)"))
            # Brotli quality over all shards of this corpus (JSON built once).
            _, files = builder.build_shards(docs)
            newest = max(files)  # names start with the year: the newest year's lead, then core
            core = max(name for name in files if "-core." in name)
            for q in (9, 10, 11):
                with Clock() as c:
                    sizes = {name: len(brotli.compress(data, quality=q, mode=brotli.MODE_TEXT))
                             for name, data in files.items()}
                qrows.append((f"{n:,}", str(q), f"{c.cpu:.2f} s", f"{sum(sizes.values()) / 1000:,.1f} KB",
                              f"{sizes[core] / 1000:,.1f} KB", f"{sizes[newest] / 1000:,.1f} KB"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n`uptime`: {os.popen('uptime').read().strip()}")
    print("\nSearch step (year parts + .gz/.br + lunr.js + manifest): cold (empty cache) and warm after "
          "editing one article's title and summary; wall (CPU incl. child processes)\n")
    table(("Articles", "Processes", "Cold", "Warm after 1 edit", "Warm ÷ cold (CPU)", "Parts built warm",
           "Warm, no search input changed"), rows)
    print("\nBrotli quality, all shards (CPU for compressing them in 1 process; bytes on the wire)\n")
    table(("Articles", "Quality", "CPU", "All shards", "Newest core (first result)", "Newest lead"), qrows)
    return 0


def table(header, rows) -> None:
    w = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
    line = lambda r: "| " + " | ".join(c.ljust(w[i]) for i, c in enumerate(r)) + " |"  # noqa: E731
    print(line(header))
    print("|" + "|".join("-" * (x + 2) for x in w) + "|")
    for r in rows:
        print(line(r))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, nargs="*", default=None)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", help="write the site here and keep it")
    ap.add_argument("--step", action="store_true", help="the plugin's build step alone: cold vs warm")
    ap.add_argument("--before", metavar="CHECKOUT",
                    help="also time that checkout's theme/static/js/search.js, interleaved, in the same browser")
    args = ap.parse_args(argv)
    if args.step:
        return bench_step(args.n or [1000, 10000], args.seed)
    args.n = args.n[0] if args.n else 10000

    t = time.perf_counter()
    arts = corpus(args.n, args.seed)
    gen_s = time.perf_counter() - t
    site = Path(args.keep or tempfile.mkdtemp(prefix="bench-search-"))
    shutil.rmtree(site, ignore_errors=True)
    site.mkdir(parents=True)
    docs = write_site(arts, site)
    years = sorted({a["date"].year for a in arts})

    t, cpu = time.perf_counter(), time.process_time()
    manifest, files = builder.build_shards(docs)  # JSON only, 1 process
    build_s, build_cpu = time.perf_counter() - t, time.process_time() - cpu
    out = site / "tim-kiem"
    new_process()
    with Clock() as c1:  # what the plugin does on a cold build: JSON + .gz/.br, 2 processes
        got, _ = step(docs, out, None, workers=2)
    assert {k: v for k, v in got.items() if k != "lunr"} == manifest
    shards = [out / y[p] for y in manifest["years"] for p in ("core", "lead")]
    all_br = sum(wire_size(p) for p in shards)
    cur = manifest["years"][0]
    cur_core, cur_lead = wire_size(out / cur["core"]), wire_size(out / cur["lead"])

    t = time.perf_counter()
    pf = subprocess.run([str(ROOT / "node_modules/.bin/pagefind"), "--site", str(site), "--quiet"],
                        capture_output=True, text=True)
    pf_s = time.perf_counter() - t
    if pf.returncode != 0:
        raise SystemExit(f"pagefind failed:\n{pf.stdout}\n{pf.stderr}")
    pf_all = sum(br_size(p.read_bytes()) for p in (site / "pagefind").rglob("*") if p.is_file())

    query, source_title = pick_query(docs)
    base, srv = serve(site)
    try:
        m = measure_browser(base, site, query, Path(args.before) / "theme/static/js" if args.before else None)
    finally:
        srv.shutdown()

    kb = lambda x: f"{x / 1000:.0f} KB"  # noqa: E731
    print(f"\n`uptime`: {os.popen('uptime').read().strip()}")
    print(f"\nSearch benchmark: {args.n} generated articles, {len(years)} years ({years[0]}–{years[-1]}), "
          f"seed {args.seed}; corpus generated in {gen_s:.1f} s")
    print(f"Query typed in the header box: {query!r} (from the {cur['year']} title {source_title!r})\n")
    ms = lambda xs: f"{statistics.median(xs):.1f} / {max(xs):.1f} ms"  # noqa: E731

    def keys(run: dict) -> list[str]:
        return [ms(run["keys"]), f"{run['key_cold_max_ms']:.1f} ms", ms(run["page_keys"]), ms(run["letter_keys"]),
                f"{run['load_all_ms']:.0f} ms"]

    old = m.get("before")
    # Before: the same shards and files, only search.js differs (its brotli size).
    old_first = m["ours_first_bytes"] - br_size((JS / "search.js").read_bytes()) + m.get("before_search_js", 0)
    rows = [
        ("Bytes before the first result (brotli)", kb(m["ours_first_bytes"]), kb(old_first), kb(m["pf_first_bytes"]), "≤ 150 KB"),
        ("  requests", str(len(m["ours_first_files"]) + 1), "", str(m["pf_first_files"]), ""),
        ("  time to first result, loopback", f"{m['ours_first_ms']:.0f} ms", "", f"{m['pf_first_ms']:.0f} ms", ""),
        ("All years / whole index (brotli)", kb(all_br), "", kb(pf_all), "≤ 1.5 MB"),
        (f"  current year {cur['year']}: core + lead", f"{kb(cur_core)} + {kb(cur_lead)}", "", "", ""),
        ("Index build (JSON), 1 process: wall (CPU)", f"{build_s:.1f} s ({build_cpu:.1f} s)", "",
         f"{pf_s:.1f} s (CLI, full text)", "≤ 10 s"),
        ("  + .gz/.br, 2 processes (plugin, cold): wall (CPU)", f"{c1.wall:.1f} s ({c1.cpu:.1f} s)", "", "", ""),
    ]
    labels = ["Per keystroke, header box (median / max)", "  first pass after loading (max)",
              "  results page, leads too (median / max)",
              f"  one letter ({'/'.join(ONE_LETTER)}), results page (median / max)", "Load + decode all years, Chromium"]
    for label, now, then in zip(labels, keys(m["after"]), keys(old) if old else [""] * 5):
        rows.append((label, now, then, "", "< 30 ms" if label.startswith("Per keystroke") else ""))
    header = ("Measure", "lunr shards (ours)", f"search.js of {args.before}" if old else "", "Pagefind 1.6", "Target")
    if not old:
        rows = [r[:2] + r[3:] for r in rows]
        header = header[:2] + header[3:]
    w = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
    line = lambda r: "| " + " | ".join(c.ljust(w[i]) for i, c in enumerate(r)) + " |"  # noqa: E731
    print(line(header))
    print("|" + "|".join("-" * (x + 2) for x in w) + "|")
    for r in rows:
        print(line(r))
    ratio = m["pf_first_bytes"] / m["ours_first_bytes"] if m["ours_first_bytes"] else 0
    print(f"\nFirst-result bytes, Pagefind / ours: {ratio:.2f}x")
    print(f"Our first-result files: {', '.join(m['ours_first_files'])}")
    print(f"First hit: ours {m['ours_first_title']!r}; Pagefind {m['pf_first_title']!r} ({m['pf_results']} results)")
    if not args.keep:
        shutil.rmtree(site, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
