"""scheduling's settings. Pure: no Pelican."""

from __future__ import annotations

import dataclasses

from plugins.config import PluginConfig


@dataclasses.dataclass(frozen=True)
class Config(PluginConfig):
    PREFIX = "SCHEDULING_"
    OWNER = "plugins.scheduling"

    # Site-time "YYYY-MM-DD HH:MM" (or dd/mm/yyyy hh:mm) standing in for now; "": the real clock.
    now: str = dataclasses.field(default="", metadata={"setting": "PORTAL_NOW"})

    @classmethod
    def check(cls, pelican) -> None:
        from .schedule import now

        super().check(pelican)
        now(pelican.settings)  # an unreadable PORTAL_NOW stops the build, named
