"""Split words that scraping glued together where a link was removed.

"RusiaSergei Shoigudalam" becomes "Rusia Sergei Shoigu dalam", while "McDonald", "iPhone" and
ordinary words stay whole.
"""

from __future__ import annotations

import re

# Brand and product names whose inner capital is part of the name.
_CAMEL_NAMES = frozenset(
    "iPhone iPad iPod iOS macOS YouTube WhatsApp TikTok LinkedIn PlayStation PowerPoint "
    "JavaScript GitHub OpenAI DeepSeek BlackRock PayPal FedEx MasterCard McDonald McDonalds "
    "McKinsey MacBook AirPods SpaceX BioNTech AstraZeneca ExxonMobil PetroChina GoPay GoFood "
    "GoJek GoTo ShopeePay LinkAja OVO DANA BlackBerry SoundCloud WordPress SmackDown eSports "
    "eSIM eKTP TransJakarta TransJabodetabek KompasTV MetroTV iNews CNBC BeritaSatu "
    "ChatGPT DaVinci FIFA".split()
)
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z]{3})(?=[A-Z][a-z])")
_TOKEN = re.compile(r"[A-Za-z]+")
# Function words that a glued proper noun is most often followed by.
_FUNCTION_WORDS = (
    "yang dalam dengan untuk dari pada akan telah sudah bahwa kepada sebagai melakukan "
    "mengatakan menyatakan menegaskan bertemu juga".split()
)
_GLUED_TAIL = re.compile(
    rf"\b([A-Z][a-z]{{2,}}?)({'|'.join(sorted(_FUNCTION_WORDS, key=len, reverse=True))})\b"
)


def repair_glued_words(text: str) -> str:
    """Insert the space that link removal dropped between two words."""
    known = {t.lower() for t in _TOKEN.findall(text)}
    text = _TOKEN.sub(lambda m: _split_camel(m.group(0)), text)

    def split_tail(match: re.Match[str]) -> str:
        head, tail = match.groups()
        # Only when the name also stands alone in the text: "Shoigudalam" next to "Shoigu".
        return f"{head} {tail}" if head.lower() in known else match.group(0)

    return _GLUED_TAIL.sub(split_tail, text)


def _split_camel(token: str) -> str:
    if token in _CAMEL_NAMES or token.isupper():
        return token
    return _CAMEL_BOUNDARY.sub(" ", token)
