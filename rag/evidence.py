"""Evidence: the sentences of the retrieved passages, scored by how well they answer a question.

The extractive backend quotes the best of them; LLM backends are given them as the budgeted
context of their prompt; both skip sentences that carry instructions to the model.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from rag.question import Query
from rag.schema import Passage
from rag.text.dates import MONTH_NAMES, format_date
from rag.text.sentences import split_sentences, strip_dateline
from rag.text.stem import Stems, text_stems
from rag.text.terms import Term, extract_terms

MAX_SENTENCES = 3  # quotes, one per article
# What an LLM is given: the best sentences, within a budget that keeps the prompt fast.
PROMPT_SENTENCES = 4
PROMPT_CHARS = 700
PROMPT_RATIO = 0.5
PROMPT_EXTRA = 1  # sentences added to the extractive picks
LISTING_ITEMS = 6  # a list across articles: one sentence per item
# How much a sentence's embedding similarity to the question adds to its lexical score, per
# unit of similarity below the best sentence's (multilingual: it finds English questions'
# answers in Indonesian sentences that share no words with them).
SEMANTIC_WEIGHT = 2.0
# The weighted share of the question's terms a sentence must contain to count as an answer.
MIN_COVERAGE = 0.45
# The IDF-weighted share of the question's names a quote must mention ("Russia" counts little).
MIN_NAMES = 0.4
# The IDF-weighted share of the question's topic words (checkable ones) a quote must contain.
MIN_TOPIC = 0.5
PAIR_PENALTY = 0.1
# The weight of a question's word found only in the sentence's headline.
HEADLINE_WORD = 0.5
# A further sentence joins the answer when it scores at least this share of the best one.
KEEP_RATIO = 0.8

_MONTHS = rf"(?:{MONTH_NAMES})"
_DAYS = r"(?:senin|selasa|rabu|kamis|jumat|sabtu|minggu|monday|tuesday|wednesday|thursday|"
_DAYS += r"friday|saturday|sunday)"
_FEATURES = {
    "when": rf"\b\d{{1,2}}/\d{{1,2}}\b|\b{_MONTHS}\b|\b{_DAYS}\b|\b(?:19|20)\d\d\b|"
    r"\b(?:pekan|minggu|bulan|tahun) (?:lalu|depan|ini)\b|\bkemarin\b|\bsepekan\b|"
    r"\b(?:last|next|this) (?:week|month|year)\b|\byesterday\b",
    "count": r"\b\d|\b(?:satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|belasan|"
    r"puluhan|ratusan|ribuan|ribu|juta|miliar|triliun|persen|one|two|three|four|five|six|"
    r"seven|eight|nine|ten|dozens?|hundreds?|thousands?|millions?|billions?|percent)\b",
    "why": r"\b(?:karena|sebab|akibat|lantaran|guna|agar|supaya|sehingga|mengingat|jika|"
    r"apabila|because|due to|as a result|in order to|so that|if)\b",
    "say": r"[“”\"]|\b(?:kata|ujar|ucap|tutur|ungkap|menurut|mengatakan|menyatakan|menegaskan|"
    r"menjelaskan|menyebut|terang|lanjut|said|says|told|according to)\b",
    "where": r"\b(?:di|ke|dari|in|at)\s+[A-Z]",
}
INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget)\b.{0,40}\b(?:instructions?|prompt|rules)\b|"
    r"\babaikan\b.{0,40}\b(?:instruksi|perintah|aturan)\b|\bsystem prompt\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Unit:
    """One sentence, or a sentence with the one before it (which often names who "he" is)."""

    passage: int  # index into the passages; `[passage + 1]` cites it
    start: int  # offsets in the passage's text
    end: int
    text: str
    stems: Stems
    named: Stems  # `stems` and the headline's: a name in the headline is in every sentence
    paired: bool


def select(query: Query, passages: Sequence[Passage]) -> list[Unit]:
    """The quotable units that answer `query`, best first; empty when none does."""
    units = candidates(passages)
    if not units or topic_missing(query, passages):
        return []
    context = _article_context(passages)
    idf = idf_weights(query, units)
    scored = sorted(
        ((score(query, u, idf, len(passages)), u) for u in units),
        key=lambda pair: pair[0],
        reverse=True,
    )
    singles = {_end(u, passages): u for u in units if not u.paired}
    scores = {id(u): value for value, u in scored}
    picked: list[Unit] = []
    for value, unit in scored:
        if len(picked) == MAX_SENTENCES or (picked and value < KEEP_RATIO * scored[0][0]):
            break
        article = passages[unit.passage].article_id
        if any(passages[p.passage].article_id == article for p in picked):
            continue  # one quote per article: a second one repeats or drifts off the question
        alone = singles.get(_end(unit, passages)) if unit.paired else None
        if alone and scores[id(alone)] >= value and _complete(query, alone, context[article], idf):
            continue  # the sentence says it all without the one before
        if _answers(query, unit, context[article], idf):
            picked.append(unit)
    return picked


def _end(unit: Unit, passages: Sequence[Passage]) -> tuple[str, int]:
    passage = passages[unit.passage]
    return passage.article_id, passage.start + unit.end


def _complete(query: Query, unit: Unit, context: Stems, idf: dict[Term, float]) -> bool:
    """The unit answers, and holds what is asked for where the question asks for something."""
    wants = query.kind in _FEATURES or query.kind in ("who", "which")
    return _answers(query, unit, context, idf) and (not wants or _has_feature(query, unit) > 0)


def candidates(passages: Sequence[Passage], *, pairs: bool = True) -> list[Unit]:
    """Every sentence of the passages (datelines cut off), alone and with the one before."""
    seen: set[tuple[str, int, int]] = set()
    units = []
    for number, passage in enumerate(passages):
        headline = text_stems(passage.title)
        previous: int | None = None
        for start, end in split_sentences(passage.text):
            text = passage.text[start:end]
            if start == 0 or passage.text[start - 1] == "\n":
                start = end - len(strip_dateline(text))
                text = passage.text[start:end]
            if len(text.split()) < 4 or INSTRUCTION.search(text):
                previous = None
                continue
            spans = [(start, False)]
            if pairs and previous is not None:
                spans.append((previous, True))
            for first, paired in spans:
                key = (passage.article_id, passage.start + first, passage.start + end)
                if key not in seen:
                    seen.add(key)
                    stems = text_stems(passage.text[first:end])
                    span = passage.text[first:end]
                    units.append(Unit(number, first, end, span, stems, stems | headline, paired))
            previous = start
    return units


def topic_missing(query: Query, passages: Sequence[Passage]) -> bool:
    """True when a name, or most topic words, of the question are in none of the passages."""
    everywhere = text_stems(" ".join(f"{p.title}\n{p.text}" for p in passages))
    if any(not t.match(everywhere) for t in query.names):
        return True
    topical = [t for t in query.terms if t.topical() and _checkable(t, query.language)]
    missing = sum(not t.match(everywhere) for t in topical)
    return bool(topical) and missing / len(topical) >= 0.5


def _checkable(term: Term, language: str) -> bool:
    # An English word the lexicon cannot translate may be there in Indonesian: don't count it.
    return language == "id" or len(term.alternatives) > 1


def _article_context(passages: Sequence[Passage]) -> dict[str, Stems]:
    """Per article, every word its retrieved passages and headline hold."""
    texts: dict[str, list[str]] = {}
    for passage in passages:
        texts.setdefault(passage.article_id, [passage.title]).append(passage.text)
    return {article: text_stems("\n".join(parts)) for article, parts in texts.items()}


def idf_weights(query: Query, units: list[Unit]) -> dict[Term, float]:
    """Rarer terms among the candidate sentences tell them apart better."""
    singles = [u for u in units if not u.paired]
    n = len(singles)
    return {
        term: math.log((n + 1) / (0.5 + sum(term.match(u.stems) > 0 for u in singles)))
        for term in query.terms
    }


def _names_share(query: Query, stems: Stems, idf: dict[Term, float]) -> float:
    """The share of the question's names in `stems`.

    Rare names count most, and places half as much as people, who are usually whom the question
    is about.
    """
    weights = {t: idf[t] * (0.5 if t.kind == "place" else 1.0) for t in query.names}
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t.match(stems)) / total if total else 1.0


def _coverage(query: Query, unit: Unit) -> float:
    """The weighted share of the question's terms in the unit, less a pair's penalty."""
    return _share(query, unit, {t: t.weight for t in query.terms}) - _penalty(unit)


def _share(query: Query, unit: Unit, weights: dict[Term, float]) -> float:
    total = sum(weights.values()) or 1.0
    return sum(w * _presence(t, unit) for t, w in weights.items()) / total


def _presence(term: Term, unit: Unit) -> float:
    """How far `term` is in the unit.

    Names count as present when the headline has them: the article is about them. A word only
    the headline has counts half: it is often the sentence's setting ("… jelang kunjungan
    Prabowo"), not what the sentence itself says.
    """
    if term.kind != "word":
        return term.match(unit.named)
    # A word matches wholly or not at all: the headline is looked at only when the unit lacks it.
    return term.match(unit.stems) or HEADLINE_WORD * term.match(unit.named)


def _penalty(unit: Unit) -> float:
    # A pair must cover clearly more than its sentence alone to be worth the longer quote.
    return PAIR_PENALTY if unit.paired else 0.0


def score(query: Query, unit: Unit, idf: dict[Term, float], n_passages: int) -> float:
    """How well `unit` answers `query`, to rank candidate sentences by.

    The mean of its coverage of the question's terms, plain and weighted by rarity (`idf`), plus
    bonuses for holding what is asked for, for reported speech when the question asks what
    someone said, and for a passage ranked higher among the `n_passages`.
    """
    rare = _share(query, unit, {t: t.weight * idf[t] for t in query.terms}) - _penalty(unit)
    rank_bonus = 0.05 * (1 - unit.passage / max(n_passages, 1))
    quoted = 0.1 if query.quoting and query.kind != "say" and _has(unit.text, "say") else 0.0
    feature = 0.15 * _has_feature(query, unit)
    return (_coverage(query, unit) + rare) / 2 + feature + quoted + rank_bonus


def _has(text: str, kind: str) -> bool:
    if kind == "count":  # "(17/6/2025)" is a date and "Su-30" a model, not amounts
        text = re.sub(_FEATURES["when"], " ", text, flags=re.IGNORECASE)
        text = re.sub(r"\b[A-Za-z]+-\d+\b", " ", text)
    return bool(re.search(_FEATURES[kind], text, 0 if kind == "where" else re.IGNORECASE))


def _has_feature(query: Query, unit: Unit) -> float:
    """How well the unit holds the kind of thing asked for (a date, a number, a name...)."""
    if query.kind in _FEATURES:
        return float(_has(unit.text, query.kind))
    if query.kind not in ("who", "which"):
        return 0.0
    asked = {stem for term in query.terms for alt in term.alternatives for stem in alt}
    return max(
        (
            _name_value(name, query.kind)
            for name in _names(unit.text)
            if not asked & {stem for alt in name.alternatives for stem in alt}
        ),
        default=0.0,
    )


def _name_value(name: Term, kind: str) -> float:
    """A full name ("Li Shangfu") answers "who" better than part of one ("Li") or a place."""
    if name.kind == "place":
        return 0.5
    return 1.0 if kind == "which" or len(name.alternatives[0]) > 1 else 0.5


def _names(text: str) -> list[Term]:
    """The names in `text`, leaving out a lone capitalised first word (usually not a name)."""
    return [
        term
        for term in extract_terms(text)
        if term.kind in ("name", "place")
        and not (text.startswith(term.text) and " " not in term.text)
    ]


def _answers(query: Query, unit: Unit, context: Stems, idf: dict[Term, float]) -> bool:
    """The unit covers enough of the question, with its rarer names, and holds what is asked for.

    Its article must also name everything the question does.
    """
    if any(not t.match(context) for t in query.names):
        return False
    if _names_share(query, unit.named, idf) < MIN_NAMES:
        return False
    if _coverage(query, unit) < MIN_COVERAGE:
        return False
    topical = [t for t in query.terms if t.topical()]
    checkable = [t for t in topical if _checkable(t, query.language)]
    if checkable and _share(query, unit, {t: idf[t] for t in checkable}) < MIN_TOPIC:
        return False  # the rarer topic words are what the question is about
    if topical and not checkable and not any(t.match(unit.stems) for t in topical):
        return False  # nothing shows the sentence is about what the question is about
    return (
        query.kind not in ("when", "count", "where", "who", "which")
        or _has_feature(query, unit) > 0
    )


def for_prompt(
    query: Query, passages: Sequence[Passage], similarity: dict[tuple[int, int], float]
) -> list[Unit]:
    """The sentences an LLM is given, most relevant first.

    First the extractive picks, then the best by words and meaning (`similarity` by (passage,
    sentence end)) that score at least `PROMPT_RATIO` of the best, within `PROMPT_SENTENCES` and
    `PROMPT_CHARS`.
    """
    units = candidates(passages, pairs=False)
    if not units:
        return []
    idf = idf_weights(query, units)
    best = max(similarity.values(), default=0.0)

    def value(unit: Unit) -> float:
        semantic = similarity.get((unit.passage, unit.end), best) - best
        return score(query, unit, idf, len(passages)) + SEMANTIC_WEIGHT * semantic

    picked = select(query, passages)
    ranked = sorted(((value(u), u) for u in units), key=lambda pair: pair[0], reverse=True)
    floor = PROMPT_RATIO * ranked[0][0]
    # Sentences that answer by the rules need no distractors beside them: a small model
    # answers better from two good sentences than from five mixed ones.
    relevant = [u for v, u in ranked if v >= floor][: PROMPT_EXTRA if picked else None]
    chosen: list[Unit] = []
    chars = 0
    for unit in [*picked, *relevant]:
        if len(chosen) == PROMPT_SENTENCES:
            break
        if any(_overlap(c, unit) for c in chosen) or chars + len(unit.text) > PROMPT_CHARS:
            continue
        chosen.append(unit)
        chars += len(unit.text)
    return chosen


def _overlap(a: Unit, b: Unit) -> bool:
    return a.passage == b.passage and a.start < b.end and b.start < a.end


def quotes(picked: list[Unit], passages: Sequence[Passage], language: str) -> Iterator[str]:
    """Yield the answer quote by quote: the source, the quoted words, and `[n]`."""
    for position, unit in enumerate(picked):
        source = source_label(passages[unit.passage], language)
        quote = " ".join(unit.text.split())
        separator = "\n\n" if position else ""
        yield f"{separator}{source}: «{quote}» [{unit.passage + 1}]"


def source_label(passage: Passage, language: str) -> str:
    """Who said it and when: `According to KONTAN.CO.ID (17 Aug)`, `Menurut … (17 Agu)`."""
    english = language == "en"
    outlet = passage.outlet or ("an article" if english else "sebuah artikel")
    date = format_date(passage.date, language)
    label = f"{'According to' if english else 'Menurut'} {outlet}"
    return f"{label} ({date})" if date else label
