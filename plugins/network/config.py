"""network's settings: the one dict ``NETWORK``, written by the runner for each site's build
(plugins.network.sites.network_setting). Pure: no Pelican."""

from __future__ import annotations

import dataclasses

from plugins.config import DictConfig


@dataclasses.dataclass
class Config(DictConfig):
    SETTING = "NETWORK"

    slug: str = ""                  # this portal's name in the network (output/<slug>/)
    url: str = ""                   # its public URL (the default portal's; sites/*/site.yaml say their own)
    role: str = ""                  # "province", "commune", "standalone"; "": not a network build
    parent: dict | None = dataclasses.field(default=None, metadata={"nullable": True})  # {slug, name, url, content}
    children: list = dataclasses.field(default_factory=list)  # the communes, same shape
    related_include_parent: bool = False  # a commune's related news may show the province's articles
    search: bool = False            # /tim-kiem/ searches the children too (the province's default)
    news_count: int = 8             # "Tin từ cơ sở": newest commune articles on the province's home
    documents_count: int = 5        # "Văn bản của tỉnh" on a commune
