"""DuckDB storage: schema and migrations, batched transactional writes, plain reads."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from recoupe.model import Article, InputRecord, Passage, Quote, Speaker, Story

# Each step moves the schema up one version; never edit a step that has shipped, append one.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE articles (
        id VARCHAR PRIMARY KEY,
        content_hash VARCHAR NOT NULL UNIQUE,
        file VARCHAR NOT NULL,
        source_path VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        original_text VARCHAR NOT NULL,
        text VARCHAR NOT NULL,
        outlet VARCHAR,
        published VARCHAR,
        title VARCHAR,
        url VARCHAR,
        language VARCHAR,
        story_id VARCHAR,
        input_order BIGINT,
        added_at TIMESTAMP DEFAULT current_timestamp
    );
    CREATE TABLE paragraphs (
        article_id VARCHAR NOT NULL,
        idx INTEGER NOT NULL,
        start_char INTEGER NOT NULL,
        end_char INTEGER NOT NULL,
        text VARCHAR NOT NULL,
        PRIMARY KEY (article_id, idx)
    );
    CREATE TABLE inputs (
        source_path VARCHAR NOT NULL,
        file VARCHAR NOT NULL,
        status VARCHAR NOT NULL,
        article_id VARCHAR,
        duplicate_of VARCHAR,
        reason VARCHAR,
        seen_at TIMESTAMP DEFAULT current_timestamp,
        PRIMARY KEY (source_path, file)
    );
    CREATE TABLE quotes (
        id VARCHAR PRIMARY KEY,
        article_id VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        text VARCHAR NOT NULL,
        start_char INTEGER NOT NULL,
        end_char INTEGER NOT NULL,
        speaker VARCHAR,
        speaker_mention VARCHAR,
        cue VARCHAR,
        role VARCHAR,
        speaker_type VARCHAR,
        paragraph INTEGER
    );
    CREATE TABLE speakers (
        name VARCHAR PRIMARY KEY,
        type VARCHAR,
        aliases VARCHAR[],
        roles VARCHAR[]
    );
    CREATE TABLE near_duplicates (
        a VARCHAR NOT NULL,
        b VARCHAR NOT NULL,
        similarity DOUBLE,
        PRIMARY KEY (a, b)
    );
    CREATE TABLE passages (
        id VARCHAR PRIMARY KEY,
        text VARCHAR NOT NULL
    );
    CREATE TABLE passage_occurrences (
        passage_id VARCHAR NOT NULL,
        article_id VARCHAR NOT NULL,
        paragraph INTEGER NOT NULL,
        published VARCHAR,
        first_seen BOOLEAN NOT NULL,
        PRIMARY KEY (passage_id, article_id, paragraph)
    );
    CREATE TABLE stories (
        id VARCHAR PRIMARY KEY,
        title VARCHAR,
        first_published VARCHAR,
        last_published VARCHAR,
        n_articles INTEGER
    );
    """,
]


class Store:
    """One DuckDB file (or `:memory:`) holding articles, the input manifest and every analysis."""

    def __init__(self, path: str | Path = "recoupe.duckdb", read_only: bool = False) -> None:
        import duckdb

        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self.con = duckdb.connect(self.path, read_only=read_only)
        if not read_only:
            self.migrate()

    def close(self) -> None:
        """Close the connection."""
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema -------------------------------------------------------------------------------
    def schema_version(self) -> int:
        """The schema version this database is at (0 for a new file)."""
        self.con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = self.con.execute("SELECT max(version) FROM schema_version").fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def migrate(self) -> None:
        """Bring the schema up to the latest version, one step per transaction."""
        current = self.schema_version()
        for version, step in enumerate(MIGRATIONS[current:], start=current + 1):
            with self.transaction():
                for statement in step.split(";"):
                    if statement.strip():
                        self.con.execute(statement)
                self.con.execute("INSERT INTO schema_version VALUES (?)", [version])

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside happen, or none do."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    # -- writes -------------------------------------------------------------------------------
    def known_hashes(self, hashes: Iterable[str]) -> dict[str, str]:
        """content_hash -> article id for the hashes already stored."""
        hs = list(set(hashes))
        if not hs:
            return {}
        rows = self.con.execute(
            "SELECT content_hash, id FROM articles WHERE content_hash IN (SELECT unnest(?))", [hs]
        ).fetchall()
        return {h: i for h, i in rows}

    def add_articles(self, articles: Sequence[Article]) -> int:
        """Insert articles not stored yet (by content hash) with their paragraphs; returns how many."""
        known = self.known_hashes(a.content_hash for a in articles)
        fresh = [a for a in articles if a.content_hash not in known]
        if not fresh:
            return 0
        self.con.executemany(
            "INSERT INTO articles (id, content_hash, file, source_path, kind, original_text, text, outlet,"
            " published, title, url, language, story_id, input_order) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
            " ON CONFLICT DO NOTHING",
            [
                [a.id, a.content_hash, a.file, a.source_path, a.kind, a.original_text, a.text, a.outlet,
                 a.published, a.title, a.url, a.language, None, a.order]
                for a in fresh
            ],
        )
        self.con.executemany(
            "INSERT INTO paragraphs VALUES (?,?,?,?,?) ON CONFLICT DO NOTHING",
            [[a.id, p.index, p.start, p.end, p.text] for a in fresh for p in a.paragraphs],
        )
        return len(fresh)

    def record_inputs(self, records: Sequence[InputRecord]) -> None:
        """Upsert the manifest lines of these inputs (the latest run's verdict wins)."""
        if not records:
            return
        self.con.executemany(
            "INSERT INTO inputs (source_path, file, status, article_id, duplicate_of, reason) VALUES (?,?,?,?,?,?)"
            " ON CONFLICT (source_path, file) DO UPDATE SET status = excluded.status,"
            " article_id = excluded.article_id, duplicate_of = excluded.duplicate_of, reason = excluded.reason,"
            " seen_at = now()",
            [[r.source_path, r.file, r.status, r.article_id, r.duplicate_of, r.reason] for r in records],
        )

    def replace_quotes(self, article_ids: Sequence[str], quotes: Sequence[Quote]) -> None:
        """Replace the quotes of these articles."""
        ids = list(article_ids)
        if ids:
            self.con.execute("DELETE FROM quotes WHERE article_id IN (SELECT unnest(?))", [ids])
        if quotes:
            self.con.executemany(
                "INSERT INTO quotes VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                [
                    [f"{q.article_id}:{q.kind[0]}:{q.start}:{q.end}", q.article_id, q.kind, q.text, q.start,
                     q.end, q.speaker, q.speaker_mention, q.cue, q.role, q.speaker_type, q.paragraph]
                    for q in quotes
                ],
            )

    def replace_speakers(self, speakers: Sequence[Speaker]) -> None:
        """Replace the speakers table."""
        self.con.execute("DELETE FROM speakers")
        if speakers:
            self.con.executemany(
                "INSERT INTO speakers VALUES (?,?,?,?)",
                [[s.name, s.type, list(s.aliases), list(s.roles)] for s in speakers],
            )

    def replace_near_duplicates(self, pairs: Iterable[tuple[str, str, float]]) -> None:
        """Store near-duplicate article pairs (a < b), replacing pairs between the same articles."""
        rows = sorted({(min(a, b), max(a, b), float(s)) for a, b, s in pairs if a != b})
        if rows:
            self.con.executemany(
                "INSERT INTO near_duplicates VALUES (?,?,?) ON CONFLICT (a, b) DO UPDATE SET"
                " similarity = excluded.similarity",
                [list(r) for r in rows],
            )

    def replace_passages(self, passages: Sequence[Passage]) -> None:
        """Replace the passage groups touching these passages' articles."""
        ids = sorted({o.article_id for p in passages for o in p.occurrences})
        if ids:
            self.con.execute(
                "DELETE FROM passages WHERE id IN (SELECT passage_id FROM passage_occurrences"
                " WHERE article_id IN (SELECT unnest(?)))",
                [ids],
            )
            self.con.execute("DELETE FROM passage_occurrences WHERE article_id IN (SELECT unnest(?))", [ids])
        if passages:
            self.con.executemany(
                "INSERT INTO passages VALUES (?,?) ON CONFLICT DO NOTHING", [[p.id, p.text] for p in passages]
            )
            self.con.executemany(
                "INSERT INTO passage_occurrences VALUES (?,?,?,?,?) ON CONFLICT DO NOTHING",
                [[p.id, o.article_id, o.paragraph, o.published, o.first_seen] for p in passages for o in p.occurrences],
            )

    def replace_stories(self, stories: Sequence[Story]) -> None:
        """Upsert stories and point their articles at them."""
        if not stories:
            return
        self.con.executemany(
            "INSERT INTO stories VALUES (?,?,?,?,?) ON CONFLICT (id) DO UPDATE SET title = excluded.title,"
            " first_published = excluded.first_published, last_published = excluded.last_published,"
            " n_articles = excluded.n_articles",
            [[s.id, s.title, s.first_published, s.last_published, len(s.article_ids)] for s in stories],
        )
        self.con.executemany(
            "UPDATE articles SET story_id = ? WHERE id = ?",
            [[s.id, a] for s in stories for a in s.article_ids],
        )

    # -- reads --------------------------------------------------------------------------------
    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Run a query and return its rows as dicts."""
        cur = self.con.execute(sql, list(params))
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]

    def count(self, table: str) -> int:
        """Number of rows in a table."""
        row = self.con.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608 (internal names)
        return int(row[0]) if row else 0

    def inputs_for(self, keys: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
        """Manifest lines for these (source_path, file) keys, in the given order."""
        if not keys:
            return []
        paths = sorted({k[0] for k in keys})
        found = {
            (r["source_path"], r["file"]): r
            for r in self.rows("SELECT * FROM inputs WHERE source_path IN (SELECT unnest(?))", [paths])
        }
        return [found[k] for k in keys if k in found]

    def json_meta(self) -> str:
        """A short JSON summary of table sizes."""
        tables = ["articles", "paragraphs", "inputs", "quotes", "speakers", "near_duplicates", "passages", "stories"]
        return json.dumps({t: self.count(t) for t in tables})
