"""precompress' settings. Pure: no Pelican."""

from __future__ import annotations

import dataclasses

from plugins.config import PluginConfig

from .compress import EXTENSIONS


@dataclasses.dataclass(frozen=True)
class Config(PluginConfig):
    PREFIX = "PRECOMPRESS_"
    OWNER = "plugins.precompress"

    enabled: bool = dataclasses.field(default=False, metadata={"setting": "PRECOMPRESS"})  # publishconf
    brotli_quality: int = 11
    brotli_quality_pages: int = 9  # HTML pages: many, each small
    extensions: list = dataclasses.field(default_factory=lambda: list(EXTENSIONS))
    workers: int = dataclasses.field(default=0, metadata={"workers": True})
    min_parallel: int = 50  # files before a fork map pays
