"""DuckDB full-text search: loaded from the installed package, built by the store, and a clean fallback without it."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

import recoupe
import recoupe.fts
from recoupe.fts import ARTICLE_SCHEMA, extension_directory, has_index, load_fts
from recoupe.model import Quote, RawDocument
from recoupe.pipeline import RunReport, clean_documents, save
from recoupe.settings import Settings
from recoupe.store import Store

TEXTS = [
    "Le ministre a parlé des militaires français déployés au Sahel.\n\n"
    "« Nous ne demandons aucune assistance militaire », a déclaré le ministre.",
    "La maire de Lyon a inauguré un pont. Été comme hiver, il sera ouvert aux piétons.\n\n"
    "« Ce pont est une œuvre collective », a-t-elle déclaré.",
    "Un article sur le budget 2025 : 50% de hausse_ et des remous.",
]


def _build(db: Path, texts: list[str] = TEXTS) -> None:
    raws = [RawDocument(f"a{i}.txt", f"a{i}.txt", t, outlet=f"Média {i}", published=f"2025-03-0{i + 1}")
            for i, t in enumerate(texts)]
    articles, records = clean_documents(raws)
    art = articles[0]
    start = art.text.index("Nous ne")
    end = art.text.index(" », a déclaré")
    quote = Quote(art.id, art.file, "direct", art.text[start:end], start, end, "Le Ministre", "le ministre")
    with Store(db) as store:
        save(store, RunReport(inputs=records, articles=articles, quotes=[quote]), Settings())


@pytest.fixture()
def no_package(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Simulate a platform without `duckdb-ext-fts`: the extension folder is empty."""
    empty = tmp_path / "no-extensions"
    empty.mkdir()
    monkeypatch.setattr(recoupe.fts, "extension_directory", lambda: empty)
    return empty


def test_loads_from_the_installed_package_only(tmp_path: Path) -> None:
    folder = extension_directory()
    assert folder is not None and (folder / f"v{duckdb.__version__}").is_dir()
    con = duckdb.connect()
    assert load_fts(con)
    assert con.execute("SELECT loaded FROM duckdb_extensions() WHERE extension_name = 'fts'").fetchone() == (True,)
    assert not load_fts(duckdb.connect(), tmp_path)  # an empty folder: no extension, no error


def test_save_builds_the_article_index_and_search_uses_it(tmp_path: Path) -> None:
    db = tmp_path / "fts.duckdb"
    _build(db)
    with Store(db, read_only=True) as store:
        assert has_index(store.con, ARTICLE_SCHEMA) and store.count(f"{ARTICLE_SCHEMA}.docs") == 3
    with recoupe.open(db) as rq:  # read-only connection: loads the extension too
        assert rq.fts_articles
        files = lambda q: [a.file for a in rq.articles(q=q).items]  # noqa: E731
        assert files("assistance militaire") == ["a0.txt"]
        assert files("MILITAIRES") == ["a0.txt"]  # French stemming: militaire(s) share a stem
        assert files("ete PIETON") == ["a1.txt"]  # accents and case ignored
        assert files("oeuvre") == []  # œ is a letter of its own, as in quotation search
        assert files("budget 2025") == ["a2.txt"] and files("50%_\\") == ["a2.txt"]
        assert files("militaire pont") == []  # every word must be there
        assert files("« ! »") == [] and rq.articles(q="  ").total == 3
        page = rq.articles(q="le", limit=1, offset=1)
        assert page.total == 2 and [a.file for a in page.items] == ["a2.txt"]  # "elle" is not "le"
        hits = rq.search("assistance militaire")
        assert hits.articles.total == 1 and hits.quotes.total == 1


def test_index_is_rebuilt_only_when_articles_change(tmp_path: Path) -> None:
    db = tmp_path / "fts.duckdb"
    _build(db, TEXTS[:2])
    marked = f"SELECT count(*) FROM {ARTICLE_SCHEMA}.stopwords WHERE sw = 'marque'"
    with Store(db) as store:
        store.con.execute(f"INSERT INTO {ARTICLE_SCHEMA}.stopwords VALUES ('marque')")
        assert store.build_search_indexes()  # no new article: the index is kept as it is
        assert store.con.execute(marked).fetchone() == (1,)
    _build(db)  # a second run adding one article rebuilds it
    with Store(db, read_only=True) as store:
        assert store.con.execute(marked).fetchone() == (0,)
    with recoupe.open(db) as rq:
        assert [a.file for a in rq.articles(q="budget").items] == ["a2.txt"]


def test_without_the_package_search_falls_back_to_ilike(tmp_path: Path, no_package: Path) -> None:
    db = tmp_path / "plain.duckdb"
    _build(db)
    with Store(db, read_only=True) as store:
        assert not has_index(store.con, ARTICLE_SCHEMA)
    with recoupe.open(db) as rq:
        assert not rq.fts_articles
        assert [a.file for a in rq.articles(q="assistance militaire").items] == ["a0.txt"]
        assert [a.file for a in rq.articles(q="militaires").items] == ["a0.txt"]  # substring match
        assert rq.search("assistance militaire").quotes.total == 1


def test_a_writer_without_the_package_drops_a_stale_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "stale.duckdb"
    _build(db, TEXTS[:2])
    with Store(db, read_only=True) as store:
        assert has_index(store.con, ARTICLE_SCHEMA)
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setattr(recoupe.fts, "extension_directory", lambda: empty)
    _build(db)
    with recoupe.open(db) as rq:
        assert not rq.fts_articles
        assert [a.file for a in rq.articles(q="budget").items] == ["a2.txt"]


def test_quote_word_counts_only_order_the_work(tmp_path: Path) -> None:
    db = tmp_path / "counts.duckdb"
    _build(db)
    queries = ["assistance militaire", "ne nous", "aucune assist*", "militaire pont", "nous*"]
    with recoupe.open(db) as rq:
        assert rq._term_counts
        counted = [(p.total, [q.id for q in p.items]) for p in (rq.quotes(q=q) for q in queries)]
    with Store(db) as store:
        assert store.count("quote_term_counts") > 5
        store.con.execute("DROP TABLE quote_term_counts")
    with recoupe.open(db) as rq:
        assert not rq._term_counts
        assert [(p.total, [q.id for q in p.items]) for p in (rq.quotes(q=q) for q in queries)] == counted
    assert [n for n, _ in counted] == [1, 1, 1, 0, 1]
