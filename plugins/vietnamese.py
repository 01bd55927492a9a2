"""Vietnamese text handling: the one place for normalisation, folding, tokens and slugs.

Used by validation (slugs, collisions), search (index pipeline) and related news
(tokens). Its JavaScript twin is ``theme/static/js/vietnamese.js``; both are held
to ``tests/vectors/vietnamese.json``.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "normalize",
    "normalize_tones",
    "fold",
    "tokenize",
    "syllables",
    "trim",
    "slugify",
]

# Combining tone marks (decomposed). Vowel-quality marks (circumflex, breve,
# horn) are not tones and stay on their letter.
TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
QUALITY_MARKS = {"\u0302", "\u0306", "\u031b"}
VOWELS = set("aeiouy")

# A run of letters (any script); digits are kept as their own tokens.
_WORD_RE = re.compile(r"[^\W\d_]+|\d+", re.UNICODE)
_TRIM_RE = re.compile(r"^[\W_]+|[\W_]+$", re.UNICODE)
_SLUG_STRIP_RE = re.compile(r"[^a-z0-9]+")


def _place_tone(letters: list[list[str]]) -> int | None:
    """Index of the letter that carries the tone, by the traditional rule.

    ``letters`` holds decomposed letters (base + quality marks), lower-case.
    Traditional placement ("hòa", "thủy", "khỏe") is what most Vietnamese news
    text uses, so it is the canonical form.
    """
    bases = [g[0] for g in letters]
    start = 0
    # "qu" and "gi" (before another vowel) open with a consonant glide.
    if len(bases) >= 2 and bases[0] == "q" and bases[1] == "u":
        start = 2
    elif (
        len(bases) >= 3
        and bases[0] == "g"
        and bases[1] == "i"
        and bases[2] in VOWELS
    ):
        start = 2
    # vowel cluster: first run of vowels from start
    i = start
    while i < len(bases) and bases[i] not in VOWELS:
        i += 1
    if i == len(bases):
        # "gì": the i of gi is the only vowel
        if start == 2 and bases[0] == "g":
            return 1
        return None
    j = i
    while j < len(bases) and bases[j] in VOWELS:
        j += 1
    cluster = range(i, j)
    if j < len(bases) and any(b in VOWELS for b in bases[j:]):
        return None  # not a single Vietnamese syllable
    marked = [k for k in cluster if len(letters[k]) > 1]
    if marked:
        return marked[-1]  # "ươ" takes it on ơ; "uyê" on ê
    n = j - i
    if j < len(bases):  # closed syllable: last vowel of the cluster
        return j - 1
    if n >= 3:
        return i + 1
    return i  # open syllable of one or two vowels: the first


def _normalize_word(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    letters: list[list[str]] = []
    tone = None
    for ch in decomposed:
        if ch in TONE_MARKS:
            if tone is not None and tone != ch:
                return word  # two different tones: leave it alone
            tone = ch
        elif unicodedata.combining(ch):
            if not letters:
                return word
            letters[-1].append(ch)
        else:
            letters.append([ch])
    if tone is None:
        return unicodedata.normalize("NFC", decomposed)
    lowered = [[g[0].lower(), *g[1:]] for g in letters]
    if any(len(g[0]) != 1 or not ("a" <= g[0] <= "z" or g[0] == "đ") for g in lowered):
        return unicodedata.normalize("NFC", word)
    pos = _place_tone(lowered)
    if pos is None:
        return unicodedata.normalize("NFC", word)
    letters[pos] = [letters[pos][0], *letters[pos][1:], tone]
    return unicodedata.normalize("NFC", "".join("".join(g) for g in letters))


def normalize_tones(text: str) -> str:
    """Put every syllable's tone mark where traditional spelling puts it."""
    return _WORD_RE.sub(lambda m: _normalize_word(m.group(0)), text)


def normalize(text: str) -> str:
    """NFC with canonical tone placement: "hoà" and "hòa" become equal."""
    return normalize_tones(unicodedata.normalize("NFC", text))


def fold(text: str) -> str:
    """Strip every diacritic and map đ→d, keeping case: "Đổi mới" → "Doi moi"."""
    stripped = "".join(
        ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch)
    )
    return unicodedata.normalize("NFC", stripped.replace("đ", "d").replace("Đ", "D"))


def syllables(text: str) -> list[str]:
    """Lower-case normalised syllables (and numbers), in order."""
    return _WORD_RE.findall(normalize(text).lower())


def tokenize(text: str, *, folded: bool = False) -> list[str]:
    """Syllable tokens; ``folded=True`` strips diacritics too."""
    tokens = syllables(text)
    return [fold(t) for t in tokens] if folded else tokens


def trim(token: str) -> str:
    """Unicode-aware trimmer: drop non-letters at both ends ("(hộ)," → "hộ")."""
    return _TRIM_RE.sub("", token)


def slugify(text: str) -> str:
    """URL slug: "Đổi mới công tác dân vận" → "doi-moi-cong-tac-dan-van"."""
    return _SLUG_STRIP_RE.sub("-", fold(unicodedata.normalize("NFC", text)).lower()).strip("-")
