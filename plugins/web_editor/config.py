"""web_editor's settings. Pure: no Pelican."""

from __future__ import annotations

import dataclasses

from plugins.config import PluginConfig


@dataclasses.dataclass(frozen=True)
class Config(PluginConfig):
    PREFIX = "WEB_EDITOR_"
    OWNER = "plugins.web_editor"

    enabled: bool = dataclasses.field(default=True, metadata={"setting": "WEB_EDITOR"})
    path: str = "quan-tri"  # served at SITEURL/quan-tri/
    # The git host (production): Decap's GitHub backend through an OAuth proxy (docs/editors.md).
    repo: str = ""  # "owner/name"
    branch: str = "main"
    auth_url: str = ""  # the OAuth proxy's base URL, e.g. https://cms-auth.example.workers.dev
    # make serve: decap-server on the local checkout; "" in publishconf.py (no local backend).
    local_backend: str = "http://127.0.0.1:8081/api/v1"
    # editorial_workflow: Nháp → Chờ duyệt → Sẵn sàng (branches and pull requests on the host).
    # decap-server's file mode (make serve) only publishes directly ("simple").
    publish_mode: str = "editorial_workflow"
    bundle_dir: str = "node_modules/decap-cms/dist"  # relative to the project
