"""Latency of the quote search endpoint (GET /api/quotes?q=...) on a large synthetic database.

    python benchmarks/bench_api.py [--articles 100000] [--db PATH] [--requests 300]

Builds (or reuses) a DuckDB from the synthetic corpus generator (benchmarks/make_corpus.py): its articles,
stories and outlets, with synthetic direct quotations (one sentence of each of several paragraphs, so that
copied and rewritten paragraphs carry the same quotation to several outlets), inserted in bulk with the
store's schema, then corroborated by the same call the pipeline makes. The spaCy quote extractor is not run:
at 100k articles it would take hours and this benchmark measures the query path. Then serves the app with
uvicorn on loopback and times real HTTP requests (one keep-alive client), beside the baseline: the same word
filters as a plain ILIKE over the occurrences' text, straight in DuckDB (no HTTP, no normalised column).
Goal: p95 < 50 ms. Then times article search (`Recoupe.articles(q=...)`) through the full-text index that
`Store.build_search_indexes` builds (as `pipeline.save` does), beside the ILIKE scan it replaces.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import socket
import statistics
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

OUTLETS = [f"Le Journal {c}" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"] + [f"Radio {c}" for c in "ABCDEFGHIJKLMN"]
_SENTENCE = re.compile(r"[^.]+\.")


def _pick(text: str, n: int) -> int:
    return int(hashlib.blake2b(text.encode(), digest_size=8).hexdigest(), 16) % n


def _arrow_insert(con: object, table: str, columns: Sequence[tuple[str, Sequence[object]]], names: str = "",
                  suffix: str = "") -> None:
    """INSERT (SQL type, values) columns through an Arrow table: DuckDB 1.4 turns a Python list parameter into
    a LIST value at about 0.2 ms per element, so `unnest(?)` inserts would take tens of minutes here."""
    import pyarrow as pa

    if not columns or not columns[0][1]:
        return
    data = pa.table({f"c{k}": list(v) for k, (_, v) in enumerate(columns)})
    select = ", ".join(f"c{k}::{t}" for k, (t, _) in enumerate(columns))
    target = f"{table} ({names})" if names else table
    con.register("bulk_rows", data)  # type: ignore[attr-defined]
    try:
        con.execute(f"INSERT INTO {target} SELECT {select} FROM bulk_rows {suffix}")  # type: ignore[attr-defined]  # noqa: S608
    finally:
        con.unregister("bulk_rows")  # type: ignore[attr-defined]


def _bulk(con: object, table: str, columns: dict[str, tuple[str, list[object]]]) -> None:
    """INSERT the given (SQL type, values) columns of `table` in one statement."""
    _arrow_insert(con, table, list(columns.values()), names=", ".join(columns))


def build(db: Path, n_articles: int, seed: int = 0) -> None:
    """Generate the corpus, add outlets and synthetic quotations, insert them in bulk, then corroborate.

    Rows go straight into the store's schema (Store() migrates it) in bulk: the store's own row-by-row
    writes (`pipeline.save`) take about 50 ms per article, hours at this size. Corroboration is the very
    call `pipeline.save` makes.
    """
    from make_corpus import make_corpus

    from recoupe.corroborate import corroborate_corpus
    from recoupe.store import Store

    t0 = time.perf_counter()
    corpus = make_corpus(n_articles, seed)
    arts = corpus.articles
    print(f"generated and cleaned {len(arts)} articles in {time.perf_counter() - t0:.1f}s", flush=True)
    t0 = time.perf_counter()
    quotes: list[tuple[str, str, int, int, str]] = []  # article id, text, start, end, speaker
    members: dict[int, list[str]] = {}
    for a in arts:
        a.outlet = OUTLETS[_pick(a.file, len(OUTLETS))]
        members.setdefault(corpus.story_of[a.id], []).append(a.id)
        for p in a.paragraphs[1::2]:
            m = _SENTENCE.match(a.text, p.start, p.end)
            if not m:
                continue
            start, end = m.start(), m.end() - 1
            while start < end and a.text[start] == " ":
                start += 1
            text = a.text[start:end]
            quotes.append((a.id, text, start, end, f"Intervenant {_pick(text, 3000):04d}"))
    story_of = {i: f"story-{st:06d}" for st, ids in members.items() for i in ids}
    db.unlink(missing_ok=True)
    with Store(db) as store:
        con = store.con
        v, i = "VARCHAR", "BIGINT"
        with store.transaction():
            _bulk(con, "articles", {
                "id": (v, [a.id for a in arts]), "content_hash": (v, [a.content_hash for a in arts]),
                "file": (v, [a.file for a in arts]), "source_path": (v, [a.source_path for a in arts]),
                "kind": (v, [a.kind for a in arts]), "original_text": (v, [a.original_text for a in arts]),
                "text": (v, [a.text for a in arts]), "outlet": (v, [a.outlet for a in arts]),
                "published": (v, [a.published for a in arts]), "story_id": (v, [story_of[a.id] for a in arts]),
                "input_order": (i, [a.order for a in arts]),
            })
            paras = [(a.id, p) for a in arts for p in a.paragraphs]
            _bulk(con, "paragraphs", {
                "article_id": (v, [x for x, _ in paras]), "idx": (i, [p.index for _, p in paras]),
                "start_char": (i, [p.start for _, p in paras]), "end_char": (i, [p.end for _, p in paras]),
                "text": (v, [p.text for _, p in paras]),
            })
            _bulk(con, "quotes", {
                "id": (v, [f"{q[0]}:d:{q[2]}:{q[3]}" for q in quotes]), "article_id": (v, [q[0] for q in quotes]),
                "kind": (v, ["direct"] * len(quotes)), "text": (v, [q[1] for q in quotes]),
                "start_char": (i, [q[2] for q in quotes]), "end_char": (i, [q[3] for q in quotes]),
                "speaker": (v, [q[4] for q in quotes]), "speaker_mention": (v, ["il"] * len(quotes)),
                "cue": (v, ["a déclaré"] * len(quotes)),
            })
            by_id = {a.id: a for a in arts}
            sids = sorted(members)
            pubs = [sorted(p for p in (by_id[x].published for x in members[st]) if p) for st in sids]
            _bulk(con, "stories", {
                "id": (v, [f"story-{st:06d}" for st in sids]),
                "title": (v, [by_id[members[st][0]].text[:80] for st in sids]),
                "first_published": (v, [p[0] if p else None for p in pubs]),
                "last_published": (v, [p[-1] if p else None for p in pubs]),
                "n_articles": (i, [len(members[st]) for st in sids]),
            })
        print(f"inserted {len(arts)} articles, {len(quotes)} quotes in {time.perf_counter() - t0:.1f}s", flush=True)
        t0 = time.perf_counter()
        with store.transaction():
            store.replace_corroboration(*corroborate_corpus(*store.corroboration_inputs()))
        counts = {t: store.count(t) for t in ("articles", "quotes", "corroborated_quotes", "quote_occurrences")}
        print(f"corroborated in {time.perf_counter() - t0:.1f}s: {counts}", flush=True)
        t0 = time.perf_counter()
        built = store.build_search_indexes()  # as pipeline.save ends
        print(f"search index built in {time.perf_counter() - t0:.1f}s" if built
              else "no search index: the fts extension is not installed (duckdb-ext-fts)", flush=True)


def _queries(db: Path, n: int, seed: int) -> list[dict[str, object]]:
    """Search requests drawn from the stored quotations: 1-2 words, sometimes with a filter."""
    import duckdb

    rng = random.Random(seed)
    con = duckdb.connect(str(db), read_only=True)
    texts = [r[0] for r in con.execute(
        "SELECT text FROM corroborated_quotes USING SAMPLE reservoir(2000 ROWS) REPEATABLE (42)").fetchall()]
    speakers = [r[0] for r in con.execute("SELECT name FROM speaker_summaries LIMIT 500").fetchall()]
    con.close()
    out: list[dict[str, object]] = []
    for _ in range(n):
        words = [w for w in re.findall(r"\w+", rng.choice(texts)) if len(w) > 3]
        q = " ".join(rng.sample(words, k=min(len(words), rng.choice([1, 1, 2]))))
        params: dict[str, object] = {"q": q, "limit": 20}
        r = rng.random()
        if r < 0.15:
            params["min_outlets"] = 2
        elif r < 0.25:
            params["speaker"] = rng.choice(speakers)
        elif r < 0.30:
            params["outlet"] = rng.choice(OUTLETS)
        out.append(params)
    return out


def _baseline(db: Path, queries: list[dict[str, object]]) -> list[float]:
    """The same word filters as ILIKE over every occurrence's text, straight in DuckDB: ms per query."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    times = []
    for params in queries:
        words = str(params["q"]).split()
        cond = " AND ".join("text ILIKE ?" for _ in words)
        t0 = time.perf_counter()
        con.execute(
            "SELECT record_id, count(DISTINCT coalesce(outlet, article_id)) AS n FROM quote_occurrences"
            f" WHERE {cond} GROUP BY record_id ORDER BY n DESC LIMIT 20",  # noqa: S608
            [f"%{w}%" for w in words],
        ).fetchall()
        times.append((time.perf_counter() - t0) * 1000)
    con.close()
    return times


def _serve_and_time(db: Path, queries: list[dict[str, object]], warmup: int) -> tuple[list[float], int]:
    import httpx
    import uvicorn

    from recoupe.api import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    times: list[float] = []
    hits = 0
    with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
        for params in queries[:warmup]:
            client.get("/api/quotes", params=params).raise_for_status()  # type: ignore[arg-type]
        for params in queries:
            t0 = time.perf_counter()
            res = client.get("/api/quotes", params=params)  # type: ignore[arg-type]
            times.append((time.perf_counter() - t0) * 1000)
            res.raise_for_status()
            hits += res.json()["total"] > 0
    server.should_exit = True
    thread.join(10)
    return times, hits


def _rarest_share(db: Path, queries: list[dict[str, object]]) -> list[float]:
    """For each query, the share of quotations holding its rarest word (1.0: a word in every quotation)."""
    import duckdb

    from recoupe.corroborate import search_key

    con = duckdb.connect(str(db), read_only=True)
    n = con.execute("SELECT count(*) FROM corroborated_quotes").fetchone()[0]  # type: ignore[index]
    shares = []
    for params in queries:
        dfs = [con.execute("SELECT count(*) FROM quote_terms WHERE term = ?", [w]).fetchone()[0]  # type: ignore[index]
               for w in search_key(str(params["q"])).split()]
        shares.append(min(dfs) / n if dfs else 0.0)
    con.close()
    return shares


def _article_search(db: Path, n: int, seed: int) -> None:
    """Article search (`Recoupe.articles(q=...)`, in-process) through the full-text index beside ILIKE."""
    import duckdb

    from recoupe.query import open as open_db

    rng = random.Random(seed)
    con = duckdb.connect(str(db), read_only=True)
    texts = [r[0] for r in con.execute(
        "SELECT text FROM articles USING SAMPLE reservoir(500 ROWS) REPEATABLE (42)").fetchall()]
    con.close()
    queries = []
    for _ in range(n):
        words = [w for w in re.findall(r"\w+", rng.choice(texts)) if len(w) > 3]
        queries.append(" ".join(rng.sample(words, k=min(len(words), rng.choice([1, 2, 2, 3])))))
    with open_db(db) as rq:
        if not rq.fts_articles:
            print("  article search: no full-text index in this database (rebuild it with --rebuild)")
            return
        timings: dict[str, list[float]] = {}
        for label, fts in [("full-text index", True), ("ILIKE baseline", False)]:
            rq.fts_articles = fts
            rq.articles(q=queries[0], limit=20)
            for q in queries:
                t0 = time.perf_counter()
                rq.articles(q=q, limit=20)
                timings.setdefault(label, []).append((time.perf_counter() - t0) * 1000)
    print(f"Recoupe.articles(q=...)  {n} queries of 1-3 words, in-process")
    for label, ts in timings.items():
        print(f"  {label:16}  p50 {_pct(ts, 50):7.1f} ms   p95 {_pct(ts, 95):7.1f} ms")


def _pct(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def main() -> None:
    """Build or reuse the database, then print p50/p95 of the endpoint and of the baseline."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--db", type=Path, default=None, help="database to reuse or create")
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    db = args.db or Path(f"/tmp/recoupe-bench-api-{args.articles}.duckdb")
    if args.rebuild or not db.exists():
        build(db, args.articles, args.seed)
    else:
        print(f"reusing {db}")
    queries = _queries(db, args.requests, args.seed)
    base = _baseline(db, queries)
    times, hits = _serve_and_time(db, queries, warmup=min(30, len(queries)))
    p50, p95 = _pct(times, 50), _pct(times, 95)
    b50, b95 = _pct(base, 50), _pct(base, 95)
    print(f"GET /api/quotes?q=...  {len(times)} requests over HTTP ({hits} with hits), {args.articles} articles")
    print(f"  recoupe API:  p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   max {max(times):6.1f} ms")
    print(f"  baseline SQL: p50 {b50:6.1f} ms   p95 {b95:6.1f} ms   (ILIKE over occurrences, in-process, no HTTP)")
    print(f"  ratio baseline/recoupe: p50 {b50 / p50:.2f}x   p95 {b95 / p95:.2f}x")
    shares = _rarest_share(db, queries)
    for label, keep in [("rarest word in < 10% of quotations", lambda x: x < 0.10),
                        ("every word in >= 10% (stop-word-like)", lambda x: x >= 0.10)]:
        sub = [t for t, sh in zip(times, shares, strict=True) if keep(sh)]
        if len(sub) >= 2:
            print(f"  {label}: {len(sub)} requests, p50 {_pct(sub, 50):6.1f} ms   p95 {_pct(sub, 95):6.1f} ms")
    print(f"  goal p95 < 50 ms: {'met' if p95 < 50 else 'NOT met'}")
    _article_search(db, 40, args.seed)


if __name__ == "__main__":
    main()
