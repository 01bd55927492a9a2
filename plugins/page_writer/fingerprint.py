"""Stable digests of what a page is rendered from (pure: no Pelican import).

A page's key combines three digests; if all three equal last build's, the page would
render to the same bytes and need not be rendered again:

- the *build*: theme and plugin code, settings, library versions and today's date;
- the *site*: every content object's card (what lists, sidebars and cards can show:
  title, URL, dates, summary, photo, tags, ...), in context order;
- the *subject*: the page's own object in full (body and every attribute, including
  its related lists) plus the write call's arguments.

Relations between content objects (lists of other objects, e.g. related news) are left
out of cards: they only show on the object's own page, where the subject digest has them.
That is what lets a body edit (which reshuffles related lists a little everywhere)
re-render only the pages whose related lists actually changed.
"""

from __future__ import annotations

import datetime
import hashlib
import marshal
import os
import types
from collections.abc import Callable
from typing import Any

_SCALARS = {str, int, float, bool, type(None), bytes}
_CODE = (types.FunctionType, types.BuiltinFunctionType, types.MethodType, types.ModuleType, type)
_CONTENT_TYPES: dict[type, bool] = {}


def is_content(obj: Any) -> bool:
    """Articles, pages, static files and documents: objects with their own source and URL."""
    cls = type(obj)
    known = _CONTENT_TYPES.get(cls)
    if known is None:
        # decided once per class (``hasattr`` on an instance would compute the URL)
        known = _CONTENT_TYPES[cls] = (
            not isinstance(obj, type) and hasattr(cls, "save_as")
            and "source_path" in _attrs(obj))
    return known


def _attrs(obj: Any) -> dict:
    try:
        return vars(obj)
    except TypeError:
        return {}


def _code_name(obj: Any) -> str:
    mod = getattr(obj, "__module__", None) or getattr(obj, "__name__", "")
    return f"<{mod}.{getattr(obj, '__qualname__', getattr(obj, '__name__', type(obj).__name__))}>"


def _public(attrs: dict) -> dict:
    return {k: v for k, v in attrs.items() if k[0] != "_" and k != "settings"}


_MISSING = object()


def _fields(obj: Any) -> dict:
    """An object's public state once: Pelican's ``metadata`` dict repeats every attribute it
    was read with (the same objects); only its entries that differ from them are kept."""
    fields = _public(_attrs(obj))
    meta = fields.get("metadata")
    if type(meta) is dict:
        fields["metadata"] = {k: v for k, v in meta.items()
                              if type(k) is not str or fields.get(k.lower(), _MISSING) is not v}
    return fields


class Digester:
    """Turns context values into stable, hashable text. Memoises content cards by id,
    so one instance must only live while the objects do (one build)."""

    def __init__(self, extra_card: Callable[[Any], dict] | None = None):
        self._cards: dict[int, tuple[Any, str]] = {}
        self._values: dict[int, tuple[Any, str]] = {}
        self._kinds: dict[type, str] = {}
        self._objects: dict[int, tuple[Any, Any]] = {}
        self.extra_card = extra_card  # glue hook: e.g. Pelican's computed `summary`

    def _kind(self, value: Any) -> str:
        cls = type(value)
        kind = self._kinds.get(cls)
        if kind is None:
            if cls in _SCALARS or isinstance(value, str):
                kind = "str" if isinstance(value, str) and cls is not str else "scalar"
            elif is_content(value):
                kind = "content"
            elif isinstance(value, (datetime.date, datetime.time)):
                kind = "date"
            elif isinstance(value, datetime.timedelta):
                kind = "delta"
            elif isinstance(value, dict):
                kind = "dict"
            elif isinstance(value, (list, tuple)):
                kind = "seq"
            elif isinstance(value, (set, frozenset)):
                kind = "set"
            elif isinstance(value, _CODE) or (callable(value) and not hasattr(value, "__dict__")):
                kind = "code"
            elif hasattr(value, "__dict__"):
                kind = "object"
            else:
                kind = "repr"
            self._kinds[cls] = kind
        return kind

    # -- representation ---------------------------------------------------------------
    def rep(self, value: Any, depth: int = 0, in_card: bool = False) -> Any:
        kind = self._kind(value)
        if kind == "scalar":
            return value
        if kind == "str":  # Markup and other str subclasses: the text is what shows
            return str(value)
        if depth > 12:
            return f"<deep {type(value).__name__}>"
        if kind == "content":
            return ("ref", str(value.source_path)) if in_card else ("card", self.card(value))
        if kind == "seq":
            return tuple([self.rep(v, depth + 1, in_card) for v in value])
        if kind == "dict":
            items = [(k if type(k) is str else repr(self.rep(k, depth + 1, in_card)), v)
                     for k, v in value.items()]
            items.sort(key=lambda kv: kv[0])
            return tuple([(k, self.rep(v, depth + 1, in_card)) for k, v in items])
        if kind == "date":
            return value.isoformat()
        if kind == "delta":
            return value.total_seconds()
        if kind == "set":
            return tuple(sorted(repr(self.rep(v, depth + 1, in_card)) for v in value))
        if kind == "code":
            return _code_name(value)
        if kind == "object":
            # URLWrapper (category/tag/author), Library, Attachment...: their public state;
            # Category/Tag/Author keep their name privately and show it through str().
            # Shared by many articles (tags): memoised by identity, like cards.
            hit = self._objects.get(id(value))
            if hit is not None and hit[0] is value and hit[1][0] == in_card:
                return hit[1][1]
            shown = str(value) if type(value).__str__ is not object.__str__ else ""
            out = (type(value).__qualname__, shown, self.rep(_public(_attrs(value)), depth + 1, in_card))
            self._objects[id(value)] = (value, (in_card, out))
            return out
        text = repr(value)
        return type(value).__qualname__ if " at 0x" in text else text

    def value_digest(self, value: Any) -> str:
        """Digest of one context value, memoised by identity for the life of this object."""
        hit = self._values.get(id(value))
        if hit is not None and hit[0] is value:
            return hit[1]
        d = digest(self.rep(value))
        self._values[id(value)] = (value, d)
        return d

    def card(self, obj: Any) -> str:
        """What other pages can show of ``obj``: its scalar state, not its relations."""
        hit = self._cards.get(id(obj))
        if hit is not None and hit[0] is obj:
            return hit[1]
        fields = {k: v for k, v in _fields(obj).items() if not self._is_relation(v)}
        fields["__type__"] = type(obj).__qualname__
        if self.extra_card:
            fields.update(self.extra_card(obj))
        card = digest(self.rep(fields, 1, in_card=True))
        self._cards[id(obj)] = (obj, card)
        return card

    def subject(self, obj: Any, body: str) -> str:
        """The page's own object in full: its card, its relations (as references) and its body."""
        relations = {k: v for k, v in _fields(obj).items() if self._is_relation(v)}
        return digest((self.card(obj), self.rep(relations, 1, in_card=True), body))

    def _is_relation(self, value: Any) -> bool:
        return (type(value) in (list, tuple) and bool(value)
                and any(is_content(v) for v in value[:3]))


def digest(value: Any) -> str:
    """Hash of a ``rep`` result (builtins only). marshal format 2 has no back-references,
    so equal values always give equal bytes; it is several times faster than repr()."""
    try:
        data = marshal.dumps(value, 2)
    except ValueError:  # an unexpected type slipped through: slower, still stable
        data = repr(value).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def tree_digest(paths: list[str], suffixes: tuple[str, ...] | None = None) -> str:
    """Digest of every file's name and bytes under the given directories (theme, plugin code)."""
    h = hashlib.blake2b(digest_size=16)
    for root in sorted(set(paths)):
        for dirpath, dirnames, names in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
            for name in sorted(names):
                if suffixes and not name.endswith(suffixes):
                    continue
                path = os.path.join(dirpath, name)
                h.update(os.path.relpath(path, root).encode() + b"\0")
                with open(path, "rb") as fh:
                    h.update(hashlib.blake2b(fh.read(), digest_size=16).digest())
    return h.hexdigest()
