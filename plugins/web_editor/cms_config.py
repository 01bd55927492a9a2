"""Decap CMS's config.yml, generated from the content contract. Pure: no Pelican.

Field names and the allowed values are the contract's (content_contract.rules,
plugins.categories, the văn bản register), so the editor cannot save what the build rejects
for a reason it could have known: a category not in PORTAL_CATEGORIES, a missing title, an
empty body. Labels and hints are Vietnamese: editors read them.
"""

from __future__ import annotations

import os

import yaml

from plugins.categories import category_names
from plugins.content_contract import frontmatter

DATETIME = {"widget": "datetime", "format": "YYYY-MM-DD HH:mm", "date_format": "DD/MM/YYYY",
            "time_format": "HH:mm", "picker_utc": False}
DATE = {"widget": "datetime", "format": "YYYY-MM-DD", "date_format": "DD/MM/YYYY", "time_format": False,
        "picker_utc": False}


def _field(name, label, widget="string", required=True, hint="", **extra) -> dict:
    f = {"name": name, "label": label, "widget": widget}
    if not required:
        f["required"] = False
    if hint:
        f["hint"] = hint
    f.update(extra)
    return f


def article_fields(settings, root: str) -> list[dict]:
    return [
        _field("title", "Tiêu đề", hint="Ngắn gọn, đúng chính tả, không viết hoa toàn bộ.",
               pattern=[r"\S.{3,}", "Tiêu đề cần ít nhất 4 ký tự"]),
        _field("date", "Ngày giờ đăng", hint="Giờ Việt Nam. Chọn giờ trong tương lai để hẹn giờ đăng: "
               "bài chỉ hiện từ giờ đó.", **DATETIME),
        _field("category", "Chuyên mục", "select", options=category_names(settings)),
        _field("tags", "Từ khóa", "list", required=False,
               hint="Cách nhau bằng dấu phẩy. Dùng lại từ khóa đã có để các bài cùng chủ đề liên kết với nhau."),
        _field("author", "Tác giả", required=False),
        _field("summary", "Sa-pô", "text", required=False,
               hint="1–2 câu mở đầu, hiện in đậm dưới tiêu đề và trong các danh sách tin."),
        _field("image", "Ảnh đại diện", "image", required=False, choose_url=False,
               media_folder=f"/{root}/images", public_folder="{static}/images",
               hint="Ảnh JPEG, rộng khoảng 1.200 điểm ảnh; ảnh lớn hơn được hệ thống tự thu nhỏ."),
        _field("image_caption", "Chú thích ảnh", required=False,
               hint="Ai, ở đâu, làm gì; cũng là mô tả ảnh cho người khiếm thị."),
        _field("source", "Nguồn tin", required=False),
        _field("featured", "Tin nổi bật", "boolean", required=False, default=False),
        _field("expires", "Hết hạn lúc", required=False,
               hint="Để trống nếu tin không hết hạn. Sau giờ này bài rời khỏi danh sách tin và tìm kiếm; "
               "trang bài vẫn còn, ghi \"Tin đã hết hạn\".", **DATETIME),
        _field("body", "Nội dung", "markdown",
               hint="Mỗi đoạn cách nhau một dòng trống. Ảnh trong bài cần mô tả (alt)."),
    ]


def page_fields() -> list[dict]:
    return [
        _field("title", "Tiêu đề"),
        _field("slug", "Đường dẫn", hint="Chữ thường không dấu, số và '-', ví dụ gioi-thieu",
               pattern=[r"^[a-z0-9]+(-[a-z0-9]+)*$", "Chỉ dùng chữ thường không dấu, số và '-'"]),
        _field("summary", "Mô tả ngắn", "text", required=False),
        _field("body", "Nội dung", "markdown"),
    ]


def _document_types(settings) -> list[str]:
    types = settings.get("DOCUMENTS_TYPES")
    if not types:
        try:
            from plugins.documents.model import DEFAULT_TYPES as types
        except ImportError:  # the documents plugin is absent: any type is accepted
            types = []
    return list(types)


def _known_issuers(settings) -> list[str]:
    root = os.path.join(settings["PATH"], settings.get("DOCUMENTS_PATH", "documents"))
    found = set()
    if os.path.isdir(root):
        for name in sorted(os.listdir(root)):
            if name.endswith(".md"):
                with open(os.path.join(root, name), "rb") as fh:
                    meta = frontmatter.parse_bytes(fh.read(), name).meta
                if meta.get("co_quan_ban_hanh"):
                    found.add(str(meta["co_quan_ban_hanh"]).strip())
    return sorted(found)


def document_fields(settings) -> list[dict]:
    types = _document_types(settings)
    issuers = _known_issuers(settings)
    kind = _field("loai_van_ban", "Loại văn bản", "select", options=types) if types else \
        _field("loai_van_ban", "Loại văn bản")
    return [
        _field("so_ky_hieu", "Số, ký hiệu", hint="Ví dụ 210/BC-UBND"),
        _field("title", "Trích yếu"),
        kind,
        _field("co_quan_ban_hanh", "Cơ quan ban hành",
               hint=("Viết đúng tên đã dùng: " + "; ".join(issuers)) if issuers else ""),
        _field("nguoi_ky", "Người ký"),
        _field("linh_vuc", "Lĩnh vực", "list"),
        _field("ngay_ban_hanh", "Ngày ban hành", **DATE),
        _field("ngay_hieu_luc", "Ngày hiệu lực", **DATE),
        _field("ngay_het_hieu_luc", "Ngày hết hiệu lực", required=False, **DATE),
        _field("files", "Tệp văn bản", "list", hint="Tệp PDF (hoặc Word) của văn bản.",
               field={"name": "file", "label": "Tệp", "widget": "file", "choose_url": False,
                      "media_folder": "/content/documents/files", "public_folder": ""}),
        _field("summary", "Tóm tắt", "text", required=False),
        _field("body", "Ghi chú", "markdown", required=False),
    ]


def cms_config(settings, cfg) -> dict:
    root = os.path.relpath(settings["PATH"], os.getcwd()).replace(os.sep, "/")
    articles = (settings.get("ARTICLE_PATHS") or ["articles"])[0]
    pages = (settings.get("PAGE_PATHS") or ["pages"])[0]
    conf: dict = {
        "locale": "vi",
        "backend": {"name": "github", "repo": cfg.repo or "owner/portal", "branch": cfg.branch,
                    "commit_messages": {"create": "Bài mới: {{slug}}", "update": "Sửa bài: {{slug}}",
                                        "delete": "Xóa bài: {{slug}}", "uploadMedia": "Ảnh: {{path}}",
                                        "deleteMedia": "Xóa ảnh: {{path}}"}},
        "publish_mode": cfg.publish_mode,
        "media_folder": f"{root}/images",
        "public_folder": "{static}/images",
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "collections": [
            {"name": "tin-bai", "label": "Tin bài", "label_singular": "bài viết",
             "folder": f"{root}/{articles}", "create": True, "extension": "md", "format": "yaml-frontmatter",
             "path": "{{year}}/{{slug}}", "slug": "{{slug}}", "summary": "{{title}} · {{category}}",
             "sortable_fields": ["date", "title", "category"],
             "media_folder": f"/{root}/images", "public_folder": "{static}/images",
             "fields": article_fields(settings, root)},
            {"name": "van-ban", "label": "Văn bản", "label_singular": "văn bản",
             "folder": f"{root}/{settings.get('DOCUMENTS_PATH', 'documents')}", "create": True,
             "extension": "md", "format": "yaml-frontmatter", "identifier_field": "so_ky_hieu",
             "slug": "{{so_ky_hieu}}", "summary": "{{so_ky_hieu}} · {{title}}",
             "fields": document_fields(settings)},
            {"name": "trang", "label": "Trang tĩnh", "label_singular": "trang",
             "folder": f"{root}/{pages}", "create": True, "extension": "md", "format": "yaml-frontmatter",
             "slug": "{{fields.slug}}", "fields": page_fields()},
        ],
    }
    if cfg.auth_url:
        conf["backend"]["base_url"] = cfg.auth_url.rstrip("/")
    if cfg.local_backend:
        conf["local_backend"] = {"url": cfg.local_backend, "allowed_hosts": ["127.0.0.1", "localhost"]}
    if settings.get("SITEURL"):
        conf["site_url"] = conf["display_url"] = settings["SITEURL"]
    return conf


def config_yaml(settings, cfg) -> str:
    return ("# Generated by plugins/web_editor from the content contract: do not edit.\n"
            + yaml.safe_dump(cms_config(settings, cfg), allow_unicode=True, sort_keys=False, width=120))


def index_html(settings, bundle: str) -> str:
    theme = settings.get("THEME_STATIC_DIR", "theme")
    site = settings.get("SITENAME", "")
    return f"""<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>Quản trị nội dung – {site}</title>
<link href="config.yml" type="text/yaml" rel="cms-config-url">
</head>
<body>
<script src="{bundle}"></script>
<script>CMS.registerPreviewStyle("../{theme}/css/main.css");</script>
</body>
</html>
"""
