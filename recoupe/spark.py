"""Maps pipeline.py's stage sequence over Spark partitions (extra: recoupe[spark]); orders nothing itself.

Every stage is the single-machine function, called on a partition or on a block of articles that
cannot interact with any other block:

- read and clean: `ingest.read_file` and `pipeline.clean_documents` per partition, input order kept
  by a global index; exact duplicates settled across partitions by the smallest index per content hash;
- near-duplicates: MinHash band keys per partition (the dedup module's shingles and `minhash`), one
  bucket per band key, every candidate pair verified by `dedup.near_duplicate_pairs` itself, groups
  by connected components (alternating large-star / small-star joins);
- passages: articles blocked by the exact and LSH keys of their paragraphs, `dedup.reused_passages`
  per block (a block holds every article a passage can reach);
- stories: `stories.article_terms` per partition, document frequencies by `reduceByKey` (terms of df >= 2
  broadcast), each article's `term_vector` and `lookup_terms`; blocks are the connected components of
  near-duplicate pairs and of pairs sharing a lookup term that `stories.may_share_story` lets interact
  (time window, cosine >= threshold); `stories.assign_block` per block, with the corpus-wide df and n.
  Where this can decide otherwise than the sequential run: the 8-story candidate cap and the lookup
  postings, which other blocks' near misses fill in the sequential run; a story joined through a member
  the article shares no lookup term with (or one beyond the time window while another member is within);
  in bounded runs (over 5,000 articles), stories closed by the corpus-wide stream date rather than the
  block's (docs/spark.md, "How stories are blocked");
- quotes: `quotes.find_quotes` per partition with the spaCy pipeline loaded once per Python worker,
  `quotes.merge_speakers` on the driver over the compact quote records.

pyspark is imported inside the functions that need it, so `import recoupe.spark` costs nothing.
"""

from __future__ import annotations

import copy
import glob
import json
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from recoupe.model import (
    Article,
    InputRecord,
    OffsetMap,
    Paragraph,
    Passage,
    PassageOccurrence,
    Quote,
    RawDocument,
    RejectedInput,
    Rejection,
    Speaker,
    Story,
)
from recoupe.settings import Settings

if TYPE_CHECKING:
    from pyspark import RDD
    from pyspark.sql import SparkSession

    from recoupe.store import Store

TABLES = ("inputs", "articles", "near_duplicates", "passages", "stories", "quotes", "speakers")

# Parquet schemas of the output tables (Spark DDL); `load_parquet` reads them back into records.
SCHEMAS: dict[str, str] = {
    "inputs": "input_order BIGINT, file STRING, source_path STRING, status STRING, article_id STRING,"
    " duplicate_of STRING, reason STRING",
    "articles": "id STRING, file STRING, source_path STRING, kind STRING, original_text STRING, text STRING,"
    " paragraphs ARRAY<STRUCT<index: INT, start: INT, end: INT>>, offsets_clean ARRAY<INT>,"
    " offsets_orig ARRAY<INT>, content_hash STRING, outlet STRING, published STRING, title STRING, url STRING,"
    " language STRING, input_order BIGINT, story_id STRING, near_duplicate_group STRING",
    "near_duplicates": "a STRING, b STRING, similarity DOUBLE",
    "passages": "id STRING, text STRING, occurrences ARRAY<STRUCT<article_id: STRING, file: STRING,"
    " paragraph: INT, published: STRING, first_seen: BOOLEAN>>",
    "stories": "id STRING, title STRING, first_published STRING, last_published STRING, article_ids ARRAY<STRING>",
    "quotes": "article_id STRING, file STRING, kind STRING, text STRING, start INT, end INT, speaker STRING,"
    " speaker_mention STRING, cue STRING, role STRING, speaker_type STRING, paragraph INT",
    "speakers": "name STRING, aliases ARRAY<STRING>, roles ARRAY<STRING>, type STRING",
}

_HADOOP_MARKERS = ("_SUCCESS", "_committed_", "_started_")


class SparkInputError(ValueError):
    """The input of a Spark run cannot be used; the message names it and says how to fix it."""


# -- session -------------------------------------------------------------------------------------
def local_conf(partitions: int = 4) -> dict[str, str]:
    """Configuration of a local run: loopback only, no web UI, few shuffle partitions."""
    return {
        "spark.driver.host": "127.0.0.1",
        "spark.driver.bindAddress": "127.0.0.1",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.shuffle.partitions": str(partitions),
        "spark.default.parallelism": str(partitions),
        "spark.python.worker.reuse": "true",
    }


def spark_session(
    master: str | None = None, app_name: str = "recoupe", conf: Mapping[str, str] | None = None
) -> SparkSession:
    """A SparkSession: under spark-submit its master and settings; otherwise `master` (default local[2]).

    A `local[...]` master binds to 127.0.0.1 (left alone Spark picks the machine's outward address),
    turns the web UI off and runs the Python workers with this interpreter.
    """
    from pyspark.sql import SparkSession

    submitted = "PYSPARK_GATEWAY_PORT" in os.environ  # the driver was started by spark-submit
    if master is None and not submitted:
        master = "local[2]"
    settings: dict[str, str] = {}
    if master is not None and master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
        settings.update(local_conf())
    settings.update(conf or {})
    builder = SparkSession.builder.appName(app_name)
    if master is not None:
        builder = builder.master(master)
    for k, v in settings.items():
        builder = builder.config(k, v)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


# -- inputs --------------------------------------------------------------------------------------
# A unit of reading, in input order: ("file", path, name, 0, 0, ""), ("parquet", path, name, row group,
# first row number, "") or ("rejected", path, name, 0, 0, reason) for what listing the input already refused.
Unit = tuple[str, str, str, int, int, str]


def _glob_base(pattern: str) -> Path:
    parts = Path(pattern).parts
    fixed = [p for p in parts[: next((i for i, p in enumerate(parts) if glob.has_magic(p)), len(parts))]]
    return Path(*fixed) if fixed else Path(".")


def list_inputs(source: str | Path) -> list[Unit]:
    """Reading units under a folder, a glob or a file, in input order (Parquet files split by row group)."""
    from recoupe.ingest import discover

    src = str(source)
    found: list[tuple[Path, str] | Rejection]
    if glob.has_magic(src):
        base = _glob_base(src)
        paths = sorted(p for p in glob.glob(src, recursive=True) if Path(p).is_file())
        if not paths:
            raise SparkInputError(f"{src}: the pattern matches no file; check the path and quote it in the shell")
        found = [(Path(p), os.path.relpath(p, base)) for p in paths]
    else:
        if not Path(src).exists():
            raise SparkInputError(f"{src}: no such file or folder")
        found = list(discover(Path(src)))
    units: list[Unit] = []
    for item in found:
        if isinstance(item, Rejection):
            units.append(("rejected", item.source_path, item.file, 0, 0, item.reason))
            continue
        path, name = item
        base_name = path.name
        if base_name.startswith(_HADOOP_MARKERS) or (base_name.startswith(".") and base_name.endswith(".crc")):
            continue  # bookkeeping files of a Hadoop/Spark writer beside Parquet parts
        if path.suffix.lower() == ".parquet":
            units.extend(_parquet_units(path, name))
        else:
            units.append(("file", str(path), name, 0, 0, ""))
    return units


def _parquet_units(path: Path, name: str) -> list[Unit]:
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(path).metadata
    except Exception as e:  # noqa: BLE001 - pyarrow raises several kinds for a damaged file
        return [("rejected", str(path), name, 0, 0, f"not a readable Parquet file ({e})")]
    units: list[Unit] = []
    first = 1
    for rg in range(meta.num_row_groups):
        units.append(("parquet", str(path), name, rg, first, ""))
        first += meta.row_group(rg).num_rows
    return units


def _parquet_documents(path: str, name: str, row_group: int, first: int) -> Iterator[RawDocument | Rejection]:
    """Rows of one Parquet row group as the JSONL reader sees its lines (columns id, url, source, ...)."""
    import pyarrow.parquet as pq

    from recoupe.ingest.jsonl import read_jsonl

    rows = pq.ParquetFile(path).read_row_group(row_group).to_pylist()
    blob = "\n".join(json.dumps(r, ensure_ascii=False, default=str) for r in rows).encode("utf-8")
    for item in read_jsonl(Path(path), name, blob):
        head, _, line = item.file.rpartition("#")
        row = first + int(line) - 1
        item.file = f"{head}#{row}"
        if isinstance(item, Rejection) and item.reason.startswith(f"line {line}:"):
            item.reason = f"row {row}:" + item.reason[len(f"line {line}:") :]
        yield item


def is_uri(source: str | Path) -> bool:
    """Whether the input names a Hadoop file system location (hdfs://, s3a://, file://, ...)."""
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", str(source)))


def parquet_rows_documents(index: int, rows: Iterable[Any]) -> Iterator[RawDocument | Rejection]:
    """Rows Spark read from Parquet (with a `_source_file` column) as the JSONL reader sees its lines.

    A record is named `<file name>#<id>`, or `<file name>#<partition>.<row>` when the row has no id.
    """
    from recoupe.ingest.jsonl import read_jsonl

    by_file: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        d = row.asDict()
        by_file.setdefault(d.pop("_source_file"), []).append(d)
    for source, batch in by_file.items():
        name = source.rstrip("/").rsplit("/", 1)[-1]
        blob = "\n".join(json.dumps(r, ensure_ascii=False, default=str) for r in batch).encode("utf-8")
        for item in read_jsonl(Path(name), name, blob):
            line = int(item.file.rpartition("#")[2])
            row_id = batch[line - 1].get("id")
            item.file = f"{name}#{row_id}" if row_id is not None else f"{name}#{index}.{line}"
            item.source_path = source
            yield item


def read_units(units: Iterable[Unit], settings: Settings) -> Iterator[RawDocument | Rejection]:
    """Raw documents and rejections of these units, in order (what `ingest.read_inputs` yields for files)."""
    from recoupe.ingest import read_file

    for kind, path, name, row_group, first, reason in units:
        try:
            if kind == "rejected":
                yield Rejection(name, reason, path)
            elif kind == "parquet":
                yield from _parquet_documents(path, name, row_group, first)
            else:
                yield from read_file(Path(path), name, settings)
        except RejectedInput as e:
            yield Rejection(e.file, e.reason, path)


# -- per-partition stages ------------------------------------------------------------------------
def clean_partition(rows: Iterable[tuple[int, RawDocument | Rejection]]) -> Iterator[tuple[int, Any]]:
    """`pipeline.clean_documents` over one partition of (input order, item): (order, InputRecord | Article)."""
    from recoupe.pipeline import clean_documents

    batch = sorted(rows, key=lambda r: r[0])
    articles, records = clean_documents([item for _, item in batch])
    order_of: dict[str, int] = {}
    for (order, _), rec in zip(batch, records, strict=True):
        yield order, rec
        if rec.status == "accepted" and rec.article_id is not None:
            order_of[rec.article_id] = order
    for art in articles:
        art.order = order_of[art.id]
        yield art.order, art


def language_partition(articles: Iterable[tuple[str, Article]], settings: Settings) -> Iterator[Any]:
    """`language.detect_languages` over one partition: the articles, then ("note", text) for each note."""
    from recoupe.language import detect_languages

    batch = list(articles)
    notes = detect_languages([a for _, a in batch], settings.languages)
    yield from batch
    for note in notes:
        yield "note", note


_PIPELINES: dict[str, Any] = {}


def quote_pipeline(model: str) -> Any:
    """The spaCy quote pipeline, loaded once per Python worker and kept for its later tasks."""
    nlp = _PIPELINES.get(model)
    if nlp is None:
        from recoupe.quotes import load_quote_pipeline

        nlp = _PIPELINES[model] = load_quote_pipeline(model)
    return nlp


def quote_partition(articles: Iterable[Article], settings: Settings) -> Iterator[tuple[tuple[int, int], Quote]]:
    """`quotes.find_quotes` over one partition, in batches, for the languages the rules support.

    Each quote comes with (its article's input order, its rank in the article) so the driver can
    put them back in the order the single-machine pipeline finds them.
    """
    from recoupe.pipeline import quotable
    from recoupe.quotes import find_quotes

    def run(batch: list[Article]) -> Iterator[tuple[tuple[int, int], Quote]]:
        order = {a.id: a.order for a in batch}
        rank: dict[str, int] = {}
        for q in find_quotes(batch, quote_pipeline(settings.spacy_model), batch_size=settings.batch_size):
            rank[q.article_id] = rank.get(q.article_id, -1) + 1
            yield (order[q.article_id], rank[q.article_id]), q

    batch: list[Article] = []
    for art in quotable(articles, settings):
        batch.append(art)
        if len(batch) >= settings.batch_size * 4:
            yield from run(batch)
            batch = []
    if batch:
        yield from run(batch)


def article_band_keys(articles: Iterable[Article], settings: Settings) -> Iterator[tuple[int, str]]:
    """(band key, article id) for every band of every article's signature (`dedup.article_band_keys`)."""
    from recoupe.dedup import article_band_keys as band_keys

    arts = list(articles)
    for art, keys in zip(arts, band_keys(arts, settings), strict=True):
        for key in keys:
            yield key, art.id


def paragraph_keys(articles: Iterable[Article], settings: Settings) -> Iterator[tuple[int, str]]:
    """(key, article id) for each paragraph `reused_passages` compares: its exact text and its LSH band keys."""
    import xxhash

    from recoupe.dedup import content_paragraphs, paragraph_band_keys

    items: list[tuple[str, str, str]] = []  # (article id, normalised text, paragraph as analysed)
    for art in articles:
        spans = {p.index: p for p in art.paragraphs}
        for idx, norm in content_paragraphs(art):
            if len(norm) >= settings.passage_min_chars:
                p = spans[idx]
                items.append((art.id, norm, art.analysis_text[p.start : p.end]))
    keys_of = paragraph_band_keys([raw for _, _, raw in items])
    for (art_id, norm, _), keys in zip(items, keys_of, strict=True):
        yield -1 - xxhash.xxh64_intdigest(norm.encode("utf-8")), art_id
        for key in keys:
            yield key, art_id


def _max_bucket() -> int:
    import inspect

    from recoupe.minhash import candidate_pairs

    return int(inspect.signature(candidate_pairs).parameters["max_bucket"].default)


def _bucket_pairs(members: Iterable[str], max_bucket: int) -> Iterator[tuple[str, str]]:
    ids = sorted(set(members))
    if len(ids) < 2 or len(ids) > max_bucket:
        return
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            yield a, b


def _bucket_star(members: Iterable[str]) -> Iterator[tuple[str, str]]:
    ids = sorted(set(members))
    if len(ids) < 2:
        return
    for b in ids[1:]:
        yield ids[0], b


# -- connected components ------------------------------------------------------------------------
def _large_star(node: str, neighbours: Iterable[str]) -> Iterator[tuple[str, str]]:
    ns = set(neighbours)
    m = min(min(ns), node)
    for v in ns:
        if v > node:
            yield m, v


def _small_star(node: str, lower: Iterable[str]) -> Iterator[tuple[str, str]]:
    ns = set(lower) | {node}
    m = min(ns)
    for v in ns:
        if v != m:
            yield m, v


def _components_here(edges: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """(node, smallest node of its component) by union-find, for a graph small enough for one process."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return [(x, find(x)) for x in list(parent)]


def connected_components(
    edges: RDD[tuple[str, str]], max_rounds: int = 100, local_limit: int = 0
) -> RDD[tuple[str, str]]:
    """(node, component) for every node of the edges, the component named by its smallest node.

    Alternating large-star and small-star joins (Kiveris et al., 2014) until the edges stop changing:
    O(log² n) rounds of plain shuffles, no library beyond Spark itself. A graph of at most `local_limit`
    edges is collected and solved by union-find on the driver instead (each round costs several jobs).
    """
    cur = edges.filter(lambda e: e[0] != e[1]).map(lambda e: (min(e), max(e))).distinct()
    cur = cur.persist()
    n = cur.count()
    if n <= local_limit:
        found = _components_here(cur.collect())
        cur.unpersist()
        return edges.context.parallelize(found, max(1, edges.getNumPartitions()))
    for _ in range(max_rounds):
        large = cur.flatMap(lambda e: (e, (e[1], e[0]))).groupByKey().flatMap(lambda kv: _large_star(*kv))
        small = large.map(lambda e: (e[1], e[0])).groupByKey().flatMap(lambda kv: _small_star(*kv)).distinct()
        small = small.persist()
        small.localCheckpoint()
        m = small.count()
        same = m == n and small.subtract(cur).isEmpty()
        cur.unpersist()
        cur, n = small, m
        if same:
            break
    else:
        raise RuntimeError(f"connected components did not converge in {max_rounds} rounds")
    roots = cur.keys().distinct().map(lambda r: (r, r))
    return cur.map(lambda e: (e[1], e[0])).union(roots)


def _blocks(
    articles: RDD[tuple[str, Article]], edges: RDD[tuple[str, str]], local_limit: int
) -> RDD[list[Article]]:
    """Articles grouped by the connected components of `edges` (articles without an edge are left out)."""
    comp = connected_components(edges, local_limit=local_limit)
    return (
        articles.join(comp)
        .map(lambda kv: (kv[1][1], kv[1][0]))
        .groupByKey()
        .map(lambda kv: sorted(kv[1], key=lambda a: a.order))
    )


# -- corpus stages -------------------------------------------------------------------------------
def near_duplicates(
    articles: RDD[tuple[str, Article]], settings: Settings, local_limit: int = 0
) -> tuple[RDD[tuple[str, str, float]], RDD[tuple[str, str]]]:
    """Verified near-duplicate pairs (a < b, similarity) and (article id, group) of each article in a pair."""
    from recoupe.dedup import near_duplicate_pairs

    max_bucket = _max_bucket()
    candidates = (
        articles.values()
        .mapPartitions(lambda it: article_band_keys(it, settings))
        .groupByKey()
        .flatMap(lambda kv: _bucket_pairs(kv[1], max_bucket))
        .distinct()
    )
    pairs = (
        candidates.join(articles)
        .map(lambda kv: (kv[1][0], kv[1][1]))
        .join(articles)
        .flatMap(lambda kv: near_duplicate_pairs([kv[1][0], kv[1][1]], settings))
    ).persist()
    groups = connected_components(pairs.map(lambda p: (p[0], p[1])), local_limit=local_limit)
    return pairs, groups


def passages(articles: RDD[tuple[str, Article]], settings: Settings, local_limit: int = 0) -> RDD[Passage]:
    """`dedup.reused_passages` per block of articles that share a paragraph key (exact or LSH).

    No bucket is skipped here, however large: `reused_passages` skips LSH buckets over `max_bucket`
    paragraphs, and only a block holding the whole bucket sees it as large as the corpus does.
    """
    from recoupe.dedup import reused_passages

    edges = (
        articles.values()
        .mapPartitions(lambda it: paragraph_keys(it, settings))
        .groupByKey()
        .flatMap(lambda kv: _bucket_star(kv[1]))
    )
    return _blocks(articles, edges, local_limit).flatMap(lambda block: reused_passages(block, settings))


def _slim(article: Article) -> Article:
    """The article as story assignment reads it once its vector is known: id, text, date, input order."""
    a = copy.copy(article)
    a.original_text, a.analysis_text, a.paragraphs, a.offsets = "", "", [], OffsetMap()
    return a


StoryFeatures = tuple[dict[str, float], tuple[int, int] | None]  # an article's story vector and date interval
Posting = tuple[str, dict[str, float], tuple[int, int] | None, frozenset[str]]


def _assign_block(
    members: Iterable[tuple[Article, dict[str, float]]],
    pairs: Iterable[tuple[str, str, float]],
    settings: Settings,
    df: Mapping[str, int],
    n: int,
    bounded: bool,
) -> list[Story]:
    from recoupe.stories import assign_block

    arts, vectors = [], {}
    for art, vec in members:
        arts.append(art)
        vectors[art.id] = vec
    return assign_block(arts, lambda a: vectors[a.id], sorted(pairs), settings, df, n, bounded)


def stories(
    articles: RDD[tuple[str, Article]],
    pairs: RDD[tuple[str, str, float]],
    settings: Settings,
    local_limit: int = 0,
) -> tuple[RDD[Story], list[int]]:
    """`stories.assign_block` per block of articles that may share a story: the stories (persisted), block sizes.

    Blocks are the connected components of two kinds of edges: near-duplicate pairs, and pairs of articles
    sharing a lookup term (a heavy rare term: names, figures, dates) that `stories.may_share_story` lets
    interact (within the time window, cosine at least `story_threshold`). Term weights are corpus-wide:
    document frequencies by one `reduceByKey`, broadcast; each block runs the single-machine rule with them.
    """
    from operator import add

    from recoupe.stories import article_terms, bounded_batch, date_interval, term_vector

    sc = articles.context
    n = articles.count()
    terms = articles.mapValues(lambda a: (article_terms(a), date_interval(a.published))).persist()
    # every term of the corpus is in at least one article: broadcasting the terms of df >= 2 only, and
    # counting a missing one as 1, gives the vectors of the whole-corpus df at a fraction of its size
    df: dict[str, int] = dict(
        terms.flatMap(lambda kv: ((t, 1) for t in kv[1][0])).reduceByKey(add).filter(lambda kv: kv[1] >= 2).collect()
    )
    df_b = sc.broadcast(df)
    features = terms.mapValues(lambda tw: (term_vector(tw[0], df_b.value, n, unseen_df=1), tw[1])).persist()
    features.count()
    terms.unpersist()
    # one bucket per lookup term (at most `common` articles each), every article in the buckets of its own
    # lookup terms with its vector: far less traffic than shipping both vectors to each candidate pair
    links = (
        features.flatMap(lambda kv: _postings(kv[0], kv[1], df_b.value, n))
        .groupByKey()
        .flatMap(lambda kv: _bucket_links(kv[0], kv[1], settings))
    )
    comp = connected_components(links.union(pairs.map(lambda p: (p[0], p[1]))), local_limit=local_limit).persist()
    bounded = bounded_batch(n)
    members = (
        articles.mapValues(_slim)
        .join(features)
        .leftOuterJoin(comp)
        .map(lambda kv: (kv[1][1] or kv[0], (kv[1][0][0], kv[1][0][1][0])))
    )
    block_pairs = pairs.map(lambda p: (p[0], p)).join(comp).map(lambda kv: (kv[1][1], kv[1][0]))
    found = members.cogroup(block_pairs).flatMap(
        lambda kv: _assign_block(kv[1][0], kv[1][1], settings, df_b.value, n, bounded)
    ).persist()
    found.count()
    sizes = comp.map(lambda kv: (kv[1], 1)).reduceByKey(add).values().collect()  # blocks of one left out
    features.unpersist()
    comp.unpersist()
    return found, sizes


def _postings(
    article_id: str, features: StoryFeatures, df: Mapping[str, int], n: int
) -> Iterator[tuple[str, Posting]]:
    """(lookup term, the article's id, vector, dates and lookup terms) for each of its lookup terms."""
    from recoupe.stories import lookup_terms

    keys = lookup_terms(features[0], df, n)
    entry = (article_id, features[0], features[1], frozenset(keys))
    for t in keys:
        yield t, entry


def _bucket_links(term: str, members: Iterable[Posting], settings: Settings) -> Iterator[tuple[str, str]]:
    """Pairs of one lookup term's articles that `stories.may_share_story` lets interact.

    A pair sharing several lookup terms is checked only in the bucket of the smallest of them.
    """
    from recoupe.stories import may_share_story

    entries = sorted(members, key=lambda e: e[0])
    for i, (a, va, wa, ka) in enumerate(entries):
        for b, vb, wb, kb in entries[i + 1 :]:
            if min(ka & kb) == term and may_share_story(va, wa, vb, wb, settings):
                yield a, b


# -- rows ----------------------------------------------------------------------------------------
def article_row(a: Article, story_id: str | None = None, group: str | None = None) -> tuple[Any, ...]:
    """An Article as a row of the `articles` table."""
    return (
        a.id, a.file, a.source_path, a.kind, a.original_text, a.text,
        [(p.index, p.start, p.end) for p in a.paragraphs], list(a.offsets.clean), list(a.offsets.orig),
        a.content_hash, a.outlet, a.published, a.title, a.url, a.language, a.order, story_id, group,
    )


def row_article(r: Mapping[str, Any]) -> Article:
    """An Article back from a row of the `articles` table."""
    from recoupe.clean import analysis_view

    text = r["text"]
    return Article(
        id=r["id"], file=r["file"], source_path=r["source_path"], original_text=r["original_text"], text=text,
        analysis_text=analysis_view(text),
        paragraphs=[Paragraph(p["index"], p["start"], p["end"], text[p["start"] : p["end"]]) for p in r["paragraphs"]],
        offsets=OffsetMap(list(r["offsets_clean"] or []), list(r["offsets_orig"] or [])),
        content_hash=r["content_hash"], outlet=r["outlet"], published=r["published"], title=r["title"],
        url=r["url"], language=r["language"], kind=r["kind"], order=r["input_order"],
    )


def _input_row(order: int, r: InputRecord) -> tuple[Any, ...]:
    return (order, r.file, r.source_path, r.status, r.article_id, r.duplicate_of, r.reason)


def _quote_row(q: Quote) -> tuple[Any, ...]:
    return (q.article_id, q.file, q.kind, q.text, q.start, q.end, q.speaker, q.speaker_mention, q.cue, q.role,
            q.speaker_type, q.paragraph)


def _passage_row(p: Passage) -> tuple[Any, ...]:
    return (p.id, p.text, [(o.article_id, o.file, o.paragraph, o.published, o.first_seen) for o in p.occurrences])


def _story_row(s: Story) -> tuple[Any, ...]:
    return (s.id, s.title, s.first_published, s.last_published, list(s.article_ids))


# -- the run -------------------------------------------------------------------------------------
@dataclass(slots=True)
class SparkReport:
    """What a Spark run wrote: rows per table and where."""

    output: str
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _fix_duplicate(rec: InputRecord, order: int, first: tuple[int, str] | None) -> tuple[int, InputRecord]:
    """The verdict of an input once the first copy of its content across all partitions is known."""
    if first is None or rec.status == "rejected":
        return order, rec
    if first[0] == order:
        rec.status, rec.duplicate_of = "accepted", None
    else:
        rec.status, rec.duplicate_of = "duplicate", first[1]
    return order, rec


def analyze(
    spark: SparkSession,
    source: str | Path,
    output: str | Path,
    settings: Settings | None = None,
    quotes: bool = True,
    partitions: int | None = None,
    progress: Callable[[str], None] | None = None,
    local_components: int = 100_000,
) -> SparkReport:
    """Run the stage sequence over `source` on Spark and write one Parquet folder per table under `output`.

    Graphs of at most `local_components` edges (near-duplicate groups, passage blocks) are solved on the
    driver; larger ones by distributed large-star / small-star joins.
    """
    from pyspark import StorageLevel

    settings = settings or Settings()
    say = progress or (lambda stage: None)
    sc = spark.sparkContext
    out = str(output).rstrip("/")
    report = SparkReport(out)
    level = StorageLevel.MEMORY_AND_DISK

    say("read")
    target = partitions or max(2, sc.defaultParallelism * 2)
    if is_uri(source):  # Parquet on a Hadoop file system: Spark's reader, rows through the JSONL reader
        from pyspark.sql.functions import input_file_name

        df = spark.read.parquet(str(source)).withColumn("_source_file", input_file_name())
        items = df.rdd.mapPartitionsWithIndex(parquet_rows_documents)
    else:
        units = list_inputs(source)
        items = sc.parallelize(units, max(1, min(len(units), target))).mapPartitions(
            lambda u: read_units(u, settings)  # type: ignore[arg-type]
        )
    items = items.persist(level)  # zipWithIndex reads every partition once to count it
    indexed = items.zipWithIndex().map(lambda kv: (kv[1], kv[0]))
    if indexed.getNumPartitions() < target:
        indexed = indexed.sortByKey(numPartitions=target)

    say("clean")
    cleaned = indexed.mapPartitions(clean_partition).persist(level)
    records = cleaned.filter(lambda kv: isinstance(kv[1], InputRecord))
    firsts = (
        records.filter(lambda kv: kv[1].article_id is not None and kv[1].status != "rejected")
        .map(lambda kv: (kv[1].article_id, (kv[0], kv[1].file)))
        .reduceByKey(min)
        .persist(level)
    )
    inputs = (
        records.map(lambda kv: (kv[1].article_id, kv))
        .leftOuterJoin(firsts)
        .map(lambda kv: _fix_duplicate(kv[1][0][1], kv[1][0][0], kv[1][1]))
    ).persist(level)
    detected = (
        cleaned.filter(lambda kv: isinstance(kv[1], Article))
        .map(lambda kv: (kv[1].id, kv[1]))
        .join(firsts)
        .filter(lambda kv: kv[1][0].order == kv[1][1][0])
        .map(lambda kv: (kv[0], kv[1][0]))
        .mapPartitions(lambda it: language_partition(it, settings))
    ).persist(level)
    report.notes.extend(n for _, n in detected.filter(lambda kv: kv[0] == "note").collect())
    articles = detected.filter(lambda kv: kv[0] != "note")

    say("near-duplicates")
    pairs, groups = near_duplicates(articles, settings, local_components)
    say("passages")
    found = passages(articles, settings, local_components).persist(level)
    say("stories")
    story_rdd, blocks = stories(articles, pairs, settings, local_components)
    report.notes.append(
        f"stories: {len(blocks)} blocks of 2 or more articles, the largest {max(blocks, default=1)} articles"
    )

    quote_rows: list[Quote] = []
    speakers: list[Speaker] = []
    if quotes:
        say("quotes")
        from recoupe.quotes import merge_speakers

        found_quotes = articles.values().mapPartitions(lambda it: quote_partition(it, settings)).collect()
        speakers, quote_rows = merge_speakers([q for _, q in sorted(found_quotes, key=lambda kq: kq[0])])
    else:
        report.notes.append("quote stage skipped")

    say("write")
    story_of = story_rdd.flatMap(lambda s: [(a, s.id) for a in s.article_ids])
    article_rows = (
        articles.leftOuterJoin(story_of)
        .leftOuterJoin(groups)
        .map(lambda kv: article_row(kv[1][0][0], kv[1][0][1], kv[1][1]))
    )
    tables: dict[str, Any] = {
        "inputs": inputs.map(lambda kv: _input_row(*kv)),
        "articles": article_rows,
        "near_duplicates": pairs,
        "passages": found.map(_passage_row),
        "stories": story_rdd.map(_story_row),
        "quotes": sc.parallelize([_quote_row(q) for q in quote_rows], max(1, min(target, len(quote_rows) // 5000))),
        "speakers": sc.parallelize([(s.name, s.aliases, s.roles, s.type) for s in speakers], 1),
    }
    for name in TABLES:
        df = spark.createDataFrame(tables[name], schema=SCHEMAS[name])
        df.write.mode("overwrite").parquet(f"{out}/{name}")
        report.counts[name] = spark.read.parquet(f"{out}/{name}").count()
    for rdd in (items, cleaned, firsts, inputs, detected, pairs, found, story_rdd):
        rdd.unpersist()
    return report


# -- load back -----------------------------------------------------------------------------------
def _table(output: str | Path, name: str) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    path = Path(output) / name
    if not path.exists():
        raise SparkInputError(f"{path}: table missing; is {output} the --output of `recoupe spark analyze`?")
    rows: list[dict[str, Any]] = pq.read_table(path).to_pylist()
    return rows


def read_run(output: str | Path) -> tuple[Any, list[str]]:
    """The `pipeline.RunReport` a Spark run's Parquet tables describe, and the story of each article."""
    from recoupe.pipeline import RunReport

    inputs = sorted(_table(output, "inputs"), key=lambda r: r["input_order"])
    arts = sorted(_table(output, "articles"), key=lambda r: r["input_order"])
    report = RunReport(
        inputs=[InputRecord(r["file"], r["source_path"], r["status"], r["article_id"], r["duplicate_of"], r["reason"])
                for r in inputs],
        articles=[row_article(r) for r in arts],
        near_duplicates=sorted((r["a"], r["b"], r["similarity"]) for r in _table(output, "near_duplicates")),
        passages=sorted(
            (Passage(r["id"], r["text"], [PassageOccurrence(**o) for o in r["occurrences"]])
             for r in _table(output, "passages")),
            key=lambda p: p.id,
        ),
        stories=[Story(r["id"], r["title"], r["first_published"], r["last_published"], list(r["article_ids"]))
                 for r in _table(output, "stories")],
        quotes=[Quote(**r) for r in _table(output, "quotes")],
        speakers=[Speaker(r["name"], list(r["aliases"] or []), list(r["roles"] or []), r["type"])
                  for r in _table(output, "speakers")],
    )
    return report, [r["story_id"] for r in arts]


def load_parquet(output: str | Path, store: Store, settings: Settings | None = None) -> dict[str, int]:
    """Fill a store from a Spark run's Parquet tables through `pipeline.save`; returns the run's counts."""
    from recoupe.pipeline import save

    settings = settings or Settings()
    report, _ = read_run(output)
    report.check_accounting()
    save(store, report, settings)
    counts: dict[str, int] = report.counts()
    return counts


def export_parquet(output: str | Path, export_dir: str | Path, settings: Settings | None = None) -> dict[str, int]:
    """The evaluation-contract JSONL of a Spark run, by `export.export_run` over a temporary DuckDB store."""
    from recoupe.export import export_run
    from recoupe.store import Store

    with tempfile.TemporaryDirectory(prefix="recoupe-spark-") as tmp:
        with Store(Path(tmp) / "run.duckdb") as store:
            load_parquet(output, store, settings)
            inputs = [
                InputRecord(r["file"], r["source_path"], r["status"], r["article_id"], r["duplicate_of"], r["reason"])
                for r in sorted(_table(output, "inputs"), key=lambda r: r["input_order"])
            ]
            return export_run(store, inputs, export_dir)
