"""WARC throughput: recoupe's WARC reader against plain warcio iteration, on the same generated WARC.gz.

Generates a WARC.gz of PAGES news pages (a warcinfo record, then a request and a response per page, one
gzip member per record, as crawlers write them), then times on that one file:
- baseline: warcio's ArchiveIterator reading the payload of every HTML response (no parsing);
- recoupe, same work: recoupe.ingest.warc.iter_html_records (fastwarc, streaming the file) reading every
  HTML payload;
- recoupe, whole reader: read_file on the WARC.gz, i.e. the above plus trafilatura's text and metadata.
Prints pages/s for each; the last line is the same-work ratio, `speedup_vs_warcio=…`.
Usage: python benchmarks/bench_ingest.py [PAGES]
"""

from __future__ import annotations

import gzip
import html
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

WORDS = (
    "le la les un une des du de maire préfète conseil municipal budget piscine école usine rocade marché port "
    "festival santé bus gare quartier ville habitants élus opposition majorité projet travaux dossier vote "
    "pétition réunion commune région emploi salariés syndicat grève accord chantier retard millions euros"
).split()


def _record(kind: str, uri: str, payload: bytes, ctype: str, n: int) -> bytes:
    head = (
        f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{n:012d}>\r\n"
        f"WARC-Date: 2025-03-14T10:00:00Z\r\nWARC-Target-URI: {uri}\r\nContent-Type: {ctype}\r\n"
        f"Content-Length: {len(payload)}\r\n\r\n"
    ).encode()
    return gzip.compress(head + payload + b"\r\n\r\n", compresslevel=6, mtime=0)


def _page(rng: random.Random, i: int) -> bytes:
    paras = "".join(
        "<p>" + html.escape(" ".join(rng.choice(WORDS) for _ in range(rng.randrange(30, 70))).capitalize()) + ".</p>"
        for _ in range(rng.randrange(4, 9))
    )
    body = (
        f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Article {i}</title>'
        f'<meta property="og:site_name" content="Le Courrier"><meta property="article:published_time" '
        f'content="2025-03-{1 + i % 28:02d}T08:00:00+01:00"></head><body><nav><a href="/">Accueil</a></nav>'
        f"<article><h1>Article {i}</h1>{paras}</article><footer>Mentions légales</footer></body></html>"
    ).encode()
    return b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n" % len(body) + body


def make_warc(path: Path, pages: int) -> None:
    """Write a WARC.gz of `pages` generated news pages."""
    rng = random.Random(42)
    with path.open("wb") as fh:
        fh.write(_record("warcinfo", "", b"software: bench_ingest\r\n", "application/warc-fields", 0))
        for i in range(pages):
            url = f"https://courrier.example.org/{i}"
            request = f"GET /{i} HTTP/1.1\r\nHost: courrier.example.org\r\n\r\n".encode()
            fh.write(_record("request", url, request, "application/http; msgtype=request", 2 * i + 1))
            fh.write(_record("response", url, _page(rng, i), "application/http; msgtype=response", 2 * i + 2))


def warcio_pages(path: Path) -> int:
    """Baseline: warcio iteration, reading the payload of every HTML response."""
    from warcio.archiveiterator import ArchiveIterator

    n = 0
    with path.open("rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type != "response" or record.http_headers is None:
                continue
            if not (record.http_headers.get_header("Content-Type") or "").startswith("text/html"):
                continue
            record.content_stream().read()
            n += 1
    return n


def recoupe_pages(path: Path) -> int:
    """recoupe's WARC layer doing the same work: every HTML response's payload."""
    from recoupe.ingest.warc import HtmlRecord, iter_html_records

    return sum(isinstance(r, HtmlRecord) for r in iter_html_records(path, path.name))


def recoupe_documents(path: Path) -> int:
    """recoupe's whole reader: payloads plus trafilatura's main text and metadata."""
    from recoupe.ingest import read_file
    from recoupe.model import RawDocument
    from recoupe.settings import Settings

    return sum(isinstance(d, RawDocument) for d in read_file(path, path.name, Settings()))


def best_of(fn: Callable[[Path], int], path: Path, repeats: int) -> tuple[float, int]:
    """Best wall time over `repeats` runs, and the page count (the same each time)."""
    times, count = [], 0
    for _ in range(repeats):
        start = time.perf_counter()
        count = fn(path)
        times.append(time.perf_counter() - start)
    return min(times), count


def main() -> None:
    """Generate the WARC.gz, time the three readers, print the ratio last."""
    pages = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.warc.gz"
        make_warc(path, pages)
        size = path.stat().st_size
        print(f"WARC.gz: {pages} pages, {2 * pages + 1} records, {size / 1e6:.1f} MB compressed")
        t_warcio, n_warcio = best_of(warcio_pages, path, 3)
        t_recoupe, n_recoupe = best_of(recoupe_pages, path, 3)
        assert n_warcio == n_recoupe == pages, (n_warcio, n_recoupe)
        print(f"warcio iteration (baseline):      {pages / t_warcio:9.0f} pages/s  ({t_warcio:.3f} s)")
        print(f"recoupe WARC layer (fastwarc):    {pages / t_recoupe:9.0f} pages/s  ({t_recoupe:.3f} s)")
        t_full, n_full = best_of(recoupe_documents, path, 1)
        assert n_full == pages, n_full
        print(f"recoupe reader incl. trafilatura: {pages / t_full:9.0f} pages/s  ({t_full:.3f} s)")
        print(f"full_reader_vs_warcio={t_warcio / t_full:.3f}")
        print(f"speedup_vs_warcio={t_warcio / t_recoupe:.2f}")


if __name__ == "__main__":
    main()
