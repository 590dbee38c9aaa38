"""The catalog: what the index holds — articles (their text once), chunks, events — in SQLite.

The catalog is the index's source of truth. Chroma holds a vector per chunk id; the keyword
index is rebuilt from the chunks' stored tokens. `mitra index` changes the catalog in one
transaction that ends by bumping `generation`, so a reader that checks `identity()` between
questions either sees the whole change or none of it. Readers open the file read-only.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import astuple, dataclass, fields
from pathlib import Path

from rag.errors import IndexDamagedError, IndexMissingError, StorageError

SCHEMA_VERSION = "1"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    article_id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL UNIQUE,
    path TEXT NOT NULL,
    title TEXT NOT NULL,
    outlet TEXT NOT NULL,
    agency TEXT NOT NULL,
    date TEXT NOT NULL,
    language TEXT NOT NULL,
    url TEXT NOT NULL,
    author TEXT NOT NULL,
    editor TEXT NOT NULL,
    text TEXT NOT NULL,
    story_id TEXT NOT NULL DEFAULT '',
    signature BLOB
);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles (article_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL,
    tokens TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_by_article ON chunks (article_id, position);
CREATE TABLE IF NOT EXISTS events (
    event_id TEXT PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles (article_id) ON DELETE CASCADE,
    partner TEXT NOT NULL,
    kind TEXT NOT NULL,
    date TEXT NOT NULL,
    status TEXT NOT NULL,
    actors TEXT NOT NULL,
    place TEXT NOT NULL,
    quote TEXT NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_article ON events (article_id);
"""
_BUSY_MS = 10_000
_NEARLY_FULL = 256 * 2**20


@dataclass(frozen=True)
class ArticleRecord:
    """An indexed article: its cleaned `text` is what chunk and quote offsets refer to."""

    article_id: str
    content_hash: str
    path: str
    title: str
    outlet: str
    agency: str
    date: str
    language: str
    url: str
    author: str
    editor: str
    text: str
    story_id: str = ""
    signature: bytes | None = None


@dataclass(frozen=True)
class ChunkRecord:
    """A chunk: `text == article.text[start:end]`; `tokens` are its keyword-search terms."""

    chunk_id: str
    article_id: str
    position: int
    start: int
    end: int
    text: str
    tokens: str


@dataclass(frozen=True)
class EventRecord:
    """A partnership event an article reports; `quote == article.text[start:end]`."""

    event_id: str
    article_id: str
    partner: str
    kind: str
    date: str
    status: str
    actors: str  # "; "-separated names
    place: str
    quote: str
    start: int
    end: int


ARTICLE_FIELDS = tuple(f.name for f in fields(ArticleRecord))
_LISTED = tuple(name for name in ARTICLE_FIELDS if name not in ("text", "signature"))
_CHUNK_FIELDS = tuple(f.name for f in fields(ChunkRecord))
# An article's story: its group of copies in several outlets (itself when it has no signature).
_STORY = "CASE a.story_id WHEN '' THEN a.article_id ELSE a.story_id END"
# The first and last day (as ISO text) that an article's full or partial date covers.
_DATED = "a.date GLOB '[0-9][0-9][0-9][0-9]*'"
_FIRST_DAY = "substr(a.date || '-01-01', 1, 10)"  # as `_first_day` and `_last_day` below
_LAST_DAY = "a.date || CASE length(a.date) WHEN 4 THEN '-12-31' WHEN 7 THEN '-31' ELSE '' END"
LIBRARY_SORTS = {
    "newest": "a.date = '', a.date DESC, a.article_id",
    "oldest": "a.date = '', a.date, a.article_id",
    "title": "a.title = '', a.title COLLATE NOCASE, a.article_id",
    "outlet": "a.outlet = '', a.outlet COLLATE NOCASE, a.date DESC, a.article_id",
    "story": "s.members DESC, s.story, a.date, a.article_id",
    "added": "a.rowid DESC",
}
_EVENT_FIELDS = tuple(f.name for f in fields(EventRecord))


def _insert(table: str, names: Sequence[str]) -> str:
    marks = ", ".join("?" * len(names))
    return f"INSERT OR REPLACE INTO {table} ({', '.join(names)}) VALUES ({marks})"


def _first_day(iso: str) -> str:
    """Where a full or partial ISO date begins: "2022" → "2022-01-01"."""
    return (iso + "-01-01")[:10]


def _last_day(iso: str) -> str:
    """Where it ends, as text that compares right: "2022-06" → "2022-06-31"."""
    return iso + {4: "-12-31", 7: "-31"}.get(len(iso), "")


def _damaged(path: Path, exc: sqlite3.DatabaseError) -> IndexDamagedError:
    return IndexDamagedError(f"the index catalog {path} is damaged ({exc})")


def storage_error(exc: BaseException, where: Path) -> StorageError | None:
    """A full disk or a read-only directory as one actionable line, else None."""
    text = str(exc).lower()
    full = "disk is full" in text or "no space" in text or getattr(exc, "errno", 0) == 28
    if not full and ("compaction" in text or "backfill" in text):
        # Chroma reports a failed write without its cause: a (nearly) full disk is the usual one.
        full = _free_bytes(where) < _NEARLY_FULL
    if full:
        return StorageError(
            f"the disk holding {where} is full: free some space and run this again "
            "(the index is as it was before)"
        )
    if "readonly" in text or "read-only" in text or getattr(exc, "errno", 0) in (13, 30):
        return StorageError(
            f"{where} is read-only: indexing needs write access (set MITRA_DATA_DIR to a "
            "writable folder); asking questions works without it"
        )
    return None


def _free_bytes(where: Path) -> int:
    for folder in (where, *where.parents):
        try:
            return shutil.disk_usage(folder).free
        except OSError:
            continue
    return 0


class Catalog:
    """One connection to the catalog; readers use `Catalog.open`, the indexer `Catalog.create`."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self._db = connection
        self._inode = os.stat(path).st_ino
        self._lock = threading.RLock()  # one connection, shared by the page's threads

    @classmethod
    def open(cls, path: Path) -> Catalog:
        """Open read-only; a missing file is `IndexMissingError`, a damaged one says so."""
        if not path.exists():
            raise IndexMissingError("there is no index yet")
        try:
            db = sqlite3.connect(
                f"file:{path}?mode=ro", uri=True, check_same_thread=False, isolation_level=None
            )
            catalog = cls(path, db)
            catalog._check()
        except sqlite3.DatabaseError as exc:
            raise _damaged(path, exc) from exc
        return catalog

    @classmethod
    def create(cls, path: Path) -> Catalog:
        """Open for writing, creating the file and its tables when missing."""
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            db.execute(f"PRAGMA busy_timeout = {_BUSY_MS}")
            db.execute("PRAGMA foreign_keys = ON")
            db.executescript(_SCHEMA)
            if db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone() is None:
                db.execute(
                    "INSERT INTO meta VALUES ('schema', ?), ('generation', '0')", [SCHEMA_VERSION]
                )
            catalog = cls(path, db)
            catalog._check()
        except sqlite3.DatabaseError as exc:
            raise storage_error(exc, path.parent) or _damaged(path, exc) from exc
        return catalog

    def _check(self) -> None:
        self._db.execute(f"PRAGMA busy_timeout = {_BUSY_MS}")
        row = self._db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if row is None or row[0] != SCHEMA_VERSION:
            raise IndexDamagedError(
                f"the index catalog {self.path} has an unknown format ({row and row[0]})"
            )

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    # Reading ---------------------------------------------------------------------------

    def _rows(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        try:
            with self._lock:
                return self._db.execute(sql, params).fetchall()
        except sqlite3.DatabaseError as exc:
            raise _damaged(self.path, exc) from exc

    def meta(self, key: str, default: str = "") -> str:
        """The value stored under `key` in the meta table, or `default`."""
        rows = self._rows("SELECT value FROM meta WHERE key = ?", [key])
        return rows[0][0] if rows else default

    def identity(self) -> tuple[int, str]:
        """(file, generation): changes whenever `mitra index` commits or rebuilds the index."""
        try:
            inode = os.stat(self.path).st_ino
        except OSError:
            inode = -1
        return inode, self.meta("generation") if inode == self._inode else ""

    def article_count(self) -> int:
        """How many articles the index holds."""
        return int(self._rows("SELECT count(*) FROM articles")[0][0])

    def chunk_count(self) -> int:
        """How many chunks the index holds."""
        return int(self._rows("SELECT count(*) FROM chunks")[0][0])

    def articles(self) -> list[dict[str, object]]:
        """Every article's metadata (no text) and chunk count, by id."""
        columns = ", ".join(f"a.{name}" for name in _LISTED)
        rows = self._rows(
            f"SELECT {columns}, (SELECT count(*) FROM chunks c WHERE c.article_id = a.article_id) "
            "FROM articles a ORDER BY a.article_id"
        )
        return [dict(zip((*_LISTED, "chunks"), row, strict=True)) for row in rows]

    def library_page(
        self,
        *,
        search: str = "",
        outlet: str = "",
        since: str = "",
        until: str = "",
        language: str = "",
        story: str = "",
        sort: str = "newest",
        page: int = 1,
        page_size: int = 25,
    ) -> tuple[list[dict[str, object]], int]:
        """One page of the articles that match, and how many match in all.

        Args:
            search: Words that must each occur in the title, outlet or text (any case).
            outlet: Only this outlet.
            since: Only articles whose date reaches this ISO date ("2022", "2022-06", …) or
                later ("2022" reaches since="2022-06").
            until: Only articles whose date starts by the end of this ISO date.
            language: Only this language ("id", "en").
            story: Only the articles of this story (a story id).
            sort: One of `LIBRARY_SORTS`; "story" puts each story's articles together.
            page: The page, from 1.
            page_size: Articles per page.

        Returns:
            The page's articles (metadata, `chunks`, `story` id and its `members` count), and
            the number of matching articles.
        """
        if sort not in LIBRARY_SORTS:
            raise ValueError(f"unknown sort {sort!r}: use one of {', '.join(LIBRARY_SORTS)}")
        where, params = ["1"], []
        for word in search.split():
            pattern = "%" + re.sub(r"([\\%_])", r"\\\1", word) + "%"
            where.append(
                "(a.title LIKE ? ESCAPE '\\' OR a.outlet LIKE ? ESCAPE '\\' "
                "OR a.text LIKE ? ESCAPE '\\')"
            )
            params += [pattern] * 3
        for value, test in (
            (outlet, "a.outlet = ?"),
            (language, "a.language = ?"),
            (story, f"{_STORY} = ?"),
            (since and _first_day(since), f"{_DATED} AND {_LAST_DAY} >= ?"),
            (until and _last_day(until), f"{_DATED} AND {_FIRST_DAY} <= ?"),
        ):
            if value:
                where.append(f"({test})")
                params.append(value)
        condition = " AND ".join(where)
        offset = (max(page, 1) - 1) * page_size
        rows = self._rows(
            f"WITH stories AS (SELECT {_STORY} AS story, count(*) AS members FROM articles a "
            "GROUP BY 1) "
            "SELECT a.article_id, a.title, a.outlet, a.date, a.language, s.story, s.members, "
            "count(*) OVER () "
            f"FROM articles a JOIN stories s ON s.story = {_STORY} "
            f"WHERE {condition} ORDER BY {LIBRARY_SORTS[sort]} "
            f"LIMIT {int(page_size)} OFFSET {int(offset)}",
            params,
        )
        if not rows:
            total = self._rows(f"SELECT count(*) FROM articles a WHERE {condition}", params)
            return [], int(total[0][0])
        names = ("article_id", "title", "outlet", "date", "language", "story", "members")
        found = [dict(zip(names, row[:-1], strict=True)) for row in rows]
        ids = [str(row[0]) for row in rows]
        chunks = dict(
            self._rows(
                "SELECT article_id, count(*) FROM chunks "
                f"WHERE article_id IN ({', '.join('?' * len(ids))}) GROUP BY article_id",
                ids,
            )
        )
        for article in found:
            article["chunks"] = chunks.get(article["article_id"], 0)
        return found, int(rows[0][-1])

    def article(self, article_id: str) -> ArticleRecord | None:
        """The article with this id, text included; None when there is none."""
        rows = self._rows(
            f"SELECT {', '.join(ARTICLE_FIELDS)} FROM articles WHERE article_id = ?", [article_id]
        )
        return ArticleRecord(*rows[0]) if rows else None

    def fingerprints(self) -> dict[str, tuple[str, str]]:
        """Article id -> (content hash, path): what incremental sync compares against."""
        rows = self._rows("SELECT article_id, content_hash, path FROM articles")
        return {aid: (digest, path) for aid, digest, path in rows}

    def chunk_ids(self, article_id: str | None = None) -> list[str]:
        """The ids of an article's chunks in their order, or of every chunk in stored order."""
        if article_id is None:
            return [r[0] for r in self._rows("SELECT chunk_id FROM chunks ORDER BY rowid")]
        return [
            r[0]
            for r in self._rows(
                "SELECT chunk_id FROM chunks WHERE article_id = ? ORDER BY position", [article_id]
            )
        ]

    def chunk_tokens(self) -> Iterator[tuple[str, list[str]]]:
        """(chunk id, keyword tokens) of every chunk, in a stable order."""
        for chunk_id, tokens in self._rows("SELECT chunk_id, tokens FROM chunks ORDER BY rowid"):
            yield chunk_id, tokens.split()

    def chunks(self, chunk_ids: Sequence[str]) -> dict[str, ChunkRecord]:
        """The chunks with these ids (unknown ids are left out)."""
        found: dict[str, ChunkRecord] = {}
        for start in range(0, len(chunk_ids), 500):
            batch = list(chunk_ids[start : start + 500])
            rows = self._rows(
                f"SELECT {', '.join(_CHUNK_FIELDS)} FROM chunks "
                f"WHERE chunk_id IN ({', '.join('?' * len(batch))})",
                batch,
            )
            found.update({row[0]: ChunkRecord(*row) for row in rows})
        return found

    def article_chunks(self, article_id: str) -> list[ChunkRecord]:
        """An article's chunks, in their order in its text."""
        rows = self._rows(
            f"SELECT {', '.join(_CHUNK_FIELDS)} FROM chunks WHERE article_id = ? ORDER BY position",
            [article_id],
        )
        return [ChunkRecord(*row) for row in rows]

    def article_headers(self, article_ids: Sequence[str]) -> dict[str, dict[str, object]]:
        """Metadata (no text) of these articles, by id."""
        found: dict[str, dict[str, object]] = {}
        for start in range(0, len(article_ids), 500):
            batch = list(article_ids[start : start + 500])
            rows = self._rows(
                f"SELECT {', '.join(_LISTED)} FROM articles "
                f"WHERE article_id IN ({', '.join('?' * len(batch))})",
                batch,
            )
            found.update({row[0]: dict(zip(_LISTED, row, strict=True)) for row in rows})
        return found

    def story_members(self, story_ids: Sequence[str]) -> dict[str, list[dict[str, object]]]:
        """The metadata (no text) of every article of these stories, by story id."""
        found: dict[str, list[dict[str, object]]] = {}
        for start in range(0, len(story_ids), 500):
            batch = list(story_ids[start : start + 500])
            rows = self._rows(
                f"SELECT {', '.join(_LISTED)} FROM articles "
                f"WHERE story_id IN ({', '.join('?' * len(batch))}) ORDER BY date, article_id",
                batch,
            )
            for row in rows:
                member = dict(zip(_LISTED, row, strict=True))
                found.setdefault(str(member["story_id"]), []).append(member)
        return found

    def events(self) -> list[EventRecord]:
        """Every indexed event, by date."""
        rows = self._rows(f"SELECT {', '.join(_EVENT_FIELDS)} FROM events ORDER BY date, event_id")
        return [EventRecord(*row) for row in rows]

    def signatures(self) -> list[tuple[str, str, str, str, bytes]]:
        """(article id, date, outlet, agency, signature) of every article that has one."""
        return self._rows(
            "SELECT article_id, date, outlet, agency, signature FROM articles "
            "WHERE signature IS NOT NULL"
        )

    # Writing (the indexer, under the index lock) ---------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Catalog]:
        """One atomic change; commits by bumping `generation`, or leaves everything as it was."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("PRAGMA defer_foreign_keys = ON")  # a rename moves rows in turn
            try:
                yield self
                generation = int(self.meta("generation", "0")) + 1
                self.set_meta("generation", str(generation))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        except sqlite3.IntegrityError:
            raise
        except sqlite3.DatabaseError as exc:
            raise storage_error(exc, self.path.parent) or _damaged(self.path, exc) from exc

    def set_meta(self, key: str, value: str) -> None:
        """Store `value` under `key` in the meta table."""
        self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])

    def put_article(self, article: ArticleRecord, chunks: Sequence[ChunkRecord]) -> None:
        """Add or replace an article with its chunks (its old chunks and events go)."""
        self.delete_article(article.article_id)
        self._db.execute(_insert("articles", ARTICLE_FIELDS), astuple(article))
        self._db.executemany(_insert("chunks", _CHUNK_FIELDS), [astuple(c) for c in chunks])

    def rename_article(self, old_id: str, new_id: str, path: str) -> None:
        """The same content found under another name: move it with its chunks and events."""
        self._db.execute(
            "UPDATE articles SET article_id = ?, path = ? WHERE article_id = ?",
            [new_id, path, old_id],
        )
        for table in ("chunks", "events"):
            self._db.execute(
                f"UPDATE {table} SET article_id = ? WHERE article_id = ?", [new_id, old_id]
            )

    def delete_article(self, article_id: str) -> None:
        """Remove an article with its chunks and events."""
        for table in ("events", "chunks", "articles"):
            self._db.execute(f"DELETE FROM {table} WHERE article_id = ?", [article_id])

    def put_events(self, article_id: str, events: Sequence[EventRecord]) -> None:
        """Replace an article's events with `events`."""
        self._db.execute("DELETE FROM events WHERE article_id = ?", [article_id])
        self._db.executemany(_insert("events", _EVENT_FIELDS), [astuple(e) for e in events])

    def set_stories(self, story_of: dict[str, str]) -> None:
        """Set the story of each article in `story_of` (article id -> story id)."""
        self._db.executemany(
            "UPDATE articles SET story_id = ? WHERE article_id = ? AND story_id != ?",
            [(story, article, story) for article, story in story_of.items()],
        )
