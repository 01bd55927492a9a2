"""``invoke new-site SLUG --name "Xã …" --parent PROVINCE``: a new commune portal that builds
as it is (settings, the standard pages, an empty article folder). Pure: no Pelican.

Refuses a slug that exists, a parent that does not, a name without its unit type.
Messages are for editors: Vietnamese.
"""

from __future__ import annotations

import os
import shutil

import yaml

from . import sites

COMMUNE_CATEGORIES = [
    {"name": "Tin tức - Sự kiện", "slug": "tin-tuc-su-kien",
     "description": "Hoạt động của Đảng ủy, HĐND, UBND {unit} và các sự kiện trên địa bàn."},
    {"name": "Kinh tế", "slug": "kinh-te",
     "description": "Sản xuất nông nghiệp, kinh tế hộ, thương mại, dịch vụ trên địa bàn {unit}."},
    {"name": "Văn hóa - Xã hội", "slug": "van-hoa-xa-hoi",
     "description": "Đời sống văn hóa, giáo dục, y tế, lao động và an sinh xã hội."},
    {"name": "Quốc phòng - An ninh", "slug": "quoc-phong-an-ninh",
     "description": "Quân sự địa phương, an ninh trật tự, an toàn giao thông."},
    {"name": "Cải cách hành chính", "slug": "cai-cach-hanh-chinh",
     "description": "Thủ tục hành chính, dịch vụ công trực tuyến, chuyển đổi số ở {unit}."},
]

PAGES = {
    "gioi-thieu": ("Giới thiệu chung về {unit}",
                   "Vị trí địa lý, diện tích, dân số và các đơn vị hành chính của {where}.",
                   "{Unit} là {level}, do {agency} quản lý.\n\n"
                   "Ban Biên tập bổ sung tại đây: vị trí địa lý, diện tích tự nhiên, dân số, các dân tộc, "
                   "các thôn, bản, tổ dân phố và những nét nổi bật của địa phương.\n"),
    "chuc-nang-nhiem-vu": ("Chức năng, nhiệm vụ",
                           "Chức năng, nhiệm vụ và quyền hạn của {agency}.",
                           "## Vị trí, chức năng {{#vi-tri-chuc-nang}}\n\n"
                           "{agency} là cơ quan hành chính nhà nước ở địa phương, chấp hành nghị quyết của "
                           "Hội đồng nhân dân cùng cấp.\n\n"
                           "## Nhiệm vụ, quyền hạn {{#nhiem-vu-quyen-han}}\n\n"
                           "Ban Biên tập bổ sung nhiệm vụ, quyền hạn theo quy định hiện hành.\n"),
    "co-cau-to-chuc": ("Cơ cấu tổ chức",
                       "Lãnh đạo {agency} và các bộ phận chuyên môn, kèm số điện thoại liên hệ.",
                       "Trụ sở: {address}.\n"
                       "Điện thoại: {phone} · Thư điện tử: {email}\n\n"
                       "## Lãnh đạo Ủy ban nhân dân {{#lanh-dao}}\n\n"
                       "Ban Biên tập bổ sung họ tên, chức vụ, lĩnh vực phụ trách và số điện thoại công vụ.\n"),
    "lien-he": ("Liên hệ",
                "Địa chỉ, điện thoại và thư điện tử của Ban Biên tập {sitename}.",
                "## Ban Biên tập {sitename}\n\n"
                "Cơ quan chủ quản: **{agency}**\n\n"
                "- **Địa chỉ:** {address}\n"
                "- **Điện thoại:** {phone}\n"
                "- **Thư điện tử:** [{email}](mailto:{email})\n\n"
                "Giờ làm việc: sáng từ 7 giờ 30 đến 11 giờ 30, chiều từ 13 giờ 30 đến 17 giờ, "
                "từ thứ Hai đến thứ Sáu (trừ ngày lễ, Tết).\n"),
    "ban-do-hanh-chinh": ("Bản đồ hành chính {unit}",
                          "Ranh giới hành chính và các thôn, tổ dân phố của {unit}.",
                          "Ban Biên tập bổ sung bản đồ hành chính của {unit} (ảnh đặt trong "
                          "content/images/, chèn bằng cú pháp ảnh Markdown, có lời mô tả).\n"),
    "hoi-dap": ("Hỏi đáp",
                "Những câu hỏi người dân thường gửi tới {agency}, kèm câu trả lời.",
                "Trang này tập hợp những câu hỏi người dân thường hỏi và câu trả lời của {agency}. "
                "Câu hỏi khác xin gửi về địa chỉ ở trang Liên hệ.\n"),
}

ENGLISH = """---
title: "{name_en} – Organisation and Contacts"
slug: english
lang: en
summary: "The People's Committee of {name_en}, its address and contact details, in English."
---

This page summarises, in English, how to contact the local government of {name_en}
({unit}), {where_en}Viet Nam. All other information on this portal is published in Vietnamese.

## Contact {{#contact}}

- Address: {address}
- Phone: {phone}
- Email: [{email}](mailto:{email})
"""


class ScaffoldError(ValueError):
    """What an editor must fix, in Vietnamese."""


ENGLISH_TYPES = {"Tỉnh": "Province", "Thành phố": "City", "Xã": "Commune", "Phường": "Ward",
                 "Đặc khu": "Special Zone"}


def _ascii_name(text: str) -> str:
    """"Xã Suối Lam" → "Suoi Lam Commune" (the English page names places without diacritics)."""
    from plugins import vietnamese

    for vi, en in ENGLISH_TYPES.items():
        if text.startswith(vi + " "):
            return f"{vietnamese.fold(text[len(vi) + 1:])} {en}"
    return vietnamese.fold(text)


def _page(slug: str, title: str, summary: str, body: str) -> str:
    return (f"---\ntitle: {_q(title)}\nslug: {slug}\nsummary: {_q(summary)}\n---\n\n{body}")


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def new_site(root: str, slug: str, name: str, parent: str, known: list[str], *, phone: str = "",
             email: str = "", address: str = "", share_image: str = "") -> list[str]:
    """Create sites/<slug>/; returns the files written (relative to root). ``known``: the
    slugs of the existing portals (the default portal's included)."""
    slug, name, parent = slug.strip(), " ".join(name.split()), parent.strip()
    folder = sites.site_dir(root, slug)
    if not sites.SLUG_RE.fullmatch(slug):
        raise ScaffoldError(f"Slug '{slug}' không hợp lệ: chỉ dùng chữ thường không dấu, số và dấu gạch ngang, "
                            "ví dụ 'xa-suoi-lam'.")
    if slug in known or os.path.exists(folder):
        raise ScaffoldError(f"Đã có cổng '{slug}' ({os.path.relpath(folder, root)}); không tạo lại. "
                            "Chọn slug khác, hoặc sửa cổng đã có.")
    types = sites.COMMUNE_TYPES if parent else sites.PROVINCE_TYPES
    if not name.startswith(types) or len(name.split()) < 2:
        example = "Xã Suối Lam" if parent else "Tỉnh Hoàng Sơn"
        raise ScaffoldError(f"Tên '{name}' cần bắt đầu bằng loại đơn vị: {', '.join(types)} "
                            f"(ví dụ --name \"{example}\").")
    if parent and parent not in known:
        raise ScaffoldError(f"Không có cổng cấp trên '{parent}'. Các cổng hiện có: {', '.join(known)}.")
    parent_file = os.path.join(sites.site_dir(root, parent), sites.SITE_FILE)
    parent_name = ""
    if os.path.isfile(parent_file):
        with open(parent_file, encoding="utf-8") as fh:
            parent_name = (yaml.safe_load(fh) or {}).get("name", "")
    unit = name[:1].lower() + name[1:]
    province = (parent_name[:1].lower() + parent_name[1:]) if parent_name else (parent or unit)
    agency = f"Ủy ban nhân dân {unit}"
    facts = {
        "name": name,
        **({"parent": parent} if parent else {}),
        "url": f"https://{slug}.example.gov.vn",
        "agency": agency,
        "address": address or f"Trụ sở Ủy ban nhân dân {unit}" + (f", {province}" if parent else ""),
        "phone": phone or "Đang cập nhật",
        "email": email or f"ubnd@{slug}.example.gov.vn",
        "counter_site": slug,
        "categories": [{**c, "description": c["description"].format(unit=unit)} for c in COMMUNE_CATEGORIES],
    }
    sitename = f"Cổng thông tin điện tử {unit}"
    level = f"đơn vị hành chính cấp xã thuộc {province}" if parent else "đơn vị hành chính cấp tỉnh"
    values = {"level": level, "unit": unit, "Unit": name, "province": province, "agency": agency, "sitename": sitename,
              "address": facts["address"], "phone": facts["phone"], "email": facts["email"],
              "name_en": _ascii_name(name), "where": f"{unit}, {province}" if parent else unit,
              "where_en": f"{_ascii_name(parent_name or parent)}, " if parent else ""}
    written = []

    def write(rel: str, text: str) -> None:
        path = os.path.join(folder, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "x", encoding="utf-8") as fh:
            fh.write(text)
        written.append(os.path.relpath(path, root))

    header = (f"# {sitename}: chỉ ghi những gì khác cài đặt chung (pelicanconf.py).\n"
              "# Các khóa: docs/network.md. Sửa 'url' thành địa chỉ thật trước khi xuất bản.\n")
    write(sites.SITE_FILE, header + yaml.safe_dump(facts, allow_unicode=True, sort_keys=False, width=100))
    for page_slug, (title, summary, body) in PAGES.items():
        write(os.path.join("content", "pages", f"{page_slug}.md"),
              _page(page_slug, title.format(**values), summary.format(**values), body.format(**values)))
    write(os.path.join("content", "pages", "english.md"), ENGLISH.format(**values))
    write(os.path.join("content", "articles", "README.md"),
          "Bài viết của cổng đặt trong thư mục này, mỗi năm một thư mục con (2026/…). "
          "Tạo bài mới: invoke new --site " + slug + " --title \"…\" --category \"…\".\n")
    if share_image and os.path.isfile(share_image):
        dest = os.path.join(folder, "content", "images", os.path.basename(share_image))
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copyfile(share_image, dest)
        written.append(os.path.relpath(dest, root))
    return written
