"""Invariants of find_quotes on generated texts: offsets index the cleaned text, spans are stripped."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recoupe.clean import clean_article
from recoupe.model import RawDocument, RejectedInput
from recoupe.quotes import find_quotes, merge_speakers

PIECES = ["«", "»", "“", "”", '"', "‘", "’", " ", "\n", "\n\n", "\u00a0", "\u202f", ", a-t-il dit,", ":", ".",
          ", a déclaré M. Paul Durand.", "Selon lui,", "Et d'ajouter :", "Le maire", "Marie Curie", "qu'il",
          "a indiqué que", "l'a annoncé", "Mme", "(ABC)", "la direction", "Elle", "Nous irons", "baptisé",
          "pour", "a salué", "une source", "X.", "…", "!"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=40))
def test_offsets_and_stripping_hold(nlp, pieces: list[str]) -> None:  # noqa: ANN001
    try:
        art = clean_article(RawDocument(file="g.txt", source_path="g.txt", text=" ".join(pieces)))
    except RejectedInput:
        return
    quotes = find_quotes([art], nlp)
    for q in quotes:
        assert art.text[q.start : q.end] == q.text
        assert q.text and q.text == q.text.strip(" \n\u00a0\u202f")
        assert q.kind in ("direct", "indirect")
    _, merged = merge_speakers(quotes)
    assert [(q.start, q.end) for q in merged] == [(q.start, q.end) for q in quotes]
