"""The counter service's site table for a whole network, built from the sites' settings.
Pure: no Pelican.

One service process counts every portal: it tells them apart by the exact Origin of a hit
(``counter_service --sites FILE``), keeps counts under each site's id (``counter_site`` in
``site.yaml``, the slug by default) and checks each hit against that site's manifest.
Format: {"sites": [{"site": id, "origins": [...], "manifest": path-or-URL}, ...]}.
"""

from __future__ import annotations

import json
import os
from urllib.parse import urlsplit

from plugins.fileutil import atomic_write

from . import sites


def origin_of(url: str) -> str:
    u = urlsplit(url)
    return f"{u.scheme}://{u.netloc}"


def table(net: sites.Network, mode: str = "local", output_root: str = "output", port: int = sites.LOCAL_PORT,
          manifest_base: str = "", only: list[str] | None = None) -> dict:
    """Local: each site's origin is http://<slug>.localhost:PORT and its manifest the built file
    output/<slug>/counter/manifest.json. Publish: the public origin, and the manifest at
    ``manifest_base``/<slug>/manifest.json if given, else the site's own published manifest."""
    rows = []
    for site in net.sites.values():
        if only is not None and site.slug not in only:
            continue
        url = sites.base_url(site, mode, port)
        if not url:
            continue
        if mode == "local":
            manifest = os.path.join(output_root, site.slug, "counter", "manifest.json")
        elif manifest_base:
            manifest = f"{manifest_base.rstrip('/')}/{site.slug}/manifest.json"
        else:
            manifest = f"{url}/counter/manifest.json"
        rows.append({"site": site.site_id, "origins": [origin_of(url)], "manifest": manifest})
    ids = [r["site"] for r in rows]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValueError(f"hai cổng cùng mã bộ đếm (counter_site): {', '.join(dupes)}")
    return {"sites": rows}


def write(data: dict, path: str) -> str:
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    atomic_write(path, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))
    return path
