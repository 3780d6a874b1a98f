"""`kill -9` in the middle of a run, then a re-run, gives the same database as one clean run.

The run is the real CLI (`recoupe analyze`) in a subprocess, killed with SIGKILL at a random moment of
its measured duration. The quote stage is replaced in the subprocess by a stub returning no quotes
(another issue's work, and slow): what is tested is that reading, cleaning, deduplication, stories and
the per-batch DuckDB transactions lose and duplicate nothing. RECOUPE_CRASH_RUNS sets how many
kill/re-run rounds one test makes (default 3; the issue asks for 20 in a row:
`RECOUPE_CRASH_RUNS=20 pytest tests/test_crash.py`); RECOUPE_CRASH_SEED replays a sequence of kill times.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from recoupe.store import Store

RUNS = int(os.environ.get("RECOUPE_CRASH_RUNS", "3"))
SEED = int(os.environ.get("RECOUPE_CRASH_SEED", str(random.SystemRandom().randrange(1 << 30))))
N_ARTICLES = 200

RUNNER = """
import sys
import recoupe.pipeline
recoupe.pipeline.extract_quotes = lambda *a, **k: ([], [])  # quote stage bypassed, see the test docstring
from recoupe.cli import app
sys.argv = ["recoupe", *sys.argv[1:]]
app()
"""

WORDS = (
    "maire préfète conseil budget piscine école usine rocade marché port festival santé bus gare quartier ville "
    "habitants élus opposition majorité projet travaux dossier vote pétition réunion séance commune région état "
    "emploi salariés syndicat grève accord contrat chantier retard coût millions euros impôts dette subvention "
    "association parents élèves enseignants médecins patients hôpital urgences pompiers police sécurité route "
    "train ligne horaires tarifs abonnement parking vélo piste sentier forêt rivière crue sécheresse récolte "
    "agriculteurs éleveurs commerçants artisans entreprises usagers riverains touristes saison été hiver printemps"
).split()
VERBS = ["a annoncé", "a confirmé", "a démenti", "a promis", "a défendu", "a critiqué", "a dénoncé", "a salué"]


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randrange(8, 14))]
    return f"Le {words[0]} de la {words[1]} {rng.choice(VERBS)} " + " ".join(words[2:]) + "."


def _article(rng: random.Random, i: int) -> str:
    quote = " ".join(rng.choice(WORDS) for _ in range(6))
    return (
        f"date: 2025-0{1 + i % 9}-{10 + i % 18}\n\n"
        + " ".join(_sentence(rng) for _ in range(3)) + f" Dossier numéro {i}.\n\n"
        + f"« {quote.capitalize()} », a-t-il assuré. " + " ".join(_sentence(rng) for _ in range(2))
    )


def _corpus(folder: Path) -> int:
    """A few hundred small articles, an exact duplicate and two bad files; returns the number of inputs."""
    rng = random.Random(1234)
    folder.mkdir()
    for i in range(N_ARTICLES):
        (folder / f"{i:04d}.txt").write_text(_article(rng, i), encoding="utf-8")
    (folder / "9998_copy.txt").write_text((folder / "0007.txt").read_text("utf-8"), encoding="utf-8")
    (folder / "9999_empty.txt").write_bytes(b"")
    (folder / "9999_binary.txt").write_bytes(bytes(range(256)) * 4)
    return N_ARTICLES + 3


def _command(corpus: Path, db: Path, config: Path) -> list[str]:
    return [sys.executable, "-c", RUNNER, "analyze", str(corpus), "--db", str(db), "--config", str(config), "-q"]


def _run_to_end(cmd: list[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 3, proc.stderr[-2000:]  # 3: the two bad files were rejected, nothing else failed
    return time.perf_counter() - start


def _snapshot(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, sorted, without the columns that record when a row was written."""
    with Store(db, read_only=True) as store:
        tables = [r["table_name"] for r in store.rows(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY table_name")]
        out = {}
        for table in tables:
            cols = [r["column_name"] for r in store.rows(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?"
                " AND data_type NOT LIKE 'TIMESTAMP%' ORDER BY ordinal_position", [table])]
            select = ", ".join(f'"{c}"' for c in cols)
            rows = store.con.execute(f'SELECT {select} FROM "{table}"').fetchall()  # noqa: S608 (catalogue names)
            out[table] = sorted(rows, key=repr)
        return out


def _count_articles(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with Store(db, read_only=True) as store:
            return store.count("articles")
    except Exception:  # killed before the schema was committed: the table may not exist yet
        return 0


@pytest.mark.slow
def test_kill_9_then_rerun_equals_one_clean_run(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    n_inputs = _corpus(corpus)
    config = tmp_path / "small-batches.toml"
    config.write_text("batch_size = 1\n", encoding="utf-8")  # a transaction per 4 articles: many places to die
    reference_db = tmp_path / "reference.duckdb"
    duration = _run_to_end(_command(corpus, reference_db, config))
    reference = _snapshot(reference_db)
    assert len(reference["articles"]) == N_ARTICLES
    assert len(reference["inputs"]) == n_inputs

    rng = random.Random(SEED)
    partial_states: list[int] = []
    for round_ in range(RUNS):
        db = tmp_path / f"crash-{round_}.duckdb"
        delay = rng.uniform(0.1, 0.9) * duration
        proc = subprocess.Popen(_command(corpus, db, config), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        finished_first = proc.poll() is not None
        if not finished_first:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        partial_states.append(-1 if finished_first else _count_articles(db))
        # batch_size 1: the pipeline commits 4 articles per transaction, so a kill leaves whole batches only
        assert partial_states[-1] in (-1, N_ARTICLES) or partial_states[-1] % 4 == 0, partial_states
        _run_to_end(_command(corpus, db, config))
        after = _snapshot(db)
        for table, rows in reference.items():
            assert after.get(table) == rows, (
                f"round {round_} (seed {SEED}, killed after {delay:.2f}s with {partial_states[-1]} articles "
                f"stored): table {table} differs from the clean run ({len(after.get(table, []))} rows vs {len(rows)})"
            )
    print(f"\ncrash rounds: {RUNS}, seed {SEED}, clean run {duration:.2f}s, "
          f"articles stored when killed: {partial_states} (-1: finished before the kill)")
