"""The gazetteer: countries and blocs by any of their names, in Indonesian or English.

Every country's English and Indonesian names come from babel (CLDR: CN is "China" and
"Tiongkok"); rag/lexicon/partners.txt adds blocs, short and familiar forms ("AS", "Korut",
"Negeri Tirai Bambu"), demonyms, capitals, and leaders, who count as their country. Each name
resolves to one canonical English name: "Tiongkok", "Beijing" and "Xi Jinping" are all "China".
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from itertools import pairwise

from rag.text.tokens import words

# Between the words of one name: "St. Petersburg", "Bangsa-Bangsa", "Kim Jong-un".
_JOINER = re.compile(r"[\s.\-'’]{1,2}")
# Words a name is often glued to when scraping dropped a link: "Israeldan", "Teheranmenjadi".
_GLUED_TAIL = re.compile(r"(?:dan|di|ke|yang|untuk|dengan|pada|dari|(?:me|di|ber|ter|se|pe)\w{2,})")


@dataclass(frozen=True)
class _Name:
    """One way of writing a place or person: `canonical` is "" for a name that is no place."""

    canonical: str
    person: str
    tokens: tuple[str, ...]  # as written in the table, for the case check


@dataclass(frozen=True)
class Mention:
    """A place, bloc or leader found in text; `person` is the leader's full name, if one."""

    canonical: str
    start: int
    end: int
    person: str = ""


class Gazetteer:
    """Names indexed by their lower-cased words; the longest name at a position wins."""

    def __init__(self, names: list[tuple[str, str, str]]) -> None:
        self._names: dict[tuple[str, ...], list[_Name]] = {}
        for form, canonical, person in names:
            written = tuple(w for w, _, _ in words(form))
            if written:
                key = tuple(w.lower() for w in written)
                self._names.setdefault(key, []).append(_Name(canonical, person, written))
        self._longest = max(len(k) for k in self._names)
        # A glued name is only looked for among one-word names of four letters or more.
        self._glueable = {k[0] for k in self._names if len(k) == 1 and len(k[0]) >= 4}

    def find(self, text: str) -> list[Mention]:
        """Every place and leader mentioned in `text`, in order."""
        tokens = words(text)
        lowered = [w.lower() for w, _, _ in tokens]
        found: list[Mention] = []
        i = 0
        while i < len(tokens):
            match = self._match(text, tokens, lowered, i)
            if match:
                size, name, end = match
                if name.canonical and text[end : end + 1] != "$":  # "US$4,3 miliar" is money
                    found.append(Mention(name.canonical, tokens[i][1], end, name.person))
                i += size
                continue
            glued = self._glued(tokens[i])
            if glued:
                found.append(glued)
            i += 1
        return found

    def _match(
        self, text: str, tokens: list[tuple[str, int, int]], lowered: list[str], i: int
    ) -> tuple[int, _Name, int] | None:
        for size in range(min(self._longest, len(tokens) - i), 0, -1):
            names = self._names.get(tuple(lowered[i : i + size]))
            if not names:
                continue
            span = tokens[i : i + size]
            if any(not _JOINER.fullmatch(text[a[2] : b[1]]) for a, b in pairwise(span)):
                continue
            for name in names:
                if _same_case(name, [w for w, _, _ in span]):
                    return size, name, span[-1][2]
        return None

    def _glued(self, token: tuple[str, int, int]) -> Mention | None:
        word, start, _ = token
        if not word[:1].isupper() or len(word) < 6:
            return None
        acronym = re.match(r"[A-Z]{2,4}(?=[A-Z][a-z])", word)  # "RIPrabowo"
        if acronym:
            name = self._names.get((acronym.group(0).lower(),), [None])[0]
            if name and name.canonical and name.tokens[0] == acronym.group(0):
                return Mention(name.canonical, start, start + acronym.end(), name.person)
        for cut in range(len(word) - 2, 3, -1):
            head, tail = word[:cut].lower(), word[cut:]
            if head in self._glueable and tail.islower() and _GLUED_TAIL.fullmatch(tail):
                name = self._names[(head,)][0]
                if name.canonical and _same_case(name, [word[:cut]]):
                    return Mention(name.canonical, start, start + cut, name.person)
        return None

    def canonical(self, name: str) -> str | None:
        """The canonical name of a place, bloc or leader given in either language, or None."""
        key = tuple(w.lower() for w, _, _ in words(name))
        found = [n.canonical for n in self._names.get(key, ()) if n.canonical]
        return found[0] if found else None

    def close_to(self, name: str, n: int = 3) -> list[str]:
        """Canonical names whose spellings resemble `name`, closest first."""
        spellings = {
            " ".join(k): ns[0].canonical for k, ns in self._names.items() if ns[0].canonical
        }
        close = difflib.get_close_matches(name.lower(), list(spellings), n=n * 3, cutoff=0.6)
        return list(dict.fromkeys(spellings[c] for c in close))[:n]


def _same_case(name: _Name, written: list[str]) -> bool:
    """Acronyms ("AS", "RI") match only in capitals; other names only capitalised."""
    if not name.canonical:
        return True
    for form, word in zip(name.tokens, written, strict=True):
        if len(form) > 1 and form.isupper():
            if word != form:
                return False
        elif form[:1].isupper() and not word[:1].isupper():
            return False
        elif word.isupper() and len(word) < 4 and not form.isupper():
            return False  # "Komisi XI" is not "Xi"
    return True


def _variants(name: str) -> list[str]:
    """Babel's "Myanmar (Burma)" is also "Myanmar" and "Burma"; "&" is "and" and "dan"."""
    base = re.sub(r"\s*\(.*?\)", "", name).strip()
    variants = [base, *re.findall(r"\((.*?)\)", name)]
    if "&" in base:
        variants += [base.replace("&", "and"), base.replace("&", "dan")]
    return variants


def _table() -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = ""
    text = files("rag.lexicon").joinpath("partners.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = line.strip("[]")
            continue
        sections.setdefault(current, []).append(line)
    return sections


def _forms(text: str) -> list[str]:
    return [f.strip() for f in text.split(",") if f.strip()]


@cache
def gazetteer() -> Gazetteer:
    """The one gazetteer, built on first use (babel's locale data loads in about 0.1 s)."""
    from babel import Locale

    english, indonesian = Locale("en").territories, Locale("id").territories
    table = _table()
    skip = set(" ".join(table.get("skip", [])).split())
    names: list[tuple[str, str, str]] = []
    hand: dict[str, tuple[str, list[str]]] = {}
    for line in table["places"]:
        head, _, forms = line.partition(":")
        key, _, canonical = head.strip().partition(" ")
        if key == "*":
            names += [(f, canonical, "") for f in [canonical, *_forms(forms)]]
        else:
            hand[key] = (canonical.strip(), _forms(forms))
    for code, english_name in english.items():
        if len(code) != 2 or not code.isalpha() or code in skip:
            continue
        canonical, extra = hand.get(code, ("", []))
        canonical = canonical or _variants(english_name)[0].replace("&", "and")
        for form in [
            canonical,
            *_variants(english_name),
            *_variants(indonesian.get(code, english_name)),
            *extra,
        ]:
            names.append((form, canonical, ""))
    for line in table["people"]:
        person_part, _, short = line.partition(":")
        person, _, canonical = (p.strip() for p in person_part.partition("="))
        names += [(f, canonical, person) for f in [person, *_forms(short)]]
    names += [(f, "", "") for line in table["not places"] for f in _forms(line)]
    return Gazetteer(names)


def find_places(text: str) -> list[tuple[str, int, int]]:
    """(canonical name, start, end) of every country, bloc, capital or leader in `text`."""
    return [(m.canonical, m.start, m.end) for m in gazetteer().find(text)]


def find_people(text: str) -> list[tuple[str, str, int, int]]:
    """(full name, canonical country, start, end) of every known leader named in `text`."""
    return [(m.person, m.canonical, m.start, m.end) for m in gazetteer().find(text) if m.person]


def canonical_partner(name: str) -> str | None:
    """The canonical English name for a country or bloc in either language: "Tiongkok" → "China"."""
    return gazetteer().canonical(name)
