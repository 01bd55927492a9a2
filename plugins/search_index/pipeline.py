"""lunr pipeline functions for Vietnamese, registered under the labels the browser uses.

lunr serialises only the *search* pipeline, by label; ``search.js`` registers the
same labels from ``vietnamese.js`` before ``lunr.Index.load``. All text work is
delegated to ``plugins.vietnamese`` so Python and JS stay twins.
"""

from __future__ import annotations

import functools

from lunr.pipeline import Pipeline
from lunr.token import Token

from plugins import vietnamese as vn

TRIMMER = "vi-trimmer"  # NFC + tone placement + lower case + Unicode-aware trim
DUAL = "vi-dual"  # exact token plus its folded twin (index side only)


@functools.lru_cache(maxsize=200_000)
def _clean(s: str) -> str:
    return vn.trim(vn.normalize(s).lower())


@functools.lru_cache(maxsize=200_000)
def _fold(s: str) -> str:
    return vn.fold(s)


def vi_trimmer(token: Token, i=None, tokens=None):
    token.update(lambda s, _meta=None: _clean(s))
    return token if str(token) else None


def vi_dual(token: Token, i=None, tokens=None):
    """Index "dân" as "dân" and "dan": folded queries find it, exact ones rank higher."""
    folded = _fold(str(token))
    if folded == str(token):
        return token
    return [token, token.clone(lambda s, _meta=None: folded)]


def register() -> None:
    """Idempotent: lunr warns on re-registration, so only register once."""
    if Pipeline.registered_functions.get(TRIMMER) is not vi_trimmer:
        Pipeline.register_function(vi_trimmer, TRIMMER)
    if Pipeline.registered_functions.get(DUAL) is not vi_dual:
        Pipeline.register_function(vi_dual, DUAL)


def index_terms(text: str) -> list[str]:
    """The terms the index pipeline makes from ``text`` (tests, debugging)."""
    out: list[str] = []
    for syl in vn.syllables(text):
        tok = vi_trimmer(Token(syl))
        if tok is None:
            continue
        res = vi_dual(tok)
        out += [str(t) for t in (res if isinstance(res, list) else [res])]
    return out


register()
