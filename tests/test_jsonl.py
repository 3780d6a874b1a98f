"""JSONL reader: one article per line, a bad line rejected alone."""

from __future__ import annotations

import json
from pathlib import Path

from recoupe.ingest import read_inputs
from recoupe.model import RawDocument, Rejection
from recoupe.settings import Settings


def test_jsonl_lines_become_articles_and_bad_lines_are_rejected_alone(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "1", "url": "https://x/1", "source": "Le Phare", "published": "2025-03-01",
                    "title": "T1", "text": "« Bonjour », a dit le maire."}),
        "{not json",
        json.dumps({"id": "3", "title": "sans texte"}),
        json.dumps(["a", "list"]),
        json.dumps({"id": "1", "text": "même id que la ligne 1"}),
        "",
        json.dumps({"id": "6", "text": "Dernier article."}),
    ]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines), encoding="utf-8")
    items = list(read_inputs(tmp_path, Settings()))
    docs = [i for i in items if isinstance(i, RawDocument)]
    rejected = {i.file: i.reason for i in items if isinstance(i, Rejection)}
    assert [d.file for d in docs] == ["feed.jsonl#1", "feed.jsonl#7"]
    assert docs[0].outlet == "Le Phare" and docs[0].published == "2025-03-01" and docs[0].title == "T1"
    assert "not valid JSON" in rejected["feed.jsonl#2"]
    assert "missing 'text'" in rejected["feed.jsonl#3"]
    assert "expected a JSON object" in rejected["feed.jsonl#4"]
    assert "duplicate id '1'" in rejected["feed.jsonl#5"]


def test_jsonl_is_sniffed_without_its_extension(tmp_path: Path) -> None:
    (tmp_path / "dump").write_text(json.dumps({"text": "Un article sans extension."}) + "\n", encoding="utf-8")
    items = list(read_inputs(tmp_path, Settings()))
    assert isinstance(items[0], RawDocument) and items[0].kind == "jsonl"
