"""Cleaning: metadata prefix, scrape residue, outlet, broken lines, paragraphs, typography.

The cleaned text keeps the characters of the original (so quotations are reported as written);
`analysis_view` gives a same-length copy with typography normalised for the NLP stages.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from recoupe.model import Article, OffsetMap, Paragraph, RawDocument, RejectedInput

# One character for one character, so that offsets in the analysis view equal offsets in the text.
_TYPOGRAPHY = str.maketrans(
    {
        "\u2019": "'",  # ’
        "\u2018": "'",  # ‘ (kept distinct from quotation marks by position, see quotes.detect)
        "\u02bc": "'",
        "\u2032": "'",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u2007": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u200a": " ",
        "\u2005": " ",
        "\u2006": " ",
        "\u2004": " ",
        "\u2008": " ",
        "\t": " ",
        "\u2010": "-",
        "\u2011": "-",
    }
)

_DATE_PREFIX = re.compile(
    r"[\s\ufeff]*date\s*[:=]?\s*(\d{4}-\d{2}(?:-\d{2})?)(?:[T ]\d{2}:\d{2}(?::\d{2})?Z?)?(?=\s|\Z)\s*",
    re.IGNORECASE,
)

# Scrape residue is recognised by how a line starts, never by what follows a line break, so that
# cleaning cleaned text changes nothing.
_RESIDUE_START = re.compile(
    r"^(?:RELATED\b|(?:[AÀ]\s+)?lire\s+(?:aussi|également)\b|voir\s+aussi\b|abonnez[- ]vous\b"
    r"|inscrivez[- ]vous\b|suivez[- ]nous\b|t[ée]l[ée]chargez\s+(?:notre|l['’]application)\b"
    r"|retrouvez\s+(?:toute|tous|nos|notre|l['’]actualit)|partager\s+(?:sur|cet)\b|publicit[ée]\s*$"
    r"|cet\s+article\s+est\s+r[ée]serv[ée]|newsletter\b)",
    re.IGNORECASE,
)
_RELATED_OUTLET = re.compile(r"^RELATED\s+(?P<outlet>.+?)\s+[-–—|]\s+\S")
_READ_ALSO_OUTLET = re.compile(r"^(?:[AÀ]\s+)?lire\s+(?:aussi|également)\s+sur\s+(?P<outlet>.+?)\s*:", re.I)
_SUBSCRIBE_OUTLET = re.compile(
    r"^abonnez[- ]vous\s+(?:(?:à|a)\s+la\s+newsletter\s+|(?:à|a)\s+l['’]édition\s+)?"
    r"(?P<prep>à\s+|a\s+|au\s+|aux\s+|du\s+|de\s+|des\s+)(?P<outlet>.+?)"
    r"(?=\s+(?:pour|et|afin|dès|sur|sans)\b|\s*[:,.;!]|\s*$)",
    re.I,
)
_ARTICLE_FOR_PREP = {"au": "Le ", "du": "Le ", "aux": "Les ", "des": "Les "}

_TERMINAL = tuple(".!?…»\"”)")
_FUNCTION_WORDS = frozenset(
    "de des du la le les l d à au aux et ou en pour par sur sous dans avec sans un une que qui "
    "dont ce cette ces son sa ses leur leurs entre vers chez contre selon".split()
)
_HEADING_MAX_CHARS = 80


@dataclass(slots=True)
class _Line:
    start: int
    end: int
    text: str


def analysis_view(text: str) -> str:
    """Same-length copy of `text` with apostrophes, unusual spaces and hyphens normalised."""
    return text.translate(_TYPOGRAPHY)


def normalise_for_hash(text: str) -> str:
    """Typography-, case- and whitespace-insensitive form used to compare texts."""
    t = unicodedata.normalize("NFKC", analysis_view(text)).lower()
    return " ".join(t.split())


def content_hash(text: str) -> str:
    """Stable fingerprint of a text's normalised content."""
    return hashlib.sha256(normalise_for_hash(text).encode("utf-8")).hexdigest()


def _outlet_from_residue(line: str) -> str | None:
    for pattern in (_RELATED_OUTLET, _READ_ALSO_OUTLET):
        m = pattern.match(line)
        if m:
            return _tidy_outlet(m.group("outlet"))
    m = _SUBSCRIBE_OUTLET.match(line)
    if m:
        name = m.group("outlet").strip()
        prep = m.group("prep").strip().lower()
        if not name[:1].isupper():
            return None  # "notre newsletter", "nos alertes": no outlet named
        return _tidy_outlet(_ARTICLE_FOR_PREP.get(prep, "") + name)
    return None


def _tidy_outlet(name: str) -> str | None:
    name = analysis_view(name).strip(" \t-–—:|")
    name = " ".join(name.split())
    if not name or len(name) > 80 or not any(c.isalpha() for c in name):
        return None
    return name


def _split_lines(text: str, start: int) -> list[_Line]:
    lines: list[_Line] = []
    pos = start
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        end = n if nl < 0 else nl
        raw = text[pos:end]
        lead = len(raw) - len(raw.lstrip())
        stripped = raw.strip()
        s = pos + lead
        lines.append(_Line(s, s + len(stripped), stripped))
        if nl < 0:
            break
        pos = nl + 1
    return lines


def _ends_sentence(line: str) -> bool:
    return line.endswith(_TERMINAL)


def _starts_upper(line: str) -> bool:
    c = line[:1]
    return c.isupper() or c.isdigit()


def _joins(prev: str, nxt: str, blank_style: bool) -> bool:
    """Is the break between two adjacent non-blank lines a line broken mid-sentence?"""
    if _ends_sentence(prev):
        return False
    if blank_style:
        return True
    if not _starts_upper(nxt):
        return True
    last_word = re.split(r"[\s'’]", prev)[-1].lower()
    if last_word in _FUNCTION_WORDS:
        return True
    return len(prev) >= _HEADING_MAX_CHARS


def clean_text(text: str) -> tuple[str, OffsetMap, list[tuple[int, int]], str | None, str | None]:
    """Clean raw article text.

    Returns (cleaned text, offset map to the original, paragraph spans, outlet, published).
    """
    lines = _split_lines(text, 0)
    published: str | None = None
    # The metadata prefix stands at the start of the first content line (scrape residue may precede it).
    for k, line in enumerate(lines):
        if not line.text or _RESIDUE_START.match(line.text):
            continue
        m = _DATE_PREFIX.match(line.text)
        while m:
            published = published or m.group(1)
            cut = m.end()
            line = _Line(line.start + cut, line.end, line.text[cut:])
            m = _DATE_PREFIX.match(line.text) if line.text else None
        lines[k] = line
        if line.text and not _RESIDUE_START.match(line.text):
            break
    outlet: str | None = None
    blocks: list[list[_Line]] = []  # paragraphs as lists of lines
    current: list[_Line] = []
    blank_style = False
    seen_content = False
    pending_blank = False
    for line in lines:
        if not line.text:
            if seen_content:
                pending_blank = True
            continue
        if _RESIDUE_START.match(line.text):
            outlet = outlet or _outlet_from_residue(line.text)
            continue
        if seen_content and pending_blank:
            blank_style = True
        seen_content = True
        pending_blank = False
    # A second pass decides joins now that the separator style of the file is known.
    prev: _Line | None = None
    separated = True
    pending_blank = False
    for line in lines:
        if not line.text:
            pending_blank = True
            continue
        if _RESIDUE_START.match(line.text):
            separated = True
            continue
        if prev is None or separated or pending_blank or not _joins(prev.text, line.text, blank_style):
            if current:
                blocks.append(current)
            current = [line]
        else:
            current.append(line)
        prev = line
        separated = False
        pending_blank = False
    if current:
        blocks.append(current)

    out: list[str] = []
    offsets = OffsetMap()
    spans: list[tuple[int, int]] = []
    length = 0
    for b, block in enumerate(blocks):
        if b:
            out.append("\n\n")
            length += 2
        p_start = length
        for i, line in enumerate(block):
            if i:
                out.append(" ")
                length += 1
            offsets.add(length, line.start)
            out.append(line.text)
            length += len(line.text)
        spans.append((p_start, length))
    return "".join(out), offsets, spans, outlet, published


def clean_article(raw: RawDocument, order: int = 0) -> Article:
    """Turn a raw document into a cleaned Article; raises RejectedInput when nothing is left."""
    text, offsets, spans, outlet, published = clean_text(raw.text)
    if not text.strip():
        raise RejectedInput(raw.file, "no article text left after removing metadata and boilerplate")
    h = content_hash(text)
    paragraphs = [Paragraph(i, s, e, text[s:e]) for i, (s, e) in enumerate(spans)]
    return Article(
        id=h[:16],
        file=raw.file,
        source_path=raw.source_path,
        original_text=raw.text,
        text=text,
        analysis_text=analysis_view(text),
        paragraphs=paragraphs,
        offsets=offsets,
        content_hash=h,
        outlet=raw.outlet or outlet,
        published=raw.published or published,
        title=raw.title,
        url=raw.url,
        language=raw.language,
        kind=raw.kind,
        order=order,
    )
