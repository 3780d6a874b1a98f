"""Fuzzing with hypothesis: readers never let an exception out except RejectedInput; cleaning is safe.

Bounded example counts keep this in the default suite; tests/fuzz/ has the atheris harnesses for longer runs.
"""

from __future__ import annotations

import gzip
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from recoupe.clean import clean_article, clean_text
from recoupe.ingest import read_file
from recoupe.model import RawDocument, RejectedInput, Rejection
from recoupe.settings import Settings

SETTINGS = Settings(max_file_bytes=64 * 1024, max_decompressed_bytes=256 * 1024)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Starts that send bytes down each reader's path, so that fuzzing reaches past the sniffer.
PREFIXES = [
    b"",
    b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03",
    b"WARC/1.0\r\n",
    b"WARC/1.0\r\nWARC-Type: response\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: ",
    b'<?xml version="1.0"?><rss version="2.0"><channel><item><description>',
    b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><content type="html">',
    b"<!DOCTYPE html><html><body><p>",
    b'{"id": "1", "text": "',
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    "date: 2025-03-14\n\nÀ Sarthenay, « ".encode(),
]
EXTENSIONS = ["txt", "html", "xml", "rss", "jsonl", "warc", "warc.gz", "gz", "bin", ""]


def _read(data: bytes, ext: str) -> list[RawDocument | Rejection]:
    with tempfile.TemporaryDirectory() as tmp:
        name = f"fuzz.{ext}" if ext else "fuzz"
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            items = list(read_file(path, name, SETTINGS))
        except RejectedInput as e:
            assert e.file == name and e.reason
            return []
    assert items, "a file that is not rejected must yield at least one document or record rejection"
    for item in items:
        assert isinstance(item, RawDocument | Rejection)
        assert item.file == name or item.file.startswith(name + "#")
        if isinstance(item, Rejection):
            assert item.reason
    return items


def _clean_all(items: list[RawDocument | Rejection]) -> None:
    for item in items:
        if isinstance(item, RawDocument):
            try:
                clean_article(item)
            except RejectedInput:
                pass


@FUZZ
@given(prefix=st.sampled_from(PREFIXES), body=st.binary(max_size=3000), ext=st.sampled_from(EXTENSIONS))
@example(prefix=b"", body=b"", ext="txt")
@example(prefix=b"WARC/1.0\r\n", body=b"\r\n\r\n", ext="warc")
def test_readers_only_reject(prefix: bytes, body: bytes, ext: str) -> None:
    _clean_all(_read(prefix + body, ext))


@FUZZ
@given(prefix=st.sampled_from(PREFIXES[4:]), body=st.text(max_size=2000), ext=st.sampled_from(EXTENSIONS))
def test_readers_only_reject_on_text(prefix: bytes, body: str, ext: str) -> None:
    _clean_all(_read(prefix + body.encode("utf-8", "surrogatepass"), ext))


@FUZZ
@given(body=st.binary(max_size=2000), cut=st.integers(min_value=0, max_value=4000))
def test_gzip_of_anything_and_cut_gzip(body: bytes, cut: int) -> None:
    packed = gzip.compress(body)
    _clean_all(_read(packed, "gz"))
    _clean_all(_read(packed[:cut], "txt.gz"))


@FUZZ
@given(html=st.recursive(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
    lambda inner: st.builds(lambda tag, kids: f"<{tag}>{''.join(kids)}</{tag}>",
                            st.sampled_from(["div", "p", "article", "span", "b", "script", "table", "li"]),
                            st.lists(inner, max_size=4)),
    max_leaves=30,
))
def test_html_reader_on_random_trees(html: str) -> None:
    _clean_all(_read(("<html><body>" + html + "</body></html>").encode(), "html"))


# -- the cleaner -------------------------------------------------------------------------------------

LINES = [
    "date: 2025-03-14", "DATE 2025-03", "Abonnez-vous à notre newsletter", "RELATED Le Courrier - Autre titre",
    "Lire aussi sur Le Monde : un titre", "Publicité", "« Nous irons jusqu'au bout », a déclaré le maire.",
    "Le maire a déclaré", "que la ville", "Titre sans point", "", " ", "\t", "L’opposition dénonce un « budget »",
]
TEXTS = st.one_of(
    st.text(max_size=800),
    st.lists(st.one_of(st.sampled_from(LINES), st.text(max_size=60)), max_size=25).map("\n".join),
)


@settings(max_examples=300, deadline=None)
@given(text=TEXTS)
def test_clean_text_is_idempotent_and_maps_back(text: str) -> None:
    cleaned, offsets, spans, _, _ = clean_text(text)
    again = clean_text(cleaned)[0]
    assert again == cleaned
    for s, e in spans:
        assert 0 <= s <= e <= len(cleaned)
        assert cleaned[s:e].strip() == cleaned[s:e]
    anchors = list(zip(offsets.clean, offsets.orig, strict=True))
    for i, (c, o) in enumerate(anchors):
        end = anchors[i + 1][0] if i + 1 < len(anchors) else len(cleaned)
        chunk = cleaned[c:end].rstrip()  # a copied line, then the joiner clean_text put after it
        assert text[o : o + len(chunk)] == chunk
        for k in range(0, len(chunk), max(1, len(chunk) // 7)):
            assert text[offsets.to_original(c + k)] == cleaned[c + k]
