"""Reader for raw article text files in the scraped style of the seeds."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from recoupe.ingest.decode import decode_text
from recoupe.model import RawDocument


def read_text(path: Path, name: str, data: bytes) -> Iterator[RawDocument]:
    """One raw article per text file."""
    text, charset = decode_text(data, name)
    yield RawDocument(file=name, source_path=str(path), text=text, kind="text", extra={"charset": charset})
