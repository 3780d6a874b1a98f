"""Incremental story clustering: articles arrive in date order, each joins the best story or opens one.

An article is compared with the stories still open around its date through a weighted TF-IDF cosine
built the way a careful reader weighs a report: the lead paragraph (which names the event) counts
most, the closing paragraph (background, cross-references to earlier events) least; proper names,
figures and calendar dates (which company, which defendant, what score, what amount) weigh more than
common words. Within `story_window_days` of the story's articles the similarity must reach
`story_threshold`; further apart it must be 1 / `story_late_factor` times higher, so that two
look-alike events a week apart stay apart while a verdict weeks after a hearing still joins it.
Near-duplicates join their partner's story. No global re-clustering: earlier decisions never change,
and a story's id derives from its founding article, so ids are stable as new articles arrive.
"""

from __future__ import annotations

import calendar
import math
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from recoupe.model import Article, Passage, Story
from recoupe.settings import Settings

_STOPWORDS = frozenset(
    """a à au aux avec ce ces cet cette dans de des du elle elles en et est été être il ils je la le les
    leur leurs lui ma mais me même mes moi mon ne nos notre nous on ont ou où par pas pour qu que qui sa
    se ses son sur ta te tes toi ton tu un une vos votre vous y d l n s c j m t jusqu lorsqu puisqu ai
    as avait avaient avons sont était étaient sera seront fait faire plus moins très tout tous toute
    toutes aussi bien comme alors après avant depuis encore entre sans sous vers chez contre selon lors
    dont si ni car donc or déjà ainsi cela ça celui celle ceux celles autre autres quand comment
    pourquoi ans an euros euro heures heure""".split()
)
_MONTHS = frozenset("janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split())
_WEEKDAYS = frozenset("lundi mardi mercredi jeudi vendredi samedi dimanche".split())
_WORDS = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_NAME = re.compile(
    r"(?<![\w-])(?<![.!?:«»\"“”])(?<![.!?:«»\"“”]\s)(?<![.!?:«»\"“”]\s\s)([^\W\d_a-zß-ÿ][^\W\d_]*(?:-[^\W\d_]+)*)"
)
# a figure, and the word after it (a month makes it a date)
_NUMBER = re.compile(r"(\d+(?:[ \u00a0\u202f]\d{3})*(?:,\d+)?(?:-\d+)?)(?=[\W_]*?([^\W\d_]+))?")
_FIRST_SENTENCE = re.compile(r"^(.+?[.!?…])(?=\s+[«\"“A-ZÀ-Ý0-9]|\s*$)", re.S)
_BOILERPLATE = re.compile(
    r"^\W*(?:RELATED\b|(?:[AÀ]\s+)?lire\s+(?:aussi|également)\b|voir\s+aussi\b|abonnez[- ]vous\b"
    r"|inscrivez[- ]vous\b|suivez[- ]nous\b|retrouvez\b|newsletter\b)",
    re.IGNORECASE,
)

# Feature weights: what tells one event from another
_W_WORD, _W_NAME, _W_NUMBER, _W_DATE = 1.0, 3.0, 2.0, 2.0
_W_LEAD, _W_LAST = 3.0, 0.3  # the lead names the event; the last paragraph is often background
_MAX_TERMS = 200  # terms kept per article vector (the heaviest): bounds the cost of a comparison
_LOOKUP_TERMS = 30  # an article looks up candidate stories through its heaviest terms
_MAX_CANDIDATES = 8  # stories compared in full per article
_MAX_MEMBERS = 8  # latest members of a story compared with a newcomer
_COMMON_DF = 0.05  # terms in more than this share of the articles never serve as lookup keys
_MAX_COMMON = 100  # ... nor terms in more articles than this, however large the corpus
_MAX_POSTING = 32  # a lookup term remembers the latest stories it appeared in, no more
_KEEP_TERMS = 5000  # up to this many articles, everything stays in memory (terms, vectors of every story)
_SUMMARY_TERMS = 60  # beyond, a closed story keeps one summary vector of this many terms


def _strip_accents(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


_PLAIN_STOPWORDS = frozenset(_strip_accents(w) for w in _STOPWORDS)
_TOKEN_CACHE: dict[str, tuple[str, str | None]] = {}
_TOKEN_CACHE_MAX = 500_000


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 4 and word[-1] in "sx" else word


def _normal(tok: str) -> tuple[str, str | None]:
    """(lowercase unaccented form, word term or None for a stopword), cached per surface form."""
    r = _TOKEN_CACHE.get(tok)
    if r is None:
        low = _strip_accents(tok.lower())
        word = None if low in _PLAIN_STOPWORDS or len(low) < 3 or low in _WEEKDAYS else _stem(low)
        r = (low, word)
        if len(_TOKEN_CACHE) < _TOKEN_CACHE_MAX:
            _TOKEN_CACHE[tok] = r
    return r


def paragraph_terms(text: str) -> dict[str, float]:
    """Weighted terms of one paragraph: words, capitalised names (N:), figures (#:) and dates (D:)."""
    terms: defaultdict[str, float] = defaultdict(float)
    normal = _normal
    for tok in _WORDS.findall(text):
        word = normal(tok)[1]
        if word is not None:
            terms[word] += _W_WORD
    # a capitalised word that does not open the paragraph or a sentence is taken for a name
    for tok in _NAME.findall(text, 1):
        low = normal(tok)[0]
        if len(low) > 1 and low not in _PLAIN_STOPWORDS:
            terms["N:" + low] += _W_NAME
    for num, nxt in _NUMBER.findall(text):
        num = "".join(num.split())
        if nxt and nxt.lower() in _MONTHS:
            terms["D:" + num + nxt.lower()] += _W_DATE
        terms["#:" + num] += _W_NUMBER
    return dict(terms)


def article_terms(article: Article) -> dict[str, float]:
    """An article's weighted terms, the lead paragraph weighted up and the closing one down."""
    paras = [
        article.analysis_text[p.start : p.end]
        for p in article.paragraphs
        if p.end > p.start and not _BOILERPLATE.match(article.analysis_text[p.start : p.end])
    ]
    total: defaultdict[str, float] = defaultdict(float)
    for n, text in enumerate(paras):
        weight = _W_LEAD if n == 0 else (_W_LAST if n == len(paras) - 1 and n > 1 else 1.0)
        for term, w in paragraph_terms(text).items():
            total[term] += w * weight
    return dict(total)


def date_interval(published: str | None) -> tuple[int, int] | None:
    """First and last day (ordinals) a `YYYY-MM-DD` or `YYYY-MM` date may mean; None when unknown."""
    if not published or len(published) < 7:
        return None
    try:
        y, m = int(published[:4]), int(published[5:7])
        if len(published) >= 10:
            d = date(y, m, int(published[8:10])).toordinal()
            return d, d
        return date(y, m, 1).toordinal(), date(y, m, calendar.monthrange(y, m)[1]).toordinal()
    except ValueError:
        return None


def _gap(a: tuple[int, int] | None, b: tuple[int, int] | None) -> int | None:
    if a is None or b is None:
        return None
    return max(0, max(a[0], b[0]) - min(a[1], b[1]))


def arrival_key(article: Article) -> tuple[int, int, int, str]:
    """Order in which articles join stories: by date, a month-only date at the end of its month, undated last.

    Ties break on the article id (a content hash), so shuffling the input changes nothing.
    """
    iv = date_interval(article.published)
    if iv is None:
        return 1, 0, 2, article.id
    return 0, iv[1], 0 if iv[0] == iv[1] else 1, article.id


def first_sentence(text: str, limit: int = 200) -> str:
    """The first sentence of a text, cut at `limit` characters."""
    t = " ".join(text.split())
    m = _FIRST_SENTENCE.match(t)
    s = m.group(1) if m else t
    return s if len(s) <= limit else s[: limit - 1].rstrip() + "…"


def _cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    return sum([a[t] * b[t] for t in a.keys() & b.keys()])


def _summary(vectors: Sequence[dict[str, float]]) -> dict[str, float]:
    """One short normalised vector standing for several: the heaviest terms of their sum."""
    total: defaultdict[str, float] = defaultdict(float)
    for v in vectors:
        for t, w in v.items():
            total[t] += w
    top = sorted(total.items(), key=lambda kv: -kv[1])[:_SUMMARY_TERMS]
    norm = math.sqrt(sum(w * w for _, w in top)) or 1.0
    return {t: w / norm for t, w in top}


def term_vector(
    terms: Mapping[str, float], document_frequency: Mapping[str, int], n_documents: int, unseen_df: int = 0
) -> dict[str, float]:
    """Sublinear TF-IDF vector over `n_documents`, cut to its heaviest terms and normalised.

    A term missing from `document_frequency` counts as in `unseen_df` documents.
    """
    n, df = max(n_documents, 1), document_frequency
    w = {
        t: (1.0 + math.log(c)) * (math.log((n + 1) / (df.get(t, unseen_df) + 1)) + 1.0)
        for t, c in terms.items()
        if c > 0
    }
    if len(w) > _MAX_TERMS:
        w = dict(sorted(w.items(), key=lambda kv: -kv[1])[:_MAX_TERMS])
    norm = math.sqrt(sum(x * x for x in w.values())) or 1.0
    return {sys.intern(t): x / norm for t, x in w.items()}


def common_limit(n_documents: int) -> int:
    """Document frequency above which a term never serves as a lookup key, for a batch of this size."""
    return max(20, min(_MAX_COMMON, int(_COMMON_DF * max(n_documents, 1))))


def _lookup(vec: Mapping[str, float], df: Mapping[str, int], common: int) -> list[str]:
    keys = [t for t in vec if df.get(t, 0) <= common]
    keys.sort(key=lambda t: -vec[t])
    return keys[:_LOOKUP_TERMS]


def lookup_terms(vec: Mapping[str, float], document_frequency: Mapping[str, int], n_documents: int) -> list[str]:
    """The terms through which an article looks up candidate stories: its heaviest rare ones."""
    return _lookup(vec, document_frequency, common_limit(n_documents))


def may_share_story(
    vec_a: Mapping[str, float], when_a: tuple[int, int] | None,
    vec_b: Mapping[str, float], when_b: tuple[int, int] | None, settings: Settings,
) -> bool:
    """Whether two articles are close enough for one to join a story through the other.

    Within `story_max_gap_days` of each other (or one undated) and with a cosine of at least
    `story_threshold`: the late factor only lowers a score, so no weaker pair can decide a join.
    """
    gap = _gap(when_a, when_b)
    if gap is not None and gap > settings.story_max_gap_days:
        return False
    # the margin absorbs float summation order: an extra pair only merges two blocks, a missed one splits a story
    return _cosine(vec_a, vec_b) >= settings.story_threshold - 1e-9


def bounded_batch(n_articles: int) -> bool:
    """Whether a batch this large runs bounded (terms recomputed, quiet stories closed to a summary)."""
    return n_articles > _KEEP_TERMS


@dataclass(slots=True)
class _Open:
    """A story being built: its members, their vectors and dates."""

    story: Story
    vectors: list[dict[str, float]] = field(default_factory=list)
    dates: list[tuple[int, int]] = field(default_factory=list)
    earliest: tuple[tuple[bool, str, int], str] | None = None  # (seen key, title) of the earliest article
    closed: bool = False


def _seen_key(article: Article) -> tuple[bool, str, int]:
    return (article.published is None, article.published or "", article.order)


class StoryAssigner:
    """Incremental story clustering over a stream of articles (call `add` in `arrival_key` order)."""

    def __init__(
        self, settings: Settings, document_frequency: Mapping[str, int], n_documents: int, bounded: bool = False
    ) -> None:
        self.settings = settings
        self.bounded = bounded  # close quiet stories down to a short summary (large batches)
        self.df = document_frequency
        self.n = max(n_documents, 1)
        self.stories: list[_Open] = []
        self.story_of: dict[str, int] = {}  # article id -> index in self.stories
        self.postings: dict[str, list[int]] = defaultdict(list)
        self.common = common_limit(self.n)
        self.open: list[int] = []  # stories that may still take articles
        self.today = -1  # latest day seen in the stream (ordinal)

    def vector(self, terms: Mapping[str, float]) -> dict[str, float]:
        """Sublinear TF-IDF vector, cut to its heaviest terms and normalised (`term_vector`)."""
        return term_vector(terms, self.df, self.n)

    def _lookup_terms(self, vec: dict[str, float]) -> list[str]:
        return _lookup(vec, self.df, self.common)

    def _index(self, idx: int, vec: dict[str, float]) -> None:
        for t in self._lookup_terms(vec):
            posting = self.postings[t]
            if not posting or posting[-1] != idx:
                posting.append(idx)
                if len(posting) > 2 * _MAX_POSTING:
                    del posting[:-_MAX_POSTING]

    def advance(self, day: int) -> None:
        """Move the stream to `day`: stories quiet for more than `story_max_gap_days` close for good.

        In a bounded run, a closed story keeps only a short summary vector (for undated articles, which
        arrive last), so memory follows the stories open around the current date, not the corpus.
        """
        if not self.bounded or day <= self.today:
            return
        self.today = day
        horizon = day - self.settings.story_max_gap_days
        still = []
        for idx in self.open:
            op = self.stories[idx]
            if op.dates and max(d[1] for d in op.dates[-_MAX_MEMBERS:]) < horizon:
                op.closed, op.vectors = True, [_summary(op.vectors)]
            else:
                still.append(idx)
        self.open = still

    def seed(self, story: Story, members: Sequence[tuple[Article, dict[str, float]]]) -> None:
        """Take an existing story as it is, with those of its articles that are at hand."""
        idx = len(self.stories)
        op = _Open(story=story)
        if story.title:  # its earliest article may not be at hand: only an earlier one retitles it
            op.earliest = ((story.first_published is None, story.first_published or "", -1), story.title)
        self.stories.append(op)
        self.open.append(idx)
        for aid in story.article_ids:
            self.story_of[aid] = idx
        for art, vec in members:
            self._attach(idx, art, vec, append_id=False)

    def _attach(self, idx: int, art: Article, vec: dict[str, float], append_id: bool = True) -> None:
        op = self.stories[idx]
        if append_id:
            op.story.article_ids.append(art.id)
            self.story_of[art.id] = idx
        op.vectors.append(vec)
        iv = date_interval(art.published)
        if iv is not None:
            op.dates.append(iv)
        if art.published:
            st = op.story
            st.first_published = min(filter(None, (st.first_published, art.published)))
            st.last_published = max(filter(None, (st.last_published, art.published)))
        key = _seen_key(art)
        if op.earliest is None or key < op.earliest[0]:
            op.earliest = (key, first_sentence(art.text))
            if append_id or not op.story.title:
                op.story.title = op.earliest[1]
        self._index(idx, vec)

    def _score(self, idx: int, vec: dict[str, float], when: tuple[int, int] | None) -> float:
        op = self.stories[idx]
        if not op.vectors or (op.closed and when is not None):
            return 0.0
        s = self.settings
        factor = 1.0
        gaps = [g for g in (_gap(when, d) for d in op.dates[-_MAX_MEMBERS:]) if g is not None]
        if gaps:
            gap = min(gaps)
            if gap > s.story_max_gap_days:
                return 0.0
            if gap > s.story_window_days:
                factor = s.story_late_factor
        return factor * max(_cosine(vec, v) for v in op.vectors[-_MAX_MEMBERS:])

    def add(self, art: Article, terms: Mapping[str, float], partners: Sequence[str] = ()) -> int:
        """Place one article: in a near-duplicate partner's story, the best similar story, or a new one."""
        return self.place(art, self.vector(terms), partners)

    def place(self, art: Article, vec: dict[str, float], partners: Sequence[str] = ()) -> int:
        """`add` with the article's vector already computed (`term_vector` with this assigner's df and n)."""
        for p in partners:
            if p in self.story_of:
                idx = self.story_of[p]
                self._attach(idx, art, vec)
                return idx
        when = date_interval(art.published)
        if when is not None:
            self.advance(when[1])
        hits: Counter[int] = Counter()
        for t in self._lookup_terms(vec):
            for idx in self.postings.get(t, ()):
                hits[idx] += 1
        best_idx, best = -1, 0.0
        for idx, _ in hits.most_common(_MAX_CANDIDATES):
            sc = self._score(idx, vec, when)
            if sc > best:
                best_idx, best = idx, sc
        if best_idx >= 0 and best >= self.settings.story_threshold:
            self._attach(best_idx, art, vec)
            return best_idx
        idx = len(self.stories)
        self.stories.append(_Open(Story(id=f"story-{art.id}", title="", first_published=None, last_published=None)))
        self.open.append(idx)
        self._attach(idx, art, vec)
        return idx


def assign_stories(
    articles: Sequence[Article],
    near_duplicates: Sequence[tuple[str, str, float]],
    passages: Sequence[Passage],
    settings: Settings,
    existing: Sequence[Story] = (),
) -> list[Story]:
    """Stories touched by these articles (each article joins one), built incrementally in date order.

    Articles already in an `existing` story stay there and lend it their content; the others arrive by
    `arrival_key` and join the best story or found a new one (id `story-<founding article id>`).
    Reused passages are deliberately not evidence on their own: a shared background paragraph is not
    shared news, and the closing paragraph where it usually stands weighs least.
    """
    # document frequencies first (statistics over the batch, not clustering); the terms themselves are
    # kept for small batches and recomputed for large ones, so memory does not grow with the corpus
    bounded = bounded_batch(len(articles))
    kept: dict[str, dict[str, float]] = {}
    df: Counter[str] = Counter()
    for art in articles:
        t = article_terms(art)
        df.update(t.keys())
        if not bounded:
            kept[art.id] = t
    n = len(articles)

    def vector_of(article: Article) -> dict[str, float]:
        return term_vector(kept.pop(article.id) if not bounded else article_terms(article), df, n)

    return assign_block(articles, vector_of, near_duplicates, settings, df, n, bounded, existing)


def assign_block(
    articles: Sequence[Article],
    vector_of: Callable[[Article], dict[str, float]],
    near_duplicates: Sequence[tuple[str, str, float]],
    settings: Settings,
    document_frequency: Mapping[str, int],
    n_documents: int,
    bounded: bool = False,
    existing: Sequence[Story] = (),
) -> list[Story]:
    """`assign_stories` over a block of articles whose vectors and document frequencies come from outside.

    `vector_of` gives an article's `term_vector` (asked once per article); `document_frequency` and
    `n_documents` are those of the whole corpus, so a block of a larger run weighs terms as the whole
    run does. The articles arrive by `arrival_key` through one `StoryAssigner`.
    """
    assigner = StoryAssigner(settings, document_frequency, n_documents, bounded=bounded)
    by_id = {a.id: a for a in articles}
    for st in existing:
        copy = Story(st.id, st.title, st.first_published, st.last_published, list(st.article_ids))
        members = [(by_id[a], vector_of(by_id[a])) for a in st.article_ids if a in by_id]
        assigner.seed(copy, members)
    partners: dict[str, list[str]] = defaultdict(list)
    for a, b, _ in near_duplicates:
        partners[a].append(b)
        partners[b].append(a)
    touched: set[int] = set()
    for art in sorted(articles, key=arrival_key):
        if art.id in assigner.story_of:
            touched.add(assigner.story_of[art.id])
            continue
        touched.add(assigner.place(art, vector_of(art), partners.get(art.id, ())))
    return [assigner.stories[i].story for i in sorted(touched)]
