"""A front-matter that PyYAML cannot read, read field by field and explained by its cause.

Pure: no Pelican. PyYAML's messages ("found character that cannot start any token",
"mapping values are not allowed here") are English parser jargon and often point past the
real mistake. Editors make a handful of mistakes: a Tab used to indent, a colon in an
unquoted value, a quote opened and never closed, Word's curly quotes “…” taken for real
quotes, a list bracket left open. Each is recognised from the text of the broken field.
"""

from __future__ import annotations

import re

import yaml

# A top-level field starts at column 0 with "name:"; anything else continues the field above.
_FIELD_RE = re.compile(r"^([^\s#:\-][^:]*?)[ \t]*:(?:[ \t]|$)")
_CURLY = "“”„‟‘’‚‛«»"
PREFIX = "lỗi cú pháp YAML: "


def _blocks(header: str) -> list[tuple[int, str | None, list[str]]]:
    """(first line index, field name or None, lines) for each top-level field."""
    blocks: list[tuple[int, str | None, list[str]]] = []
    for i, line in enumerate(header.split("\n")):
        m = _FIELD_RE.match(line)
        if m or not blocks:
            blocks.append((i, m.group(1).strip().lower() if m else None, [line]))
        else:
            blocks[-1][2].append(line)
    return blocks


def _value(line: str) -> str:
    m = _FIELD_RE.match(line)
    return line[m.end():].strip() if m else line.strip()


def explain(lines: list[str], name: str | None) -> tuple[int, str, str]:
    """(offset of the guilty line within the field, message, hint) for a field YAML rejects."""
    field = f"'{name}'" if name else "này"
    for off, line in enumerate(lines):
        indent = line[:len(line) - len(line.lstrip())]
        if "\t" in indent or (off == 0 and "\t" in line.split(":", 1)[0]):
            return (off, PREFIX + "dòng này thụt lề bằng phím Tab",
                    "YAML chỉ chấp nhận dấu cách: xóa Tab, thụt lề bằng 2 dấu cách")
    value = _value(lines[0])
    text = "\n".join(lines)
    if value[:1] in _CURLY or any(c in value for c in "“”"):
        straight = re.sub(f"[{_CURLY}]", "", value).replace('"', "'")
        return (0, PREFIX + f"trường {field} dùng dấu ngoặc kiểu Word “ ”, YAML không coi đó là dấu ngoặc kép",
                f"thay bằng dấu ngoặc kép gõ thẳng từ bàn phím: {name or 'title'}: \"{straight}\"")
    if value[:1] in "\"'":
        q = value[0]
        rest = text[text.index(q) + 1:]
        closed = re.search(r'(?<!\\)"' if q == '"' else r"'(?!')", rest.replace("''", "  ") if q == "'" else rest)
        if not closed:
            return (0, PREFIX + f"trường {field} mở dấu ngoặc {q} nhưng không đóng lại",
                    f"thêm dấu {q} ở cuối giá trị, trên cùng dòng")
        after = rest[closed.end():].split("\n", 1)[0].strip()
        if after and not after.startswith("#"):
            other = "'" if q == '"' else '"'
            return (0, PREFIX + f"trường {field} còn chữ sau dấu ngoặc {q} đóng: {after}",
                    f"đặt cả giá trị trong một cặp ngoặc; bên trong dùng dấu {other} thay cho {q}")
    if value[:1] == "[" and "]" not in text:
        return (0, PREFIX + f"trường {field} mở danh sách bằng '[' nhưng không có ']' đóng lại",
                "viết danh sách trên một dòng: [mục 1, mục 2]")
    for off, line in enumerate(lines):
        v = _value(line) if off == 0 else line.strip()
        if re.search(r":(\s|$)", v) and v[:1] not in "\"'[{":
            fixed = v.replace('"', "'")
            return (off, PREFIX + f"giá trị của trường {field} có dấu hai chấm ':' mà không đặt trong ngoặc kép",
                    f"đặt cả giá trị trong ngoặc kép: {name or 'title'}: \"{fixed}\"")
    if name is None:
        return (0, PREFIX + "dòng này không có dạng 'tên: giá trị'",
                "mỗi trường viết trên một dòng dạng 'title: Tiêu đề bài viết'; dòng tiếp nối phải thụt lề bằng dấu cách")
    return (0, PREFIX + f"không đọc được trường {field}",
            "kiểm tra dấu hai chấm, dấu ngoặc kép và thụt lề; giá trị có dấu ':' phải đặt trong ngoặc kép")


def read_by_field(header: str, header_start: int, loader) -> tuple[dict, dict, list, set]:
    """(meta, key lines, [(line, message, hint)], unreadable field names) for a header
    that failed as a whole: every field that parses alone is kept."""
    meta: dict = {}
    lines: dict = {}
    problems: list = []
    unreadable: set = set()
    for first, name, block in _blocks(header):
        text = "\n".join(block)
        if not text.strip() or text.lstrip().startswith("#") and name is None and all(
                not ln.strip() or ln.lstrip().startswith("#") for ln in block):
            continue
        try:
            value = yaml.load(text, Loader=loader)
        except ValueError:  # an impossible unquoted date (2024-13-45): the rules name it
            if name:
                meta[name], lines[name] = _value(block[0]), header_start + first
            continue
        except yaml.YAMLError:
            off, message, hint = explain(block, name)
            problems.append((header_start + first + off, message, hint))
            if name:
                unreadable.add(name)
                lines[name] = header_start + first
            continue
        if isinstance(value, dict):
            for k, v in value.items():
                meta[str(k).lower()] = v
                lines[str(k).lower()] = header_start + first
        elif value is not None:
            off, message, hint = explain(block, name)
            problems.append((header_start + first + off, message, hint))
    return meta, lines, problems, unreadable
