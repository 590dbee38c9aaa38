"""Who a sentence names, in which role: Russia acting, partners, venues, commentators.

A country is no partner when it is only where something happens ("bertemu di Turkmenistan"),
the theatre, target or enemy of a war ("perang di Ukraina", "serangan Israel terhadap Iran"),
a critic or a commentator ("Israel mengecam …", "kata Seoul"), an example in a list, a topic,
or one of several countries acting alike beside Russia.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.text.event_cues import (
    ATTRIBUTE_BEFORE,
    ATTRIBUTION_BEFORE,
    CO_ACTOR_JOIN,
    CRITICISES_AFTER,
    HOSTILE,
    LIST_JOIN,
    LIST_START,
    MEETING,
    MEMBERSHIP_BEFORE,
    NOT_PARTNERS,
    RUSSIA_LED,
    SAYS_AFTER,
    TOGETHER,
    TOPIC_BEFORE,
    VENUE_BEFORE,
    WAR_AFTER,
    WAR_BEFORE,
)
from rag.text.gazetteer import Mention

_CLAUSE = re.compile(r"[,;:]|(?<!\w)(?:tetapi|namun|sedangkan|sementara|but|while|whereas)(?!\w)")


@dataclass(frozen=True)
class Sentence:
    """A sentence of an article: `text == article_text[start:end]`."""

    start: int
    end: int
    text: str


@dataclass
class Parties:
    """Who a sentence names, by role."""

    russia: bool = False
    actors: list[str] = field(default_factory=list)
    venues: list[str] = field(default_factory=list)
    claimed: bool = False  # a third country is who says it: "kata Seoul"


def _listed(text: str, sentence: Sentence, inside: list[Mention]) -> set[Mention]:
    """Mentions that only give examples: "anggota EAEU, yakni Armenia, Belarus, dan Rusia"."""
    listed: set[Mention] = set()
    previous: Mention | None = None
    closed = False  # "A, B dan C": the list ends with its "dan"
    for mention in inside:
        gap = text[previous.end : mention.start] if previous else ""
        if previous in listed and not closed and LIST_JOIN.match(gap):
            listed.add(mention)
            closed = bool(re.search(r"\b(?:dan|and|serta|atau|or)\b|&", gap))
        elif LIST_START.search(text[sentence.start : mention.start]):
            listed.add(mention)
            closed = False
        previous = mention
    return listed


def roles_in(text: str, sentence: Sentence, inside: list[Mention]) -> Parties:
    """Russia acting, and the countries a sentence names as partners, venues or commentators."""
    listed = _listed(text, sentence, inside)
    named = [m for m in inside if m not in listed]
    hostile = _hostile_clauses(sentence)
    # Russia as only the place of something ("kata Sugiono di St. Petersburg") does not act,
    # unless the sentence is about a visit or a meeting there.
    visit = bool(MEETING.search(sentence.text))
    russia = [
        m
        for m in named
        if m.canonical in RUSSIA_LED | {"Russia"}
        and not _at_war(text, sentence, m)
        and (visit or not VENUE_BEFORE.search(text[sentence.start : m.start]))
    ]
    beside = _beside_russia(text, named, russia)
    actors: list[str] = []
    venues: list[str] = []
    sayers: list[str] = []
    co_actors: list[str] = []
    listed_with: list[str] = []
    critics: set[str] = set()
    for m in named:
        if m.canonical in NOT_PARTNERS:
            continue
        before, after = text[sentence.start : m.start], text[m.end : sentence.end]
        if CRITICISES_AFTER.match(after):
            critics.add(m.canonical)
        elif SAYS_AFTER.match(after) or ATTRIBUTION_BEFORE.search(before):
            sayers.append(m.canonical)
        elif (
            _at_war(text, sentence, m)
            or ATTRIBUTE_BEFORE.search(before)
            or MEMBERSHIP_BEFORE.search(before)
            or TOPIC_BEFORE.search(before)
            or any(s <= m.start < e for s, e in hostile)
        ):
            continue
        elif VENUE_BEFORE.search(before) and not m.person:
            venues.append(m.canonical)
        elif m in beside:
            (listed_with if beside[m] else co_actors).append(m.canonical)
        else:
            actors.append(m.canonical)
    together = bool(TOGETHER.search(sentence.text))
    if not actors or together:
        actors += co_actors
    if together:
        actors += listed_with
    # Someone who only says something is a partner when nobody else is one.
    actors = list(dict.fromkeys(actors or sayers))
    commentators = critics | set(sayers)
    return Parties(
        russia=bool(russia),
        actors=actors,
        venues=[v for v in dict.fromkeys(venues) if v not in actors],
        claimed=bool(commentators - set(actors)),
    )


def _beside_russia(text: str, named: list[Mention], russia: list[Mention]) -> dict[Mention, bool]:
    """Countries named side by side with Russia: "Rusia dan Tiongkok" (False: a pair, who may
    act with each other), "China, Jepang, dan Rusia" (True: one of several acting alike)."""
    beside: dict[Mention, bool] = {}
    chain: list[Mention] = []
    for mention in [*named, None]:
        if mention and chain and CO_ACTOR_JOIN.match(text[chain[-1].end : mention.start]):
            chain.append(mention)
            continue
        if any(m in russia and m.canonical == "Russia" for m in chain):
            several = len({m.canonical for m in chain}) > 2
            beside.update({m: several for m in chain if m not in russia})
        chain = [mention] if mention else []
    return beside


def _at_war(text: str, sentence: Sentence, mention: Mention) -> bool:
    """Named as theatre, target or enemy: "invasi Rusia ke Ukraina", "sanksi AS"."""
    before = text[sentence.start : mention.start]
    return bool(WAR_BEFORE.search(before) or WAR_AFTER.match(text[mention.end : sentence.end]))


def _hostile_clauses(sentence: Sentence) -> list[tuple[int, int]]:
    """Absolute spans of the clauses that speak of tension ("hubungan … akan semakin buruk")."""
    spans, start = [], 0
    for cut in [*_CLAUSE.finditer(sentence.text), None]:
        end = cut.start() if cut else len(sentence.text)
        if HOSTILE.search(sentence.text[start:end]):
            spans.append((sentence.start + start, sentence.start + end))
        start = cut.end() if cut else end
    return spans
