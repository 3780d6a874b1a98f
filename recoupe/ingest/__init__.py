"""Readers: find the inputs under a folder and turn each into raw documents or rejections."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from recoupe.ingest.decode import read_bytes
from recoupe.ingest.sniff import sniff_kind
from recoupe.model import RawDocument, RejectedInput, Rejection
from recoupe.settings import Settings

Reader = Callable[..., Iterable[RawDocument | Rejection]]

# kind -> "module:function"; modules are imported only when a file of that kind turns up.
READERS: dict[str, str] = {
    "text": "recoupe.ingest.text:read_text",
    "jsonl": "recoupe.ingest.jsonl:read_jsonl",
    "html": "recoupe.ingest.html:read_html",
    "feed": "recoupe.ingest.feeds:read_feed",
    "warc": "recoupe.ingest.warc:read_warc",
    "gzip": "recoupe.ingest.gzipped:read_gzip",
}

__all__ = ["READERS", "discover", "read_file", "read_inputs"]


def _reader(kind: str) -> Reader | None:
    target = READERS.get(kind)
    if target is None:
        return None
    module, func = target.split(":")
    reader: Reader = getattr(importlib.import_module(module), func)
    return reader


def discover(root: Path) -> Iterator[tuple[Path, str] | Rejection]:
    """Every file under `root` (recursively, sorted), named relative to it; loops are rejected."""
    root = Path(root)
    if root.is_file():
        yield root, root.name
        return
    if not root.exists():
        raise FileNotFoundError(f"{root}: no such file or folder")
    seen_dirs: set[tuple[int, int]] = set()

    def walk(folder: Path) -> Iterator[tuple[Path, str] | Rejection]:
        try:
            st = folder.stat()
        except OSError as e:
            yield Rejection(str(folder.relative_to(root)), f"cannot read folder ({e.strerror or e})", str(folder))
            return
        key = (st.st_dev, st.st_ino)
        if key in seen_dirs:
            yield Rejection(str(folder.relative_to(root)), "symlink loop: folder already visited", str(folder))
            return
        seen_dirs.add(key)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as e:
            yield Rejection(str(folder.relative_to(root)), f"cannot list folder ({e.strerror or e})", str(folder))
            return
        for entry in entries:
            path = Path(entry.path)
            name = str(path.relative_to(root))
            try:
                is_dir = entry.is_dir(follow_symlinks=True)
                is_file = entry.is_file(follow_symlinks=True)
            except OSError as e:
                yield Rejection(name, f"cannot read ({e.strerror or e})", str(path))
                continue
            if is_dir:
                yield from walk(path)
            elif is_file:
                yield path, name
            elif entry.is_symlink():
                yield Rejection(name, "broken or looping symlink", str(path))
            else:
                yield Rejection(name, "not a regular file (device, socket or pipe)", str(path))

    yield from walk(root)


def read_file(path: Path, name: str, settings: Settings) -> Iterator[RawDocument | Rejection]:
    """Raw documents (or per-record rejections) from one file; a whole-file problem raises RejectedInput."""
    from recoupe.ingest.warc import is_warc_file, read_warc_file

    if is_warc_file(path):  # crawls outgrow max_file_bytes: streamed from disk, record by record
        yield from read_warc_file(path, name, settings)
        return
    data = read_bytes(path, name, settings.max_file_bytes)
    kind = sniff_kind(path, name, data)
    reader = _reader(kind)
    if reader is None:
        raise RejectedInput(name, f"no reader installed for {kind} input")
    if kind in ("gzip", "warc"):
        yield from reader(path, name, data, settings)
    else:
        yield from reader(path, name, data)


def read_inputs(root: Path, settings: Settings) -> Iterator[RawDocument | Rejection]:
    """Every raw document under `root`, with a Rejection for each input that cannot be read."""
    for found in discover(root):
        if isinstance(found, Rejection):
            yield found
            continue
        path, name = found
        try:
            yield from read_file(path, name, settings)
        except RejectedInput as e:
            yield Rejection(e.file, e.reason, str(path))
