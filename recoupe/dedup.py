"""Near-duplicate articles and reused passages: MinHash + LSH candidates, verified exactly.

Exact duplicates (same normalised text) never reach this stage: the pipeline separates them by
content hash before analysis. Here, two articles are near-duplicates when each shares at least
`near_duplicate_threshold` of its word shingles with the other (the gold convention: "both share
at least half of their text"); a passage is a paragraph found, verbatim or nearly, in several articles.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence

import numpy as np
import xxhash

from recoupe.minhash import WordHasher, band_keys, candidate_pairs, shingle_hashes, signatures
from recoupe.model import Article, Passage, PassageOccurrence
from recoupe.settings import Settings

# Scrape residue and site furniture: never content, whatever else two articles share.
_BOILERPLATE = re.compile(
    r"^\W*(?:RELATED\b|(?:[AÀ]\s+)?lire\s+(?:aussi|également)\b|voir\s+aussi\b|abonnez[- ]vous\b"
    r"|inscrivez[- ]vous\b|suivez[- ]nous\b|t[ée]l[ée]chargez\b|retrouvez\b|partager\b|publicit[ée]\b"
    r"|cet\s+article\s+est\s+r[ée]serv[ée]|newsletter\b|cr[ée]dit\s+photo\b|©)",
    re.IGNORECASE,
)
_TYPOGRAPHY = (("\u2019", "'"), ("\u2018", "'"), ("\u02bc", "'"), ("\u00a0", " "), ("\u202f", " "))
_WORD = re.compile(r"\w+")
_CHUNK = 4096  # documents per signature batch: bounds memory whatever the corpus size
_PASSAGE_SHINGLE = 3  # paragraphs are short: smaller shingles tolerate a changed word
# Paragraphs have a few dozen shingles: a short signature keeps its bins filled (densified bins of a
# mostly empty signature agree too easily), and 8 bands of 2 rows still find 99.5% of pairs at J = 0.7.
_PASSAGE_PERM, _PASSAGE_BANDS, _PASSAGE_ROWS = 16, 8, 2


def normalise(text: str) -> str:
    """Case-, typography-, punctuation- and spacing-insensitive form of a text (words joined by spaces)."""
    for old, new in _TYPOGRAPHY:  # str.replace beats str.translate by far on mostly-ASCII text
        if old in text:
            text = text.replace(old, new)
    t = unicodedata.normalize("NFKC", text).lower()
    return " ".join(_WORD.findall(t))


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


def article_words(article: Article) -> list[str]:
    """The normalised words of an article's content paragraphs."""
    return " ".join(t for _, t in content_paragraphs(article)).split()


def _chunks(n: int, size: int) -> Iterator[range]:
    for s in range(0, n, size):
        yield range(s, min(n, s + size))


class _Shingler:
    """Shingle hashes of word lists, batch-first, with per-document sets computed on demand."""

    def __init__(self, k: int) -> None:
        self.k = k
        self.hasher = WordHasher()

    def batch(self, docs: Sequence[list[str]]) -> tuple[np.ndarray, np.ndarray]:
        """Shingle hashes of several documents and the index (within `docs`) each belongs to."""
        lengths = np.fromiter((len(d) for d in docs), dtype=np.int64, count=len(docs))
        bounds = np.concatenate(([0], np.cumsum(lengths)))
        flat = [w for d in docs for w in d]
        wh = np.array(self.hasher.hash_words(flat), dtype=np.uint64)
        return shingle_hashes(wh, bounds, self.k)

    def sets(self, docs: Sequence[list[str]], wanted: Sequence[int]) -> dict[int, np.ndarray]:
        """Sorted distinct shingle hashes of the documents at positions `wanted`, computed in batches."""
        out: dict[int, np.ndarray] = {}
        for chunk in _chunks(len(wanted), _CHUNK):
            ids = [wanted[i] for i in chunk]
            h, doc_of = self.batch([docs[i] for i in ids])
            order = np.lexsort((h, doc_of))
            h, doc_of = h[order], doc_of[order]
            keep = np.ones(len(h), dtype=bool)
            keep[1:] = (h[1:] != h[:-1]) | (doc_of[1:] != doc_of[:-1])
            h, doc_of = h[keep], doc_of[keep]
            bounds = np.searchsorted(doc_of, np.arange(len(ids) + 1))
            for k, i in enumerate(ids):
                out[i] = h[bounds[k] : bounds[k + 1]]
        return out


def _lsh_candidates(docs: Sequence[list[str]], shingler: _Shingler, num_perm: int, bands: int, rows: int) -> np.ndarray:
    """Index pairs of documents that share an LSH band of their MinHash signatures."""
    n = len(docs)
    keys = np.zeros((n, bands), dtype=np.uint64)
    valid = np.zeros(n, dtype=bool)
    for chunk in _chunks(n, _CHUNK):
        part = [docs[i] for i in chunk]
        h, doc_of = shingler.batch(part)
        sig = signatures(h, doc_of, len(part), num_perm)
        keys[chunk.start : chunk.stop] = band_keys(sig, bands, rows)
        valid[chunk.start : chunk.stop] = np.bincount(doc_of, minlength=len(part)) > 0
    return candidate_pairs(keys, valid)


def _overlap(a: np.ndarray, b: np.ndarray) -> int:
    return int(np.intersect1d(a, b, assume_unique=True).size)


def near_duplicate_pairs(articles: Sequence[Article], settings: Settings) -> list[tuple[str, str, float]]:
    """Pairs of article ids sharing at least half their text, with their similarity.

    The similarity is the smaller of the two containments |A ∩ B| / |A| and |A ∩ B| / |B| over the
    articles' word shingles: LSH only proposes candidates, every pair returned was checked exactly.
    """
    if len(articles) < 2:
        return []
    docs = [article_words(a) for a in articles]
    shingler = _Shingler(settings.shingle_size)
    cands = _lsh_candidates(docs, shingler, settings.num_perm, settings.lsh_bands, settings.lsh_rows)
    sets = shingler.sets(docs, np.unique(cands).tolist())
    out: list[tuple[str, str, float]] = []
    for i, j in cands.tolist():
        a, b = sets[i], sets[j]
        if not a.size or not b.size:
            continue
        inter = _overlap(a, b)
        sim = min(inter / a.size, inter / b.size)
        if sim >= settings.near_duplicate_threshold:
            x, y = sorted((articles[i].id, articles[j].id))
            out.append((x, y, round(sim, 4)))
    out.sort()
    return out


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
    items: list[tuple[int, int, str]] = []  # (article position, paragraph index, normalised text)
    for pos, art in enumerate(articles):
        for idx, norm in content_paragraphs(art):
            if len(norm) >= settings.passage_min_chars:
                items.append((pos, idx, norm))
    if len(items) < 2:
        return []
    uf = _UnionFind(len(items))
    first_of: dict[str, int] = {}
    for k, (_, _, norm) in enumerate(items):
        j = first_of.setdefault(norm, k)
        if j != k:
            uf.union(j, k)
    # near-verbatim copies: MinHash + LSH over word trigrams, then an exact Jaccard check
    docs = [norm.split() for _, _, norm in items]
    shingler = _Shingler(_PASSAGE_SHINGLE)
    cands = _lsh_candidates(docs, shingler, _PASSAGE_PERM, _PASSAGE_BANDS, _PASSAGE_ROWS)
    cands = cands[np.fromiter((items[i][0] != items[j][0] for i, j in cands.tolist()), dtype=bool, count=len(cands))]
    sets = shingler.sets(docs, np.unique(cands).tolist())
    for i, j in cands.tolist():
        if uf.find(i) == uf.find(j):
            continue
        a, b = sets[i], sets[j]
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
        para = first_art.paragraphs[first_idx]
        passages.append(
            Passage(
                id="p" + xxhash.xxh64_hexdigest(items[members[0]][2].encode("utf-8")),
                text=first_art.text[para.start : para.end],
                occurrences=occurrences,
            )
        )
    passages.sort(key=lambda p: p.id)
    return passages
