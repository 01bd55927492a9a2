"""Independent judges over every page of two real builds: the demo (`make serve`) and a
publish build (absolute SITEURL). The Nu Html Checker (npm vnu-jar, Java from Debian)
runs once per build over all files: it takes seconds to start."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT

# One worker holds both builds and both checker runs (pytest -n 2 --dist loadgroup).
pytestmark = pytest.mark.xdist_group("validators")

VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
BUILDS = ["demo_output", "publish_output"]


def run_vnu(root: Path) -> tuple[list[Path], list[dict]]:
    """Every HTML page, style sheet and SVG of a build through vnu; (files, messages)."""
    java = shutil.which("java")
    assert java, "Java is missing: run `make system-deps` (Debian default-jre-headless)"
    assert VNU_JAR.is_file(), "vnu-jar is missing: run `make setup` (npm ci)"
    files = sorted(p for ext in ("html", "css", "svg") for p in root.rglob(f"*.{ext}"))
    proc = subprocess.run(
        [java, "-Xss1m", "-jar", str(VNU_JAR), "--format", "json", "--also-check-css",
         "--also-check-svg", *map(str, files)],
        capture_output=True, text=True, timeout=900,
    )
    report = json.loads(proc.stderr or proc.stdout)  # vnu writes its JSON report on stderr
    return files, report["messages"]


@pytest.fixture(scope="module", params=BUILDS)
def vnu_report(request):
    root = request.getfixturevalue(request.param)
    files, messages = run_vnu(root)
    return root, files, messages


def _describe(root: Path, messages: list[dict], limit: int = 15) -> str:
    lines = []
    for m in messages[:limit]:
        where = m.get("url", "").replace(root.as_uri(), "")
        lines.append(f"{where}:{m.get('lastLine', '?')}: {m['type']}/{m.get('subType', '')}: {m['message']}")
    return "\n".join(lines) + (f"\n… and {len(messages) - limit} more" if len(messages) > limit else "")


def test_vnu_checks_every_page(vnu_report):
    root, files, _ = vnu_report
    pages = [f for f in files if f.suffix == ".html"]
    # the demo has 53 articles, 7 pages, the văn bản pages, lists and archives
    assert len(pages) >= 190
    assert root / "index.html" in pages and root / "404.html" in pages


def test_vnu_reports_no_error(vnu_report):
    root, _, messages = vnu_report
    errors = [m for m in messages if m["type"] in ("error", "non-document-error")]
    assert not errors, f"{len(errors)} Nu Html Checker errors:\n" + _describe(root, errors)


def test_vnu_reports_no_warning(vnu_report):
    root, _, messages = vnu_report
    warnings = [m for m in messages if m["type"] == "info" and m.get("subType") == "warning"]
    assert not warnings, f"{len(warnings)} Nu Html Checker warnings:\n" + _describe(root, warnings)
