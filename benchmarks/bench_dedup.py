"""Near-duplicates: datasketch MinHash + MinHashLSH against recoupe, same corpus, shingles and permutations.

    python benchmarks/bench_dedup.py [N] [--quick]

Both sides start from the same word lists (recoupe.dedup.article_words), shingle them in
`shingle_size` words, build `num_perm`-value signatures, band them in `lsh_bands` × `lsh_rows`, and
check every candidate with the same exact containment; recall is against the generator's truth.
Times are CPU seconds of this process (the machine is shared). Prints `speedup_vs_datasketch=…` last.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_corpus import make_corpus  # noqa: E402

from recoupe.dedup import article_words, near_duplicate_pairs  # noqa: E402
from recoupe.settings import Settings  # noqa: E402


def _containment(a: set[str], b: set[str]) -> float:
    inter = len(a & b)
    return min(inter / len(a), inter / len(b)) if a and b else 0.0


def datasketch_pairs(articles: list, settings: Settings) -> set[tuple[str, str]]:
    """Near-duplicate id pairs by datasketch MinHash + MinHashLSH, verified exactly."""
    from datasketch import MinHash, MinHashLSH

    k = settings.shingle_size
    lsh = MinHashLSH(num_perm=settings.num_perm, params=(settings.lsh_bands, settings.lsh_rows))
    shingles: list[set[str]] = []
    sigs = []
    for i, art in enumerate(articles):
        w = article_words(art)
        sh = {" ".join(w[j : j + k]) for j in range(max(1, len(w) - k + 1))} if w else set()
        shingles.append(sh)
        m = MinHash(num_perm=settings.num_perm)
        m.update_batch([s.encode("utf-8") for s in sh])
        lsh.insert(i, m)
        sigs.append(m)
    out: set[tuple[str, str]] = set()
    for i, m in enumerate(sigs):
        for j in lsh.query(m):
            if j > i and _containment(shingles[i], shingles[j]) >= settings.near_duplicate_threshold:
                a, b = sorted((articles[i].id, articles[j].id))
                out.add((a, b))
    return out


def main() -> None:
    """Run both on one corpus and print times, recalls and the speedup."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, nargs="?", default=20000)
    ap.add_argument("--quick", action="store_true", help="2,000 articles")
    args = ap.parse_args()
    n = 2000 if args.quick else args.n
    settings = Settings()
    corpus = make_corpus(n, seed=1)
    arts = corpus.articles
    truth = corpus.near_duplicates
    print(f"articles={len(arts)} true_pairs={len(truth)} shingle_size={settings.shingle_size} "
          f"num_perm={settings.num_perm} bands={settings.lsh_bands} rows={settings.lsh_rows}")

    t = time.process_time()
    ours = {(a, b) for a, b, _ in near_duplicate_pairs(arts, settings)}
    t_ours = time.process_time() - t
    t = time.process_time()
    theirs = datasketch_pairs(arts, settings)
    t_ds = time.process_time() - t

    def recall(found: set[tuple[str, str]]) -> float:
        return len(found & truth) / len(truth) if truth else 1.0

    print(f"datasketch: {t_ds:.2f}s pairs={len(theirs)} recall={recall(theirs):.4f}")
    print(f"recoupe:    {t_ours:.2f}s pairs={len(ours)} recall={recall(ours):.4f}")
    extra = ours - truth
    print(f"recoupe pairs beyond the generator's truth (verified, >= threshold): {len(extra)}")
    print(f"agreement: both={len(ours & theirs)} only_recoupe={len(ours - theirs)} "
          f"only_datasketch={len(theirs - ours)}")
    print(f"speedup_vs_datasketch={t_ds / t_ours:.2f}" if t_ours > 0 else "speedup_vs_datasketch=nan")


if __name__ == "__main__":
    main()
