"""Who acted in an event and where: the people and the venue a sentence names."""

from __future__ import annotations

import re

from rag.text.dates import MONTHS, WEEKDAYS
from rag.text.event_cues import TITLES
from rag.text.gazetteer import Mention
from rag.text.stopwords import ALL as STOPWORDS
from rag.text.tokens import words

# A word of a name: "Abu", "Jong-un"; not an acronym ("ESDM") or a glued word ("Subiantosebagai"
# is caught by its length only when nothing else names the person).
_NAME_WORD = re.compile(r"[A-Z][a-z'’-][\w'’-]*|[A-Z]")
_PLACE_WORD = r"[A-Z][\w'’-]*(?:\.\s?[A-Z][\w'’-]*)*"
_VENUE = re.compile(rf"(?<![\w-])(?:di|in|at)\s+({_PLACE_WORD}(?:\s+{_PLACE_WORD}){{0,3}})")
_POINTER = re.compile(r"\s+(?:ini|itu|tersebut)\b")
_NOT_NAMES = frozenset({*MONTHS, *WEEKDAYS, *STOPWORDS, *TITLES})
_NOT_VENUE = frozenset({*MONTHS, *WEEKDAYS, "tengah", "tahun", "bulan", "hari"})

Token = tuple[str, int, int]


def actors_in(sentence: str, mentions: list[Mention]) -> list[str]:
    """Named people acting in the sentence: known leaders, and names after a title
    ("Wakil Menteri Pertahanan Alexander Fomin", "Mayor Jenderal Nidal Abu Dukhan")."""
    found = [(m.start, m.person) for m in mentions if m.person]
    places = [(m.start, m.end) for m in mentions if not m.person]
    people = [(m.start, m.end) for m in mentions if m.person]
    tokens = words(sentence)
    i = 0
    while i < len(tokens):
        if not _is_title(tokens[i]):
            i += 1
            continue
        while i < len(tokens) and (_is_title(tokens[i]) or _inside(tokens[i], places)):
            i += 1
        name: list[Token] = []
        while i < len(tokens) and _continues_name(sentence, tokens[i], name, places + people):
            name.append(tokens[i])
            i += 1
        # A name still followed by a title or a place was part of a title ("Ketua Dewan
        # Administrasi Negara Myanmar").
        if name and i < len(tokens) and (_is_title(tokens[i]) or _inside(tokens[i], places)):
            continue
        # One word alone is a name ("Sugiono") unless it names what went before ("Golkar ini").
        after = sentence[name[-1][2] :] if name else ""
        if len(name) >= 2 or (name and len(name[0][0]) >= 4 and not _POINTER.match(after)):
            found.append((name[0][1], sentence[name[0][1] : name[-1][2]]))
    return list(dict.fromkeys(person for _, person in sorted(found)))


def _is_title(token: Token) -> bool:
    return token[0][:1].isupper() and token[0].lower() in TITLES


def _inside(token: Token, spans: list[tuple[int, int]]) -> bool:
    return any(start <= token[1] < end for start, end in spans)


def _continues_name(
    sentence: str, token: Token, name: list[Token], taken: list[tuple[int, int]]
) -> bool:
    word, start, _ = token
    if len(name) >= 4 or _inside(token, taken) or word.lower() in _NOT_NAMES:
        return False
    if name and not re.fullmatch(r"[\s-]", sentence[name[-1][2] : start]):
        return False
    if not name and not re.fullmatch(r"\s+", sentence[max(0, start - 1) : start]):
        return False  # "Presiden, Kamis": a comma ends the title
    return bool(_NAME_WORD.fullmatch(word))


def place_in(sentence: str, mentions: list[Mention]) -> str:
    """The first place the sentence puts something "di" / "in" ("di Moskow", "di Nanping"), up
    to the first place or person the gazetteer knows in it ("di Jakarta Sergei Tolchenov")."""
    for match in _VENUE.finditer(sentence):
        start, end = match.span(1)
        ends = [m.end for m in mentions if start <= m.start < end and not m.person]
        ends += [m.start for m in mentions if start < m.start < end and m.person]
        end = min([end, *ends])
        place = sentence[match.start(1) : end].strip().rstrip(".")
        if place and place.split()[0].lower() not in _NOT_VENUE:
            return place
    return ""
