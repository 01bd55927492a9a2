"""Every portal of the network under one local server (``make serve SITE=all``), each at its
own origin ``http://<slug>.localhost:PORT/`` (browsers resolve ``*.localhost`` to this
machine), as they are published: each on its own host. ``http://127.0.0.1:PORT/`` lists them.
Pure: no Pelican. Unknown URLs get the site's own 404 page (plugins.preview_server).
"""

from __future__ import annotations

import functools
import html
import http.server
import os

from plugins.preview_server import PreviewHandler

SUFFIX = ".localhost"


class NetworkHandler(PreviewHandler):
    root = ""
    slugs: frozenset = frozenset()
    names: dict = {}

    def parse_request(self):
        ok = super().parse_request()
        if ok:
            host = (self.headers.get("Host") or "").rsplit(":", 1)[0].lower()
            slug = host[: -len(SUFFIX)] if host.endswith(SUFFIX) else ""
            self.site = slug if slug in self.slugs else ""
            self.directory = os.path.join(self.root, self.site) if self.site else self.root
        return ok

    def end_headers(self):
        # The province's network search reads the communes' shards from their origins.
        self.send_header("Access-Control-Allow-Origin", "*")
        super().end_headers()

    def do_GET(self):
        if not self.site:
            return self._listing()
        return super().do_GET()

    def do_HEAD(self):
        if not self.site:
            return self._listing()
        return super().do_HEAD()

    def _listing(self):
        port = self.server.server_address[1]
        rows = "".join(f'<li><a href="http://{s}{SUFFIX}:{port}/">{html.escape(self.names.get(s, s))}</a> '
                       f"({s})</li>" for s in sorted(self.slugs))
        body = (f'<!doctype html><html lang="vi"><meta charset="utf-8"><title>Các cổng trong mạng</title>'
                f"<h1>Các cổng trong mạng</h1><ul>{rows}</ul></html>").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def make_server(output_root: str, slugs, names: dict | None = None, host: str = "127.0.0.1",
                port: int = 8000) -> http.server.ThreadingHTTPServer:
    handler = type("Handler", (NetworkHandler,), {"root": os.path.abspath(output_root),
                                                  "slugs": frozenset(slugs), "names": dict(names or {})})
    return http.server.ThreadingHTTPServer((host, port), functools.partial(handler, directory=output_root))
