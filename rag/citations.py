"""Citation checks for every backend: clean `[n]` markers, find each claim's quote, or abstain."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from rag.answering import ABSTAIN
from rag.schema import Citation, Passage
from rag.text.sentences import split_sentences
from rag.text.stem import text_stems
from rag.text.terms import coverage, extract_terms

ABSTENTION = {
    "en": "The articles do not say: none of the retrieved passages answers this question.",
    "id": "Artikel-artikel ini tidak menyebutkan hal itu: tidak ada bagian artikel yang "
    "menjawab pertanyaan ini.",
}
# The weighted share of a claim's terms its quote must contain for the claim to count as supported.
MIN_SUPPORT = 0.5

# A run of markers: "[1]", "[1, 2]", "[1;3]", "[1-3]", "[1] [2]"; the space before it goes with it.
_NUMBERS = r"\[\s*(\d+(?:\s*(?:[,;]|-|–)\s*\d+)*)\s*\]"
_MARKERS = re.compile(rf"(\s*)({_NUMBERS}(?:\s*{_NUMBERS})*)")
_TOKEN = re.compile(re.escape(ABSTAIN), re.IGNORECASE)
_QUOTED = re.compile(r"«([^«»]+)»|“([^“”]+)”|\"([^\"]+)\"")
_ELLIPSIS = re.compile(r"\s*(?:…|\.\.\.)\s*")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class _Span:
    start: int  # offsets in the passage's text
    end: int
    support: float


def finalize(
    text: str, passages: Sequence[Passage], language: str
) -> tuple[str, list[Citation], bool]:
    """(answer with markers renumbered 1..m by first use, citations[i].n == i + 1, abstained)."""
    mapping: dict[int, int] = {}  # passage number -> citation number

    def renumber(match: re.Match[str]) -> str:
        groups = re.findall(_NUMBERS, match.group(2))
        cited = [n for group in groups for n in _numbers(group) if 1 <= n <= len(passages)]
        for n in cited:
            mapping.setdefault(n, len(mapping) + 1)
        markers = "".join(f"[{mapping[n]}]" for n in dict.fromkeys(cited))
        return match.group(1) + markers if markers else ""

    body = _MARKERS.sub(renumber, text)
    if _abstains(body, bool(mapping)):
        return ABSTENTION["id" if language == "id" else "en"], [], True
    body = _TOKEN.sub("", body).strip()
    claims = _claims(body)
    citations = []
    for passage_number, n in sorted(mapping.items(), key=lambda item: item[1]):
        passage = passages[passage_number - 1]
        citations.append(_citation(n, passage, claims.get(n, [])))
    return body, citations, False


def _numbers(group: str) -> list[int]:
    numbers: list[int] = []
    for part in re.split(r"\s*[,;]\s*", group):
        low, _, high = re.sub(r"\s", "", part).replace("–", "-").partition("-")
        if high and int(high) >= int(low) and int(high) - int(low) < 20:
            numbers.extend(range(int(low), int(high) + 1))
        else:
            numbers.append(int(low))
    return numbers


def _abstains(body: str, cited: bool) -> bool:
    """Nothing but the abstention token (or nothing at all), or the token with no valid source."""
    bare = re.sub(r"[\W_]+", "", body).upper()
    if bare in ("", re.sub(r"[\W_]+", "", ABSTAIN)):
        return True
    return bool(_TOKEN.search(body)) and not cited


def _claims(body: str) -> dict[int, list[str]]:
    """For each citation number, the text each of its markers stands behind."""
    claims: dict[int, list[str]] = {}
    previous_end = 0
    for match in re.finditer(r"(?:\s*\[\d+\])+", body):
        region = body[previous_end : match.start()]
        previous_end = match.end()
        claim = _last_claim(region)
        for number in re.findall(r"\[(\d+)\]", match.group(0)):
            claims.setdefault(int(number), []).append(claim)
    return claims


def _last_claim(region: str) -> str:
    """The last sentence before the marker; sentence ends inside quotes do not count."""
    region = region.strip()
    masked = _QUOTED.sub(lambda m: "q" * len(m.group(0)), region)
    starts = [0] + [m.end() for m in _SENTENCE_BREAK.finditer(masked)]
    return region[starts[-1] :] if region[starts[-1] :].strip() else region


def _citation(n: int, passage: Passage, claims: list[str]) -> Citation:
    spans = [_support(claim, passage) for claim in claims] or [_best_sentence("", passage)]
    verified = all(s.support >= MIN_SUPPORT for s in spans)
    start, end = _merge(spans)
    return Citation(
        n=n,
        article_id=passage.article_id,
        title=passage.title,
        outlet=passage.outlet,
        date=passage.date,
        quote=passage.text[start:end],
        start=passage.start + start,
        end=passage.start + end,
        chunk_id=passage.chunk_id,
        score=passage.score,
        verified=verified,
    )


def _merge(spans: list[_Span]) -> tuple[int, int]:
    """One quote for all claims on a source: their union when the spans touch, else the best."""
    ordered = sorted(spans, key=lambda s: s.start)
    joined = all(b.start - a.end <= 2 for a, b in pairwise(ordered))
    if joined:
        return ordered[0].start, max(s.end for s in ordered)
    best = max(spans, key=lambda s: s.support)
    return best.start, best.end


def _support(claim: str, passage: Passage) -> _Span:
    """Where in the passage the claim is said: a verbatim quote, else the best-matching span."""
    for fragment in _fragments(claim):
        span = _find_verbatim(fragment, passage.text)
        if span:
            return _Span(span[0], span[1], 1.0)
    return _best_sentence(claim, passage)


def _fragments(claim: str) -> list[str]:
    """Quoted parts of the claim long enough to check word for word, longest first."""
    parts = []
    for match in _QUOTED.finditer(claim):
        quoted = next(g for g in match.groups() if g is not None)
        parts.extend(p for p in _ELLIPSIS.split(quoted) if len(p.split()) >= 4)
    return sorted(parts, key=len, reverse=True)


def _find_verbatim(fragment: str, text: str) -> tuple[int, int] | None:
    """The fragment in `text`, ignoring case and how whitespace is laid out."""
    words = fragment.strip(" .,;:").split()
    pattern = r"\s+".join(re.escape(w) for w in words)
    match = re.search(pattern, text, re.IGNORECASE)
    return (match.start(), match.end()) if match else None


def _best_sentence(claim: str, passage: Passage) -> _Span:
    """The sentence (or two) of the passage sharing the most terms with the claim."""
    sentences = split_sentences(passage.text)
    if not sentences:
        return _Span(0, len(passage.text), 0.0)
    # The answer may name the source ("According to KONTAN.CO.ID"): that is not a claim.
    outlet = text_stems(passage.outlet)
    terms = [t for t in extract_terms(claim) if not t.match(outlet)]
    pairs = [(a[0], b[1]) for a, b in pairwise(sentences)]
    best = _Span(sentences[0][0], sentences[0][1], 0.0)
    if not terms:
        return best
    for start, end in sentences + pairs:
        stems = text_stems(passage.text[start:end])
        paired = (start, end) not in sentences
        support = coverage(terms, stems) - (0.1 if paired else 0.0)
        if support > best.support:
            best = _Span(start, end, support)
    return best
