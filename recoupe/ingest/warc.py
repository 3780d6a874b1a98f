"""Reader for WARC and WARC.gz crawls (fastwarc): HTML pages of HTTP responses, other records skipped."""

from __future__ import annotations

import io
import logging
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from recoupe.ingest.html import decode_html, html_document
from recoupe.model import RawDocument, RejectedInput, Rejection
from recoupe.settings import Settings

log = logging.getLogger(__name__)

_HTML_TYPES = ("text/html", "application/xhtml+xml")


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


def iter_html_records(
    data: bytes, name: str, settings: Settings | None = None
) -> Iterator[HtmlRecord | Skipped | Rejection]:
    """Walk a WARC (plain or gzipped) record by record: HTML pages, skipped records, damaged records."""
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    settings = settings or Settings()
    total = 0
    index = 0
    records = ArchiveIterator(io.BytesIO(data), parse_http=True, record_types=WarcRecordType.any_type)
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
            if total > settings.max_decompressed_bytes:
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


def read_warc(
    path: Path, name: str, data: bytes, settings: Settings | None = None
) -> Iterator[RawDocument | Rejection]:
    """One raw article per HTML response record, named `file#N` (N counts every record of the file)."""
    skipped: Counter[str] = Counter()
    pages = 0
    for item in iter_html_records(data, name, settings):
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
