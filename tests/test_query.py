"""recoupe.open(): typed read-only queries over a database built from the gold sets."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

import recoupe
from recoupe.query import QueryError, Recoupe

PUTIN = "L'Iran ne nous demande aucune assistance militaire"


@pytest.fixture()
def seeds(gold_seeds_db: Path) -> Recoupe:
    with recoupe.open(gold_seeds_db) as db:
        yield db  # type: ignore[misc]


@pytest.fixture()
def dev(gold_dev_db: Path) -> Recoupe:
    with recoupe.open(gold_dev_db) as db:
        yield db  # type: ignore[misc]


def test_seed_story_has_both_articles_and_the_shared_putin_quote(seeds: Recoupe) -> None:
    [story] = seeds.stories().items
    assert (story.id, story.n_articles, story.n_outlets, story.outlets) == ("seed-S01", 2, 2, ["TRT Global"])
    detail = seeds.story("seed-S01")
    assert detail is not None
    assert [c.outlet for c in detail.columns] == ["TRT Global", None]
    shared = [p for c in detail.columns for a in c.articles for p in a.paragraphs if p.shared]
    assert len(shared) >= 6  # the three Poutine paragraphs, in each article
    putin = [q for q in detail.quotes if q.text == PUTIN]
    assert len(putin) == 1 and putin[0].n_outlets == 2 and not putin[0].single_source
    assert putin[0].speaker == "Vladimir Poutine"
    assert {o.file for o in putin[0].occurrences} == {"000_e64d087233c4e9c9.txt", "002_bc7bfceb713a1ee6.txt"}
    assert detail.quotes[0].n_outlets == 2  # most outlets first


def test_paragraph_segments_rebuild_the_text_and_mark_quotes(seeds: Recoupe) -> None:
    detail = seeds.story("seed-S01")
    assert detail is not None
    for col in detail.columns:
        for art in col.articles:
            for p in art.paragraphs:
                assert "".join(s.text for s in p.segments) == p.text
    marked = [s for c in detail.columns for a in c.articles for p in a.paragraphs for s in p.segments if s.quote_id]
    assert any(s.text in (PUTIN, PUTIN.replace("'", "’")) and s.n_outlets == 2 for s in marked)


def test_speaker_by_alias_with_timeline(seeds: Recoupe) -> None:
    sp = seeds.speaker("poutine")
    assert sp is not None and sp.speaker.name == "Vladimir Poutine"
    assert sp.speaker.n_quotes == len(sp.quotes.items) == sp.quotes.total == 5
    assert sum(p.n for p in sp.timeline) == 5 and {p.outlet for p in sp.timeline} == {"TRT Global"}
    assert seeds.speaker("Personne Inconnue") is None


def test_quote_filters(dev: Recoupe) -> None:
    everything = dev.quotes(limit=500)
    assert everything.total == len(everything.items) > 50
    multi = dev.quotes(min_outlets=2, limit=500)
    assert 0 < multi.total < everything.total and all(q.n_outlets >= 2 for q in multi.items)
    outlet = dev.quotes(outlet="Info Rivages", limit=500)
    assert outlet.total and all("Info Rivages" in q.outlets for q in outlet.items)
    story = dev.quotes(story="dev-S01", limit=500)
    assert story.total and all("dev-S01" in q.story_ids for q in story.items)
    dated = dev.quotes(date_from="2025-03-13", date_to="2025-03-14", limit=500)
    assert dated.total and all(
        any(o.published and "2025-03-13" <= o.published <= "2025-03-14" for o in q.occurrences) for q in dated.items
    )
    page = dev.quotes(limit=5, offset=5)
    assert page.total == everything.total and [q.id for q in page.items] == [q.id for q in everything.items[5:10]]
    speaker = dev.speakers(limit=1).items[0]
    assert dev.quotes(speaker=speaker.name, limit=500).total == speaker.n_quotes


def test_text_search_ignores_case_accents_and_typography(seeds: Recoupe) -> None:
    hits = seeds.search("ASSISTANCE militaire")
    assert [q.text for q in hits.quotes.items] == [PUTIN]
    assert hits.articles.total == 2
    assert seeds.quotes(q="l’iran ne nous dem*").total == 1
    assert seeds.quotes(q="l’iran ne nous dem").total == 0  # whole words, unless written with a final *
    assert seeds.quotes(q="militair*").total == 1 and seeds.quotes(q="ilitaire*").total == 0
    assert seeds.quotes(q="« ! »").total == 0
    assert seeds.search("50%_\\").quotes.total == 0  # LIKE wildcards are taken literally


def test_articles_passages_and_bad_pages(dev: Recoupe) -> None:
    arts = dev.articles(limit=500)
    assert arts.total == 24
    art = dev.article(arts.items[0].id)
    assert art is not None and art.paragraphs
    assert dev.article("nope") is None and dev.story("nope") is None and dev.quote("nope") is None
    passages = dev.passages(limit=500)
    assert all(len(p.occurrences) >= 2 for p in passages.items)
    with pytest.raises(QueryError, match="limit"):
        dev.quotes(limit=0)
    with pytest.raises(QueryError, match="offset"):
        dev.articles(offset=-1)


def test_open_is_read_only_and_explains_missing_or_old_databases(gold_seeds_db: Path, tmp_path: Path) -> None:
    with recoupe.open(gold_seeds_db) as db, pytest.raises(duckdb.Error):
        db._con.execute("DELETE FROM articles")
    with pytest.raises(FileNotFoundError, match="recoupe analyze"):
        recoupe.open(tmp_path / "missing.duckdb")
    duckdb.connect(str(tmp_path / "empty.duckdb")).close()
    with pytest.raises(QueryError, match="recoupe analyze"):
        recoupe.open(tmp_path / "empty.duckdb")


def test_close_closes_the_cursors_of_other_threads(gold_seeds_db: Path) -> None:
    import threading

    from recoupe.query import QueryError
    from recoupe.query import open as open_db

    db = open_db(gold_seeds_db)
    before = len(db._cursors)
    seen: list[object] = []
    t = threading.Thread(target=lambda: seen.append(db.stories()))
    t.start()
    t.join()
    assert seen and len(db._cursors) == before + 1
    db.close()
    assert db._cursors == []
    with pytest.raises(QueryError, match="closed"):
        db.stories()
