"""Quality gate: quotation extraction scored by ../shared/eval/score.py on the dev and seed gold sets.

The floors are what the extractor measured when they were pinned; a change that lowers one fails here
instead of passing silently. Raise them when the extractor improves, never lower them without saying why.
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import asdict
from pathlib import Path

import pytest

from recoupe.clean import clean_article
from recoupe.model import RawDocument
from recoupe.quotes import find_quotes, merge_speakers

FLOORS = {
    "dev": {
        "quote_f1": 0.99,
        "speaker_accuracy": 0.98,
        "speaker_canonical_accuracy": 0.98,
        "indirect_f1": 0.99,
    },
    "seeds": {
        "quote_f1": 1.0,
        "speaker_accuracy": 1.0,
        "speaker_canonical_accuracy": 1.0,
        "indirect_f1": 1.0,
    },
}


def _score_module(shared_eval: Path):  # noqa: ANN202
    spec = importlib.util.spec_from_file_location("recoupe_eval_score", shared_eval / "score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _export(gold_dir: Path, out: Path, nlp) -> None:  # noqa: ANN001
    arts = []
    for p in sorted((gold_dir / "articles").glob("*.txt")):
        arts.append(clean_article(RawDocument(file=p.name, source_path=str(p), text=p.read_text(encoding="utf-8"))))
    _, quotes = merge_speakers(find_quotes(arts, nlp))
    out.mkdir(parents=True, exist_ok=True)
    with (out / "quotes.jsonl").open("w", encoding="utf-8") as f:
        for q in quotes:
            f.write(json.dumps(asdict(q), ensure_ascii=False) + "\n")
    with (out / "articles.jsonl").open("w", encoding="utf-8") as f:
        for a in arts:
            row = {"file": a.file, "outlet": a.outlet, "published": a.published, "story": a.file,
                   "near_duplicates": []}
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


@pytest.mark.parametrize("gold", ["dev", "seeds"])
def test_quote_scores_hold_their_floors(gold: str, shared_eval: Path, nlp, tmp_path: Path) -> None:  # noqa: ANN001
    gold_dir = shared_eval / gold
    if not (gold_dir / "gold.jsonl").exists():
        pytest.skip(f"{gold_dir} has no gold.jsonl")
    _export(gold_dir, tmp_path / gold, nlp)
    m = _score_module(shared_eval).score(gold_dir, tmp_path / gold)
    for metric, floor in FLOORS[gold].items():
        assert m[metric] >= floor, f"{gold}: {metric} {m[metric]:.3f} fell below its floor {floor}"
    assert m["false_quotes_from_not_quotes"] == 0, f"{gold}: scare quotes or titles taken as quotations"
