"""Scale: near-duplicates + passages + stories at growing corpus sizes; time, peak memory, growth exponent.

    python benchmarks/bench_scale.py [SIZES...] [--quick]

Each size runs in its own process (so memory figures do not mix): the synthetic corpus is generated
untimed, then `near_duplicate_pairs`, `reused_passages` and `assign_stories` run as the pipeline
runs them. Times are CPU seconds of that process (the machine is shared). Peak memory is the
highest resident size seen while the stages run, minus the resident size just before (the corpus
itself). The baseline beside each size is linear growth from the smallest size. Prints the fitted
exponent of time against size last (`growth_exponent=…`).
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _rss_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4096


def run_one(n: int) -> dict[str, float]:
    """Generate `n` articles and time the three corpus stages on them."""
    sys.path.insert(0, str(HERE))
    from make_corpus import make_corpus

    from recoupe.dedup import near_duplicate_pairs, reused_passages
    from recoupe.settings import Settings
    from recoupe.stories import assign_stories

    corpus = make_corpus(n, seed=2)
    arts = corpus.articles
    settings = Settings()
    base = _rss_bytes()
    peak = [base]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _rss_bytes())
            time.sleep(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    # CPU time of this process: the machine is shared, and wall time would measure the neighbours
    w0 = time.perf_counter()
    t0 = time.process_time()
    dups = near_duplicate_pairs(arts, settings)
    t1 = time.process_time()
    passages = reused_passages(arts, settings)
    t2 = time.process_time()
    stories = assign_stories(arts, dups, passages, settings)
    t3 = time.process_time()
    wall = time.perf_counter() - w0
    done.set()
    sampler.join()
    peak[0] = max(peak[0], _rss_bytes())
    truth = corpus.near_duplicates
    return {
        "n": len(arts),
        "near_dup_s": t1 - t0,
        "passages_s": t2 - t1,
        "stories_s": t3 - t2,
        "total_s": t3 - t0,
        "wall_s": wall,
        "peak_mb": (peak[0] - base) / 2**20,
        "corpus_mb": base / 2**20,
        "pairs": len(dups),
        "dup_recall": len(truth & {(a, b) for a, b, _ in dups}) / len(truth) if truth else 1.0,
        "stories": len(stories),
        "true_stories": len(set(corpus.story_of.values())),
    }


def main() -> None:
    """Run every size in a subprocess, print a table, fit the growth exponent."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", type=int, nargs="*")
    ap.add_argument("--quick", action="store_true", help="2k, 6k, 20k articles")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one)))
        return
    sizes = args.sizes or ([2000, 6000, 20000] if args.quick else [10000, 30000, 100000])
    rows = []
    for n in sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(n)], check=True, capture_output=True, text=True
        ).stdout
        row = json.loads(out.strip().splitlines()[-1])
        rows.append(row)
        linear = rows[0]["total_s"] * row["n"] / rows[0]["n"]
        print(
            f"n={row['n']:>7} cpu={row['total_s']:7.2f}s (linear from smallest: {linear:7.2f}s) "
            f"wall={row['wall_s']:.2f}s "
            f"near_dup={row['near_dup_s']:.2f}s passages={row['passages_s']:.2f}s stories={row['stories_s']:.2f}s "
            f"peak_mem=+{row['peak_mb']:.0f}MB over corpus {row['corpus_mb']:.0f}MB "
            f"dup_recall={row['dup_recall']:.4f} stories={row['stories']} (generated {row['true_stories']})",
            flush=True,
        )
    xs = [math.log(r["n"]) for r in rows]
    ys = [math.log(r["total_s"]) for r in rows]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)
    print(f"growth_exponent={slope:.3f}")


if __name__ == "__main__":
    main()
