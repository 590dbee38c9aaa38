"""Terms: the names, numbers and content words a text talks about, matched across languages.

A *term* is one thing a question (or a claim) talks about: a name, a number or a content word,
with every spelling that counts as a match in Indonesian or English text ("defence" also matches
"pertahanan"). Matching works on stems, so "bertemu", "pertemuan" and "menemui" are one word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.resources import files

from rag.text.language import detect_language
from rag.text.stem import Stems, stem
from rag.text.stopwords import ALL as STOPWORDS
from rag.text.tokens import words as tokens

# Synonym groups in rag/lexicon/, English and Indonesian together, one group a line: any phrase
# of a group matches all the others, and the narrower words after "=>" match it too (a minister
# is an official; not the reverse). Places are names whatever their case ("russia" is a name).
_LEXICON = files("rag.lexicon")
# Words that ask for a quotation or a characterisation rather than name a topic.
SAY_CUES = frozenset(
    "say said says tell told call called calls describe described describes "
    "kata berkata mengatakan katakan ujar menyebut sebut disebut menggambarkan gambarkan "
    "menyatakan nyatakan".split()
)
# Words too generic to decide whether a sentence answers the question.
_LIGHT = frozenset(
    "kind type sort way thing things issue matter report reports reported article articles "
    "statement statements remark remarks comment comments "
    "jenis macam bentuk cara hal laporan berita artikel lapor dilaporkan melaporkan "
    "pernyataan pernyataannya komentar menyampaikan".split()
)
QUESTION_WORDS = frozenset(
    "what which who whom whose when where why how apa apakah siapa kapan mana manakah dimana "
    "berapa bagaimana mengapa kenapa".split()
)


def cognate_prefix(word: str) -> str:
    """The start of the Indonesian spelling of an English loanword: "consulate" → "konsul"."""
    spelled = word.lower()
    for english, indonesian in (("tion", "si"), ("sion", "si"), ("ph", "f"), ("th", "t")):
        spelled = spelled.replace(english, indonesian)
    spelled = re.sub(r"c(?=[eiy])", "s", spelled).replace("c", "k").replace("q", "k")
    spelled = re.sub(r"(.)\1", r"\1", spelled.replace("x", "ks").replace("y", "i"))
    return spelled[: 5 if len(spelled) <= 7 else 6] if len(spelled) >= 5 else ""


@dataclass(frozen=True)
class _Group:
    """Synonyms: `keys` look phrases up (every word), `alternatives` match text (no stopwords)."""

    keys: frozenset[tuple[str, ...]]
    alternatives: tuple[tuple[str, ...], ...]
    narrower: tuple[tuple[str, ...], ...] = ()


def _match_stems(words: list[str]) -> tuple[str, ...]:
    kept = [w for w in words if w.lower() not in STOPWORDS or w.isupper()] or words
    return tuple(stem(w.lower()) for w in kept)


def _parse_groups(table: str) -> list[_Group]:
    groups = []
    for line in table.strip().splitlines():
        synonyms, _, narrower = line.partition("=>")
        keys, alternatives = set(), set()
        for phrase in filter(str.strip, synonyms.split(",")):
            words = [w for w, _, _ in tokens(phrase)]
            keys.add(tuple(stem(w.lower()) for w in words))
            alternatives.add(_match_stems(words))
        inside = {_match_stems(p.split()) for p in narrower.split(",") if p.strip()}
        groups.append(
            _Group(frozenset(keys), tuple(sorted(alternatives | inside)), tuple(sorted(inside)))
        )
    return groups


_PLACE_GROUPS = _parse_groups(_LEXICON.joinpath("places.txt").read_text(encoding="utf-8"))
_LIGHT_STEMS = frozenset(stem(w) for w in _LIGHT)
_WORD_GROUPS = _parse_groups(_LEXICON.joinpath("words.txt").read_text(encoding="utf-8"))


def _index(groups: list[_Group]) -> dict[tuple[str, ...], int]:
    index: dict[tuple[str, ...], int] = {}
    for number, group in enumerate(groups):
        for key in group.keys:
            index.setdefault(key, number)
    return index


_PLACE_INDEX = _index(_PLACE_GROUPS)
# A capital or seat inside a country ("moskow", "kremlin") -> the country's spellings.
_BROADER = {place: group.alternatives for group in _PLACE_GROUPS for place in group.narrower}
_WORD_INDEX = _index(_WORD_GROUPS)
_LONGEST = max(len(p) for p in (*_PLACE_INDEX, *_WORD_INDEX))


# How much more a name or number counts than a content word when matching text.
NAME = 1.5


@dataclass(frozen=True)
class Term:
    """Something a text talks about; it matches when all stems of one alternative are present."""

    text: str
    alternatives: tuple[tuple[str, ...], ...]
    weight: float
    kind: str  # "name", "place", "number" or "word"
    prefix: str = ""  # an English word's likely Indonesian start, when the lexicon lacks it

    def match(self, stems: Stems) -> float:
        """1.0 when present, a part for a partly present multi-word name, else 0."""
        if any(all(s in stems for s in alt) for alt in self.alternatives):
            return 1.0
        if self.prefix and any(s.startswith(self.prefix) for s in stems):
            return 1.0
        if self.kind == "name" and len(self.alternatives) == 1:
            # "Li" for "Li Shangfu", "Putin" for "Vladimir Putin": news repeats names in part.
            return 0.6 if any(s in stems for s in self.alternatives[0]) else 0.0
        return 0.0

    def topical(self) -> bool:
        """A word that names what is asked about (not a question cue or a generic word)."""
        return self.kind == "word" and self.weight >= 1.0


def extract_terms(text: str) -> list[Term]:
    """The names, numbers and content words of `text`, each with its bilingual alternatives."""
    words = tokens(text)
    english = detect_language(text) == "en"
    terms: list[Term] = []
    i = 0
    while i < len(words):
        word, _, _ = words[i]
        lower = word.lower()
        found = _lookup(words, i)
        if found:
            size, group, is_place = found
            surface = " ".join(w for w, _, _ in words[i : i + size])
            if is_place:
                terms.append(Term(surface, _PLACE_GROUPS[group].alternatives, NAME, "place"))
            elif not _is_cue(words[i : i + size]):
                weight = 0.5 if _is_light(lower) else 1.0
                terms.append(Term(surface, _WORD_GROUPS[group].alternatives, weight, "word"))
            i += size
            continue
        if not lower.isalpha():
            terms.append(Term(word, ((stem(lower),),), NAME, "number"))
        elif _capitalized(text, words, i) and lower not in STOPWORDS:
            end = i + 1
            while end < len(words) and _capitalized(text, words, end) and not _lookup(words, end):
                end += 1
            name = words[i:end]
            alternative = tuple(stem(w.lower()) for w, _, _ in name)
            terms.append(Term(" ".join(w for w, _, _ in name), (alternative,), NAME, "name"))
            i = end
            continue
        elif lower not in STOPWORDS and lower not in SAY_CUES and len(lower) > 1:
            weight = 0.5 if _is_light(lower) else 1.0
            prefix = cognate_prefix(lower) if english and lower.isascii() else ""
            terms.append(Term(word, ((stem(lower),),), weight, "word", prefix))
        i += 1
    return _dedupe(terms)


def _is_light(word: str) -> bool:
    return stem(word) in _LIGHT_STEMS


def _lookup(words: list[tuple[str, int, int]], i: int) -> tuple[int, int, bool] | None:
    """The longest lexicon phrase starting at word `i`: (length, group, is_place)."""
    for size in range(min(_LONGEST, len(words) - i), 0, -1):
        phrase = words[i : i + size]
        lowered = [w.lower() for w, _, _ in phrase]
        if size == 1 and lowered[0] in STOPWORDS and not phrase[0][0].isupper():
            return None
        key = tuple(stem(w) for w in lowered)
        if key in _PLACE_INDEX and (
            size > 1 or lowered[0] not in STOPWORDS or phrase[0][0] == "AS"
        ):
            return size, _PLACE_INDEX[key], True
        if key in _WORD_INDEX and not (size == 1 and lowered[0] in STOPWORDS):
            return size, _WORD_INDEX[key], False
    return None


def _capitalized(text: str, words: list[tuple[str, int, int]], i: int) -> bool:
    """A capitalised word that is a name: mid-sentence, or first but not a common word."""
    word, start, _ = words[i]
    if not word[:1].isupper():
        return False
    if word.isupper() and len(word) > 1:
        return True
    gap = text[words[i - 1][2] : start] if i else ""
    if i and not any(mark in gap for mark in ".!?:\n"):
        return True
    # First in its sentence: a name unless it is a common word, which stemming would change.
    lower = word.lower()
    return lower not in STOPWORDS | QUESTION_WORDS | SAY_CUES and stem(lower) == lower


def _is_cue(phrase: list[tuple[str, int, int]]) -> bool:
    return len(phrase) == 1 and phrase[0][0].lower() in SAY_CUES


def _dedupe(terms: list[Term]) -> list[Term]:
    seen: set[tuple[tuple[str, ...], ...]] = set()
    result = []
    for term in terms:
        if term.alternatives not in seen:
            seen.add(term.alternatives)
            result.append(term)
    return result


def broader_alternatives(term: Term) -> tuple[tuple[str, ...], ...]:
    """For a place inside a larger one (Moscow in Russia), the larger one's spellings."""
    return tuple(alt for own in term.alternatives for alt in _BROADER.get(own, ()))


def coverage(terms: list[Term], stems: Stems) -> float:
    """The weighted share of `terms` present in `stems` (1.0 when there are no terms)."""
    total = sum(t.weight for t in terms)
    if not total:
        return 1.0
    return sum(t.weight * t.match(stems) for t in terms) / total
