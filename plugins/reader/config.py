"""reader's settings. Pure: no Pelican."""

from __future__ import annotations

import dataclasses

from plugins.config import PluginConfig


@dataclasses.dataclass(frozen=True)
class Config(PluginConfig):
    PREFIX = "COMMENTS_"
    OWNER = "plugins.reader"

    enabled: bool = dataclasses.field(default=True, metadata={"setting": "COMMENTS"})  # site-wide switch
    close_after_days: int = 0  # comments close N days after publication; 0: never
    max_length: int = 2000  # characters of one comment
    links: int = 0  # links allowed in one comment
    ratings: bool = dataclasses.field(default=True, metadata={"setting": "RATINGS"})
    most_read: bool = dataclasses.field(default=True, metadata={"setting": "MOST_READ"})
    most_read_count: int = dataclasses.field(default=8, metadata={"setting": "MOST_READ_COUNT"})  # 5–10
    most_read_days: int = dataclasses.field(default=7, metadata={"setting": "MOST_READ_DAYS"})
    # The service the build asks for popular articles to put first in "Có thể bạn quan tâm"
    # (e.g. "http://127.0.0.1:8787"); "" or unreachable: the build goes on without them.
    most_read_build_url: str = dataclasses.field(default="", metadata={"setting": "MOST_READ_BUILD_URL"})
    most_read_in_may_interest: int = dataclasses.field(default=2, metadata={"setting": "MOST_READ_IN_MAY_INTEREST"})

    def __post_init__(self):
        from plugins.config import SettingsError

        if not 1 <= self.most_read_count <= 10:
            raise SettingsError(f"thiết lập MOST_READ_COUNT = {self.most_read_count} không hợp lệ: cần từ 1 đến 10")
        if self.close_after_days < 0 or self.max_length < 3 or self.links < 0:
            raise SettingsError("thiết lập COMMENTS_CLOSE_AFTER_DAYS, COMMENTS_LINKS phải ≥ 0 và "
                                "COMMENTS_MAX_LENGTH ≥ 3")
