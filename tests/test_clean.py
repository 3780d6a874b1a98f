"""Cleaning rules on real-style inputs, and its invariants (idempotence, offset map)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recoupe.clean import analysis_view, clean_article, clean_text, content_hash
from recoupe.model import RawDocument, RejectedInput

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "corpus"


def _raw(text: str, name: str = "a.txt") -> RawDocument:
    return RawDocument(file=name, source_path=name, text=text)


def test_date_prefix_becomes_published_and_leaves_the_text() -> None:
    text, _, _, _, published = clean_text(" date 2025-03-14 Le conseil municipal a voté mardi.")
    assert published == "2025-03-14"
    assert text == "Le conseil municipal a voté mardi."


def test_month_only_date_prefix() -> None:
    _, _, _, _, published = clean_text(" date 2025-06 Le président russe a indiqué jeudi.")
    assert published == "2025-06"


def test_no_date_prefix_means_no_date() -> None:
    text, _, _, _, published = clean_text("La date 2025-06 est dans le texte, pas au début.")
    assert published is None
    assert text.startswith("La date 2025-06")


def test_related_line_is_removed_and_names_the_outlet() -> None:
    raw = "Premier paragraphe du texte.\n\nRELATED Le Phare - Un autre titre : la suite\n\nSecond paragraphe."
    text, _, spans, outlet, _ = clean_text(raw)
    assert outlet == "Le Phare"
    assert "RELATED" not in text
    assert len(spans) == 2


def test_read_also_without_outlet_is_removed_but_names_nothing() -> None:
    text, _, _, outlet, _ = clean_text("Un texte.\n\nLire aussi : Foot amateur, les clubs cherchent des arbitres")
    assert outlet is None
    assert text == "Un texte."


def test_read_also_on_outlet_names_it() -> None:
    _, _, _, outlet, _ = clean_text("Un texte.\nLire aussi sur La Gazette du Val : les travaux du pont")
    assert outlet == "La Gazette du Val"


@pytest.mark.parametrize(
    ("line", "outlet"),
    [
        (
            "Abonnez-vous à la newsletter du Courrier de l’Estuaire pour recevoir l’essentiel.",
            "Le Courrier de l'Estuaire",
        ),
        ("Abonnez-vous au Journal des Monts pour lire toutes nos chroniques.", "Le Journal des Monts"),
        ("Abonnez-vous à Radio Causse : 4 euros par mois, sans engagement.", "Radio Causse"),
        ("Abonnez-vous à notre newsletter santé pour recevoir l’actualité.", None),
    ],
)
def test_subscription_lines_are_removed_and_may_name_the_outlet(line: str, outlet: str | None) -> None:
    text, _, _, found, _ = clean_text(f"Le texte de l’article.\n\n{line}")
    assert found == outlet
    assert text == "Le texte de l’article."


def test_line_broken_mid_sentence_is_joined_in_single_newline_file() -> None:
    raw = (
        "Les déclarations du ministère coïncident avec une nouvelle escalade des tensions sur la frontière\n"
        "par les deux camps, selon les observateurs.\n"
        "Un second paragraphe commence ici."
    )
    text, _, spans, _, _ = clean_text(raw)
    assert len(spans) == 2
    assert "frontière par les deux camps" in text


def test_short_heading_line_stays_its_own_paragraph() -> None:
    raw = (
        "Premier paragraphe terminé.\nMoscou : pas de demande d’aide militaire\n"
        "Plus tôt jeudi, le président a parlé."
    )
    _, _, spans, _, _ = clean_text(raw)
    assert len(spans) == 3


def test_broken_line_ending_on_a_function_word_is_joined_before_a_capital() -> None:
    raw = "Les travaux concernent les gares de Combe, Les Aubiers et\nMirebois-Gare. Ils débuteront à l’automne."
    text, _, spans, _, _ = clean_text(raw)
    assert len(spans) == 1
    assert "et Mirebois-Gare." in text


def test_paragraphs_found_alike_with_one_or_two_newlines() -> None:
    paras = ["Premier paragraphe, complet.", "« Une citation », a-t-il dit.", "Dernier paragraphe."]
    one, _, s1, _, _ = clean_text("\n".join(paras))
    two, _, s2, _, _ = clean_text("\n\n".join(paras))
    assert one == two
    assert len(s1) == len(s2) == 3


def test_blank_line_file_joins_single_newline_inside_a_paragraph() -> None:
    raw = "Le piquet bloque la sortie des\ncamions. Selon le syndicat, 80 % ont cessé.\n\nAutre paragraphe."
    text, _, spans, _, _ = clean_text(raw)
    assert len(spans) == 2
    assert "sortie des camions." in text


def test_cleaned_text_keeps_typographic_characters_and_analysis_view_normalises_them() -> None:
    raw = "Il a dit\u00a0: «\u00a0L’Iran ne demande rien\u202f».\n"
    text, _, _, _, _ = clean_text(raw)
    assert "L’Iran" in text and "\u00a0" in text
    view = analysis_view(text)
    assert len(view) == len(text)
    assert "L'Iran" in view and "\u00a0" not in view and "\u202f" not in view


def test_offset_map_points_back_to_the_original() -> None:
    raw = " date 2025-06 Premier paragraphe.\n\nRELATED X - y\n\nLe second est\ncoupé en deux."
    text, offsets, spans, _, _ = clean_text(raw)
    for start, end in spans:
        for i in range(start, end):
            if text[i] != " ":
                assert raw[offsets.to_original(i)] == text[i]


def test_seed_file_cleaning(tmp_path: Path) -> None:
    raw = (EXAMPLES / "002_bc7bfceb713a1ee6.txt").read_text(encoding="utf-8")
    art = clean_article(_raw(raw, "002.txt"))
    assert art.outlet == "TRT Global"
    assert art.published == "2025-06"
    assert "RELATED" not in art.text
    assert not art.text.startswith(" date")
    assert all(art.text[p.start : p.end] == p.text for p in art.paragraphs)
    assert len(art.paragraphs) == 9


def test_seed_broken_line_and_heading(tmp_path: Path) -> None:
    raw = (EXAMPLES / "000_e64d087233c4e9c9.txt").read_text(encoding="utf-8")
    art = clean_article(_raw(raw, "000.txt"))
    assert art.outlet is None  # RT is the interviewing channel, not the outlet
    assert "de la guerre par ‘Israël’" in art.text
    headings = [p.text for p in art.paragraphs if p.text.startswith("Poutine : ")]
    assert len(headings) == 1 and headings[0].endswith("à la Russie")


def test_only_boilerplate_is_rejected() -> None:
    with pytest.raises(RejectedInput, match="no article text"):
        clean_article(_raw("RELATED Le Phare - titre\n\nAbonnez-vous à Le Phare pour tout lire."))


def test_content_hash_ignores_typography_and_spacing() -> None:
    assert content_hash("L’Iran  ne\u00a0demande rien.") == content_hash("L'Iran ne demande rien.")
    assert content_hash("L'Iran ne demande rien.") != content_hash("L'Iran demande tout.")


_PIECES = list("abcdeéàLMR .,:;!?«»\"’'-\u00a0\n\r\t") + ["RELATED ", " date 2025-01 ", "Lire aussi ", "Abonnez-vous "]
_LINE = st.lists(st.sampled_from(_PIECES), max_size=80).map("".join)


@settings(max_examples=300, deadline=None)
@given(_LINE)
def test_cleaning_is_idempotent(raw: str) -> None:
    once, _, _, _, _ = clean_text(raw)
    twice, _, _, _, _ = clean_text(once)
    assert twice == once


@settings(max_examples=300, deadline=None)
@given(_LINE)
def test_offset_map_invariant(raw: str) -> None:
    text, offsets, spans, _, _ = clean_text(raw)
    for start, end in spans:
        assert text[start:end].strip() == text[start:end]
        for i in range(start, end):
            if text[i] != " ":
                assert raw[offsets.to_original(i)] == text[i]
