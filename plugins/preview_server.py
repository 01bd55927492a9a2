"""Preview server of `make serve` / `invoke serve`: the built site over HTTP, and the
site's own 404 page, with status 404, for an unknown URL (Pelican's `pelican -l`
closes the connection without a reply: ERR_EMPTY_RESPONSE in the browser).

Usage: python -m plugins.preview_server [--directory output] [--host 127.0.0.1] [--port 8000]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import sys


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript", ".json": "application/json", ".xml": "application/xml",
        ".webp": "image/webp", ".svg": "image/svg+xml",
    }

    def send_error(self, code, message=None, explain=None):
        page = os.path.join(self.directory, "404.html")
        if code != 404 or not os.path.isfile(page):
            return super().send_error(code, message, explain)
        with open(page, "rb") as fh:
            body = fh.read()
        self.send_response(404, message)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return None

    def log_message(self, format, *args):
        if os.environ.get("PREVIEW_QUIET") != "1":
            super().log_message(format, *args)


def make_server(directory: str, host: str = "127.0.0.1", port: int = 8000) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(PreviewHandler, directory=os.path.abspath(directory))
    return http.server.ThreadingHTTPServer((host, port), handler)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--directory", default="output")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8000)
    args = ap.parse_args(argv)
    server = make_server(args.directory, args.host, args.port)
    host, port = server.server_address[:2]
    print(f"Xem trước cổng tại http://{host}:{port}/ (Ctrl+C để dừng)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
