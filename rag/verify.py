"""Is a claim supported, and by which source sentence? Cross-lingual, fact by fact.

An answer sentence in English may cite an Indonesian passage, so words cannot be matched
directly. A claim is supported by a source sentence (or two adjacent ones) when the multilingual
embeddings of the two are close *and* the facts that must agree do: every name and place of the
claim is in the source (in either language), and so are its numbers, amounts, ordinals, months,
weekdays and years, and both say yes or both say no. Fluent is not supported: a claim that
changes a number, swaps a name or flips a verdict fails even when it reads like the source.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise

import numpy as np
from langchain_core.embeddings import Embeddings

from rag.schema import Passage
from rag.text.dates import MONTHS, find_dates
from rag.text.facts import WEEKDAYS, Facts, facts
from rag.text.gazetteer import gazetteer
from rag.text.sentences import split_sentences
from rag.text.stem import Stems, stem, text_stems
from rag.text.terms import broader_alternatives, coverage, extract_terms
from rag.text.tokens import words

# Cosine similarity (multilingual e5, `query:` claim against `passage:` source) a supported
# claim reaches; measured on bench/data/checker_cases.jsonl (bench/checker_bench.py).
MIN_SIMILARITY = 0.83
# The weighted share of the claim's content words the source says, in either language (through
# the bilingual lexicon): a fluent sentence about something else shares few of them.
MIN_COVERAGE = 0.35
# Capitalised words that are titles, roles, months or weekdays (the facts check those), not
# names: "Deputy Defence Minister Fomin", "on Monday".
_TITLES = frozenset(
    "deputy minister president vice general major secretary commander chief head chairman "
    "ambassador spokesman spokesperson spokeswoman prime foreign defence defense state senior "
    "colonel lieutenant admiral army navy air force ministry council security national "
    "supreme leader director officials official government federation republic "
    # Institutions are translated ("Otoritas Nasional Palestina"); their country is checked.
    "authority party force forces communist space agency media news broadcaster union "
    "committee parliament assembly administration the a an".split()
)
_NOT_NAMES = _TITLES | set(MONTHS) | set(WEEKDAYS)
# Roles a claim gives someone must be in the passage: "the ambassador" is not "the prime minister".
_ROLES = frozenset(
    "ambassador minister president commander admiral spokesman spokesperson secretary chairman "
    "director colonel king prime".split()
)
_ACRONYM = re.compile(r"\b(?:[A-Z]\.){2,}")  # "A.S." is "AS", the United States


@dataclass(frozen=True)
class SourceSpan:
    """A sentence (or two adjacent ones) of passage `passage`, by offsets in its text."""

    passage: int
    start: int
    end: int
    text: str
    stems: Stems = field(repr=False)
    facts: Facts = field(repr=False)
    single: bool = True  # one sentence, not two


@dataclass(frozen=True)
class Support:
    """The best source span for a claim, and what it lacks (nothing, when supported)."""

    span: SourceSpan
    similarity: float
    missing: tuple[str, ...]
    coverage: float = 1.0

    @property
    def supported(self) -> bool:
        """Whether the span supports the claim: similar enough, covering enough, lacking nothing."""
        return (
            self.similarity >= MIN_SIMILARITY and self.coverage >= MIN_COVERAGE and not self.missing
        )


class SupportIndex:
    """The sentences of an answer's passages, embedded once, to check each claim against."""

    def __init__(self, passages: Sequence[Passage], embeddings: Embeddings) -> None:
        self._embeddings = embeddings
        self._passages = passages
        self.spans = _spans(passages)
        self._context = [text_stems(f"{p.title} {p.outlet}") for p in passages]
        self._embedded: np.ndarray | None = None

    @property
    def _vectors(self) -> np.ndarray:
        """The spans' embeddings, computed on first use: verbatim quotes never need them."""
        if self._embedded is None:
            texts = [span.text for span in self.spans]
            self._embedded = np.array(self._embeddings.embed_documents(texts))
        return self._embedded

    def best(
        self, claim: str, *, prefer: Sequence[int] = (), premise: Facts | None = None
    ) -> Support | None:
        """The span that supports `claim` best.

        Among supporting spans, one of `prefer`'s passages (the ones the claim cites) wins over
        others.
        """
        if not self.spans:
            return None
        vector = np.array(self._embeddings.embed_query(claim))
        similarities = self._vectors @ vector
        claim_facts = facts(claim)
        names = _names(claim)
        words = [t for t in extract_terms(claim) if t.kind == "word"]
        roles = [t for t in words if _ROLES.intersection(t.text.lower().split())]
        candidates = []
        for i in np.argsort(-similarities)[:8]:
            span = self.spans[int(i)]
            missing = self._missing(span, claim_facts, names, premise)
            context = span.stems | self._context[span.passage]
            missing += [f"role '{t.text}'" for t in roles if not t.match(context)]
            covered = coverage(words, context)
            candidates.append(Support(span, float(similarities[i]), tuple(missing), covered))
        supported = [c for c in candidates if c.supported]
        if supported:
            preferred = [c for c in supported if c.span.passage in prefer]
            return max(preferred or supported, key=lambda c: c.similarity)
        return max(candidates, key=lambda c: (not c.missing, c.similarity))

    def similarities(self, text: str) -> dict[tuple[int, int], float]:
        """Cosine similarity of `text` (as a query) to each sentence, by (passage, sentence end)."""
        if not self.spans:
            return {}
        similarities = self._vectors @ np.array(self._embeddings.embed_query(text))
        return {
            (span.passage, span.end): float(value)
            for span, value in zip(self.spans, similarities, strict=True)
            if span.single
        }

    def exact(self, passage: int, start: int, end: int) -> Support:
        """Support by a verbatim quote: the quoted offsets of a passage, nothing missing."""
        text = self._passages[passage].text[start:end]
        span = SourceSpan(passage, start, end, text, text_stems(text), facts(text))
        return Support(span, 1.0, ())

    def _missing(
        self, span: SourceSpan, claim_facts: Facts, names: list[_Name], premise: Facts | None
    ) -> list[str]:
        stated = span.facts
        if premise is not None:  # the question's own year or month may be repeated
            stated = replace(
                stated, years=stated.years | premise.years, months=stated.months | premise.months
            )
        missing = claim_facts.missing_from(stated)
        stems = span.stems | self._context[span.passage]
        missing += [f"name '{n.text}'" for n in names if not n.found_in(stems)]
        return missing


@dataclass(frozen=True)
class _Name:
    """A name the claim states, and the spellings (any one suffices) that count as stating it."""

    text: str
    alternatives: tuple[tuple[str, ...], ...]

    def found_in(self, stems: Stems) -> bool:
        return any(all(s in stems for s in alt) for alt in self.alternatives)


def _names(claim: str) -> list[_Name]:
    """Places (a capital counts for its country) and people or bodies (by their last name).

    Runs of capitalised words do not cross punctuation; titles ("Deputy Defence Minister") are
    not names, nor is a lone capitalised word that opens the sentence unless it is a place.
    """
    names = []
    for run, first in _capitalised_runs(claim):
        terms = extract_terms(run)
        places = [t for t in terms if t.kind == "place"]
        names += [_Name(t.text, t.alternatives + broader_alternatives(t)) for t in places]
        in_places = {w.lower() for t in places for w in t.text.split()}
        kept = [w for w in run.split() if w.lower() not in _NOT_NAMES | in_places]
        if not kept or (first and len(run.split()) == 1 and not places and not _leader(run)):
            continue
        last = kept[-1].lower()
        # "Armed Forces Day" is "Hari Angkatan Bersenjata": dictionary words are checked by
        # their translations (coverage), not as names.
        if any(t.kind == "word" and last in t.text.lower().split() for t in terms):
            continue
        names.append(_Name(" ".join(kept), ((stem(last),), (last,))))
    return names


def _leader(word: str) -> bool:
    """Whether the gazetteer knows `word` as a leader's name ("Pezeshkian")."""
    return any(m.person for m in gazetteer().find(word))


def _capitalised_runs(text: str) -> list[tuple[str, bool]]:
    """(run of capitalised words, whether it opens a sentence)."""
    runs: list[tuple[str, bool]] = []
    current: list[str] = []
    opens = True
    previous_end = 0
    for word, start, end in words(text):
        gap = text[previous_end:start]
        joined = current and gap.strip() == ""
        if word[:1].isupper() and not word.isdigit():
            if joined:
                current.append(word)
            else:
                if current:
                    runs.append((" ".join(current), opens))
                current, opens = [word], previous_end == 0 or bool(re.search(r"[.!?:]", gap))
        else:
            if current:
                runs.append((" ".join(current), opens))
            current = []
        previous_end = end
    if current:
        runs.append((" ".join(current), opens))
    return runs


def _spans(passages: Sequence[Passage]) -> list[SourceSpan]:
    """Every sentence of every passage, and every two adjacent ones (a claim may join them)."""
    spans = []
    for number, passage in enumerate(passages):
        singles = [
            _span(number, passage, start, end) for start, end in split_sentences(passage.text)
        ]
        spans += singles
        for first, second in pairwise(singles):
            pair = _span(number, passage, first.start, second.end)
            # A pair says "no" only when both sentences do: "no" in one is not about the other.
            negated = first.facts.negated and second.facts.negated
            spans.append(replace(pair, facts=replace(pair.facts, negated=negated), single=False))
    return spans


def _span(number: int, passage: Passage, start: int, end: int) -> SourceSpan:
    text = _ACRONYM.sub(lambda m: m.group(0).replace(".", ""), passage.text[start:end])
    return SourceSpan(number, start, end, text, text_stems(text), _with_dates(text, passage))


def _with_dates(text: str, passage: Passage) -> Facts:
    """The text's facts, with its relative dates resolved against its article's date.

    "Juni tahun lalu" in a 2022 article states June 2021, and an answer may say so.
    """
    stated = facts(text)
    resolved = [iso for _, _, iso in find_dates(text, passage.date) if iso[:1].isdigit()]
    if not resolved:
        return stated
    years = {int(iso[:4]) for iso in resolved}
    months = {int(iso[5:7]) for iso in resolved if len(iso) >= 7}
    days = {float(iso[8:10]) for iso in resolved if len(iso) == 10}
    return replace(
        stated,
        years=stated.years | years,
        months=stated.months | months,
        numbers=stated.numbers | days,
    )
