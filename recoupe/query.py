"""Read-only queries over a recoupe database, returning typed records: the CLI, REST API and web UI use these.

Text search: articles through DuckDB's full-text index (`recoupe.fts`: the `fts` extension from the installed
`duckdb-ext-fts` package), or ILIKE where the extension or the index is missing; quotations word by word in a
normalised form (`search_key`: no case, accents or typography), through the `quote_terms` word table.
"""

from __future__ import annotations

import atexit
import json
import re
import threading
import unicodedata
import weakref
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from recoupe.corroborate import CorroboratedQuote, DiffOp, QuoteOccurrence, SpeakerSummary, Variant, search_key
from recoupe.fts import ARTICLE_SCHEMA, has_index, load_fts

T = TypeVar("T")
QuoteSort = Literal["date", "outlets"]
MAX_LIMIT = 500
CORROBORATION_SCHEMA = 3  # the store's migration that completed the corroboration tables
MAX_TERMS = 60
_NOT_WORD = re.compile(r"[\W_]+")


class QueryError(ValueError):
    """A query that cannot be answered as asked; the message says what to change."""


@dataclass(slots=True)
class Page(Generic[T]):
    """One page of results: `total` counts every match, `items` the ones from `offset` on."""

    items: list[T]
    total: int
    limit: int
    offset: int


@dataclass(slots=True)
class ArticleSummary:
    """An article as listed: where and when it was published, its story and how many quotations."""

    id: str
    file: str
    outlet: str | None
    published: str | None
    title: str | None
    story_id: str | None
    n_quotes: int


@dataclass(slots=True)
class TextSegment:
    """A run of an article's text: plain, or a quotation (`quote_id` set) carried by `n_outlets` outlets."""

    text: str
    quote_id: str | None = None
    n_outlets: int = 0


@dataclass(slots=True)
class ArticleParagraph:
    """A paragraph, whether another outlet's article carries it too, and its text cut at quotations."""

    index: int
    text: str
    shared: bool
    passage_id: str | None
    segments: list[TextSegment] = field(default_factory=list)


@dataclass(slots=True)
class ArticleDetail:
    """An article with its paragraphs and near-duplicates."""

    id: str
    file: str
    outlet: str | None
    published: str | None
    title: str | None
    url: str | None
    story_id: str | None
    text: str
    paragraphs: list[ArticleParagraph]
    near_duplicates: list[str]


@dataclass(slots=True)
class StorySummary:
    """A story as listed: title, dates, how many articles and outlets."""

    id: str
    title: str | None
    first_published: str | None
    last_published: str | None
    n_articles: int
    n_outlets: int
    outlets: list[str]


@dataclass(slots=True)
class OutletColumn:
    """The articles of one outlet in a story (`outlet` None: articles whose outlet is unknown)."""

    outlet: str | None
    articles: list[ArticleDetail]


@dataclass(slots=True)
class StoryDetail:
    """A story: its articles side by side by outlet, and its quotations with the outlets carrying each."""

    story: StorySummary
    columns: list[OutletColumn]
    quotes: list[CorroboratedQuote]


@dataclass(slots=True)
class TimelinePoint:
    """How many quotations of a speaker an outlet reported on one day."""

    day: str
    outlet: str | None
    n: int


@dataclass(slots=True)
class SpeakerDetail:
    """A speaker with every quotation and their reports per day and outlet."""

    speaker: SpeakerSummary
    quotes: Page[CorroboratedQuote]
    timeline: list[TimelinePoint]


@dataclass(slots=True)
class PassageSite:
    """One place where a shared passage stands."""

    article_id: str
    file: str
    outlet: str | None
    published: str | None
    paragraph: int
    first_seen: bool


@dataclass(slots=True)
class PassageRecord:
    """A paragraph shared, verbatim or nearly, by several articles."""

    id: str
    text: str
    occurrences: list[PassageSite]


@dataclass(slots=True)
class SearchResults:
    """Quotations and articles matching a text query."""

    query: str
    quotes: Page[CorroboratedQuote]
    articles: Page[ArticleSummary]


def _day(col: str) -> str:
    """SQL turning a partial ISO date column (YYYY, YYYY-MM) into its first day, for range filters."""
    return f"({col} || substr('0000-01-01', length({col}) + 1))"


def _check_page(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
    if offset < 0:
        raise QueryError(f"offset must be 0 or more, got {offset}")


def _words(text: str) -> list[str]:
    return search_key(text).split()


def _terms(q: str | None) -> list[tuple[str, bool]]:
    """The words of a quotation query, each with whether it is a prefix (written with a final `*`)."""
    out: list[tuple[str, bool]] = []
    for token in (q or "").split():
        words = _words(token)
        out += [(w, token.endswith("*") and k == len(words) - 1) for k, w in enumerate(words)]
    terms = list(dict.fromkeys(out))
    if len(terms) > MAX_TERMS:
        raise QueryError(f"q has {len(terms)} words: at most {MAX_TERMS}")
    return terms


def _fts_words(q: str) -> str:
    """`q` as the fts tokenizer expects it: words apart, no separator at either end (it would count as a word)."""
    return _NOT_WORD.sub(" ", unicodedata.normalize("NFC", q)).strip()


def _ilike(column: str, q: str | None) -> tuple[list[str], list[str]]:
    """Conditions and parameters matching every whitespace-separated word of `q` in `column`, any case."""
    conds, params = [], []
    for w in (q or "").split():
        conds.append(f"{column} ILIKE ? ESCAPE '\\'")
        params.append("%" + w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
    return conds, params


class Recoupe:
    """Typed read-only queries over one recoupe DuckDB database."""

    def __init__(self, con: Any, owns: bool = False) -> None:
        self._con = con
        self._owns = owns
        self._local = threading.local()
        self._cursors: list[Any] = []  # every thread's cursor, closed with this object
        self._lock = threading.Lock()
        self._closed = False
        _OPEN.add(self)
        version = self._one("SELECT max(version) FROM schema_version") if self._has_table("schema_version") else None
        if version is None or version < CORROBORATION_SCHEMA:
            raise QueryError(
                "database has no corroboration tables (schema version "
                f"{version or 0} < {CORROBORATION_SCHEMA}): run `recoupe analyze` on it with this version first"
            )
        # the article index is used only when the extension loads here and a writer built the index
        self.fts_articles = load_fts(con) and has_index(con, ARTICLE_SCHEMA)
        self._term_counts = self._has_table("quote_term_counts")

    # -- plumbing -------------------------------------------------------------------------------
    def close(self) -> None:
        """Close the cursors opened by this object's threads, and the database if this object opened it."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            cursors, self._cursors = self._cursors, []
        for cur in cursors:
            cur.close()
        if self._owns:
            self._con.close()
        _OPEN.discard(self)

    def __enter__(self) -> Recoupe:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _cursor(self) -> Any:
        # one cursor per thread: a DuckDB connection must not be shared by concurrent threads
        if self._closed:
            raise QueryError("this recoupe database was closed")
        cur = getattr(self._local, "cur", None)
        if cur is None:
            with self._lock:
                if self._closed:
                    raise QueryError("this recoupe database was closed")
                cur = self._local.cur = self._con.cursor()
                self._cursors.append(cur)
        return cur

    def _rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        cur = self._cursor().execute(sql, params or [])
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]

    def _one(self, sql: str, params: list[Any] | None = None) -> Any:
        row = self._cursor().execute(sql, params or []).fetchone()
        return row[0] if row else None

    def _has_table(self, name: str) -> bool:
        return bool(self._one("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]))

    # -- articles -------------------------------------------------------------------------------
    def articles(
        self,
        outlet: str | None = None,
        story: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        q: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Page[ArticleSummary]:
        """Articles, filtered by outlet, story, publication dates and text, in publication order."""
        _check_page(limit, offset)
        where: list[str] = ["TRUE"]
        params: list[Any] = []
        if outlet is not None:
            where.append("a.outlet = ?")
            params.append(outlet)
        if story is not None:
            where.append("a.story_id = ?")
            params.append(story)
        if date_from is not None:
            where.append(f"{_day('a.published')} >= ?")
            params.append(date_from)
        if date_to is not None:
            where.append(f"{_day('a.published')} <= ?")
            params.append(date_to)
        if q and q.strip() and self.fts_articles:
            # every word (stemmed, accents and case ignored) in the title or text; the score is not used
            where.append(f"a.id IN (SELECT m.id FROM articles m"
                         f" WHERE {ARTICLE_SCHEMA}.match_bm25(m.id, ?, conjunctive := 1) IS NOT NULL)")
            params.append(_fts_words(q))
        else:
            conds, words = _ilike("a.text", q)
            where += conds
            params += words
        rows = self._rows(
            "SELECT a.id, a.file, a.outlet, a.published, a.title, a.story_id,"
            " (SELECT count(*) FROM quotes q WHERE q.article_id = a.id AND q.kind = 'direct') AS n_quotes,"
            " count(*) OVER () AS total FROM articles a"
            f" WHERE {' AND '.join(where)}"
            " ORDER BY a.published NULLS LAST, a.input_order, a.id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        total = rows[0]["total"] if rows else self._count_beyond("articles a", where, params)
        return Page([ArticleSummary(**{k: v for k, v in r.items() if k != "total"}) for r in rows], total, limit,
                    offset)

    def _count_beyond(self, table: str, where: list[str], params: list[Any]) -> int:
        cond = " AND ".join(where)
        return int(self._one(f"SELECT count(*) FROM {table} WHERE {cond}", params) or 0)  # noqa: S608

    def article(self, article_id: str) -> ArticleDetail | None:
        """One article with its paragraphs (shared ones marked, quotations cut out), or None."""
        details = self._article_details([article_id])
        return details[0] if details else None

    def _article_details(self, ids: list[str]) -> list[ArticleDetail]:
        if not ids:
            return []
        arts = self._rows(
            "SELECT id, file, outlet, published, title, url, story_id, text FROM articles"
            " WHERE id IN (SELECT unnest(?)) ORDER BY published NULLS LAST, input_order, id",
            [ids],
        )
        paras: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for p in self._rows(
            "SELECT article_id, idx, start_char, end_char, text FROM paragraphs"
            " WHERE article_id IN (SELECT unnest(?)) ORDER BY article_id, idx",
            [ids],
        ):
            paras[p["article_id"]].append(p)
        passage_of: dict[tuple[str, int], str] = {}
        for r in self._rows(
            "SELECT o.article_id, o.paragraph, o.passage_id FROM passage_occurrences o"
            " WHERE o.article_id IN (SELECT unnest(?)) AND EXISTS (SELECT 1 FROM passage_occurrences o2"
            " WHERE o2.passage_id = o.passage_id AND o2.article_id <> o.article_id)",
            [ids],
        ):
            passage_of[(r["article_id"], r["paragraph"])] = r["passage_id"]
        # paragraphs equal once typography is set aside also count as shared within the articles asked for
        keys: dict[str, set[str]] = defaultdict(set)
        for aid, ps in paras.items():
            for p in ps:
                k = search_key(p["text"])
                if len(k) >= 40:
                    keys[k].add(aid)
        spans: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in self._rows(
            "SELECT o.article_id, o.start_char, o.end_char, o.record_id, c.n_outlets FROM quote_occurrences o"
            " JOIN corroborated_quotes c ON c.id = o.record_id WHERE o.article_id IN (SELECT unnest(?))"
            " ORDER BY o.article_id, o.start_char",
            [ids],
        ):
            spans[r["article_id"]].append(r)
        dups: dict[str, list[str]] = defaultdict(list)
        for r in self._rows(
            "SELECT a, b FROM near_duplicates WHERE a IN (SELECT unnest(?)) OR b IN (SELECT unnest(?))", [ids, ids]
        ):
            dups[r["a"]].append(r["b"])
            dups[r["b"]].append(r["a"])
        out = []
        for a in arts:
            text = a["text"]
            paragraphs = []
            for p in paras.get(a["id"], []):
                pid = passage_of.get((a["id"], p["idx"]))
                shared = pid is not None or len(keys.get(search_key(p["text"]), ())) > 1
                paragraphs.append(ArticleParagraph(
                    p["idx"], p["text"], shared, pid,
                    _segments(text, p["start_char"], p["end_char"], spans.get(a["id"], [])),
                ))
            if not paragraphs:
                paragraphs.append(ArticleParagraph(0, text, False, None, [TextSegment(text)]))
            out.append(ArticleDetail(a["id"], a["file"], a["outlet"], a["published"], a["title"], a["url"],
                                     a["story_id"], text, paragraphs, sorted(dups.get(a["id"], []))))
        return out

    # -- stories --------------------------------------------------------------------------------
    def stories(self, q: str | None = None, limit: int = 50, offset: int = 0) -> Page[StorySummary]:
        """Stories, most articles first, with their dates and outlets."""
        _check_page(limit, offset)
        conds, params = _ilike("s.title", q)
        where = ["TRUE", *conds]
        cond = " AND ".join(where)
        rows = self._rows(
            "WITH per AS (SELECT story_id, count(*) AS n_articles,"
            " count(DISTINCT coalesce(outlet, '?' || id)) AS n_outlets,"
            " list(DISTINCT outlet ORDER BY outlet) FILTER (WHERE outlet IS NOT NULL) AS outlets,"
            " min(published) AS first_pub, max(published) AS last_pub"
            " FROM articles WHERE story_id IS NOT NULL GROUP BY story_id)"
            " SELECT s.id, s.title, coalesce(s.first_published, per.first_pub) AS first_published,"
            " coalesce(s.last_published, per.last_pub) AS last_published, per.n_articles, per.n_outlets,"
            " coalesce(per.outlets, []) AS outlets, count(*) OVER () AS total"
            f" FROM stories s JOIN per ON per.story_id = s.id WHERE {cond}"
            " ORDER BY per.n_outlets DESC, per.n_articles DESC, last_published DESC NULLS LAST, s.id"
            " LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        total = rows[0]["total"] if rows else self._count_beyond(
            "stories s", [*where, "EXISTS (SELECT 1 FROM articles a WHERE a.story_id = s.id)"], params
        )
        return Page([StorySummary(**{k: v for k, v in r.items() if k != "total"}) for r in rows], total, limit,
                    offset)

    def story(self, story_id: str) -> StoryDetail | None:
        """A story with its articles by outlet and its quotations, or None."""
        rows = self._rows("SELECT id FROM stories WHERE id = ?", [story_id])
        if not rows:
            return None
        ids = [r["id"] for r in self._rows("SELECT id FROM articles WHERE story_id = ?", [story_id])]
        details = self._article_details(ids)
        by_outlet: dict[str | None, list[ArticleDetail]] = defaultdict(list)
        for d in details:
            by_outlet[d.outlet].append(d)
        columns = [OutletColumn(o, arts) for o, arts in sorted(by_outlet.items(), key=lambda kv: (kv[0] is None,
                                                                                                 kv[0] or ""))]
        outlets = sorted({d.outlet for d in details if d.outlet})
        pubs = sorted(d.published for d in details if d.published)
        st = self._rows("SELECT * FROM stories WHERE id = ?", [story_id])[0]
        summary = StorySummary(
            story_id, st["title"], st["first_published"] or (pubs[0] if pubs else None),
            st["last_published"] or (pubs[-1] if pubs else None), len(details),
            len({d.outlet or f"?{d.id}" for d in details}), outlets,
        )
        quotes = self.quotes(story=story_id, sort="outlets", limit=MAX_LIMIT).items
        return StoryDetail(summary, columns, quotes)

    # -- quotes ---------------------------------------------------------------------------------
    def quotes(
        self,
        speaker: str | None = None,
        outlet: str | None = None,
        story: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        q: str | None = None,
        min_outlets: int | None = None,
        sort: QuoteSort = "date",
        limit: int = 50,
        offset: int = 0,
    ) -> Page[CorroboratedQuote]:
        """Corroborated quotations filtered by speaker (name or alias), outlet, story, dates, words, outlets.

        `q`: every word must be a word of the quotation (case, accents and typography ignored); a word
        ending in `*` matches any word it begins.
        """
        _check_page(limit, offset)
        where: list[str] = ["TRUE"]
        params: list[Any] = []
        if speaker is not None:
            name = self._speaker_name(speaker)
            where.append("c.speaker = ?")
            params.append(name if name is not None else speaker)
        if min_outlets is not None:
            where.append("c.n_outlets >= ?")
            params.append(min_outlets)
        if outlet is not None:
            where.append("c.id IN (SELECT record_id FROM quote_occurrences WHERE outlet = ?)")
            params.append(outlet)
        if story is not None:
            where.append("c.id IN (SELECT record_id FROM quote_occurrences WHERE story_id = ?)")
            params.append(story)
        if date_from is not None or date_to is not None:
            cond = ["o.published IS NOT NULL"]
            if date_from is not None:
                cond.append(f"{_day('o.published')} >= ?")
                params.append(date_from)
            if date_to is not None:
                cond.append(f"{_day('o.published')} <= ?")
                params.append(date_to)
            where.append(f"c.id IN (SELECT o.record_id FROM quote_occurrences o WHERE {' AND '.join(cond)})")
        source, source_params, by_window = self._text_matches(_terms(q)) if q and q.strip() else (
            "corroborated_quotes c", [], False)
        order = (
            "c.n_outlets DESC, c.first_published NULLS LAST, c.id" if sort == "outlets"
            else "c.first_published NULLS LAST, c.id"
        )
        cond_sql = " AND ".join(where)
        # a plain scan is counted apart (a window count would carry every match to the top-N); a set built
        # from several words is counted by a window, so that it is built once
        window = ", count(*) OVER () AS total" if by_window else ""
        rows = self._rows(
            f"SELECT c.id{window} FROM {source} WHERE {cond_sql} ORDER BY {order} LIMIT ? OFFSET ?",  # noqa: S608
            [*source_params, *params, limit, offset],
        )
        if window and rows:
            total = int(rows[0]["total"])
        else:
            total = int(self._one(f"SELECT count(*) FROM {source} WHERE {cond_sql}",  # noqa: S608
                                  [*source_params, *params]) or 0)
        return Page(self._records([r["id"] for r in rows]), total, limit, offset)

    def _text_matches(self, terms: list[tuple[str, bool]]) -> tuple[str, list[Any], bool]:
        """FROM item `c` of the quotations holding every term, its parameters, whether to count by window."""
        if not terms:  # q had no word at all (only punctuation): nothing can match
            return "(SELECT id, first_published, n_outlets, speaker FROM corroborated_quotes WHERE FALSE) c", [], False
        if len(terms) == 1 and not terms[0][1]:
            return ("(SELECT record_id AS id, first_published, n_outlets, speaker FROM quote_terms WHERE term = ?) c",
                    [terms[0][0]], False)
        # several words or a prefix: intersect the (quotation, sort keys) rows of each word within quote_terms,
        # which carries the sort and filter columns (quote_terms is sorted by term, so each set is read from its
        # own few row groups); not joining corroborated_quotes back saves a third of the time at 100k articles
        cols = "SELECT record_id AS id, first_published, n_outlets, speaker FROM quote_terms"
        if len(terms) > 1 and self._term_counts:
            # commonest word first: DuckDB builds its hash table on the right of each INTERSECT, so the rarer
            # sets are built and the big ones only probe (twice as fast when one word is in most quotations);
            # the counts only order the work, they never decide a result
            terms = sorted(terms, key=lambda t: -self._term_count(*t))
        selects, params = [], []
        for w, prefix in terms:
            if prefix:
                selects.append(f"{cols} WHERE term >= ? AND term < ?")
                params += [w, w + "\U0010ffff"]
            else:
                selects.append(f"{cols} WHERE term = ?")
                params.append(w)
        if len(selects) == 1:  # one prefix: a quotation may hold several words it begins
            return f"({selects[0].replace('SELECT', 'SELECT DISTINCT', 1)}) c", params, True
        return f"({' INTERSECT '.join(selects)}) c", params, True

    def _term_count(self, word: str, prefix: bool) -> int:
        """How many (quotation, word) rows a term matches, from `quote_term_counts` (0 if unknown)."""
        if prefix:
            n = self._one("SELECT sum(n) FROM quote_term_counts WHERE term >= ? AND term < ?",
                          [word, word + "\U0010ffff"])
        else:
            n = self._one("SELECT n FROM quote_term_counts WHERE term = ?", [word])
        return int(n or 0)

    def corroboration(self, article_ids: Sequence[str] | None = None, batch: int = 1000) -> Iterator[CorroboratedQuote]:
        """Every corroborated quotation (or those reported by these articles), earliest first, in batches."""
        if article_ids is None:
            ids = [r["id"] for r in self._rows(
                "SELECT id FROM corroborated_quotes ORDER BY first_published NULLS LAST, id")]
        else:
            ids = [r["id"] for r in self._rows(
                "SELECT id FROM corroborated_quotes WHERE id IN (SELECT record_id FROM quote_occurrences"
                " WHERE article_id IN (SELECT unnest(?))) ORDER BY first_published NULLS LAST, id",
                [list(article_ids)],
            )]
        for i in range(0, len(ids), batch):
            yield from self._records(ids[i : i + batch])

    def quote(self, quote_id: str) -> CorroboratedQuote | None:
        """One corroborated quotation with its occurrences and variants, or None."""
        recs = self._records([quote_id])
        return recs[0] if recs else None

    def _records(self, ids: list[str]) -> list[CorroboratedQuote]:
        """Full records for these ids, in this order (looked up through the id and record_id indexes)."""
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        # story_ids is rebuilt from the occurrences: reading a list column through an index lookup is slow
        found = {r["id"]: r for r in self._rows(
            f"SELECT * EXCLUDE (search_text, story_ids) FROM corroborated_quotes WHERE id IN ({marks})", ids  # noqa: S608
        )}
        rows = [found[i] for i in ids if i in found]
        occs: dict[str, list[QuoteOccurrence]] = defaultdict(list)
        for o in self._rows(
            f"SELECT * FROM quote_occurrences WHERE record_id IN ({marks})"  # noqa: S608
            " ORDER BY record_id, published NULLS LAST, file, start_char",
            ids,
        ):
            occs[o["record_id"]].append(QuoteOccurrence(
                o["quote_id"], o["article_id"], o["file"], o["outlet"], o["published"], o["story_id"], o["text"],
                o["start_char"], o["end_char"], o["speaker"], o["speaker_mention"], o["cue"],
            ))
        out = []
        for r in rows:
            variants = [
                Variant(v["text"], v["article_ids"], v["outlets"], v["typography_only"],
                        [DiffOp(d["op"], d["earliest"], d["variant"]) for d in v["diff"]])
                for v in json.loads(r["variants"] or "[]")
            ]
            first = r["first_article_id"]
            out.append(CorroboratedQuote(
                r["id"], r["text"], r["speaker"], list(r["speakers"] or []), r["speaker_conflict"], r["n_outlets"],
                list(r["outlets"] or []), r["single_source"], r["first_published"], r["first_outlet"], first,
                r["first_file"], sorted({o.story_id for o in occs.get(r["id"], []) if o.story_id}),
                sorted(occs.get(r["id"], []), key=lambda o: (o.article_id != first, o.published is None,
                                                              o.published or "", o.file)),
                variants,
            ))
        return out

    # -- speakers -------------------------------------------------------------------------------
    def _speaker_name(self, name: str) -> str | None:
        """The canonical name for a name or alias (case-insensitive), or None."""
        rows = self._rows(
            "SELECT name FROM speaker_summaries WHERE lower(name) = lower(?) ORDER BY n_quotes DESC LIMIT 1", [name]
        ) or self._rows(
            "SELECT name FROM speaker_summaries"
            " WHERE list_contains(list_transform(aliases, lambda x: lower(x)), lower(?))"
            " ORDER BY n_quotes DESC LIMIT 1",
            [name],
        )
        return rows[0]["name"] if rows else None

    def speakers(self, q: str | None = None, limit: int = 50, offset: int = 0) -> Page[SpeakerSummary]:
        """Speakers with their quotation counts, most quoted first; `q` matches names and aliases."""
        _check_page(limit, offset)
        where: list[str] = ["TRUE"]
        params: list[Any] = []
        for w in (q or "").split():
            where.append("(contains(lower(name), lower(?)) OR len(list_filter(aliases,"
                         " lambda x: contains(lower(x), lower(?)))) > 0)")
            params += [w, w]
        cond = " AND ".join(where)
        rows = self._rows(
            f"SELECT *, count(*) OVER () AS total FROM speaker_summaries WHERE {cond}"  # noqa: S608
            " ORDER BY n_quotes DESC, name LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        total = int(rows[0]["total"]) if rows else int(
            self._one(f"SELECT count(*) FROM speaker_summaries WHERE {cond}", params) or 0  # noqa: S608
        )
        return Page([_speaker(r) for r in rows], total, limit, offset)

    def speaker(self, name: str, limit: int = MAX_LIMIT, offset: int = 0) -> SpeakerDetail | None:
        """A speaker (canonical name or alias) with every quotation and a per-day, per-outlet timeline."""
        canonical = self._speaker_name(name)
        if canonical is None:
            return None
        row = self._rows("SELECT * FROM speaker_summaries WHERE name = ?", [canonical])[0]
        quotes = self.quotes(speaker=canonical, limit=limit, offset=offset)
        timeline = [
            TimelinePoint(r["day"], r["outlet"], int(r["n"]))
            for r in self._rows(
                "SELECT o.published AS day, o.outlet, count(*) AS n FROM quote_occurrences o"
                " JOIN corroborated_quotes c ON c.id = o.record_id"
                " WHERE c.speaker = ? AND o.published IS NOT NULL GROUP BY ALL ORDER BY day, o.outlet NULLS LAST",
                [canonical],
            )
        ]
        return SpeakerDetail(_speaker(row), quotes, timeline)

    # -- passages -------------------------------------------------------------------------------
    def passages(
        self, article: str | None = None, story: str | None = None, limit: int = 50, offset: int = 0
    ) -> Page[PassageRecord]:
        """Paragraphs shared by several articles, with where each stands; filtered by article or story."""
        _check_page(limit, offset)
        where: list[str] = ["TRUE"]
        params: list[Any] = []
        if article is not None:
            where.append("p.id IN (SELECT passage_id FROM passage_occurrences WHERE article_id = ?)")
            params.append(article)
        if story is not None:
            where.append("p.id IN (SELECT o.passage_id FROM passage_occurrences o JOIN articles a"
                         " ON a.id = o.article_id WHERE a.story_id = ?)")
            params.append(story)
        cond = " AND ".join(where)
        rows = self._rows(
            f"SELECT p.id, p.text, count(*) OVER () AS total FROM passages p WHERE {cond}"  # noqa: S608
            " ORDER BY p.id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        total = int(rows[0]["total"]) if rows else int(
            self._one(f"SELECT count(*) FROM passages p WHERE {cond}", params) or 0  # noqa: S608
        )
        sites: dict[str, list[PassageSite]] = defaultdict(list)
        for r in self._rows(
            "SELECT o.passage_id, o.article_id, a.file, a.outlet, coalesce(o.published, a.published) AS published,"
            " o.paragraph, o.first_seen FROM passage_occurrences o JOIN articles a ON a.id = o.article_id"
            " WHERE o.passage_id IN (SELECT unnest(?)) ORDER BY o.passage_id, published NULLS LAST, a.file",
            [[r["id"] for r in rows]],
        ):
            sites[r["passage_id"]].append(PassageSite(r["article_id"], r["file"], r["outlet"], r["published"],
                                                      r["paragraph"], r["first_seen"]))
        return Page([PassageRecord(r["id"], r["text"], sites.get(r["id"], [])) for r in rows], total, limit, offset)

    # -- search ---------------------------------------------------------------------------------
    def search(self, q: str, limit: int = 20, offset: int = 0) -> SearchResults:
        """Quotations (most outlets first) and articles containing every word of `q`."""
        return SearchResults(
            q,
            self.quotes(q=q, sort="outlets", limit=limit, offset=offset),
            self.articles(q=q, limit=limit, offset=offset),
        )


def _speaker(r: dict[str, Any]) -> SpeakerSummary:
    return SpeakerSummary(
        r["name"], r["type"] or "PER", list(r["aliases"] or []), list(r["roles"] or []), int(r["n_quotes"]),
        int(r["n_occurrences"]), int(r["n_outlets"]), r["first_seen"], r["last_seen"],
    )


def _segments(text: str, start: int, end: int, spans: list[dict[str, Any]]) -> list[TextSegment]:
    """The paragraph text[start:end] cut at the quotation spans inside it."""
    out: list[TextSegment] = []
    pos = start
    for s in spans:
        a, b = max(s["start_char"], pos), min(s["end_char"], end)
        if a >= b:
            continue
        if a > pos:
            out.append(TextSegment(text[pos:a]))
        out.append(TextSegment(text[a:b], s["record_id"], int(s["n_outlets"])))
        pos = b
    if pos < end:
        out.append(TextSegment(text[pos:end]))
    return out


# DuckDB aborts the process when a connection made in another thread (a web server's worker, where
# cursors live) is still open while the interpreter shuts down: close what is left before that
_OPEN: weakref.WeakSet[Recoupe] = weakref.WeakSet()


@atexit.register
def _close_all() -> None:
    for db in list(_OPEN):
        db.close()


def open(db_path: str | Path) -> Recoupe:  # noqa: A001 (the public name is recoupe.open)
    """Open a recoupe database read-only for queries."""
    import duckdb

    p = Path(db_path)
    if not p.exists():
        raise FileNotFoundError(f"{p}: no such database (create it with `recoupe analyze CORPUS --db {p}`)")
    return Recoupe(duckdb.connect(str(p), read_only=True), owns=True)
