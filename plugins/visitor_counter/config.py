"""visitor_counter's settings. Pure: no Pelican."""

from __future__ import annotations

import dataclasses

from plugins.config import PluginConfig


@dataclasses.dataclass(frozen=True)
class Config(PluginConfig):
    PREFIX = "COUNTER_"
    OWNER = "plugins.visitor_counter"

    # The service's base URL; empty: no widgets (the templates read it).
    url: str = dataclasses.field(default="", metadata={"nullable": True})
