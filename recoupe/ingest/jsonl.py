"""Reader for JSONL files of articles: `id`, `url`, `source`, `published`, `title`, `text` per line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from recoupe.dates import normalise_date
from recoupe.ingest.decode import decode_text
from recoupe.model import RawDocument, Rejection

_STR_FIELDS = ("id", "url", "source", "published", "title")


def read_jsonl(path: Path, name: str, data: bytes) -> Iterator[RawDocument | Rejection]:
    """One raw article per valid line; a bad line is rejected alone, with its line number."""
    text, _ = decode_text(data, name)
    seen_ids: dict[str, int] = {}
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        record = f"{name}#{lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            yield Rejection(record, f"line {lineno}: not valid JSON ({e.msg} at column {e.colno})", str(path))
            continue
        if not isinstance(obj, dict):
            yield Rejection(record, f"line {lineno}: expected a JSON object, got {type(obj).__name__}", str(path))
            continue
        body = obj.get("text")
        if not isinstance(body, str):
            reason = "missing 'text'" if body is None else f"'text' is {type(body).__name__}, not a string"
            yield Rejection(record, f"line {lineno}: {reason}", str(path))
            continue
        if not body.strip():
            yield Rejection(record, f"line {lineno}: 'text' is empty", str(path))
            continue
        bad = [k for k in _STR_FIELDS if obj.get(k) is not None and not isinstance(obj[k], str | int)]
        if bad:
            yield Rejection(record, f"line {lineno}: field(s) {', '.join(bad)} must be strings", str(path))
            continue
        ext_id = None if obj.get("id") is None else str(obj["id"])
        if ext_id is not None:
            if ext_id in seen_ids:
                yield Rejection(
                    record, f"line {lineno}: duplicate id {ext_id!r} (first on line {seen_ids[ext_id]})", str(path)
                )
                continue
            seen_ids[ext_id] = lineno
        yield RawDocument(
            file=record,
            source_path=str(path),
            text=body,
            kind="jsonl",
            title=obj.get("title"),
            url=obj.get("url"),
            outlet=obj.get("source"),
            published=None if obj.get("published") is None else normalise_date(str(obj["published"])),
            external_id=ext_id,
            language=obj.get("language"),
        )
