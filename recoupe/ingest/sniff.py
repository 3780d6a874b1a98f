"""Decide which reader applies to a file, from its first bytes first and its extension second."""

from __future__ import annotations

import re
from pathlib import Path

from recoupe.ingest.decode import bom_encoding, looks_binary
from recoupe.model import RejectedInput

_TEXT_EXT = {".txt", ".text", ""}
_JSONL_EXT = {".jsonl", ".ndjson", ".json"}
_HTML_EXT = {".html", ".htm", ".xhtml", ".shtml"}
_FEED_EXT = {".rss", ".atom", ".xml"}
_WARC_EXT = {".warc", ".arc"}
# Magic numbers of formats we do not read, so the reason names the format.
_KNOWN_BINARY: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or DOCX/ODT/EPUB)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"RIFF", "a RIFF media file (WebP, WAV or AVI)"),
    (b"\x7fELF", "an executable"),
    (b"BZh91AY&SY", "a bzip2 archive (decompress it first)"),
    (b"\xfd7zXZ\x00", "an xz archive (decompress it first)"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x28\xb5\x2f\xfd", "a zstd archive (decompress it first)"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"{\\rtf", "an RTF document"),
)
_HTML_HEAD = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html|<head|<body|<meta|<title"
    rb"|<(?:article|div|p|section|main|h[1-6]|header)[\s>])",
    re.I | re.S,
)
_FEED_HEAD = re.compile(rb"<(?:rss|feed|rdf:RDF)[\s>]", re.I)


def _sniff_view(data: bytes) -> bytes:
    """The first bytes as UTF-8, so that UTF-16/32 files (with a byte-order mark) sniff like the rest."""
    head = data[:8192]
    encoding = bom_encoding(head)
    if encoding in ("utf-16", "utf-32"):
        return head.decode(encoding, errors="ignore").encode("utf-8")
    return head


def sniff_kind(path: Path, name: str, data: bytes) -> str:
    """Return the reader kind ('text', 'jsonl', 'html', 'feed', 'warc', 'gzip') or reject the file."""
    suffixes = [s.lower() for s in path.suffixes]
    ext = suffixes[-1] if suffixes else ""
    if data.startswith(b"\x1f\x8b"):
        return "gzip"
    if data.startswith(b"WARC/"):
        return "warc"
    for magic, what in _KNOWN_BINARY:
        if data.startswith(magic):
            raise RejectedInput(name, f"unsupported format: {what}")
    if data[257:262] == b"ustar":
        raise RejectedInput(name, "unsupported format: a tar archive")
    if looks_binary(data):
        raise RejectedInput(name, "binary file, not text")
    head = _sniff_view(data)[:4096]
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<?xml") or ext in _FEED_EXT:
        if _FEED_HEAD.search(head):
            return "feed"
        if _HTML_HEAD.search(stripped.split(b"?>", 1)[-1]):
            return "html"
        if ext in _FEED_EXT or stripped.startswith(b"<?xml"):
            raise RejectedInput(name, "XML but not an RSS or Atom feed (no <rss>, <feed> or <rdf:RDF> element)")
    if _HTML_HEAD.match(stripped) or (ext in _HTML_EXT and stripped.startswith(b"<")):
        return "html"
    if stripped.startswith(b"<") and _FEED_HEAD.match(stripped):
        return "feed"
    if ext in _HTML_EXT:
        raise RejectedInput(name, "has an HTML extension but does not start with HTML markup")
    if stripped.startswith(b"{") and (ext in _JSONL_EXT or ext in _TEXT_EXT):
        first = stripped.split(b"\n", 1)[0].strip()
        if ext in _JSONL_EXT or first.endswith(b"}"):
            return "jsonl"
    if ext in _JSONL_EXT:
        if stripped.startswith(b"["):
            raise RejectedInput(name, "a JSON array, not JSON Lines (write one JSON object per line)")
        raise RejectedInput(name, "has a JSONL extension but its first line is not a JSON object")
    if ext in _WARC_EXT:
        raise RejectedInput(name, "has a WARC extension but no WARC/1.x header")
    return "text"
