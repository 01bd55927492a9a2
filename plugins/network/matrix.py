"""Which portals a change rebuilds: the deploy workflow's matrix. Pure: no Pelican.

- ``sites/<slug>/…``: that site. Its articles or its ``site.yaml`` also rebuild its parent
  (the province's "Tin từ cơ sở" lists them, with the commune's name); a province's
  documents or ``site.yaml`` rebuild its communes ("Văn bản của tỉnh", the province's name);
  a province's articles rebuild the communes that show the province's related news.
- ``content/…``: the default portal, by the same rules.
- Shared code and settings (theme, plugins, pelicanconf.py, publishconf.py, the
  dependency pins, the build tasks): every site.
- Files no build reads (docs, tests, benchmarks, the counter service, importers): none.
- Anything else: every site (an unknown file may be read by a build; rebuilding is safe).

Usage (GitHub Actions): python -m plugins.network.matrix --base SHA [--head SHA]
prints {"include": [{"site": …}, …]} (all sites with --all).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

from . import sites

SHARED = ("theme/", "plugins/", "pelicanconf.py", "publishconf.py", "pyproject.toml", "package.json",
          "package-lock.json", "tasks.py", "Makefile", ".github/workflows/deploy-network.yml")
NOT_BUILT = ("docs/", "tests/", "scripts/", "counter_service/", "importers/", "deploy/", ".ci/", ".github/",
             "README.md", ".gitignore")


def _content_change(net: sites.Network, slug: str, rel: str, out: set[str]) -> None:
    """A change at ``rel`` (relative to the site's folder) of site ``slug``."""
    site = net.sites[slug]
    out.add(slug)
    children = net.children(slug)
    is_settings = rel == sites.SITE_FILE
    if site.parent and (is_settings or rel.startswith("content/articles/")):
        out.add(site.parent)
    if is_settings or rel.startswith("content/documents/"):
        out.update(c.slug for c in children)
    if rel.startswith("content/articles/"):
        out.update(c.slug for c in children if c.facts.get("related_include_parent"))


def affected(net: sites.Network, changed: list[str]) -> dict[str, list[str]]:
    """{slug: [the changed files that rebuild it]} for the sites that exist (and the broken
    ones, whose build must run to report their problems)."""
    known = set(net.slugs())
    by_site: dict[str, list[str]] = {}

    def add(slugs, path):
        for s in slugs:
            if s in known:
                by_site.setdefault(s, []).append(path)

    default = next(s.slug for s in net.sites.values() if s.default)
    for path in changed:
        path = path.replace(os.sep, "/")
        if path.startswith(f"{sites.SITES_DIR}/"):
            parts = path.split("/", 2)
            slug, rel = parts[1], (parts[2] if len(parts) > 2 else "")
            hit: set[str] = set()
            if slug in net.sites:
                _content_change(net, slug, rel, hit)
            else:  # a broken or removed site: itself, and every province (its list may have changed)
                hit = {slug, *(s for s in net.sites if net.role(s) == "province")}
            add(hit, path)
        elif path.startswith("content/"):
            hit = set()
            _content_change(net, default, path[len("content/"):], hit)
            add(hit, path)
        elif path.startswith(SHARED):
            add(known, path)
        elif path.startswith(NOT_BUILT):
            continue
        else:
            add(known, path)
    return dict(sorted(by_site.items()))


def changed_files(base: str, head: str = "HEAD", cwd: str | None = None) -> list[str]:
    out = subprocess.run(["git", "diff", "--name-only", "--no-renames", f"{base}...{head}"], cwd=cwd,
                         check=True, capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if line]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Sites to rebuild for a change (the deploy matrix).")
    ap.add_argument("--root", default=".")
    ap.add_argument("--base", help="compare with this commit (git diff BASE...HEAD)")
    ap.add_argument("--head", default="HEAD")
    ap.add_argument("--all", action="store_true", help="every site")
    ap.add_argument("files", nargs="*", help="changed files (instead of --base)")
    a = ap.parse_args(argv)
    root = os.path.abspath(a.root)
    net = sites.load_default(root)
    if a.all or not (a.base or a.files):
        slugs = net.slugs()
    else:
        slugs = list(affected(net, a.files or changed_files(a.base, a.head, root)))
    print(json.dumps({"include": [{"site": s} for s in slugs]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
