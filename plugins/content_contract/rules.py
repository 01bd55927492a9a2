"""The content contract for articles and pages, as checks that report every problem.

Pure: takes parsed files (see frontmatter.py) and plain settings values.
Messages are in Vietnamese: editors read them.
"""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import functools
import os
import re

from plugins import markup, vietnamese

from .frontmatter import Problem, SourceFile

ARTICLE_FIELDS = {
    "title", "date", "modified", "category", "tags", "author", "authors", "summary",
    "image", "image_caption", "source", "slug", "related", "related_exclude",
    "no_related", "featured", "status", "lang", "template", "expires",
}
PAGE_FIELDS = {"title", "slug", "summary", "status", "date", "modified", "template",
               "menu_order", "lang", "image", "image_caption", "in_menu"}
ARTICLE_STATUSES = {"published", "draft"}
PAGE_STATUSES = {"published", "hidden", "draft"}

DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# ![alt](url "caption") and [text](url) with Pelican's {static}/{filename}/{attach}
IMAGE_RE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+[\"']([^\"']*)[\"'])?\s*\)")
LINK_RE = re.compile(r"(?<!!)\[[^\]]*\]\(\s*<?(\{(?:static|filename|attach)\}[^)\s>]+)")
ALT_RE = re.compile(r"\balt\s*=\s*([\"'])(.*?)\1", re.IGNORECASE)


@dataclasses.dataclass
class FileCheck:
    """One file's share of validation. It depends on that file alone, so it can be cached;
    what depends on other files (links to them, slugs, `related`) is checked every build."""

    src: SourceFile  # the parsed file (the cache stores it without its body)
    problems: list  # this file's own problems, parse problems included
    refs: list  # (url, line, what): {static}/{filename}/{attach} targets, checked every build
    slug: str = ""  # the URL this file claims; "" without a title


# Category and tag names repeat across thousands of articles: normalise each name once.
normalize_name = functools.lru_cache(maxsize=16384)(vietnamese.normalize)


def suggest(word: str, choices) -> str:
    """A "did you mean …?" hint for a near miss; shared by every content type's checks."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"có phải ý bạn là '{close[0]}'?" if close else ""


def _check_date(src: SourceFile, key: str, required: bool, out: list) -> datetime.datetime | None:
    value = src.meta.get(key)
    if value is None or value == "":
        if required:
            out.append(Problem(src.path, src.line_of(key) if key in src.lines else 1,
                               f"thiếu ngày đăng '{key}'",
                               f"thêm dòng '{key}: 2024-05-17 08:30' (giờ Việt Nam)"))
        return None
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, datetime.date):
        return datetime.datetime(value.year, value.month, value.day)
    text = str(value).strip()
    m = DATE_RE.match(text)
    if m:  # what strptime("%Y-%m-%d[ T]%H:%M[:%S]") accepts, without its slow failures
        try:
            return datetime.datetime(*(int(g) for g in m.groups() if g is not None))
        except ValueError:
            pass
    out.append(Problem(src.path, src.line_of(key), f"không đọc được ngày '{key}: {text}'",
                       "viết theo dạng năm-tháng-ngày giờ:phút, ví dụ '2024-05-17 08:30'"))
    return None


def _as_list(value) -> list:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [value]


def _check_local_file(src: SourceFile, url: str, line: int, content_root: str, what: str, out: list):
    """A {static}/{filename}/{attach} link must point at a file in content/."""
    full = markup.resolve_static(url, content_root, os.path.dirname(src.abs_path))
    if full is not None and not os.path.isfile(full):
        out.append(Problem(src.path, line, f"{what} không tồn tại: {url}",
                           "kiểm tra tên tệp (phân biệt chữ hoa/thường) và đặt tệp trong content/images/"))


def _add_ref(url: str, line: int, what: str, refs: list) -> None:
    if markup.parse_static(url):
        refs.append((url, line, what))


def check_refs(fc: FileCheck, content_root: str, out: list) -> None:
    for url, line, what in fc.refs:
        _check_local_file(fc.src, url, line, content_root, what, out)


def scan_body(src: SourceFile, out: list, refs: list) -> None:
    """Problems of the body text itself; links to content files go to refs."""
    if "](" not in src.body and "<" not in src.body:
        return  # no Markdown link or image, no HTML tag: most articles
    for offset, text in enumerate(src.body.split("\n")):
        if "](" not in text and "<" not in text:
            continue
        line = src.body_line + offset
        for m in IMAGE_RE.finditer(text):
            alt, url = m.group(1), m.group(2)
            if not alt.strip():
                out.append(Problem(src.path, line, f"ảnh thiếu mô tả (alt): {url}",
                                   "viết mô tả ngắn trong ngoặc vuông: ![Nông dân thu hoạch chè](...)"))
            if url.startswith("{"):
                _add_ref(url, line, "ảnh", refs)
            elif not re.match(r"^(https?:)?//", url):
                out.append(Problem(src.path, line, f"đường dẫn ảnh không hợp lệ: {url}",
                                   "dùng dạng {static}/images/ten-anh.jpg"))
        for m in LINK_RE.finditer(text):
            _add_ref(m.group(1), line, "tệp liên kết", refs)
        for tag in markup.IMG_TAG_RE.findall(text):
            alt = ALT_RE.search(tag)
            if not alt or not alt.group(2).strip():
                out.append(Problem(src.path, line, "thẻ <img> thiếu mô tả (alt)",
                                   "thêm alt=\"mô tả ảnh\" hoặc dùng cú pháp ![mô tả](...)"))


def check_body(src: SourceFile, content_root: str, out: list):
    refs: list = []
    scan_body(src, out, refs)
    check_refs(FileCheck(src, [], refs), content_root, out)


def _check_fields(src: SourceFile, allowed: set, out: list):
    for key in src.meta:
        if key not in allowed:
            out.append(Problem(src.path, src.line_of(key), f"trường không được hỗ trợ '{key}'",
                               suggest(key, allowed) or "xóa dòng này hoặc xem docs/editors.md"))


def _check_title(src: SourceFile, out: list) -> str:
    title = src.meta.get("title")
    if title is None or not str(title).strip():
        line = src.line_of("title") if "title" in src.lines else 1
        out.append(Problem(src.path, line, "thiếu tiêu đề (title) hoặc tiêu đề rỗng",
                           "thêm dòng 'title: \"Tiêu đề bài viết\"' vào phần đầu"))
        return ""
    return str(title)


def slug_of(src: SourceFile) -> str:
    explicit = src.meta.get("slug")
    if explicit:
        return str(explicit).strip()
    return vietnamese.slugify(str(src.meta.get("title") or ""))


def _claim_slug(fc: FileCheck, by_slug: dict, out: list) -> None:
    """Slugs are URLs: two files with one slug would overwrite each other."""
    if not fc.slug:
        return
    src, slug = fc.src, fc.slug
    other = by_slug.setdefault(slug, src)
    if other is not src:
        out.append(Problem(src.path, src.line_of("title"),
                           f"trùng đường dẫn với {other.path}:{other.line_of('title')} (cùng slug '{slug}')",
                           f"đặt 'slug:' khác cho một trong hai tệp, ví dụ 'slug: {slug}-2'"))


def _done(src: SourceFile, out: list, refs: list, title: str) -> FileCheck:
    return FileCheck(src, out, refs, slug_of(src) if title else "")


def article_file(src: SourceFile, categories: list[str]) -> FileCheck:
    """Everything about one article that needs no other file."""
    out: list[Problem] = list(src.problems)
    refs: list = []
    if not src.meta:
        return _done(src, out, refs, "")
    valid = ", ".join(categories)
    _check_fields(src, ARTICLE_FIELDS, out)
    title = _check_title(src, out)
    _check_date(src, "date", True, out)
    _check_date(src, "modified", False, out)
    _check_date(src, "expires", False, out)
    category = src.meta.get("category")
    if category is None or not str(category).strip():
        out.append(Problem(src.path, src.line_of("category") if "category" in src.lines else 1,
                           "thiếu chuyên mục (category)", f"chọn một trong: {valid}"))
    elif normalize_name(str(category).strip()) not in categories:
        hint = suggest(str(category), categories)
        out.append(Problem(src.path, src.line_of("category"),
                           f"chuyên mục không có trong danh sách: '{category}'",
                           (hint + " " if hint else "") + f"chọn một trong: {valid}"))
    status = str(src.meta.get("status", "published")).strip()
    if status not in ARTICLE_STATUSES:
        out.append(Problem(src.path, src.line_of("status"), f"trạng thái không hợp lệ '{status}'",
                           "dùng 'published' (đăng) hoặc 'draft' (bản nháp)"))
    if "slug" in src.meta and not SLUG_RE.match(str(src.meta["slug"])):
        out.append(Problem(src.path, src.line_of("slug"), f"slug không hợp lệ '{src.meta['slug']}'",
                           f"chỉ dùng chữ thường không dấu, số và '-', ví dụ '{vietnamese.slugify(str(src.meta['slug']))}'"))
    for key in ("featured", "no_related"):
        if key in src.meta and not isinstance(src.meta[key], bool):
            out.append(Problem(src.path, src.line_of(key), f"'{key}' phải là true hoặc false", ""))
    image = src.meta.get("image")
    if image:
        _add_ref(str(image), src.line_of("image"), "ảnh đại diện", refs)
    scan_body(src, out, refs)
    return _done(src, out, refs, title)


def page_file(src: SourceFile) -> FileCheck:
    """Everything about one page that needs no other file."""
    out: list[Problem] = list(src.problems)
    refs: list = []
    if not src.meta:
        return _done(src, out, refs, "")
    _check_fields(src, PAGE_FIELDS, out)
    title = _check_title(src, out)
    status = str(src.meta.get("status", "published")).strip()
    if status not in PAGE_STATUSES:
        out.append(Problem(src.path, src.line_of("status"), f"trạng thái không hợp lệ '{status}'",
                           "dùng 'published', 'hidden' hoặc 'draft'"))
    scan_body(src, out, refs)
    return _done(src, out, refs, title)


def finish_articles(checks: list[FileCheck], content_root: str) -> list[Problem]:
    """Per-file results plus what spans files: links, slug collisions, `related`."""
    out: list[Problem] = []
    by_slug: dict[str, SourceFile] = {}
    for fc in checks:
        out.extend(fc.problems)
        check_refs(fc, content_root, out)
        _claim_slug(fc, by_slug, out)
    for fc in checks:
        src = fc.src
        for key in ("related", "related_exclude"):
            for ref in _as_list(src.meta.get(key)):
                if str(ref) not in by_slug:
                    hint = suggest(str(ref), by_slug)
                    out.append(Problem(src.path, src.line_of(key), f"'{key}' nhắc tới bài không tồn tại '{ref}'",
                                       hint or "dùng slug của bài (phần cuối đường dẫn, bỏ '.html')"))
    return out


def finish_pages(checks: list[FileCheck], content_root: str) -> list[Problem]:
    out: list[Problem] = []
    by_slug: dict[str, SourceFile] = {}
    for fc in checks:
        out.extend(fc.problems)
        check_refs(fc, content_root, out)
        _claim_slug(fc, by_slug, out)
    return out


def check_articles(files: list[SourceFile], categories: list[str], content_root: str) -> list[Problem]:
    return finish_articles([article_file(src, categories) for src in files], content_root)


def check_pages(files: list[SourceFile], content_root: str) -> list[Problem]:
    return finish_pages([page_file(src) for src in files], content_root)
