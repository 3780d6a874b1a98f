"""Vectorised MinHash signatures and LSH banding over word shingles (numpy + xxhash).

Signatures use one-permutation hashing with rotation densification (Li, Owen & Zhang 2012;
Shrivastava & Li 2014): every shingle is hashed once, its hash picks one of `num_perm` bins and
the bin keeps its minimum, so a signature costs O(shingles) instead of O(shingles × num_perm),
and two signatures agree on a bin with probability equal to the Jaccard similarity of the sets.
Words are found and hashed on the UTF-8 bytes (tabulation hashing), so no Python loop runs per word.

Chosen over datasketch by benchmarks/bench_dedup.py (20,000 synthetic articles, 5-word shingles,
128 values, 32 bands × 2 rows, same exact check): 2.25 s against 15.06 s of CPU (6.7×), recall
0.9999 for both, the same 7,648 pairs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

_U64 = np.uint64
_EMPTY = np.uint32(0xFFFFFFFF)
_M1 = _U64(0xBF58476D1CE4E5B9)
_M2 = _U64(0x94D049BB133111EB)
_GOLD = _U64(0x9E3779B97F4A7C15)
# Distinct odd multipliers so that a shingle's hash depends on the order of its words.
_POSITION = np.array([0x9E3779B97F4A7C15 * (2 * i + 1) % 2**64 for i in range(64)], dtype=np.uint64)


def mix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser: a bijective avalanche of 64-bit values (returns a new array)."""
    x = x ^ (x >> _U64(30))
    x *= _M1
    x ^= x >> _U64(27)
    x *= _M2
    x ^= x >> _U64(31)
    return x


# A word is a maximal run of ASCII letters, digits, '_' or non-ASCII characters: in UTF-8 bytes, of
# [0-9A-Za-z_] or any byte >= 0x80, so words can be found and hashed on the encoded text with numpy.
_WORD_BYTE = np.zeros(256, dtype=bool)
for _c in b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_":
    _WORD_BYTE[_c] = True
_WORD_BYTE[0x80:] = True
# Simple tabulation hashing: a word's hash is the XOR of random table entries, one per (byte, offset).
_TABLE = np.random.default_rng(0x5EED).integers(0, 2**63, size=(256, 32), dtype=np.uint64) * _U64(2) + _U64(1)


def text_word_hashes(texts: Sequence[str], seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """64-bit hashes of the words of each text (see `_WORD_BYTE`), and where each text's words start.

    Fully vectorised: the texts are encoded once, word boundaries found on the bytes, and each word
    hashed by tabulation (XOR of a random entry per byte and offset in the word), then mixed.
    Returns (hashes, bounds) with bounds of length len(texts) + 1.
    """
    joined = "\x00".join(t.replace("\x00", " ") for t in texts).encode("utf-8")
    b = np.frombuffer(joined, dtype=np.uint8)
    if not len(b):
        return np.zeros(0, dtype=np.uint64), np.zeros(len(texts) + 1, dtype=np.int64)
    isw = _WORD_BYTE[b]
    edges = np.diff(isw.astype(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    lengths = ends - starts
    pos = np.flatnonzero(isw)
    first = np.zeros(len(starts), dtype=np.int64)
    np.cumsum(lengths[:-1], out=first[1:])
    offset = np.arange(len(pos), dtype=np.int64) - np.repeat(first, lengths)
    h = np.bitwise_xor.reduceat(_TABLE[b[pos], offset & 31], first) if len(first) else np.zeros(0, np.uint64)
    h = mix64(h ^ (lengths.astype(np.uint64) * _GOLD) ^ _U64(seed))
    seps = np.flatnonzero(b == 0)
    text_starts = np.concatenate(([0], seps + 1))
    bounds = np.concatenate((np.searchsorted(starts, text_starts), [len(starts)])).astype(np.int64)
    return h, bounds


def shingle_hashes(word_hashes: np.ndarray, bounds: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of the k-word shingles of each document and the document each belongs to.

    `word_hashes` holds the words of all documents one after the other, `bounds` (length n_docs + 1)
    where each document starts. A document shorter than k words gives one shingle of all its words;
    an empty document gives none.
    """
    if k < 1:
        raise ValueError(f"shingle size must be at least 1, got {k}")
    lengths = np.diff(bounds)
    n_sh = np.where(lengths >= k, lengths - k + 1, np.minimum(lengths, 1))
    doc_of = np.repeat(np.arange(len(lengths), dtype=np.int64), n_sh)
    if not len(doc_of):
        return np.zeros(0, dtype=np.uint64), doc_of
    first = np.repeat(bounds[:-1] - np.concatenate(([0], np.cumsum(n_sh)[:-1])), n_sh)
    starts = first + np.arange(len(doc_of), dtype=np.int64)
    ends = bounds[1:][doc_of]
    h = np.zeros(len(doc_of), dtype=np.uint64)
    last = max(len(word_hashes) - 1, 0)
    for j in range(k):
        take = starts + j
        inside = take < ends
        h += np.where(inside, word_hashes[np.minimum(take, last)], _U64(0)) * _POSITION[j % len(_POSITION)]
    return mix64(h), doc_of


def signatures(hashes: np.ndarray, doc_of: np.ndarray, n_docs: int, num_perm: int, seed: int = 1) -> np.ndarray:
    """(n_docs, num_perm) uint32 one-permutation MinHash signatures; a row of an empty document is all 0xFFFFFFFF."""
    flat = np.full(n_docs * num_perm, _EMPTY, dtype=np.uint32)
    if len(hashes):
        h = mix64(hashes ^ _U64(seed * 0x9E3779B97F4A7C15 % 2**64))
        bins = ((h >> _U64(32)) % _U64(num_perm)).astype(np.int64)
        values = (h & _U64(0xFFFFFFFE)).astype(np.uint32)  # never equal to the empty marker
        np.minimum.at(flat, doc_of * num_perm + bins, values)
    return _densify(flat.reshape(n_docs, num_perm))


def _densify(sig: np.ndarray) -> np.ndarray:
    """Fill each empty bin from the next non-empty bin to its right (circularly), offset by the distance."""
    empty = sig == _EMPTY
    rows = np.flatnonzero(empty.any(axis=1) & ~empty.all(axis=1))
    if not len(rows):
        return sig
    n_bins = sig.shape[1]
    sub, sub_empty = sig[rows], empty[rows]
    cols = np.arange(n_bins, dtype=np.int64)
    idx = np.where(sub_empty, 3 * n_bins, cols)
    idx2 = np.concatenate([idx, np.where(sub_empty, 3 * n_bins, cols + n_bins)], axis=1)
    nxt = np.minimum.accumulate(idx2[:, ::-1], axis=1)[:, ::-1][:, :n_bins]
    dist = (nxt - cols).astype(np.uint32)
    filled = sub[np.arange(len(rows))[:, None], nxt % n_bins] + dist * np.uint32(0x9E3779B1)
    filled = np.where(filled == _EMPTY, np.uint32(0), filled)
    sig[rows] = np.where(sub_empty, filled, sub)
    return sig


def band_keys(sig: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """(n_docs, bands) uint64 keys: two documents share a band's key when they agree on its `rows` values."""
    if bands * rows > sig.shape[1]:
        raise ValueError(f"{bands} bands × {rows} rows need {bands * rows} signature values, have {sig.shape[1]}")
    n = sig.shape[0]
    block = sig[:, : bands * rows].reshape(n, bands, rows).astype(np.uint64)
    key = np.zeros((n, bands), dtype=np.uint64)
    for j in range(rows):
        key = mix64(key ^ (block[:, :, j] + _POSITION[j]))
    return key ^ (np.arange(bands, dtype=np.uint64) * _GOLD)


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (a sort and a mask: numpy's hash-based unique is slow on 64-bit keys)."""
    v = np.sort(values)
    if len(v) < 2:
        return v
    keep = np.empty(len(v), dtype=bool)
    keep[0] = True
    np.not_equal(v[1:], v[:-1], out=keep[1:])
    return v[keep]


def candidate_pairs(keys: np.ndarray, valid: np.ndarray | None = None, max_bucket: int = 300) -> np.ndarray:
    """(m, 2) int64 array of document index pairs (i < j) sharing at least one band key.

    Buckets larger than `max_bucket` (documents with nothing but a common shingle) are skipped, so
    the work stays linear in the number of documents.
    """
    n = keys.shape[0]
    doc_ids = np.arange(n, dtype=np.int64)
    if valid is not None:
        doc_ids = doc_ids[valid]
    found: list[np.ndarray] = []
    for b in range(keys.shape[1]):
        col = keys[doc_ids, b]
        order = np.argsort(col)
        sk, sd = col[order], doc_ids[order]
        if len(sk) < 2:
            continue
        same = sk[1:] == sk[:-1]
        if not same.any():
            continue
        # run starts and lengths of equal keys
        edges = np.flatnonzero(np.concatenate(([True], ~same, [True])))
        starts, lengths = edges[:-1], np.diff(edges)
        twos = starts[lengths == 2]
        if len(twos):
            found.append(np.stack([sd[twos], sd[twos + 1]], axis=1))
        big = (lengths > 2) & (lengths <= max_bucket)
        for m in np.unique(lengths[big]).tolist():  # runs of one length at a time, all at once
            at = starts[big & (lengths == m)]
            members = sd[at[:, None] + np.arange(m)]
            i, j = np.triu_indices(m, 1)
            found.append(np.stack([members[:, i].ravel(), members[:, j].ravel()], axis=1))
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.concatenate(found)
    pairs = np.sort(pairs, axis=1)
    codes = sorted_unique(pairs[:, 0] * n + pairs[:, 1])
    return np.stack([codes // n, codes % n], axis=1)
