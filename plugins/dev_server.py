"""The preview server of `make serve` and `invoke livereload`. Pure: no Pelican.

- Serves the last good build (OUTPUT); a failed build leaves it as it was.
- Injects plugins/dev_overlay.js into every HTML page it serves (never into the files):
  the page reloads after a successful rebuild, and while the last build failed
  (``OUTPUT.errors.json``, written by plugins/staged_build.py) its error list is shown
  over every page.
- Before any build has succeeded, every path answers 503 with a page listing the errors.
- With ``--watch``, ``plugins.live_preview`` builds beside it in its own process: the
  changed article's page first, then the whole site (``serve`` itself only serves; its
  ``build``/``roots`` arguments keep the older one-build-per-change loop).
"""

from __future__ import annotations

import functools
import html
import http.server
import json
import os
import threading
from collections.abc import Callable

from plugins.staged_build import errors_path

OVERLAY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dev_overlay.js")
STATUS_PATH = "/__portal/status.json"
OVERLAY_PATH = "/__portal/overlay.js"
TAG = f'<script src="{OVERLAY_PATH}" defer></script>'.encode()


def read_errors(output: str) -> dict | None:
    try:
        with open(errors_path(output), encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return None


def build_id(output: str) -> str:
    """Changes with every swapped-in build (a new directory each time)."""
    try:
        st = os.stat(output)
    except OSError:
        return ""
    return f"{st.st_ino}-{st.st_mtime_ns}"


def status(output: str) -> dict:
    return {"build": build_id(output), "errors": read_errors(output)}


def error_page(errors: dict | None) -> bytes:
    lines = (errors or {}).get("problems", []) + (errors or {}).get("other", [])
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines) or "<li>Đang dựng trang, xin chờ…</li>"
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Chưa dựng được trang</title></head><body style=\"font:16px/1.5 system-ui,sans-serif;margin:24px\">"
        "<h1>Chưa dựng được trang xem thử</h1>"
        "<p>Bản dựng đầu tiên gặp lỗi nên chưa có trang nào để xem. Sửa các lỗi dưới đây rồi lưu tệp; "
        "trang này tự cập nhật.</p>"
        f'<ul id="danh-sach-loi" style="font-family:ui-monospace,monospace">{items}</ul>'
        f"{TAG.decode()}</body></html>"
    ).encode()


class Handler(http.server.SimpleHTTPRequestHandler):
    output = "output"
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".yml": "text/yaml", ".wasm": "application/wasm"}

    def log_message(self, *args):
        pass

    def _send(self, code: int, body: bytes, ctype: str) -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path == STATUS_PATH:
            return self._send(200, json.dumps(status(self.output), ensure_ascii=False).encode(),
                              "application/json; charset=utf-8")
        if path == OVERLAY_PATH:
            with open(OVERLAY, "rb") as fh:
                return self._send(200, fh.read(), "text/javascript; charset=utf-8")
        if not os.path.isdir(self.output):
            return self._send(503, error_page(read_errors(self.output)), "text/html; charset=utf-8")
        local = self.translate_path(path)
        if os.path.isdir(local):
            if not path.endswith("/"):
                return super().do_GET()  # the redirect to "dir/"
            local = os.path.join(local, "index.html")
        if local.endswith(".html") and os.path.isfile(local):
            with open(local, "rb") as fh:
                body = fh.read()
            at = body.rfind(b"</body>")
            body = body[:at] + TAG + body[at:] if at >= 0 else body + TAG
            return self._send(200, body, "text/html; charset=utf-8")
        return super().do_GET()

    def translate_path(self, path):
        self.directory = os.path.abspath(self.output)  # a new directory after every build
        return super().translate_path(path)


def make_server(output: str, host: str = "127.0.0.1", port: int = 8000) -> http.server.ThreadingHTTPServer:
    handler = type("PortalHandler", (Handler,), {"output": os.path.abspath(output)})
    http.server.ThreadingHTTPServer.allow_reuse_address = True
    return http.server.ThreadingHTTPServer((host, port), functools.partial(handler, directory=os.path.abspath(output)))


def snapshot(roots: list[str]) -> dict:
    """path -> mtime of every file under roots (files or directories), hidden entries skipped."""
    seen = {}
    for root in roots:
        if os.path.isfile(root):
            seen[root] = os.stat(root).st_mtime_ns
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if not d.startswith(".") and d != "__pycache__"]
            for name in filenames:
                if not name.startswith(".") and not name.endswith("~"):
                    full = os.path.join(dirpath, name)
                    try:
                        seen[full] = os.stat(full).st_mtime_ns
                    except OSError:
                        pass
    return seen


def watch(roots: list[str], rebuild: Callable[[], object], stop: threading.Event, interval: float = 1.0) -> None:
    """Call rebuild() after any file under roots changes, until stop is set."""
    last = snapshot(roots)
    while not stop.wait(interval):
        now = snapshot(roots)
        if now != last:
            last = now  # an edit made during the build is seen on the next round
            rebuild()


def _interrupt(*_args):
    raise KeyboardInterrupt


def interrupt_on_term() -> None:
    """SIGTERM and SIGINT raise KeyboardInterrupt, also in a process started in the background
    (where a shell leaves SIGINT ignored)."""
    import signal

    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)


def serve(output: str, host: str, port: int, build: Callable[[], object] | None = None,
          roots: list[str] | None = None) -> None:
    """Serve until Ctrl+C; with build and roots, rebuild on every change."""
    server = make_server(output, host, port)
    run_server(server, build, roots, f"Xem thử tại http://{host}:{server.server_address[1]}/ (Ctrl+C để dừng)")


def run_server(server, build: Callable[[], object] | None = None, roots: list[str] | None = None,
               banner: str = "") -> None:
    """Serve ``server`` until Ctrl+C or SIGTERM, rebuilding on every change under ``roots``."""
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        interrupt_on_term()  # SIGTERM like Ctrl+C: the caller's cleanup (the builder) runs
    if build is not None and roots:
        threading.Thread(target=watch, args=(roots, build, stop), daemon=True).start()
    if banner:
        print(banner, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()


def main(argv=None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--output", default="output")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8000)
    ap.add_argument("--settings", default="pelicanconf.py")
    ap.add_argument("--content", default="content")
    ap.add_argument("--watch", nargs="*", default=None, help="rebuild when these change")
    args = ap.parse_args(argv)

    if not args.watch:
        serve(args.output, args.host, args.port)
        return 0
    from plugins.live_preview.server import spawn, stop

    builder = spawn(args.settings, args.output, args.content, args.watch)  # builds, watches, rebuilds
    try:
        serve(args.output, args.host, args.port)
    finally:
        stop(builder)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
