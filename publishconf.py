"""Production settings: absolute URLs, feeds with a domain, caches for CI."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F401,F403

SITEURL = os.environ.get("SITEURL", "https://nampang.example.gov.vn")
FEED_DOMAIN = SITEURL
RELATIVE_URLS = False
# The counter service's public URL (docs/counter.md); empty: no counter widgets.
COUNTER_URL = os.environ.get("COUNTER_URL", "")
DELETE_OUTPUT_DIRECTORY = True
# The web editor on the git host: GitHub backend through the OAuth proxy (docs/editors.md),
# with the editorial workflow (Nháp → Chờ duyệt → Sẵn sàng xuất bản as pull requests).
WEB_EDITOR_LOCAL_BACKEND = ""
WEB_EDITOR_PUBLISH_MODE = "editorial_workflow"
WEB_EDITOR_REPO = os.environ.get("WEB_EDITOR_REPO", "")
WEB_EDITOR_AUTH_URL = os.environ.get("WEB_EDITOR_AUTH_URL", "")
# Production uses the real clock for scheduled publishing, whatever the environment says.
PORTAL_NOW = ""

# --- scale and page weight ---
# .gz/.br next to every text file; a server sends them as they are (docs/deploy.md).
PLUGINS = [*PLUGINS, "plugins.precompress"]
PRECOMPRESS = True
PRECOMPRESS_BROTLI_QUALITY = 11  # CSS, JS, JSON: few files, read on every page
PRECOMPRESS_BROTLI_QUALITY_PAGES = 9  # HTML, XML: many files; 11 is ~3x slower for ~5% less
