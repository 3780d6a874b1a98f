"""Reader for RSS and Atom feeds (feedparser): one article per item, full content or a marked summary."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from recoupe.dates import normalise_date
from recoupe.ingest.html import fragment_text
from recoupe.model import RawDocument, RejectedInput, Rejection


def _content_of(entry: Any) -> tuple[str, bool]:
    """(text, is_summary): the longest full content of an item, else its summary."""
    best = ""
    for part in entry.get("content") or []:
        value = part.get("value") or ""
        text = fragment_text(value) if "html" in (part.get("type") or "html") else value.strip()
        if len(text) > len(best):
            best = text
    if best:
        return best, False
    summary = entry.get("summary") or entry.get("description") or ""
    return (fragment_text(summary) if summary else ""), True


def read_feed(path: Path, name: str, data: bytes) -> Iterator[RawDocument | Rejection]:
    """One raw article per feed item, named `file#N`; summary-only items carry `extra['summary_only']`."""
    import feedparser

    parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
    entries = parsed.get("entries") or []
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if not entries:
        if problem is not None:
            raise RejectedInput(name, f"malformed feed ({type(problem).__name__}: {str(problem)[:100]})")
        raise RejectedInput(name, "feed with no items")
    feed = parsed.get("feed") or {}
    outlet = feed.get("title") or None
    contents = [_content_of(entry) for entry in entries]
    if problem is not None and not any(text.strip() for text, _ in contents):
        raise RejectedInput(
            name, f"malformed feed ({type(problem).__name__}: {str(problem)[:100]}) and no readable item in it"
        )
    for i, (entry, (text, summary_only)) in enumerate(zip(entries, contents, strict=True), 1):
        record = f"{name}#{i}"
        if not text.strip():
            yield Rejection(record, f"feed item {i} has neither content nor summary", str(path))
            continue
        keys = entry.keys()  # real keys only: .get("updated") falls back to "published" with a warning
        raw_date = next((entry[k] for k in ("published", "updated", "created") if k in keys and entry[k]), None)
        extra: dict[str, Any] = {"summary_only": summary_only, "feed_item": i}
        if raw_date:
            extra["feed_date"] = raw_date
        if problem is not None:
            extra["feed_warning"] = f"{type(problem).__name__}: {str(problem)[:100]}"
        yield RawDocument(
            file=record,
            source_path=str(path),
            text=text,
            kind="feed",
            title=entry.get("title") or None,
            url=entry.get("link") or None,
            outlet=outlet,
            published=normalise_date(raw_date),
            external_id=entry.get("id") or None,
            language=None,
            extra=extra,
        )
