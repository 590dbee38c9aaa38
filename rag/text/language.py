"""Tell Indonesian from English by their commonest words; flag text in other scripts."""

from __future__ import annotations

import re

from rag.text.stopwords import ENGLISH, INDONESIAN

_WORD = re.compile(r"[a-z]+")
_LETTER = re.compile(r"[^\W\d_]")
_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")
SUPPORTED = ("en", "id")


def detect_language(text: str) -> str:
    """`"id"`, `"en"`, or `"other"` for text written mostly in another script (Cyrillic…).

    Indonesian wins ties, since that is the corpus's language.
    """
    letters = _LETTER.findall(text)
    if letters and sum(bool(_LATIN.match(c)) for c in letters) < len(letters) / 2:
        return "other"
    words = _WORD.findall(text.lower())
    indonesian = sum(w in INDONESIAN for w in words)
    english = sum(w in ENGLISH for w in words)
    return "en" if english > indonesian else "id"
