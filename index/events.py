"""Partnership events: what an article reports Russia doing with another country or bloc.

Rule-based and offline. A sentence that names Russia (or its leaders, ministries, state
companies) and a partner, with a word of cooperation or contact, gives one event per partner
and kind; a sentence whose subject is "keduanya" / "both" takes the parties of the sentence
before. Countries that are only a war theatre, a target, a venue or a commentator are no
partners. The date is what the sentence says, resolved against the article's date, and empty
when it says nothing: never the article's own date by default.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from itertools import pairwise

from index.clean import Article
from index.event_actors import actors_in, place_in
from index.event_roles import Sentence, roles_in
from rag.catalog import EventRecord
from rag.events import KINDS
from rag.text.dates import find_dates
from rag.text.event_cues import (
    AGREED,
    ALLEGED,
    DEAL_AGAIN,
    HOSTILE,
    KIND_CUES,
    MEETING,
    MEETING_AGAIN,
    NEUTRAL,
    PLACE_BEFORE_PRONOUN,
    PLANNED,
    PRONOUN,
    QUOTED_BEFORE,
    RELATION,
    REPORTED_AFTER,
    SIGNED,
    WAR_DATE_BEFORE,
    WEAK_RELATION,
)
from rag.text.gazetteer import Mention, gazetteer
from rag.text.sentences import OUTLET, split_sentences, strip_dateline
from rag.text.tokens import words

# How many sentences back "keduanya" / "both" may point.
_PRONOUN_REACH = 2
# Kinds whose officials' meeting is of that kind, not diplomatic.
_OFFICIALS = {"military", "security"}
# The first quotation mark of the sentence closes a quotation begun before it, whose parties
# it keeps (not its date): ‘…naik 40 persen,” ungkap Putin’.
_CONTINUED_QUOTE = re.compile(r"^[^“\"]*[^\s“\"][”\"]")
_GLUED = re.compile(r"(?<=[a-z]{3}[.!?])(?=[A-Z][a-z])")
# Where one partner's clause ends and another's begins: "…dengan Israel, sembari … dengan Iran".
_PARTS = re.compile(
    r"[;—–]|(?<!\w)(?:sembari|sambil|sementara|sedangkan|tetapi|namun|while|whereas|but)(?!\w)"
    r"|,\s+(?:dan|and)\s+(?=[A-Z])"
)


@dataclass(frozen=True)
class _Context:
    """The last sentence that named Russia and a partner: its parties, date and events."""

    index: int = -_PRONOUN_REACH - 1
    partners: tuple[str, ...] = ()
    date: str = ""
    events: tuple[int, ...] = ()  # positions in the article's list of events


def extract_events(article: Article) -> list[EventRecord]:
    """The partnership events `article` reports, in text order, one per fact, partner and kind."""
    text = article.text
    mentions = _with_short_names(text, gazetteer().find(text))
    events: list[EventRecord] = []
    seen: dict[tuple[str, str, str, str], set[str]] = {}
    last = last_meeting = _Context()
    for index, sentence in enumerate(_sentences(text)):
        inside = [m for m in mentions if sentence.start <= m.start and m.end <= sentence.end]
        parties = roles_in(text, sentence, inside)
        when = _date(sentence.text, article.date)
        # "pertemuan tersebut" is the last meeting; "keduanya", "kesepakatan itu" the last
        # sentence with both parties: their parties, and their date when none is given, or
        # this sentence's date for them when they had none.
        meeting = bool(MEETING_AGAIN.search(sentence.text))
        before = last_meeting if meeting else last
        near = index - before.index <= _PRONOUN_REACH
        if near and when and (meeting or DEAL_AGAIN.search(sentence.text)):
            for i in before.events:
                events[i] = replace(events[i], date=events[i].date or when)
        refers = near and (meeting or _refers_back(sentence.text))
        if parties.russia and (parties.actors or parties.venues):
            partners = parties.actors or parties.venues
        elif refers or (near and _CONTINUED_QUOTE.match(sentence.text)):
            partners = list(before.partners)
        else:
            continue
        fallback = before.date if refers and set(partners) & set(before.partners) else ""
        found: list[EventRecord] = []
        if _related(sentence.text, inherited=not parties.russia):
            found = _unseen(
                _events(article, sentence, inside, partners, parties.claimed, fallback), seen
            )
        positions = tuple(range(len(events), len(events) + len(found)))
        last = _Context(index, tuple(partners), when or fallback, positions)
        if MEETING.search(sentence.text):
            last_meeting = last
        events += found
    return events


def _unseen(
    events: list[EventRecord], seen: dict[tuple[str, str, str, str], set[str]]
) -> list[EventRecord]:
    """Leave out a repeat of an earlier event that names no new actor (the same meeting told
    again)."""
    kept = []
    for event in events:
        key = (event.partner, event.kind, event.status, event.date)
        names = set(event.actors.split("; ")) - {""}
        if key not in seen or not seen[key].issuperset(names):
            seen.setdefault(key, set()).update(names)
            kept.append(event)
    return kept


def _sentences(text: str) -> list[Sentence]:
    """The sentences, datelines cut off, split where scraping glued two ("Andina.Lebih")."""
    found = []
    for start, end in split_sentences(text):
        start = _after_dateline(text, start, end)
        cuts = [start, *(start + m.end() for m in _GLUED.finditer(text[start:end])), end]
        for a, b in pairwise(cuts):
            found.append(Sentence(a, b, text[a:b]))
    return found


def _refers_back(sentence: str) -> bool:
    """Whether "keduanya", "kedua negara", "both" stands for the parties met just before."""
    return any(
        not PLACE_BEFORE_PRONOUN.search(sentence[: m.start()]) for m in PRONOUN.finditer(sentence)
    )


def _events(
    article: Article,
    sentence: Sentence,
    inside: list[Mention],
    partners: list[str],
    claimed: bool,
    fallback_date: str,
) -> list[EventRecord]:
    """One event per partner, kind and part of the sentence that names the partner."""
    shifted = [_shift(m, sentence.start) for m in inside]
    names = "; ".join(actors_in(sentence.text, shifted))
    place = place_in(sentence.text, shifted)
    found = []
    for partner in partners:
        for offset, part in _parts_naming(sentence, partner, inside):
            status = _status(part, claimed)
            for kind, cues in _kinds(part).items():
                when = _date(part, article.date, near=cues)
                found.append(
                    EventRecord(
                        event_id=_event_id(article.article_id, sentence, offset, partner, kind),
                        article_id=article.article_id,
                        partner=partner,
                        kind=kind,
                        date=when or fallback_date,
                        status=status,
                        actors=names,
                        place=place,
                        quote=sentence.text,
                        start=sentence.start,
                        end=sentence.end,
                    )
                )
    return found


def _parts_naming(sentence: Sentence, partner: str, inside: list[Mention]) -> list[tuple[int, str]]:
    """(offset, text) of the parts of the sentence that say something of `partner` ("…hubungan
    hangat dengan Israel, sembari membangun hubungan ekonomi dan militer … dengan Iran"); the
    whole sentence when it is one part, or the partner is only "keduanya"."""
    cuts = [0, *(i for m in _PARTS.finditer(sentence.text) for i in m.span()), len(sentence.text)]
    spans = list(zip(cuts[::2], cuts[1::2], strict=True))
    if len(spans) == 1:
        return [(0, sentence.text)]
    starts = {m.start - sentence.start for m in inside if m.canonical == partner}
    parts = [
        (a, sentence.text[a:b])
        for a, b in spans
        if any(a <= s < b for s in starts) and RELATION.search(sentence.text[a:b])
    ]
    return parts or [(0, sentence.text)]


def _shift(mention: Mention, offset: int) -> Mention:
    """The mention with offsets into the sentence instead of the article."""
    return Mention(mention.canonical, mention.start - offset, mention.end - offset, mention.person)


def _after_dateline(text: str, start: int, end: int) -> int:
    """Where the sentence starts once a dateline ("Liputan6.com, Jakarta -") is cut off."""
    sentence = text[start:end]
    outlet = OUTLET.search(sentence[:120])
    if outlet:
        dash = re.match(r"\s*[-–—]\s*", sentence[outlet.end() :])
        if dash:
            return start + outlet.end() + dash.end()
    return start + len(sentence) - len(strip_dateline(sentence))


def _with_short_names(text: str, mentions: list[Mention]) -> list[Mention]:
    """Add the article's later mentions of a leader by one part of the name ("Li", "Shangfu")."""
    short: dict[str, Mention] = {}
    for mention in mentions:
        parts = mention.person.split()
        if len(parts) > 1:
            for part in (parts[0], parts[-1]):
                short.setdefault(part, mention)
    if not short:
        return mentions
    taken = [(m.start, m.end) for m in mentions]
    extra = [
        Mention(short[word].canonical, start, end, short[word].person)
        for word, start, end in words(text)
        if word in short and not any(s <= start < e for s, e in taken)
    ]
    return sorted(mentions + extra, key=lambda m: m.start)


def _related(sentence: str, *, inherited: bool) -> bool:
    """A word of contact or cooperation; one of mere relations does not survive hostility, nor
    carry a sentence whose parties are only "keduanya" ("hubungan keduanya")."""
    masked = NEUTRAL.sub(lambda m: " " * len(m.group(0)), sentence)
    relations = [m.group(0) for m in RELATION.finditer(masked)]
    strong = [r for r in relations if not WEAK_RELATION.fullmatch(r)]
    return bool(strong) or bool(relations and not inherited and not HOSTILE.search(sentence))


def _kinds(sentence: str) -> dict[str, list[int]]:
    """The kinds the sentence's cue words name, with where their cues are; diplomatic when
    none is more specific, or when officials meet who are not defence or security ones."""
    masked = NEUTRAL.sub(lambda m: " " * len(m.group(0)), sentence)
    found: dict[str, list[int]] = {}
    for kind, pattern in KIND_CUES:
        for match in pattern.finditer(masked):
            found.setdefault(kind, []).append(match.start())
        masked = pattern.sub(lambda m: " " * len(m.group(0)), masked)
    meetings = [m.start() for m in MEETING.finditer(sentence)]
    if not set(found) - {"diplomatic"} or (meetings and not set(found) & _OFFICIALS):
        found.setdefault("diplomatic", []).extend(meetings)
    return {kind: found[kind] for kind in KINDS if kind in found}


def _status(sentence: str, claimed: bool) -> str:
    """alleged, signed, agreed, planned or held, in that order of precedence."""
    if claimed or ALLEGED.search(sentence):
        return "alleged"
    planned = PLANNED.search(sentence)
    for status, pattern in (("signed", SIGNED), ("agreed", AGREED)):
        done = pattern.search(sentence)
        if done:
            # "akan menandatangani": a signing still to come.
            ahead = planned and planned.start() < done.start() <= planned.end() + 60
            return "planned" if ahead else status
    return "planned" if planned else "held"


def _date(sentence: str, article_date: str, near: list[int] | None = None) -> str:
    """The date the sentence states for the event: of several, the one nearest the event's
    cue words (`near`), never one of the war; when a source was quoted or the news reported
    ("kata Putin, Kamis (19/6)") only when it gives no other."""
    dates = [
        (start, end, iso)
        for start, end, iso in find_dates(sentence, article_date)
        if not WAR_DATE_BEFORE.search(sentence[:start])
    ]
    stated = [
        (start, end, iso)
        for start, end, iso in dates
        if not (QUOTED_BEFORE.search(sentence[:start]) or REPORTED_AFTER.match(sentence[end:]))
    ]
    candidates = stated or dates
    if not candidates:
        return ""
    if not near:
        return candidates[0][2]
    return min(candidates, key=lambda d: min(max(d[0] - i, i - d[1], 0) for i in near))[2]


def _event_id(article_id: str, sentence: Sentence, part: int, partner: str, kind: str) -> str:
    key = f"{article_id}\0{sentence.start}\0{sentence.end}\0{part}\0{partner}\0{kind}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]
