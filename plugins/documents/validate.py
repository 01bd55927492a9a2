"""Validation of văn bản: every problem at once, as ``path:line: problem — fix``.

Pure: no Pelican. ``check(settings)`` is registered in the ``CONTENT_CHECKS`` setting,
so `invoke check` and every build report document problems with article problems.
"""

from __future__ import annotations

import os

from plugins import vietnamese
from plugins.content_contract import cache
from plugins.content_contract.frontmatter import Problem, SourceFile
from plugins.content_contract.rules import SLUG_RE, suggest

from . import model
from .config import Config
from .fields import BY_KEY, KEYS, ONE_LINE, REQUIRED, as_list, attachment_spec, norm, parse_date
from .sources import load_sources, slug_of


def load(settings, store=None, cfg: Config | None = None) -> list[SourceFile]:
    """The front-matter of every document file, parsed (store: the validation cache)."""
    cfg = cfg or Config.from_settings(settings)
    return load_sources(cfg.folder(settings), settings.get("IGNORE_FILES", []),
                                skip=[cfg.files_folder(settings)], store=store)


def check(settings) -> list[Problem]:
    """All problems in content/documents (the CONTENT_CHECKS entry point).
    Parsed files are cached (CACHE_PATH/content_contract/documents.pickle); the checks,
    which span files (slugs, numbers, relations), run on every build."""
    cfg = Config.from_settings(settings)
    store = cache.open_cache(settings, "documents")
    problems = check_sources(load(settings, store, cfg), cfg.files_folder(settings), cfg.allowed_types())
    store.save()
    return problems


def _line(src: SourceFile, key: str) -> int:
    return src.lines.get(key, 1)


def _blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, (list, tuple, dict)):
        return len(value) == 0
    return not str(value).strip()


def check_sources(sources: list[SourceFile], files_dir: str, types: list[str]) -> list[Problem]:
    out: list[Problem] = []
    known_types = {norm(t) for t in types}
    by_slug: dict[str, SourceFile] = {}
    by_number: dict[tuple, SourceFile] = {}
    for src in sources:
        out.extend(src.problems)
        if not src.meta:
            continue
        # A field whose YAML could not be read was reported with its line already: no
        # "missing" or "wrong type" second line for it.
        m = {k: v for k, v in src.meta.items() if k not in src.unreadable}
        for key in m:
            if key not in KEYS:
                out.append(Problem(src.path, _line(src, key), f"trường không được hỗ trợ '{key}'",
                                   suggest(key, KEYS) or "xóa dòng này hoặc xem docs/documents.md"))
        for key in REQUIRED:
            if key in src.unreadable:
                continue
            if _blank(m.get(key)):
                what = "thiếu" if key not in m else "để trống"
                out.append(Problem(src.path, _line(src, key), f"{what} {BY_KEY[key].label} '{key}'",
                                   f"thêm dòng '{BY_KEY[key].example}'"))
        for key in ONE_LINE:
            if not _blank(m.get(key)) and not isinstance(m[key], (str, int, float)):
                out.append(Problem(src.path, _line(src, key), f"{BY_KEY[key].label} '{key}' phải là một dòng chữ",
                                   f"viết dạng '{BY_KEY[key].example}'"))
        loai = m.get("loai_van_ban")
        if isinstance(loai, str) and loai.strip() and norm(loai.strip()) not in known_types:
            hint = suggest(norm(loai.strip()), known_types)
            out.append(Problem(src.path, _line(src, "loai_van_ban"),
                               f"loại văn bản không có trong danh sách: '{loai}'",
                               hint or "dùng tên loại như Quyết định, Kế hoạch, Công văn, Thông báo, Báo cáo "
                                       "(danh sách đầy đủ: DOCUMENT_TYPES)"))
        for item in as_list(m.get("linh_vuc")):
            if not isinstance(item, str) or not item.strip():
                out.append(Problem(src.path, _line(src, "linh_vuc"), f"lĩnh vực không hợp lệ: {item!r}",
                                   "viết danh sách tên lĩnh vực, ví dụ 'linh_vuc: [Nông nghiệp, Đất đai]'"))
        dates = {}
        for key in ("ngay_ban_hanh", "ngay_hieu_luc", "ngay_het_hieu_luc"):
            value = m.get(key)
            if _blank(value):
                continue
            try:
                dates[key] = parse_date(value)
            except ValueError:
                out.append(Problem(src.path, _line(src, key), f"không đọc được {BY_KEY[key].label} '{key}: {value}'",
                                   "viết theo dạng năm-tháng-ngày, ví dụ '2024-05-17'"))
        issued, effective, ends = (dates.get(k) for k in ("ngay_ban_hanh", "ngay_hieu_luc", "ngay_het_hieu_luc"))
        if issued and effective and effective < issued:
            out.append(Problem(src.path, _line(src, "ngay_hieu_luc"),
                               f"ngày có hiệu lực ({effective:%d/%m/%Y}) trước ngày ban hành ({issued:%d/%m/%Y})",
                               "văn bản chỉ có hiệu lực từ ngày ban hành trở đi; kiểm tra lại hai ngày"))
        if effective and ends and ends <= effective:
            out.append(Problem(src.path, _line(src, "ngay_het_hieu_luc"),
                               f"ngày hết hiệu lực ({ends:%d/%m/%Y}) không sau ngày có hiệu lực ({effective:%d/%m/%Y})",
                               "kiểm tra lại hai ngày, hoặc bỏ dòng 'ngay_het_hieu_luc'"))
        _check_files(src, files_dir, out)
        slug = slug_of(src)
        if "slug" in m and not SLUG_RE.match(slug):
            out.append(Problem(src.path, _line(src, "slug"), f"slug không hợp lệ '{slug}'",
                               f"chỉ dùng chữ thường không dấu, số và '-', ví dụ '{vietnamese.slugify(slug)}'"))
        if slug == "index":  # van-ban/index.html is the list page
            out.append(Problem(src.path, _line(src, "slug") if "slug" in m else 1,
                               "đường dẫn 'index' trùng với trang danh sách văn bản",
                               "đổi tên tệp, ví dụ theo số ký hiệu: qd-15-ubnd-2024.md"))
        elif slug:
            other = by_slug.get(slug)
            if other is not None:
                out.append(Problem(src.path, _line(src, "slug") if "slug" in m else 1,
                                   f"trùng đường dẫn với {other.path} (cùng slug '{slug}')",
                                   "đổi tên tệp hoặc đặt 'slug:' khác"))
            else:
                by_slug[slug] = src
        number = m.get("so_ky_hieu")
        if not _blank(number) and issued:
            # Numbers restart every year; the issuing body is part of the identity too.
            key = (model.number_key(number), issued.year,
                   vietnamese.fold(str(m.get("co_quan_ban_hanh") or "")).lower().strip())
            other = by_number.get(key)
            if other is not None:
                out.append(Problem(src.path, _line(src, "so_ky_hieu"),
                                   f"trùng số ký hiệu '{number}' với {other.path}:{_line(other, 'so_ky_hieu')} "
                                   f"(cùng cơ quan, cùng năm {issued.year})",
                                   "mỗi văn bản một số ký hiệu; kiểm tra lại số hoặc xóa tệp trùng"))
            else:
                by_number[key] = src
    for src in sources:
        if not src.meta:
            continue
        own = slug_of(src)
        for key in ("thay_the", "lien_quan"):
            what = BY_KEY[key].label
            for ref in as_list(src.meta.get(key)):
                ref = str(ref).strip()
                if ref == own:
                    out.append(Problem(src.path, _line(src, key), f"văn bản không thể {what} chính nó ('{ref}')",
                                       "xóa slug này khỏi danh sách"))
                elif ref not in by_slug:
                    out.append(Problem(src.path, _line(src, key),
                                       f"'{key}' nhắc tới văn bản không tồn tại '{ref}'",
                                       suggest(ref, by_slug)
                                       or "dùng slug của văn bản: tên tệp trong content/documents/, bỏ '.md'"))
    return out


def _check_files(src: SourceFile, files_dir: str, out: list) -> None:
    files_root = os.path.realpath(files_dir)
    for item in as_list(src.meta.get("files")):
        name, _title = attachment_spec(item)
        if not name:
            out.append(Problem(src.path, _line(src, "files"), f"tệp đính kèm không hợp lệ: {item!r}",
                               "viết tên tệp, ví dụ 'files: [152-kh-ubnd.pdf]' "
                               "hoặc '- {file: 152-kh-ubnd.pdf, title: \"Phụ lục\"}'"))
            continue
        full = os.path.realpath(os.path.join(files_dir, name))
        if os.path.isabs(name) or not full.startswith(files_root + os.sep):
            out.append(Problem(src.path, _line(src, "files"), f"tệp đính kèm nằm ngoài thư mục văn bản: {name}",
                               "đặt tệp trong content/documents/files/ và chỉ ghi tên tệp"))
        elif not os.path.isfile(full):
            hint = ""
            if os.path.isdir(files_dir):
                hint = suggest(name, os.listdir(files_dir))
            out.append(Problem(src.path, _line(src, "files"), f"không tìm thấy tệp đính kèm: {name}",
                               hint or "đặt tệp trong content/documents/files/ (phân biệt chữ hoa/thường)"))
