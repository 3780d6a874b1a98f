"""Language of each article (lingua), so that language-specific stages run only where they apply."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from recoupe.model import Article

__all__ = ["CANDIDATE_LANGUAGES", "detect_language", "detect_languages"]

# ISO 639-1 codes the detector chooses among: French and the languages a French news crawl meets most.
# Fewer candidates make lingua faster and surer; a text in another language gets the nearest of these
# or None.
CANDIDATE_LANGUAGES: tuple[str, ...] = ("fr", "en", "de", "es", "it", "pt", "nl")
_SAMPLE_CHARS = 3000
_MIN_LETTERS = 20
_CODE = re.compile(r"^\s*([A-Za-z]{2})(?:[-_][A-Za-z0-9]+)*\s*$")


@lru_cache(maxsize=1)
def _detector() -> Any:
    """The lingua detector, built once on first use."""
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in CANDIDATE_LANGUAGES]
    return LanguageDetectorBuilder.from_languages(*languages).with_minimum_relative_distance(0.1).build()


def _sample(text: str) -> str | None:
    sample = text[:_SAMPLE_CHARS]
    if sum(c.isalpha() for c in sample) < _MIN_LETTERS:
        return None
    return sample


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the language of `text`, or None when too short or undecided."""
    return _detect_many([text])[0]


def _detect_many(texts: Sequence[str]) -> list[str | None]:
    samples = [_sample(t) for t in texts]
    todo = [s for s in samples if s is not None]
    if not todo:
        return [None] * len(texts)
    found = iter(_detector().detect_languages_in_parallel_of(todo))
    out: list[str | None] = []
    for s in samples:
        lang = next(found) if s is not None else None
        out.append(None if lang is None else lang.iso_code_639_1.name.lower())
    return out


def _declared(language: str | None) -> str | None:
    """A declared language as ISO 639-1 ("fr-FR", "FR" -> "fr"); None when it is not a code (then detected)."""
    m = _CODE.match(language or "")
    return m.group(1).lower() if m else None


def detect_languages(articles: Sequence[Article], supported: Sequence[str] = ("fr",)) -> list[str]:
    """Set `Article.language` (ISO 639-1) where a reader did not; return notes on unsupported languages.

    A language code given by the input (a JSONL `language` field, "fr" or "fr-FR") is kept, as its two
    letters; detection fills the rest.
    """
    for a in articles:
        a.language = _declared(a.language)
    todo = [a for a in articles if not a.language]
    for article, lang in zip(todo, _detect_many([a.analysis_text for a in todo]), strict=True):
        article.language = lang
    skipped = [a for a in articles if a.language and a.language not in supported]
    if not skipped:
        return []
    by_lang = Counter(a.language for a in skipped)
    langs = ", ".join(f"{lang} ({n})" for lang, n in sorted(by_lang.items()))
    files = ", ".join(a.file for a in skipped[:10]) + (", …" if len(skipped) > 10 else "")
    return [
        f"quotes not extracted from {len(skipped)} article(s) in a language the quote rules do not support "
        f"({langs}; supported: {', '.join(supported)}): {files}"
    ]
