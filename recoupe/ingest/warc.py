"""Reader for WARC and WARC.gz crawls (fastwarc): HTML pages of HTTP responses, other records skipped."""

from __future__ import annotations

import io
import logging
import stat
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from recoupe.ingest.html import decode_html, html_document
from recoupe.model import RawDocument, RejectedInput, Rejection
from recoupe.settings import Settings

log = logging.getLogger(__name__)

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_HEAD_BYTES = 4096


@dataclass(slots=True)
class HtmlRecord:
    """The HTML payload of one WARC response record."""

    index: int
    url: str | None
    warc_date: str | None
    charset: str | None
    payload: bytes


@dataclass(slots=True)
class Skipped:
    """A record that is not an HTML page (warcinfo, request, image, redirect...), counted, not read."""

    index: int
    why: str


def _decode_content(payload: bytes, encoding: str, limit: int) -> bytes | None:
    """Undo an HTTP Content-Encoding the crawler kept; None when unsupported or over the limit."""
    wbits = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}.get(encoding)
    if wbits is None:
        return None
    d = zlib.decompressobj(wbits)
    out = d.decompress(payload, limit + 1)
    return None if len(out) > limit else out


def is_warc_file(path: Path) -> bool:
    """True for a regular file that starts as a WARC, plain or gzipped (checked on its first bytes only)."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return False
        with path.open("rb") as fh:
            head = fh.read(_HEAD_BYTES)
    except OSError:
        return False
    if head.startswith(b"WARC/"):
        return True
    if not head.startswith(b"\x1f\x8b"):
        return False
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 16).startswith(b"WARC/")
    except zlib.error:
        return False


def iter_html_records(
    source: bytes | Path, name: str, settings: Settings | None = None
) -> Iterator[HtmlRecord | Skipped | Rejection]:
    """Walk a WARC (plain or gzipped) record by record: HTML pages, skipped records, damaged records.

    From a path the file is streamed from disk, whatever its size: only a record's payload is held in memory
    (at most `max_file_bytes`). From bytes, the HTML read in all is also capped at `max_decompressed_bytes`.
    """
    settings = settings or Settings()
    if isinstance(source, Path):
        with source.open("rb") as fh:
            yield from _iter_records(fh, name, settings, bounded=False)
    else:
        yield from _iter_records(io.BytesIO(source), name, settings, bounded=True)


def _iter_records(
    stream: BinaryIO, name: str, settings: Settings, bounded: bool
) -> Iterator[HtmlRecord | Skipped | Rejection]:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    total = 0
    index = 0
    records = ArchiveIterator(stream, parse_http=True, record_types=WarcRecordType.any_type)
    try:
        for record in records:
            index += 1
            rec_name = f"{name}#{index}"
            headers = record.headers
            if headers.get("Content-Length") is None:
                yield Rejection(rec_name, "truncated or malformed WARC record header (no Content-Length)", "")
                continue
            kind = (headers.get("WARC-Type") or "unknown").strip().lower()
            if kind not in ("response", "resource"):
                yield Skipped(index, kind)
                continue
            http = record.http_headers if record.is_http else None
            status = http.status_code if http is not None else None
            if http is not None and (status is None or not 200 <= status < 300):
                yield Skipped(index, f"HTTP {status}")
                continue
            ctype = (record.http_content_type if http is not None else headers.get("Content-Type")) or ""
            mime = ctype.split(";")[0].strip().lower()
            if mime not in _HTML_TYPES:
                yield Skipped(index, mime or "no content type")
                continue
            length = record.content_length
            if length > settings.max_file_bytes:
                yield Rejection(rec_name, f"WARC record too large ({length} bytes > max_file_bytes)", "")
                continue
            total += length
            if bounded and total > settings.max_decompressed_bytes:
                yield Rejection(
                    rec_name,
                    f"WARC holds more than {settings.max_decompressed_bytes} bytes of pages "
                    "(max_decompressed_bytes): this record and the rest were not read",
                    "",
                )
                return
            payload = record.reader.read()
            if len(payload) < length:
                yield Rejection(
                    rec_name, f"truncated WARC record: {len(payload)} of {length} payload bytes present", ""
                )
                continue
            encoding = (http.get("Content-Encoding") if http is not None else None) or "identity"
            encoding = encoding.strip().lower()
            if encoding not in ("identity", ""):
                decoded = _decode_content(payload, encoding, settings.max_file_bytes)
                if decoded is None:
                    yield Rejection(rec_name, f"HTTP payload in unsupported or oversized encoding {encoding!r}", "")
                    continue
                payload = decoded
            yield HtmlRecord(
                index, headers.get("WARC-Target-URI") or None, headers.get("WARC-Date"), record.http_charset, payload
            )
    except OSError as e:
        where = f"{name}#{index + 1}"
        if index == 0:
            raise RejectedInput(name, f"not a readable WARC ({e})") from e
        yield Rejection(where, f"damaged WARC: cannot read on from record {index + 1} ({e})", "")


def read_warc_file(path: Path, name: str, settings: Settings | None = None) -> Iterator[RawDocument | Rejection]:
    """`read_warc` streaming from disk: crawls are read whatever their size (records are still capped)."""
    return read_warc(path, name, None, settings)


def read_warc(
    path: Path, name: str, data: bytes | None, settings: Settings | None = None
) -> Iterator[RawDocument | Rejection]:
    """One raw article per HTML response record, named `file#N` (N counts every record of the file).

    With `data` None the file at `path` is streamed from disk.
    """
    skipped: Counter[str] = Counter()
    pages = 0
    for item in iter_html_records(path if data is None else data, name, settings):
        if isinstance(item, Skipped):
            skipped[item.why] += 1
            continue
        if isinstance(item, Rejection):
            item.source_path = str(path)
            pages += 1
            yield item
            continue
        pages += 1
        rec_name = f"{name}#{item.index}"
        extra = {"warc_record": item.index, "warc_date": item.warc_date}
        try:
            html, charset = decode_html(item.payload, rec_name, item.charset)
            extra["charset"] = charset
            yield html_document(html, rec_name, str(path), url=item.url, kind="warc", extra=extra)
        except RejectedInput as e:
            yield Rejection(rec_name, e.reason, str(path))
    summary = ", ".join(f"{n} {why}" for why, n in sorted(skipped.items()))
    if not pages:
        raise RejectedInput(name, f"WARC with no HTML page records (skipped: {summary or 'nothing'})")
    log.info("%s: %d HTML record(s) read, %d other record(s) skipped (%s)", name, pages, sum(skipped.values()), summary)
