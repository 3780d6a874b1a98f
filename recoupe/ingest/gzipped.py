"""Reader for gzip-compressed inputs: bounded decompression, then the reader of what is inside."""

from __future__ import annotations

import importlib
import zlib
from collections.abc import Iterator
from pathlib import Path

from recoupe.ingest.sniff import sniff_kind
from recoupe.model import RawDocument, RejectedInput, Rejection
from recoupe.settings import Settings

_CHUNK = 1 << 20
_SNIFF_BYTES = 8192
_INNER_SUFFIXES = (".gz", ".gzip", ".tgz")


def gunzip_chunks(data: bytes, name: str, limit: int) -> Iterator[bytes]:
    """Decompressed chunks of (possibly multi-member) gzip data, never more than `limit` bytes in all.

    Raises RejectedInput for corrupt or truncated data, trailing garbage, and output over the limit
    (a gzip bomb is stopped after `limit` bytes, whatever its header claims).
    """
    rest = data
    total = 0
    members = 0
    while rest:
        if not rest.startswith(b"\x1f\x8b"):
            if members and not rest.strip(b"\x00"):
                return  # zero padding after the last member, as some writers leave
            raise RejectedInput(name, f"corrupt gzip: {len(rest)} bytes of garbage after member {members}")
        decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
        buf = rest
        while not decomp.eof:
            try:
                chunk = decomp.decompress(buf, _CHUNK) if buf else decomp.flush()
            except zlib.error as e:
                raise RejectedInput(name, f"corrupt gzip data in member {members + 1} ({e})") from e
            buf = decomp.unconsumed_tail
            if chunk:
                total += len(chunk)
                if total > limit:
                    raise RejectedInput(
                        name,
                        f"gzip bomb refused: decompresses to more than {limit} bytes "
                        f"from {len(data)} compressed (raise max_decompressed_bytes if it is genuine)",
                    )
                yield chunk
            elif not buf and not decomp.eof:
                raise RejectedInput(name, f"truncated gzip: data ends inside member {members + 1}")
        members += 1
        rest = decomp.unused_data


def _inner_path(path: Path, name: str) -> tuple[Path, str]:
    for suffix in _INNER_SUFFIXES:
        if name.lower().endswith(suffix):
            inner = name[: -len(suffix)] + (".tar" if suffix == ".tgz" else "")
            return path.with_name(Path(inner).name), inner
    return path, name


def read_gzip(path: Path, name: str, data: bytes, settings: Settings) -> Iterator[RawDocument | Rejection]:
    """The documents inside a gzip file, read by the reader its decompressed content calls for.

    A gzipped WARC streams record by record (fastwarc decompresses it); anything else is decompressed
    in memory, up to `settings.max_decompressed_bytes`.
    """
    from recoupe.ingest import READERS

    inner_path, inner_name = _inner_path(path, name)
    chunks = gunzip_chunks(data, name, settings.max_decompressed_bytes)
    head_parts: list[bytes] = []
    size = 0
    for chunk in chunks:
        head_parts.append(chunk)
        size += len(chunk)
        if size >= _SNIFF_BYTES:
            break
    head = b"".join(head_parts)
    if not head:
        raise RejectedInput(name, "empty file (gzip of 0 bytes)")
    try:
        kind = sniff_kind(inner_path, inner_name, head)
    except RejectedInput as e:
        raise RejectedInput(name, f"inside gzip: {e.reason}") from e
    if kind == "gzip":
        raise RejectedInput(name, "gzip inside gzip: decompress the outer layer first")
    if kind == "warc":
        from recoupe.ingest.warc import read_warc

        yield from read_warc(path, name, data, settings)
        return
    inner = b"".join([head, *chunks])
    target = READERS.get(kind)
    if target is None:
        raise RejectedInput(name, f"no reader installed for {kind} input inside gzip")
    module, func = target.split(":")
    reader = getattr(importlib.import_module(module), func)
    yield from reader(path, name, inner)
