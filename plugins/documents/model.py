"""Văn bản (legal documents): reading, the Document model, status and relations.

Pure: no Pelican. A document is a Markdown file under ``content/documents/`` whose
YAML front-matter holds the register fields; its slug is the file name (or ``slug:``).
"""

from __future__ import annotations

import dataclasses
import datetime
import fnmatch
import functools
import os
import re

from babel.numbers import format_decimal

from plugins import vietnamese
from plugins.content_contract import frontmatter

REQUIRED = ("so_ky_hieu", "title", "loai_van_ban", "co_quan_ban_hanh", "nguoi_ky",
            "linh_vuc", "ngay_ban_hanh", "ngay_hieu_luc", "files")
OPTIONAL = ("ngay_het_hieu_luc", "thay_the", "lien_quan", "slug", "summary")
FIELDS = set(REQUIRED) | set(OPTIONAL)

# Document types of Decree 30/2020/NĐ-CP (administrative) plus the usual legal ones.
DEFAULT_TYPES = [
    "Nghị quyết", "Quyết định", "Chỉ thị", "Quy chế", "Quy định", "Thông cáo", "Thông báo",
    "Hướng dẫn", "Chương trình", "Kế hoạch", "Phương án", "Đề án", "Dự án", "Báo cáo",
    "Biên bản", "Tờ trình", "Hợp đồng", "Công văn", "Công điện", "Bản ghi nhớ",
    "Bản thỏa thuận", "Giấy ủy quyền", "Giấy mời", "Giấy giới thiệu", "Giấy nghỉ phép",
    "Phiếu gửi", "Phiếu chuyển", "Phiếu báo", "Thư công",
]

STATUS_ACTIVE = "Còn hiệu lực"
STATUS_EXPIRED = "Hết hiệu lực"
STATUS_PENDING = "Chưa có hiệu lực"

FILE_TYPES = {
    "pdf": "PDF", "doc": "Word", "docx": "Word", "xls": "Excel", "xlsx": "Excel",
    "odt": "OpenDocument", "ods": "OpenDocument", "zip": "ZIP", "rar": "RAR",
    "jpg": "JPEG", "jpeg": "JPEG", "png": "PNG",
}
MIME_TYPES = {
    "pdf": "application/pdf", "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "zip": "application/zip", "rar": "application/vnd.rar",
    "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png",
}

# Types, issuers, signers and fields repeat across thousands of documents.
norm = functools.lru_cache(maxsize=8192)(vietnamese.normalize)

_ISO_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_VN_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


@dataclasses.dataclass
class Attachment:
    name: str  # path under the attachments folder, e.g. "152-kh-ubnd.pdf"
    title: str  # link text
    size: int  # bytes
    url: str  # site-relative, e.g. "documents/files/152-kh-ubnd.pdf"

    @property
    def ext(self) -> str:
        return os.path.splitext(self.name)[1].lstrip(".").lower()

    @property
    def type_label(self) -> str:
        return FILE_TYPES.get(self.ext, self.ext.upper() or "Tệp")

    @property
    def mime(self) -> str:
        return MIME_TYPES.get(self.ext, "application/octet-stream")

    @property
    def size_label(self) -> str:
        return human_size(self.size)

    @property
    def count_path(self) -> str:
        return "/" + self.url


@dataclasses.dataclass(eq=False)
class Document:
    slug: str
    source_path: str
    so_ky_hieu: str
    title: str  # trích yếu
    loai_van_ban: str
    co_quan_ban_hanh: str
    nguoi_ky: str
    linh_vuc: list[str]
    ngay_ban_hanh: datetime.date
    ngay_hieu_luc: datetime.date
    ngay_het_hieu_luc: datetime.date | None
    files: list[Attachment]
    thay_the: list[str]
    lien_quan: list[str]
    body: str = ""
    summary: str = ""
    url: str = ""
    save_as: str = ""
    # Filled by Library: the other side of every link, and the status at build time.
    hieu_luc: str = STATUS_ACTIVE  # not `status`: pelican-sitemap drops objects whose status != "published"
    date: datetime.datetime | None = None  # issue date with time zone, set by the glue
    # Read by pelican-sitemap (defaults would file documents under "indexes", daily).
    changefreq: str = "monthly"
    priority: float = 0.6
    replaces: list["Document"] = dataclasses.field(default_factory=list)
    replaced_by: list["Document"] = dataclasses.field(default_factory=list)
    related: list["Document"] = dataclasses.field(default_factory=list)
    same_type: list["Document"] = dataclasses.field(default_factory=list)
    same_issuer: list["Document"] = dataclasses.field(default_factory=list)
    content: str = ""  # body as HTML, set by the glue

    @property
    def year(self) -> int:
        return self.ngay_ban_hanh.year

    @property
    def count_path(self) -> str:
        return "/" + self.url

    @property
    def replaced_on(self) -> datetime.date | None:
        """When the first replacing document comes into force (None: not replaced)."""
        return min((r.ngay_hieu_luc for r in self.replaced_by), default=None)

    @property
    def expired(self) -> bool:
        return self.hieu_luc == STATUS_EXPIRED

    def sort_key(self):
        return (self.ngay_ban_hanh, self.so_ky_hieu)


def human_size(n: int) -> str:
    """Vietnamese file size: 1536 -> '1,5 KB'."""
    if n < 1024:
        return f"{n} byte"
    for unit in ("KB", "MB", "GB"):
        n /= 1024
        if n < 1024 or unit == "GB":
            return f"{format_decimal(round(n, 1), format='#,##0.#', locale='vi')} {unit}"
    raise AssertionError("unreachable")


def parse_date(value) -> datetime.date:
    """YAML date, '2024-05-17' or '17/05/2024'; ValueError otherwise."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    m = _ISO_RE.match(text)
    if m:
        return datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _VN_RE.match(text)
    if m:
        return datetime.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    raise ValueError(text)


def as_list(value) -> list:
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def attachment_spec(item) -> tuple[str, str]:
    """(file name, link text) from 'x.pdf' or {file: x.pdf, title: ...}."""
    if isinstance(item, dict):
        return str(item.get("file") or "").strip(), str(item.get("title") or "").strip()
    return str(item).strip(), ""


def slug_of(src: frontmatter.SourceFile) -> str:
    explicit = src.meta.get("slug")
    if explicit:
        return str(explicit).strip()
    return vietnamese.slugify(os.path.splitext(os.path.basename(src.abs_path or src.path))[0])


def number_key(so_ky_hieu: str) -> str:
    """Số ký hiệu compared loosely: case, spaces, diacritics and the 'Số' prefix ignored."""
    text = vietnamese.fold(str(so_ky_hieu)).upper()
    text = re.sub(r"^SO\s*[:.]?\s*", "", text)
    return re.sub(r"\s+", "", text)


def display_path(path: str) -> str:
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def load_sources(folder: str, ignore: list[str] | None = None,
                 skip: list[str] | None = None, store=None) -> list[frontmatter.SourceFile]:
    """Every .md under folder (sorted), except the subfolders in skip (absolute).
    store: a content_contract.cache.FileCache, so only changed files are parsed."""
    ignore = ignore or []
    skip = {os.path.abspath(s) for s in (skip or [])}
    out = []
    if not os.path.isdir(folder):
        return out
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(
            d for d in dirnames
            if not any(fnmatch.fnmatch(d, p) for p in ignore)
            and os.path.abspath(os.path.join(dirpath, d)) not in skip
        )
        for name in sorted(filenames):
            if name.endswith(".md") and not any(fnmatch.fnmatch(name, p) for p in ignore):
                out.append(_read(os.path.join(dirpath, name), store))
    return out


# Validation (at `initialized`) and the generator read the same files in one process:
# parse each once. Keyed by mtime and size, so `invoke regenerate` sees edits.
_PARSED: dict[str, tuple[tuple, frontmatter.SourceFile]] = {}


def _read(path: str, store=None) -> frontmatter.SourceFile:
    st = os.stat(path)
    stamp = (st.st_mtime_ns, st.st_size, os.path.relpath(path))
    hit = _PARSED.get(path)
    if store is not None:  # the cache must see every file, or it would drop the unseen ones
        src = store.get(path, "document",
                        lambda data: frontmatter.parse_bytes(data, display_path(path), path))
    elif hit is not None and hit[0] == stamp:
        return hit[1]
    else:
        with open(path, encoding="utf-8") as fh:
            src = parse_source(fh.read(), display_path(path), path)
    _PARSED[path] = (stamp, src)
    return src


def parse_source(text: str, path: str, abs_path: str = "") -> frontmatter.SourceFile:
    """Documents share the articles' front-matter reader (line numbers, bad dates as text)."""
    return frontmatter.parse(text, path, abs_path)


def from_source(src: frontmatter.SourceFile, files_dir: str, files_url: str) -> Document:
    """Build a Document from a source that passed validation."""
    m = src.meta
    files = []
    for i, item in enumerate(as_list(m.get("files"))):
        name, title = attachment_spec(item)
        full = os.path.join(files_dir, name)
        if not title:  # link text must say what it is, not just a file name
            title = (f"{str(m['loai_van_ban']).strip()} số {str(m['so_ky_hieu']).strip()}"
                     if i == 0 else os.path.basename(name))
        files.append(Attachment(name=name, title=vietnamese.normalize(title),
                                size=os.path.getsize(full),
                                url=f"{files_url.strip('/')}/{name}"))
    het = m.get("ngay_het_hieu_luc")
    return Document(
        slug=slug_of(src),
        source_path=src.path,
        so_ky_hieu=vietnamese.normalize(str(m["so_ky_hieu"]).strip()),
        title=vietnamese.normalize(str(m["title"]).strip()),
        loai_van_ban=norm(str(m["loai_van_ban"]).strip()),
        co_quan_ban_hanh=norm(str(m["co_quan_ban_hanh"]).strip()),
        nguoi_ky=norm(str(m["nguoi_ky"]).strip()),
        linh_vuc=[norm(str(x).strip()) for x in as_list(m.get("linh_vuc"))],
        ngay_ban_hanh=parse_date(m["ngay_ban_hanh"]),
        ngay_hieu_luc=parse_date(m["ngay_hieu_luc"]),
        ngay_het_hieu_luc=parse_date(het) if het not in (None, "") else None,
        files=files,
        thay_the=[str(s).strip() for s in as_list(m.get("thay_the"))],
        lien_quan=[str(s).strip() for s in as_list(m.get("lien_quan"))],
        body=src.body.strip(),
        summary=str(m.get("summary") or "").strip(),
    )


def status_on(doc: Document, today: datetime.date) -> str:
    """Còn / Hết / Chưa có hiệu lực on `today`.

    A document is out of force after its own end date, or once a document that
    replaces it has come into force.
    """
    if doc.ngay_hieu_luc > today:
        return STATUS_PENDING
    if doc.ngay_het_hieu_luc is not None and doc.ngay_het_hieu_luc <= today:
        return STATUS_EXPIRED
    if any(r.ngay_hieu_luc <= today for r in doc.replaced_by):
        return STATUS_EXPIRED
    return STATUS_ACTIVE


class Library:
    """All documents, newest first, with links resolved in both directions."""

    def __init__(self, docs: list[Document], today: datetime.date, url_pattern: str = "van-ban/{slug}.html",
                 neighbours: int = 5):
        self.documents = sorted(docs, key=Document.sort_key, reverse=True)
        self.by_slug = {d.slug: d for d in self.documents}
        for d in self.documents:
            d.url = url_pattern.format(slug=d.slug)
            d.save_as = d.url
            d.replaces, d.replaced_by, d.related = [], [], []
        for d in self.documents:
            for slug in d.thay_the:
                target = self.by_slug.get(slug)
                if target is not None and target is not d:
                    d.replaces.append(target)
                    target.replaced_by.append(d)
            for slug in d.lien_quan:
                target = self.by_slug.get(slug)
                if target is not None and target is not d:
                    _add(d.related, target)
                    _add(target.related, d)
        by_type: dict[str, list[Document]] = {}
        by_issuer: dict[str, list[Document]] = {}
        for d in self.documents:  # newest first, so each group is too
            by_type.setdefault(d.loai_van_ban, []).append(d)
            by_issuer.setdefault(d.co_quan_ban_hanh, []).append(d)
        for d in self.documents:
            d.related.sort(key=Document.sort_key, reverse=True)
            d.replaced_by.sort(key=Document.sort_key, reverse=True)
            d.hieu_luc = status_on(d, today)
            # The newest others of the group: look at neighbours + 1 only (linear, not N²).
            d.same_type = [o for o in by_type[d.loai_van_ban][: neighbours + 1] if o is not d][:neighbours]
            d.same_issuer = [o for o in by_issuer[d.co_quan_ban_hanh][: neighbours + 1] if o is not d][:neighbours]

    def facets(self) -> dict[str, list]:
        """Filter choices: types, issuers and fields by name, years newest first."""
        return {
            "types": sorted({d.loai_van_ban for d in self.documents}, key=_vi_key),
            "issuers": sorted({d.co_quan_ban_hanh for d in self.documents}, key=_vi_key),
            "fields": sorted({f for d in self.documents for f in d.linh_vuc}, key=_vi_key),
            "years": sorted({d.year for d in self.documents}, reverse=True),
        }

    def pages(self, per_page: int) -> list[list[Document]]:
        per_page = max(1, int(per_page))
        docs = self.documents
        return [docs[i:i + per_page] for i in range(0, len(docs), per_page)] or [[]]

    def index_rows(self) -> list[dict]:
        """Compact rows for the client-side filter (one JSON file for all pages)."""
        return [{
            "u": d.url, "n": d.so_ky_hieu, "t": d.title, "l": d.loai_van_ban,
            "c": d.co_quan_ban_hanh, "f": d.linh_vuc, "d": d.ngay_ban_hanh.isoformat(),
            "s": d.hieu_luc,
        } for d in self.documents]

    def counter_paths(self) -> list[str]:
        return [e["path"] for e in self.counter_entries()]

    def counter_entries(self) -> list[dict]:
        """Countable paths for the visitor counter's manifest: pages and attachments."""
        out = []
        for d in self.documents:
            out.append({"path": d.count_path, "kind": "document", "title": f"{d.so_ky_hieu} – {d.title}"})
            out.extend({"path": a.count_path, "kind": "attachment", "title": a.title} for a in d.files)
        return out


def _add(items: list, doc) -> None:
    if doc not in items:
        items.append(doc)


def _vi_key(text: str):
    # Alphabetical the Vietnamese way is close enough to folded order plus the original.
    return (vietnamese.fold(text).lower(), text)
