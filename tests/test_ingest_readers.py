"""The HTML, WARC, feed and gzip readers, and how a file's reader is chosen (by content first)."""

from __future__ import annotations

import gzip
import json
import logging
from pathlib import Path

import pytest
from test_bad_inputs import mbi

from recoupe.ingest import read_file
from recoupe.ingest.sniff import sniff_kind
from recoupe.model import RawDocument, RejectedInput, Rejection
from recoupe.settings import Settings

SETTINGS = Settings()
V = mbi.VARIANTS


def _read(path: Path, settings: Settings = SETTINGS) -> list[RawDocument | Rejection]:
    return list(read_file(path, path.name, settings))


def _docs(items: list[RawDocument | Rejection]) -> list[RawDocument]:
    return [d for d in items if isinstance(d, RawDocument)]


# -- sniffing ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("page.txt", b"<!DOCTYPE html><html><body><p>x</p></body></html>", "html"),
        ("page", b"  \n<html lang='fr'><p>x</p></html>", "html"),
        ("fragment.txt", b"<p>Un paragraphe.</p>", "html"),
        ("feed.txt", b"<rss version='2.0'><channel></channel></rss>", "feed"),
        ("feed.html", b"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'></feed>", "feed"),
        ("crawl.bin", b"WARC/1.1\r\nWARC-Type: warcinfo\r\n", "warc"),
        ("anything.txt", gzip.compress(b"x"), "gzip"),
        ("lines.txt", b'{"id": 1, "text": "x"}\n', "jsonl"),
        ("article.jsonl", b'{"text": "a"}\n', "jsonl"),
        ("article.txt", "Le maire a parlé.".encode(), "text"),
        ("utf16.html", "<html><body><p>é</p></body></html>".encode("utf-16"), "html"),
    ],
)
def test_reader_is_chosen_by_content(name: str, data: bytes, kind: str) -> None:
    assert sniff_kind(Path(name), name, data) == kind


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("a.txt", b"%PDF-1.7\n", "pdf"),
        ("a.txt", b"PK\x03\x04rest", "zip"),
        ("a.html", b"BZh91AY&SY\x00\x00", "bzip2"),
        ("a.txt", b"\xfd7zXZ\x00\x00", "xz"),
        ("a.xml", b"<?xml version='1.0'?><note/>", "not an rss or atom feed"),
        ("a.warc", b"not a warc", "no warc/1.x header"),
        ("a.json", b'[{"text": "x"}]', "json array"),
    ],
)
def test_unreadable_formats_are_named(name: str, data: bytes, words: str) -> None:
    with pytest.raises(RejectedInput) as e:
        sniff_kind(Path(name), name, data)
    assert words in e.value.reason.lower()
    assert e.value.file == name


# -- HTML --------------------------------------------------------------------------------------------


def test_html_page_gives_main_text_title_outlet_date(tmp_path: Path) -> None:
    page = tmp_path / "piscine.html"
    page.write_bytes(mbi.html_page(V[0] + "\n\n" + V[3], "La piscine rouvre", "Le Courrier", "2025-03-11"))
    (doc,) = _docs(_read(page))
    assert doc.kind == "html"
    assert doc.title == "La piscine rouvre"
    assert doc.outlet == "Le Courrier"
    assert doc.published == "2025-03-11"
    assert doc.text.split("\n\n") == [V[0], V[3]]  # one paragraph per <p>, title line and menus gone
    assert "Accueil" not in doc.text and "Mentions légales" not in doc.text


def test_html_in_windows_1252_declared_by_meta(tmp_path: Path) -> None:
    html = mbi.html_page(mbi.CP1252_FRENCH + "\n\n" + V[1], "Le préfet", "Le Courrier", None).decode()
    html = html.replace('charset="utf-8"', 'charset="windows-1252"')
    page = tmp_path / "prefet.htm"
    page.write_bytes(html.encode("cp1252"))
    (doc,) = _docs(_read(page))
    assert "l’erreur : « C’est un échec collectif" in doc.text
    assert doc.extra["charset"] == "cp1252"


# -- WARC --------------------------------------------------------------------------------------------


def _warc_pages() -> list[tuple[str, bytes]]:
    return [(f"https://courrier.example.org/{i}", mbi.html_page(v, f"Titre {i}", "Le Courrier", f"2025-03-1{i}"))
            for i, v in enumerate(V[:3])]


@pytest.mark.parametrize("compressed", [False, True])
def test_warc_reads_html_responses_and_skips_the_rest(
    tmp_path: Path, compressed: bool, caplog: pytest.LogCaptureFixture
) -> None:
    records = mbi.warc_of_pages(_warc_pages())
    records.insert(3, mbi.warc_record("response", "https://courrier.example.org/gone",
                                      mbi.http_response(b"<html>gone</html>", status="404 Not Found"),
                                      "application/http; msgtype=response"))
    path = tmp_path / ("crawl.warc.gz" if compressed else "crawl.warc")
    path.write_bytes(mbi.gzip_members(records) if compressed else b"".join(records))
    with caplog.at_level(logging.INFO, logger="recoupe.ingest.warc"):
        items = _read(path)
    docs = _docs(items)
    assert len(items) == len(docs) == 3
    # records: 1 warcinfo, 2 request, 3 response, 4 the 404, 5 request, 6 response, 7 request, 8 response
    assert [d.file for d in docs] == [f"{path.name}#3", f"{path.name}#6", f"{path.name}#8"]
    assert [d.text for d in docs] == V[:3]
    assert [d.url for d in docs] == [u for u, _ in _warc_pages()]
    assert [d.published for d in docs] == ["2025-03-10", "2025-03-11", "2025-03-12"]
    assert all(d.kind == "warc" and d.source_path == str(path) for d in docs)
    assert "3 HTML record(s) read, 5 other record(s) skipped (1 HTTP 404, 3 request, 1 warcinfo)" in caplog.text


def test_warc_records_over_the_size_limit_are_rejected_alone(tmp_path: Path) -> None:
    big = mbi.html_page(V[0] * 200, "Gros", "Le Courrier", None)
    pages = [("https://x.example.org/big", big), *_warc_pages()[1:]]
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(mbi.gzip_members(mbi.warc_of_pages(pages)))
    settings = Settings(max_file_bytes=len(big) - 1, max_decompressed_bytes=10 * len(big))
    items = _read(path, settings)
    assert [(type(i).__name__, i.file) for i in items] == [
        ("Rejection", "crawl.warc.gz#3"), ("RawDocument", "crawl.warc.gz#5"), ("RawDocument", "crawl.warc.gz#7")]
    assert "too large" in items[0].reason  # type: ignore[union-attr]


# -- feeds -------------------------------------------------------------------------------------------


def test_rss_items_with_content_or_marked_summary(tmp_path: Path) -> None:
    feed = mbi.rss_feed([
        {"title": "Piscine", "link": "https://c.example.org/1", "date": "Tue, 11 Mar 2025 23:30:00 -0500",
         "content": "<p>" + V[0] + "</p><p>" + V[3] + "</p>", "summary": "La piscine rouvre."},
        {"title": "Manifestation", "link": "https://c.example.org/2", "date": "Fri, 14 Mar 2025 08:00:00 GMT",
         "summary": V[1]},
    ])
    path = tmp_path / "flux.xml"
    path.write_bytes(feed)
    first, second = _docs(_read(path))
    assert (first.file, second.file) == ("flux.xml#1", "flux.xml#2")
    assert first.text == V[0] + "\n\n" + V[3] and first.extra["summary_only"] is False
    assert second.text == V[1] and second.extra["summary_only"] is True
    assert (first.published, second.published) == ("2025-03-11", "2025-03-14")  # the outlet's day, not UTC
    assert first.outlet == "Le Courrier de Sarthenay" and first.url == "https://c.example.org/1"
    assert first.title == "Piscine" and first.kind == "feed"


def test_atom_feed(tmp_path: Path) -> None:
    atom = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>La Gazette</title>'
        '<entry><title>Bus</title><id>urn:x:1</id><updated>2025-03-14T09:00:00+01:00</updated>'
        f'<link href="https://g.example.org/bus"/><content type="html">&lt;p&gt;{V[3]}&lt;/p&gt;</content></entry>'
        "</feed>"
    )
    path = tmp_path / "gazette.atom"
    path.write_text(atom, encoding="utf-8")
    (doc,) = _docs(_read(path))
    assert doc.text == V[3] and doc.outlet == "La Gazette" and doc.published == "2025-03-14"
    assert doc.external_id == "urn:x:1"


# -- gzip --------------------------------------------------------------------------------------------


def test_gzipped_inputs_are_read_by_their_inner_reader(tmp_path: Path) -> None:
    (tmp_path / "a.txt.gz").write_bytes(gzip.compress(V[0].encode()))
    (tmp_path / "b.html.gz").write_bytes(gzip.compress(mbi.html_page(V[1], "B", "Le Courrier", "2025-03-12")))
    lines = "".join(json.dumps({"id": str(i), "text": v}, ensure_ascii=False) + "\n" for i, v in enumerate(V[2:4]))
    (tmp_path / "c.jsonl.gz").write_bytes(gzip.compress(lines.encode()))
    (tmp_path / "d.gz").write_bytes(gzip.compress(gzip.compress(b"x")))
    (a,) = _docs(_read(tmp_path / "a.txt.gz"))
    assert a.text == V[0] and a.file == "a.txt.gz"
    (b,) = _docs(_read(tmp_path / "b.html.gz"))
    assert b.kind == "html" and b.text == V[1] and b.published == "2025-03-12"
    c = _docs(_read(tmp_path / "c.jsonl.gz"))
    assert [d.file for d in c] == ["c.jsonl.gz#1", "c.jsonl.gz#2"]
    with pytest.raises(RejectedInput, match="gzip inside gzip"):
        _read(tmp_path / "d.gz")


def test_multi_member_gzip_is_read_whole(tmp_path: Path) -> None:
    half = len(V[0]) // 2
    data = gzip.compress(V[0][:half].encode()) + gzip.compress(V[0][half:].encode())
    (tmp_path / "m.txt.gz").write_bytes(data)
    (doc,) = _docs(_read(tmp_path / "m.txt.gz"))
    assert doc.text == V[0]


def test_a_warc_larger_than_max_file_bytes_is_streamed(tmp_path: Path) -> None:
    """Crawls outgrow the per-file limit: a WARC is read from disk record by record, each record capped."""
    pages = [(f"https://x.example.org/{i}", mbi.html_page(V[i % len(V)] + f" Numéro {i}.", f"T{i}", None, None))
             for i in range(40)]
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(mbi.gzip_members(mbi.warc_of_pages(pages)))
    settings = Settings(max_file_bytes=path.stat().st_size // 4, max_decompressed_bytes=path.stat().st_size // 2)
    docs = _docs(_read(path, settings))
    assert len(docs) == 40
    assert docs[-1].text.endswith("Numéro 39.")
    with pytest.raises(RejectedInput, match="too large"):  # the same bytes as a plain text file are refused
        (tmp_path / "big.txt").write_bytes(b"x" * (path.stat().st_size // 4 + 1))
        _read(tmp_path / "big.txt", settings)
