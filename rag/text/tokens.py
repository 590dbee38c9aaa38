"""The one tokenizer: words and numbers with their offsets."""

from __future__ import annotations

import re

# A number keeps its separators ("16/4/23", "6.760", "1,5"); a word its letters, and an
# English possessive "'s", which `words` drops.
_TOKEN = re.compile(r"\d+(?:[/.,:]\d+)*|[^\W\d_]+(?:['’]s\b)?")


def words(text: str) -> list[tuple[str, int, int]]:
    """(word, start, end) of every word and number; possessive "'s" dropped from the word."""
    result = []
    for match in _TOKEN.finditer(text):
        word = match.group(0)
        if word[-2:-1] in ("'", "’"):
            word = word[:-2]
        result.append((word, match.start(), match.start() + len(word)))
    return result
