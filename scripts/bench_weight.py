"""Page-weight benchmark: what a reader on a cheap phone and a slow network downloads.

    .venv/bin/python scripts/bench_weight.py            # builds the demo (publish settings) first
    .venv/bin/python scripts/bench_weight.py --no-build --output /tmp/weight-site

Builds the demo with publishconf.py (precompressed .br/.gz; SITEURL = the local server),
serves it over HTTPS (self-signed; Chromium only asks for brotli over HTTPS) with a tiny
server that sends the `.br` file with ``Content-Encoding: br`` when
the client accepts it, and loads home, category, article and search pages in headless
Chromium (Playwright, Debian's /usr/bin/chromium) with 4x CPU throttling and DevTools'
"Slow 4G" profile (562.5 ms RTT, 1.44 Mbit/s down). Each page loads in a fresh context
(cold cache). Bytes are what crossed the wire (CDP encodedDataLength, headers included);
LCP comes from a PerformanceObserver. Viewport: 412x823 at DPR 1.75 (Lighthouse's phone).
"""

from __future__ import annotations

import argparse
import http.server
import mimetypes
import os
import re
import socket
import statistics
import sys
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SLOW_4G = {"offline": False, "latency": 562.5, "downloadThroughput": 1.6 * 1024 * 1024 / 8 * 0.9,
           "uploadThroughput": 750 * 1024 / 8 * 0.9}
BUDGET_ARTICLE_CORE = 50 * 1024  # HTML + CSS + JS, brotli
BUDGET_TOTAL = 200 * 1024  # with the above-the-fold photo
BUDGET_PHOTO_800 = 120 * 1000

LCP_SCRIPT = """
window.__lcp = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__lcp.push({t: e.startTime, size: e.size,
    el: e.element ? e.element.tagName + (e.element.className ? '.' + e.element.className : '') : ''});
}).observe({type: 'largest-contentful-paint', buffered: true});
"""


class PrecompressedHandler(http.server.SimpleHTTPRequestHandler):
    """Static files; `X.br`/`X.gz` sent for X when the client accepts them (as nginx gzip_static/brotli_static)."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        full = os.path.normpath(os.path.join(self.directory, path.lstrip("/")))
        if not full.startswith(os.path.abspath(self.directory)):
            self.send_error(400)
            return
        if os.path.isdir(full):
            full = os.path.join(full, "index.html")
        if not os.path.isfile(full):
            self.send_error(404)
            return
        accept = self.headers.get("Accept-Encoding", "")
        ctype = mimetypes.guess_type(full)[0] or "application/octet-stream"
        if ctype.startswith("text/") or ctype in ("application/javascript", "application/json", "application/xml"):
            ctype += "; charset=utf-8"
        body_path, encoding = full, None
        if re.search(r"\bbr\b", accept) and os.path.isfile(full + ".br"):
            body_path, encoding = full + ".br", "br"
        elif "gzip" in accept and os.path.isfile(full + ".gz"):
            body_path, encoding = full + ".gz", "gzip"
        with open(body_path, "rb") as fh:
            data = fh.read()
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        if encoding:
            self.send_header("Content-Encoding", encoding)
            self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        self.wfile.write(data)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tls_context(workdir: str):
    """Self-signed certificate: Chromium only asks for brotli over HTTPS, as a real portal is served."""
    import ssl
    import subprocess

    key, cert = os.path.join(workdir, "key.pem"), os.path.join(workdir, "cert.pem")
    if not os.path.exists(cert):
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", cert],
                       check=True, capture_output=True)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx


def serve(directory: str, port: int):
    handler = lambda *a, **k: PrecompressedHandler(*a, directory=directory, **k)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    ctx = tls_context(os.path.dirname(os.path.abspath(directory)))
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def build(output: str, siteurl: str) -> None:
    from plugins.staged_build import build as build_site

    os.environ["SITEURL"] = siteurl
    os.environ["COUNTER_URL"] = ""  # no counter service runs here; its widgets are not measured
    if build_site(os.path.join(ROOT, "publishconf.py"), output, os.path.join(ROOT, "content"), quiet=True):
        raise SystemExit("build failed")


def pick_pages(output: str) -> list[tuple[str, str]]:
    """(label, path): home, a category, the newest article with a featured photo, search."""
    from bs4 import BeautifulSoup

    home = BeautifulSoup(open(os.path.join(output, "index.html"), encoding="utf-8"), "html.parser")
    article = None
    for dirpath, _, files in sorted(os.walk(output), reverse=True):
        rel = os.path.relpath(dirpath, output)
        if not re.match(r"^\d{4}/\d{2}$", rel):
            continue
        for f in sorted(files, reverse=True):
            if f.endswith(".html"):
                text = open(os.path.join(dirpath, f), encoding="utf-8").read()
                if "article__image" in text:
                    article = f"/{rel}/{f}"
                    break
        if article:
            break
    cat = home.select_one('a[href*="chuyen-muc/"]')
    cat_path = urllib.parse.urlsplit(cat["href"]).path if cat else "/chuyen-muc/tin-tuc-su-kien/"
    pages = [("home", "/"), ("category", cat_path), ("article", article), ("search", "/tim-kiem/"),
             ("search + query", "/tim-kiem/?q=n%C3%B4ng%20th%C3%B4n%20m%E1%BB%9Bi")]
    return [(label, p) for label, p in pages if p]


def measure(browser, base: str, path: str) -> dict:
    context = browser.new_context(viewport={"width": 412, "height": 823}, device_scale_factor=1.75,
                                  is_mobile=True, has_touch=True, locale="vi-VN", ignore_https_errors=True)
    context.add_init_script(LCP_SCRIPT)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", SLOW_4G)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    reqs: dict[str, dict] = {}

    def on_response(ev):
        r = reqs.setdefault(ev["requestId"], {})
        r.update(url=ev["response"]["url"], type=ev.get("type", ""),
                 encoding={k.lower(): v for k, v in ev["response"].get("headers", {}).items()}.get("content-encoding", ""))

    def on_finished(ev):
        reqs.setdefault(ev["requestId"], {})["bytes"] = ev["encodedDataLength"]

    cdp.on("Network.responseReceived", on_response)
    cdp.on("Network.loadingFinished", on_finished)
    t0 = time.perf_counter()
    page.goto(base + path, wait_until="load", timeout=120000)
    try:
        page.wait_for_load_state("networkidle", timeout=60000)
    except Exception:
        pass
    elapsed = time.perf_counter() - t0
    lcp = page.evaluate("window.__lcp.length ? window.__lcp[window.__lcp.length - 1] : null")
    context.close()
    groups = {"core": 0, "image": 0, "data": 0, "other": 0}
    unencoded = []
    for r in reqs.values():
        if "bytes" not in r or "url" not in r:
            continue
        t = r["type"]
        if t in ("Document", "Stylesheet", "Script"):
            groups["core"] += r["bytes"]
            if r["encoding"] != "br" and r["bytes"] > 1024:
                unencoded.append(r["url"])
        elif t == "Image":
            groups["image"] += r["bytes"]
        elif t in ("Fetch", "XHR"):
            groups["data"] += r["bytes"]
        else:
            groups["other"] += r["bytes"]
    return {"groups": groups, "total": sum(groups.values()), "requests": len(reqs),
            "lcp": lcp, "load": elapsed, "unencoded": unencoded}


def photo_sizes(output: str) -> dict:
    sizes = {"jpg": [], "webp": []}
    for dirpath, _, files in os.walk(os.path.join(output, "images")):
        for f in files:
            m = re.search(r"-800w\.(jpg|webp)$", f)
            if m:
                sizes[m.group(1)].append(os.path.getsize(os.path.join(dirpath, f)))
    return sizes


def kb(n: float) -> str:
    return f"{n / 1024:.1f} KB"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--output", default="/tmp/bench_weight/output")
    ap.add_argument("--no-build", action="store_true", help="reuse --output (built for --port)")
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args(argv)
    port = args.port or free_port()
    base = f"https://127.0.0.1:{port}"
    if not args.no_build:
        t0 = time.perf_counter()
        build(args.output, base)
        print(f"built {args.output} (publish settings, SITEURL={base}) in {time.perf_counter() - t0:.0f} s")
    server = serve(args.output, port)
    with open("/proc/loadavg") as fh:
        load = " ".join(fh.read().split()[:3])
    from playwright.sync_api import sync_playwright

    rows = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            for label, path in pick_pages(args.output):
                r = measure(browser, base, path)
                rows.append((label, path, r))
                print(f"  {label}: {path} {kb(r['total'])} LCP {r['lcp']['t'] / 1000 if r['lcp'] else float('nan'):.2f} s",
                      flush=True)
            browser.close()
    finally:
        server.shutdown()
    photos = photo_sizes(args.output)
    print()
    print(f"Slow 4G (562.5 ms RTT, 1.44 Mbit/s), CPU 4x slower, 412x823 @1.75, cold cache; load avg {load}")
    print()
    print("| Page | HTML+CSS+JS (br) | Images | Data (fetch) | Total | Requests | LCP | LCP element |")
    print("|---|---|---|---|---|---|---|---|")
    for label, path, r in rows:
        g = r["groups"]
        lcp = f"{r['lcp']['t'] / 1000:.2f} s" if r["lcp"] else "—"
        el = r["lcp"]["el"] if r["lcp"] else ""
        print(f"| {label} (`{urllib.parse.unquote(path)}`) | {kb(g['core'])} | {kb(g['image'])} | "
              f"{kb(g['data'])} | {kb(r['total'])} | {r['requests']} | {lcp} | {el} |")
    print()
    art = next((r for label, _, r in rows if label == "article"), None)
    ok = lambda c: "✅" if c else "❌"  # noqa: E731
    print("| Budget | Limit | Measured | |")
    print("|---|---|---|---|")
    if art:
        core = art["groups"]["core"]
        total = art["total"] - art["groups"]["data"]
        print(f"| Article HTML + CSS + JS, brotli | {kb(BUDGET_ARTICLE_CORE)} | {kb(core)} | {ok(core <= BUDGET_ARTICLE_CORE)} |")
        print(f"| Article total with above-the-fold photo | {kb(BUDGET_TOTAL)} | {kb(total)} | {ok(total <= BUDGET_TOTAL)} |")
    for ext in ("webp", "jpg"):
        if photos[ext]:
            worst = max(photos[ext])
            print(f"| 800 px photo ({ext}, {len(photos[ext])} photos: median {statistics.median(photos[ext]) / 1000:.0f} KB) "
                  f"| {BUDGET_PHOTO_800 / 1000:.0f} KB | max {worst / 1000:.0f} KB | {ok(worst <= BUDGET_PHOTO_800)} |")
    missing = [u for _, _, r in rows for u in r["unencoded"]]
    if missing:
        print("\nNot brotli-encoded (no .br sibling):", *sorted(set(missing)), sep="\n  ")
    return 0


if __name__ == "__main__":
    sys.exit(main())
