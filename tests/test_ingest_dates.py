"""Dates: what readers give normalised to ISO; relative dates of the text resolved against publication."""

from __future__ import annotations

from datetime import date

import pytest

from recoupe.dates import normalise_date, resolve_relative_date


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("2025-03-14", "2025-03-14"),
        ("2025-03-14T23:30:00-05:00", "2025-03-14"),  # the outlet's day, never shifted to UTC
        ("2025-03-14 08:00", "2025-03-14"),
        ("2025-03", "2025-03"),
        ("20250314", "2025-03-14"),
        ("Fri, 14 Mar 2025 10:00:00 +0100", "2025-03-14"),
        ("Tue, 10 Jun 2003 04:00:00 GMT", "2003-06-10"),
        ("12 mars 2025", "2025-03-12"),
        ("1er avril 2025", "2025-04-01"),
        ("jeudi 12 mars 2025", "2025-03-12"),
        ("le 12 mars 2025 à 10h30", "2025-03-12"),
        ("12 Décembre 2024", "2024-12-12"),
        ("mars 2025", "2025-03"),
        ("12/03/2025", "2025-03-12"),  # French order: day first
        ("14 March 2025", "2025-03-14"),
        ("March 2025", "2025-03"),
        (date(2025, 3, 14), "2025-03-14"),
        ("2025", None),  # a year alone is not a publication date
        ("hier", None),  # relative: needs a base, see resolve_relative_date
        ("2025-13-01", None),
        ("Thu, 31 Feb 2025 10:00:00 GMT", None),
        ("", None),
        (None, None),
        ("n'importe quoi", None),
    ],
)
def test_normalise_date(raw: str | date | None, iso: str | None) -> None:
    assert normalise_date(raw) == iso


# 2025-03-14 is a Friday.
@pytest.mark.parametrize(
    ("expression", "resolved"),
    [
        ("jeudi", "2025-03-13"),
        ("vendredi", "2025-03-14"),  # said the day it was published
        ("samedi", "2025-03-08"),  # latest Saturday on or before publication
        ("mardi dernier", "2025-03-11"),
        ("vendredi dernier", "2025-03-07"),
        ("lundi prochain", "2025-03-17"),
        ("vendredi prochain", "2025-03-21"),
        ("jeudi soir", "2025-03-13"),
        ("Mercredi matin", "2025-03-12"),
        ("hier", "2025-03-13"),
        ("hier soir", "2025-03-13"),
        ("avant-hier", "2025-03-12"),
        ("aujourd'hui", "2025-03-14"),
        ("ce matin", "2025-03-14"),
        ("il y a trois jours", "2025-03-11"),
        ("le 3 mars", "2025-03-03"),
        ("12 mars 2024", "2024-03-12"),
        ("en février", "2025-02"),
        ("le président", None),
        ("3", None),
    ],
)
def test_resolve_relative_date(expression: str, resolved: str | None) -> None:
    assert resolve_relative_date(expression, "2025-03-14") == resolved


def test_resolve_relative_date_needs_a_publication_day() -> None:
    assert resolve_relative_date("jeudi", None) is None
    assert resolve_relative_date("jeudi", "2025-03") is None  # the month alone cannot place a weekday
    assert resolve_relative_date("jeudi", date(2025, 3, 14)) == "2025-03-13"
    assert resolve_relative_date("jeudi", "Fri, 14 Mar 2025 10:00:00 +0100") == "2025-03-13"


def test_readers_give_iso_dates(tmp_path) -> None:  # noqa: ANN001
    """JSONL's `published` with a time and a zone comes out as the day."""
    from recoupe.ingest import read_file
    from recoupe.settings import Settings

    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "Un article.", "published": "2025-03-11T23:30:00-05:00"}\n'
                    '{"text": "Un autre.", "published": "12 mars 2025"}\n', encoding="utf-8")
    docs = list(read_file(path, path.name, Settings()))
    assert [d.published for d in docs] == ["2025-03-11", "2025-03-12"]  # type: ignore[union-attr]
