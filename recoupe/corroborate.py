"""Corroboration: the same quotation reported by several articles becomes one record with every occurrence.

Two direct quotations are the same when their words match once typography, case and accents are set
aside, when one is a cut of the other (its words stand, in order, inside the longer one), or when they
differ by a small edit. An article whose outlet is unknown counts as a source of its own: two unknown
outlets cannot be shown to be the same one.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Literal

from recoupe.model import Quote, Speaker

# (file, outlet, published, story_id, input order) of one article, keyed by article id
ArticleInfo = tuple[str, str | None, str | None, str | None, int]

MIN_FUZZY_TOKENS = 5  # shorter quotations only match exactly: three words recur by chance
CUT_COVERAGE = 0.9  # share of the shorter quotation's words found in order inside the longer one
EDIT_RATIO = 0.85  # difflib ratio over words for a small edit
SHINGLE = 4  # words per candidate key
MAX_POSTING = 64  # a shingle carried by more quotations than this is too common to propose candidates

_WORD = re.compile(r"\w+")
_COMBINING = re.compile("[\u0300-\u036f]")  # accents once NFKD has set them apart

DiffOpName = Literal["equal", "replace", "insert", "delete"]


@dataclass(slots=True, frozen=True)
class DiffOp:
    """One step of a word-level diff from the earliest wording to a variant."""

    op: DiffOpName
    earliest: str
    variant: str


@dataclass(slots=True)
class QuoteOccurrence:
    """One article reporting a quotation, with its exact wording there."""

    quote_id: str
    article_id: str
    file: str
    outlet: str | None
    published: str | None
    story_id: str | None
    text: str
    start: int
    end: int
    speaker: str | None = None
    speaker_mention: str | None = None
    cue: str | None = None


@dataclass(slots=True)
class Variant:
    """A wording of the quotation other than the earliest, and how it differs word by word."""

    text: str
    article_ids: list[str]
    outlets: list[str | None]
    typography_only: bool
    diff: list[DiffOp]


@dataclass(slots=True)
class CorroboratedQuote:
    """A quotation with every article that reports it, the outlets carrying it and when it was first seen."""

    id: str
    text: str
    speaker: str | None
    speakers: list[str]
    speaker_conflict: bool
    n_outlets: int
    outlets: list[str]
    single_source: bool
    first_published: str | None
    first_outlet: str | None
    first_article_id: str
    first_file: str
    story_ids: list[str]
    occurrences: list[QuoteOccurrence] = field(default_factory=list)
    variants: list[Variant] = field(default_factory=list)


@dataclass(slots=True)
class SpeakerSummary:
    """A canonical speaker: the names and roles seen, how many quotations, first and last seen."""

    name: str
    type: str
    aliases: list[str]
    roles: list[str]
    n_quotes: int
    n_occurrences: int
    n_outlets: int
    first_seen: str | None
    last_seen: str | None


def normalise_words(text: str) -> list[str]:
    """The words of a quotation with typography, case and accents set aside (apostrophes split words)."""
    return _WORD.findall(_COMBINING.sub("", unicodedata.normalize("NFKD", text.casefold())))


def search_key(text: str) -> str:
    """The form quotations and queries are compared in for text search (words joined by one space)."""
    return " ".join(normalise_words(text))


def same_quotation(a: Sequence[str], b: Sequence[str]) -> bool:
    """Whether two normalised word lists are one quotation: identical, a cut of the other, or a small edit."""
    if list(a) == list(b):
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) < MIN_FUZZY_TOKENS:
        return False
    sm = SequenceMatcher(None, short, long_, autojunk=False)
    matched = sum(block.size for block in sm.get_matching_blocks())
    if matched >= CUT_COVERAGE * len(short):
        return True
    return 2.0 * matched / (len(short) + len(long_)) >= EDIT_RATIO


def word_diff(earliest: str, variant: str) -> list[DiffOp]:
    """Word-level diff of a variant against the earliest wording (words compared without typography)."""
    a, b = earliest.split(), variant.split()
    ka = [" ".join(normalise_words(w)) for w in a]
    kb = [" ".join(normalise_words(w)) for w in b]
    ops: list[DiffOp] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, ka, kb, autojunk=False).get_opcodes():
        ops.append(DiffOp(tag, " ".join(a[i1:i2]), " ".join(b[j1:j2])))  # type: ignore[arg-type]
    return ops


def _first_key(occ: QuoteOccurrence, order: int) -> tuple[bool, str, int, str, int]:
    return (occ.published is None, occ.published or "", order, occ.file, occ.start)


def _record_id(words: Sequence[str], speaker: str | None) -> str:
    digest = hashlib.sha1(f"{speaker or ''}\x1f{' '.join(words)}".encode()).hexdigest()
    return f"q{digest[:15]}"


class _Groups:
    """Union-find over quotation indices."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            self.parent[max(ri, rj)] = min(ri, rj)


def group_quotations(words: Sequence[Sequence[str]]) -> list[list[int]]:
    """Indices of the quotations that are one, grouped (exact matches, then cuts and small edits)."""
    groups = _Groups(len(words))
    exact: dict[tuple[str, ...], int] = {}
    for i, w in enumerate(words):
        key = tuple(w)
        if key in exact:
            groups.union(exact[key], i)
        else:
            exact[key] = i
    postings: dict[tuple[str, ...], list[int]] = defaultdict(list)
    reps = sorted(exact.values())
    for i in reps:
        w = words[i]
        if len(w) < MIN_FUZZY_TOKENS:
            continue
        for k in range(len(w) - SHINGLE + 1):
            postings[tuple(w[k : k + SHINGLE])].append(i)
    for i in reps:
        w = words[i]
        if len(w) < MIN_FUZZY_TOKENS:
            continue
        seen: set[int] = set()
        for k in range(len(w) - SHINGLE + 1):
            post = postings.get(tuple(w[k : k + SHINGLE]), [])
            if len(post) > MAX_POSTING:
                continue
            for j in post:
                if j <= i or j in seen:
                    continue
                seen.add(j)
                if groups.find(i) != groups.find(j) and same_quotation(w, words[j]):
                    groups.union(i, j)
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(words)):
        members[groups.find(i)].append(i)
    return list(members.values())


def _source(occ: QuoteOccurrence) -> str:
    return occ.outlet if occ.outlet else f"?{occ.article_id}"


def corroborate(quotes: Sequence[Quote], articles: Mapping[str, ArticleInfo]) -> list[CorroboratedQuote]:
    """One record per quotation reported (direct quotes only): occurrences, outlets, variants, first seen."""
    occs: list[QuoteOccurrence] = []
    orders: list[int] = []
    for q in quotes:
        if q.kind != "direct" or q.article_id not in articles:
            continue
        file, outlet, published, story_id, order = articles[q.article_id]
        occs.append(
            QuoteOccurrence(
                quote_id=f"{q.article_id}:{q.kind[0]}:{q.start}:{q.end}", article_id=q.article_id, file=file,
                outlet=outlet, published=published, story_id=story_id, text=q.text, start=q.start, end=q.end,
                speaker=q.speaker, speaker_mention=q.speaker_mention, cue=q.cue,
            )
        )
        orders.append(order)
    words = [normalise_words(o.text) for o in occs]
    records: list[CorroboratedQuote] = []
    for members in group_quotations(words):
        members.sort(key=lambda i: _first_key(occs[i], orders[i]))
        group = [occs[i] for i in members]
        first = group[0]
        named = Counter(o.speaker for o in group if o.speaker)
        speaker = named.most_common(1)[0][0] if named else None
        sources = list(dict.fromkeys(_source(o) for o in group))
        outlets = list(dict.fromkeys(o.outlet for o in group if o.outlet))
        variants: dict[str, Variant] = {}
        for o in group[1:]:
            if o.text == first.text:
                continue
            v = variants.get(o.text)
            if v is None:
                diff = word_diff(first.text, o.text)
                v = variants[o.text] = Variant(
                    o.text, [], [], typography_only=all(d.op == "equal" for d in diff), diff=diff
                )
            v.article_ids.append(o.article_id)
            v.outlets.append(o.outlet)
        records.append(
            CorroboratedQuote(
                id=_record_id(words[members[0]], speaker),
                text=first.text,
                speaker=speaker,
                speakers=sorted(named),
                speaker_conflict=len(named) > 1,
                n_outlets=len(sources),
                outlets=outlets,
                single_source=len(sources) == 1,
                first_published=first.published,
                first_outlet=first.outlet,
                first_article_id=first.article_id,
                first_file=first.file,
                story_ids=sorted({o.story_id for o in group if o.story_id}),
                occurrences=group,
                variants=list(variants.values()),
            )
        )
    _unique_ids(records)
    records.sort(key=lambda r: (r.first_published is None, r.first_published or "", r.id))
    return records


def _unique_ids(records: list[CorroboratedQuote]) -> None:
    seen: Counter[str] = Counter()
    for r in records:
        seen[r.id] += 1
        if seen[r.id] > 1:  # the same words said twice by one speaker yet not grouped: keep both
            r.id = f"{r.id}-{seen[r.id]}"


def summarise_speakers(
    records: Iterable[CorroboratedQuote], speakers: Sequence[Speaker] = ()
) -> list[SpeakerSummary]:
    """Speakers table: canonical name, aliases and roles seen, number of quotations, first and last seen."""
    known = {s.name: s for s in speakers}
    by_name: dict[str, list[CorroboratedQuote]] = defaultdict(list)
    for r in records:
        if r.speaker:
            by_name[r.speaker].append(r)
    out: list[SpeakerSummary] = []
    for name in sorted(set(by_name) | set(known)):
        recs = by_name.get(name, [])
        occs = [o for r in recs for o in r.occurrences if o.speaker in (name, None)]
        sp = known.get(name)
        mentions = [o.speaker_mention for o in occs if o.speaker_mention and o.speaker == name]
        aliases = list(dict.fromkeys([*(sp.aliases if sp else []), *mentions]))
        dates = sorted(o.published for o in occs if o.published)
        out.append(
            SpeakerSummary(
                name=name,
                type=sp.type if sp else "PER",
                aliases=[a for a in aliases if a and a.casefold() not in {"il", "elle", "ils", "elles"}],
                roles=list(sp.roles) if sp else [],
                n_quotes=len(recs),
                n_occurrences=len(occs),
                n_outlets=len({_source(o) for o in occs}),
                first_seen=dates[0] if dates else None,
                last_seen=dates[-1] if dates else None,
            )
        )
    out.sort(key=lambda s: (-s.n_quotes, s.name))
    return out


def corroborate_corpus(
    quotes: Sequence[Quote], articles: Mapping[str, ArticleInfo], speakers: Sequence[Speaker] = ()
) -> tuple[list[CorroboratedQuote], list[SpeakerSummary]]:
    """Corroborated quotations and the speaker summaries drawn from them, in one call."""
    records = corroborate(quotes, articles)
    return records, summarise_speakers(records, speakers)
