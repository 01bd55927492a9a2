"""One counter contract: the build plugin and the service use the same path rule and
manifest version (counter_service/contract.py), held to tests/vectors/counter_paths.json."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from counter_service import contract
from counter_service import manifest as service_manifest
from plugins.visitor_counter import manifest as plugin_manifest

VECTORS = json.loads((Path(__file__).parent / "vectors" / "counter_paths.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("raw,expected", VECTORS["paths"])
def test_path_rule_vectors(raw, expected):
    assert contract.canonical_path(raw) == expected
    assert service_manifest.normalize(raw) == expected
    assert plugin_manifest.path_for(raw) == expected


def test_plugin_and_service_share_one_rule_and_version():
    assert plugin_manifest.path_for is contract.canonical_path
    assert service_manifest.normalize is contract.canonical_path
    assert plugin_manifest.VERSION == contract.MANIFEST_VERSION == VECTORS["manifest_version"]
    assert plugin_manifest.build([], [], ["/"])["version"] == contract.MANIFEST_VERSION


def test_contract_imports_no_pelican():
    code = ("import sys; sys.modules['pelican'] = None; import counter_service.contract, counter_service.manifest; "
            "assert 'pelican' not in {m.split('.')[0] for m in sys.modules if sys.modules[m] is not None}")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parent.parent)


def test_service_refuses_a_manifest_of_another_version(tmp_path):
    m = tmp_path / "m.json"
    m.write_text(json.dumps({"version": contract.MANIFEST_VERSION + 1, "paths": {"/a.html": {}}}))
    got = service_manifest.Manifest(str(m))
    assert "/a.html" not in got and "version" in got.error
