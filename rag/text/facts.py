"""The checkable facts of a sentence, the same in Indonesian and English: numbers, dates, negation.

"empat" and "four" and "4" are one number; "Minggu", "Sunday" one weekday; "(16/4/23)" holds a
day, a month and a year. A claim's facts must all be in the text that supports it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.text.dates import MONTHS

_UNITS = {
    "nol": 0, "zero": 0, "satu": 1, "one": 1, "se": 1, "dua": 2, "two": 2, "tiga": 3,
    "three": 3, "empat": 4, "four": 4, "lima": 5, "five": 5, "enam": 6, "six": 6, "tujuh": 7,
    "seven": 7, "delapan": 8, "eight": 8, "sembilan": 9, "nine": 9, "sepuluh": 10, "ten": 10,
    "sebelas": 11, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {
    "puluh": 10, "ratus": 100, "hundred": 100, "ribu": 1e3, "thousand": 1e3, "juta": 1e6,
    "million": 1e6, "miliar": 1e9, "milyar": 1e9, "billion": 1e9, "triliun": 1e12,
    "trillion": 1e12,
}  # fmt: skip
# Indonesian amounts in English words: small models read "2 miliar" as "2 million".
_ENGLISH_SCALES = {
    "ribu": "thousand", "juta": "million", "miliar": "billion", "milyar": "billion",
    "triliun": "trillion",
}  # fmt: skip
_SCALE_AFTER_DIGIT = re.compile(rf"(?<=\d)(\s*)({'|'.join(_ENGLISH_SCALES)})\b", re.IGNORECASE)
# Vague amounts: "puluhan ribu" and "tens of thousands" are one fact.
_VAGUE = {
    "puluhan": "tens", "dozens": "tens", "tens": "tens", "belasan": "teens",
    "ratusan": "hundreds", "hundreds": "hundreds", "ribuan": "thousands",
    "thousands": "thousands", "jutaan": "millions", "millions": "millions",
}  # fmt: skip
_ORDINALS = {
    "first": 1, "pertama": 1, "second": 2, "third": 3, "ketiga": 3, "fourth": 4,
    "keempat": 4, "fifth": 5, "kelima": 5,
}  # fmt: skip
# "kedua negara", "keduanya", "both": two of something, or "second" — never required of a
# source, but a source saying it supports a claim's "two".
_PAIR = frozenset("kedua keduanya both".split())
WEEKDAYS = {
    "senin": 0, "monday": 0, "selasa": 1, "tuesday": 1, "rabu": 2, "wednesday": 2, "kamis": 3,
    "thursday": 3, "jumat": 4, "friday": 4, "sabtu": 5, "saturday": 5, "minggu": 6,
    "sunday": 6,
}  # fmt: skip
_NEGATIONS = frozenset(
    "not no never none nothing neither nor denied denies deny refused refuses refuse rejected "
    "rejects reject cannot n't without unconditional unconditionally unlimited limitless "
    "tidak tak bukan belum jangan tanpa membantah dibantah bantah menolak ditolak tolak "
    "enggan gagal declined declines decline failed fails".split()
)
_WORD = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:'t)?", re.UNICODE)
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?\b")
_MONEY = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True)
class Facts:
    """What must agree between a claim and its source."""

    numbers: frozenset[float]
    vague: frozenset[str]
    ordinals: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]
    years: frozenset[int]
    negated: bool
    pairs: bool = False

    def missing_from(self, source: Facts) -> list[str]:
        """The facts of this claim that `source` does not state (empty when all agree)."""
        missing = [f"number {n:g}" for n in self.numbers if not _has_number(source, n)]
        missing += [f"amount '{v}'" for v in self.vague - source.vague]
        missing += [
            f"ordinal {o}"
            for o in self.ordinals - source.ordinals
            if o not in source.numbers and not (o == 2 and source.pairs)
        ]
        missing += [f"month {m}" for m in self.months - source.months]
        missing += [f"weekday {d}" for d in self.weekdays - source.weekdays]
        missing += [f"year {y}" for y in self.years - source.years]
        if self.negated != source.negated:
            missing.append("negation")
        return missing


def _has_number(source: Facts, number: float) -> bool:
    # A day of the month or a year in the claim may be stated as a date in the source.
    return number in source.numbers or number in source.years or (number == 2 and source.pairs)


def facts(text: str) -> Facts:
    """The numbers, amounts, ordinals, dates and negation `text` states."""
    lowered = text.lower()
    numbers: set[float] = set()
    years: set[int] = set()
    months: set[int] = set()
    for match in _NUMERIC_DATE.finditer(lowered):
        day, month, year = match.groups()
        if 1 <= int(month) <= 12 and 1 <= int(day) <= 31:
            numbers.add(float(day))
            months.add(int(month))
            if year:
                years.add(int(year) + 2000 if len(year) == 2 else int(year))
    without_dates = _NUMERIC_DATE.sub(" ", lowered)
    words = _WORD.findall(without_dates)
    vague, ordinals, weekdays = set(), set(), set()
    negated = pairs = False
    value: float | None = None
    for i, word in enumerate(words):
        if word[0].isdigit():
            number = _parse_digits(word)
            if 1900 <= number <= 2100 and float(number).is_integer():
                years.add(int(number))
            else:
                _flush(value, numbers)
                value = number
            continue
        if word in _SCALES and value is not None:
            value *= _SCALES[word]
            continue
        if word in _SCALES and i and words[i - 1] in _VAGUE:  # "puluhan ribu": tens of thousands
            vague.add(_VAGUE.get(word + "s") or _VAGUE.get(word + "an", word))
            continue
        if word == "two" and i and words[i - 1] == "the":
            _flush(value, numbers)
            value = None
            pairs = True
            continue
        if word in _UNITS and not (word == "se" or (word == "one" and _is_pronoun(words, i))):
            _flush(value, numbers)
            value = float(_UNITS[word])
            continue
        _flush(value, numbers)
        value = None
        if word in _VAGUE:
            vague.add(_VAGUE[word])
        elif word in _ORDINALS:
            ordinals.add(_ORDINALS[word])
        elif word in _PAIR:
            pairs = True
        elif word in MONTHS and (len(word) > 3 or word in ("mei", "may")):
            months.add(MONTHS[word])
        elif word in WEEKDAYS and not (word == "minggu" and _is_week(words, i)):
            weekdays.add(WEEKDAYS[word])
        elif word in _NEGATIONS or word.endswith("n't"):
            negated = True
    _flush(value, numbers)
    return Facts(
        frozenset(numbers),
        frozenset(vague),
        frozenset(ordinals),
        frozenset(months),
        frozenset(weekdays),
        frozenset(years),
        negated,
        pairs,
    )


def _flush(value: float | None, numbers: set[float]) -> None:
    """Add the number being read, if there is one, to `numbers`."""
    if value is not None:
        numbers.add(value)


def _parse_digits(word: str) -> float:
    """Parse "6.760" (Indonesian thousands) and "1,5" (Indonesian decimals), or English "6,760"."""
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", word) or word.count(".") + word.count(",") > 1:
        return float(re.sub(r"[.,]", "", word))  # thousands, or a code like "5402.33.10"
    return float(word.replace(",", "."))


def _is_pronoun(words: list[str], i: int) -> bool:
    # "one of the commanders" counts; "no one", "the one who" do not.
    return i > 0 and words[i - 1] in ("no", "the", "any", "every", "some", "each")


def _is_week(words: list[str], i: int) -> bool:
    # "satu minggu", "minggu lalu": a week, not Sunday.
    before = words[i - 1] if i else ""
    after = words[i + 1] if i + 1 < len(words) else ""
    return (
        before in _UNITS
        or before in ("se", "beberapa", "dalam")
        or after in ("lalu", "depan", "ini", "terakhir", "kemarin")
    )


def english_scales(text: str) -> str:
    """`text` with each amount's Indonesian scale word in English ("2 miliar" → "2 billion").

    The amount stays the same fact (`facts`) either way.
    """
    return _SCALE_AFTER_DIGIT.sub(
        lambda m: f"{m.group(1) or ' '}{_ENGLISH_SCALES[m.group(2).lower()]}", text
    )
