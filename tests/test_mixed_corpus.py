"""One run over a mixed folder: the seeds, the dev corpus, HTML pages, a WARC.gz, a feed and the whole
bad-input catalogue. Every input is accounted for, every bad one has its reason, and the good ones come
out as they do when analysed alone.

The quote stage is replaced by a stub returning no quotes (it is another issue's work and may be absent
or slow); everything else — readers, cleaning, language, dedup, stories, DuckDB, export — is the real code.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from test_bad_inputs import mbi

from recoupe.export import export_run
from recoupe.pipeline import RunReport, run
from recoupe.settings import Settings
from recoupe.store import Store

ARTICLE_FIELDS = ("id", "text", "outlet", "published", "title", "url", "language", "kind", "content_hash")
_DATE_LINE = re.compile(r"\A\s*date\s*[:=]?\s*(\d{4}-\d{2}-\d{2})\s*\n")


def _story_page(path: Path) -> tuple[str, str | None, str]:
    """(text, published, title) of a dev-stories article, its metadata line taken off for the markup."""
    raw = path.read_text(encoding="utf-8")
    m = _DATE_LINE.match(raw)
    text = raw[m.end():] if m else raw
    paragraphs = [" ".join(p.split()) for p in text.splitlines() if p.strip()]
    return "\n\n".join(paragraphs), m.group(1) if m else None, paragraphs[0][:60]


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory, shared_eval: Path) -> dict[str, Any]:
    """The mixed folder, its single-source twins, and the mixed run (database, export, report)."""
    root = tmp_path_factory.mktemp("mixed")
    corpus = root / "corpus"
    shutil.copytree(shared_eval / "seeds" / "articles", corpus / "seeds")
    shutil.copytree(shared_eval / "dev" / "articles", corpus / "dev")
    stories = sorted((shared_eval / "dev-stories" / "articles").glob("*.txt"))[:9]
    pages = [_story_page(p) for p in stories]
    (corpus / "web").mkdir()
    for i, (text, published, title) in enumerate(pages[:3]):
        (corpus / "web" / f"page{i}.html").write_bytes(mbi.html_page(text, title, "La Voix du Val", published))
    records = mbi.warc_of_pages(
        [(f"https://crawl.example.org/{i}", mbi.html_page(t, ti, "Le Journal du Sud", p))
         for i, (t, p, ti) in enumerate(pages[3:6])]
    )
    (corpus / "crawl.warc.gz").write_bytes(mbi.gzip_members(records))
    items = [{"title": ti, "link": f"https://flux.example.org/{i}", "date": f"{p}T07:00:00+02:00" if p else "",
              "content": "".join(f"<p>{x}</p>" for x in t.split("\n\n"))} for i, (t, p, ti) in enumerate(pages[6:9])]
    (corpus / "flux.rss").write_bytes(mbi.rss_feed(items))
    mbi.build_catalogue(corpus / "bad")

    settings = Settings(db_path=str(root / "mixed.duckdb"), **mbi.catalogue_settings_kwargs())
    mp = pytest.MonkeyPatch()
    mp.setattr("recoupe.pipeline.extract_quotes", lambda *a, **k: ([], []))
    try:
        with mbi.permissions_enforced() as enforced:
            if not enforced:
                pytest.skip("running as root without the right to drop CAP_DAC_OVERRIDE: chmod 000 cannot bite")
            with Store(settings.db_path) as store:
                report = run(corpus, settings, store)
                export_run(store, report.inputs, root / "export")
        alone = {
            "dev": run(corpus / "dev", settings),
            "seeds": run(corpus / "seeds", settings),
            **{f"web/{p.name}": run(p, settings) for p in sorted((corpus / "web").iterdir())},
            "crawl.warc.gz": run(corpus / "crawl.warc.gz", settings),
            "flux.rss": run(corpus / "flux.rss", settings),
        }
    finally:
        mp.undo()
    return {"corpus": corpus, "report": report, "export": root / "export", "alone": alone, "settings": settings}


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _entries_on_disk(corpus: Path) -> set[str]:
    """Every name under the folder a run must account for: files, and links or pipes that are not files."""
    names = set()
    for dirpath, dirnames, filenames in os.walk(corpus):
        for n in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            names.add(os.path.relpath(os.path.join(dirpath, n), corpus))
    return names


def test_every_input_is_accounted_for(mixed: dict[str, Any]) -> None:
    report: RunReport = mixed["report"]
    report.check_accounting()
    c = report.counts()
    assert c["accepted"] + c["duplicate"] + c["rejected"] == c["inputs"] == len(report.inputs)
    verdict_names = [r.file for r in report.inputs]
    assert len(verdict_names) == len(set(verdict_names)), "an input got two verdicts"
    files_with_verdict = {n.split("#", 1)[0] for n in verdict_names}
    assert files_with_verdict == _entries_on_disk(mixed["corpus"])
    # the export says the same: each input in exactly one of articles.jsonl and rejected.jsonl
    articles = {r["file"] for r in _jsonl(mixed["export"] / "articles.jsonl")}
    rejected = {r["file"] for r in _jsonl(mixed["export"] / "rejected.jsonl")}
    assert not articles & rejected
    assert articles | rejected == set(verdict_names)
    assert c["accepted"] >= 2 + 24 + 3 + 3 + 3


def test_every_bad_input_has_its_reason(mixed: dict[str, Any]) -> None:
    got = {r.file: r for r in mixed["report"].inputs}
    for kind in mbi.catalogue():
        for exp in kind.expect:
            rec = got[f"bad/{exp.name}"]
            assert rec.status == exp.status, (kind.kind, rec)
            assert exp.reason in (rec.reason or "").lower(), (kind.kind, rec.reason)
    outside = [r for r in mixed["report"].rejected if not r.file.startswith("bad/")]
    assert outside == [], "a good input was rejected"
    for row in _jsonl(mixed["export"] / "rejected.jsonl"):
        assert row["file"] and row["reason"]


def _by_file(report: RunReport) -> dict[str, dict[str, Any]]:
    return {a.file: {f: getattr(a, f) for f in ARTICLE_FIELDS} for a in report.articles}


def test_good_inputs_come_out_as_when_alone(mixed: dict[str, Any]) -> None:
    mixed_articles = _by_file(mixed["report"])
    corpus: Path = mixed["corpus"]
    for key, alone in mixed["alone"].items():
        folder = key if (corpus / key).is_dir() else os.path.dirname(key)
        assert alone.articles, key
        for name, fields in _by_file(alone).items():
            full = os.path.normpath(os.path.join(folder, name))
            assert full in mixed_articles, (key, name)
            assert mixed_articles[full] == fields, full
    # what the readers found in the pages survived: outlets, ISO dates, French
    web = [a for f, a in mixed_articles.items() if not f.startswith(("dev/", "seeds/", "bad/"))]
    assert len(web) == 9
    assert {a["outlet"] for a in web} == {"La Voix du Val", "Le Journal du Sud", "Le Courrier de Sarthenay"}
    assert all(a["language"] == "fr" for a in web)
    assert all(a["published"] is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", a["published"]) for a in web)


def test_dev_corpus_relations_are_unchanged_by_the_mix(mixed: dict[str, Any]) -> None:
    """Near-duplicates and story groups among the dev articles are the same with or without the rest."""
    report: RunReport = mixed["report"]
    alone: RunReport = mixed["alone"]["dev"]
    dev_ids = {a.id for a in alone.articles}
    assert dev_ids <= {a.id for a in report.articles}

    def pairs(r: RunReport) -> set[tuple[str, str]]:
        return {tuple(sorted((a, b))) for a, b, _ in r.near_duplicates if a in dev_ids and b in dev_ids}

    def groups(r: RunReport) -> set[frozenset[str]]:
        out = {frozenset(set(s.article_ids) & dev_ids) for s in r.stories}
        return {g for g in out if g}

    assert pairs(report) == pairs(alone)
    assert groups(report) == groups(alone)

