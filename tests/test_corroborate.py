"""Corroboration: one record per quotation across articles, with outlets, variants and first seen."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from recoupe.corroborate import (
    ArticleInfo,
    corroborate,
    corroborate_corpus,
    normalise_words,
    same_quotation,
    search_key,
    word_diff,
)
from recoupe.model import Quote, Speaker

PUTIN = "L’Iran ne nous demande aucune assistance militaire"
PUTIN_STRAIGHT = "L'Iran ne nous demande aucune assistance militaire"
LONG = (
    "Il n'y a pas de clause de défense dans l'accord de partenariat stratégique, "
    "et nos amis iraniens ne la demandent pas non plus"
)


def _q(article: str, text: str, speaker: str | None = "Vladimir Poutine", kind: str = "direct",
       mention: str | None = "Poutine") -> Quote:
    return Quote(article, f"{article}.txt", kind, text, 10, 10 + len(text), speaker, mention, "a déclaré")  # type: ignore[arg-type]


ARTICLES: dict[str, ArticleInfo] = {
    "a": ("a.txt", None, None, "s1", 0),
    "b": ("b.txt", "TRT Global", "2025-06", "s1", 1),
    "c": ("c.txt", "Info Rivages", "2025-06-20", "s1", 2),
    "d": ("d.txt", "TRT Global", "2025-06-21", "s2", 3),
}


def test_typography_variants_are_one_quote_carried_by_two_outlets() -> None:
    [rec] = corroborate([_q("a", PUTIN), _q("b", PUTIN_STRAIGHT)], ARTICLES)
    assert rec.n_outlets == 2 and not rec.single_source
    assert rec.outlets == ["TRT Global"]  # the other outlet is unknown, yet a separate source
    # first seen: the dated article wins over the undated one
    assert (rec.first_published, rec.first_outlet, rec.first_file) == ("2025-06", "TRT Global", "b.txt")
    assert rec.text == PUTIN_STRAIGHT
    assert [o.text for o in rec.occurrences] == [PUTIN_STRAIGHT, PUTIN]
    [variant] = rec.variants
    assert variant.text == PUTIN and variant.typography_only
    assert all(d.op == "equal" for d in variant.diff)


def test_a_cut_and_a_small_edit_join_the_same_quote_with_word_diffs() -> None:
    cut = "nos amis iraniens ne la demandent pas non plus"
    edited = LONG.replace("nos amis iraniens", "nos partenaires iraniens")
    [rec] = corroborate([_q("b", LONG), _q("c", cut), _q("d", edited)], ARTICLES)
    assert len(rec.occurrences) == 3
    assert rec.n_outlets == 2  # TRT Global twice, Info Rivages once
    by_text = {v.text: v for v in rec.variants}
    assert not by_text[cut].typography_only
    assert ("delete", "Il n'y a pas de clause de défense dans l'accord de partenariat stratégique, et", "") in [
        (d.op, d.earliest, d.variant) for d in by_text[cut].diff
    ]
    assert ("replace", "amis", "partenaires") in [(d.op, d.earliest, d.variant) for d in by_text[edited].diff]


def test_different_quotes_stay_apart_and_short_ones_only_match_exactly() -> None:
    recs = corroborate(
        [_q("a", PUTIN), _q("b", LONG), _q("c", "un premier pas"), _q("d", "un premier pas vers la paix")], ARTICLES
    )
    assert len(recs) == 4
    assert all(r.single_source for r in recs)


def test_indirect_speech_and_unknown_articles_are_left_out() -> None:
    recs = corroborate([_q("a", PUTIN, kind="indirect"), _q("zz", PUTIN)], ARTICLES)
    assert recs == []


def test_speaker_conflict_is_flagged_and_majority_wins() -> None:
    [rec] = corroborate(
        [_q("b", LONG), _q("c", LONG), _q("d", LONG, speaker="Dmitri Peskov")], ARTICLES
    )
    assert rec.speaker == "Vladimir Poutine" and rec.speaker_conflict
    assert rec.speakers == ["Dmitri Peskov", "Vladimir Poutine"]


def test_speaker_summary_counts_and_dates() -> None:
    records, speakers = corroborate_corpus(
        [_q("a", PUTIN), _q("b", PUTIN_STRAIGHT), _q("c", LONG, mention="le président russe"),
         _q("d", "Nous ne voulons pas envisager ce scénario", speaker="Dmitri Peskov", mention="il")],
        ARTICLES,
        [Speaker("Vladimir Poutine", ["Vladimir Poutine"], ["président de la Russie"])],
    )
    assert len(records) == 3
    by = {s.name: s for s in speakers}
    putin = by["Vladimir Poutine"]
    assert (putin.n_quotes, putin.n_occurrences, putin.n_outlets) == (2, 3, 3)
    assert (putin.first_seen, putin.last_seen) == ("2025-06", "2025-06-20")
    assert putin.roles == ["président de la Russie"]
    assert putin.aliases == ["Vladimir Poutine", "Poutine", "le président russe"]
    assert by["Dmitri Peskov"].aliases == []  # pronouns are not aliases


def test_same_quotation_rules() -> None:
    assert same_quotation(normalise_words(PUTIN), normalise_words(PUTIN_STRAIGHT.upper()))
    assert not same_quotation(normalise_words(PUTIN), normalise_words(LONG))
    assert search_key("L’Économie « va mal »") == "l economie va mal"
    assert [d.op for d in word_diff("a b c", "a x c")] == ["equal", "replace", "equal"]


@given(st.lists(st.sampled_from([PUTIN, PUTIN_STRAIGHT, LONG, "un premier pas", "Nous irons jusqu'au bout"]),
                min_size=1, max_size=8))
def test_every_direct_quote_lands_in_exactly_one_record(texts: list[str]) -> None:
    arts = list(ARTICLES)
    quotes = [_q(arts[i % len(arts)], t) for i, t in enumerate(texts)]
    recs = corroborate(quotes, ARTICLES)
    assert sum(len(r.occurrences) for r in recs) == len(quotes)
    assert len({r.id for r in recs}) == len(recs)
    for r in recs:
        assert r.single_source == (r.n_outlets == 1)
