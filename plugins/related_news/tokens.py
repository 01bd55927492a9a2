"""Tokens for related news: Vietnamese syllable unigrams and bigrams that never cross
punctuation (the shared ``plugins.vietnamese`` syllables: NFC + tone placement, so
"hoà" == "hòa"), and the content hash that keys their counts. Pure: no Pelican."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from plugins import vietnamese

ANALYZER_VERSION = "syl12-v3"  # bump when analyze() changes: invalidates caches
_BREAK_CHARS = set(".,;:!?…()[]{}\"“”‘’«»/|–—")



_BREAK_RE = re.compile("[" + re.escape("".join(sorted(_BREAK_CHARS))) + "]")


@lru_cache(maxsize=1 << 18)
def _chunk(chunk: str) -> tuple[tuple[tuple[str, ...], ...], bool, bool]:
    """One whitespace-separated chunk: its phrases (split at punctuation) as syllable
    tuples, and whether it opens/closes with punctuation. Cached: words repeat a lot."""
    phrases = tuple(tuple(vietnamese.syllables(p)) for p in _BREAK_RE.split(chunk))
    return phrases, chunk[0] in _BREAK_CHARS, chunk[-1] in _BREAK_CHARS


def analyze(text: str) -> list[str]:
    """Syllable unigrams and bigrams ("nông", "nông thôn"); bigrams stop at punctuation."""
    phrases: list[list[str]] = []
    cur: list[str] = []
    for chunk in text.split():
        parts, opens, closes = _chunk(chunk)
        if opens and cur:
            phrases.append(cur)
            cur = []
        for n, syl in enumerate(parts):
            if n and cur:
                phrases.append(cur)
                cur = []
            cur.extend(syl)
        if closes and cur:
            phrases.append(cur)
            cur = []
    if cur:
        phrases.append(cur)
    out: list[str] = []
    for p in phrases:
        out.extend(p)
        out.extend([f"{a} {b}" for a, b in zip(p, p[1:])])
    return out


def content_hash(title: str, text: str) -> str:
    h = hashlib.sha1(ANALYZER_VERSION.encode())
    h.update(b"\0" + title.encode("utf-8") + b"\0" + text.encode("utf-8"))
    return h.hexdigest()


# Fast path for counting, same tokens as ``analyze``. A whitespace chunk maps (cached) to
# syllable ids with -1 at each break character; phrases and bigrams are then found with
# numpy over a batch of texts. Ids are per process: batches return term strings.
