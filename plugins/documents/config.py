"""documents' settings: defaults and checks in one place. Pure: no Pelican."""

from __future__ import annotations

import dataclasses
import datetime
import os
import zoneinfo

from plugins.config import PluginConfig

from .fields import parse_date
from .model import DEFAULT_TYPES


@dataclasses.dataclass(frozen=True)
class Config(PluginConfig):
    PREFIX = "DOCUMENTS_"
    OWNER = "plugins.documents"

    path: str = "documents"  # under PATH: content/documents/*.md
    files_path: str = "documents/files"  # attachments, published as static files
    index_url: str = "van-ban/"  # the list, paginated van-ban/trang-N/
    url: str = "van-ban/{slug}.html"
    save_as: str = ""  # empty: DOCUMENTS_URL
    data_url: str = "van-ban/data.json"  # rows for the client-side filter
    feed_atom: str = dataclasses.field(default="feeds/van-ban.atom.xml", metadata={"nullable": True})
    per_page: int = 20
    latest_count: int = 5  # "Văn bản mới" block
    neighbours: int = 5  # same type / same issuer lists
    # Pin the status date (a date or "YYYY-MM-DD"); None: today in TIMEZONE.
    today: object = dataclasses.field(default=None, metadata={"nullable": True})
    types: list = dataclasses.field(default_factory=list, metadata={"setting": "DOCUMENT_TYPES"})

    def output_name(self) -> str:
        return self.save_as or self.url

    def folder(self, settings) -> str:
        return os.path.join(settings["PATH"], self.path)

    def files_folder(self, settings) -> str:
        return os.path.join(settings["PATH"], self.files_path)

    def allowed_types(self) -> list[str]:
        return list(self.types) or DEFAULT_TYPES

    def status_day(self, settings) -> datetime.date:
        if self.today:
            return parse_date(self.today)
        return datetime.datetime.now(zoneinfo.ZoneInfo(settings.get("TIMEZONE", "UTC"))).date()
