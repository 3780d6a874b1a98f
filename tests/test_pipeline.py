"""The spine end to end: a folder in, the DuckDB file and the contract export out."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from recoupe.cli import EXIT_REJECTED, app
from recoupe.export import export_run
from recoupe.pipeline import run
from recoupe.settings import Settings
from recoupe.store import Store

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "corpus"
TABLES = ["articles", "paragraphs", "inputs", "quotes", "near_duplicates", "passages", "stories"]


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture()
def mixed_corpus(tmp_path: Path) -> Path:
    """The sample corpus, an exact copy of a seed, and one bad file of each spine kind."""
    corpus = tmp_path / "corpus"
    shutil.copytree(EXAMPLES, corpus)
    (corpus / "nested").mkdir()
    shutil.copy(corpus / "000_e64d087233c4e9c9.txt", corpus / "nested" / "copy_of_000.txt")
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "blank.txt").write_text(" \n\t\n  ", encoding="utf-8")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (corpus / "latin1.txt").write_bytes("« Nous irons jusqu'au bout », a déclaré le maire.".encode("latin-1"))
    (corpus / "big.txt").write_text("x" * 5000, encoding="utf-8")
    (corpus / "bad.jsonl").write_text('{"id": "1", "text": "Un article valide."}\n{broken\n', encoding="utf-8")
    return corpus


def test_every_input_is_accounted_for(mixed_corpus: Path, tmp_path: Path, nlp: Any) -> None:
    settings = Settings(max_file_bytes=4000)
    with Store(tmp_path / "r.duckdb") as store:
        report = run(mixed_corpus, settings, store, nlp=nlp)
        counts = report.counts()
        assert counts["accepted"] + counts["duplicate"] + counts["rejected"] == counts["inputs"]
        reasons = {r.file: r.reason for r in report.rejected}
        assert "empty file" in reasons["empty.txt"]
        assert "whitespace-only" in reasons["blank.txt"]
        assert "binary" in reasons["binary.txt"]
        assert "too large" in reasons["big.txt"]
        assert "not valid JSON" in reasons["bad.jsonl#2"]
        assert "latin1.txt" not in reasons  # decoded with the charset charset-normalizer found
        dup = [r for r in report.inputs if r.status == "duplicate"]
        assert [(d.file, d.duplicate_of) for d in dup] == [("nested/copy_of_000.txt", "000_e64d087233c4e9c9.txt")]
        manifest = store.rows("SELECT file, status, reason FROM inputs ORDER BY file")
        assert len(manifest) == counts["inputs"]


def test_export_follows_the_contract(mixed_corpus: Path, tmp_path: Path, nlp: Any) -> None:
    settings = Settings(max_file_bytes=4000)
    out = tmp_path / "export"
    with Store(tmp_path / "r.duckdb") as store:
        report = run(mixed_corpus, settings, store, nlp=nlp)
        export_run(store, report.inputs, out)
    articles = {a["file"]: a for a in _jsonl(out / "articles.jsonl")}
    rejected = {r["file"]: r["reason"] for r in _jsonl(out / "rejected.jsonl")}
    assert set(articles) | set(rejected) == {r.file for r in report.inputs}
    assert not set(articles) & set(rejected)
    for a in articles.values():
        assert {"file", "outlet", "published", "story", "near_duplicates"} <= set(a)
    seed = articles["002_bc7bfceb713a1ee6.txt"]
    assert seed["outlet"] == "TRT Global" and seed["published"] == "2025-06"
    assert "nested/copy_of_000.txt" in articles["000_e64d087233c4e9c9.txt"]["near_duplicates"]
    assert "000_e64d087233c4e9c9.txt" in articles["nested/copy_of_000.txt"]["near_duplicates"]
    for q in _jsonl(out / "quotes.jsonl"):
        assert {"file", "kind", "text", "speaker", "speaker_mention", "cue", "start", "end"} <= set(q)


def test_rerun_on_the_same_files_adds_no_rows(tmp_path: Path, nlp: Any) -> None:
    with Store(tmp_path / "r.duckdb") as store:
        run(EXAMPLES, Settings(), store, nlp=nlp)
        before = {t: store.count(t) for t in TABLES}
        report = run(EXAMPLES, Settings(), store, nlp=nlp)
        after = {t: store.count(t) for t in TABLES}
    assert before == after
    assert before["articles"] == len(list(EXAMPLES.iterdir()))
    assert all(r.status == "accepted" for r in report.inputs)


def test_cli_analyze_exports_and_signals_rejections(mixed_corpus: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "export"
    result = runner.invoke(
        app, ["analyze", str(mixed_corpus), "--export", str(out), "--db", str(tmp_path / "c.duckdb"),
              "--max-file-bytes", "4000"],
    )
    assert result.exit_code == EXIT_REJECTED, result.output
    assert "accounted for" in result.output
    assert (out / "articles.jsonl").exists() and (out / "quotes.jsonl").exists()
    assert len(_jsonl(out / "rejected.jsonl")) == 5


def test_cli_analyze_clean_corpus_exits_zero(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["analyze", str(EXAMPLES), "--db", str(tmp_path / "c.duckdb"), "--export", str(tmp_path / "e")]
    )
    assert result.exit_code == 0, result.output


def test_cli_missing_corpus_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["analyze", str(tmp_path / "nope"), "--db", str(tmp_path / "c.duckdb")])
    assert result.exit_code == 2
    flat = " ".join(result.output.replace("│", " ").split())
    assert "no such file or folder" in flat


def test_every_command_is_documented() -> None:
    import typer.main

    group = typer.main.get_command(app)
    commands = getattr(group, "commands", {})
    assert "analyze" in commands
    for name, command in commands.items():
        assert command.help and len(command.help.strip()) > 20, f"command {name} has no help text"
        result = CliRunner().invoke(app, [name, "--help"])
        assert result.exit_code == 0


def test_articles_arriving_in_a_later_run_join_the_stored_story(tmp_path: Path, nlp: Any) -> None:
    first, later = tmp_path / "monday", tmp_path / "tuesday"
    first.mkdir()
    later.mkdir()
    shutil.copy(EXAMPLES / "101_port_greve_ouestmarin.txt", first)
    shutil.copy(EXAMPLES / "103_festival_theatre.txt", first)
    shutil.copy(EXAMPLES / "102_port_greve_courrier.txt", later)
    with Store(tmp_path / "r.duckdb") as store:
        run(first, Settings(), store, nlp=nlp)
        before = {r["file"]: r["story_id"] for r in store.rows("SELECT file, story_id FROM articles")}
        run(later, Settings(), store, nlp=nlp)
        after = {r["file"]: r["story_id"] for r in store.rows("SELECT file, story_id FROM articles")}
    assert before["101_port_greve_ouestmarin.txt"] != before["103_festival_theatre.txt"]
    assert after["102_port_greve_courrier.txt"] == before["101_port_greve_ouestmarin.txt"]
    assert {k: after[k] for k in before} == before  # stored decisions and ids do not move
