"""DuckDB storage: schema and migrations, batched transactional writes, plain reads."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from recoupe.model import Article, InputRecord, Passage, Quote, Speaker, Story

if TYPE_CHECKING:
    from recoupe.corroborate import CorroboratedQuote, SpeakerSummary

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
    # 2: corroboration (issue 5): one record per quotation with its occurrences; speakers summarised
    """
    CREATE TABLE corroborated_quotes (
        id VARCHAR PRIMARY KEY,
        text VARCHAR NOT NULL,
        search_text VARCHAR NOT NULL,
        speaker VARCHAR,
        speakers VARCHAR[],
        speaker_conflict BOOLEAN NOT NULL,
        n_outlets INTEGER NOT NULL,
        n_occurrences INTEGER NOT NULL,
        outlets VARCHAR[],
        single_source BOOLEAN NOT NULL,
        first_published VARCHAR,
        first_outlet VARCHAR,
        first_article_id VARCHAR NOT NULL,
        first_file VARCHAR NOT NULL,
        story_ids VARCHAR[],
        variants VARCHAR
    );
    CREATE TABLE quote_occurrences (
        record_id VARCHAR NOT NULL,
        quote_id VARCHAR NOT NULL,
        article_id VARCHAR NOT NULL,
        file VARCHAR NOT NULL,
        outlet VARCHAR,
        published VARCHAR,
        story_id VARCHAR,
        text VARCHAR NOT NULL,
        start_char INTEGER NOT NULL,
        end_char INTEGER NOT NULL,
        speaker VARCHAR,
        speaker_mention VARCHAR,
        cue VARCHAR
    );
    CREATE TABLE speaker_summaries (
        name VARCHAR PRIMARY KEY,
        type VARCHAR,
        aliases VARCHAR[],
        roles VARCHAR[],
        n_quotes INTEGER NOT NULL,
        n_occurrences INTEGER NOT NULL,
        n_outlets INTEGER NOT NULL,
        first_seen VARCHAR,
        last_seen VARCHAR
    );
    """,
    # 3: quotation search without scanning every quotation: one row per (word, quotation), kept sorted by
    # word so DuckDB's min/max zone maps skip all but the word's rows; occurrences looked up by record
    """
    CREATE TABLE quote_terms (
        term VARCHAR NOT NULL,
        record_id VARCHAR NOT NULL,
        first_published VARCHAR,
        n_outlets INTEGER NOT NULL,
        speaker VARCHAR
    );
    CREATE INDEX quote_occurrences_record ON quote_occurrences (record_id);
    INSERT INTO quote_terms SELECT DISTINCT unnest(string_split(trim(search_text), ' ')) AS term, id,
        first_published, n_outlets, speaker FROM corroborated_quotes ORDER BY term, first_published NULLS LAST, id;
    """,
]


def _arrow_types() -> dict[str, Any]:
    import pyarrow as pa

    return {
        "VARCHAR": pa.string(), "BIGINT": pa.int64(), "INTEGER": pa.int32(), "DOUBLE": pa.float64(),
        "BOOLEAN": pa.bool_(), "VARCHAR[]": pa.list_(pa.string()),
    }


class _LazyTypes(dict[str, Any]):
    def __missing__(self, key: str) -> Any:
        self.update(_arrow_types())
        return dict.__getitem__(self, key)


_ARROW_TYPES = _LazyTypes()


# DuckDB 1.4 converts a Python list parameter element by element (about 0.15 ms each): long id lists travel as
# one string, split in SQL. Use `IN_LIST` where the SQL takes a list and `sql_list(values)` as its parameter.
IN_LIST = "string_split(?, chr(31))"
IN_IDS = f"(SELECT unnest({IN_LIST}))"
_SEP = "\x1f"


def sql_list(values: Iterable[str]) -> str:
    """One string parameter carrying a list of strings for `IN_LIST` (no value may contain U+001F)."""
    return _SEP.join(values)


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
            f"SELECT content_hash, id FROM articles WHERE content_hash IN {IN_IDS}", [sql_list(hs)]
        ).fetchall()
        return {h: i for h, i in rows}

    def add_articles(self, articles: Sequence[Article]) -> int:
        """Insert articles not stored yet (by content hash) with their paragraphs; returns how many."""
        known = self.known_hashes(a.content_hash for a in articles)
        fresh = list({a.content_hash: a for a in articles if a.content_hash not in known}.values())
        if not fresh:
            return 0
        v, i = "VARCHAR", "BIGINT"
        self._insert_columns(
            "articles",
            [
                (v, [a.id for a in fresh]), (v, [a.content_hash for a in fresh]), (v, [a.file for a in fresh]),
                (v, [a.source_path for a in fresh]), (v, [a.kind for a in fresh]),
                (v, [a.original_text for a in fresh]), (v, [a.text for a in fresh]), (v, [a.outlet for a in fresh]),
                (v, [a.published for a in fresh]), (v, [a.title for a in fresh]), (v, [a.url for a in fresh]),
                (v, [a.language for a in fresh]), (v, [None for _ in fresh]), (i, [a.order for a in fresh]),
            ],
            names=("id, content_hash, file, source_path, kind, original_text, text, outlet, published, title, url,"
                   " language, story_id, input_order"),
            suffix="ON CONFLICT DO NOTHING",
        )
        paras = [(a.id, p) for a in fresh for p in a.paragraphs]
        self._insert_columns(
            "paragraphs",
            [
                (v, [a for a, _ in paras]), ("INTEGER", [p.index for _, p in paras]),
                ("INTEGER", [p.start for _, p in paras]), ("INTEGER", [p.end for _, p in paras]),
                (v, [p.text for _, p in paras]),
            ],
            suffix="ON CONFLICT DO NOTHING",
        )
        return len(fresh)

    def record_inputs(self, records: Sequence[InputRecord]) -> None:
        """Upsert the manifest lines of these inputs (the latest run's verdict wins)."""
        rs = list({(r.source_path, r.file): r for r in records}.values())
        v = "VARCHAR"
        self._insert_columns(
            "inputs",
            [
                (v, [r.source_path for r in rs]), (v, [r.file for r in rs]), (v, [r.status for r in rs]),
                (v, [r.article_id for r in rs]), (v, [r.duplicate_of for r in rs]), (v, [r.reason for r in rs]),
            ],
            names="source_path, file, status, article_id, duplicate_of, reason",
            suffix="ON CONFLICT (source_path, file) DO UPDATE SET status = excluded.status,"
            " article_id = excluded.article_id, duplicate_of = excluded.duplicate_of, reason = excluded.reason,"
            " seen_at = now()",
        )

    def replace_quotes(self, article_ids: Sequence[str], quotes: Sequence[Quote]) -> None:
        """Replace the quotes of these articles."""
        ids = list(article_ids)
        if ids:
            self.con.execute(f"DELETE FROM quotes WHERE article_id IN {IN_IDS}", [sql_list(ids)])
        qs = list({f"{q.article_id}:{q.kind[0]}:{q.start}:{q.end}": q for q in quotes}.items())
        v, i = "VARCHAR", "INTEGER"
        self._insert_columns(
            "quotes",
            [
                (v, [k for k, _ in qs]), (v, [q.article_id for _, q in qs]), (v, [q.kind for _, q in qs]),
                (v, [q.text for _, q in qs]), (i, [q.start for _, q in qs]), (i, [q.end for _, q in qs]),
                (v, [q.speaker for _, q in qs]), (v, [q.speaker_mention for _, q in qs]), (v, [q.cue for _, q in qs]),
                (v, [q.role for _, q in qs]), (v, [q.speaker_type for _, q in qs]), (i, [q.paragraph for _, q in qs]),
            ],
        )

    def replace_speakers(self, speakers: Sequence[Speaker]) -> None:
        """Replace the speakers table."""
        self.con.execute("DELETE FROM speakers")
        ss = list({s.name: s for s in speakers}.values())
        v, vl = "VARCHAR", "VARCHAR[]"
        self._insert_columns(
            "speakers",
            [(v, [s.name for s in ss]), (v, [s.type for s in ss]), (vl, [list(s.aliases) for s in ss]),
             (vl, [list(s.roles) for s in ss])],
        )

    def replace_near_duplicates(self, pairs: Iterable[tuple[str, str, float]]) -> None:
        """Store near-duplicate article pairs (a < b), replacing pairs between the same articles."""
        best: dict[tuple[str, str], float] = {}
        for a, b, sim in pairs:
            if a != b:
                best[(min(a, b), max(a, b))] = float(sim)
        keys = sorted(best)
        self._insert_columns(
            "near_duplicates",
            [("VARCHAR", [k[0] for k in keys]), ("VARCHAR", [k[1] for k in keys]),
             ("DOUBLE", [best[k] for k in keys])],
            suffix="ON CONFLICT (a, b) DO UPDATE SET similarity = excluded.similarity",
        )

    def replace_passages(self, passages: Sequence[Passage]) -> None:
        """Replace the passage groups touching these passages' articles."""
        ids = sorted({o.article_id for p in passages for o in p.occurrences})
        if ids:
            self.con.execute(
                "DELETE FROM passages WHERE id IN (SELECT passage_id FROM passage_occurrences"
                f" WHERE article_id IN {IN_IDS})",
                [sql_list(ids)],
            )
            self.con.execute(
                f"DELETE FROM passage_occurrences WHERE article_id IN {IN_IDS}", [sql_list(ids)]
            )
        ps = list({p.id: p for p in passages}.values())
        v = "VARCHAR"
        self._insert_columns(
            "passages", [(v, [p.id for p in ps]), (v, [p.text for p in ps])], suffix="ON CONFLICT DO NOTHING"
        )
        occ = list({(p.id, o.article_id, o.paragraph): o for p in ps for o in p.occurrences}.items())
        self._insert_columns(
            "passage_occurrences",
            [
                (v, [k[0] for k, _ in occ]), (v, [k[1] for k, _ in occ]), ("INTEGER", [k[2] for k, _ in occ]),
                (v, [o.published for _, o in occ]), ("BOOLEAN", [o.first_seen for _, o in occ]),
            ],
            suffix="ON CONFLICT DO NOTHING",
        )

    def replace_stories(self, stories: Sequence[Story]) -> None:
        """Upsert stories and point their articles at them."""
        ss = list({s.id: s for s in stories}.values())
        if not ss:
            return
        v = "VARCHAR"
        self._insert_columns(
            "stories",
            [
                (v, [s.id for s in ss]), (v, [s.title for s in ss]), (v, [s.first_published for s in ss]),
                (v, [s.last_published for s in ss]), ("INTEGER", [len(s.article_ids) for s in ss]),
            ],
            suffix="ON CONFLICT (id) DO UPDATE SET title = excluded.title,"
            " first_published = excluded.first_published, last_published = excluded.last_published,"
            " n_articles = excluded.n_articles",
        )
        members = [(s.id, a) for s in ss for a in s.article_ids]
        self.con.execute(
            "UPDATE articles SET story_id = m.story_id FROM"
            f" (SELECT unnest({IN_LIST}) AS story_id, unnest({IN_LIST}) AS article_id) AS m"
            " WHERE articles.id = m.article_id",
            [sql_list(s for s, _ in members), sql_list(a for _, a in members)],
        )

    def _insert_columns(
        self, table: str, columns: Sequence[tuple[str, Sequence[Any]]], names: str = "", suffix: str = ""
    ) -> None:
        """Bulk insert (SQL type, values) columns, all the same length, in one statement through Arrow."""
        import pyarrow as pa

        if not columns or not columns[0][1]:
            return
        batch = pa.table({f"c{i}": pa.array(list(v), type=_ARROW_TYPES[t]) for i, (t, v) in enumerate(columns)})
        target = f"{table} ({names})" if names else table
        view = f"_recoupe_batch_{id(batch)}"
        self.con.register(view, batch)
        try:
            self.con.execute(f"INSERT INTO {target} SELECT * FROM {view} {suffix}")  # noqa: S608
        finally:
            self.con.unregister(view)

    def corroboration_inputs(
        self,
    ) -> tuple[list[Quote], dict[str, tuple[str, str | None, str | None, str | None, int]], list[Speaker]]:
        """Stored direct quotes, article id -> (file, outlet, published, story, order), and the speakers."""
        quotes = [
            Quote(r["article_id"], r["file"], r["kind"], r["text"], r["start_char"], r["end_char"],
                  r["speaker"], r["speaker_mention"], r["cue"], r["role"], r["speaker_type"], r["paragraph"])
            for r in self.rows(
                "SELECT q.*, a.file FROM quotes q JOIN articles a ON a.id = q.article_id"
                " WHERE q.kind = 'direct' ORDER BY a.input_order, q.start_char"
            )
        ]
        infos = {
            r["id"]: (r["file"], r["outlet"], r["published"], r["story_id"], r["input_order"] or 0)
            for r in self.rows("SELECT id, file, outlet, published, story_id, input_order FROM articles")
        }
        speakers = [
            Speaker(r["name"], list(r["aliases"] or []), list(r["roles"] or []), r["type"] or "PER")
            for r in self.rows("SELECT * FROM speakers")
        ]
        return quotes, infos, speakers

    def replace_corroboration(
        self, records: Sequence[CorroboratedQuote], speakers: Sequence[SpeakerSummary]
    ) -> None:
        """Replace the corroborated quotes, their occurrences and the speaker summaries."""
        from recoupe.corroborate import search_key

        self.con.execute("DELETE FROM corroborated_quotes")
        self.con.execute("DELETE FROM quote_occurrences")
        self.con.execute("DELETE FROM speaker_summaries")
        self.con.execute("DELETE FROM quote_terms")
        rs = list(records)
        v, b, i, vl = "VARCHAR", "BOOLEAN", "INTEGER", "VARCHAR[]"
        self._insert_columns("corroborated_quotes", [
            (v, [r.id for r in rs]), (v, [r.text for r in rs]), (v, [f" {search_key(r.text)} " for r in rs]),
            (v, [r.speaker for r in rs]), (vl, [r.speakers for r in rs]), (b, [r.speaker_conflict for r in rs]),
            (i, [r.n_outlets for r in rs]), (i, [len(r.occurrences) for r in rs]), (vl, [r.outlets for r in rs]),
            (b, [r.single_source for r in rs]), (v, [r.first_published for r in rs]),
            (v, [r.first_outlet for r in rs]), (v, [r.first_article_id for r in rs]),
            (v, [r.first_file for r in rs]), (vl, [r.story_ids for r in rs]),
            (v, [json.dumps([asdict(x) for x in r.variants], ensure_ascii=False) for r in rs]),
        ])
        occ = [(r.id, o) for r in rs for o in r.occurrences]
        self._insert_columns("quote_occurrences", [
            (v, [k for k, _ in occ]), (v, [o.quote_id for _, o in occ]), (v, [o.article_id for _, o in occ]),
            (v, [o.file for _, o in occ]), (v, [o.outlet for _, o in occ]), (v, [o.published for _, o in occ]),
            (v, [o.story_id for _, o in occ]), (v, [o.text for _, o in occ]), (i, [o.start for _, o in occ]),
            (i, [o.end for _, o in occ]), (v, [o.speaker for _, o in occ]),
            (v, [o.speaker_mention for _, o in occ]), (v, [o.cue for _, o in occ]),
        ])
        ss = list(speakers)
        self._insert_columns("speaker_summaries", [
            (v, [s.name for s in ss]), (v, [s.type for s in ss]), (vl, [s.aliases for s in ss]),
            (vl, [s.roles for s in ss]), (i, [s.n_quotes for s in ss]), (i, [s.n_occurrences for s in ss]),
            (i, [s.n_outlets for s in ss]), (v, [s.first_seen for s in ss]), (v, [s.last_seen for s in ss]),
        ])
        self.con.execute(
            "INSERT INTO quote_terms SELECT DISTINCT unnest(string_split(trim(search_text), ' ')) AS term, id,"
            " first_published, n_outlets, speaker FROM corroborated_quotes"
            " ORDER BY term, first_published NULLS LAST, id"
        )

    def build_search_indexes(self) -> bool:
        """Rebuild the search tables: word counts of quotations, and the full-text index over articles (DuckDB
        fts) if articles changed; False without the extension.

        The index does not follow writes, so writers call this after adding articles. Articles are only ever
        added, so an index holding as many documents as there are articles is current. Without the extension,
        an index left by another install is dropped: readers then scan rather than answer from stale data.
        """
        from recoupe.fts import ARTICLE_INDEX, ARTICLE_SCHEMA, has_index, load_fts

        # how many quotations hold each word: quotation search intersects the commonest word's set first
        self.con.execute("CREATE OR REPLACE TABLE quote_term_counts AS SELECT term, count(*) AS n FROM quote_terms"
                         " GROUP BY term ORDER BY term")
        indexed = has_index(self.con, ARTICLE_SCHEMA)
        if not load_fts(self.con):
            if indexed:
                self.con.execute(f"DROP SCHEMA {ARTICLE_SCHEMA} CASCADE")
            return False
        if indexed and self.count(f"{ARTICLE_SCHEMA}.docs") == self.count("articles"):
            return True
        self.con.execute(ARTICLE_INDEX)
        return True

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
            for r in self.rows(f"SELECT * FROM inputs WHERE source_path IN {IN_IDS}", [sql_list(paths)])
        }
        return [found[k] for k in keys if k in found]

    def json_meta(self) -> str:
        """A short JSON summary of table sizes."""
        tables = ["articles", "paragraphs", "inputs", "quotes", "speakers", "near_duplicates", "passages", "stories"]
        return json.dumps({t: self.count(t) for t in tables})
