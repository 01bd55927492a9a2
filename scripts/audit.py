"""Audit the publish build with independent judges: Lighthouse 12.2.3 and pa11y (WCAG2AA).

    .venv/bin/python scripts/audit.py                 # builds the demo (publishconf.py) first
    .venv/bin/python scripts/audit.py --no-build --output /tmp/audit-site --port 8765
    .venv/bin/python scripts/audit.py --runs 3 --record   # also appends the table to docs/benchmarks.md

Builds the demo with publishconf.py (SITEURL = the local server, so canonical links and
feeds are absolute), serves it with a small Python server that sends the headers of the
nginx configuration in docs/deploy.md (gzip_static: the `.gz` file with
`Content-Encoding: gzip`; the Cache-Control rules per location; `try_files $uri $uri/`;
`error_page 404 /404.html`), and runs on home, a category, an article, /tim-kiem/,
/van-ban/ and a document page:

- Lighthouse (npm `lighthouse`, pinned 12.2.3; mobile, simulated throttling) with
  Debian's Chromium (CHROME_PATH=/usr/bin/chromium, --headless=new --no-sandbox),
  `--runs` times per page; the table shows the median of each score and of CLS;
- pa11y (npm, WCAG2AA, HTML_CodeSniffer) with the same Chromium, errors only.

Plain HTTP on loopback: Chromium asks for brotli only over HTTPS, so pages travel gzip.
Exit code 1 when a goal is missed: Performance >= 95, Accessibility, Best Practices and SEO
100 (the noindex search page aside for SEO), CLS <= 0.02, no pa11y error.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from scripts.bench_weight import PrecompressedHandler, build, free_port

CHROMIUM = "/usr/bin/chromium"
LIGHTHOUSE = os.path.join(ROOT, "node_modules", ".bin", "lighthouse")
PA11Y = os.path.join(ROOT, "node_modules", ".bin", "pa11y")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
GOALS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
CLS_GOAL = 0.02
NOINDEX = ("search",)  # deliberately noindex: Lighthouse's SEO "is-crawlable" fails by design

# docs/deploy.md, in nginx's order: regex locations first, then the longest prefix.
CACHE_RULES = [
    (re.compile(r"\.[0-9a-f]{8,}\.(js|json|css)$", re.IGNORECASE), "public, max-age=31536000, immutable"),
    (re.compile(r"\.(jpg|jpeg|png|webp|svg|pdf)$", re.IGNORECASE), "public, max-age=2592000"),
]
CACHE_PREFIX = [("/theme/", "public, max-age=86400"), ("/", "public, max-age=300")]


def cache_control(path: str) -> str:
    for rule, value in CACHE_RULES:
        if rule.search(path):
            return value
    return next(value for prefix, value in CACHE_PREFIX if path.startswith(prefix))


class DeployHandler(PrecompressedHandler):
    """PrecompressedHandler with docs/deploy.md's Cache-Control and 404 page."""

    def send_header(self, keyword, value):
        if keyword == "Cache-Control":
            value = cache_control(urllib.parse.unquote(urllib.parse.urlsplit(self.path).path))
        super().send_header(keyword, value)

    def send_error(self, code, message=None, explain=None):
        page = os.path.join(self.directory, "404.html")
        if code != 404 or not os.path.isfile(page):
            return super().send_error(code, message, explain)
        with open(page, "rb") as fh:
            data = fh.read()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)


def serve(directory: str, port: int):
    import http.server

    def handler(*a, **k):
        return DeployHandler(*a, directory=directory, **k)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def pick_pages(output: str) -> list[tuple[str, str]]:
    """(label, path) of the six audited pages."""
    from bs4 import BeautifulSoup

    def links(rel, pattern):
        with open(os.path.join(output, rel), encoding="utf-8") as fh:
            soup = BeautifulSoup(fh, "html.parser")
        for a in soup.select("a[href]"):
            path = urllib.parse.urlsplit(a["href"]).path
            if re.search(pattern, path):
                return path
        raise SystemExit(f"no link matching {pattern} in {rel}")

    return [
        ("home", "/"),
        ("category", links("index.html", r"/chuyen-muc/[^/]+/$")),
        ("article", links("index.html", r"^/\d{4}/\d{2}/[^/]+\.html$")),
        ("search", "/tim-kiem/"),
        ("documents", "/van-ban/"),
        ("document", links(os.path.join("van-ban", "index.html"), r"^/van-ban/[^/]+\.html$")),
    ]


def lighthouse(url: str, workdir: str) -> dict:
    out = os.path.join(workdir, "lh.json")
    cmd = [LIGHTHOUSE, url, "--quiet", "--output=json", f"--output-path={out}",
           "--only-categories=" + ",".join(CATEGORIES), "--locale=en",
           "--chrome-flags=--headless=new --no-sandbox --disable-gpu"]
    proc = subprocess.run(cmd, env={**os.environ, "CHROME_PATH": CHROMIUM},
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0 or not os.path.exists(out):
        raise SystemExit(f"lighthouse failed on {url}:\n{proc.stderr[-2000:]}")
    with open(out, encoding="utf-8") as fh:
        report = json.load(fh)
    os.unlink(out)
    scores = {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}
    audits = report["audits"]
    failed = sorted(a for c in CATEGORIES for a in
                    (ref["id"] for ref in report["categories"][c]["auditRefs"] if ref["weight"] > 0)
                    if audits[a]["score"] is not None and audits[a]["score"] < 1
                    and audits[a]["scoreDisplayMode"] in ("binary", "numeric") and c != "performance")
    return {**scores, "cls": audits["cumulative-layout-shift"]["numericValue"],
            "lcp": audits["largest-contentful-paint"]["numericValue"],
            "tbt": audits["total-blocking-time"]["numericValue"], "failed": failed}


def pa11y(url: str, workdir: str) -> list[dict]:
    config = os.path.join(workdir, "pa11y.json")
    with open(config, "w") as fh:
        json.dump({"chromeLaunchConfig": {"executablePath": CHROMIUM, "args": ["--no-sandbox"]},
                   "standard": "WCAG2AA", "timeout": 120000}, fh)
    proc = subprocess.run([PA11Y, "--config", config, "--reporter", "json", url],
                          capture_output=True, text=True, check=False)
    if proc.returncode not in (0, 2):  # 2: issues found
        raise SystemExit(f"pa11y failed on {url}:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout or "[]")


def audit(base: str, pages: list[tuple[str, str]], runs: int, workdir: str, log=print) -> list[dict]:
    rows = []
    for label, path in pages:
        results = []
        for i in range(runs):
            results.append(lighthouse(base + path, workdir))
            log(f"  {label} run {i + 1}: " + " ".join(f"{k}={results[-1][k]}" for k in (*CATEGORIES, "cls")))
        issues = pa11y(base + path, workdir)
        row = {"label": label, "path": path,
               **{k: statistics.median(r[k] for r in results) for k in (*CATEGORIES, "cls", "lcp", "tbt")},
               "runs": [r["performance"] for r in results],
               "failed": sorted({a for r in results for a in r["failed"]}),
               "pa11y": [f"{i['code']} ({i['selector']})" for i in issues]}
        rows.append(row)
    return rows


def misses(row: dict) -> list[str]:
    out = [f"{c} {row[c]:g} < {g}" for c, g in GOALS.items()
           if row[c] < g and not (c == "seo" and row["label"] in NOINDEX)]
    if row["cls"] > CLS_GOAL:
        out.append(f"CLS {row['cls']:.3f} > {CLS_GOAL}")
    if row["pa11y"]:
        out.append(f"{len(row['pa11y'])} pa11y errors")
    return out


def table(rows: list[dict]) -> str:
    lines = [("| Page | Path | Performance (runs) | Accessibility | Best Practices | SEO | CLS | LCP ms | TBT ms "
              "| pa11y errors | Lighthouse audits not passed |"),
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        failed = ", ".join(r["failed"]) or "—"
        lines.append(f"| {r['label']} | `{r['path']}` | {r['performance']:g} ({', '.join(map(str, r['runs']))}) "
                     f"| {r['accessibility']:g} | {r['best-practices']:g} | {r['seo']:g} | {r['cls']:.3f} "
                     f"| {r['lcp']:.0f} | {r['tbt']:.0f} | {len(r['pa11y'])} | {failed} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--output", help="build folder (default: a temp dir)")
    ap.add_argument("--no-build", action="store_true", help="audit an existing publish build in --output")
    ap.add_argument("--port", type=int, help="port the build's SITEURL names (with --no-build)")
    ap.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page (median shown)")
    ap.add_argument("--record", action="store_true", help="append the table to docs/benchmarks.md")
    args = ap.parse_args(argv)
    for tool in (LIGHTHOUSE, PA11Y):
        if not os.path.exists(tool):
            raise SystemExit(f"{tool} missing: run `make setup`")
    workdir = tempfile.mkdtemp(prefix="audit-")
    output = args.output or os.path.join(workdir, "output")
    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    if args.no_build:
        if not args.port:
            raise SystemExit("--no-build needs --port (the build's SITEURL)")
    else:
        build(output, base)
    server = serve(output, port)
    load_before = os.getloadavg()
    started = datetime.datetime.now(datetime.UTC)
    try:
        rows = audit(base, pick_pages(output), args.runs, workdir)
    finally:
        server.shutdown()
    load_after = os.getloadavg()
    text = table(rows)
    print(text)
    for r in rows:
        for issue in r["pa11y"]:
            print(f"pa11y {r['label']}: {issue}")
    problems = [f"{r['label']}: {m}" for r in rows for m in misses(r)]
    for p in problems:
        print("MISSED", p)
    loads = (f"load average {load_before[0]:.2f}, {load_before[1]:.2f}, {load_before[2]:.2f} → "
             f"{load_after[0]:.2f}, {load_after[1]:.2f}, {load_after[2]:.2f}")
    print(loads)
    if args.record:
        record(f"### Run {started:%Y-%m-%d %H:%M} UTC ({args.runs} Lighthouse runs per page, {loads})\n\n"
               f"{text}\n\nGoals missed: {'; '.join(problems) or 'none'}.\n")
    return 1 if problems else 0


def record(block: str, heading: str = "## Audit: Lighthouse and pa11y") -> None:
    """Add a run at the end of the audit section of docs/benchmarks.md (created if missing)."""
    path = os.path.join(ROOT, "docs", "benchmarks.md")
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    if heading not in text:
        text = text.rstrip("\n") + f"\n\n{heading}\n"
    start = text.index(heading) + len(heading)
    nxt = text.find("\n## ", start)
    end = len(text) if nxt < 0 else nxt
    text = text[:end].rstrip("\n") + "\n\n" + block + ("\n" + text[end:] if nxt >= 0 else "")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


if __name__ == "__main__":
    sys.exit(main())
