"""The register of văn bản (the model): status on a day, relations both ways, facets, pages, the rows
of van-ban/data.json and the visitor counter's paths.

Pure: no Pelican. The register works on any object with the attributes of ``fields.FIELDS``
plus ``slug`` and ``url``: the Pelican content type (plugin.Document) or ``Entry``.
"""

from __future__ import annotations

import datetime
import re

from plugins import vietnamese

from .fields import FIELDS

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

# van-ban/data.json: the short key of each column (documents.js reads them), in row order.
DATA_COLUMNS = (("u", "url"), *((f.data_key, f.attr) for f in FIELDS if f.data_key), ("s", "legal_status"))


class RegisterEntry:
    """What the register adds to a document: links filled by ``Library`` and derived values."""

    legal_status: str = STATUS_ACTIVE  # Còn / Hết / Chưa có hiệu lực on the build day
    # Read by pelican-sitemap (its defaults would file documents as pages, or as daily indexes).
    changefreq = "monthly"
    priority = 0.6

    def _reset_links(self) -> None:
        self.replaces, self.replaced_by, self.related = [], [], []
        self.same_type, self.same_issuer = [], []

    @property
    def year(self) -> int:
        return self.issued.year

    @property
    def count_path(self) -> str:
        return "/" + self.url

    @property
    def replaced_on(self) -> datetime.date | None:
        """When the first replacing document comes into force (None: not replaced)."""
        return min((r.effective for r in self.replaced_by), default=None)

    @property
    def expired(self) -> bool:
        return self.legal_status == STATUS_EXPIRED

    def sort_key(self):
        return (self.issued, self.number)


class Entry(RegisterEntry):
    """A document without Pelican (tests, demo tools, benchmarks): attributes as given."""

    def __init__(self, slug: str, url_pattern: str = "van-ban/{slug}.html", source_path: str = "",
                 body: str = "", **attrs):
        self.slug, self.source_path, self.body = slug, source_path, body
        self.url = self.save_as = url_pattern.format(slug=slug)
        for f in FIELDS:
            if f.attr not in ("slug",):
                setattr(self, f.attr, [] if f.kind in ("names", "files", "slugs") else None)
        self.summary = ""
        for k, v in attrs.items():
            setattr(self, k, v)
        self._reset_links()


def status_on(doc, today: datetime.date) -> str:
    """Còn / Hết / Chưa có hiệu lực on `today`.

    A document is out of force after its own end date, or once a document that
    replaces it has come into force.
    """
    if doc.effective > today:
        return STATUS_PENDING
    if doc.expires is not None and doc.expires <= today:
        return STATUS_EXPIRED
    if any(r.effective <= today for r in doc.replaced_by):
        return STATUS_EXPIRED
    return STATUS_ACTIVE


def number_key(number: str) -> str:
    """Số ký hiệu compared loosely: case, spaces, diacritics and the 'Số' prefix ignored."""
    text = vietnamese.fold(str(number)).upper()
    text = re.sub(r"^SO\s*[:.]?\s*", "", text)
    return re.sub(r"\s+", "", text)


class Library:
    """All documents, newest first, with links resolved in both directions.

    Ties (same issue date and number) keep the order given: pass documents sorted by path."""

    def __init__(self, docs: list, today: datetime.date, neighbours: int = 5):
        self.documents = sorted(docs, key=RegisterEntry.sort_key, reverse=True)
        self.by_slug = {d.slug: d for d in self.documents}
        for d in self.documents:
            d._reset_links()
        for d in self.documents:
            for slug in d.replaces_slugs:
                target = self.by_slug.get(slug)
                if target is not None and target is not d:
                    d.replaces.append(target)
                    target.replaced_by.append(d)
            for slug in d.related_slugs:
                target = self.by_slug.get(slug)
                if target is not None and target is not d:
                    _add(d.related, target)
                    _add(target.related, d)
        by_type: dict[str, list] = {}
        by_issuer: dict[str, list] = {}
        for d in self.documents:  # newest first, so each group is too
            by_type.setdefault(d.doc_type, []).append(d)
            by_issuer.setdefault(d.issuer, []).append(d)
        for d in self.documents:
            d.related.sort(key=RegisterEntry.sort_key, reverse=True)
            d.replaced_by.sort(key=RegisterEntry.sort_key, reverse=True)
            d.legal_status = status_on(d, today)
            # The newest others of the group: look at neighbours + 1 only (linear, not N²).
            d.same_type = [o for o in by_type[d.doc_type][: neighbours + 1] if o is not d][:neighbours]
            d.same_issuer = [o for o in by_issuer[d.issuer][: neighbours + 1] if o is not d][:neighbours]

    def facets(self) -> dict[str, list]:
        """Filter choices: types, issuers and fields by name, years newest first."""
        return {
            "types": sorted({d.doc_type for d in self.documents}, key=_vi_key),
            "issuers": sorted({d.issuer for d in self.documents}, key=_vi_key),
            "fields": sorted({f for d in self.documents for f in d.fields}, key=_vi_key),
            "years": sorted({d.year for d in self.documents}, reverse=True),
        }

    def pages(self, per_page: int) -> list[list]:
        per_page = max(1, int(per_page))
        docs = self.documents
        return [docs[i:i + per_page] for i in range(0, len(docs), per_page)] or [[]]

    def index_rows(self) -> list[dict]:
        """Compact rows for the client-side filter (one JSON file for all pages)."""
        return [{key: _json(getattr(d, attr)) for key, attr in DATA_COLUMNS} for d in self.documents]

    def counter_paths(self) -> list[str]:
        return [e["path"] for e in self.counter_entries()]

    def counter_entries(self) -> list[dict]:
        """Countable paths for the visitor counter's manifest: pages and attachments."""
        out = []
        for d in self.documents:
            out.append({"path": d.count_path, "kind": "document", "title": f"{d.number} – {d.title}"})
            out.extend({"path": a.count_path, "kind": "attachment", "title": a.title} for a in d.attachments)
        return out


def list_page_urls(index_url: str, per_page: int, count: int) -> list[tuple[str, str]]:
    """(url, save_as) of each list page: van-ban/, van-ban/trang-2/, ..."""
    base = index_url.strip("/")
    pages = max(1, -(-count // max(1, int(per_page))))
    out = [(f"{base}/", f"{base}/index.html")]
    out += [(f"{base}/trang-{n}/", f"{base}/trang-{n}/index.html") for n in range(2, pages + 1)]
    return out


def _json(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


def _add(items: list, doc) -> None:
    if doc not in items:
        items.append(doc)


def _vi_key(text: str):
    # Alphabetical the Vietnamese way is close enough to folded order plus the original.
    return (vietnamese.fold(text).lower(), text)
