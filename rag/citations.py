"""Citation checks for every backend, sentence by sentence as the answer streams.

Each sentence of an answer is split into its claims (the text before each `[n]` marker) and every
claim is looked up in the passages (`rag.verify`): a claim that a passage supports is cited to that
passage, even if the answer named another or none; a sentence with a claim nothing supports is
left out (or, when asked, kept and flagged), and the answer says how many were. Markers are
renumbered 1..m by first use; each citation quotes exactly the passage text that supports it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from rag.answering import ABSTAIN
from rag.schema import Carrier, Citation, Passage
from rag.text.facts import facts
from rag.text.sentences import is_abbreviation
from rag.verify import Support, SupportIndex

ABSTENTION = {
    "en": "The articles do not say: none of the retrieved passages answers this question.",
    "id": "Artikel-artikel ini tidak menyebutkan hal itu: tidak ada bagian artikel yang "
    "menjawab pertanyaan ini.",
}
_REMOVED = {
    "en": "({n} claim{s} left out: the sources do not support {it}.)",
    "id": "({n} klaim dihapus karena tidak didukung sumber.)",
}
# A run of markers: "[1]", "[1, 2]", "[1;3]", "[1-3]", "[1] [2]".
_NUMBERS = r"\[\s*(\d+(?:\s*(?:[,;]|-|–)\s*\d+)*)\s*\]"
_MARKERS = re.compile(rf"\s*{_NUMBERS}(?:\s*{_NUMBERS})*")
_QUOTED = re.compile(r"«[^«»]*»|“[^“”]*”|\"[^\"]*\"")
# A sentence ends at . ! ? … (and closing quotes) followed by space; markers after it belong to it.
_END = re.compile(rf"[.!?…][\"'”’»)]*(?:{_MARKERS.pattern})?(?=\s)|(?=\n\s*\n)")
_VERBATIM_WORDS = 4


@dataclass(frozen=True)
class CheckedAnswer:
    """The checked answer: text with markers 1..m, its citations, and what was left out."""

    text: str
    citations: list[Citation]
    abstained: bool
    removed: int


@dataclass
class _Claim:
    text: str
    cited: list[int]  # passage indexes the answer cited it to
    support: Support | None = None


@dataclass
class _Source:
    passage: Passage
    spans: list[tuple[int, int]] = field(default_factory=list)  # offsets in passage.text
    verified: bool = True
    also: tuple[Carrier, ...] = ()  # other articles carrying what it says


class CitationChecker:
    """Checks an answer while it streams: `feed` pieces, show what it returns, then `finish`."""

    def __init__(
        self,
        passages: Sequence[Passage],
        support: SupportIndex,
        language: str,
        *,
        flag_unsupported: bool = False,
        question: str = "",
    ) -> None:
        self._passages = passages
        self._premise = facts(question) if question else None
        self._support = support
        self._language = language if language in ABSTENTION else "en"
        self._flag = flag_unsupported
        self._buffer = ""
        self._shown: list[str] = []
        self._sources: dict[int, _Source] = {}  # passage index -> citation, by first use
        self._removed = 0

    def feed(self, piece: str) -> str:
        """Add a piece of the answer; returns the checked sentences it completed ("" if none)."""
        self._buffer += piece
        shown = []
        while (end := _sentence_end(self._buffer)) is not None:
            sentence, self._buffer = self._buffer[:end], self._buffer[end:]
            shown.append(self._check(sentence))
        return "".join(shown)

    def finish(self) -> tuple[str, CheckedAnswer]:
        """Check what is left; returns (its checked text, the whole checked answer)."""
        rest = self._check(self._buffer) if self._buffer.strip() else ""
        self._buffer = ""
        body = "".join(self._shown).strip()
        if not body:
            text = ABSTENTION[self._language]
            return "", CheckedAnswer(text, [], True, self._removed)
        if self._removed:
            many = self._removed > 1
            note = _REMOVED[self._language].format(
                n=self._removed, s="s" if many else "", it="them" if many else "it"
            )
            rest += f" {note}"
            body += f" {note}"
        return rest, CheckedAnswer(body, self._citations(), False, self._removed)

    def _check(self, sentence: str) -> str:
        sentence = sentence.replace(ABSTAIN, "")
        lead = sentence[: len(sentence) - len(sentence.lstrip())]
        claims = _claims(sentence.strip(), len(self._passages))
        if not claims:
            return ""
        for claim in claims:
            claim.support = self._verbatim(claim) or self._support.best(
                claim.text, prefer=claim.cited, premise=self._premise
            )
        supported = not _degenerate(sentence) and all(
            c.support is not None and c.support.supported for c in claims
        )
        if not supported and not self._flag:
            self._removed += 1
            return ""
        if supported and all(self._repeats(c.support) for c in claims if c.support):
            return ""  # the same sentence from another outlet's copy: cited once, both listed
        text = lead if self._shown else ""
        for claim in claims:
            text += claim.text.rstrip() + self._marker(claim, supported)
        text += _closing(sentence.strip())
        self._shown.append(text)
        return text

    def _repeats(self, support: Support) -> bool:
        """Whether an earlier citation quotes this very sentence from another article.

        If so, that citation lists this article too.
        """
        said = _normalised(support.span.text)
        for index, source in self._sources.items():
            passage = source.passage
            if index != support.span.passage and any(
                _normalised(passage.text[start:end]) == said for start, end in source.spans
            ):
                other = self._passages[support.span.passage]
                carrier = Carrier(other.article_id, other.title, other.outlet, other.date)
                source.also += (carrier, *other.also)
                return True
        return False

    def _marker(self, claim: _Claim, supported: bool) -> str:
        support = claim.support
        if support is None:
            return ""
        index = support.span.passage
        if index not in self._sources:
            self._sources[index] = _Source(self._passages[index], also=self._passages[index].also)
        source = self._sources[index]
        source.spans.append((support.span.start, support.span.end))
        source.verified &= supported
        return f" [{list(self._sources).index(index) + 1}]"

    def _verbatim(self, claim: _Claim) -> Support | None:
        """A quote of four words or more found word for word in a passage supports itself."""
        order = list(dict.fromkeys([*claim.cited, *range(len(self._passages))]))
        for match in _QUOTED.finditer(claim.text):
            quoted = match.group(0)[1:-1].strip()
            if len(quoted.split()) < _VERBATIM_WORDS:
                continue
            for fragment in (quoted, quoted.strip(" .,;:")):  # with its full stop if it can
                pattern = r"\s+".join(re.escape(w) for w in fragment.split())
                for index in order:
                    found = re.search(pattern, self._passages[index].text, re.IGNORECASE)
                    if found:
                        return self._support.exact(index, found.start(), found.end())
        return None

    def _citations(self) -> list[Citation]:
        citations = []
        for n, source in enumerate(self._sources.values(), start=1):
            passage = source.passage
            start, end = _union(source.spans)
            citations.append(
                Citation(
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
                    verified=source.verified,
                    also=_unique(source.also),
                )
            )
        return citations


def _degenerate(sentence: str) -> bool:
    """A model stuck in a loop: some three words repeated three times or more."""
    words = re.findall(r"\w+", sentence.lower())
    triples = [tuple(words[i : i + 3]) for i in range(len(words) - 2)]
    return any(triples.count(t) >= 3 for t in set(triples))


def _normalised(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def _unique(carriers: tuple[Carrier, ...]) -> tuple[Carrier, ...]:
    return tuple({c.article_id: c for c in carriers}.values())


def _sentence_end(buffer: str) -> int | None:
    """Where the first complete sentence of `buffer` ends (quotes are never split).

    A paragraph break ends one too, and stays with the next as its separator.
    """
    lead = len(buffer) - len(buffer.lstrip())
    for match in _END.finditer(_masked(buffer), lead):
        if match.end() > lead and not is_abbreviation(buffer, match.start()):
            return match.end()
    return None


def _masked(text: str) -> str:
    """`text` with every quotation replaced by as many letters, so offsets stay the same."""
    return _QUOTED.sub(lambda m: "q" * len(m.group(0)), text)


# What joins two markers ("[1] and [2]") is no claim of its own.
_CONNECTOR = re.compile(r"[\W_]*(?:and|dan|serta|or|atau)?[\W_]*", re.IGNORECASE)
# A sentence opening with its marker ("[2] says that …", "[1] menyebutkan bahwa …").
_REPORTING = re.compile(
    r"^\s*(?:also\s+)?(?:mentions|says|states|reports|notes|adds|explains|confirms|shows)"
    r"(?:\s+that)?\s+"
    r"|^\s*(?:juga\s+)?(?:menyebutkan|mengatakan|menyatakan|melaporkan|menyebut)(?:\s+bahwa)?\s+",
    re.IGNORECASE,
)


def _claims(sentence: str, n_passages: int) -> list[_Claim]:
    """The sentence cut before each run of markers.

    A short tail after the last run (", too.") joins the claim before it; a longer one is a
    claim of its own, cited to nothing yet.
    """
    claims: list[_Claim] = []
    position = 0
    leading: list[int] = []  # "[3] mentions that …": the marker cites what follows
    for match in _MARKERS.finditer(_masked(sentence)):  # "[1]" quoted from an article is text
        text = sentence[position : match.start()]
        cited = [n - 1 for g in re.findall(_NUMBERS, match.group(0)) for n in _numbers(g)]
        cited = [i for i in dict.fromkeys(cited) if 0 <= i < n_passages]
        if re.search(r"[^\W\d_]{2}", text) and not _CONNECTOR.fullmatch(text):
            said = _without_reporting_verb(text) if leading else text
            claims.append(_Claim(said, leading + cited))
            leading = []
        elif claims:
            claims[-1].cited += cited
        else:
            leading += cited
        position = match.end()
    tail = _trailing_punctuation(sentence[position:])
    if len(re.findall(r"[^\W\d_]{2,}", tail)) >= 3 or not claims:
        if re.search(r"[^\W\d_]{2}", tail):
            claims.append(_Claim(_without_reporting_verb(tail) if leading else tail, leading))
    elif tail.strip():
        claims[-1].text += tail
    return claims


def _without_reporting_verb(text: str) -> str:
    """What follows a sentence's opening marker: "mentions that the meeting …" → "The meeting …"."""
    rest = _REPORTING.sub("", text, count=1)
    body = rest.lstrip()
    return body[:1].upper() + body[1:]


def _trailing_punctuation(tail: str) -> str:
    return re.sub(r"[.!?…][\"'”’»)]*\s*$", "", tail)


def _closing(sentence: str) -> str:
    """The sentence's final punctuation, unless a marker ends it ("… [1]." but "…. [1]")."""
    match = re.search(r"[.!?…][\"'”’»)]*$", sentence)
    return match.group(0) if match else ""


def _numbers(group: str) -> list[int]:
    numbers: list[int] = []
    for part in re.split(r"\s*[,;]\s*", group):
        low, _, high = re.sub(r"\s", "", part).replace("–", "-").partition("-")
        if high and int(high) >= int(low) and int(high) - int(low) < 20:
            numbers.extend(range(int(low), int(high) + 1))
        else:
            numbers.append(int(low))
    return numbers


def _union(spans: list[tuple[int, int]]) -> tuple[int, int]:
    """One quote for all claims on a source: their union when the spans touch, else the first."""
    ordered = sorted(set(spans))
    if all(b[0] - a[1] <= 2 for a, b in pairwise(ordered)):
        return ordered[0][0], max(end for _, end in ordered)
    return spans[0]
