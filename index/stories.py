"""Group near-duplicate news articles into stories with MinHash.

Indonesian news is heavily syndicated: one agency text or press release runs in several outlets
(or twice in one outlet) with a new lead, a new headline, a shortened body. At index time each
article gets a compact MinHash `signature` of its text; `group_stories` recomputes every story
from the stored signatures, so adding articles later is just another call over all of them.

How a signature is made: the text is normalised (lowercased; outlet domains such as
"Liputan6.com", the opening dateline "Jakarta -", page furniture lines such as
"[Gambas:Video 20detik]" and punctuation dropped), cut into overlapping 4-word shingles, and
each shingle is hashed (blake2b) and min-hashed under 256 multiply-shift hash functions. The
bytes hold a header (format version, number of distinct shingles, the days of the month the
text states, such as "(18/6/2025)" or "18 Juni") and the 256 minima. All of
it comes from fixed constants, so signatures stay valid across processes, machines and numpy
versions.

How articles are grouped:

1. Candidates: LSH banding, 128 bands of 2 minima. A pair whose shingle sets have Jaccard
   similarity 0.2 shares a band with probability 0.995.
2. Match: the estimated Jaccard similarity (the share of equal minima) is at least `THRESHOLD`.
   Two articles from the same outlet must also pass three checks, because an outlet reuses its
   own text in ways other outlets do not:

   - similarity at least `SAME_OUTLET_THRESHOLD`: outlets reuse their own background
     paragraphs across different reports;
   - the later one is less than `FOLLOW_UP_GROWTH` times longer than the earlier one: a longer
     later piece is a follow-up that prints the earlier report under new facts;
   - they state at least one day in common (when both state days): a copy keeps the dates it
     states, while a daily template (prayer times, match schedules, prices) states a new day
     in each edition. "(18/6/2025)" stamps are compared when both texts have them, else named
     days ("18 Juni"). Other outlets re-date what they copy, so this check is for one outlet.

3. Stories: members are taken in canonical order (below); each one joins the earliest story
   whose canonical member it matches, or starts a new story. A member that only matches other
   members of a story (a later digest quoting several reports, say) cannot chain stories.

Canonical member (its article_id is the story_id): the earliest date; on equal dates an article
that credits a wire agency; then the smallest article_id. Articles whose date cannot be read
come after all dated ones. The result does not depend on the order of the input.
"""

from __future__ import annotations

import hashlib
import re
import struct
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

import numpy as np

SHINGLE_WORDS = 4
NUM_PERM = 256
BAND_ROWS = 2
# Chosen on bench/data/story_pairs.jsonl with bench/stories_bench.py (see its output).
THRESHOLD = 0.18
SAME_OUTLET_THRESHOLD = 0.4
FOLLOW_UP_GROWTH = 1.1
# Too few shingles to tell a copy from a coincidence: such an article is a story of its own.
MIN_SHINGLES = 8
# Within one LSH bucket each member is compared with at most this many members before it.
MAX_BUCKET_PEERS = 64

Join = Literal["canonical", "majority", "components"]

_MAGIC = b"MH"
_VERSION = 1
# magic, version, shingle words, distinct shingles, stated days of the month
_HEADER = struct.Struct("<2sBBIQ")
_SIZE = _HEADER.size + 4 * NUM_PERM
_SEED = b"mitra-stories-minhash"
_MAX_HASH = 0xFFFFFFFF

_DOMAIN = re.compile(r"\b[\w-]+(?:\.[\w-]+)*\.(?:co\.id|com|id|net|tv|co)\b", re.IGNORECASE)
# What is left of "Liputan6.com, Jakarta -" or "JAKARTA, KOMPAS.com -" once the domain is gone;
# a dash with a space on one side, so that "Jakarta-Cikampek" is left alone.
_DATELINE = re.compile(
    r"^\W*(?:[^\W\d_]+\.?\s*){0,3}[,\s]*(?:(?<=\s)[-\u2013\u2014]+|[-\u2013\u2014]+(?=\s))\s*"
)
_FURNITURE = re.compile(
    r"""^\s*(?:
        \[gambas:[^\]]*\]
      | tonton\s+juga\b.*
      | saksikan\s+live\b.*
      | artikel\s+ini\s+telah\s+(?:naik|tayang)\b.*
      | baca\s+selengkapnya\b.*
      | (?:di\s+)?sini:?
      | [-_=*]{3,}
      | \([a-z]{2,4}/[a-z]{2,4}\)
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_LETTER_DIGIT = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")
_WORD = re.compile(r"\w+")
_MONTHS = (
    "januari februari maret april mei juni juli agustus september oktober november desember"
).split()
# "(18/6/2025)", "(Rabu, 18/6)": the way Indonesian news states the day of an event.
_NUMERIC_DAY = re.compile(r"\((?:[^\W\d_]+,?\s*)?(\d{1,2})/(\d{1,2})(?:/\d{2,4})?\)")
_NAMED_DAY = re.compile(rf"\b(\d{{1,2}})\s+({'|'.join(_MONTHS)})\b", re.IGNORECASE)


def _coefficients() -> tuple[np.ndarray, np.ndarray]:
    """The multiply-shift hash functions, derived from blake2b so that they never change."""
    raw = b"".join(
        hashlib.blake2b(_SEED + i.to_bytes(4, "little"), digest_size=16).digest()
        for i in range(NUM_PERM)
    )
    pairs = np.frombuffer(raw, dtype="<u8").reshape(NUM_PERM, 2)
    return pairs[:, 0] | np.uint64(1), pairs[:, 1].copy()


_MUL, _ADD = _coefficients()


@dataclass(frozen=True)
class StoryMember:
    """What `group_stories` needs to know about one stored article."""

    article_id: str
    date: str
    outlet: str
    signature: bytes
    agency: str = ""


@dataclass(frozen=True)
class _Decoded:
    """Stored signatures unpacked: minima (n x NUM_PERM), shingle counts, day fingerprints."""

    values: np.ndarray
    sizes: np.ndarray
    days: np.ndarray


def signature(text: str) -> bytes:
    """The MinHash signature of an article's word shingles, as bytes to store.

    Args:
        text: The cleaned article body.

    Returns:
        1,040 bytes: a 16-byte header and 256 little-endian 32-bit minima.
    """
    grams = _shingles(text)
    header = _HEADER.pack(_MAGIC, _VERSION, SHINGLE_WORDS, len(grams), _stated_days(text))
    return header + _minhash(grams).astype("<u4").tobytes()


def group_stories(
    members: Sequence[StoryMember],
    *,
    threshold: float = THRESHOLD,
    join: Join = "canonical",
) -> dict[str, str]:
    """Group articles into stories of near-duplicates.

    Args:
        members: The articles, with signatures made by `signature`; any order.
        threshold: Estimated Jaccard similarity from which two articles of different outlets
            are the same story (same-outlet pairs need at least `SAME_OUTLET_THRESHOLD`).
        join: How matched pairs become stories: "canonical" (a member must match the
            story's canonical member), "majority" (it must match more than half of the
            story's members), or "components" (connected components, which can chain).

    Returns:
        article_id -> story_id, the article_id of the story's canonical member.

    Raises:
        ValueError: On a repeated article_id, a signature not made by `signature`, or an
            unknown `join`.
    """
    joins = {
        "canonical": _join_canonical,
        "majority": _join_majority,
        "components": _join_components,
    }
    if join not in joins:
        raise ValueError(f"group_stories: unknown join {join!r}")
    if not members:
        return {}
    ids = [m.article_id for m in members]
    if len(set(ids)) != len(ids):
        raise ValueError("group_stories: article_id values must be unique")
    moments = [_timestamp(m.date) for m in members]
    order = sorted(range(len(members)), key=lambda i: _canonical_key(members[i], moments[i]))
    ranked = [members[i] for i in order]
    when = np.array([np.nan if moments[i] is None else moments[i] for i in order], dtype=float)
    decoded = _decode([m.signature for m in ranked])
    first, second = _matches(ranked, when, decoded, threshold)
    story = joins[join](len(ranked), first, second)
    return {m.article_id: ranked[story[r]].article_id for r, m in enumerate(ranked)}


def _normalise(text: str) -> list[str]:
    """The words of `text` without outlet furniture: lowercase, no punctuation."""
    lines = [line for line in text.splitlines() if not _FURNITURE.match(line)]
    body = _DOMAIN.sub(" ", "\n".join(lines)).lstrip()
    head = _DATELINE.match(body[:60])
    if head:
        body = body[head.end() :]
    body = _LETTER_DIGIT.sub(" ", body.lower().replace("%", " persen "))
    return _WORD.findall(body)


def _shingles(text: str) -> set[str]:
    """The distinct 4-word shingles of the normalised text (one shingle if it is shorter)."""
    words = _normalise(text)
    if not words:
        return set()
    return {
        " ".join(words[i : i + SHINGLE_WORDS])
        for i in range(max(1, len(words) - SHINGLE_WORDS + 1))
    }


def _minhash(grams: Collection[str]) -> np.ndarray:
    """The NUM_PERM minima (uint32) of the shingles under the fixed hash functions."""
    minima = np.full(NUM_PERM, _MAX_HASH, dtype=np.uint64)
    tokens = np.fromiter(
        (
            int.from_bytes(hashlib.blake2b(g.encode(), digest_size=4).digest(), "little")
            for g in grams
        ),
        dtype=np.uint64,
        count=len(grams),
    )
    # Chunks keep the (shingles x hash functions) block small for very long texts.
    for start in range(0, len(tokens), 2048):
        block = tokens[start : start + 2048, None] * _MUL[None, :] + _ADD[None, :]
        np.minimum(minima, (block >> np.uint64(32)).min(axis=0), out=minima)
    return minima.astype(np.uint32)


def _stated_days(text: str) -> int:
    """The days of the month the text states, as a 64-bit mask; 0 when it states none.

    Days in "(18/6/2025)" stamps set the low 32 bits, days named as in "18 Juni" the high 32
    bits. A stamp says when a statement was made or an event happened; named days also point
    to other dates ("hingga 14 Juli"), so they are compared only when two texts do not both
    carry stamps.
    """
    stamped = named = 0
    for day, month in _NUMERIC_DAY.findall(text):
        if 1 <= int(day) <= 31 and 1 <= int(month) <= 12:
            stamped |= 1 << int(day)
    for day, _month in _NAMED_DAY.findall(text):
        if 1 <= int(day) <= 31:
            named |= 1 << int(day)
    return stamped | named << 32


def _canonical_key(member: StoryMember, moment: float | None) -> tuple[int, float, int, str]:
    """Sort key of the canonical rule: dated first, earliest, agency-crediting, smallest id."""
    return (
        0 if moment is not None else 1,
        moment if moment is not None else 0.0,
        0 if member.agency.strip() else 1,
        member.article_id,
    )


def _timestamp(date: str) -> float | None:
    """Seconds since the epoch for an ISO 8601 date or datetime (UTC when no offset is given)."""
    text = date.strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _decode(signatures: Sequence[bytes]) -> _Decoded:
    """Unpack stored signatures, checking that `signature` of this format made them."""
    if any(len(s) != _SIZE for s in signatures):
        raise ValueError(f"signature must be {_SIZE} bytes, as made by index.stories.signature")
    raw = np.frombuffer(b"".join(signatures), dtype=np.uint8).reshape(len(signatures), _SIZE)
    expected = np.frombuffer(_HEADER.pack(_MAGIC, _VERSION, SHINGLE_WORDS, 0, 0)[:4], np.uint8)
    if not (raw[:, :4] == expected).all():
        raise ValueError("signature has an unknown format: recompute it with this version")
    return _Decoded(
        values=raw[:, _HEADER.size :].copy().view("<u4"),
        sizes=raw[:, 4:8].copy().view("<u4").ravel().astype(np.int64),
        days=raw[:, 8:16].copy().view("<u8").ravel(),
    )


def _matches(
    ranked: Sequence[StoryMember], moments: np.ndarray, decoded: _Decoded, threshold: float
) -> tuple[np.ndarray, np.ndarray]:
    """Matching pairs (a, b) of ranks, a < b; `moments` are the ranked members' timestamps."""
    values, sizes, days = decoded.values, decoded.sizes, decoded.days
    first, second = _candidates(values, sizes)
    if not len(first):
        return first, second
    similarity = np.empty(len(first))
    for start in range(0, len(first), 65536):
        a, b = first[start : start + 65536], second[start : start + 65536]
        similarity[start : start + 65536] = (values[a] == values[b]).mean(axis=1)
    outlets = _codes([m.outlet.strip().lower().removeprefix("www.") for m in ranked])
    same_outlet = (outlets[first] == outlets[second]) & (outlets[first] >= 0)
    needed = np.where(same_outlet, max(threshold, SAME_OUTLET_THRESHOLD), threshold)
    # Ranks follow dates, so `second` is the later article when both are dated and differ.
    later = moments[second] > moments[first]
    follow_up = later & (sizes[second] >= FOLLOW_UP_GROWTH * sizes[first])
    other_day = _no_day_in_common(days[first], days[second])
    keep = (similarity >= needed) & ~(same_outlet & (follow_up | other_day))
    return first[keep], second[keep]


def _no_day_in_common(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pairs whose texts state days but none in common: stamps if both have them, else names."""
    low, shift = np.uint64(0xFFFFFFFF), np.uint64(32)
    stamp_a, stamp_b, name_a, name_b = a & low, b & low, a >> shift, b >> shift
    stamped = (stamp_a != 0) & (stamp_b != 0)
    named = (name_a != 0) & (name_b != 0)
    return np.where(stamped, (stamp_a & stamp_b) == 0, named & ((name_a & name_b) == 0))


def _codes(names: Sequence[str]) -> np.ndarray:
    """An integer per distinct non-empty name, -1 for an empty one."""
    index: dict[str, int] = {}
    return np.array([index.setdefault(n, len(index)) if n else -1 for n in names], dtype=int)


def _candidates(values: np.ndarray, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of ranks (a < b) that share at least one LSH band, without repeats."""
    n = len(values)
    eligible = np.flatnonzero(sizes >= MIN_SHINGLES)
    found: list[np.ndarray] = []
    if len(eligible) < 2:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    # Two adjacent 32-bit minima read as one 64-bit number are a band's exact key.
    keys = np.ascontiguousarray(values[eligible]).view(np.uint64)
    for band in range(keys.shape[1]):
        key = np.ascontiguousarray(keys[:, band])
        order = np.argsort(key)
        sorted_key = key[order]
        members = eligible[order]
        same = sorted_key[1:] == sorted_key[:-1]
        if not same.any():
            continue
        run = same
        for distance in range(1, MAX_BUCKET_PEERS + 1):
            hits = np.flatnonzero(run)
            if not len(hits):
                break
            a, b = members[hits], members[hits + distance]
            found.append(np.minimum(a, b) * n + np.maximum(a, b))
            run = run[:-1] & same[distance:]
        if len(run) and run.any():
            found.append(_bucket_heads(sorted_key, members, n))
        if len(found) > 64:
            found = [np.unique(np.concatenate(found))]
    if not found:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    codes = np.unique(np.concatenate(found))
    return codes // n, codes % n


def _bucket_heads(sorted_key: np.ndarray, members: np.ndarray, n: int) -> np.ndarray:
    """For buckets too big to compare all pairs: every member against the bucket's earliest."""
    starts = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
    earliest = np.minimum.reduceat(members, starts)
    heads = np.repeat(earliest, np.diff(np.r_[starts, len(members)]))
    tail = heads != members
    return heads[tail] * n + members[tail]


def _neighbours(n: int, first: np.ndarray, second: np.ndarray) -> list[list[int]]:
    """For each rank, the earlier ranks it matches, earliest first."""
    earlier: list[list[int]] = [[] for _ in range(n)]
    for a, b in sorted(zip(first.tolist(), second.tolist(), strict=True)):
        earlier[b].append(a)
    return earlier


def _join_canonical(n: int, first: np.ndarray, second: np.ndarray) -> list[int]:
    """Story (as its canonical rank) of each rank: join a story only through its canonical."""
    story = list(range(n))
    for rank, earlier in enumerate(_neighbours(n, first, second)):
        # Ranks are in canonical order, so the first canonical neighbour is the earliest story.
        story[rank] = next((a for a in earlier if story[a] == a), rank)
    return story


def _join_majority(n: int, first: np.ndarray, second: np.ndarray) -> list[int]:
    """Story of each rank: join the story it matches most, if that is over half its members."""
    story = list(range(n))
    size = [1] * n
    for rank, earlier in enumerate(_neighbours(n, first, second)):
        votes: dict[int, int] = defaultdict(int)
        for a in earlier:
            votes[story[a]] += 1
        best = min(votes, key=lambda s: (-votes[s], s), default=None)
        if best is not None and 2 * votes[best] > size[best]:
            story[rank] = best
            size[best] += 1
    return story


def _join_components(n: int, first: np.ndarray, second: np.ndarray) -> list[int]:
    """Story of each rank: connected components, named by their earliest rank."""
    parent = list(range(n))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in zip(first.tolist(), second.tolist(), strict=True):
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return [root(r) for r in range(n)]
