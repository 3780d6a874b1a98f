"""The single-machine pipeline against the Spark job on local[2]: same synthetic corpus, time and peak memory.

    python benchmarks/bench_spark.py [--sizes 25000,100000] [--quotes] [--keep DIR]

For each size N, `make_corpus.py` writes N synthetic articles as 8 JSONL shards; then, each in its own
process (peak memory is the resident set of the whole process tree, sampled every 0.2 s: for Spark the
driver, its JVM and the Python workers):
- single: `recoupe.pipeline` stages (read, clean, exact duplicates, language, near-duplicates, passages,
  stories), results kept in memory: `pipeline.save` is left out because its row-by-row DuckDB inserts
  (about 60 s per 1,000 articles here) would swamp the analysis being compared;
- spark: `recoupe.spark.analyze` on local[2], writing its Parquet tables (writing included).
Each path also reports its story stage's wall time; the Spark path its story blocks (how many, the
largest), and the pairwise F1 of its stories against the single machine's (1.0000: the same partition).
The quote stage is off unless `--quotes`: the spaCy parse costs about 0.3 s per article per core, so
100k articles would take hours on two cores, and it is the one stage that is embarrassingly parallel.
The synthetic text is French-shaped, not French: figures are for speed and scale, never quality.
Prints the growth exponent of each path's wall and CPU time between the smallest and the largest size last
(CPU time is the figure to trust on a shared machine).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def write_corpus(n: int, folder: Path, shards: int = 8) -> int:
    """N synthetic articles from make_corpus as JSONL shards (id, text); returns how many were written."""
    from make_corpus import make_corpus

    corpus = make_corpus(n)
    folder.mkdir(parents=True, exist_ok=True)
    handles = [(folder / f"shard-{k:02d}.jsonl").open("w", encoding="utf-8") for k in range(shards)]
    per = math.ceil(len(corpus.articles) / shards)
    for i, art in enumerate(corpus.articles):
        handles[i // per].write(json.dumps({"id": art.file, "text": art.original_text}, ensure_ascii=False) + "\n")
    for h in handles:
        h.close()
    return len(corpus.articles)


def _tree(pid: int) -> list[int]:
    """A process and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def _usage(pid: int) -> tuple[int, float]:
    """Resident bytes and CPU seconds (user + system) of one process; zeros once it has gone."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as fh:
            rss = int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0, 0.0
    return rss, cpu


def measure(cmd: list[str], log: Path) -> tuple[float, float, int, str]:
    """Wall time, CPU time and peak resident bytes of the process tree, and the last line the command printed.

    Both are sampled from /proc every 0.2 s over the whole tree (for Spark: the driver, its JVM and the
    Python workers, which PySpark does not always wait for, so rusage would miss them); CPU time stays
    meaningful on a machine shared with other jobs, where wall time does not.
    """
    start = time.perf_counter()
    with log.open("w") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, text=True)
    peak = 0
    cpu_of: dict[int, float] = {}
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            rss = 0
            for p in _tree(proc.pid):
                r, c = _usage(p)
                rss += r
                cpu_of[p] = max(cpu_of.get(p, 0.0), c)
            peak = max(peak, rss)
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed with exit code {proc.returncode}: see {log}")
    lines = out.strip().splitlines()
    return elapsed, sum(cpu_of.values()), peak, lines[-1] if lines else ""


def run_single(corpus: Path, work: Path, quotes: bool) -> str:
    """The single-machine stage sequence over the corpus, results in memory."""
    from recoupe.dedup import near_duplicate_pairs, reused_passages
    from recoupe.ingest import read_inputs
    from recoupe.language import detect_languages
    from recoupe.pipeline import RunReport, clean_documents, extract_quotes
    from recoupe.settings import Settings
    from recoupe.stories import assign_stories

    settings = Settings()
    articles, records = clean_documents(read_inputs(corpus, settings))
    report = RunReport(inputs=records, articles=articles)
    report.notes.extend(detect_languages(articles, settings.languages))
    report.near_duplicates = near_duplicate_pairs(articles, settings)
    report.passages = reused_passages(articles, settings)
    start = time.perf_counter()
    report.stories = assign_stories(articles, report.near_duplicates, report.passages, settings)
    story_s = time.perf_counter() - start
    (work / "single-stories.json").write_text(json.dumps([s.article_ids for s in report.stories]))
    if quotes:
        report.quotes, report.speakers = extract_quotes(articles, settings)
    c = report.counts()
    found = {k: c[k] for k in ("articles", "near_duplicate_pairs", "passages", "stories", "quotes")}
    return json.dumps({**found, "story_stage_s": round(story_s, 1)})


def run_spark(corpus: Path, work: Path, quotes: bool) -> str:
    """The Spark job on local[2] over the corpus, writing its Parquet tables."""
    from recoupe.settings import Settings
    from recoupe.spark import analyze, spark_session

    stages: list[tuple[str, float]] = []
    spark = spark_session("local[2]", "recoupe-bench", {"spark.driver.memory": "4g"})
    try:
        report = analyze(spark, corpus, work / "spark-out", Settings(), quotes=quotes,
                         progress=lambda stage: stages.append((stage, time.perf_counter())))
    finally:
        spark.stop()
    # the story stage runs from its progress call to the next one (passages are computed later, at the write)
    at = [k for k, (stage, _) in enumerate(stages) if stage == "stories"][0]
    story_s = stages[at + 1][1] - stages[at][1]
    c = report.counts
    blocks = next(n for n in report.notes if n.startswith("stories:"))
    return json.dumps({"articles": c["articles"], "near_duplicate_pairs": c["near_duplicates"],
                       "passages": c["passages"], "stories": c["stories"], "quotes": c["quotes"],
                       "story_stage_s": round(story_s, 1), "story_blocks": blocks})


def story_pair_f1(single: list[list[str]], spark: list[list[str]]) -> float:
    """Pairwise F1 of one partition of articles against another (1.0: the same partition)."""
    from collections import Counter

    of_single = {a: k for k, ids in enumerate(single) for a in ids}
    of_spark = {a: k for k, ids in enumerate(spark) for a in ids}
    both = sum(c * (c - 1) // 2 for c in Counter((of_single[a], of_spark.get(a)) for a in of_single).values())
    total = sum(len(p) * (len(p) - 1) // 2 for p in single) + sum(len(p) * (len(p) - 1) // 2 for p in spark)
    return 2 * both / total if total else 1.0


def compare_stories(work: Path) -> float:
    """Pairwise F1 of the Spark run's stories against the single machine's, from what both runs wrote."""
    import pyarrow.parquet as pq

    single = json.loads((work / "single-stories.json").read_text())
    spark = [list(r["article_ids"]) for r in pq.read_table(work / "spark-out" / "stories").to_pylist()]
    return story_pair_f1(single, spark)


def main() -> None:
    """Time both paths at each size and print the figures, the growth exponents last."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="25000,100000", help="comma-separated corpus sizes (default 25000,100000)")
    ap.add_argument("--quotes", action="store_true", help="include the quote stage (spaCy parse: slow)")
    ap.add_argument("--keep", type=Path, help="keep corpora and outputs in this folder")
    ap.add_argument("--only", choices=["single", "spark"], help=argparse.SUPPRESS)
    ap.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.only:  # one measured run, in its own process
        fn = run_single if args.only == "single" else run_spark
        print(fn(args.corpus, args.work, args.quotes))
        return
    sizes = sorted(int(s) for s in args.sizes.split(","))
    root = args.keep or Path(tempfile.mkdtemp(prefix="bench-spark-"))
    print(f"quote stage: {'on' if args.quotes else 'off (spaCy parse of every article would take hours here)'}")
    print(f"machine: {os.cpu_count()} cores; Spark local[2]; figures are wall time and peak RSS of the process tree")
    times: dict[str, dict[int, float]] = {"single": {}, "spark": {}}
    cpus: dict[str, dict[int, float]] = {"single": {}, "spark": {}}
    try:
        for n in sizes:
            corpus, work = root / f"corpus-{n}", root / f"work-{n}"
            work.mkdir(parents=True, exist_ok=True)
            written = write_corpus(n, corpus)
            for path in ("single", "spark"):
                cmd = [sys.executable, __file__, "--only", path, "--corpus", str(corpus), "--work", str(work)]
                elapsed, cpu, peak, summary = measure(cmd + (["--quotes"] if args.quotes else []), work / f"{path}.log")
                times[path][n], cpus[path][n] = elapsed, cpu
                print(f"n={written} path={path} time_s={elapsed:.1f} cpu_s={cpu:.1f} peak_rss_mb={peak / 2**20:.0f} "
                      f"articles_per_s={written / elapsed:.0f} found={summary}", flush=True)
            print(f"n={written} spark_over_single_time={times['spark'][n] / times['single'][n]:.2f} "
                  f"story_pair_f1_spark_vs_single={compare_stories(work):.4f}", flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    lo, hi = sizes[0], sizes[-1]
    if hi > lo:
        for path in ("single", "spark"):
            wall = math.log(times[path][hi] / times[path][lo]) / math.log(hi / lo)
            cpu = math.log(cpus[path][hi] / cpus[path][lo]) / math.log(hi / lo)
            print(f"growth_exponent_{path}_{lo}_to_{hi}: wall={wall:.2f} cpu={cpu:.2f}")


if __name__ == "__main__":
    main()
