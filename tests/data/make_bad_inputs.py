"""The bad-input catalogue (docs/bad-inputs.md), as files: one or more per kind, with the verdict expected.

`python tests/data/make_bad_inputs.py` rewrites the small, deterministic files kept in tests/data/bad/;
`build_catalogue(folder)` writes the whole catalogue into any folder, including what cannot or should not
be checked in (a file over the size limit, a gzip bomb, a FIFO, a symlink loop, an unreadable file).
The tests run with CATALOGUE_SETTINGS, whose small limits keep the big cases small.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import shutil
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
BAD_DIR = HERE / "bad"

MAX_FILE_BYTES = 256 * 1024
MAX_DECOMPRESSED_BYTES = 1024 * 1024

FRENCH = (
    "Le maire de Sarthenay a présenté mardi le budget de la commune. « Nous irons jusqu'au bout de ce "
    "projet, quoi qu'il en coûte », a déclaré l'élu devant le conseil municipal réuni à l'hôtel de ville.\n\n"
    "L'opposition a dénoncé un budget « irréaliste » et réclamé un audit indépendant des finances de la ville, "
    "déjà très endettée après la rénovation du théâtre et de la piscine municipale."
)
# Distinct articles, so that no two good inputs of the catalogue are duplicates of each other.
VARIANTS = [
    "La piscine municipale de Sarthenay rouvrira en septembre après dix-huit mois de travaux. « Les bassins "
    "seront enfin aux normes », a assuré l'adjointe aux sports, qui promet des tarifs inchangés.",
    "Les agriculteurs de la vallée ont manifesté vendredi devant la préfecture. « On ne peut plus vivre de notre "
    "travail », a lancé le président du syndicat départemental, reçu pendant une heure par le préfet.",
    "Le festival de jazz de Lauzargues a battu son record de fréquentation avec 42 000 spectateurs. Les "
    "organisateurs parlent d'une « édition historique » et annoncent déjà la programmation de l'an prochain.",
    "La ligne de bus 12 sera prolongée jusqu'au nouveau quartier de la gare dès le mois prochain. La métropole "
    "assure que la fréquence passera à un bus toutes les dix minutes aux heures de pointe.",
    "Une fuite d'eau a privé d'eau courante trois cents foyers du centre-ville pendant toute la journée de "
    "mercredi. Les techniciens ont réparé la canalisation dans la soirée, selon le syndicat des eaux.",
    "Le collège Jean-Moulin accueillera une classe de musique à horaires aménagés à la rentrée. « C'est une "
    "chance pour les élèves », s'est félicitée la principale, qui attend une trentaine de candidatures.",
]
CP1252_FRENCH = (
    "Le préfet a reconnu l’erreur : « C’est un échec collectif, et j’en prends ma part », a-t-il déclaré "
    "jeudi. Le cœur du dispositif, doté de 12 millions d’euros (12 000 000 €), sera revu d’ici l’été."
)


@dataclass(slots=True)
class Expect:
    """The verdict one input (a file or a record `file#N`) must get."""

    name: str
    status: str  # "accepted", "duplicate" or "rejected"
    reason: str = ""  # a words the rejection reason must contain (lower case)


@dataclass(slots=True)
class Kind:
    """One row of the catalogue."""

    kind: str
    files: list[str]
    outcome: str
    expect: list[Expect] = field(default_factory=list)
    generated_at_test_time: bool = False


def catalogue_settings_kwargs() -> dict[str, int]:
    """The limits the catalogue is built for (Settings(**these))."""
    return {"max_file_bytes": MAX_FILE_BYTES, "max_decompressed_bytes": MAX_DECOMPRESSED_BYTES}


# -- formats ---------------------------------------------------------------------------------------


def warc_record(kind: str, uri: str, payload: bytes, content_type: str) -> bytes:
    """One WARC/1.0 record."""
    header = (
        f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{uuid.UUID(int=hash_int(uri + kind))}>\r\n"
        f"WARC-Date: 2025-03-14T10:00:00Z\r\nWARC-Target-URI: {uri}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(payload)}\r\n\r\n"
    ).encode()
    return header + payload + b"\r\n\r\n"


def hash_int(text: str) -> int:
    """A stable 128-bit number for a text (record ids must not change between runs)."""
    import hashlib

    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:16], "big")


def http_response(html: bytes, status: str = "200 OK", content_type: str = "text/html; charset=utf-8") -> bytes:
    """An HTTP/1.1 response carrying `html`."""
    head = f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(html)}\r\n\r\n"
    return head.encode() + html


def warc_of_pages(pages: list[tuple[str, bytes]], with_requests: bool = True) -> list[bytes]:
    """Records for pages (url, html): a warcinfo, then per page a request (optional) and its response."""
    info = b"software: recoupe-tests\r\nformat: WARC/1.0\r\n"
    records = [warc_record("warcinfo", "", info, "application/warc-fields")]
    for url, html in pages:
        if with_requests:
            request = f"GET {url} HTTP/1.1\r\nHost: example.org\r\n\r\n".encode()
            records.append(warc_record("request", url, request, "application/http; msgtype=request"))
        records.append(warc_record("response", url, http_response(html), "application/http; msgtype=response"))
    return records


def gzip_members(records: list[bytes]) -> bytes:
    """Records compressed one gzip member each, as crawlers write WARC.gz."""
    return b"".join(gzip.compress(r, mtime=0) for r in records)


def html_page(text: str, title: str, outlet: str | None = None, published: str | None = None) -> bytes:
    """A news page around an article's paragraphs: navigation, metadata, article, footer."""
    import html as h

    paras = "".join(f"<p>{h.escape(p)}</p>\n" for p in text.split("\n\n") if p.strip())
    meta = ""
    if outlet:
        meta += f'<meta property="og:site_name" content="{h.escape(outlet)}">'
    if published:
        meta += f'<meta property="article:published_time" content="{published}T08:00:00+01:00">'
    return (
        f'<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8"><title>{h.escape(title)}</title>{meta}</head>'
        f"<body><nav><a href='/'>Accueil</a> <a href='/politique'>Politique</a></nav>"
        f"<article><h1>{h.escape(title)}</h1>\n{paras}</article>"
        f"<footer>Mentions légales - Tous droits réservés</footer></body></html>"
    ).encode()


def rss_feed(items: list[dict[str, str]], title: str = "Le Courrier de Sarthenay") -> bytes:
    """An RSS 2.0 feed; an item with `content` gets content:encoded, else its `summary` as description."""
    import html as h

    parts = []
    for it in items:
        body = ""
        if it.get("content"):
            body += f"<content:encoded><![CDATA[{it['content']}]]></content:encoded>"
        if it.get("summary"):
            body += f"<description>{h.escape(it['summary'])}</description>"
        parts.append(
            f"<item><title>{h.escape(it['title'])}</title><link>{it['link']}</link><guid>{it['link']}</guid>"
            f"<pubDate>{it['date']}</pubDate>{body}</item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>{h.escape(title)}</title><link>https://courrier.example.org/</link>"
        f"<description>Actualité</description>{''.join(parts)}</channel></rss>"
    ).encode()


def _paragraphs_html(text: str) -> str:
    import html as h

    return "".join(f"<p>{h.escape(p)}</p>" for p in text.split("\n\n"))


# -- permissions -----------------------------------------------------------------------------------

_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH = 1, 2
_CAPABILITY_VERSION_3 = 0x20080522


@contextmanager
def permissions_enforced() -> Iterator[bool]:
    """Make `chmod 000` bite even for root, for the calling thread: drops CAP_DAC_OVERRIDE and
    CAP_DAC_READ_SEARCH from its effective set (capset(2)) and restores them on exit.

    Yields True when permissions are enforced (not root, or the drop worked), False otherwise.
    Capabilities are per thread: file reads happen in the main thread, which is the one dropped.
    """
    if os.geteuid() != 0:
        yield True
        return
    import ctypes

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                    ("inheritable", ctypes.c_uint32)]

    libc = ctypes.CDLL(None, use_errno=True)
    header = Header(_CAPABILITY_VERSION_3, 0)
    data = (Data * 2)()
    if libc.capget(ctypes.byref(header), data) != 0:
        yield False
        return
    saved = data[0].effective
    data[0].effective = saved & ~((1 << _CAP_DAC_OVERRIDE) | (1 << _CAP_DAC_READ_SEARCH))
    if libc.capset(ctypes.byref(header), data) != 0:
        yield False
        return
    try:
        yield True
    finally:
        data[0].effective = saved
        libc.capset(ctypes.byref(header), data)


# -- the catalogue ---------------------------------------------------------------------------------


def _static_files() -> dict[str, bytes]:
    """The deterministic, small files of the catalogue, by name."""
    rng = random.Random(6)
    pages = [("https://courrier.example.org/piscine", html_page(VARIANTS[0], "Piscine", "Le Courrier", "2025-03-11")),
             ("https://courrier.example.org/agriculteurs", html_page(
                 VARIANTS[1], "Les agriculteurs manifestent", "Le Courrier", "2025-03-13"))]
    full = warc_of_pages(pages)
    truncated = full[:-1] + [full[-1][: len(full[-1]) // 2]]
    logo = http_response(b"\x89PNG\r\n\x1a\n" + bytes(64), content_type="image/png")
    only_other = [full[0], full[1], warc_record("response", "https://courrier.example.org/logo.png", logo,
                                                "application/http; msgtype=response")]
    png = b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(200))
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w") as z:
        z.writestr(zipfile.ZipInfo("article.txt", date_time=(2025, 3, 14, 10, 0, 0)), FRENCH)
    good_gz = gzip.compress(FRENCH.encode(), mtime=0)
    deep = 2000
    files = {
        "binary.txt": bytes(range(256)) * 8,
        "latin1.txt": FRENCH.replace("’", "'").encode("latin-1"),
        "cp1252.txt": CP1252_FRENCH.encode("cp1252"),
        "utf16.txt": VARIANTS[2].encode("utf-16"),
        "undecodable.txt": bytes(rng.randrange(128, 256) for _ in range(3000)),
        "empty.txt": b"",
        "whitespace.txt": b" \n\t\r\n   \n\n",
        "boilerplate.txt": "date: 2025-03-14\n\nAbonnez-vous à notre newsletter\nPublicité\n".encode(),
        "truncated.warc.gz": gzip_members(truncated),
        "truncated-header.warc": b"".join(full[:2]) + full[2][:60],
        "not-a-warc.warc": FRENCH.encode(),
        "no-pages.warc.gz": gzip_members(only_other),
        "corrupt.txt.gz": b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + bytes(rng.randrange(256) for _ in range(300)),
        "truncated.txt.gz": good_gz[: len(good_gz) - 30],
        "trailing-garbage.txt.gz": good_gz + b"this is not gzip",
        "image.png.gz": gzip.compress(png, mtime=0),
        "no-text.html": b"<!DOCTYPE html><html><head><title>Galerie</title></head><body><div><img src='a.jpg'>"
        b"<img src='b.jpg'></div></body></html>",
        "nested.html": (b"<!DOCTYPE html><html><body>" + b"<div>" * deep + _paragraphs_html(FRENCH).encode()
                        + b"</div>" * deep + b"</body></html>"),
        "not-html.html": FRENCH.encode(),
        "malformed.rss": b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>x</titl',
        "empty-feed.xml": b'<?xml version="1.0"?><rss version="2.0"><channel><title>Vide</title></channel></rss>',
        "partial.rss": rss_feed([
            {"title": "Budget", "link": "https://c.example.org/1", "date": "Tue, 11 Mar 2025 08:00:00 +0100",
             "content": _paragraphs_html(VARIANTS[3])},
            {"title": "Sans texte", "link": "https://c.example.org/2", "date": "Wed, 12 Mar 2025 08:00:00 +0100"},
        ]),
        "data.xml": b'<?xml version="1.0"?><catalogue><livre id="1">Les Miserables</livre></catalogue>',
        "bad-line.jsonl": (
            json.dumps({"id": "a1", "source": "Le Courrier", "published": "2025-03-11T09:30:00+01:00",
                        "text": VARIANTS[4]}, ensure_ascii=False).encode()
            + b'\n{"id": "a2", "text": "unterminated\n'
        ),
        "no-text.jsonl": b'{"id": "b1", "title": "Sans corps", "source": "Le Courrier"}\n',
        "dup-ids.jsonl": (
            json.dumps({"id": "c1", "text": VARIANTS[5]}, ensure_ascii=False).encode() + b"\n"
            + json.dumps({"id": "c1", "text": FRENCH}, ensure_ascii=False).encode() + b"\n"
        ),
        "array.json": b'[{"id": "d1", "text": "Un article."}]',
        "doc.pdf": b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
        "archive.zip": zbuf.getvalue(),
        "image.png": png,
        "x-copy-of-latin1.txt": FRENCH.replace("’", "'").encode("latin-1"),
    }
    return files


def catalogue() -> list[Kind]:
    """Every kind of bad input, with its files and the verdicts they must get."""
    r, a, d = "rejected", "accepted", "duplicate"
    return [
        Kind("binary data", ["binary.txt"], "rejected", [Expect("binary.txt", r, "binary")]),
        Kind("Latin-1 text (not UTF-8)", ["latin1.txt"], "decoded (charset-normalizer)",
             [Expect("latin1.txt", a)]),
        Kind("Windows-1252 text (curly quotes, €, œ)", ["cp1252.txt"], "decoded (charset-normalizer)",
             [Expect("cp1252.txt", a)]),
        Kind("UTF-16 text with a byte-order mark", ["utf16.txt"], "decoded (BOM)", [Expect("utf16.txt", a)]),
        Kind("undecodable bytes (invalid UTF-8, no charset fits)", ["undecodable.txt"], "rejected",
             [Expect("undecodable.txt", r, "no other charset fits")]),
        Kind("empty file", ["empty.txt"], "rejected", [Expect("empty.txt", r, "empty file")]),
        Kind("whitespace only", ["whitespace.txt"], "rejected", [Expect("whitespace.txt", r, "whitespace-only")]),
        Kind("only metadata and boilerplate", ["boilerplate.txt"], "rejected",
             [Expect("boilerplate.txt", r, "no article text left")]),
        Kind("over the size limit", ["oversize.txt"], "rejected", [Expect("oversize.txt", r, "too large")], True),
        Kind("truncated WARC record (WARC.gz cut in a record)", ["truncated.warc.gz"],
             "good records read, the cut one rejected",
             [Expect("truncated.warc.gz#3", a), Expect("truncated.warc.gz#5", r, "truncated warc record")]),
        Kind("WARC cut inside a record header", ["truncated-header.warc"], "rejected",
             [Expect("truncated-header.warc#3", r, "truncated or malformed warc record header")]),
        Kind("WARC extension, not a WARC", ["not-a-warc.warc"], "rejected",
             [Expect("not-a-warc.warc", r, "no warc/1.x header")]),
        Kind("WARC without any HTML page", ["no-pages.warc.gz"], "rejected (records skipped and counted)",
             [Expect("no-pages.warc.gz", r, "no html page records")]),
        Kind("corrupt gzip", ["corrupt.txt.gz"], "rejected", [Expect("corrupt.txt.gz", r, "corrupt gzip")]),
        Kind("truncated gzip", ["truncated.txt.gz"], "rejected", [Expect("truncated.txt.gz", r, "truncated gzip")]),
        Kind("gzip with trailing garbage", ["trailing-garbage.txt.gz"], "rejected",
             [Expect("trailing-garbage.txt.gz", r, "garbage after member")]),
        Kind("gzip bomb", ["bomb.txt.gz"], "rejected (bounded decompression)",
             [Expect("bomb.txt.gz", r, "gzip bomb")], True),
        Kind("gzip of a binary file", ["image.png.gz"], "rejected",
             [Expect("image.png.gz", r, "inside gzip: unsupported format: a png image")]),
        Kind("HTML with no text", ["no-text.html"], "rejected", [Expect("no-text.html", r, "no article text")]),
        Kind("deeply nested HTML", ["nested.html"], "rejected", [Expect("nested.html", r, "nested too deeply")]),
        Kind("HTML extension, not HTML", ["not-html.html"], "rejected",
             [Expect("not-html.html", r, "does not start with html markup")]),
        Kind("malformed feed", ["malformed.rss"], "rejected", [Expect("malformed.rss", r, "malformed feed")]),
        Kind("feed with no items", ["empty-feed.xml"], "rejected", [Expect("empty-feed.xml", r, "no items")]),
        Kind("feed item with neither content nor summary", ["partial.rss"], "good items read, the empty one rejected",
             [Expect("partial.rss#1", a), Expect("partial.rss#2", r, "neither content nor summary")]),
        Kind("XML that is not a feed", ["data.xml"], "rejected", [Expect("data.xml", r, "not an rss or atom feed")]),
        Kind("JSONL with a bad line", ["bad-line.jsonl"], "good lines read, the bad line rejected",
             [Expect("bad-line.jsonl#1", a), Expect("bad-line.jsonl#2", r, "not valid json")]),
        Kind("JSONL line missing `text`", ["no-text.jsonl"], "rejected",
             [Expect("no-text.jsonl#1", r, "missing 'text'")]),
        Kind("JSONL with duplicate ids", ["dup-ids.jsonl"], "first read, the repeat rejected",
             [Expect("dup-ids.jsonl#1", a), Expect("dup-ids.jsonl#2", r, "duplicate id")]),
        Kind("JSON array instead of JSON Lines", ["array.json"], "rejected",
             [Expect("array.json", r, "json array, not json lines")]),
        Kind("PDF", ["doc.pdf"], "rejected", [Expect("doc.pdf", r, "pdf document")]),
        Kind("ZIP archive", ["archive.zip"], "rejected", [Expect("archive.zip", r, "zip archive")]),
        Kind("image", ["image.png"], "rejected", [Expect("image.png", r, "png image")]),
        Kind("exact duplicate of another input", ["x-copy-of-latin1.txt"], "kept as a duplicate, not analysed twice",
             [Expect("x-copy-of-latin1.txt", d)]),
        Kind("unreadable file (permission denied)", ["unreadable.txt"], "rejected",
             [Expect("unreadable.txt", r, "permission denied")], True),
        Kind("named pipe (FIFO) in the corpus", ["pipe.txt"], "rejected",
             [Expect("pipe.txt", r, "not a regular file")], True),
        Kind("symlink loop in the corpus folder", ["loop/again"], "rejected, the walk goes on",
             [Expect("loop/again", r, "symlink loop")], True),
        Kind("symlink pointing at itself", ["self.txt"], "rejected", [Expect("self.txt", r, "symbolic links")], True),
        Kind("dangling symlink", ["dangling.txt"], "rejected", [Expect("dangling.txt", r, "broken")], True),
    ]


def write_static(folder: Path) -> list[Path]:
    """Write the deterministic files of the catalogue into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, data in _static_files().items():
        path = folder / name
        path.write_bytes(data)
        out.append(path)
    return out


def write_generated(folder: Path) -> None:
    """Write the inputs made at test time: over-size, gzip bomb, unreadable, FIFO, symlinks."""
    line = ("Le conseil municipal a voté le budget. " * 3 + "\n").encode()
    reps = MAX_FILE_BYTES // len(line) + 10
    (folder / "oversize.txt").write_bytes(line * reps)
    bomb = folder / "bomb.txt.gz"
    with gzip.GzipFile(bomb, "wb", mtime=0) as comp:
        block = line * 1000
        for _ in range(MAX_DECOMPRESSED_BYTES * 4 // len(block)):
            comp.write(block)
    assert bomb.stat().st_size < MAX_FILE_BYTES  # small on disk, four times the limit once decompressed
    unreadable = folder / "unreadable.txt"
    unreadable.write_text(FRENCH.replace("Sarthenay", "Lauzargues"), encoding="utf-8")
    unreadable.chmod(0)
    os.mkfifo(folder / "pipe.txt")
    (folder / "loop").mkdir()
    (folder / "loop" / "again").symlink_to("..", target_is_directory=True)
    (folder / "self.txt").symlink_to("self.txt")
    (folder / "dangling.txt").symlink_to("missing-target.txt")


def build_catalogue(folder: Path) -> list[Kind]:
    """Write the whole catalogue into `folder` (created) and return its rows."""
    write_static(folder)
    write_generated(folder)
    return catalogue()


def main() -> None:
    """Rewrite tests/data/bad/ from scratch."""
    if BAD_DIR.exists():
        shutil.rmtree(BAD_DIR)
    paths = write_static(BAD_DIR)
    print(f"wrote {len(paths)} files to {BAD_DIR}")


if __name__ == "__main__":
    main()
