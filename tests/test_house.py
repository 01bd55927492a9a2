"""The shape of the house (docs/architecture.md): checked, not just described.

- every module under plugins/ but the glue (``plugin.py``) imports with Pelican blocked;
- a plugin package's ``__init__.py`` only registers, lazily;
- processes are started, and CPUs counted, in plugins/pool.py alone;
- each plugin's settings dataclass rejects an unknown setting, naming it.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

PLUGINS = ROOT / "plugins"


def algorithm_modules() -> list[str]:
    mods = []
    for path in sorted(PLUGINS.rglob("*.py")):
        if path.name == "plugin.py":
            continue
        rel = path.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        mods.append(".".join(parts))
    return mods


def test_every_algorithm_module_imports_without_pelican():
    mods = algorithm_modules()
    assert len(mods) > 30
    code = (
        "import importlib, sys\n"
        "sys.modules['pelican'] = None  # any 'import pelican...' now raises ImportError\n"
        f"for m in {mods!r}:\n"
        "    importlib.import_module(m)\n"
        "bad = sorted(k for k in sys.modules if k.startswith('pelican') and sys.modules[k] is not None)\n"
        "assert not bad, bad\n"
        "print(len(sys.argv))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_the_blocker_really_blocks():
    """The test above could pass vacuously if blocking did not work: the glue must fail."""
    code = "import sys; sys.modules['pelican'] = None; import plugins.page_writer.plugin"
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode != 0 and "pelican" in proc.stderr


def _init_files():
    return sorted(p for p in PLUGINS.glob("*/__init__.py") if (p.parent / "plugin.py").exists())


def test_package_inits_only_register_lazily():
    inits = _init_files()
    assert len(inits) >= 10
    for path in inits:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        body = [n for n in tree.body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
        assert [type(n).__name__ for n in body] == ["FunctionDef"], path
        assert body[0].name == "register", path
        assert len(path.read_text(encoding="utf-8").split('"""')[-1].strip().splitlines()) <= 4, path


def _calls(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute):
            names.add(node.attr)
        elif isinstance(node, ast.Name):
            names.add(node.id)
    return names


def test_processes_start_and_cpus_are_counted_in_the_pool_module_only():
    starters = {"fork", "ProcessPoolExecutor", "Pool", "Process", "get_context"}
    counters = {"sched_getaffinity", "cpu_count"}
    start_files, count_files = [], []
    for path in sorted([*PLUGINS.rglob("*.py"), ROOT / "pelicanconf.py", ROOT / "publishconf.py", ROOT / "tasks.py"]):
        names = _calls(path)
        if names & starters:
            start_files.append(path.relative_to(ROOT).as_posix())
        if names & counters:
            count_files.append(path.relative_to(ROOT).as_posix())
    assert start_files == ["plugins/pool.py"]
    assert count_files == ["plugins/pool.py"]


def _configs():
    import importlib

    out = []
    for path in sorted(PLUGINS.glob("*/config.py")):
        mod = importlib.import_module(f"plugins.{path.parent.name}.config")
        out.append(mod.Config)
    return out


@pytest.mark.parametrize("config", _configs(), ids=lambda c: c.__module__)
def test_a_mistyped_setting_fails_naming_it(config):
    from plugins.config import DictConfig, SettingsError

    defaults = config.from_settings({})  # every default is valid
    assert defaults is not None
    if issubclass(config, DictConfig):
        name, settings = "kk", {config.SETTING: {"kk": 1}}
    else:
        name = config.PREFIX + "NO_SUCH_THING"
        settings = {name: 1}
    with pytest.raises(SettingsError, match=name):
        config.from_settings(settings)


def test_a_setting_of_the_wrong_type_fails_naming_it():
    from plugins.config import SettingsError
    from plugins.search_index.config import Config

    assert Config.from_settings({"SEARCH_LEAD_WORDS": 30}).lead_words == 30
    with pytest.raises(SettingsError, match="SEARCH_LEAD_WORDS"):
        Config.from_settings({"SEARCH_LEAD_WORDS": "30"})
    with pytest.raises(SettingsError, match="có phải ý bạn là SEARCH_LEAD_WORDS"):
        Config.from_settings({"SEARCH_LEAD_WORD": 30})


def test_workers_come_from_build_workers():
    from plugins.page_writer.config import Config
    from plugins.pool import usable_cpus

    assert Config.from_settings({}).workers == usable_cpus()
    assert Config.from_settings({"BUILD_WORKERS": 1}).workers == 1
    assert Config.from_settings({"BUILD_WORKERS": 1, "PAGE_WRITER_WORKERS": 3}).workers == 3


def test_a_mistyped_setting_fails_the_build(site):
    site.extra_settings = "\nSEARCH_LEAD_WORD = 30\n"
    proc = site.build(check=False)
    assert proc.returncode != 0
    assert "SEARCH_LEAD_WORD" in proc.stdout + proc.stderr
    assert not site.output.exists()


def test_every_bad_setting_is_listed_at_once_without_a_traceback(site):
    # Three plugins, three problems: one report, in Vietnamese, and no Python traceback.
    site.extra_settings = '\nSEARCH_LEAD_WORDS = "abc"\nPAGE_WRITER_WORKERZ = 3\nPORTAL_NOW = "hôm qua"\n'
    proc = site.build(check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1
    assert "Traceback" not in out
    for line in ("SEARCH_LEAD_WORDS = 'abc' sai kiểu", "PAGE_WRITER_WORKERZ không có trong plugins.page_writer",
                 "PORTAL_NOW = 'hôm qua' không đọc được", "3 lỗi thiết lập"):
        assert line in out, out
    assert not site.output.exists()


def test_bad_settings_end_the_start_but_keep_a_reload_watching(monkeypatch):
    """At start-up bad settings exit (SystemExit, no traceback); when `pelican -r` reloads an
    edited settings file they raise an Exception, which keeps its watch loop alive."""
    import io
    import types

    import plugins.search_index
    import plugins.search_index.config  # noqa: F401 - the config module a loaded plugin has
    from plugins import config

    monkeypatch.setattr(config, "_STARTED", [False])

    def pelican(settings):
        return types.SimpleNamespace(plugins=[plugins.search_index], settings=settings)

    out = io.StringIO()
    with pytest.raises(config.SettingsStop):
        config.check_plugins(pelican({"SEARCH_LEAD_WORD": 1}), stream=out)
    assert "SEARCH_LEAD_WORD" in out.getvalue()
    with pytest.raises(config.SettingsError) as reload_error:
        config.check_plugins(pelican({"SEARCH_LEAD_WORD": 1}), stream=out)
    assert not isinstance(reload_error.value, SystemExit)
    config.check_plugins(pelican({"SEARCH_LEAD_WORDS": 30}), stream=out)  # fixed: no error
