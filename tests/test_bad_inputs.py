"""The bad-input catalogue (docs/bad-inputs.md): every kind gets its verdict and a reason naming the input.

The quote stage is replaced by a stub returning no quotes (`no_quotes`): these tests are about reading,
rejecting and accounting, and must not depend on the quote extractor being present or fast.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from typer.testing import CliRunner

from recoupe.cli import EXIT_REJECTED, app
from recoupe.export import export_run
from recoupe.pipeline import run
from recoupe.settings import Settings
from recoupe.store import Store

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "bad-inputs.md"


def load_catalogue_module() -> ModuleType:
    """tests/data/make_bad_inputs.py as a module (tests/ is not a package)."""
    name = "make_bad_inputs"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, REPO / "tests" / "data" / "make_bad_inputs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


mbi = load_catalogue_module()


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture()
def no_quotes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bypass the quote stage (another issue's work): reading and accounting are the point here."""
    monkeypatch.setattr("recoupe.pipeline.extract_quotes", lambda *a, **k: ([], []))


@pytest.fixture()
def catalogue_dir(tmp_path: Path) -> Path:
    """The whole catalogue written into a fresh folder."""
    folder = tmp_path / "catalogue"
    mbi.build_catalogue(folder)
    return folder


def test_catalogue_has_at_least_twenty_rejected_kinds() -> None:
    rows = mbi.catalogue()
    rejected_kinds = [k for k in rows if any(e.status == "rejected" for e in k.expect)]
    assert len(rejected_kinds) >= 20
    assert len({k.kind for k in rows}) == len(rows)


def test_every_kind_gets_its_verdict(catalogue_dir: Path, tmp_path: Path, no_quotes: None) -> None:
    settings = Settings(db_path=str(tmp_path / "c.duckdb"), **mbi.catalogue_settings_kwargs())
    with mbi.permissions_enforced() as enforced:
        if not enforced:
            pytest.skip("running as root without the right to drop CAP_DAC_OVERRIDE: chmod 000 cannot bite")
        with Store(settings.db_path) as store:
            report = run(catalogue_dir, settings, store)
            export_run(store, report.inputs, tmp_path / "export")
    report.check_accounting()
    got = {r.file: r for r in report.inputs}
    expected = {e.name: e for k in mbi.catalogue() for e in k.expect}
    for name, exp in expected.items():
        assert name in got, f"{name}: no verdict at all"
        rec = got[name]
        assert rec.status == exp.status, f"{name}: {rec.status} ({rec.reason}), expected {exp.status}"
        if exp.status == "rejected":
            assert exp.reason in (rec.reason or "").lower(), f"{name}: reason {rec.reason!r} lacks {exp.reason!r}"
    # nothing outside the catalogue's expectations was rejected: no collateral damage
    assert {r.file for r in report.rejected} == {n for n, e in expected.items() if e.status == "rejected"}
    exported = {r["file"]: r["reason"] for r in _jsonl(tmp_path / "export" / "rejected.jsonl")}
    assert exported == {r.file: r.reason for r in report.rejected}
    articles = {r["file"] for r in _jsonl(tmp_path / "export" / "articles.jsonl")}
    assert articles == {n for n, e in expected.items() if e.status != "rejected"}


def test_decoded_charsets_keep_their_accents(catalogue_dir: Path) -> None:
    from recoupe.ingest import read_file

    settings = Settings(**mbi.catalogue_settings_kwargs())
    for name, must in [("latin1.txt", "déjà très endettée"), ("cp1252.txt", "l’erreur : « C’est un échec"),
                       ("utf16.txt", "édition historique")]:
        (doc,) = list(read_file(catalogue_dir / name, name, settings))
        assert must in doc.text, (name, doc.extra)
    (doc,) = list(read_file(catalogue_dir / "cp1252.txt", "cp1252.txt", settings))
    assert "cœur" in doc.text and "000 €" in doc.text


def test_cli_exits_3_and_prints_the_accounting(catalogue_dir: Path, tmp_path: Path, no_quotes: None) -> None:
    config = tmp_path / "limits.toml"
    config.write_text("".join(f"{k} = {v}\n" for k, v in mbi.catalogue_settings_kwargs().items()), encoding="utf-8")
    with mbi.permissions_enforced():
        result = CliRunner().invoke(
            app, ["analyze", str(catalogue_dir), "--db", str(tmp_path / "cli.duckdb"), "--config", str(config),
                  "--export", str(tmp_path / "out")],
        )
    assert result.exit_code == EXIT_REJECTED, result.output
    assert "accounted for:" in result.output
    line = next(ln for ln in result.output.splitlines() if ln.startswith("accounted for:"))
    n_inputs = int(line.rsplit("=", 1)[1].split()[0])
    assert n_inputs == sum(len(k.expect) for k in mbi.catalogue())


def test_a_clean_folder_exits_0(tmp_path: Path, no_quotes: None) -> None:
    folder = tmp_path / "ok"
    folder.mkdir()
    (folder / "a.txt").write_text(mbi.VARIANTS[0], encoding="utf-8")
    (folder / "b.html").write_bytes(mbi.html_page(mbi.VARIANTS[1], "Agriculteurs", "Le Courrier", "2025-03-13"))
    result = CliRunner().invoke(app, ["analyze", str(folder), "--db", str(tmp_path / "ok.duckdb"), "-q"])
    assert result.exit_code == 0, result.output


def test_checked_in_files_match_the_generator() -> None:
    """tests/data/bad/ is what `python tests/data/make_bad_inputs.py` writes: no drift, no hand edits."""
    static = mbi._static_files()
    on_disk = {p.name: p.read_bytes() for p in mbi.BAD_DIR.iterdir() if p.is_file()}
    assert on_disk == static


def test_docs_table_has_a_row_per_kind() -> None:
    doc = DOC.read_text(encoding="utf-8")
    rows = [ln for ln in doc.splitlines() if ln.startswith("| ") and not ln.startswith("| kind") and "---" not in ln]
    kinds = [ln.split("|")[1].strip() for ln in rows]
    assert kinds == [k.kind for k in mbi.catalogue()]
    for k in mbi.catalogue():
        row = rows[kinds.index(k.kind)]
        for f in k.files:
            assert f"`{f}`" in row, (k.kind, f)


def test_gzip_bomb_is_stopped_at_the_limit_not_after(tmp_path: Path) -> None:
    """Bounded decompression: the reader gives up once past the limit, it does not inflate the whole bomb."""
    import gzip
    import time

    from recoupe.ingest import read_file
    from recoupe.model import RejectedInput

    bomb = tmp_path / "big.txt.gz"
    with gzip.GzipFile(bomb, "wb", mtime=0) as fh:
        block = b"a" * (1 << 20)
        for _ in range(64):  # 64 MiB inflated (32 times the limit), 64 KiB on disk
            fh.write(block)
    settings = Settings(max_file_bytes=1 << 20, max_decompressed_bytes=2 << 20)
    start = time.perf_counter()
    with pytest.raises(RejectedInput, match="gzip bomb"):
        list(read_file(bomb, "big.txt.gz", settings))
    assert time.perf_counter() - start < 2.0


def test_unreadable_file_is_denied_by_the_kernel(tmp_path: Path) -> None:
    """Not a mock: with DAC override dropped (or as a normal user), open(2) itself refuses the file."""
    from recoupe.ingest.decode import read_bytes
    from recoupe.model import RejectedInput

    secret = tmp_path / "secret.txt"
    secret.write_text("texte", encoding="utf-8")
    secret.chmod(0)
    with mbi.permissions_enforced() as enforced:
        if not enforced:
            pytest.skip("cannot drop CAP_DAC_OVERRIDE here")
        with pytest.raises(PermissionError):
            secret.open("rb")
        with pytest.raises(RejectedInput, match="permission denied"):
            read_bytes(secret, "secret.txt", 1000)
    if os.geteuid() == 0:
        assert secret.read_bytes() == b"texte"  # capabilities restored on exit: root reads it again
