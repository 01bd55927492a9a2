"""The counter contract shared by the build plugin (plugins/visitor_counter) and the
service (counter_service). Pure: standard library only, no Pelican.

Held to tests/vectors/counter_paths.json (tests/test_counter_contract.py).
"""

from __future__ import annotations

from urllib.parse import unquote

MANIFEST_VERSION = 1
MANIFEST_FILE = "counter/manifest.json"  # relative to the build's output folder


def canonical_path(url: str) -> str:
    """The one counter path of a page, used for the manifest and for every hit:
    no query or fragment, percent-decoded, one leading '/', and '…/index.html' is '…/'.
    '2024/03/x.html' -> '/2024/03/x.html', 'chuyen-muc/a/index.html' -> '/chuyen-muc/a/'."""
    path = url.split("#", 1)[0].split("?", 1)[0]
    path = "/" + unquote(path).lstrip("/")
    if path.endswith("/index.html"):
        path = path[: -len("index.html")]
    return path
