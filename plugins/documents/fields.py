"""The one vocabulary of a văn bản: front-matter key (Vietnamese, what editors write) ->
Python attribute (English, what the reader, the register, validation and templates use).

Pure: no Pelican. ``FIELDS`` is the table; ``to_attributes`` turns a front-matter dict (as
YAML or Pelican's reader gives it) into attribute values: text tone-normalised, dates
parsed, attachments measured.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import os
import re

from babel.numbers import format_decimal

from plugins import vietnamese


@dataclasses.dataclass(frozen=True)
class Field:
    key: str  # front-matter key
    attr: str  # attribute of a document
    kind: str  # text | name | names | date | files | slugs
    label: str = ""  # Vietnamese name in problem messages
    example: str = ""  # the line an editor adds when the field is missing
    required: bool = False
    data_key: str = ""  # short key in van-ban/data.json (one file for the whole register)


FIELDS: tuple[Field, ...] = (
    Field("so_ky_hieu", "number", "text", "số ký hiệu", 'so_ky_hieu: "152/KH-UBND"', True, "n"),
    Field("title", "title", "text", "trích yếu", 'title: "Kế hoạch triển khai ..."', True, "t"),
    Field("loai_van_ban", "doc_type", "name", "loại văn bản", "loai_van_ban: Kế hoạch", True, "l"),
    Field("co_quan_ban_hanh", "issuer", "name", "cơ quan ban hành", "co_quan_ban_hanh: UBND huyện ...", True, "c"),
    Field("nguoi_ky", "signer", "name", "người ký", "nguoi_ky: Họ và tên người ký", True),
    Field("linh_vuc", "fields", "names", "lĩnh vực", "linh_vuc: [Nông nghiệp]", True, "f"),
    Field("ngay_ban_hanh", "issued", "date", "ngày ban hành", "ngay_ban_hanh: 2024-05-17", True, "d"),
    Field("ngay_hieu_luc", "effective", "date", "ngày có hiệu lực", "ngay_hieu_luc: 2024-05-17", True),
    Field("ngay_het_hieu_luc", "expires", "date", "ngày hết hiệu lực"),
    Field("files", "attachments", "files", "tệp đính kèm",
          "files: [ten-tep.pdf] (tệp đặt trong content/documents/files/)", True),
    Field("thay_the", "replaces_slugs", "slugs", "thay thế"),
    Field("lien_quan", "related_slugs", "slugs", "liên quan"),
    Field("slug", "slug", "text"),
    Field("summary", "summary", "text"),
)
BY_KEY = {f.key: f for f in FIELDS}
REQUIRED = tuple(f.key for f in FIELDS if f.required)
KEYS = frozenset(BY_KEY)
# Keys whose value is one line of text.
ONE_LINE = tuple(f.key for f in FIELDS if f.kind in ("text", "name") and f.key not in ("slug", "summary"))

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


def attachments(meta: dict, files_dir: str, files_url: str) -> list[Attachment]:
    out = []
    for i, item in enumerate(as_list(meta.get("files"))):
        name, title = attachment_spec(item)
        if not title:  # link text must say what it is, not just a file name
            title = (f"{str(meta['loai_van_ban']).strip()} số {str(meta['so_ky_hieu']).strip()}"
                     if i == 0 else os.path.basename(name))
        out.append(Attachment(name=name, title=vietnamese.normalize(title),
                              size=os.path.getsize(os.path.join(files_dir, name)),
                              url=f"{files_url.strip('/')}/{name}"))
    return out


def to_attributes(meta: dict, files_dir: str, files_url: str) -> dict:
    """Attribute values of a document whose front-matter passed validation. Keys outside
    the table (Pelican's own: reader, lang, ...) are left out; slug and summary too, which
    are Pelican's."""
    out: dict = {}
    for f in FIELDS:
        value = meta.get(f.key)
        if f.kind == "text" and f.key not in ("slug", "summary"):
            out[f.attr] = vietnamese.normalize(str(value).strip())
        elif f.kind == "name":
            out[f.attr] = norm(str(value).strip())
        elif f.kind == "names":
            out[f.attr] = [norm(str(x).strip()) for x in as_list(value)]
        elif f.kind == "date":
            out[f.attr] = parse_date(value) if value not in (None, "") else None
        elif f.kind == "slugs":
            out[f.attr] = [str(s).strip() for s in as_list(value)]
        elif f.kind == "files":
            out[f.attr] = attachments(meta, files_dir, files_url)
    return out
