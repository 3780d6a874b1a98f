"""Synthetic French-like corpus with known duplicate and story structure (speed and scale only).

    python benchmarks/make_corpus.py N [--out DIR] [--seed S]

Each story has its own names, figures and date; its articles are a wire dispatch, rewrites of it
(a few words changed, a new lead: near-duplicates), articles that copy two of its paragraphs into
new text (reused passages, not near-duplicates) and fresh reports on the same event. Words come
from a Zipf-distributed pseudo-French vocabulary. Never use it for quality claims: the text is not
French, only shaped like it. Prints the ratio of near-duplicate pairs to articles last.
"""

from __future__ import annotations

import argparse
import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from recoupe.clean import clean_article
from recoupe.model import Article, RawDocument

_SYLLABLES = [c + v for c in "bcdfglmnprstv" for v in ["a", "e", "i", "o", "ou", "é", "an", "on", "er", "ai"]]
_FUNCTION = "le la les de des du un une et à au en pour par sur dans que qui a est ont avec".split()


@dataclass(slots=True)
class Corpus:
    """Generated articles and the structure they were built with."""

    articles: list[Article]
    story_of: dict[str, int] = field(default_factory=dict)  # article id -> story number
    near_duplicates: set[tuple[str, str]] = field(default_factory=set)  # (id_a, id_b), id_a < id_b
    passage_pairs: set[tuple[str, str]] = field(default_factory=set)


def _vocabulary(rng: np.random.Generator, size: int) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        n = int(rng.integers(2, 5))
        words.add("".join(_SYLLABLES[i] for i in rng.integers(0, len(_SYLLABLES), n)))
    return sorted(words)


class _Writer:
    def __init__(self, rng: np.random.Generator, vocab_size: int = 30000) -> None:
        self.rng = rng
        self.vocab = _vocabulary(rng, vocab_size)
        ranks = np.arange(1, vocab_size + 1, dtype=np.float64)
        p = 1.0 / ranks**1.05
        self.cdf = np.cumsum(p / p.sum())

    def sentence(self, names: list[str], figures: list[str], n_words: int) -> str:
        rng = self.rng
        idx = np.minimum(np.searchsorted(self.cdf, rng.random(n_words)), len(self.vocab) - 1)
        words = [self.vocab[i] for i in idx]
        for k in range(0, n_words, 4):
            words[k] = _FUNCTION[int(rng.integers(0, len(_FUNCTION)))]
        words[int(rng.integers(1, n_words))] = names[int(rng.integers(0, len(names)))]
        if rng.random() < 0.5:
            words[int(rng.integers(1, n_words))] = figures[int(rng.integers(0, len(figures)))]
        return " ".join(words).capitalize() + "."

    def paragraph(self, names: list[str], figures: list[str]) -> str:
        return " ".join(self.sentence(names, figures, int(self.rng.integers(12, 22))) for _ in range(2))

    def rewrite(self, paragraph: str, rate: float) -> str:
        words = paragraph.split()
        for k in range(len(words)):
            if self.rng.random() < rate:
                words[k] = self.vocab[int(self.rng.integers(0, 2000))]
        return " ".join(words)


def make_corpus(n: int, seed: int = 0, start: date = date(2025, 1, 1), per_day: int = 300) -> Corpus:
    """About `n` articles in stories of 1-6 articles, `per_day` articles a day from `start`."""
    rng = np.random.default_rng(seed)
    w = _Writer(rng)
    raws: list[tuple[RawDocument, int, str, str | None]] = []  # (doc, story, role, copied-from file)
    story = 0
    while len(raws) < n:
        day = start + timedelta(days=len(raws) // per_day)
        names = ["".join(_SYLLABLES[i] for i in rng.integers(0, len(_SYLLABLES), 3)).capitalize() for _ in range(4)]
        figures = [str(int(rng.integers(10, 99999))) for _ in range(3)]
        base = [w.paragraph(names, figures) for _ in range(int(rng.integers(6, 10)))]
        size = int(rng.choice([1, 1, 2, 3, 4, 6]))
        for k in range(size):
            when = (day + timedelta(days=int(rng.integers(0, 2)))).isoformat()
            if k == 0:
                role, paras = "wire", base
            else:
                role = str(rng.choice(["rewrite", "copy", "fresh"], p=[0.4, 0.3, 0.3]))
                if role == "rewrite":
                    paras = [w.paragraph(names, figures)] + [w.rewrite(p, 0.02) for p in base[1:]]
                elif role == "copy":
                    fresh = [w.paragraph(names, figures) for _ in range(int(rng.integers(6, 10)))]
                    picks = sorted(rng.choice(len(base), 2, replace=False).tolist())
                    paras = fresh[:2] + [base[i] for i in picks] + fresh[2:]
                else:
                    paras = [w.paragraph(names, figures) for _ in range(int(rng.integers(5, 9)))]
            file = f"{len(raws):06d}.txt"
            text = f" date {when} " + "\n\n".join(paras) + "\n"
            raws.append((RawDocument(file=file, source_path=file, text=text), story, role, None))
            if len(raws) >= n:
                break
        story += 1
    corpus = Corpus(articles=[])
    wire_of: dict[int, list[tuple[str, str]]] = {}
    for order, (doc, st, role, _) in enumerate(raws):
        art = clean_article(doc, order=order)
        corpus.articles.append(art)
        corpus.story_of[art.id] = st
        wire_of.setdefault(st, []).append((art.id, role))
    for members in wire_of.values():
        dupes = sorted(a for a, role in members if role in ("wire", "rewrite"))
        corpus.near_duplicates.update(itertools.combinations(dupes, 2))
        copies = [a for a, role in members if role in ("copy", "rewrite")]
        wires = [a for a, role in members if role == "wire"]
        corpus.passage_pairs.update(tuple(sorted((c, x))) for c in copies for x in wires)  # type: ignore[misc]
    return corpus


def main() -> None:
    """Write a corpus as text files (or just describe it) and print its structure."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, nargs="?", default=1000)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    corpus = make_corpus(args.n, args.seed)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        for a in corpus.articles:
            (args.out / a.file).write_text(a.original_text, encoding="utf-8")
    print(f"articles={len(corpus.articles)} stories={len(set(corpus.story_of.values()))} "
          f"passage_pairs={len(corpus.passage_pairs)}")
    print(f"near_duplicate_pairs_per_article={len(corpus.near_duplicates) / max(1, len(corpus.articles)):.3f}")


if __name__ == "__main__":
    main()
