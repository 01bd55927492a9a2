"""page_writer's settings. Pure: no Pelican."""

from __future__ import annotations

import dataclasses

from plugins.config import PluginConfig


@dataclasses.dataclass(frozen=True)
class Config(PluginConfig):
    PREFIX = "PAGE_WRITER_"
    OWNER = "plugins.page_writer"

    workers: int = dataclasses.field(default=0, metadata={"workers": True})
    min_fork_jobs: int = 24  # below this, forking costs more than it saves
    cache: bool = True  # keep pages whose key is unchanged since the last build
    # The last good build, when this one writes into a fresh directory (the staged build).
    previous_output: str = dataclasses.field(default="", metadata={"nullable": True})
