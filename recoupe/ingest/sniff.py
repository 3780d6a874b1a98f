"""Decide which reader applies to a file, from its first bytes and its extension."""

from __future__ import annotations

import re
from pathlib import Path

from recoupe.ingest.decode import looks_binary
from recoupe.model import RejectedInput

_TEXT_EXT = {".txt", ".text", ""}
_JSONL_EXT = {".jsonl", ".ndjson", ".json"}
_HTML_EXT = {".html", ".htm", ".xhtml"}
_FEED_EXT = {".rss", ".atom", ".xml"}
_WARC_EXT = {".warc"}
_KNOWN_BINARY = {
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x7fELF": "an executable",
}
_HTML_HEAD = re.compile(rb"^\s*(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html|<head|<body|<meta|<title)", re.I | re.S)
_FEED_HEAD = re.compile(rb"<(?:rss|feed|rdf:RDF)[\s>]", re.I)


def sniff_kind(path: Path, name: str, data: bytes) -> str:
    """Return the reader kind ('text', 'jsonl', 'html', 'feed', 'warc', 'gzip') or reject the file."""
    suffixes = [s.lower() for s in path.suffixes]
    ext = suffixes[-1] if suffixes else ""
    head = data[:4096]
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"WARC/"):
        return "warc"
    for magic, what in _KNOWN_BINARY.items():
        if head.startswith(magic):
            raise RejectedInput(name, f"unsupported format: {what}")
    if looks_binary(data):
        raise RejectedInput(name, "binary file, not text")
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<?xml") or ext in _FEED_EXT:
        if _FEED_HEAD.search(head):
            return "feed"
        if _HTML_HEAD.search(stripped.split(b"?>", 1)[-1]):
            return "html"
        if ext in _FEED_EXT:
            raise RejectedInput(name, "XML but not an RSS or Atom feed (no <rss>, <feed> or <rdf:RDF> element)")
    if _HTML_HEAD.match(stripped) or (ext in _HTML_EXT and stripped.startswith(b"<")):
        return "html"
    if ext in _HTML_EXT:
        raise RejectedInput(name, "has an HTML extension but does not start with HTML markup")
    if stripped.startswith(b"{") and (ext in _JSONL_EXT or ext in _TEXT_EXT):
        first = stripped.split(b"\n", 1)[0].strip()
        if ext in _JSONL_EXT or first.endswith(b"}"):
            return "jsonl"
    if ext in _JSONL_EXT:
        raise RejectedInput(name, "has a JSONL extension but its first line is not a JSON object")
    if ext in _WARC_EXT:
        raise RejectedInput(name, "has a WARC extension but no WARC/1.x header")
    return "text"
