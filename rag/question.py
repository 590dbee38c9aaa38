"""Question analysis, done once per question.

It finds the question's language, the kind of answer it wants (who, when, where, how many, why,
what was said, which), the terms an answer must be about, the time it names, and whether it
asks across articles ("which countries…", "negara mana saja…").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from rag.text.dates import Period, question_period
from rag.text.language import detect_language
from rag.text.terms import SAY_CUES, Term, extract_terms
from rag.text.tokens import words as tokens


@dataclass(frozen=True)
class Query:
    """What a question asks for (`kind`) and about (`terms`)."""

    text: str
    language: str
    kind: str  # who, when, where, count, why, say, which, yesno, what
    terms: list[Term]
    quoting: bool = False  # the question asks what someone said ("who called Myanmar ...")
    period: Period | None = None  # "in 2023", "since 2021", "terbaru"
    spans: bool = False  # asks for a list across articles: answered from the events

    @property
    def dated(self) -> bool:
        """The question restricts the time ("in 2023"), not only asks for the latest."""
        return bool(self.period and (self.period.since or self.period.until))

    @property
    def names(self) -> list[Term]:
        """The terms that are names (people, places, …) rather than plain words."""
        return [t for t in self.terms if t.kind != "word"]


_KINDS = (
    ("count", r"\bhow (?:many|much)\b|\bberapa (?:banyak|jumlah|orang|kali|besar)\b|\bjumlah\b"),
    (
        "when",
        r"\bwhen\b|\bwhat (?:year|date|day|month|time)\b|\bkapan\b|\b(?:tanggal|tahun|"
        r"bulan|hari) (?:berapa|apa)\b|\bsejak kapan\b",
    ),
    ("where", r"\bwhere\b|\bdi ?mana\b|\bke ?mana\b|\bdari ?mana\b|\bin which (?:city|country)\b"),
    ("why", r"\bwhy\b|\bfor what reason\b|\bmengapa\b|\bkenapa\b|\balasan\b"),
    (
        "who",
        r"\bwho(?:m|se)?\b|\bsiapa\b|\bwhich (?:\w+ )?(?:officials?|leaders?|ministers?|people|"
        r"persons?|presidents?)\b",
    ),
    ("count", r"\bberapa\b"),
    ("yesno", r"^(?:was|were|is|are|did|does|do|has|have|had|can|could|will|would)\b|^apakah\b"),
    ("what", r"\bwhat (?:kind|type|sort|form)s? of\b|\b(?:jenis|bentuk|macam) apa\b"),
    (
        "which",
        r"\bwhich\b|\bwhat (?!did|does|do|is|are|was|were|has|have|will|can)\w+|"
        r"\b\w+ mana(?:kah)? saja\b|\b(?:negara|kota|perusahaan|lembaga) mana\b|"
        r"\b\w+ apa\b|\byang mana\b|\bapa nama\b",
    ),
    ("what", r"\bwhat\b|\bapa\b"),
)


# Questions whose answer is a list gathered from many articles.
_SPANS = re.compile(
    r"\b(?:which|what) (?:other )?(?:countries|nations|states|partners|officials|leaders|"
    r"governments|meetings|agreements|deals|events)\b|\blist\b|\bhow many times\b|"
    r"\bin (?:these|the) (?:articles|reports|news)\b|\b(?:negara|pejabat|pemimpin|siapa|apa|"
    r"mana|pertemuan|perjanjian|kesepakatan) (?:mana )?saja\b|\bberapa kali\b|\bsebutkan\b|"
    r"\bdalam artikel-artikel ini\b"
)


def analyze(question: str) -> Query:
    """The kind of answer `question` wants and the terms an answer must be about."""
    lowered = " ".join(question.lower().split())
    # The question word that comes first decides: "What did he say when asked…" is not "when".
    found = [
        (m.start(), order, k) for order, (k, p) in enumerate(_KINDS) if (m := re.search(p, lowered))
    ]
    kind = min(found)[2] if found else "what"
    quoting = any(w in SAY_CUES for w, _, _ in tokens(lowered))
    if kind in ("what", "which", "yesno") and quoting:
        kind = "say"
    terms = extract_terms(question)
    if kind == "which":
        terms = _answer_type_light(lowered, terms)
    return Query(
        question,
        detect_language(question),
        kind,
        terms,
        quoting,
        question_period(question),
        bool(_SPANS.search(lowered)),
    )


def _answer_type_light(question: str, terms: list[Term]) -> list[Term]:
    """Weigh the answer-type word of "Which news agency…", "Senjata apa…" as a generic word.

    The answer names an agency or a weapon rather than saying those words.
    """
    match = re.search(
        r"\b(?:which|what)\s+((?:\S+\s+){0,2}\S+)|(\S+(?:\s+\S+)?)\s+(?:apa|mana)\b", question
    )
    if not match:
        return terms
    phrase = match.group(1) or match.group(2)
    for i, term in enumerate(terms):
        if term.kind == "word" and term.text.lower() in phrase:
            return [*terms[:i], replace(term, weight=0.5), *terms[i + 1 :]]
    return terms
