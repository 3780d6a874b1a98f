"""The Spark job (local[2]) against the single-machine pipeline: same export, same scores, load back."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.spark, pytest.mark.slow]


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def single_machine_export(corpus: Path, db: Path, export: Path) -> None:
    """The reference: recoupe.pipeline.run and export_run, as `recoupe analyze --export` does."""
    from recoupe.export import export_run
    from recoupe.pipeline import run
    from recoupe.settings import Settings
    from recoupe.store import Store

    settings = Settings(db_path=str(db))
    with Store(db) as store:
        report = run(corpus, settings, store)
        export_run(store, report.inputs, export)


def _story_blocks(notes: list[str]) -> tuple[int, int]:
    """(blocks of 2 or more articles, largest block) from a Spark run's story note."""
    found = next(m for n in notes if (m := re.match(r"stories: (\d+) blocks .*, the largest (\d+) articles", n)))
    return int(found[1]), int(found[2])


@pytest.fixture(scope="module")
def dev_runs(spark: Any, shared_eval: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The dev corpus through both paths: the single-machine export and the Spark output and export."""
    from recoupe.settings import Settings
    from recoupe.spark import analyze, export_parquet

    tmp = tmp_path_factory.mktemp("spark-dev")
    corpus = shared_eval / "dev" / "articles"
    single_machine_export(corpus, tmp / "single.duckdb", tmp / "single-export")
    report = analyze(spark, corpus, tmp / "out", Settings(), local_components=0)  # the distributed components too
    export_parquet(tmp / "out", tmp / "spark-export")
    return {"single": tmp / "single-export", "spark": tmp / "spark-export", "out": tmp / "out", "gold": shared_eval,
            "notes": report.notes}


def test_spark_export_equals_single_machine(dev_runs: dict[str, Any]) -> None:
    single, spark = dev_runs["single"], dev_runs["spark"]
    for name in ("articles.jsonl", "quotes.jsonl", "rejected.jsonl", "passages.jsonl", "corroboration.jsonl"):
        assert _jsonl(spark / name) == _jsonl(single / name), name
    arts = _jsonl(spark / "articles.jsonl")
    assert len(arts) == 24
    assert any(a["near_duplicates"] for a in arts), "the dev corpus has near-duplicates: the test must see some"
    assert len({a["story"] for a in arts}) < len(arts), "stories must group articles"
    blocks, largest = _story_blocks(dev_runs["notes"])
    assert blocks > 1 and 1 < largest < len(arts), "stories must run per block, several blocks of several articles"
    assert len(_jsonl(spark / "quotes.jsonl")) > 20


def test_spark_scores_the_same(dev_runs: dict[str, Any]) -> None:
    score = dev_runs["gold"] / "score.py"
    gold = dev_runs["gold"] / "dev"

    def run(export: Path) -> dict[str, Any]:
        done = subprocess.run(
            [sys.executable, str(score), str(gold), str(export), "--json"], capture_output=True, text=True, check=True
        )
        result: dict[str, Any] = json.loads(done.stdout)
        return result

    assert run(dev_runs["spark"]) == run(dev_runs["single"])


def test_load_parquet_fills_a_store(dev_runs: dict[str, Any], tmp_path: Path) -> None:
    from recoupe.spark import load_parquet
    from recoupe.store import Store

    db = tmp_path / "loaded.duckdb"
    with Store(db) as store:
        counts = load_parquet(dev_runs["out"], store)
    assert counts["articles"] == 24
    with Store(db, read_only=True) as store:
        n = store.rows("SELECT count(*) AS n FROM articles WHERE story_id IS NOT NULL")[0]["n"]
        pairs = store.rows("SELECT count(*) AS n FROM near_duplicates")[0]["n"]
    assert n == 24
    assert pairs == len({tuple(sorted((a["file"], d))) for a in _jsonl(dev_runs["single"] / "articles.jsonl")
                         for d in a["near_duplicates"]})


def test_spark_stories_equal_single_machine_on_2000_synthetic_articles(spark: Any) -> None:
    """Blocked story assignment on local[2] against `assign_stories`: the same stories, ids, titles, members."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from make_corpus import make_corpus

    from recoupe.dedup import near_duplicate_pairs
    from recoupe.settings import Settings
    from recoupe.spark import stories
    from recoupe.stories import assign_stories

    settings = Settings()
    arts = make_corpus(2000).articles
    pairs = near_duplicate_pairs(arts, settings)
    single = assign_stories(arts, pairs, [], settings)
    sc = spark.sparkContext
    found, blocks = stories(sc.parallelize([(a.id, a) for a in arts], 4), sc.parallelize(pairs, 2), settings)
    got = found.collect()
    found.unpersist()

    def rows(sts: list[Any]) -> list[tuple[Any, ...]]:
        return sorted((s.id, s.title, s.first_published, s.last_published, tuple(s.article_ids)) for s in sts)

    assert rows(got) == rows(single)
    assert len(single) < len(arts) / 2, "the synthetic corpus has stories of several articles"
    assert sum(blocks) < len(arts) and max(blocks) >= 3, "blocks of several articles, not one block of all"


def test_connected_components_join_chains_and_stars(spark: Any) -> None:
    from recoupe.spark import connected_components

    edges = [("e", "d"), ("d", "c"), ("c", "b"), ("x", "y"), ("y", "z"), ("z", "x"), ("m", "a"), ("a", "b")]
    comp = dict(connected_components(spark.sparkContext.parallelize(edges, 3)).collect())
    assert comp == {**dict.fromkeys("abcdem", "a"), **dict.fromkeys("xyz", "x")}


def test_parquet_rows_read_like_jsonl_lines(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from recoupe.model import RawDocument, Rejection
    from recoupe.settings import Settings
    from recoupe.spark import list_inputs, read_units

    rows = [
        {"id": "a1", "url": "https://x.fr/1", "source": "Le Monde", "published": "2025-06-01", "title": "T",
         "text": "Un article."},
        {"id": "a2", "url": None, "source": None, "published": None, "title": None, "text": ""},
        {"id": "a3", "url": None, "source": "Libération", "published": None, "title": None, "text": "Un autre."},
    ]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "part-0.parquet", row_group_size=2)
    (tmp_path / "_SUCCESS").write_bytes(b"")
    units = list_inputs(tmp_path)
    assert [u[3] for u in units] == [0, 1]  # one unit per row group
    items = list(read_units(units, Settings()))
    assert [i.file for i in items] == ["part-0.parquet#1", "part-0.parquet#2", "part-0.parquet#3"]
    first, bad, third = items
    assert isinstance(first, RawDocument) and first.outlet == "Le Monde" and first.published == "2025-06-01"
    assert isinstance(bad, Rejection) and bad.reason.startswith("row 2:")
    assert isinstance(third, RawDocument) and third.external_id == "a3"


def test_cli_load_parquet_then_query(dev_runs: dict[str, Any], tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from recoupe.cli import app

    db = tmp_path / "cli.duckdb"
    result = CliRunner().invoke(app, ["load-parquet", str(dev_runs["out"]), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "loaded 24 articles" in result.output
    result = CliRunner().invoke(app, ["stories", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output


def test_cli_spark_analyze_names_a_missing_input(spark: Any, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from recoupe.cli import app

    args = ["spark", "analyze", str(tmp_path / "nowhere"), "--output", str(tmp_path / "o")]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "400"})
    assert result.exit_code == 2
    assert "no such file or folder" in result.output
    assert spark.sparkContext._jsc is not None  # the shared session was not stopped


def test_cli_load_parquet_names_a_wrong_folder(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from recoupe.cli import app

    args = ["load-parquet", str(tmp_path), "--db", str(tmp_path / "x.duckdb")]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "400"})
    assert result.exit_code == 2
    assert "table missing" in result.output


def test_parquet_on_a_hadoop_file_system(spark: Any, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from recoupe.settings import Settings
    from recoupe.spark import analyze, read_run

    text = "Le conseil municipal a voté le budget mardi soir.\n\nLa séance a duré trois heures."
    rows = [{"id": "a1", "source": "Le Monde", "published": "2025-06-01", "text": text},
            {"id": "a2", "source": None, "published": None, "text": "  "}]
    (tmp_path / "in").mkdir()
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "in" / "part-0.parquet")
    analyze(spark, f"file://{tmp_path / 'in'}", tmp_path / "out", Settings(), quotes=False)
    report, _ = read_run(tmp_path / "out")
    assert [(r.file, r.status) for r in report.inputs] == [("part-0.parquet#a1", "accepted"),
                                                           ("part-0.parquet#a2", "rejected")]
    assert report.articles[0].outlet == "Le Monde"
