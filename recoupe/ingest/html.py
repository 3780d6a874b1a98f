"""Reader for saved HTML pages: main text, title, outlet and date with trafilatura (htmldate inside)."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from recoupe.dates import normalise_date
from recoupe.ingest.decode import decode_text
from recoupe.model import RawDocument, RejectedInput

# libxml2 stops building the tree at 256 levels: whatever lies deeper is silently dropped.
_MAX_DEPTH = 255
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
_BLOCKS = ("p", "div", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "tr", "section", "article")


def decode_html(data: bytes, name: str, declared: str | None = None) -> tuple[str, str]:
    """HTML bytes to text: UTF-8, else the charset the page (or its HTTP header) declares, else a detected one."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    m = _META_CHARSET.search(data[:4096])
    for candidate in (declared, m.group(1).decode("ascii") if m else None):
        if not candidate:
            continue
        try:
            codec = codecs.lookup(candidate).name
            if codec.startswith("utf-8"):
                continue
            return data.decode(codec), codec
        except (LookupError, UnicodeDecodeError):
            continue
    return decode_text(data, name)


def _tree_depth(html: str) -> int:
    """Depth of the deepest element lxml builds from this page (capped by libxml2 at about 256)."""
    import lxml.html

    try:
        root = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return 0
    deepest = 0
    stack = [(root, 1)]
    while stack:
        el, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in el)
    return deepest


def _text_lines(text: str, title: str | None) -> str:
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    if lines and title and lines[0] == " ".join(title.split()):
        lines = lines[1:]
    return "\n\n".join(lines)


def html_document(
    html: str,
    name: str,
    source_path: str,
    url: str | None = None,
    kind: str = "html",
    extra: dict[str, Any] | None = None,
) -> RawDocument:
    """Main text and metadata of one HTML page; raises RejectedInput when the page holds no article text."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=False, deduplicate=False
        )
    except RecursionError as e:
        raise RejectedInput(name, "HTML nested too deeply to parse") from e
    except (ValueError, TypeError, AttributeError, LookupError) as e:
        # trafilatura and lxml raise these on markup they cannot build a tree from
        raise RejectedInput(name, f"HTML could not be parsed ({type(e).__name__}: {str(e)[:80]})") from e
    meta: dict[str, Any] = {}
    if doc is not None:
        fields = ("title", "text", "date", "url", "sitename")
        meta = doc if isinstance(doc, dict) else {k: getattr(doc, k, None) for k in fields}
    title = meta.get("title") or None
    body = _text_lines(meta.get("text") or "", title)
    if not body:
        depth = _tree_depth(html)
        if depth >= _MAX_DEPTH:
            raise RejectedInput(
                name, f"HTML nested too deeply (over {_MAX_DEPTH} levels): the parser drops the content below"
            )
        raise RejectedInput(name, "HTML page with no article text (no main content found)")
    info = dict(extra or {})
    if meta.get("date"):
        info["html_date"] = meta["date"]
    return RawDocument(
        file=name,
        source_path=source_path,
        text=body,
        kind=kind,
        title=title,
        url=url or meta.get("url") or None,
        outlet=meta.get("sitename") or None,
        published=normalise_date(meta.get("date")),
        extra=info,
    )


def fragment_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed item's content), one paragraph per block element."""
    import html as htmllib

    import lxml.etree
    import lxml.html

    if "<" not in fragment:
        return "\n\n".join(" ".join(p.split()) for p in htmllib.unescape(fragment).split("\n\n") if p.strip())
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return " ".join(re.sub(r"<[^>]*>", " ", htmllib.unescape(fragment)).split())
    for el in root.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in ("script", "style"):
            el.text = ""
        elif tag == "br":
            el.tail = "\n" + (el.tail or "")
        elif tag in _BLOCKS:
            el.text = "\n\n" + (el.text or "")
            el.tail = "\n\n" + (el.tail or "")
    text = root.text_content()
    paragraphs = (" ".join(p.split()) for p in re.split(r"\n\s*\n", text))
    return "\n\n".join(p for p in paragraphs if p)


def read_html(path: Path, name: str, data: bytes) -> Iterator[RawDocument]:
    """One raw article per HTML page."""
    html, charset = decode_html(data, name)
    yield html_document(html, name, str(path), extra={"charset": charset})
