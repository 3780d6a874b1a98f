"""The stage sequence, declared once: read → clean → exact duplicates → near-duplicates and passages
→ stories → quotes → speakers → store. The CLI, the Python API and the Spark job all run it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from recoupe.clean import analysis_view, clean_article
from recoupe.corroborate import corroborate_corpus
from recoupe.dedup import near_duplicate_pairs, reused_passages
from recoupe.ingest import read_inputs
from recoupe.language import detect_languages
from recoupe.model import (
    Article,
    InputRecord,
    OffsetMap,
    Paragraph,
    Passage,
    Quote,
    RawDocument,
    RejectedInput,
    Rejection,
    Speaker,
    Story,
)
from recoupe.settings import Settings
from recoupe.store import IN_IDS, Store, sql_list
from recoupe.stories import assign_stories

# progress(stage, done, total): total is None while unknown
Progress = Callable[[str, int, int | None], None]


def _no_progress(stage: str, done: int, total: int | None) -> None:
    return None


@dataclass(slots=True)
class RunReport:
    """What one run did: every input's verdict and what the analysis found."""

    inputs: list[InputRecord] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    near_duplicates: list[tuple[str, str, float]] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    stories: list[Story] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    speakers: list[Speaker] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> list[InputRecord]:
        """Inputs that could not be analysed."""
        return [r for r in self.inputs if r.status == "rejected"]

    def counts(self) -> dict[str, int]:
        """Inputs by verdict, and what was found."""
        by = {s: sum(1 for r in self.inputs if r.status == s) for s in ("accepted", "duplicate", "rejected")}
        return {
            "inputs": len(self.inputs),
            **by,
            "articles": len(self.articles),
            "near_duplicate_pairs": len(self.near_duplicates),
            "passages": len(self.passages),
            "stories": len(self.stories),
            "quotes": sum(1 for q in self.quotes if q.kind == "direct"),
            "indirect": sum(1 for q in self.quotes if q.kind == "indirect"),
            "speakers": len(self.speakers),
        }

    def check_accounting(self) -> None:
        """Every input is accepted, a duplicate or rejected: nothing is lost."""
        c = self.counts()
        if c["accepted"] + c["duplicate"] + c["rejected"] != c["inputs"]:
            raise AssertionError(f"inputs not accounted for: {c}")


def clean_documents(
    items: Sequence[RawDocument | Rejection] | Any,
    known_hashes: Callable[[list[str]], dict[str, tuple[str, str, str]]] | None = None,
    progress: Progress = _no_progress,
) -> tuple[list[Article], list[InputRecord]]:
    """Clean raw documents, separating exact duplicates and rejections; keeps input order.

    `known_hashes(hashes)` gives, for hashes already stored, (article id, source_path, file) of the stored copy.
    """
    articles: list[Article] = []
    records: list[InputRecord] = []
    first_of: dict[str, Article] = {}
    for item in items:
        if isinstance(item, Rejection):
            records.append(InputRecord(item.file, item.source_path, "rejected", reason=item.reason))
        else:
            try:
                art = clean_article(item, order=len(records))
            except RejectedInput as e:
                records.append(InputRecord(item.file, item.source_path, "rejected", reason=e.reason))
            else:
                first = first_of.get(art.content_hash)
                if first is not None:
                    dup = InputRecord(art.file, art.source_path, "duplicate", article_id=first.id)
                    dup.duplicate_of = first.file
                    records.append(dup)
                else:
                    first_of[art.content_hash] = art
                    articles.append(art)
                    records.append(InputRecord(art.file, art.source_path, "accepted", article_id=art.id))
        progress("read", len(records), None)
    if known_hashes is not None and articles:
        stored = known_hashes([a.content_hash for a in articles])
        kept: list[Article] = []
        for art in articles:
            hit = stored.get(art.content_hash)
            if hit is not None and (hit[1], hit[2]) != (art.source_path, art.file):
                for r in records:
                    if r.article_id == art.id and r.status == "accepted":
                        r.status, r.duplicate_of = "duplicate", hit[2]
                continue
            kept.append(art)
        articles = kept
    return articles, records


def analyse_articles(
    articles: Sequence[Article],
    settings: Settings,
    existing_stories: Sequence[Story] = (),
    nlp: Any = None,
    progress: Progress = _no_progress,
    story_context: Sequence[Article] = (),
) -> RunReport:
    """Run the corpus stages over cleaned, unique articles (no storage).

    `story_context` holds stored articles of `existing_stories` that new articles may join; they lend
    their stories content and are not analysed again.
    """
    report = RunReport(articles=list(articles))
    report.notes.extend(detect_languages(articles, settings.languages))
    progress("near-duplicates", 0, 1)
    report.near_duplicates = near_duplicate_pairs(articles, settings)
    report.passages = reused_passages(articles, settings)
    progress("near-duplicates", 1, 1)
    progress("stories", 0, 1)
    fresh = {a.id for a in articles}
    context = [a for a in story_context if a.id not in fresh]
    report.stories = assign_stories(
        [*context, *articles], report.near_duplicates, report.passages, settings, existing_stories
    )
    progress("stories", 1, 1)
    report.quotes, report.speakers = extract_quotes(articles, settings, nlp=nlp, progress=progress)
    return report


def quotable(articles: Iterable[Article], settings: Settings) -> Iterator[Article]:
    """The articles whose language the quote rules support (an undetected language counts as supported)."""
    return (a for a in articles if a.language is None or a.language in settings.languages)


def extract_quotes(
    articles: Sequence[Article], settings: Settings, nlp: Any = None, progress: Progress = _no_progress
) -> tuple[list[Quote], list[Speaker]]:
    """Quotes and canonical speakers of the articles whose language the quote rules support."""
    from recoupe.quotes import find_quotes, load_quote_pipeline, merge_speakers

    supported = list(quotable(articles, settings))
    if not supported:
        return [], []
    nlp = nlp or load_quote_pipeline(settings.spacy_model)
    quotes: list[Quote] = []
    step = max(1, settings.batch_size)
    for i in range(0, len(supported), step):
        quotes.extend(find_quotes(supported[i : i + step], nlp, batch_size=settings.batch_size))
        progress("quotes", min(i + step, len(supported)), len(supported))
    speakers, quotes = merge_speakers(quotes)
    return quotes, speakers


def run(
    root: str | Path,
    settings: Settings | None = None,
    store: Store | None = None,
    nlp: Any = None,
    progress: Progress = _no_progress,
) -> RunReport:
    """Analyse every input under `root` and, given a store, save everything in it."""
    settings = settings or Settings()
    known = None
    if store is not None:
        st = store

        def known(hashes: list[str]) -> dict[str, tuple[str, str, str]]:
            rows = st.rows(
                "SELECT content_hash, id, source_path, file FROM articles"
                f" WHERE content_hash IN {IN_IDS}",
                [sql_list(hashes)],
            )
            return {r["content_hash"]: (r["id"], r["source_path"], r["file"]) for r in rows}

    articles, records = clean_documents(read_inputs(Path(root), settings), known, progress)
    existing = store_stories(store) if store is not None else []
    context = stored_story_articles(store, existing, articles, settings) if store is not None else []
    report = analyse_articles(articles, settings, existing, nlp=nlp, progress=progress, story_context=context)
    report.inputs = records
    report.check_accounting()
    if store is not None:
        save(store, report, settings, progress)
    return report


def store_stories(store: Store) -> list[Story]:
    """Stories already in the store, with their articles."""
    stories = {
        r["id"]: Story(r["id"], r["title"] or "", r["first_published"], r["last_published"])
        for r in store.rows("SELECT * FROM stories")
    }
    for r in store.rows("SELECT id, story_id FROM articles WHERE story_id IS NOT NULL ORDER BY input_order"):
        if r["story_id"] in stories:
            stories[r["story_id"]].article_ids.append(r["id"])
    return list(stories.values())


def stored_story_articles(
    store: Store, stories: Sequence[Story], articles: Sequence[Article], settings: Settings, limit: int = 20_000
) -> list[Article]:
    """Stored articles of the stories still open around the new articles' dates, rebuilt for the story stage."""
    dates = sorted(a.published[:10] for a in articles if a.published)
    cutoff = ""
    if dates and len(dates) == len(articles):
        from datetime import date, timedelta

        first = dates[0] if len(dates[0]) == 10 else f"{dates[0][:7]}-01"
        try:
            cutoff = (date.fromisoformat(first) - timedelta(days=settings.story_max_gap_days)).isoformat()[:7]
        except ValueError:
            cutoff = ""
    open_ids = [s.id for s in stories if not cutoff or not s.last_published or s.last_published >= cutoff]
    if not open_ids:
        return []
    rows = store.rows(
        "SELECT id, file, source_path, kind, text, content_hash, outlet, published, title, url, language,"
        f" input_order FROM articles WHERE story_id IN {IN_IDS} ORDER BY input_order DESC LIMIT ?",
        [sql_list(open_ids), limit],
    )
    paragraphs: dict[str, list[Paragraph]] = {}
    for p in store.rows(
        "SELECT article_id, idx, start_char, end_char, text FROM paragraphs"
        f" WHERE article_id IN {IN_IDS}"
        " ORDER BY article_id, idx",
        [sql_list(r["id"] for r in rows)],
    ):
        para = Paragraph(p["idx"], p["start_char"], p["end_char"], p["text"])
        paragraphs.setdefault(p["article_id"], []).append(para)
    return [
        Article(
            id=r["id"], file=r["file"], source_path=r["source_path"], original_text="", text=r["text"],
            analysis_text=analysis_view(r["text"]), paragraphs=paragraphs.get(r["id"], []), offsets=OffsetMap(),
            content_hash=r["content_hash"], outlet=r["outlet"], published=r["published"], title=r["title"],
            url=r["url"], language=r["language"], kind=r["kind"], order=r["input_order"] or 0,
        )
        for r in reversed(rows)
    ]


def save(store: Store, report: RunReport, settings: Settings, progress: Progress = _no_progress) -> None:
    """Write a run's results, one transaction per batch of articles, then the run-wide tables and search index."""
    arts = report.articles
    quotes_by_article: dict[str, list[Quote]] = {}
    for q in report.quotes:
        quotes_by_article.setdefault(q.article_id, []).append(q)
    step = max(1, settings.batch_size * 4)
    for i in range(0, len(arts), step):
        batch = arts[i : i + step]
        ids = {a.id for a in batch}
        with store.transaction():
            store.add_articles(batch)
            store.replace_quotes(sorted(ids), [q for a in batch for q in quotes_by_article.get(a.id, [])])
            store.record_inputs([r for r in report.inputs if r.article_id in ids])
        progress("store", min(i + step, len(arts)), len(arts))
    with store.transaction():
        store.record_inputs([r for r in report.inputs if r.status != "accepted" or r.article_id is None])
        store.replace_near_duplicates(report.near_duplicates)
        store.replace_passages(report.passages)
        store.replace_stories(report.stories)
        if report.speakers:
            store.replace_speakers(report.speakers)
        store.replace_corroboration(*corroborate_corpus(*store.corroboration_inputs()))
    store.build_search_indexes()
