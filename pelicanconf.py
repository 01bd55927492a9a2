"""Settings of the demo portal: a fictional district, huyện Nậm Păng.

Everything district-specific lives here; templates read it and hard-code nothing.
"""

import hashlib
import os
import sys

import jinja2
from jinja2 import FileSystemBytecodeCache

ROOT = os.path.dirname(os.path.abspath(__file__))
if ROOT not in sys.path:  # plugins are the `plugins` package of this project
    sys.path.insert(0, ROOT)

# --- The portal -------------------------------------------------------------
SITENAME = "Cổng thông tin điện tử huyện Nậm Păng"
SITESUBTITLE = "Tỉnh Hoàng Sơn"
SITEURL = ""
# Absolute base of canonical links, og:url, share links, JSON-LD, feeds, the sitemap and
# robots.txt. Links between pages stay relative to SITEURL (empty here, so the demo runs on
# any port); these must be absolute, so the demo uses the preview server's address
# (`make serve`; tasks.py passes its own). An absolute SITEURL (publishconf) replaces it.
ABSOLUTE_SITEURL = "http://127.0.0.1:8000"
FEED_DOMAIN = ABSOLUTE_SITEURL
AUTHOR = "Ban Biên tập"
DEFAULT_LANG = "vi"
TIMEZONE = "Asia/Ho_Chi_Minh"

PORTAL = {
    "district": "huyện Nậm Păng",
    "province": "tỉnh Hoàng Sơn",
    "agency": "Ủy ban nhân dân huyện Nậm Păng",
    "address": "Số 8, đường Bế Văn Đàn, thị trấn Nậm Păng, huyện Nậm Păng, tỉnh Hoàng Sơn",
    "phone": "0213 3 876 123",
    "fax": "0213 3 876 456",
    "email": "bbt@nampang.example.gov.vn",
    "editor_in_chief": "Ông Lò Văn Thắng, Phó Chủ tịch UBND huyện, Trưởng Ban Biên tập",
    "license": "Giấy phép số 18/GP-TTĐT ngày 12/3/2019 của Sở Thông tin và Truyền thông tỉnh Hoàng Sơn",
    "copyright": "© Bản quyền thuộc Ủy ban nhân dân huyện Nậm Păng. "
    "Ghi rõ nguồn “Cổng thông tin điện tử huyện Nậm Păng” khi phát hành lại thông tin từ cổng này.",
    "map_page": "ban-do-hanh-chinh",
}

# Categories in menu order. Slugs are part of the URL scheme: change with care.
PORTAL_CATEGORIES = [
    {
        "name": "Tin tức - Sự kiện",
        "slug": "tin-tuc-su-kien",
        "description": "Tin hoạt động của lãnh đạo huyện, các sự kiện nổi bật trên địa bàn.",
    },
    {
        "name": "Chính trị",
        "slug": "chinh-tri",
        "description": "Công tác xây dựng Đảng, chính quyền, Mặt trận và các đoàn thể.",
    },
    {
        "name": "Kinh tế",
        "slug": "kinh-te",
        "description": "Sản xuất nông, lâm nghiệp, thương mại, du lịch và đầu tư trên địa bàn huyện.",
    },
    {
        "name": "Văn hóa - Xã hội",
        "slug": "van-hoa-xa-hoi",
        "description": "Đời sống văn hóa, lễ hội, bản sắc các dân tộc, lao động và an sinh xã hội.",
    },
    {
        "name": "Quốc phòng - An ninh",
        "slug": "quoc-phong-an-ninh",
        "description": "Công tác quân sự địa phương, bảo đảm an ninh trật tự, an toàn giao thông.",
    },
    {
        "name": "Nông thôn mới",
        "slug": "nong-thon-moi",
        "description": "Phong trào xây dựng nông thôn mới, giảm nghèo bền vững ở các xã.",
    },
    {
        "name": "Y tế - Giáo dục",
        "slug": "y-te-giao-duc",
        "description": "Chăm sóc sức khỏe nhân dân, phát triển giáo dục và đào tạo.",
    },
]

# Menu: categories first, then these (title, URL relative to SITEURL).
MENU_EXTRA = [
    ("Văn bản", "van-ban/"),
    ("Giới thiệu", "gioi-thieu.html"),
]

FOOTER_LINKS = [
    ("Giới thiệu", "gioi-thieu.html"),
    ("Liên hệ", "lien-he.html"),
    ("Bản đồ hành chính", "ban-do-hanh-chinh.html"),
    ("Sơ đồ cổng", "chuyen-muc/"),
    ("Lưu trữ", "luu-tru/"),
]

# "Liên kết website" block on the home page.
WEBSITE_LINKS = [
    ("Cổng thông tin điện tử Chính phủ", "https://chinhphu.vn/"),
    ("Cổng Dịch vụ công quốc gia", "https://dichvucong.gov.vn/"),
    ("Cơ sở dữ liệu quốc gia về văn bản pháp luật", "https://vbpl.vn/"),
    ("Báo Nhân Dân", "https://nhandan.vn/"),
]

# --- Content ----------------------------------------------------------------
PATH = "content"
ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images", "documents/files"]
IGNORE_FILES = [".#*", "README.md"]
# Markdown only: no reStructuredText reader (it would warn that docutils has no 'vi').
READERS = {"rst": None}
DEFAULT_DATE_FORMAT = "%d/%m/%Y"  # Pelican's locale_date; templates use the Babel filters
READING_WPM = 220

# URL scheme (docs/urls.md). Slugs are unique site-wide; the date keeps
# directories small and the URL readable.
ARTICLE_URL = "{date:%Y}/{date:%m}/{slug}.html"
ARTICLE_SAVE_AS = ARTICLE_URL
ARTICLE_LANG_URL = ARTICLE_URL  # an English article keeps the same scheme
ARTICLE_LANG_SAVE_AS = ARTICLE_URL
DRAFT_URL = "nhap/{slug}.html"
DRAFT_SAVE_AS = DRAFT_URL
DRAFT_LANG_URL = "nhap/{slug}-{lang}.html"
DRAFT_LANG_SAVE_AS = DRAFT_LANG_URL
DRAFT_PAGE_URL = "nhap/trang/{slug}.html"
DRAFT_PAGE_SAVE_AS = DRAFT_PAGE_URL
DRAFT_PAGE_LANG_URL = "nhap/trang/{slug}-{lang}.html"
DRAFT_PAGE_LANG_SAVE_AS = DRAFT_PAGE_LANG_URL
PAGE_URL = "{slug}.html"
PAGE_SAVE_AS = PAGE_URL
CATEGORY_URL = "chuyen-muc/{slug}/"
CATEGORY_SAVE_AS = "chuyen-muc/{slug}/index.html"
CATEGORIES_SAVE_AS = "chuyen-muc/index.html"
TAG_URL = "the/{slug}/"
TAG_SAVE_AS = "the/{slug}/index.html"
TAGS_SAVE_AS = "the/index.html"
AUTHOR_URL = "tac-gia/{slug}/"
AUTHOR_SAVE_AS = "tac-gia/{slug}/index.html"
AUTHORS_SAVE_AS = "tac-gia/index.html"
ARCHIVES_SAVE_AS = "luu-tru/index.html"
YEAR_ARCHIVE_URL = "luu-tru/{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = "luu-tru/{date:%Y}/index.html"
MONTH_ARCHIVE_SAVE_AS = ""
DAY_ARCHIVE_SAVE_AS = ""

DEFAULT_PAGINATION = 12
PAGINATED_TEMPLATES = {"index": None, "tag": None, "category": None, "author": None}
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/trang-{number}/", "{base_name}/trang-{number}/index.html"),
)

# Feeds: the whole site and each category, Atom and RSS.
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
CATEGORY_FEED_RSS = "feeds/{slug}.rss.xml"
TRANSLATION_FEED_ATOM = None


def _newest_first(article):
    """Newest first; the same minute is ordered by slug. Pelican reads files in set order
    (random per run), so with "reversed-date" two articles of the same minute could swap
    places between builds: different pages for the same content."""
    return (-article.date.timestamp(), article.slug)


ARTICLE_ORDER_BY = _newest_first

# Articles have no translations (one language; the contract rejects duplicate slugs).
# Pelican's translation matching is quadratic: ~3 s at 10k articles, hours at 100k.
ARTICLE_TRANSLATION_ID = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
FEED_MAX_ITEMS = 30
RSS_FEED_SUMMARY_ONLY = True

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.sane_lists": {},
        "markdown.extensions.toc": {"permalink": False},
        "plugins.news_markdown:NewsMarkdownExtension": {},
    },
    "output_format": "html5",
}

# --- Theme ------------------------------------------------------------------
THEME = os.path.join(ROOT, "theme")
THEME_STATIC_DIR = "theme"
DIRECT_TEMPLATES = ["index", "categories", "tags", "authors", "archives", "404"]
HOME_LATEST_PER_CATEGORY = 4
HOME_FEATURED_COUNT = 5
# og:image and JSON-LD image of an article without a photo (or with one under 1200 px
# wide): 1200x630, drawn by scripts/make_demo_images.py.
DEFAULT_SHARE_IMAGE = "{static}/images/chia-se.jpg"

# --- Plugins ----------------------------------------------------------------
# Processes for every parallel step of the build (plugins/pool.py); 0: all usable CPUs.
# A feature's own *_WORKERS setting overrides it (see docs/architecture.md).
BUILD_WORKERS = 0
PLUGIN_PATHS = []
PLUGINS = [
    "pelican.plugins.yaml_metadata",
    "pelican.plugins.sitemap",
    "plugins.content_contract",
    "plugins.portal_theme",
]

SITEMAP = {
    "format": "xml",
    "exclude": [r"^404\.html$"],  # the error page (its URL is any unknown one)
    "priorities": {"articles": 0.7, "indexes": 0.5, "pages": 0.4},
    "changefreqs": {"articles": "monthly", "indexes": "daily", "pages": "monthly"},
}

# Pelican's own cache; `livereload`/`regenerate` turn LOAD_CONTENT_CACHE on.
CACHE_PATH = os.path.join(ROOT, "cache", "pelican")
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
GZIP_CACHE = False

# Titles and metadata are text, not HTML: escape everything, mark HTML with |safe.
# Compiled templates are cached on disk: each build (and each page_writer process) would
# otherwise compile the theme again, about a second per process. Jinja keys that cache on
# the template source only, so the options and Jinja's version name the folder.
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True}
_JINJA_OPTIONS = hashlib.sha1(repr(sorted(JINJA_ENVIRONMENT.items())).encode()).hexdigest()[:12]
_JINJA_CACHE = os.path.join(CACHE_PATH, "jinja", f"{jinja2.__version__}-{_JINJA_OPTIONS}")
os.makedirs(_JINJA_CACHE, exist_ok=True)
JINJA_ENVIRONMENT["bytecode_cache"] = FileSystemBytecodeCache(_JINJA_CACHE)

# --- Feature settings: each feature keeps its block below and adds its plugin. ---

# --- documents (văn bản) and government pages ---
PLUGINS += ["plugins.documents"]
CONTENT_CHECKS = [*globals().get("CONTENT_CHECKS", []), "plugins.documents.validate:check"]
ARTICLE_EXCLUDES = [*globals().get("ARTICLE_EXCLUDES", []), "documents"]
PAGE_EXCLUDES = [*globals().get("PAGE_EXCLUDES", []), "documents"]
# All DOCUMENTS_* settings and their defaults: plugins/documents/config.py (a mistyped name fails the build).
DOCUMENTS_PATH = "documents"  # content/documents/*.md; attachments in content/documents/files/
DOCUMENTS_PER_PAGE = 20
DOCUMENTS_LATEST_COUNT = 5  # "Văn bản mới" block
DOCUMENTS_FEED_ATOM = "feeds/van-ban.atom.xml"
DOCUMENTS_TODAY = None  # None: status (còn/hết hiệu lực) as of the build day
# A page in another language (english.md, `lang: en`) keeps the /{slug}.html scheme;
# page slugs are unique (content contract), so no translation can collide.
PAGE_LANG_URL = PAGE_URL
PAGE_LANG_SAVE_AS = PAGE_SAVE_AS
# The main menu stays one row on desktop: organisation pages sit in the
# "Giới thiệu" sub-row (INTRO_LINKS) and the footer; English in the header.
MENU_EXTRA += [("Hỏi đáp", "hoi-dap.html")]
INTRO_LINKS = [
    ("Giới thiệu chung", "gioi-thieu.html"),
    ("Chức năng, nhiệm vụ", "chuc-nang-nhiem-vu.html"),
    ("Cơ cấu tổ chức", "co-cau-to-chuc.html"),
    ("Bản đồ hành chính", "ban-do-hanh-chinh.html"),
    ("Liên hệ", "lien-he.html"),
]
HEADER_LINKS = [("English", "english.html", "en")]
FOOTER_LINKS += [
    ("Văn bản", "van-ban/"),
    ("Chức năng, nhiệm vụ", "chuc-nang-nhiem-vu.html"),
    ("Cơ cấu tổ chức", "co-cau-to-chuc.html"),
    ("Hỏi đáp", "hoi-dap.html"),
    ("English", "english.html"),
]

# --- scale and page weight ---
# Responsive photos (WebP + JPEG, srcset), cached by content hash under CACHE_PATH/images.
PLUGINS += ["plugins.images", "plugins.sitemap_index"]
# Articles' Markdown rendered ahead on all cores (reader = content_contract's, subclassed).
PLUGINS += ["plugins.parallel_markdown", "plugins.url_memo"]
RESPONSIVE_IMAGES = True
RESPONSIVE_IMAGE_WIDTHS = [200, 400, 800, 1200]
# pelican-sitemap writes one file; past this many URLs it becomes a sitemap index + parts.
SITEMAP_MAX_URLS = 50000

# --- visitor_counter ---
PLUGINS += ["plugins.visitor_counter"]
# Counter service base URL; empty: no widgets. The demo (`make serve`) runs the service
# on this address; tests build with COUNTER_URL="" from the environment (tests/conftest.py)
# so a page never calls a service that is not running. Production: set it in publishconf
# or the environment, e.g. "https://nampang.example.gov.vn/counter" behind nginx.
COUNTER_URL = os.environ.get("COUNTER_URL", "http://127.0.0.1:8787")

# --- reader (comments, star ratings, "Tin xem nhiều"; served by the counter service) ---
PLUGINS += ["plugins.reader"]
COMMENTS = True  # site-wide switch; `comments: false` in an article's front-matter turns one off
COMMENTS_CLOSE_AFTER_DAYS = 0  # 0: never closed
COMMENTS_MAX_LENGTH = 2000
COMMENTS_LINKS = 0  # links allowed in a comment
RATINGS = True
MOST_READ = True
MOST_READ_COUNT = 8
# The counter service the build asks for popular articles ("Có thể bạn quan tâm"); "" = off.
MOST_READ_BUILD_URL = os.environ.get("MOST_READ_BUILD_URL", "")

# --- search_index ---
# lunr shards per year under /tim-kiem/ (plugins/search_index); the page is a direct template.
PLUGINS += ["plugins.search_index"]
DIRECT_TEMPLATES = [*DIRECT_TEMPLATES, "search"]
SEARCH_URL = "tim-kiem/"
SEARCH_SAVE_AS = "tim-kiem/index.html"
SITEMAP["exclude"] = [*SITEMAP.get("exclude", []), f"^{SEARCH_URL}$"]  # a noindex page
SEARCH_OUTPUT_DIR = "tim-kiem"  # shards, lunr.js and the manifest chi-muc.json
SEARCH_LEAD_WORDS = 24  # lead words indexed and shown as the snippet

# --- related_news ---
# Tin liên quan / Tin cùng chuyên mục / Có thể bạn quan tâm (plugins/related_news).
# Any key of plugins.related_news.config.Config; shown here are the ones editors tune.
PLUGINS += ["plugins.related_news"]
RELATED_NEWS = {
    "k": 5,                    # items per list
    "w_text": 1.0,             # text cosine (syllable 1-2-gram TF-IDF)
    "w_tags": 0.4,             # shared tags, weighted by rarity
    "w_category": 0.05,        # same category bonus
    "w_recency": 0.1,          # bonus halving every recency_half_life_days of date gap
    "recency_half_life_days": 90,
    "max_age_days": 1825,      # never relate articles more than 5 years apart (None: no limit)
    "near_duplicate": 0.85,    # text cosine at or above: a reposted story, dropped
}

# --- page_writer ---
# Pages rendered on all cores; a rebuild keeps the pages whose inputs did not change.
PLUGINS += ["plugins.page_writer"]
# Copy a static file only when its source is newer than the output's copy.
STATIC_CHECK_IF_MODIFIED = True

# --- content_cache ---
# Pelican's reader cache is dropped when the readers or their settings change (plugins/content_cache).
PLUGINS += ["plugins.content_cache"]

# --- archive_lists ---
# Pelican's tag/category/author/year lists in linear time (quadratic in Pelican 4.12).
PLUGINS += ["plugins.archive_lists"]

# --- scheduling ---
# A future `date` is published by the first build after it; `expires:` takes an article off
# listings, feeds and search (plugins/scheduling). PORTAL_NOW stands in for the clock
# ("2027-01-15 08:00", site time) in tests and previews; publishconf.py always empties it.
PLUGINS += ["plugins.scheduling"]
PORTAL_NOW = os.environ.get("PORTAL_NOW", "")

# --- web_editor ---
# Decap CMS at /quan-tri/ (plugins/web_editor): config generated from the content contract.
# make serve runs decap-server on this checkout (files written directly, no workflow).
PLUGINS += ["plugins.web_editor"]
WEB_EDITOR_LOCAL_BACKEND = os.environ.get("WEB_EDITOR_LOCAL_BACKEND", "http://127.0.0.1:8081/api/v1")
WEB_EDITOR_PUBLISH_MODE = "simple"

# --- NukeViet import ---
# `invoke import-nukeviet` writes the imported portal's categories, document types and the
# redirect pages' settings here (docs/migrate-nukeviet.md); absent on a portal that never imported.
_NUKEVIET_SETTINGS = os.path.join(ROOT, PATH, "imported", "nukeviet", "settings.py")
if os.path.isfile(_NUKEVIET_SETTINGS):
    with open(_NUKEVIET_SETTINGS, encoding="utf-8") as _fh:
        exec(compile(_fh.read(), _NUKEVIET_SETTINGS, "exec"))

# --- network ---
# This portal in a network of portals (sites/<slug>/, docs/network.md): its folder under
# output/ and its local address http://<slug>.localhost:8000 with `make build SITE=all`,
# its public URL for the other portals' links. Alone, the plugin does nothing.
PLUGINS += ["plugins.network"]
NETWORK = {"slug": "nam-pang", "url": "https://nampang.example.gov.vn"}
