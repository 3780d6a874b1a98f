"""Language detection: every article gets its language; quotes are extracted only where supported."""

from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import Any

import pytest
from test_bad_inputs import mbi

from recoupe.clean import clean_article
from recoupe.language import detect_language, detect_languages
from recoupe.model import Article, RawDocument
from recoupe.pipeline import analyse_articles, run
from recoupe.settings import Settings
from recoupe.store import Store

ENGLISH = ("The mayor of Sarthenay presented the town budget on Tuesday. \"We will see this project through, "
           "whatever it costs,\" the councillor told the municipal council gathered at the town hall.")
GERMAN = ("Der Bürgermeister von Sarthenay hat am Dienstag den Haushalt der Gemeinde vorgestellt. „Wir werden "
          "dieses Projekt zu Ende führen“, sagte er vor dem Gemeinderat im Rathaus.")


def _article(name: str, text: str, language: str | None = None) -> Article:
    return clean_article(RawDocument(file=name, source_path=name, text=text, language=language))


@pytest.mark.parametrize(("text", "code"), [(mbi.FRENCH, "fr"), (ENGLISH, "en"), (GERMAN, "de"), ("12 345 !", None)])
def test_detect_language(text: str, code: str | None) -> None:
    assert detect_language(text) == code


def test_detect_languages_sets_each_article_and_notes_the_unsupported() -> None:
    arts = [_article("fr.txt", mbi.FRENCH), _article("en.txt", ENGLISH), _article("de.txt", GERMAN),
            _article("given.txt", mbi.FRENCH, language="EN-gb"), _article("odd.txt", GERMAN, language="French")]
    notes = detect_languages(arts, ("fr",))
    # a declared code is kept (as two letters), a declaration that is not a code is replaced by detection
    assert [a.language for a in arts] == ["fr", "en", "de", "en", "de"]
    assert len(notes) == 1 and "4 article(s)" in notes[0] and "en.txt" in notes[0] and "fr.txt" not in notes[0]
    assert detect_languages([_article("fr2.txt", mbi.VARIANTS[0])], ("fr",)) == []


def test_quotes_run_only_on_supported_languages(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stand-in quote package records which articles reach the quote stage (the real one is issue 3's)."""
    seen: list[str] = []
    fake = types.ModuleType("recoupe.quotes")

    def find_quotes(articles: Any, nlp: Any, batch_size: int = 64) -> list[Any]:
        seen.extend(a.file for a in articles)
        return []

    fake.find_quotes = find_quotes  # type: ignore[attr-defined]
    fake.load_quote_pipeline = lambda *a, **k: object()  # type: ignore[attr-defined]
    fake.merge_speakers = lambda quotes: ([], quotes)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "recoupe.quotes", fake)
    arts = [_article("fr.txt", mbi.FRENCH), _article("en.txt", ENGLISH), _article("de.txt", GERMAN)]
    report = analyse_articles(arts, Settings())
    assert seen == ["fr.txt"]
    assert any("quotes not extracted from 2 article(s)" in n for n in report.notes)


def test_non_french_articles_are_stored_and_exported_with_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Quote stage bypassed (stub): the language column is the point."""
    import json

    from recoupe.export import export_run

    monkeypatch.setattr("recoupe.pipeline.extract_quotes", lambda *a, **k: ([], []))
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "fr.txt").write_text(mbi.FRENCH, encoding="utf-8")
    (corpus / "en.txt").write_text(ENGLISH, encoding="utf-8")
    with Store(tmp_path / "db.duckdb") as store:
        report = run(corpus, Settings(), store)
        export_run(store, report.inputs, tmp_path / "out")
        stored = {r["file"]: r["language"] for r in store.rows("SELECT file, language FROM articles")}
    assert stored == {"fr.txt": "fr", "en.txt": "en"}
    rows = [json.loads(ln) for ln in (tmp_path / "out" / "articles.jsonl").read_text("utf-8").splitlines()]
    assert {r["file"]: r["language"] for r in rows} == {"fr.txt": "fr", "en.txt": "en"}
