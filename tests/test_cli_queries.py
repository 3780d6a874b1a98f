"""CLI queries: recoupe quotes / stories / speakers / serve, through Typer's runner."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from recoupe.cli import app

runner = CliRunner()
PUTIN = "L'Iran ne nous demande aucune assistance militaire"


def test_quotes_by_speaker_alias_and_min_outlets_as_json(gold_seeds_db: Path) -> None:
    res = runner.invoke(app, ["quotes", "--speaker", "Poutine", "--min-outlets", "2", "--format", "json",
                              "--db", str(gold_seeds_db)])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert len(rows) == 3 and PUTIN in {r["text"] for r in rows}
    assert all(r["speaker"] == "Vladimir Poutine" and r["n_outlets"] == 2 for r in rows)
    assert all(len(r["occurrences"]) == 2 for r in rows)


def test_quotes_as_csv_and_table(gold_seeds_db: Path) -> None:
    res = runner.invoke(app, ["quotes", "--speaker", "Dmitri Peskov", "-f", "csv", "--db", str(gold_seeds_db)])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert len(rows) == 4 and {r["single_source"] for r in rows} == {"True"}
    res = runner.invoke(app, ["quotes", "--search", "assistance militaire", "--db", str(gold_seeds_db)])
    assert res.exit_code == 0 and "1 quotations" in res.stdout and "assistance" in res.stdout


def test_stories_and_speakers_tables(gold_dev_db: Path) -> None:
    res = runner.invoke(app, ["stories", "--db", str(gold_dev_db), "-f", "json"])
    assert res.exit_code == 0, res.output
    stories = json.loads(res.stdout)
    assert len(stories) == 8 and stories[0]["n_outlets"] >= stories[-1]["n_outlets"]
    res = runner.invoke(app, ["speakers", "--db", str(gold_dev_db)])
    assert res.exit_code == 0 and "speakers" in res.stdout and "n_quotes" in res.stdout


def test_a_missing_database_or_format_is_a_usage_error(tmp_path: Path, gold_seeds_db: Path) -> None:
    res = runner.invoke(app, ["quotes", "--db", str(tmp_path / "none.duckdb")])
    assert res.exit_code == 2 and "recoupe analyze" in res.output
    res = runner.invoke(app, ["stories", "--db", str(gold_seeds_db), "--format", "xml"])
    assert res.exit_code == 2 and "table, json or csv" in res.output
    res = runner.invoke(app, ["serve", "--db", str(tmp_path / "none.duckdb")])
    assert res.exit_code == 2


def test_serve_binds_loopback_by_default() -> None:
    res = runner.invoke(app, ["serve", "--help"])
    assert res.exit_code == 0 and "127.0.0.1" in res.output and "--port" in res.output
