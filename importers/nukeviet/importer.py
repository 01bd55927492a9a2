"""The NukeViet 4.5 → portal mapping (tables and columns of NukeViet's own action_mysql.php).

``run(source, options)`` reads the news, laws, comment and counter tables and writes:

| What | Where (under ``--out``, the content folder) |
|---|---|
| articles | ``articles/nukeviet/<year>/<slug>.md`` |
| their images and files | ``images/nukeviet/<path under uploads/>`` |
| văn bản | ``documents/<slug>.md``, files in ``documents/files/nukeviet/…`` |
| redirect pages | ``imported/nukeviet/redirects/<old path>`` (copied to the same old path in the site) |
| nginx map | ``imported/nukeviet/redirects.map`` |
| settings fragment | ``imported/nukeviet/settings.py`` |
| comments | ``imported/nukeviet/comments.jsonl`` (pending ones marked, never published) |
| counters | ``imported/nukeviet/counters.json`` (for ``invoke counter-import --nukeviet``) |
| report | ``imported/nukeviet/import-report.md`` |

Rows are read in primary-key order and every output is a function of the rows only,
so a database and its dump give the same files byte for byte.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import os
import posixpath
import re
import urllib.parse
import urllib.request

from plugins import vietnamese
from plugins.documents.model import DEFAULT_TYPES

from . import convert
from .source import IDENT_RE
from .write import Writer, front_matter, nginx_map, redirect_page, settings_fragment

IMPORTED = "imported/nukeviet"
REDIRECTS = f"{IMPORTED}/redirects"
NEWS_TABLES = ("cat", "rows", "detail", "tags", "tags_id", "sources", "author", "authorlist")
LAWS_TABLES = ("row", "cat", "subject", "signer", "area", "row_area", "set_replace")
STATUS = {0: "suspended", 1: "published", 2: "scheduled", 3: "expired", 4: "draft"}


@dataclasses.dataclass
class Options:
    uploads: str  # NukeViet's uploads/ folder
    out: str = "content"
    prefix: str = "nv4"
    lang: str = "vi"
    news: str = "news"  # module_data of the news module
    laws: str = "laws"
    assets: str = ""  # NukeViet's assets/ folder (images CKEditor linked from /assets/…)
    dry_run: bool = False
    force: bool = False  # overwrite hand-edited files
    download_remote: bool = False
    now: float | None = None  # epoch "today" for scheduled/expired (tests pin it)

    def table(self, module: str, name: str = "") -> str:
        t = f"{self.prefix}_{self.lang}_{module}" + (f"_{name}" if name else "")
        if not IDENT_RE.match(t):
            raise ValueError(f"bad table name {t!r}")
        return t

    def wanted_tables(self) -> set[str]:
        return ({self.table(self.news, t) for t in NEWS_TABLES} | {self.table(self.laws, t) for t in LAWS_TABLES}
                | {self.table("comment"), f"{self.prefix}_counter"})


class Report:
    def __init__(self):
        self.counts: dict[str, int] = {}
        self.changes: list[tuple[str, str, str]] = []  # (record, what, why)
        self.urls: list[tuple[str, str]] = []
        self.summary: dict[str, int] = {}

    def change(self, record: str, what: str) -> None:
        self.changes.append((record, what, ""))

    def bump(self, key: str, n: int = 1) -> None:
        self.summary[key] = self.summary.get(key, 0) + n


def _unique(slug: str, taken: set, suffix) -> str:
    if slug not in taken:
        taken.add(slug)
        return slug
    slug = f"{slug}-{suffix}"
    n = 2
    while slug in taken:
        slug = f"{slug}-{n}"
        n += 1
    taken.add(slug)
    return slug


def safe_rel(path: str) -> str:
    """A relative upload path as portal file names: no spaces, no '..', Vietnamese folded."""
    parts = []
    for part in urllib.parse.unquote(path).replace("\\", "/").split("/"):
        if part in ("", ".", ".."):
            continue
        stem, dot, ext = part.rpartition(".")
        if not dot:
            stem, ext = part, ""
        name = vietnamese.slugify(stem) or hashlib.sha1(part.encode()).hexdigest()[:10]
        parts.append(name + ("." + re.sub(r"[^a-z0-9]", "", ext.lower()) if ext else ""))
    return "/".join(parts)


class Files:
    """Uploads the articles and documents refer to: copied once, under portal names."""

    def __init__(self, opts: Options, writer: Writer, report: Report):
        self.opts, self.writer, self.report = opts, writer, report
        self.done: dict = {}
        self.attachment_urls: list[tuple[str, str]] = []

    def local(self, old_url_path: str, record: str) -> str | None:
        """'/uploads/news/2026_12/a b.jpg' → '{static}/images/nukeviet/news/2026_12/a-b.jpg' (copied)."""
        path = urllib.parse.unquote(old_url_path.split("?")[0].split("#")[0])
        if path.startswith("/assets/"):
            new = self.copy(self.opts.assets, path[len("/assets/"):], "images/nukeviet/assets/", path, record)
        elif path.startswith("/uploads/"):
            new = self.copy(self.opts.uploads, path[len("/uploads/"):], "images/nukeviet/", path, record)
        else:
            return None
        return "{static}/" + new if new else None

    def copy(self, root: str, rel: str, dest_prefix: str, old_path: str, record: str) -> str | None:
        """Copy root/rel to dest_prefix + its portal name; the new path relative to --out."""
        key = (dest_prefix, rel)
        if key in self.done:
            return self.done[key]
        full = os.path.join(root, *rel.split("/")) if root else ""
        new_rel = None
        if not root or ".." in rel.split("/") or not os.path.isfile(full):
            self.report.change(record, f"missing file {old_path}: link dropped")
            self.report.bump("missing files")
        else:
            new_rel = dest_prefix + safe_rel(rel)
            if new_rel.split("/")[-1] != rel.split("/")[-1]:
                self.report.change(record, f"file renamed {old_path} -> /{new_rel}")
            self.writer.copy(new_rel, full)
            self.attachment_urls.append((urllib.parse.quote(old_path), "/" + new_rel))
        self.done[key] = new_rel
        return new_rel

    def remote(self, url: str, record: str) -> str | None:
        if not self.opts.download_remote:
            self.report.change(record, f"remote image kept as a link (not downloaded): {url}")
            self.report.bump("remote images linked")
            return url
        if url in self.done:
            return self.done[url]
        try:
            with urllib.request.urlopen(url, timeout=15) as resp:
                data = resp.read(20 << 20)
        except (OSError, ValueError) as e:
            self.report.change(record, f"dead remote image dropped: {url} ({e})")
            self.report.bump("dead remote images")
            self.done[url] = None
            return None
        ext = posixpath.splitext(urllib.parse.urlsplit(url).path)[1].lower()[:5] or ".jpg"
        rel = f"images/nukeviet/remote/{hashlib.sha256(url.encode()).hexdigest()[:16]}{ext}"
        self.writer.data(rel, data)
        self.report.change(record, f"remote image downloaded: {url} -> /{rel}")
        self.done[url] = "{static}/" + rel
        return self.done[url]


def _rows(source, sql: str, present: set, table: str) -> list[dict]:
    return list(source.query(sql)) if table in present else []


def _categories(source, opts, present, report):
    t = opts.table(opts.news, "cat")
    rows = _rows(source, f"SELECT * FROM `{t}` ORDER BY `sort`, `catid`", present, t)
    by_id = {r["catid"]: r for r in rows}
    names, cats, taken_slugs = {}, [], set()
    for r in rows:
        name = convert.text(r["title"]) or convert.text(r["alias"])
        key = vietnamese.normalize(name)
        if key in {vietnamese.normalize(c["name"]) for c in cats}:
            parent = by_id.get(r["parentid"])
            name = f"{name} ({convert.text(parent['title'])})" if parent else f"{name} {r['catid']}"
            report.change(f"category {r['catid']}", f"name repeated: renamed to {name!r}")
        slug = _unique(vietnamese.slugify(convert.text(r["alias"]) or name), taken_slugs, r["catid"])
        entry = {"name": name, "slug": slug}
        desc = convert.plain(r.get("description"))
        if desc:
            entry["description"] = desc
        cats.append(entry)
        names[r["catid"]] = (name, convert.text(r["alias"]))
    return cats, names


def _tags(source, opts, present):
    t, ti = opts.table(opts.news, "tags"), opts.table(opts.news, "tags_id")
    tags = {}
    for r in _rows(source, f"SELECT * FROM `{t}` ORDER BY `tid`", present, t):
        # The shown text is `keywords`; `title` is often empty; the alias is Unicode with hyphens.
        tags[r["tid"]] = (convert.text(r.get("keywords")) or convert.text(r.get("title"))
                          or convert.text(r.get("alias")).replace("-", " "))
    by_article: dict[int, list[str]] = {}
    for r in _rows(source, f"SELECT * FROM `{ti}` ORDER BY `id`, `tid`", present, ti):
        name = convert.text(r.get("keyword")) or tags.get(r["tid"], "")
        if name and name not in by_article.setdefault(r["id"], []):
            by_article[r["id"]].append(name)
    return by_article


def _authors(source, opts, present):
    t = opts.table(opts.news, "authorlist")
    out: dict[int, list[str]] = {}
    for r in _rows(source, f"SELECT * FROM `{t}` ORDER BY `id`, `aid`", present, t):
        name = convert.text(r.get("pseudonym"))
        if name:
            out.setdefault(r["id"], []).append(name)
    return out


def _sources(source, opts, present):
    t = opts.table(opts.news, "sources")
    return {r["sourceid"]: convert.text(r["title"])
            for r in _rows(source, f"SELECT * FROM `{t}` ORDER BY `sourceid`", present, t)}


def old_urls(lang: str, module: str, op: str, endings: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """NukeViet's URLs of one page: (paths that get a static redirect page, every form for nginx).
    Rewritten (/cat/x-1.html) and index.php forms get pages; the language and module
    segments and the query form (index.php?language=vi&nv=news&op=cat/x-1) only the map."""
    pages = [base + op + e for base in ("/index.php/", "/") for e in endings]
    every = list(pages)
    for base in ("/index.php/", "/", f"/{lang}/", f"/index.php/{lang}/"):
        every += [base + f"{module}/" + op + e for e in endings]
        if base.startswith(f"/{lang}") or base.startswith(f"/index.php/{lang}"):
            every += [base + op + e for e in endings]
    every += [f"/index.php?language={lang}&nv={module}&op={op}", f"/index.php?nv={module}&op={op}"]
    return pages, every


def import_news(source, opts: Options, present: set, writer: Writer, files: Files, report: Report, out: dict):
    cats, cat_names = _categories(source, opts, present, report)
    out["categories"] = cats
    tags, authors = _tags(source, opts, present), _authors(source, opts, present)
    sources = _sources(source, opts, present)
    rows, detail = opts.table(opts.news, "rows"), opts.table(opts.news, "detail")
    if rows not in present:
        return
    has_detail = detail in present
    sql = (f"SELECT r.*, d.`bodyhtml` AS `bodyhtml`, d.`sourcetext` AS `sourcetext` FROM `{rows}` r "
           f"LEFT JOIN `{detail}` d ON d.`id` = r.`id` ORDER BY r.`id`") if has_detail else \
        f"SELECT r.*, '' AS `bodyhtml`, '' AS `sourcetext` FROM `{rows}` r ORDER BY r.`id`"
    now = opts.now if opts.now is not None else datetime.datetime.now().timestamp()
    taken: set[str] = set()
    views, ratings = out["views"], out["ratings"]
    article_urls = out["article_urls"]
    for r in source.query(sql):
        rid, record = r["id"], f"news {r['id']}"
        title = convert.text(r["title"])
        if r["catid"] not in cat_names:
            report.change(record, f"skipped: category {r['catid']} does not exist")
            report.bump("articles skipped")
            continue
        if not title:
            report.change(record, "skipped: empty title")
            report.bump("articles skipped")
            continue
        if r["bodyhtml"] is None:
            report.change(record, "no row in _detail: body empty")
        cat_name, cat_alias = cat_names[r["catid"]]
        if len(set(convert.csv_ids(r["listcatid"])) - {r["catid"]}) > 0:
            report.bump("articles in several categories (main category kept)")
        alias = convert.text(r["alias"])
        base = vietnamese.slugify(alias) or vietnamese.slugify(title) or f"bai-{rid}"
        slug = _unique(base, taken, rid)
        if slug != base:
            report.change(record, f"duplicate alias {alias!r}: slug {slug!r}")
            report.bump("duplicate aliases")
        status = STATUS.get(r["status"], "draft")
        date = convert.local_time(r["publtime"] or r["addtime"])
        fields = {"title": title, "slug": slug, "date": date}
        if r["edittime"] and r["edittime"] > (r["publtime"] or 0) + 60:
            fields["modified"] = convert.local_time(r["edittime"])
        fields["category"] = cat_name
        fields["tags"] = tags.get(rid, [])
        names = authors.get(rid) or ([convert.text(r["author"])] if convert.text(r["author"]) else [])
        fields["author"] = names[0] if len(names) == 1 else names
        fields["summary"] = " ".join(convert.plain(r["hometext"]).split("\n\n"))
        img, alt = (r.get("homeimgfile") or "").strip(), convert.text(r.get("homeimgalt"))
        if img and r["homeimgthumb"] in (1, 2):
            fields["image"] = files.local("/uploads/" + opts.news + "/" + img, record)
        elif img and r["homeimgthumb"] == 3:
            fields["image"] = files.remote(img, record) if re.match(r"^https?://", img) else None
        if fields.get("image"):
            fields["image_caption"] = alt or title
        fields["source"] = sources.get(r["sourceid"]) or ""
        if r["exptime"]:
            fields["expires"] = convert.local_time(r["exptime"])
        if status in ("draft", "suspended") or r["status"] not in STATUS:
            fields["status"] = "draft"
        if status == "scheduled" and r["publtime"] <= now:
            report.change(record, "scheduled (status 2) with a past publtime: published")
        if status == "expired" and not r["exptime"]:
            report.change(record, "expired (status 3) without exptime: expires set to the import day")
            fields["expires"] = convert.local_time(int(now))
        report.bump(f"articles {status}")
        notes: list[str] = []
        body = convert.body_to_markdown(
            r["bodyhtml"] or "",
            lambda src, role, record=record: _image(src, files, record),
            lambda href, record=record: _link(href, files, record),
            title, notes)
        if re.search(r"<script|\bon[a-z]+\s*=|style\s*=", r["bodyhtml"] or "", re.I):
            notes.append("inline styles/scripts/handlers removed")
        for n in sorted(set(notes)):
            report.change(record, n)
        year = date.year if date else 1970
        rel = f"articles/nukeviet/{year}/{slug}.md"
        writer.text(rel, front_matter(fields) + "\n" + (body or convert.plain(r["hometext"]) + "\n"))
        if "status" not in fields:
            new_url = f"/{date:%Y}/{date:%m}/{slug}.html"
            article_urls[rid] = new_url
            views[new_url] = int(r.get("hitstotal") or 0)
            if r.get("click_rating"):
                ratings[new_url] = {"total_rating": int(r["total_rating"]), "click_rating": int(r["click_rating"])}
            pages, every = old_urls(opts.lang, opts.news, f"{cat_alias}/{alias}-{rid}", (".html",))
            report.urls += [(old, new_url) for old in every]
            out["redirect_pages"] += [(old, new_url) for old in pages]
            out["redirect_titles"][new_url] = title
        else:
            report.change(record, f"{status}: written as a draft, no redirect")


def _image(src: str, files: Files, record: str) -> str | None:
    if src.startswith(("/uploads/", "/assets/")):
        return files.local(src, record)
    if re.match(r"^https?://", src):
        return files.remote(src, record)
    if src.startswith("uploads/"):
        return files.local("/" + src, record)
    return None


def _link(href: str, files: Files, record: str) -> str:
    if href.startswith(("/uploads/", "uploads/")):
        return files.local("/" + href.lstrip("/"), record) or href
    return href


def import_laws(source, opts: Options, present: set, writer: Writer, files: Files, report: Report, out: dict):
    t = {n: opts.table(opts.laws, n) for n in LAWS_TABLES}
    if t["row"] not in present:
        out["document_types"] = []
        return

    def lookup(name, key="id"):
        return {r[key]: r for r in _rows(source, f"SELECT * FROM `{t[name]}` ORDER BY `{key}`", present, t[name])}

    cats, subjects, signers, areas = lookup("cat"), lookup("subject"), lookup("signer"), lookup("area")
    row_areas: dict[int, list[int]] = {}
    for r in _rows(source, f"SELECT * FROM `{t['row_area']}` ORDER BY `row_id`, `area_id`", present, t["row_area"]):
        row_areas.setdefault(r["row_id"], []).append(r["area_id"])
    replaces: dict[int, list[int]] = {}
    for r in _rows(source, f"SELECT * FROM `{t['set_replace']}` ORDER BY `id`", present, t["set_replace"]):
        replaces.setdefault(r["oid"], []).append(r["nid"])  # oid (new) replaces nid (old)
    rows = list(source.query(f"SELECT `id`, `alias`, `title` FROM `{t['row']}` ORDER BY `id`"))
    taken: set[str] = set()
    slugs = {}
    for r in rows:
        base = (vietnamese.slugify(convert.text(r["alias"])) or vietnamese.slugify(convert.text(r["title"]))
                or f"van-ban-{r['id']}")
        slugs[r["id"]] = _unique("index-1" if base == "index" else base, taken, r["id"])
    types = []
    for r in source.query(f"SELECT * FROM `{t['row']}` ORDER BY `id`"):
        rid, record = r["id"], f"laws {r['id']}"
        cat = cats.get(r["cid"])
        kind = convert.text(cat["title"]) if cat else ""
        if not kind:
            report.change(record, f"skipped: type (cid {r['cid']}) does not exist")
            report.bump("documents skipped")
            continue
        if kind not in types:
            types.append(kind)
        attachments = []
        for f in [x.strip() for x in (r["files"] or "").split(",") if x.strip()]:
            if re.match(r"^https?://", f):
                report.change(record, f"remote attachment not copied: {f}")
                continue
            old = f"/uploads/{opts.laws}/" + f.lstrip("/")
            new = files.copy(os.path.join(opts.uploads, opts.laws), f.lstrip("/"), "documents/files/nukeviet/",
                             old, record)
            if new:
                attachments.append(new[len("documents/files/"):])
        if not attachments:
            report.change(record, "skipped: no attachment file found (a văn bản needs one)")
            report.bump("documents skipped")
            continue
        issued = convert.local_date(r["publtime"])
        effective = convert.local_date(r["startvalid"]) or issued
        if not r["startvalid"]:
            report.change(record, "no startvalid: ngày hiệu lực = ngày ban hành")
        signer = signers.get(r["sgid"])
        area_ids = convert.csv_ids(r.get("area_ids")) or row_areas.get(rid, [])
        fields = {
            "so_ky_hieu": convert.text(r["code"]),
            "title": convert.text(r["title"]),
            "loai_van_ban": kind,
            "co_quan_ban_hanh": convert.text(subjects[r["sid"]]["title"]) if r["sid"] in subjects else "",
            "nguoi_ky": convert.text(signer["title"]) if signer else "",
            "linh_vuc": [convert.text(areas[a]["title"]) for a in area_ids if a in areas],
            "ngay_ban_hanh": issued,
            "ngay_hieu_luc": effective,
            "ngay_het_hieu_luc": convert.local_date(r["exptime"]) if r["exptime"] else None,
            "files": attachments,
            "thay_the": [slugs[i] for i in dict.fromkeys(convert.csv_ids(r["replacement"]) + replaces.get(rid, []))
                         if i in slugs and i != rid],
            "lien_quan": [slugs[i] for i in convert.csv_ids(r["relatement"]) if i in slugs and i != rid],
        }
        for key in ("co_quan_ban_hanh", "nguoi_ky"):
            if not fields[key]:
                fields[key] = "Không rõ"
                report.change(record, f"{key} missing in NukeViet: set to 'Không rõ'")
        if not fields["linh_vuc"]:
            fields["linh_vuc"] = ["Khác"]
            report.change(record, "no area (lĩnh vực): set to 'Khác'")
        summary = convert.plain(r["introtext"])
        notes: list[str] = []
        body = convert.body_to_markdown(r["bodytext"] or "", lambda s, role, record=record: _image(s, files, record),
                                        lambda h, record=record: _link(h, files, record), fields["title"], notes)
        for n in sorted(set(notes)):
            report.change(record, n)
        if r["status"] != 1:
            report.change(record, f"status {r['status']} (not shown in NukeViet): imported as a normal văn bản")
        slug = slugs[rid]
        writer.text(f"documents/{slug}.md", front_matter(fields) + "\n" + "\n\n".join(
            x for x in (summary, body.strip()) if x) + "\n")
        new_url = f"/van-ban/{slug}.html"
        out["documents"][new_url] = {"views": int(r["view_hits"] or 0), "downloads": int(r["download_hits"] or 0),
                                     "download_path": "/documents/files/" + attachments[0]}
        alias = convert.text(r["alias"])
        pages, every = old_urls(opts.lang, opts.laws, f"detail/{alias}", ("/",))
        report.urls += [(old, new_url) for old in every]
        out["redirect_pages"] += [(f"/{opts.laws}/detail/{alias}/", new_url),
                                  (f"/index.php/{opts.laws}/detail/{alias}/", new_url)]
        out["redirect_titles"][new_url] = fields["title"]
        report.bump("documents")
    out["document_types"] = types


def import_comments(source, opts, present, writer, report, out) -> None:
    t = opts.table("comment")
    lines = []
    for r in _rows(source, f"SELECT * FROM `{t}` WHERE `module` = '{opts.news}' ORDER BY `cid`", present, t):
        url = out["article_urls"].get(r["id"])
        if not url:
            report.change(f"comment {r['cid']}", f"skipped: article {r['id']} not imported as published")
            report.bump("comments skipped")
            continue
        pending = r["status"] != 1
        report.bump("comments pending" if pending else "comments published")
        lines.append(json.dumps({
            "id": r["cid"], "thread": url, "parent": r["pid"] or None,
            "created": convert.local_time(r["post_time"]).isoformat() if r["post_time"] else None,
            "author": convert.text(r["post_name"]), "email": convert.text(r["post_email"]),
            "text": convert.plain(r["content"]), "status": "pending" if pending else "published",
            "likes": int(r["likes"] or 0), "dislikes": int(r["dislikes"] or 0),
        }, ensure_ascii=False, sort_keys=True))
    writer.text(f"{IMPORTED}/comments.jsonl", "".join(x + "\n" for x in lines))


MONTHS = {m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                                      "Nov", "Dec"), 1)}


def import_counters(source, opts, present, writer, out) -> None:
    t = f"{opts.prefix}_counter"
    total, months = None, {}
    for r in _rows(source, f"SELECT * FROM `{t}` ORDER BY `c_type`, `c_val`", present, t):
        if r["c_type"] == "total" and r["c_val"] == "hits":
            total = int(r["c_count"])
        elif r["c_type"] == "month" and r["c_val"] in MONTHS and r["last_update"] and r["c_count"]:
            # Month rows hold the current year only (NukeViet resets them at New Year).
            year = convert.local_time(r["last_update"]).year
            months[f"{year}-{MONTHS[r['c_val']]:02d}"] = int(r["c_count"])
    data = {"total": total, "months": dict(sorted(months.items())), "views": dict(sorted(out["views"].items())),
            "ratings": dict(sorted(out["ratings"].items())), "documents": dict(sorted(out["documents"].items()))}
    writer.text(f"{IMPORTED}/counters.json", json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def run(source, opts: Options) -> Report:
    report = Report()
    writer = Writer(opts.out, opts.dry_run, opts.force)
    files = Files(opts, writer, report)
    report.counts = source.table_counts(opts.prefix)
    present = set(report.counts)
    out = {"views": {}, "ratings": {}, "documents": {}, "article_urls": {}, "redirect_titles": {},
           "redirect_pages": []}
    import_news(source, opts, present, writer, files, report, out)
    import_laws(source, opts, present, writer, files, report, out)
    import_comments(source, opts, present, writer, report, out)
    import_counters(source, opts, present, writer, out)
    types = list(DEFAULT_TYPES) + [x for x in out["document_types"] if x not in DEFAULT_TYPES]
    writer.text(f"{IMPORTED}/settings.py", settings_fragment(out["categories"], types, REDIRECTS))
    seen = set()
    for old, new in out["redirect_pages"]:
        if old in seen or "?" in old:
            continue
        seen.add(old)
        page = old + "index.html" if old.endswith("/") else old
        writer.text(f"{REDIRECTS}{page}", redirect_page(new, out["redirect_titles"].get(new, new)))
    entries = sorted(dict([(urllib.parse.quote(o, safe="/?=&"), n) for o, n in report.urls]
                          + files.attachment_urls).items())
    writer.text(f"{IMPORTED}/redirects.map", nginx_map(entries))
    report.attachment_urls = files.attachment_urls
    report.writer = writer
    from .report import render

    stale = writer.stale()
    text = render(report, opts, stale)
    if opts.dry_run:  # the report is the one file a dry run writes
        from plugins.fileutil import atomic_write
        atomic_write(os.path.join(opts.out, IMPORTED, "import-report.dry-run.md"), text.encode("utf-8"))
    else:
        writer.text(f"{IMPORTED}/import-report.md", text)
    writer.save_state()
    return report
