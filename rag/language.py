"""Tell Indonesian from English by their commonest words."""

from __future__ import annotations

import re

_ID = frozenset(
    "yang dan di ke dari untuk dengan pada ini itu adalah dalam tidak akan juga atau oleh "
    "sebagai telah bahwa karena apa siapa kapan mana berapa bagaimana mengapa kenapa apakah "
    "para kami mereka dia ia sudah ada bisa saat hari tahun menurut antara kata seperti".split()
)
_EN = frozenset(
    "the and of to in for with on this that is are was were be by as at from it its has have "
    "had not what who when where which how why did does do many much an a about their they "
    "he she his her".split()
)
_WORD = re.compile(r"[a-z]+")


def detect_language(text: str) -> str:
    """`"id"` or `"en"`; Indonesian wins ties, since that is the corpus's language."""
    words = _WORD.findall(text.lower())
    indonesian = sum(w in _ID for w in words)
    english = sum(w in _EN for w in words)
    return "en" if english > indonesian else "id"
