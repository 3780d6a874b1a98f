"""Near-duplicate articles and reused passages: MinHash + LSH candidates, verified exactly.

Exact duplicates (same normalised text) never reach this stage: the pipeline separates them by
content hash before analysis. Here, two articles are near-duplicates when each shares at least
`near_duplicate_threshold` of its word shingles with the other (the gold convention: "both share
at least half of their text"); a passage is a paragraph found, verbatim or nearly, in several articles.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence

import numpy as np
import xxhash

from recoupe.minhash import band_keys, candidate_pairs, shingle_hashes, signatures, sorted_unique, text_word_hashes
from recoupe.model import Article, Paragraph, Passage, PassageOccurrence
from recoupe.settings import Settings

# Scrape residue and site furniture: never content, whatever else two articles share.
_BOILERPLATE = re.compile(
    r"^\W*(?:RELATED\b|(?:[AÀ]\s+)?lire\s+(?:aussi|également)\b|voir\s+aussi\b|abonnez[- ]vous\b"
    r"|inscrivez[- ]vous\b|suivez[- ]nous\b|t[ée]l[ée]chargez\b|retrouvez\b|partager\b|publicit[ée]\b"
    r"|cet\s+article\s+est\s+r[ée]serv[ée]|newsletter\b|cr[ée]dit\s+photo\b|©)",
    re.IGNORECASE,
)
_TYPOGRAPHY = (("\u2019", "'"), ("\u2018", "'"), ("\u02bc", "'"), ("\u00a0", " "), ("\u202f", " "))
# Non-ASCII punctuation left after NFKC: spaces, so that words are runs of letters and digits
_SYMBOLS = "«»“”„‹›–—‐‑•·€°©®™§¶†‡′″‘’"
# The same words as minhash.text_word_hashes finds on the bytes: ASCII letters, digits, '_' or any non-ASCII
_WORD = re.compile(r"[0-9a-zA-Z_\u0080-\U0010ffff]+")
_CHUNK = 4096  # documents per signature batch: bounds memory whatever the corpus size
_PASSAGE_SHINGLE = 3  # paragraphs are short: smaller shingles tolerate a changed word
# Paragraphs have a few dozen shingles: a short signature keeps its bins filled (densified bins of a
# mostly empty signature agree too easily), and 8 bands of 2 rows still find 99.5% of pairs at J = 0.7.
_PASSAGE_PERM, _PASSAGE_BANDS, _PASSAGE_ROWS = 16, 8, 2


def fold(text: str) -> str:
    """Lowercase NFKC text with typographic apostrophes and spaces unified and non-ASCII punctuation blanked."""
    for old, new in _TYPOGRAPHY:  # str.replace beats str.translate by far on mostly-ASCII text
        if old in text:
            text = text.replace(old, new)
    text = unicodedata.normalize("NFKC", text).lower()
    if not text.isascii():
        for sym in _SYMBOLS:
            if sym in text:
                text = text.replace(sym, " ")
    return text


def words(text: str) -> list[str]:
    """The words of a text, case-, typography- and punctuation-insensitive."""
    return _WORD.findall(fold(text))


def normalise(text: str) -> str:
    """Case-, typography-, punctuation- and spacing-insensitive form of a text (words joined by spaces)."""
    return " ".join(words(text))


def is_boilerplate(paragraph: str) -> bool:
    """Is this paragraph site furniture (related links, subscription prompts) rather than content?"""
    return bool(_BOILERPLATE.match(paragraph))


def content_paragraphs(article: Article) -> list[tuple[int, str]]:
    """(paragraph index, normalised words) of the article's paragraphs that are not boilerplate."""
    out = []
    for p in article.paragraphs:
        raw = article.analysis_text[p.start : p.end]
        if raw.strip() and not is_boilerplate(raw):
            norm = normalise(raw)
            if norm:
                out.append((p.index, norm))
    return out


def article_content(article: Article) -> str:
    """The article's content paragraphs (boilerplate left out), one per line."""
    text = article.analysis_text
    return "\n".join(raw for p in article.paragraphs if not is_boilerplate(raw := text[p.start : p.end]))


def article_words(article: Article) -> list[str]:
    """The normalised words of an article's content paragraphs."""
    return words(article_content(article))


def _chunks(n: int, size: int) -> Iterator[range]:
    for s in range(0, n, size):
        yield range(s, min(n, s + size))


TextOf = Callable[[int], str]  # the text of document i, computed when asked (never all kept)


class _Shingler:
    """Shingle hashes of documents, batch-first and vectorised; texts are never all held at once."""

    def __init__(self, k: int, text_of: TextOf) -> None:
        self.k = k
        self.text_of = text_of

    def batch(self, ids: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """Shingle hashes of the documents `ids` and the position (within `ids`) each belongs to."""
        wh, bounds = text_word_hashes([fold(self.text_of(i)) for i in ids])
        return shingle_hashes(wh, bounds, self.k)

    def candidates(self, n: int, num_perm: int, bands: int, rows: int) -> np.ndarray:
        """Index pairs of the n documents that share an LSH band of their MinHash signatures.

        On the way, keeps each document's sorted distinct shingle hashes (32 bits: compact, and
        collisions are negligible at these set sizes) for the exact check, in one flat array.
        """
        keys = np.zeros((n, bands), dtype=np.uint64)
        valid = np.zeros(n, dtype=bool)
        values: list[np.ndarray] = []
        counts = np.zeros(n, dtype=np.int64)
        for chunk in _chunks(n, _CHUNK):
            h, doc_of = self.batch(chunk)
            sig = signatures(h, doc_of, len(chunk), num_perm)
            keys[chunk.start : chunk.stop] = band_keys(sig, bands, rows)
            valid[chunk.start : chunk.stop] = np.bincount(doc_of, minlength=len(chunk)) > 0
            # one sort of (document, hash) packed in 64 bits, document in the high bits
            packed = sorted_unique((doc_of.astype(np.uint64) << np.uint64(32)) | (h >> np.uint64(32)))
            values.append((packed & np.uint64(0xFFFFFFFF)).astype(np.uint32))
            owner = (packed >> np.uint64(32)).astype(np.int64)
            counts[chunk.start : chunk.stop] = np.bincount(owner, minlength=len(chunk))
        self.values = np.concatenate(values) if values else np.zeros(0, dtype=np.uint32)
        self.offsets = np.concatenate(([0], np.cumsum(counts)))
        return candidate_pairs(keys, valid)

    def set_of(self, i: int) -> np.ndarray:
        """Sorted distinct shingle hashes of document i (after `candidates`)."""
        return self.values[self.offsets[i] : self.offsets[i + 1]]


def lsh_band_keys(texts: Sequence[str], shingle_size: int, num_perm: int, bands: int, rows: int) -> list[list[int]]:
    """LSH band keys of each text's MinHash signature, shingled as this module does (none for a text without a shingle).

    `minhash.band_keys` mixes the band number into each key, so keys of different bands differ.
    """
    out: list[list[int]] = []
    shingler = _Shingler(shingle_size, lambda i: texts[i])
    for chunk in _chunks(len(texts), _CHUNK):
        h, doc_of = shingler.batch(chunk)
        keys = band_keys(signatures(h, doc_of, len(chunk), num_perm), bands, rows)
        valid = np.bincount(doc_of, minlength=len(chunk)) > 0
        out.extend(keys[i].tolist() if valid[i] else [] for i in range(len(chunk)))
    return out


def article_band_keys(articles: Sequence[Article], settings: Settings) -> list[list[int]]:
    """The LSH band keys `near_duplicate_pairs` buckets each article by."""
    s = settings
    return lsh_band_keys([article_content(a) for a in articles], s.shingle_size, s.num_perm, s.lsh_bands, s.lsh_rows)


def paragraph_band_keys(paragraphs: Sequence[str]) -> list[list[int]]:
    """The LSH band keys `reused_passages` buckets each paragraph (as analysed, not normalised) by."""
    return lsh_band_keys(paragraphs, _PASSAGE_SHINGLE, _PASSAGE_PERM, _PASSAGE_BANDS, _PASSAGE_ROWS)


def _overlap(a: np.ndarray, b: np.ndarray) -> int:
    return int(np.intersect1d(a, b, assume_unique=True).size)


def near_duplicate_pairs(articles: Sequence[Article], settings: Settings) -> list[tuple[str, str, float]]:
    """Pairs of article ids sharing at least half their text, with their similarity.

    The similarity is the smaller of the two containments |A ∩ B| / |A| and |A ∩ B| / |B| over the
    articles' word shingles: LSH only proposes candidates, every pair returned was checked exactly.
    """
    if len(articles) < 2:
        return []
    shingler = _Shingler(settings.shingle_size, lambda i: article_content(articles[i]))
    cands = shingler.candidates(len(articles), settings.num_perm, settings.lsh_bands, settings.lsh_rows)
    out: list[tuple[str, str, float]] = []
    for i, j in cands.tolist():
        a, b = shingler.set_of(i), shingler.set_of(j)
        if not a.size or not b.size:
            continue
        inter = _overlap(a, b)
        sim = min(inter / a.size, inter / b.size)
        if sim >= settings.near_duplicate_threshold:
            x, y = sorted((articles[i].id, articles[j].id))
            out.append((x, y, round(sim, 4)))
    out.sort()
    return out


def _paragraph(article: Article, index: int) -> Paragraph:
    para = article.paragraphs[index] if index < len(article.paragraphs) else None
    if para is None or para.index != index:
        para = next(p for p in article.paragraphs if p.index == index)
    return para


def _seen_key(article: Article) -> tuple[bool, str, int]:
    """Sort key of 'who had it first': dated before undated, then by date, then by input order."""
    return (article.published is None, article.published or "", article.order)


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def reused_passages(articles: Sequence[Article], settings: Settings) -> list[Passage]:
    """Paragraphs shared verbatim or nearly by several articles, grouped, earliest occurrence first_seen.

    Paragraphs are compared after normalisation (case, typography, punctuation, spacing); two
    paragraphs are the same passage when their word-trigram Jaccard similarity reaches
    `passage_similarity`. Paragraphs shorter than `passage_min_chars` and boilerplate are ignored.
    """
    items: list[tuple[int, int]] = []  # (article position, paragraph index)
    first_of: dict[int, int] = {}  # hash of the normalised text -> first item with it
    uf = _UnionFind(0)
    for pos, art in enumerate(articles):
        for idx, norm in content_paragraphs(art):
            if len(norm) >= settings.passage_min_chars:
                k = len(items)
                items.append((pos, idx))
                uf.parent.append(k)
                j = first_of.setdefault(xxhash.xxh64_intdigest(norm.encode("utf-8")), k)
                if j != k:
                    uf.union(j, k)
    if len(items) < 2:
        return []

    def paragraph_text(k: int) -> str:
        art = articles[items[k][0]]
        para = _paragraph(art, items[k][1])
        return art.analysis_text[para.start : para.end]

    # near-verbatim copies: MinHash + LSH over word trigrams, then an exact Jaccard check
    shingler = _Shingler(_PASSAGE_SHINGLE, paragraph_text)
    cands = shingler.candidates(len(items), _PASSAGE_PERM, _PASSAGE_BANDS, _PASSAGE_ROWS)
    cands = cands[np.fromiter((items[i][0] != items[j][0] for i, j in cands.tolist()), dtype=bool, count=len(cands))]
    for i, j in cands.tolist():
        if uf.find(i) == uf.find(j):
            continue
        a, b = shingler.set_of(i), shingler.set_of(j)
        inter = _overlap(a, b)
        if inter / (a.size + b.size - inter) >= settings.passage_similarity:
            uf.union(i, j)
    groups: dict[int, list[int]] = {}
    for k in range(len(items)):
        groups.setdefault(uf.find(k), []).append(k)
    passages: list[Passage] = []
    for members in groups.values():
        if len({items[k][0] for k in members}) < 2:
            continue
        members.sort(key=lambda k: (_seen_key(articles[items[k][0]]), items[k][1]))
        occurrences = []
        for n, k in enumerate(members):
            art = articles[items[k][0]]
            occurrences.append(PassageOccurrence(art.id, art.file, items[k][1], art.published, first_seen=n == 0))
        first_art, first_idx = articles[items[members[0]][0]], items[members[0]][1]
        para = _paragraph(first_art, first_idx)
        norm = normalise(first_art.analysis_text[para.start : para.end])
        passages.append(
            Passage(
                id="p" + xxhash.xxh64_hexdigest(norm.encode("utf-8")),
                text=first_art.text[para.start : para.end],
                occurrences=occurrences,
            )
        )
    passages.sort(key=lambda p: p.id)
    return passages
