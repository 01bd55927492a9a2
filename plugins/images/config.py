"""images' settings. Pure: no Pelican."""

from __future__ import annotations

import dataclasses

from plugins.config import PluginConfig

from .variants import DEFAULT_WIDTHS


@dataclasses.dataclass(frozen=True)
class Config(PluginConfig):
    PREFIX = "RESPONSIVE_IMAGE_"
    OWNER = "plugins.images"

    enabled: bool = dataclasses.field(default=True, metadata={"setting": "RESPONSIVE_IMAGES"})
    widths: list = dataclasses.field(default_factory=lambda: list(DEFAULT_WIDTHS))
    workers: int = dataclasses.field(default=0, metadata={"workers": True})
    # An original photo larger than this is replaced in the output by a resized copy
    # (docs/editors.md asks for photos under 120 KB; readers get the variants anyway).
    max_bytes: int = 120 * 1024
    # Where the encoded variants live; "": CACHE_PATH/images. Content-addressed, so the portals
    # of a network share one (plugins/network sets it): a photo is encoded once per network.
    cache_dir: str = ""
