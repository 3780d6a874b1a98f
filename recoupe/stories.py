"""Incremental story clustering (placeholder until issue 4 lands: one story per article)."""

from __future__ import annotations

from collections.abc import Sequence

from recoupe.model import Article, Passage, Story
from recoupe.settings import Settings


def assign_stories(
    articles: Sequence[Article],
    near_duplicates: Sequence[tuple[str, str, float]],
    passages: Sequence[Passage],
    settings: Settings,
    existing: Sequence[Story] = (),
) -> list[Story]:
    """Stories touched by these articles (each article joins one)."""
    return [
        Story(id=f"story-{a.id}", title=a.text.split(".")[0][:120], first_published=a.published,
              last_published=a.published, article_ids=[a.id])
        for a in articles
    ]
