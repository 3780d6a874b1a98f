"""Near-duplicate articles and reused passages (placeholder until issue 4 lands)."""

from __future__ import annotations

from collections.abc import Sequence

from recoupe.model import Article, Passage
from recoupe.settings import Settings


def near_duplicate_pairs(articles: Sequence[Article], settings: Settings) -> list[tuple[str, str, float]]:
    """Pairs of article ids sharing at least half their text, with their similarity."""
    return []


def reused_passages(articles: Sequence[Article], settings: Settings) -> list[Passage]:
    """Paragraphs shared verbatim or nearly by several articles."""
    return []
