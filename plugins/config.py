"""Plugin settings: each plugin's defaults and checks live in one dataclass. Pure: no Pelican.

A plugin declares ``@dataclasses.dataclass(frozen=True) class Config(PluginConfig)`` with
``PREFIX = "SEARCH_"``: field ``lead_words`` is the setting ``SEARCH_LEAD_WORDS``, its
default is the field's. ``Config.from_settings(settings)`` fails, naming the setting, on a
setting with the plugin's prefix that no field declares (a typo) and on a value of the
wrong type. A field with ``metadata={"workers": True}`` takes ``BUILD_WORKERS`` when it is
0 or unset. ``DictConfig`` does the same for a plugin configured by one dict setting.
"""

from __future__ import annotations

import dataclasses
import difflib
import sys
from typing import Any, ClassVar

from plugins.pool import resolve_workers


class SettingsError(ValueError):
    """A setting that no plugin knows, or of the wrong type."""


class SettingsStop(SystemExit):
    """Bad settings at start-up: exit status 1 with the list already printed, no traceback
    (Pelican logs any Exception with its traceback; a SystemExit passes through)."""

    def __init__(self, message: str):
        SystemExit.__init__(self, 1)
        self.message = message

    def __str__(self) -> str:
        return self.message


_STARTED = [False]  # has this process checked settings before (a reload, not the start)?


def _plugin_configs(pelican) -> list:
    """The settings classes of the plugins this build loaded (``plugins.x`` -> ``plugins.x.config``)."""
    out = []
    for plugin in getattr(pelican, "plugins", ()):
        module = sys.modules.get(f"{getattr(plugin, '__name__', '')}.config")
        cls = getattr(module, "Config", None)
        if isinstance(cls, type) and issubclass(cls, _Checked):
            out.append(cls)
    return out


def check_plugins(pelican, first=None, stream=None) -> None:
    """Check every loaded plugin's settings once and report every problem at once.

    Each plugin connects its ``Config.check_at_start`` to ``initialized``; the first one to run
    checks them all, so a settings file with three typos lists three lines, not the first."""
    if getattr(pelican, "_plugin_settings_checked", False):
        return
    pelican._plugin_settings_checked = True
    classes = ([first] if first else []) + [c for c in _plugin_configs(pelican) if c is not first]
    errors: list[str] = []
    for cls in classes:
        try:
            cls.check(pelican)
        except ValueError as exc:  # SettingsError and the plugins' own ValueErrors
            errors += str(exc).splitlines()
    first, _STARTED[0] = not _STARTED[0], True
    if errors:
        stream = stream or sys.stderr
        for line in errors:
            stream.write(f"Lỗi thiết lập: {line}\n")
        stream.write(f"{len(errors)} lỗi thiết lập. Sửa tệp thiết lập (pelicanconf.py, publishconf.py) "
                     "rồi chạy lại.\n")
        message = f"{len(errors)} lỗi thiết lập; trang chưa được dựng"
        # At start-up: exit 1, no traceback. When `pelican -r` (invoke regenerate) reloads an
        # edited settings file, an Exception keeps it watching: it logs this one line and waits.
        raise SettingsStop(message) if first else SettingsError(message)


def build_workers(settings) -> int:
    """``BUILD_WORKERS``: processes for the build's parallel work (0 or unset: all CPUs)."""
    value = settings.get("BUILD_WORKERS", 0)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise SettingsError(f"thiết lập BUILD_WORKERS = {value!r} không hợp lệ: cần số nguyên ≥ 0 "
                            "(0: dùng mọi lõi CPU)")
    return resolve_workers(value)


def _type_ok(value, default) -> bool:
    if default is None or value is None and default is None:
        return True
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, int):
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(default, (list, tuple)):
        return isinstance(value, (list, tuple))
    return isinstance(value, type(default))


def _default(f: dataclasses.Field):
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return None


def _unknown(name: str, known, owner: str) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    hint = f"; có phải ý bạn là {close[0]}?" if close else f"; các thiết lập có: {', '.join(sorted(known))}"
    return f"thiết lập {name} không có trong {owner}{hint}"


def _values(cls, names: dict[str, dataclasses.Field], given: dict, settings, owner: str,
            foreign=frozenset()) -> dict:
    errors = [_unknown(k, names, owner) for k in sorted(given) if k not in names and k not in foreign]
    values: dict[str, Any] = {}
    for name, f in names.items():
        if name not in given:
            continue
        value = given[name]
        if not _type_ok(value, _default(f)) and not (f.metadata.get("nullable") and value is None):
            errors.append(f"thiết lập {name} = {value!r} sai kiểu: cần giá trị như {_default(f)!r}")
            continue
        values[f.name] = value
    if errors:
        raise SettingsError("\n".join(errors))
    for f in names.values():
        if f.metadata.get("workers") and not values.get(f.name):
            values[f.name] = build_workers(settings)
    return values


class _Checked:
    """What both kinds of settings class give their plugin's glue."""

    @classmethod
    def from_settings(cls, settings):
        raise NotImplementedError

    @classmethod
    def check(cls, pelican) -> None:
        """Raise SettingsError (a ValueError) on a bad setting; a plugin may check more."""
        cls.from_settings(pelican.settings)

    @classmethod
    def check_at_start(cls, pelican) -> None:
        """An ``initialized`` receiver: bad settings stop the build before any work."""
        check_plugins(pelican, cls)


class PluginConfig(_Checked):
    """Base of a plugin's settings dataclass, read from flat ``PREFIX*`` settings."""

    PREFIX: ClassVar[str] = ""
    OWNER: ClassVar[str] = ""  # shown in errors, e.g. "plugins.search_index"
    # Settings that carry the prefix but belong to Pelican or a theme (SEARCH_URL, ...).
    FOREIGN: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def setting_names(cls) -> dict[str, dataclasses.Field]:
        return {f.metadata.get("setting") or cls.PREFIX + f.name.upper(): f for f in dataclasses.fields(cls)}

    @classmethod
    def from_settings(cls, settings):
        names = cls.setting_names()
        given = {k: v for k, v in settings.items() if k.startswith(cls.PREFIX) or k in names}
        return cls(**_values(cls, names, given, settings, cls.OWNER or cls.PREFIX, cls.FOREIGN))


class DictConfig(_Checked):
    """Base of a plugin's settings dataclass, read from the one dict setting ``SETTING``."""

    SETTING: ClassVar[str] = ""

    @classmethod
    def from_settings(cls, settings):
        given = settings.get(cls.SETTING) or {}
        if not isinstance(given, dict):
            raise SettingsError(f"thiết lập {cls.SETTING} phải là một dict, không phải {given!r}")
        names = {f.name: f for f in dataclasses.fields(cls)}
        values = _values(cls, names, given, settings, cls.SETTING)
        return cls(**values)
