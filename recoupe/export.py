"""Export by the evaluation contract: articles.jsonl, quotes.jsonl, rejected.jsonl (+ passages.jsonl)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from recoupe.model import InputRecord
from recoupe.store import IN_IDS, Store, sql_list


def _write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> int:
    n = 0
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
            n += 1
    return n


def export_run(store: Store, inputs: Sequence[InputRecord], out_dir: str | Path) -> dict[str, int]:
    """Write the contract files for these inputs (one run's manifest) from the store; returns line counts."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    kept = [r for r in inputs if r.status != "rejected" and r.article_id]
    ids = sorted({r.article_id for r in kept if r.article_id})
    id_list = sql_list(ids)
    articles = {
        a["id"]: a
        for a in store.rows(f"SELECT * EXCLUDE (original_text) FROM articles WHERE id IN {IN_IDS}", [id_list])
    }
    files_of: dict[str, list[str]] = defaultdict(list)
    for r in kept:
        assert r.article_id is not None
        files_of[r.article_id].append(r.file)
    partners: dict[str, set[str]] = defaultdict(set)
    for row in store.rows(
        f"SELECT a, b FROM near_duplicates WHERE a IN {IN_IDS} AND b IN {IN_IDS}",
        [id_list, id_list],
    ):
        partners[row["a"]].add(row["b"])
        partners[row["b"]].add(row["a"])
    quotes: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for q in store.rows(
        f"SELECT * FROM quotes WHERE article_id IN {IN_IDS} ORDER BY article_id, start_char, kind",
        [id_list],
    ):
        quotes[q["article_id"]].append(q)

    def article_rows() -> Iterable[dict[str, Any]]:
        for r in kept:
            assert r.article_id is not None
            a = articles.get(r.article_id)
            if a is None:
                continue
            dups = [f for f in files_of[r.article_id] if f != r.file]
            dups += [f for p in sorted(partners[r.article_id]) for f in files_of[p]]
            yield {
                "file": r.file,
                "article_id": a["id"],
                "outlet": a["outlet"],
                "published": a["published"],
                "story": a["story_id"] or a["id"],
                "near_duplicates": sorted(set(dups)),
                "duplicate_of": r.duplicate_of,
                "title": a["title"],
                "url": a["url"],
                "language": a["language"],
                "content_hash": a["content_hash"],
            }

    def quote_rows() -> Iterable[dict[str, Any]]:
        for r in kept:
            assert r.article_id is not None
            for q in quotes[r.article_id]:
                yield {
                    "file": r.file,
                    "article_id": r.article_id,
                    "kind": q["kind"],
                    "text": q["text"],
                    "speaker": q["speaker"],
                    "speaker_mention": q["speaker_mention"],
                    "cue": q["cue"],
                    "role": q["role"],
                    "speaker_type": q["speaker_type"],
                    "start": q["start_char"],
                    "end": q["end_char"],
                }

    def passage_rows() -> Iterable[dict[str, Any]]:
        for p in store.rows(
            "SELECT p.id, p.text, list(struct_pack(article_id := o.article_id, paragraph := o.paragraph,"
            " published := o.published, first_seen := o.first_seen) ORDER BY o.article_id, o.paragraph) AS occ"
            " FROM passages p JOIN passage_occurrences o ON o.passage_id = p.id"
            f" WHERE o.article_id IN {IN_IDS} GROUP BY p.id, p.text ORDER BY p.id",
            [id_list],
        ):
            yield {
                "id": p["id"],
                "text": p["text"],
                "occurrences": [
                    {**o, "files": files_of.get(o["article_id"], [])} for o in p["occ"]
                ],
            }

    rejected = ({"file": r.file, "reason": r.reason} for r in inputs if r.status == "rejected")
    return {
        "articles": _write_jsonl(out / "articles.jsonl", article_rows()),
        "quotes": _write_jsonl(out / "quotes.jsonl", quote_rows()),
        "rejected": _write_jsonl(out / "rejected.jsonl", rejected),
        "passages": _write_jsonl(out / "passages.jsonl", passage_rows()),
        "corroboration": _write_jsonl(out / "corroboration.jsonl", corroboration_rows(store, ids)),
    }


def corroboration_rows(store: Store, article_ids: Sequence[str]) -> Iterable[dict[str, Any]]:
    """One line per corroborated quotation reported by any of these articles, with all its occurrences."""
    from dataclasses import asdict

    from recoupe.query import Recoupe

    for record in Recoupe(store.con).corroboration(article_ids):
        yield asdict(record)
