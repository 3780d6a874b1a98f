"""Text-level detection: quote-mark spans, incises inside them, quote-aware sentence units."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from recoupe.quotes.lexicon import Lexicon

_SPACES = " \t\n\u00a0\u202f\u2009\u2007\u2002\u2003\u200a\u2005\u2006\u2004\u2008"
_PAIRS = {"«": "»", "“": "”", "‘": "’", '"': '"'}
_ABBREVIATIONS = frozenset("m mm mme mmes mlle mlles me dr pr st ste mgr av bd cf etc p ch art no n°".split())
_WORD = re.compile(r"[^\W\d_][\w'’\-]*", re.UNICODE)


@dataclass(slots=True)
class MarkSpan:
    """Text between a pair of quotation marks (or from « to the paragraph end when unclosed).

    `start`/`end` bound the stripped content; `parts` are the content pieces left once incises
    (« Nous irons, a-t-il dit, jusqu'au bout ») are cut out, and `incises` the cut ranges.
    """

    open_pos: int
    close_pos: int  # index of the closing mark, or of the paragraph end when unclosed
    start: int
    end: int
    paragraph: int
    closed: bool
    mark: str
    parts: list[tuple[int, int]] = field(default_factory=list)
    incises: list[tuple[int, int]] = field(default_factory=list)
    chain: int = -1  # index of the first span of a multi-paragraph quotation

    @property
    def outer_end(self) -> int:
        """Offset just after the closing mark (the paragraph end when unclosed)."""
        return self.close_pos + 1 if self.closed else self.close_pos


@dataclass(slots=True)
class Unit:
    """A quote-aware sentence: sentence ends inside quotation marks do not split it."""

    start: int
    end: int
    paragraph: int
    spans: list[int] = field(default_factory=list)


def _strip(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in _SPACES:
        s += 1
    while e > s and text[e - 1] in _SPACES:
        e -= 1
    return s, e


def _is_open_straight(text: str, i: int, p_start: int) -> bool:
    prev = text[i - 1] if i > p_start else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    return (prev in _SPACES or prev in "([{:;,—–-'’") and nxt not in _SPACES


_STRAIGHT = re.compile('"')
_OPENERS = re.compile("[" + "".join(_PAIRS) + "]")


def find_mark_spans(text: str, paragraphs: list[tuple[int, int]]) -> list[MarkSpan]:
    """Outermost quotation-mark spans of each paragraph, in text order, chained across paragraphs."""
    spans: list[MarkSpan] = []
    for p_index, (p_start, p_end) in enumerate(paragraphs):
        straight = [m.start() for m in _STRAIGHT.finditer(text, p_start, p_end)]
        # an even number of straight quotes pairs them in order, whatever the spacing
        openers = set(straight[::2]) if len(straight) % 2 == 0 else None
        i = p_start
        if spans and not spans[-1].closed and spans[-1].paragraph == p_index - 1 and text[p_start] != "«":
            # a quotation carried over without reopening «: it runs to the first » of this paragraph
            close = text.find("»", p_start, p_end)
            if close > 0 and "«" not in text[p_start:close]:
                s, e = _strip(text, p_start, close)
                if e > s:
                    spans.append(MarkSpan(p_start, close, s, e, p_index, True, "«"))
                i = close + 1
        while i < p_end:
            # jump to the next opening mark candidate (every other character is skipped)
            found = _OPENERS.search(text, i, p_end)
            if found is None:
                break
            i = found.start()
            c = text[i]
            if c == '"':
                is_open = i in openers if openers is not None else _is_open_straight(text, i, p_start)
                if not is_open:
                    i += 1
                    continue
            if c not in _PAIRS:
                i += 1
                continue
            if c == "‘" and i > p_start and text[i - 1].isalnum():
                i += 1
                continue
            close = _find_close(text, i, p_end, c)
            if close < 0:
                if c == "«":
                    s, e = _strip(text, i + 1, p_end)
                    if e > s:
                        spans.append(MarkSpan(i, p_end, s, e, p_index, False, c))
                    break
                i += 1
                continue
            s, e = _strip(text, i + 1, close)
            if e > s:
                spans.append(MarkSpan(i, close, s, e, p_index, True, c))
            i = close + 1
    # « reopened at the start of the next paragraph continues an unclosed quotation
    for k, sp in enumerate(spans):
        if sp.chain < 0:
            sp.chain = k
        if not sp.closed and k + 1 < len(spans):
            nxt = spans[k + 1]
            p_start = paragraphs[nxt.paragraph][0]
            if nxt.paragraph == sp.paragraph + 1 and nxt.mark == "«" and nxt.open_pos == p_start:
                nxt.chain = sp.chain
    return spans


_CLOSE_SCAN = {o: re.compile("[" + re.escape(o + c) + "]") for o, c in _PAIRS.items()}


def _find_close(text: str, i: int, p_end: int, opener: str) -> int:
    closer = _PAIRS[opener]
    scan = _CLOSE_SCAN[opener]
    depth = 0
    j = i + 1
    while j < p_end:
        # only the marks of this pair can change anything: jump to the next one
        found = scan.search(text, j, p_end)
        if found is None:
            return -1
        j = found.start()
        c = text[j]
        if opener == "’" or closer == "’":
            if c == "’" and (j + 1 >= p_end or not text[j + 1].isalnum()):
                return j
        elif c == opener and opener != closer:
            depth += 1
        elif c == closer:
            if opener == '"' and j + 1 < p_end and text[j + 1].isalnum() and text.count('"', i, p_end) % 2:
                j += 1
                continue
            if depth == 0:
                return j
            depth -= 1
        j += 1
    return -1


_PRONOUN_SUFFIX = r"-(?:t-)?(?:il|elle|on|ils|elles)\b"
_CLITIC = r"(?:(?:nous|lui|leur|me|m'|se|s'|l'|y|en|vous)\s*)"


def split_incises(text: str, view: str, sp: MarkSpan, lex: Lexicon) -> None:
    """Cut incises (", a-t-il dit," / ", a souri l'entraîneur.") out of a span into `sp.parts`."""
    parts: list[tuple[int, int]] = []
    cur = sp.start
    pos = sp.start
    while True:
        cut = _next_incise(view, pos, sp.end, lex)
        if cut is None:
            break
        comma, inc_end, resume = cut
        s, e = _strip(text, cur, comma)
        if e > s:
            parts.append((s, e))
        sp.incises.append((comma, inc_end))
        cur = resume
        pos = resume
    s, e = _strip(text, cur, sp.end)
    if e > s:
        parts.append((s, e))
    sp.parts = parts if parts else [(sp.start, sp.end)]


_INCISE = re.compile(
    r",\s+" + _CLITIC + r"?(?P<head>[^\W\d_][\w']*)(?P<pro>" + _PRONOUN_SUFFIX + r")?"
    r"(?:\s+(?P<adv>[^\W\d_][\w']*))?(?:\s+(?P<part>[^\W\d_][\w']*))?",
    re.UNICODE,
)
_AUX = frozenset("a avait aura ont avaient auront".split())


def _next_incise(view: str, pos: int, end: int, lex: Lexicon) -> tuple[int, int, int] | None:
    """Find the next incise in view[pos:end]: (comma offset, incise end, offset where the quote resumes)."""
    for m in _INCISE.finditer(view, pos, end):
        head = m.group("head").lower()
        inverted = bool(m.group("pro"))
        verb_end = -1
        if head in _AUX:
            for g in ("adv", "part"):
                w = m.group(g)
                if w and (lex.lemma_of_form(w) or _multi_first(w, m, lex)):
                    verb_end = m.end(g)
                    break
        elif lex.lemma_of_form(head) and (inverted or _subject_follows(view, m.end("head"), end)):
            verb_end = m.end("pro") if inverted else m.end("head")
        if verb_end < 0:
            continue
        if inverted or head in _AUX and m.group("pro"):
            stop = _first_of(view, verb_end, end, ",.")
        else:
            stop = _sentence_stop(view, verb_end, end)
            if stop < 0:
                stop = _first_of(view, verb_end, end, ",")
        if stop < 0 or stop >= end - 1:
            continue
        resume = stop + 1
        if not view[resume:end].strip():
            continue
        return m.start(), stop, resume
    return None


def _multi_first(word: str, m: re.Match[str], lex: Lexicon) -> bool:
    low = word.lower()
    return any(low == a for a, _ in lex.multi) or any(low == a for a, _, _ in lex.multi3)


def _subject_follows(view: str, i: int, end: int) -> bool:
    m = re.match(r"\s+(?:l'|la |le |les |un |une |M\. |Mme |Me |[A-ZÉÈÀ])", view[i:end])
    return m is not None


def _first_of(view: str, i: int, end: int, chars: str) -> int:
    best = -1
    for c in chars:
        j = view.find(c, i, end)
        if j >= 0 and (best < 0 or j < best):
            best = j
    return best


def _sentence_stop(view: str, i: int, end: int) -> int:
    for m in re.finditer(r"[.!?…](?=\s+\S)", view[i:end]):
        j = i + m.start()
        if not _is_abbreviation(view, j):
            return j
    return -1


def _is_abbreviation(view: str, dot: int) -> bool:
    k = dot
    while k > 0 and (view[k - 1].isalpha() or view[k - 1] == "°"):
        k -= 1
    word = view[k:dot].lower()
    return word in _ABBREVIATIONS or (len(word) == 1 and view[k].isupper())


def split_units(view: str, paragraphs: list[tuple[int, int]], spans: list[MarkSpan]) -> list[Unit]:
    """Quote-aware sentences of each paragraph; each unit lists the spans it holds."""
    units: list[Unit] = []
    by_par: dict[int, list[int]] = {}
    for k, sp in enumerate(spans):
        by_par.setdefault(sp.paragraph, []).append(k)
    for p_index, (p_start, p_end) in enumerate(paragraphs):
        inside = [(spans[k].open_pos, spans[k].outer_end) for k in by_par.get(p_index, [])]
        cuts = [p_start]
        for m in re.finditer(r"[.!?…]+(?:[ \u00a0\u202f]*[»”\"])?(?=\s+[«“\"A-ZÀÂÉÈÊÎÔÛÇ0-9])", view[p_start:p_end]):
            j = p_start + m.start()
            stop = p_start + m.end()
            # a sentence may end inside quotation marks only where the marks close too
            if any(a < stop < b for a, b in inside) or _is_abbreviation(view, j):
                continue
            cuts.append(stop)
        cuts.append(p_end)
        for a, b in zip(cuts, cuts[1:], strict=False):
            s, e = _strip(view, a, b)
            if e <= s:
                continue
            u = Unit(s, e, p_index)
            u.spans = [k for k in by_par.get(p_index, []) if s <= spans[k].open_pos < e]
            units.append(u)
    return units


def words(text: str) -> list[str]:
    """The words of a string (letters, apostrophes and hyphens)."""
    return _WORD.findall(text)


_TITLE_STOP = frozenset("de des du la le les l' d' et à en sur pour of the".split())


def is_name_or_title(sp: MarkSpan, content: str) -> bool:
    """Proper-name or title shape, decided from the text alone: every content word capitalised and no
    sentence punctuation ("Le Figaro", ‘Israël’, « Helvane One »)."""
    if not sp.closed or re.search(r"[.!?…]$|[.!?;:]\s", content):
        return False
    ws = words(content)
    if not ws or len(ws) > 8:
        return False
    content_words = [w for w in ws if w.lower().replace("’", "'") not in _TITLE_STOP]
    lead = [w.split("'")[-1].split("’")[-1] for w in content_words]
    return bool(lead) and all(w[:1].isupper() for w in lead if w)


_NAMING_SKIP = frozenset("le la les l' un une des du de d' au aux son sa ses leur leurs notre nos ce cet cette".split())


def named_in_context(view: str, sp: MarkSpan, naming: set[str]) -> bool:
    """Do the words before the marks introduce a name ("le plan « … »", "baptisé « … »", "la loi dite « … »")?"""
    context = view[max(0, sp.open_pos - 60) : sp.open_pos]
    cut = max(context.rfind(c) for c in ".!?»”\"«“:;,(\n")
    before = words(context[cut + 1 :])
    for n in range(len(before) - 1, max(-1, len(before) - 5), -1):
        low = before[n].lower().replace("’", "'").split("'")[-1]
        if low in _NAMING_SKIP:
            continue
        if low == "pour" and n == len(before) - 1 or low == "pour" and before[n + 1].lower() in _NAMING_SKIP:
            return True  # "condamné pour « abus de biens sociaux »": a charge, not words said
        if low in ("dit", "dite", "dits", "dites") and n > 0 and before[n - 1].lower() in _ETRE_FORMS:
            return False  # "s'est dite « satisfaite »" reports words; "la loi dite « … »" names
        return low in naming
    return False


_ETRE_FORMS = frozenset("est sont était étaient s'est se sera serait".split())
