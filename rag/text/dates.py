"""Dates: month names in both languages, and the one way dates are shown to readers."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {
    "januari": 1,
    "january": 1,
    "jan": 1,
    "februari": 2,
    "february": 2,
    "feb": 2,
    "maret": 3,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "may": 5,
    "juni": 6,
    "june": 6,
    "jun": 6,
    "juli": 7,
    "july": 7,
    "jul": 7,
    "agustus": 8,
    "august": 8,
    "agu": 8,
    "aug": 8,
    "agt": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "october": 10,
    "okt": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "desember": 12,
    "december": 12,
    "des": 12,
    "dec": 12,
}
# The full month names, English and Indonesian, as a regex alternation.
MONTH_NAMES = "|".join(
    n for n in MONTHS if len(n) > 4 or n in ("mei", "may", "juni", "june", "juli", "july")
)
_ABBREVIATED = {
    "en": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(),
    "id": "Jan Feb Mar Apr Mei Jun Jul Agu Sep Okt Nov Des".split(),
}
_ISO = re.compile(r"(\d{4}|-)-(\d{2})(?:-(\d{2}))?(?:$|T)")


def format_date(iso: str, language: str = "en") -> str:
    """An ISO date for readers: `2022-09-19` → `19 Sep 2022`.

    Likewise `--08-17` → `17 Aug` (`17 Agu`) and `2022-08` → `Aug 2022`; anything else as it is.
    """
    match = _ISO.match(iso.strip())
    if not match:
        return iso.strip()
    year, month, day = match.groups()
    if not 1 <= int(month) <= 12:
        return iso.strip()
    name = _ABBREVIATED["id" if language == "id" else "en"][int(month) - 1]
    parts = [str(int(day)) if day else "", name, "" if year == "-" else year]
    return " ".join(p for p in parts if p)


# Finding dates in text ----------------------------------------------------------------------

WEEKDAYS = {
    "senin": 0,
    "selasa": 1,
    "rabu": 2,
    "kamis": 3,
    "jumat": 4,
    "jum'at": 4,
    "sabtu": 5,
    "minggu": 6,
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
_COUNTS = {
    "se": 1,
    "satu": 1,
    "dua": 2,
    "tiga": 3,
    "empat": 4,
    "lima": 5,
    "enam": 6,
    "tujuh": 7,
    "delapan": 8,
    "sembilan": 9,
    "sepuluh": 10,
    "a": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_UNITS = {
    "hari": "day",
    "pekan": "week",
    "minggu": "week",
    "bulan": "month",
    "tahun": "year",
    "day": "day",
    "days": "day",
    "week": "week",
    "weeks": "week",
    "month": "month",
    "months": "month",
    "year": "year",
    "years": "year",
}
_ANY_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_FULL_MONTH = "|".join(sorted(MONTH_NAMES.split("|"), key=len, reverse=True))
_WEEKDAY = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_YEAR = r"(?:19|20)\d\d"
# Words after a date that say which occurrence is meant: "Juni tahun lalu", "Juli lalu".
_WHICH = (
    r"tahun\s+lalu|tahun\s+ini|tahun\s+depan|last\s+year|this\s+year|next\s+year"
    r"|yang\s+lalu|lalu|kemarin|depan|mendatang"
)
_YEAR_STEPS = {
    "tahun lalu": -1,
    "last year": -1,
    "tahun ini": 0,
    "this year": 0,
    "this": 0,
    "tahun depan": 1,
    "next year": 1,
}
# Words before a date that put it ahead: "akan bertemu pada Kamis".
_AHEAD = re.compile(
    r"\b(?:akan|bakal|dijadwalkan|direncanakan|rencananya|hendak|will|scheduled|due to)\b[^.!?]*$",
    re.IGNORECASE,
)
_PAST = re.compile(r"lalu|kemarin|last|ago", re.IGNORECASE)
_NEXT = re.compile(r"depan|mendatang|next", re.IGNORECASE)

_PATTERNS: dict[str, re.Pattern[str]] = {
    "iso": re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b"),
    # "Selasa (16/8)", "Jumat(14/4/23)", "Senin, 16/6/2025", "(19/9/2022)": a weekday or a year
    # tells a date from a fraction such as "(2/3)".
    "numeric": re.compile(
        rf"(?:\b(?:hari\s+)?(?P<weekday>{_WEEKDAY})\s*,?\s*\(?\s*|\(\s*(?:{_WEEKDAY})\s*,?\s*)"
        r"(?P<d>\d{1,2})/(?P<m>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?/?(?:\s*\))?(?![\d/])"
        r"|\((?P<d2>\d{1,2})/(?P<m2>\d{1,2})/(?P<y2>\d{4}|\d{2})\)",
        re.IGNORECASE,
    ),
    # "16 Agustus 2022", "18-20 Juni", "1 Februari tahun lalu", "11 Juli"
    "day_month": re.compile(
        rf"\b(?P<d>\d{{1,2}})(?:\s*(?:-|–|—|s\.d\.?|sampai(?:\s+dengan)?|hingga|to)\s*\d{{1,2}})?"
        rf"\s+(?P<month>{_ANY_MONTH})\b(?:,?\s+(?P<y>{_YEAR})\b)?(?:\s+(?P<which>{_WHICH})\b)?",
        re.IGNORECASE,
    ),
    # "August 16, 2022", "June 16"
    "month_day": re.compile(
        rf"\b(?P<month>{_FULL_MONTH})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*[-/.:]\d)"
        rf"(?:,?\s+(?P<y>{_YEAR})\b)?",
        re.IGNORECASE,
    ),
    # "Januari-Maret 2025", "January to April 2025"
    "month_range": re.compile(
        rf"\b(?P<month>{_FULL_MONTH})\s*(?:-|–|—|s\.d\.?|sampai(?:\s+dengan)?|hingga|to|through)\s*"
        rf"(?P<month2>{_FULL_MONTH})\s+(?P<y>{_YEAR})\b",
        re.IGNORECASE,
    ),
    # "Februari 2022", "Juni tahun lalu", "Februari lalu", "last June"
    "month": re.compile(
        rf"\b(?:(?P<before>last|this|next)\s+)?(?P<month>{_FULL_MONTH})\b"
        rf"(?:\s+(?:tahun\s+)?(?P<y>{_YEAR})\b|\s+(?P<which>{_WHICH})\b)?",
        re.IGNORECASE,
    ),
    # "tahun lalu", "bulan ini", "pekan depan", "last month", "this week"
    "this_unit": re.compile(
        r"\b(?P<unit>tahun|bulan|pekan|minggu)\s+(?P<rel>lalu|kemarin|ini|depan|mendatang)\b"
        r"|\b(?P<rel2>last|this|next)\s+(?P<unit2>year|month|week)\b",
        re.IGNORECASE,
    ),
    # "dua tahun lalu", "sebulan lalu", "three days ago"
    "units_ago": re.compile(
        r"\b(?P<n>\d{1,2}|satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|se)"
        r"\s*(?P<unit>hari|pekan|minggu|bulan|tahun)\s+(?:yang\s+)?lalu\b"
        r"|\b(?P<n2>\d{1,2}|a|one|two|three|four|five|six|seven|eight|nine|ten)\s+"
        r"(?P<unit2>days?|weeks?|months?|years?)\s+ago\b",
        re.IGNORECASE,
    ),
    "day_word": re.compile(
        r"\b(?P<word>kemarin|hari\s+ini|besok|lusa|tadi\s+malam|yesterday|today|tomorrow"
        r"|last\s+night)\b",
        re.IGNORECASE,
    ),
    # "Jumat", "hari Senin", "Kamis lalu", "on Friday"
    "weekday": re.compile(
        rf"\b(?:hari\s+)?(?P<weekday>{_WEEKDAY})\b(?:\s+(?P<which>lalu|depan|mendatang)\b)?",
        re.IGNORECASE,
    ),
    "year": re.compile(rf"(?<![\w/.,-])(?:tahun\s+)?(?P<y>{_YEAR})(?![\w/%-]|[.,]\d)"),
}
# Names that are words too unless capitalised: "may", "march", "minggu" (week), "rabu".
_CAPITALISED = ("numeric", "month", "weekday", "day_month", "month_day", "month_range")


@dataclass(frozen=True)
class _Ref:
    """A reference date, as precise as it is known."""

    year: int | None
    month: int | None
    day: int | None

    @property
    def full(self) -> date | None:
        if self.year and self.month and self.day:
            try:
                return date(self.year, self.month, self.day)
            except ValueError:
                return None
        return None


def _parse(iso: str) -> _Ref:
    match = re.match(r"\s*(\d{4}|-)(?:-(\d{2})(?:-(\d{2}))?)?(?:$|T|\s)", iso or "")
    if not match or (match.group(1) == "-" and not match.group(2)):
        return _Ref(None, None, None)
    year, month, day = match.groups()
    return _Ref(
        None if year == "-" else int(year),
        int(month) if month and 1 <= int(month) <= 12 else None,
        int(day) if day and month and 1 <= int(day) <= 31 else None,
    )


def _iso(year: int | None, month: int | None = None, day: int | None = None) -> str:
    """Partial ISO 8601: `2022-08-16`, `2022-08`, `2022`, `--08-16`, `--08`, or ''."""
    if month is not None and not 1 <= month <= 12:
        return ""
    if day is not None:
        try:
            date(year or 2000, month or 1, day)
        except ValueError:
            return ""
    if year is None:
        if month is None:
            return ""
        return f"--{month:02d}-{day:02d}" if day else f"--{month:02d}"
    parts = [f"{year:04d}", f"{month:02d}" if month else "", f"{day:02d}" if month and day else ""]
    return "-".join(p for p in parts if p)


def _span(first: date, last: date) -> str:
    """The most precise partial date covering both days: a week across months is its year."""
    if first == last:
        return first.isoformat()
    if (first.year, first.month) == (last.year, last.month):
        return _iso(first.year, first.month)
    return _iso(first.year) if first.year == last.year else ""


def _direction(which: str | None, future: bool) -> str:
    if which and _PAST.search(which):
        return "past"
    if which and _NEXT.search(which):
        return "future"
    return "future" if future else ""


def _year_for(ref: _Ref, month: int, day: int | None, direction: str) -> int | None:
    """The year that puts `month`/`day` where the text means it relative to `ref`."""
    if ref.year is None or ref.month is None:
        return ref.year
    ref_year, ref_month = ref.year, ref.month  # known here; mypy does not carry that into `offset`

    def offset(year: int) -> float:
        months = (year - ref_year) * 12 + month - ref_month
        return months + ((day or 15) - (ref.day or 15)) / 31 if day and ref.day else months

    years = (ref.year - 1, ref.year, ref.year + 1)
    if direction == "past":
        return max(y for y in years if offset(y) <= 0)
    if direction == "future":
        return min(y for y in years if offset(y) >= 0)
    # Undirected: news looks back more than forward.
    return next(y for y in years if -8 < offset(y) <= 4)


def _explicit_year(ref: _Ref, which: str | None) -> int | None:
    """The year "tahun lalu/ini/depan" (last/this/next year) names, when the text says one."""
    if not which or ref.year is None:
        return None
    step = _YEAR_STEPS.get(" ".join(which.lower().split()))
    return None if step is None else ref.year + step


def _full_year(text: str | None) -> int | None:
    if not text:
        return None
    return int(text) + 2000 if len(text) == 2 else int(text)


def _resolve(kind: str, match: re.Match[str], ref: _Ref, future: bool) -> str:
    g = match.groupdict()
    if kind == "iso":
        return _iso(int(g["y"]), int(g["m"]), int(g["d"]))
    if kind == "numeric":
        day, month = int(g["d"] or g["d2"]), int(g["m"] or g["m2"])
        year = _full_year(g["y"] or g["y2"])
        if not 1 <= month <= 12:
            return ""
        return _iso(year or _year_for(ref, month, day, ""), month, day)
    if kind in ("day_month", "month_day"):
        month, day = MONTHS[g["month"].lower()], int(g["d"])
        which = g.get("which")
        year = _full_year(g["y"]) or _explicit_year(ref, which)
        return _iso(year or _year_for(ref, month, day, _direction(which, False)), month, day)
    if kind == "month_range":
        first, last = MONTHS[g["month"].lower()], MONTHS[g["month2"].lower()]
        return _iso(int(g["y"]), first if first == last else None)
    if kind == "month":
        month = MONTHS[g["month"].lower()]
        which = g["which"] or g["before"]
        year = _full_year(g["y"]) or _explicit_year(ref, which)
        return _iso(year or _year_for(ref, month, None, _direction(which, future)), month)
    if kind == "year":
        return g["y"]
    return _resolve_relative(kind, g, ref, future)


def _resolve_relative(kind: str, g: dict[str, str | None], ref: _Ref, future: bool) -> str:
    """Dates that count from the reference: "bulan lalu", "dua tahun lalu", "kemarin", "Jumat"."""
    if kind == "this_unit":
        unit = _UNITS[(g["unit"] or g["unit2"] or "").lower()]
        rel = (g["rel"] or g["rel2"] or "").lower()
        step = -1 if _PAST.fullmatch(rel) else 1 if _NEXT.fullmatch(rel) else 0
        return _shift(ref, unit, step)
    if kind == "units_ago":
        count = (g["n"] or g["n2"] or "").lower()
        n = int(count) if count.isdigit() else _COUNTS[count]
        return _shift(ref, _UNITS[(g["unit"] or g["unit2"] or "").lower()], -n)
    today = ref.full
    if today is None:
        return ""
    if kind == "day_word":
        word = " ".join((g["word"] or "").lower().split())
        step = {"kemarin": -1, "yesterday": -1, "tadi malam": -1, "last night": -1}.get(word, 0)
        step = {"besok": 1, "tomorrow": 1, "lusa": 2}.get(word, step)
        return (today + timedelta(days=step)).isoformat()
    weekday = WEEKDAYS[(g["weekday"] or "").lower()]
    direction = _direction(g["which"], future)
    if direction == "future":
        return (today + timedelta(days=(weekday - today.weekday()) % 7)).isoformat()
    back = (today.weekday() - weekday) % 7 or (7 if direction == "past" and g["which"] else 0)
    return (today - timedelta(days=back)).isoformat()


def _shift(ref: _Ref, unit: str, step: int) -> str:
    """The day, week, month or year `step` units from the reference, as precise as that unit."""
    if unit == "year":
        return _iso(ref.year + step) if ref.year else ""
    if unit == "month":
        if ref.year is None or ref.month is None:
            return ""
        index = ref.year * 12 + ref.month - 1 + step
        return _iso(index // 12, index % 12 + 1)
    today = ref.full
    if today is None:
        return ""
    if unit == "day":
        return (today + timedelta(days=step)).isoformat()
    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=step)
    return _span(
        monday, min(monday + timedelta(days=6), today) if step == 0 else monday + timedelta(days=6)
    )


def find_dates(text: str, reference_iso: str = "") -> list[tuple[int, int, str]]:
    """(start, end, iso) of the dates `text` states, resolved against `reference_iso`.

    Absolute ("16 Agustus 2022", "Februari 2022", "2018") and relative ("Selasa (16/8)",
    "11 Juli", "bulan lalu", "Juni tahun lalu", "kemarin", "on Friday") expressions; the ISO
    result is only as precise as the text ("2022-08", "2021"), year-less ("--08-16") when the
    reference has no year, and an expression that cannot be resolved is left out. A bare
    weekday or month after "akan" / "will" ("akan bertemu pada Kamis") is the coming one.
    """
    ref = _parse(reference_iso)
    found: list[tuple[int, int, str]] = []
    for kind, pattern in _PATTERNS.items():
        for match in pattern.finditer(text):
            if kind in _CAPITALISED and not _capitalised(match):
                continue
            ahead = _AHEAD.search(text[max(0, match.start() - 60) : match.start()])
            iso = _resolve(kind, match, ref, bool(ahead))
            if iso:
                found.append((match.start(), match.end(), iso))
    return _longest_first(found)


def _capitalised(match: re.Match[str]) -> bool:
    name = match.groupdict().get("month") or match.groupdict().get("weekday") or ""
    start = match.start("month") if match.groupdict().get("month") else match.start("weekday")
    return not name or match.string[start].isupper()


def _longest_first(found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Non-overlapping matches, the longest winning, in text order."""
    kept: list[tuple[int, int, str]] = []
    for start, end, iso in sorted(found, key=lambda f: (f[0] - f[1], f[0])):
        if all(end <= s or start >= e for s, e, _ in kept):
            kept.append((start, end, iso))
    return sorted(kept)


# Periods: what time a question asks about ---------------------------------------------------

# The full-scale invasion of Ukraine began on 24 February 2022.
INVASION = "2022-02-24"


@dataclass(frozen=True)
class Period:
    """The time a question asks about: partial ISO bounds, inclusive at their precision."""

    since: str = ""
    until: str = ""
    latest: bool = False


_BEFORE = r"before|prior\s+to|sebelum|menjelang"
_AFTER = r"after|following|setelah|sesudah|pasca|usai"
_SINCE = r"since|sejak|semenjak|from|dari|mulai"
_UNTIL = r"until|till|up\s+to|through|by|hingga|sampai(?:\s+dengan)?|s\.d\."
_INVASION_PHRASE = re.compile(
    rf"\b(?P<rel>{_BEFORE}|{_AFTER}|{_SINCE})\s+(?:the\s+)?(?:full[-\s]scale\s+)?"
    r"(?:invasion|invasi|(?:the\s+)?war\b|perang\b|operasi\s+militer\s+khusus)",
    re.IGNORECASE,
)
_LATEST = re.compile(
    r"\b(?:latest|most\s+recent|newest|recent(?:ly)?|terbaru|terkini|paling\s+baru"
    r"|baru-baru\s+ini|terakhir)\b",
    re.IGNORECASE,
)
# "in the last two years", "dalam dua tahun terakhir"
_LAST_N = re.compile(
    r"\b(?:(?:past|last)\s+(?P<n>\d{1,2}|a|one|two|three|four|five|six|seven|eight|nine|ten)"
    r"\s+(?P<unit>days|weeks|months|years)|(?P<n2>\d{1,2}|satu|dua|tiga|empat|lima|enam|tujuh"
    r"|delapan|sembilan|sepuluh|se)\s*(?P<unit2>hari|pekan|minggu|bulan|tahun)\s+terakhir)\b",
    re.IGNORECASE,
)
_RANGE_START = re.compile(r"\b(?:between|antara|from|dari|sejak)\s+$", re.IGNORECASE)
_RANGE_JOIN = re.compile(rf"^\s*(?:and|dan|to|-|–|hingga|sampai|until|{_UNTIL})\s*$", re.I)


def question_period(question: str, today_iso: str | None = None) -> Period | None:
    """The period a question names, resolved against today; None when it names none.

    Such as "in 2023", "pada Juli 2022", "sejak 2021", "before the invasion", "terbaru",
    "bulan lalu".
    """
    today = today_iso or date.today().isoformat()
    invasion = _INVASION_PHRASE.search(question)
    if invasion:
        if re.fullmatch(_BEFORE, invasion.group("rel"), re.IGNORECASE):
            return Period(until=INVASION)
        return Period(since=INVASION)
    last_n = _LAST_N.search(question)
    if last_n:
        count = (last_n.group("n") or last_n.group("n2")).lower()
        n = int(count) if count.isdigit() else _COUNTS[count]
        unit = _UNITS[(last_n.group("unit") or last_n.group("unit2")).lower()]
        return Period(since=_shift(_parse(today), unit, -n) or "", until=today[:10])
    dates = find_dates(question, today)
    if len(dates) >= 2:
        (s1, e1, first), (s2, _, second) = dates[:2]
        if _RANGE_START.search(question[:s1]) and _RANGE_JOIN.match(question[e1:s2]):
            return Period(since=first, until=second)
    if dates:
        start, _, iso = dates[0]
        before = question[max(0, start - 20) : start]
        if re.search(rf"\b(?:{_BEFORE})\s*$", before, re.IGNORECASE):
            return Period(until=_step(iso, -1))
        if re.search(rf"\b(?:{_AFTER})\s*$", before, re.IGNORECASE):
            return Period(since=_step(iso, 1))
        if re.search(rf"\b(?:{_SINCE})\s*$", before, re.IGNORECASE):
            return Period(since=iso)
        if re.search(rf"\b(?:{_UNTIL})\s*$", before, re.IGNORECASE):
            return Period(until=iso)
        return Period(since=iso, until=iso)
    if _LATEST.search(question):
        return Period(latest=True)
    return None


def _step(iso: str, step: int) -> str:
    """The unit (day, month or year, as precise as `iso`) before or after `iso`."""
    ref = _parse(iso)
    if ref.year is None:
        return iso
    if ref.day is not None:
        return _shift(ref, "day", step)
    return _shift(ref, "month" if ref.month else "year", step)


def date_bounds(iso: str) -> tuple[date, date] | None:
    """First and last day a partial ISO date covers ("2022" → 1 Jan…31 Dec); None without a year."""
    ref = _parse(iso)
    if ref.year is None:
        return None
    if ref.month is None:
        return date(ref.year, 1, 1), date(ref.year, 12, 31)
    if ref.day is None:
        last = calendar.monthrange(ref.year, ref.month)[1]
        return date(ref.year, ref.month, 1), date(ref.year, ref.month, last)
    day = ref.full
    return (day, day) if day else None


def overlaps(iso: str, since: str = "", until: str = "") -> bool:
    """Whether the time `iso` covers overlaps [since, until].

    A date without a year never does when a bound is given ("2022" overlaps since="2022-06").
    """
    if not since and not until:
        return True
    bounds = date_bounds(iso)
    if bounds is None:
        return False
    low = date_bounds(since) if since else None
    high = date_bounds(until) if until else None
    return (low is None or bounds[1] >= low[0]) and (high is None or bounds[0] <= high[1])
