"""Exact duplicates, near-duplicates (MinHash + LSH, verified exactly) and reused passages."""

from __future__ import annotations

import itertools
import json
import random
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from recoupe.clean import clean_article
from recoupe.dedup import article_words, fold, near_duplicate_pairs, normalise, reused_passages, words
from recoupe.minhash import band_keys, shingle_hashes, signatures, text_word_hashes
from recoupe.model import Article, RawDocument
from recoupe.settings import Settings, SettingsError

_RNG = random.Random(7)
_LEXICON = [
    "".join(_RNG.choice("bcdfglmnprstv") + _RNG.choice(["a", "e", "i", "o", "ou", "é", "an"]) for _ in range(3))
    for _ in range(3000)
]


def _words(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [rng.choice(_LEXICON) for _ in range(n)]


def _paragraphs(words: list[str], size: int = 40) -> str:
    return "\n\n".join(" ".join(words[i : i + size]).capitalize() + "." for i in range(0, len(words), size))


def _article(file: str, text: str, published: str | None = None, order: int = 0) -> Article:
    prefix = f" date {published} " if published else ""
    return clean_article(RawDocument(file=file, source_path=file, text=prefix + text), order=order)


def _shingles(art: Article, k: int = 5) -> set[tuple[str, ...]]:
    w = article_words(art)
    return {tuple(w[i : i + k]) for i in range(max(1, len(w) - k + 1))}


def _exact(a: Article, b: Article) -> float:
    sa, sb = _shingles(a), _shingles(b)
    inter = len(sa & sb)
    return min(inter / len(sa), inter / len(sb))


# -- exact duplicates --------------------------------------------------------------------------


def test_exact_duplicate_is_recorded_in_manifest_and_export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import recoupe.pipeline as pipeline
    from recoupe.export import export_run
    from recoupe.store import Store

    monkeypatch.setattr(pipeline, "extract_quotes", lambda *a, **k: ([], []))
    corpus = tmp_path / "in"
    corpus.mkdir()
    body = _paragraphs(_words(200, 1))
    (corpus / "a.txt").write_text(" date 2025-03-01 " + body.replace("'", "’"), encoding="utf-8")
    (corpus / "b.txt").write_text(" date 2025-03-01  " + body.replace("\n\n", "\n\n\n") + "\n", encoding="utf-8")
    (corpus / "c.txt").write_text(_paragraphs(_words(200, 2)), encoding="utf-8")
    with Store(tmp_path / "x.duckdb") as store:
        report = pipeline.run(corpus, Settings(), store=store)
        export_run(store, report.inputs, tmp_path / "out")
    status = {r.file: r.status for r in report.inputs}
    assert status == {"a.txt": "accepted", "b.txt": "duplicate", "c.txt": "accepted"}
    assert len(report.articles) == 2  # analysed once
    rows = {r["file"]: r for r in map(json.loads, (tmp_path / "out/articles.jsonl").read_text().splitlines())}
    assert rows["a.txt"]["near_duplicates"] == ["b.txt"]
    assert rows["b.txt"]["near_duplicates"] == ["a.txt"]
    assert rows["c.txt"]["near_duplicates"] == []


# -- near-duplicates ---------------------------------------------------------------------------


def test_near_duplicate_threshold_both_sides() -> None:
    base = _words(400, 10)
    fresh = _words(400, 11)
    a = _article("a", _paragraphs(base))
    above = _article("above", _paragraphs(base[:240] + fresh[:160]))  # ~0.59 of each shared
    below = _article("below", _paragraphs(base[:160] + _words(240, 13)))  # ~0.39 of each shared
    longer = _article("longer", _paragraphs(base + _words(500, 12)))  # all of a, but under half of itself
    pairs = {frozenset((x, y)): s for x, y, s in near_duplicate_pairs([a, above, below, longer], Settings())}
    files = {art.id: art.file for art in (a, above, below, longer)}
    found = {frozenset(files[i] for i in p): s for p, s in pairs.items()}
    assert frozenset(("a", "above")) in found
    assert found[frozenset(("a", "above"))] == pytest.approx(_exact(a, above), abs=1e-4)
    assert _exact(a, above) >= 0.5 > _exact(a, below)
    assert frozenset(("a", "below")) not in found
    assert frozenset(("a", "longer")) not in found  # containment must hold in both directions
    assert frozenset(("above", "below")) not in found


def test_boilerplate_paragraphs_do_not_make_near_duplicates() -> None:
    furniture = "\n\nAbonnez-vous à La Gazette du Val pour lire tous nos articles et recevoir nos alertes." * 1
    a = _article("a", _paragraphs(_words(60, 20)) + furniture * 3)
    b = _article("b", _paragraphs(_words(60, 21)) + furniture * 3)
    assert near_duplicate_pairs([a, b], Settings()) == []


def test_no_false_positive_from_banding_and_agrees_with_brute_force() -> None:
    # loose banding (1 row per band) proposes many candidates; every pair kept must pass the exact check
    loose = Settings(lsh_bands=32, lsh_rows=1)
    rng = random.Random(3)
    arts: list[Article] = []
    for n in range(40):
        base = _words(300, 100 + n % 8)
        cut = rng.randint(60, 300)
        arts.append(_article(f"d{n}", _paragraphs(base[:cut] + _words(300 - cut, 1000 + n)), order=n))
    found = {(a, b): s for a, b, s in near_duplicate_pairs(arts, loose)}
    by_id = {a.id: a for a in arts}
    for (a, b), s in found.items():
        assert s == pytest.approx(_exact(by_id[a], by_id[b]), abs=1e-4)
        assert s >= loose.near_duplicate_threshold
    brute = {
        tuple(sorted((x.id, y.id)))
        for x, y in itertools.combinations(arts, 2)
        if _exact(x, y) >= loose.near_duplicate_threshold
    }
    assert brute, "the corpus should contain near-duplicates"
    assert set(found) == brute
    assert set(near_duplicate_pairs(arts, Settings())) == set(near_duplicate_pairs(arts, Settings()))


def test_empty_and_tiny_inputs() -> None:
    assert near_duplicate_pairs([], Settings()) == []
    one = _article("one", "Un seul mot.")
    assert near_duplicate_pairs([one], Settings()) == []
    assert reused_passages([one], Settings()) == []


def test_lsh_settings_are_validated() -> None:
    with pytest.raises(SettingsError, match="lsh_rows"):
        Settings(lsh_bands=64, lsh_rows=3)


@hsettings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(_LEXICON[:200]), min_size=1, max_size=300))
def test_a_document_is_its_own_near_duplicate_at_similarity_one(words: list[str]) -> None:
    art = _article("a", _paragraphs(words))
    twin = replace(art, id="twin-" + art.id, file="twin")
    pairs = near_duplicate_pairs([art, twin], Settings())
    assert pairs == [tuple(sorted((art.id, twin.id))) + (1.0,)]


@hsettings(max_examples=40, deadline=None)
@given(st.text(max_size=300), st.integers(1, 6))
def test_fingerprints_are_stable_and_match_the_words(text: str, k: int) -> None:
    folded = fold(text)
    wh, bounds = text_word_hashes([folded])
    assert len(wh) == len(words(text))  # the vectorised tokenizer finds exactly the documented words
    again, _ = text_word_hashes(["unrelated text first", folded])  # a document's position changes nothing
    assert np.array_equal(again[-len(wh) :] if len(wh) else again[:0], wh)
    w = words(text)
    for i, j in itertools.combinations(range(min(len(w), 30)), 2):
        assert (wh[i] == wh[j]) == (w[i] == w[j])

    def fingerprint() -> np.ndarray:
        h, doc_of = shingle_hashes(text_word_hashes([folded])[0], np.array([0, len(wh)]), k)
        return band_keys(signatures(h, doc_of, 1, 64), 16, 4)

    assert np.array_equal(fingerprint(), fingerprint())


# -- passages ----------------------------------------------------------------------------------


def test_passages_group_every_occurrence_with_the_earliest_first_seen() -> None:
    shared = (
        "« Nous ne fermerons pas la ligne tant qu'il restera des voyageurs », a déclaré la présidente "
        "de l'agglomération devant une centaine d'usagers réunis à la gare."
    )
    typo = shared.replace("'", "’").replace("« ", "«\u00a0").replace(" »", "\u00a0»")
    x = _article("x.txt", _paragraphs(_words(80, 30)) + "\n\n" + shared, "2025-03-02", order=0)
    y = _article("y.txt", typo + "\n\n" + _paragraphs(_words(80, 31)), "2025-03-01", order=1)
    z = _article("z.txt", _paragraphs(_words(80, 32)) + "\n\n" + shared.replace("centaine", "soixantaine"), order=2)
    w = _article("w.txt", _paragraphs(_words(120, 33)), "2025-02-01", order=3)
    passages = reused_passages([x, y, z, w], Settings())
    assert len(passages) == 1
    p = passages[0]
    assert sorted(o.file for o in p.occurrences) == ["x.txt", "y.txt", "z.txt"]
    first = [o for o in p.occurrences if o.first_seen]
    assert [o.file for o in first] == ["y.txt"]  # earliest date, though last in input order but one
    assert p.text == typo  # the first-seen occurrence's own characters
    assert normalise(p.text) == normalise(shared)


def test_passage_first_seen_falls_back_to_input_order() -> None:
    shared = "Le conseil municipal a voté la rénovation complète de la halle du marché pour un coût de deux millions."
    a = _article("a", _paragraphs(_words(50, 40)) + "\n\n" + shared, order=5)
    b = _article("b", shared + "\n\n" + _paragraphs(_words(50, 41)), order=2)
    (p,) = reused_passages([a, b], Settings())
    assert [o.file for o in p.occurrences if o.first_seen] == ["b"]


def test_short_and_boilerplate_paragraphs_are_not_passages() -> None:
    short = "Décision le 14 avril."
    furniture = "Abonnez-vous à La Gazette du Val pour lire tous nos articles et recevoir nos alertes en temps réel."
    a = _article("a", "\n\n".join([_paragraphs(_words(50, 50)), short, furniture]))
    b = _article("b", "\n\n".join([_paragraphs(_words(50, 51)), short, furniture]))
    assert reused_passages([a, b], Settings()) == []


def test_different_paragraphs_on_the_same_subject_are_not_passages() -> None:
    a = _article("a", _paragraphs(_words(120, 60)))
    b = _article("b", _paragraphs(_words(60, 60)[:20] + _words(100, 61)))
    assert reused_passages([a, b], Settings()) == []
