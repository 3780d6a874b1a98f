"""DuckDB store: schema migrations, idempotent writes, transactions."""

from __future__ import annotations

from pathlib import Path

import pytest

from recoupe.clean import clean_article
from recoupe.model import InputRecord, RawDocument
from recoupe.store import MIGRATIONS, Store


def _article(text: str, name: str = "a.txt"):  # noqa: ANN202
    return clean_article(RawDocument(file=name, source_path=f"/corpus/{name}", text=text))


def test_new_database_is_migrated_to_the_latest_version(tmp_path: Path) -> None:
    with Store(tmp_path / "x.duckdb") as store:
        assert store.schema_version() == len(MIGRATIONS)
        assert store.count("articles") == 0


def test_reopening_does_not_migrate_twice(tmp_path: Path) -> None:
    path = tmp_path / "x.duckdb"
    Store(path).close()
    with Store(path) as store:
        rows = store.rows("SELECT count(*) AS n FROM schema_version")
        assert rows[0]["n"] == len(MIGRATIONS)


def test_adding_the_same_articles_twice_adds_no_rows(tmp_path: Path) -> None:
    arts = [_article("Premier article.\n\nDeux paragraphes.", "a.txt"), _article("Second article.", "b.txt")]
    with Store(tmp_path / "x.duckdb") as store:
        assert store.add_articles(arts) == 2
        assert store.add_articles(arts) == 0
        assert store.count("articles") == 2
        assert store.count("paragraphs") == 3


def test_manifest_is_upserted_by_input(tmp_path: Path) -> None:
    with Store(tmp_path / "x.duckdb") as store:
        store.record_inputs([InputRecord("a.txt", "/c/a.txt", "rejected", reason="empty file (0 bytes)")])
        store.record_inputs([InputRecord("a.txt", "/c/a.txt", "accepted", article_id="abc")])
        rows = store.rows("SELECT status, article_id, reason FROM inputs")
        assert rows == [{"status": "accepted", "article_id": "abc", "reason": None}]


def test_a_failed_transaction_writes_nothing(tmp_path: Path) -> None:
    with Store(tmp_path / "x.duckdb") as store:
        with pytest.raises(RuntimeError):
            with store.transaction():
                store.add_articles([_article("Un article.")])
                raise RuntimeError("crash in the middle of a batch")
        assert store.count("articles") == 0
