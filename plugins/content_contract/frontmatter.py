"""Read a Markdown file's YAML front-matter with the line number of every field.

Pure: no Pelican. Used by the validator and by `invoke check`.
"""

from __future__ import annotations

import dataclasses
import re

import yaml

from . import yaml_errors

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Same fence as pelican-yaml-metadata: a first line "---", closed by "---" or "...".
_FENCE_RE = re.compile(r"\A\s*^---[ \t]*$\n", re.MULTILINE)
_DATE_VALUE_RE = re.compile(r"^([ \t]*[\w-]+:[ \t]*)(\d{4}-\d{1,2}-\d{1,2}\b[^\n#]*?)[ \t]*$", re.MULTILINE)
_CLOSE_RE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


@dataclasses.dataclass
class Problem:
    path: str
    line: int
    message: str
    hint: str = ""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}" + (f" — {self.hint}" if self.hint else "")


@dataclasses.dataclass
class SourceFile:
    path: str  # as shown to editors (relative to the project)
    meta: dict  # parsed header; empty when it could not be read
    lines: dict  # field name -> 1-based line of its key
    body: str
    body_line: int  # 1-based line where the body starts
    problems: list  # problems found while reading
    abs_path: str = ""  # for resolving relative links
    unreadable: frozenset = frozenset()  # fields whose YAML could not be read (already reported)

    def line_of(self, key: str) -> int:
        return self.lines.get(key, 1)


def parse(text: str, path: str, abs_path: str = "") -> SourceFile:
    """Split header and body; never raises on bad input, records Problems instead."""
    problems: list[Problem] = []
    if text.startswith("\ufeff"):
        text = text[1:]
    opening = _FENCE_RE.match(text)
    if not opening:
        problems.append(
            Problem(path, 1, "thiếu phần đầu YAML (front-matter)",
                    "bắt đầu tệp bằng một dòng '---', các trường như 'title: ...', rồi một dòng '---'")
        )
        return SourceFile(path, {}, {}, text, 1, problems, abs_path)
    header_start = text.count("\n", 0, opening.end()) + 1  # line of first header field
    closing = _CLOSE_RE.search(text, opening.end())
    if not closing:
        problems.append(
            Problem(path, header_start - 1, "phần đầu YAML không có dòng '---' đóng lại",
                    "thêm một dòng chỉ gồm '---' sau trường cuối cùng")
        )
        return SourceFile(path, {}, {}, "", header_start, problems, abs_path)
    header = text[opening.end():closing.start()]
    body_start = closing.end() + 1
    body_line = text.count("\n", 0, min(body_start, len(text))) + 1
    body = text[body_start:]
    meta: dict = {}
    lines: dict = {}
    # One parse: compose the node tree (key lines), then construct values from it, which
    # is what yaml.load does internally, without parsing the text a second time.
    loader = Loader(header)
    unreadable: set = set()
    try:
        node = loader.get_single_node()
        if node is not None and not isinstance(node, yaml.MappingNode):
            problems.append(
                Problem(path, header_start, "phần đầu YAML phải là danh sách 'tên: giá trị'",
                        "mỗi dòng viết dạng 'title: Tiêu đề bài viết'")
            )
        elif node is not None:
            for key_node, _ in node.value:
                lines[str(key_node.value).lower()] = header_start + key_node.start_mark.line
            meta = loader.construct_document(node) or {}
            meta = {str(k).lower(): v for k, v in meta.items()}
    except yaml.YAMLError:
        # Read what can be read, field by field, so the file's other checks still run;
        # each broken field is explained by its cause (yaml_errors.py), never PyYAML's text.
        meta, lines, broken, unreadable = yaml_errors.read_by_field(header, header_start, Loader)
        problems.extend(Problem(path, line, message, hint) for line, message, hint in broken)
    except ValueError:
        # PyYAML raises ValueError (not YAMLError) for an impossible unquoted date such
        # as 2024-13-45. Read date-like values as text: the rules then name field and line.
        quoted = _DATE_VALUE_RE.sub(r'\1"\2"', header)
        meta = {str(k).lower(): v for k, v in (yaml.load(quoted, Loader=Loader) or {}).items()}
    finally:
        loader.dispose()
    return SourceFile(path, meta, lines, body, body_line, problems, abs_path,
                      frozenset(unreadable))


def parse_bytes(data: bytes, path: str, abs_path: str = "") -> SourceFile:
    """parse() for a file's raw bytes: decoded as open(..., encoding="utf-8") reads text
    (universal newlines); a file that is not UTF-8 is a Problem, not a crash."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return SourceFile(path, {}, {}, "", 1, [
            Problem(path, line, "tệp không phải mã UTF-8 (có ký tự không đọc được)",
                    "mở tệp bằng trình soạn thảo và lưu lại với mã UTF-8")], abs_path)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return parse(text, path, abs_path)
