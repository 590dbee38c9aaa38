"""News-specific cleaning: drop lines that are not the article, lift bylines into metadata."""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.glued import repair_glued_words
from index.load import RawArticle
from index.metadata import find_agency, find_date, find_outlet, find_title
from rag.text.language import detect_language

# Lines that belong to the page, not the story: related links carry *other* stories' headlines.
_NOISE_LINE = re.compile(
    r"""^\s*(?:
        baca\s+juga\b.*
      | (?:simak|lihat|tonton)\s+(?:juga\s+)?video\b.*
      | simak\s+juga\b.*
      | klik\s+di\s*sini\b.*
      | scroll\s+to\s+continue\b.*
      | advertisement\s*
      | iklan\s*
      | download\s+aplikasi\b.*
      | dapatkan\s+update\b.*
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_BYLINE_FIELD = re.compile(
    r"\b(Penulis|Reporter|Editor|Sumber|Penyunting|Foto)\s*:\s*(.+?)(?=\s*(?:\||\b(?:Penulis|"
    r"Reporter|Editor|Sumber|Penyunting|Foto)\s*:|$))",
    re.IGNORECASE,
)
_BYLINE_LINE = re.compile(
    r"^\s*(?:(?:Penulis|Reporter|Editor|Sumber|Penyunting|Foto)\s*:\s*[^:]{1,80}?\s*\|?\s*)+$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Article:
    """A cleaned article: `text` is what chunks and citation offsets refer to."""

    article_id: str
    path: str
    text: str
    title: str
    outlet: str
    agency: str
    date: str
    language: str
    url: str = ""
    author: str = ""
    editor: str = ""


def clean_article(raw: RawArticle) -> Article:
    """Clean one raw article; the text may come out empty when nothing but noise was there."""
    kept: list[str] = []
    byline: dict[str, str] = {}
    for line in raw.text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = " ".join(line.replace("\xa0", " ").split())
        if not line or _NOISE_LINE.match(line):
            continue
        if _BYLINE_LINE.match(line):
            for key, value in _BYLINE_FIELD.findall(line):
                byline.setdefault(key.lower(), value.strip(" |"))
            continue
        kept.append(line)
    text = repair_glued_words("\n".join(kept))
    agency = byline.get("sumber") or find_agency(text)
    return Article(
        article_id=raw.article_id,
        path=raw.path,
        text=text,
        title=raw.title.strip() or find_title(text),
        outlet=raw.outlet.strip() or find_outlet(text),
        agency=agency,
        date=raw.date.strip() or find_date(text),
        language=detect_language(text),
        url=raw.url,
        author=byline.get("penulis") or byline.get("reporter", ""),
        editor=byline.get("editor") or byline.get("penyunting", ""),
    )
