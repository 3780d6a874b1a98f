"""Attribution: decide which mark spans are quotations, find their cue and speaker, find indirect speech.

Works on `Tok` lists (one per quote-aware sentence) so that the same rules run on a fully parsed
Doc (the spaCy component) and on the few sentences the fast path parses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.lang.fr.stop_words import STOP_WORDS

from recoupe.quotes.detect import MarkSpan, Unit, is_name_or_title, named_in_context, words
from recoupe.quotes.lexicon import Lexicon
from recoupe.quotes.speakers import TITLES, Entity, Registry, fold

_PRONOUNS = {"il": "Masc", "elle": "Fem", "-il": "Masc", "-elle": "Fem", "ils": "Masc", "elles": "Fem"}
_CLITICS = frozenset("nous lui leur me m' se s' l' y en vous".split())
_AUX = frozenset("a avait aura ont avaient auront est était s'est".split())
_PREPOSITIONS = frozenset("à au aux de d' du des en dans par pour sur sous avec chez devant lors selon vers".split())
_ETRE = frozenset("est sont était étaient été sera seront serait être fut".split())
_DET_GENDER = {
    "la": "Fem", "une": "Fem", "cette": "Fem", "sa": "Fem", "le": "Masc", "un": "Masc", "ce": "Masc",
    "cet": "Masc", "du": "Masc", "au": "Masc",
}
_DETS = frozenset("le la les l' un une des du au aux ce cet cette ces son sa ses leur leurs notre votre".split())
_DETS_OR_PLACE = _DETS | {"à", "en", "aux"}
_INDEFINITE = frozenset("un une des plusieurs certains certaines quelques".split())
_NOT_NAME = frozenset(STOP_WORDS) | {"selon", "mais", "et", "or", "donc", "pour", "dans", "après", "avant"}
_ADVERBS_IN_CUE = frozenset(
    "toutefois également alors encore ensuite aussi ainsi déjà enfin plutôt pourtant bien même cependant".split()
)
_LOWER_CONNECT = frozenset("de du des d' la le l' à et".split())
SUBORDINATE = re.compile(r"(?:tant qu|parce qu|puisqu|lorsqu|quand |si |afin qu|pour qu|bien qu|dès qu|qu)")


@dataclass(slots=True)
class Tok:
    """One token of a unit: text, parse labels (empty when not parsed) and offsets into the article."""

    i: int
    text: str
    lower: str
    lemma: str
    pos: str
    dep: str
    head: int
    start: int
    end: int
    gender: str | None
    quoted: bool


@dataclass(slots=True)
class Mention:
    """Who a cue points to: an entity, an anonymous person, or nobody known."""

    start: int
    end: int
    entity: Entity | None = None
    anonymous: bool = False
    gender: str | None = None
    role: str | None = None
    guessed: bool = False  # resolved by recency only (a role noun no apposition explains)
    plural: bool = False


@dataclass(slots=True)
class Found:
    """A quotation found in an article (offsets into the text)."""

    kind: str
    start: int
    end: int
    paragraph: int
    cue: tuple[int, int] | None = None
    mention: Mention | None = None
    span: int = -1


@dataclass(slots=True)
class _Hist:
    pos: int
    paragraph: int
    entity: Entity | None
    gender: str | None
    strong: bool
    anonymous: bool = False


@dataclass(slots=True)
class _Attribution:
    cue: tuple[int, int] | None
    mention: Mention | None
    bare: bool = False


@dataclass
class ArticleAnalysis:
    """Runs the rules over one article's units; `found` holds the result."""

    text: str
    view: str
    spans: list[MarkSpan]
    units: list[Unit]
    toks: list[list[Tok]]
    parsed: list[bool]
    lex: Lexicon
    scan: list[list[Tok]]
    registry: Registry = field(default_factory=Registry)
    history: list[_Hist] = field(default_factory=list)
    found: list[Found] = field(default_factory=list)
    entity_at: dict[int, Entity] = field(default_factory=dict)

    def run(self) -> list[Found]:
        """Find quotations and indirect speech; returns them in text order."""
        attributions: dict[int, _Attribution | None] = {}
        direct: dict[int, bool] = {}
        for u_index, unit in enumerate(self.units):
            toks = self.toks[u_index]
            self._scan_names(self.scan[u_index], unit)
            if self.parsed[u_index]:
                self._speech_subjects(toks, unit)
            for k in unit.spans:
                is_quote, att = self._span(k, u_index)
                direct[k] = is_quote
                attributions[k] = att
                if is_quote and att and att.mention and not att.bare:
                    self._push(att.mention, att.cue[0] if att.cue else self.spans[k].start, unit.paragraph)
            self._indirect(u_index)
        self._finish_direct(direct, attributions)
        self.found.sort(key=lambda f: (f.start, f.kind))
        return self.found

    # ---- names -----------------------------------------------------------------------------
    def _scan_names(self, toks: list[Tok], unit: Unit) -> None:
        n = len(toks)
        i = 0
        while i < n:
            t = toks[i]
            if t.quoted:
                i += 1
                continue
            low = t.lower
            if low in TITLES or (low[-1:] == "." and low.rstrip(".") in TITLES):
                title = t.lower.rstrip(".") + ("." if t.lower == "m." else "")
                j = i + 1
                while j < n and _is_cap(toks[j]) and not toks[j].quoted:
                    j += 1
                j = _after_particles(toks, j)  # "M. de Courson"
                if j > i + 1:
                    name = self.text[toks[i + 1].start : toks[j - 1].end]
                    gender = TITLES.get(t.lower, TITLES.get(title))
                    e = self.registry.by_surname(toks[j - 1].text) if j == i + 2 else None
                    if e is None:
                        e = self.registry.person(name, t.start, gender, self._role_before(toks, i))
                    e.add_alias(self.text[toks[i].start : toks[j - 1].end])
                    e.add_role(self._role_after(toks, j))
                    e.gender = e.gender or gender
                    self._mark(toks, i, j, e, unit)
                    i = j
                    continue
            first = t.text[0]  # lower-case words are never names: skip them before the cached test
            if not (first.isupper() or first == "-") or not _is_cap(t) \
                    or (t.lower in _NOT_NAME and not t.text.isupper()):
                i += 1
                continue
            j = i + 1
            while j < n and _is_cap(toks[j]) and not toks[j].quoted:
                j += 1
            j = self._particle_name_end(toks, i, j)
            self._name_run(toks, i, j, unit)
            i = j
        self._acronyms(toks, unit)

    def _particle_name_end(self, toks: list[Tok], i: int, j: int) -> int:
        """End of a person's name that goes on over a particle ("Charles de Courson", "Valéry Giscard
        d'Estaing"); not after a determiner or an organisation noun ("la Banque de France")."""
        if j >= len(toks) or toks[j].lower not in ("de", "d'"):
            return j
        prev = toks[i - 1] if i > 0 else None
        if (prev is not None and prev.lower in _DETS_OR_PLACE) or toks[i].lower in self.lex.noun_class("organisation") \
                or self._org_noun_before(toks, i) is not None:
            return j
        return _after_particles(toks, j)

    def _name_run(self, toks: list[Tok], i: int, j: int, unit: Unit) -> None:
        # "le PDG Pierre Durand", "sur X Jordan Bardella": an acronym or a lone capital (an initial has its
        # full stop) heading a run of names is not part of the name
        while j - i >= 2 and toks[i].text.isupper() and not toks[i + 1].text.isupper():
            i += 1
        prev = toks[i - 1] if i > 0 else None
        org_noun = self._org_noun_before(toks, i)
        # "l'Olympique Lauzargues", "des Conserveries Maubert": organisations; "à Saint-Denis": places;
        # "menée par Sylvie Roumagnac", "les joueurs de Yannick Dambreville": people
        after_det = prev is not None and prev.lower in _DETS_OR_PLACE
        name = self.text[toks[i].start : toks[j - 1].end]
        if org_noun is not None or (after_det and j - i >= 2):
            if org_noun is None and prev is not None and prev.lower in {"de", "d'", "à", "en"}:
                return
            # organisation names may go on with "à"/"de" + capitalised word
            while j + 1 < len(toks) and toks[j].lower in _LOWER_CONNECT and _is_cap(toks[j + 1]):
                j += 1
                while j < len(toks) and _is_cap(toks[j]):
                    j += 1
            name = self.text[toks[i].start : toks[j - 1].end]
            if org_noun is not None and prev is not None and prev.lower in {"de", "d'", "du", "des", "la", "l'"} \
                    and org_noun not in self.lex.noun_class("department"):
                k = i - 1
                while k > 0 and toks[k].lower != org_noun:
                    k -= 1
                name = self.text[toks[k].start : toks[j - 1].end]
            e = self.registry.org(name, toks[i].start, self._org_kind(org_noun or "", name))
            self._mark(toks, i, j, e, unit, person=False)
            return
        if after_det:
            if j - i == 1 and toks[i].text.isupper() and len(toks[i].text) >= 2:
                e0 = self.registry.org(toks[i].text, toks[i].start, self._org_kind("", toks[i].text))
                self._mark(toks, i, j, e0, unit, person=False)
            return
        if j - i >= 2:
            governed = prev is not None and prev.lower in _PREPOSITIONS  # "l'avocat de Bernard Coustal"
            gender = None if governed else self._gender_near(toks, i, j)
            e = self.registry.person(name, toks[i].start, gender, None)
            role = (None if governed else self._role_before(toks, i)) or self._role_after(toks, j)
            e.add_role(role)
            e.gender = e.gender or gender
            self._mark(toks, i, j, e, unit)
            return
        if toks[i].text.isupper() and len(toks[i].text) >= 2:
            e2 = self.registry.by_alias(toks[i].text)
            if e2 is not None:
                self._mark(toks, i, j, e2, unit, person=e2.type == "PER")
            return
        e3 = self.registry.by_surname(toks[i].text) or self.registry.by_alias(toks[i].text)
        if e3 is not None and e3.type == "PER":
            self._mark(toks, i, j, e3, unit)
        elif e3 is None and j + 3 < len(toks) and toks[j].text == "," and toks[j + 1].text.isdigit() \
                and toks[j + 2].lower == "ans":
            # "Marie, 34 ans, infirmière": a person known by a first name
            e4 = self.registry.person(toks[i].text, toks[i].start, None, self._role_after(toks, j))
            self._mark(toks, i, j, e4, unit)

    def _acronyms(self, toks: list[Tok], unit: Unit) -> None:
        if "(" not in self.text[unit.start : unit.end]:
            return
        for m in re.finditer(r"\(([A-Z][A-Z0-9]{1,9})\)", self.text[unit.start : unit.end]):
            acr = m.group(1)
            open_pos = unit.start + m.start()
            before = [t for t in toks if t.end <= open_pos and not t.quoted]
            b = len(before) - 1
            while b >= 0 and before[b].text not in ",;:" and before[b].pos not in ("VERB", "AUX"):
                b -= 1
            seg = before[b + 1 :]
            dets = [n for n, t in enumerate(seg[:-1]) if t.lower in _DETS]
            capped = [n for n in dets if _is_cap(seg[n + 1])]
            if not dets:
                continue
            k = capped[0] if capped else dets[0]
            words_ = seg[k + 1 :]
            long = self.text[words_[0].start : words_[-1].end]
            e = self.registry.org(long, words_[0].start, self._org_kind("", long), acr)
            for t in words_:
                self.entity_at[t.start] = e

    def _mark(self, toks: list[Tok], i: int, j: int, e: Entity, unit: Unit, person: bool = True) -> None:
        for t in toks[i:j]:
            self.entity_at[t.start] = e
        self.history.append(_Hist(toks[i].start, unit.paragraph, e, e.gender, False))

    def _org_noun_before(self, toks: list[Tok], i: int) -> str | None:
        orgs = self.lex.noun_class("organisation")
        k = i - 1
        steps = 0
        while k >= 0 and steps < 4:
            t = toks[k]
            if t.lower in ("du", "des") or (t.lower in ("la", "l'") and k > 0 and toks[k - 1].lower == "de"):
                k -= 1  # "la préfecture du Nord", "l'agence de la Biomédecine": the noun's complement
                steps += 1
                continue
            if t.lower in _DETS or t.text in ",;:" or _is_cap(t):
                break
            if t.lower in orgs:
                return t.lower
            k -= 1
            steps += 1
        return None

    def _org_kind(self, noun: str, name: str) -> str:
        folded = fold(name + " " + noun).split()
        for kind in ("union", "collective"):
            if any(w in self.lex.noun_class(kind) for w in folded):
                return kind
        return ""

    def _role_before(self, toks: list[Tok], i: int) -> str | None:
        """Role in "la maire de Vaudrieux, Corinne Lestrade" or "le sénateur Paul Durand"."""
        found = self._role_np_before(toks, i)
        return found[0] if found else None

    def _role_np_before(self, toks: list[Tok], i: int) -> tuple[str, str | None] | None:
        """(role, gender of its determiner) of the noun phrase just before a name, if it names a role."""
        k = i - 1
        if k >= 0 and toks[k].text == ",":
            k -= 1
        end = k
        while k >= 0 and toks[k].text not in ",;:" and not toks[k].quoted:
            k -= 1
        seg = toks[k + 1 : end + 1]
        if not seg:
            return None
        roles = self.lex.noun_class("role")

        def is_role(t: Tok) -> bool:
            parts = t.lower.split("-")
            return t.lower in roles or parts[0] in roles or parts[-1] in roles

        hits = [n for n, t in enumerate(seg) if is_role(t)]
        if hits:
            n_i = hits[-1]
            # "l'avocat de l'ancien maire": the head is the first role of a "de" chain
            while True:
                d = n_i - 1
                while d >= 0 and (seg[d].lower in _DETS or seg[d].pos == "ADJ"
                                  or seg[d].lower in ("ancien", "ancienne")):
                    if seg[d].lower in ("du", "des"):
                        break
                    d -= 1
                if d >= 1 and seg[d].lower in ("de", "d'", "du", "des") and is_role(seg[d - 1]):
                    n_i = d - 1
                    continue
                break
            t = seg[n_i]
            if True:
                d = n_i - 1
                while d >= 0 and seg[d].lower not in _DETS and seg[d].pos in ("ADJ", "") and \
                        not _is_cap(seg[d]) and seg[d].lower not in ("de", "d'", "à"):
                    d -= 1
                det = seg[d] if d >= 0 and seg[d].lower in _DETS else None
                first = d + 1 if det is not None else n_i
                gender = _DET_GENDER.get(det.lower) if det is not None else None
                return self.text[seg[first].start : seg[-1].end], gender or noun_gender(t.lower)
        if seg[0].lower in _DETS and seg[0].lower not in ("du", "au", "aux", "des") and 1 < len(seg) <= 5 \
                and toks[i - 1].text == "," and not _is_cap(seg[1]) and seg[1].pos not in ("VERB", "AUX") \
                and not any(t.lower in _PREPOSITIONS and t.lower not in ("de", "d'", "du", "des") for t in seg) \
                and not any(self.lex.lemma_of_form(t.lower) for t in seg):
            return self.text[seg[1].start : seg[-1].end], _DET_GENDER.get(seg[0].lower)
        return None

    def _role_after(self, toks: list[Tok], j: int) -> str | None:
        """Role in "Sylvie Carrasco, gérante de l'épicerie," (skipping an age: "64 ans,")."""
        k = j
        if k >= len(toks) or toks[k].text != ",":
            return None
        k += 1
        if k + 1 < len(toks) and toks[k].text.isdigit() and toks[k + 1].lower == "ans":
            k += 2
            if k < len(toks) and toks[k].text == ",":
                k += 1
        if k >= len(toks):
            return None
        first = toks[k]
        if not first.text[:1].islower() or first.lower in _NOT_NAME or first.pos in ("VERB", "AUX"):
            return None
        if self.lex.lemma_of_form(first.lower) and first.pos != "NOUN":
            return None
        roles = self.lex.noun_class("role")
        head_words = [t.lower for t in toks[k : k + 2]]
        if not any(w in roles or w.split("-")[0] in roles for w in head_words) and not (
                k + 1 < len(toks) and toks[k + 1].lower in ("de", "d'", "du", "des", "au", "aux")):
            return None
        e = k
        while e < len(toks) and toks[e].text not in ",;:.!?»" and not toks[e].quoted:
            e += 1
        if e == k:
            return None
        return self.text[toks[k].start : toks[e - 1].end]

    def _gender_near(self, toks: list[Tok], i: int, j: int) -> str | None:
        found = self._role_np_before(toks, i)
        det_gender = found[1] if found else None
        if det_gender:
            return det_gender
        if j < len(toks) - 1 and toks[j].text == ",":
            return noun_gender(toks[j + 1].lower)
        return None

    # ---- history ---------------------------------------------------------------------------
    def _push(self, m: Mention, pos: int, paragraph: int) -> None:
        if (m.entity is None and not m.anonymous) or m.plural:
            return
        gender = m.gender or (m.entity.gender if m.entity else None)
        self.history.append(_Hist(pos, paragraph, m.entity, gender, True, m.anonymous))

    def _recent(
        self, pos: int, paragraph: int, gender: str | None, strong_only: bool, persons_only: bool = True
    ) -> _Hist | None:
        best: _Hist | None = None
        for h in self.history:
            if h.pos >= pos or h.paragraph < paragraph - 3:
                continue
            if strong_only and not h.strong:
                continue
            if persons_only and h.entity is not None and h.entity.type != "PER":
                continue
            g = h.gender or (h.entity.gender if h.entity else None)
            if gender and g and g != gender:
                continue
            if best is None or h.pos >= best.pos:
                best = h
        return best

    def _speech_subjects(self, toks: list[Tok], unit: Unit) -> None:
        for t in toks:
            if t.quoted or not self._verbal(toks, t) or not self._is_speech(toks, t):
                continue
            subj = self._subject_of(toks, t, postposed=self._inverted(toks, t))
            if subj is not None:
                m = self._resolve(toks, subj, unit.paragraph)
                if m is not None and not m.guessed:
                    self._push(m, max(subj[-1].start, t.start), unit.paragraph)

    # ---- verbs -----------------------------------------------------------------------------
    def _is_speech(self, toks: list[Tok], t: Tok) -> bool:
        if t.quoted:
            return False
        # "est poursuivi pour", "a été relevé": a passive participle reports no speech
        back = [x.lower for x in toks[max(0, t.i - 3) : t.i]]
        if any(w in _ETRE for w in back[-2:]) and not any(w in ("se", "s'") for w in back):
            return False
        if self._multi(toks, t) is not None:
            return True
        form = self.lex.lemma_of_form(t.lower)
        return form is not None and t.pos in ("VERB", "AUX", "", "NOUN", "ADJ") and not t.text[:1].isupper()

    def _inverted(self, toks: list[Tok], v: Tok) -> bool:
        """Does the verb stand after its clause, subject following ("…, a précisé le ministère")?"""
        if v.lower.endswith("ant"):
            return False  # "…, dénonçant un dossier": a participle, its subject is the sentence's
        if any(c.head == v.i and c.dep.startswith("nsubj") and c.i < v.i and c.lower not in _CLITICS for c in toks):
            return False  # "L'avocat de X, Me Y, a annoncé": the subject stands before
        k = v.i - 1
        while k >= 0 and (toks[k].lower in _AUX or toks[k].lower in _CLITICS or toks[k].lower in _ADVERBS_IN_CUE):
            k -= 1
        return k >= 0 and toks[k].text in (",", "»", "”", '"')

    def _verbal(self, toks: list[Tok], t: Tok) -> bool:
        """Is t used as a verb? A speech-verb form the tagger took for a noun counts when no determiner or
        preposition precedes it ("une élue, juge le texte")."""
        if t.pos in ("VERB", "AUX"):
            return True
        if t.pos not in ("NOUN", "ADJ") or not self.lex.lemma_of_form(t.lower) or t.i == 0:
            return False
        prev = toks[t.i - 1]
        return prev.lower not in _DETS and prev.pos not in ("ADP", "DET", "ADJ") and prev.lower not in _PREPOSITIONS

    def _multi(self, toks: list[Tok], t: Tok) -> tuple[str, int] | None:
        """A multi-word cue starting at t ("fait savoir", "mis en garde"): its lemma and length."""
        return self.lex.multi_cue([x.lower for x in toks[t.i : t.i + 3]], 0)

    def _speech_lemma(self, toks: list[Tok], t: Tok) -> str:
        multi = self._multi(toks, t)
        if multi is not None:
            return multi[0]
        return self.lex.lemma_of_form(t.lower) or t.lower

    def _verb_group_end(self, toks: list[Tok], t: Tok) -> int:
        """Index after the verb and its trailing pieces (inverted pronoun, other words of a multi-word cue)."""
        multi = self._multi(toks, t)
        j = t.i + (multi[1] if multi is not None else 1)
        while j < len(toks) and toks[j].lower in ("-t", "-il", "-elle", "-on", "-t-il", "-t-elle", "-ils"):
            j += 1
        return j

    def _cue_after(self, toks: list[Tok], j: int) -> tuple[Tok, int, int] | None:
        """A postposed cue starting at token j (", a déclaré X", ", confie-t-elle"): (verb, cue start, cue end)."""
        n = len(toks)
        if j < n and toks[j].text == ",":
            j += 1
        start = j
        while j < n and toks[j].lower in _CLITICS:
            j += 1
        aux = False
        if j < n and toks[j].lower in _AUX:
            aux = True
            j += 1
            while j < n and toks[j].lower in ("-t", "-il", "-elle", "-on", "-t-il", "-t-elle"):
                j += 1
        while j < n and toks[j].lower in _ADVERBS_IN_CUE:
            j += 1
        if j >= n or toks[j].quoted:
            return None
        v = toks[j]
        if not self._is_speech(toks, v):
            return None
        end = self._verb_group_end(toks, v)
        if not aux and v.lower.endswith("ant"):
            return None
        if not aux and end == v.i + 1:
            # a bare present needs an inverted subject after it ("», souffle la jeune femme")
            if end >= n or toks[end].lower in ("que", "qu'", "de", "d'") or not self._np_after(toks, end):
                return None
        return v, start, end

    def _subject_of(self, toks: list[Tok], v: Tok, postposed: bool = False) -> list[Tok] | None:
        """Tokens of the subject of speech verb v (parse first, then word order)."""
        # "qualifiée de « brutale » par l'opposition": a passive participle's agent is the speaker
        agent = next((c for c in toks if c.head == v.i and c.dep == "obl:agent" and c.i != v.i), None)
        if agent is not None:
            return _np(toks, agent)
        end = self._verb_group_end(toks, v)
        for t in toks[v.i + 1 : end]:
            if t.lower in _PRONOUNS:
                return [t]
        if postposed:
            after = self._np_after(toks, end)
            if after:
                return after
        seen: set[int] = set()
        cur: Tok | None = v
        while cur is not None and cur.i not in seen:
            seen.add(cur.i)
            subj = [c for c in toks if c.head == cur.i and c.dep.startswith("nsubj") and c.i != cur.i
                    and c.lower not in _CLITICS and not c.quoted]
            if subj:
                s = subj[0]
                if s.lower == "qui" and s.i >= 2 and toks[s.i - 1].text == "," \
                        and toks[s.i - 2].start in self.entity_at:
                    # "…, a précisé Mme Marchetti, qui a promis …": the name before the comma
                    e = self.entity_at[toks[s.i - 2].start]
                    k = s.i - 2
                    while k > 0 and (self.entity_at.get(toks[k - 1].start) is e or toks[k - 1].lower in TITLES):
                        k -= 1
                    return toks[k : s.i - 1]
                if s.lower == "qui" and cur.dep.startswith("acl") and 0 <= cur.head < len(toks):
                    noun = toks[cur.head]
                    orgs = self.lex.noun_class("organisation")
                    while noun.lower not in orgs and noun.dep == "nmod" and 0 <= noun.head < len(toks) \
                            and noun.start not in self.entity_at:
                        up = toks[noun.head]
                        if up.lower in orgs or up.lower in self.lex.noun_class("anonymous"):
                            noun = up
                            break
                        if up.pos != "NOUN":
                            break
                        noun = up
                    return _np(toks, noun)
                if s.lower in ("il", "elle", "ils", "elles") or s.pos in ("NOUN", "PROPN", "PRON"):
                    if s.i < v.i or s.lower in _PRONOUNS:
                        return _np(toks, s)
                    break  # a subject after a verb that is not inverted is a parse error
            if cur.dep in ("advcl", "conj", "xcomp", "acl") and 0 <= cur.head < len(toks) and cur.head != cur.i:
                cur = toks[cur.head]
                continue
            break
        before = self._np_before(toks, v.i)
        if before:
            return before
        return self._np_after(toks, end)

    def _np_after(self, toks: list[Tok], j: int) -> list[Tok] | None:
        """The subject noun phrase after an inverted verb, skipping adverbs and prepositional phrases."""
        n = len(toks)
        while j < n:
            t = toks[j]
            if t.quoted or t.text in ".;:!?»" or t.lower in ("que", "qu'", "qui", "dont") or t.lower.startswith("qu'"):
                return None
            if t.lower in _DETS or t.lower in TITLES or _is_cap(t) or t.lower.rstrip(".") in TITLES:
                break
            if t.lower in _PREPOSITIONS or t.lower == "lors" or t.pos == "ADP":
                j = self._skip_object(toks, j + 1)
                continue
            j += 1
        if j >= n:
            return None
        k = j + 1
        while k < n and toks[k].text not in ",.;:!?»«" and toks[k].lower not in (
            "lors", "en", "dans", "devant", "sous", "au", "qui", "avant", "après", "pendant", "depuis",
            "sur", "à", "auprès", "via",  # "écrit la préfecture sur son site", "a déclaré X à l'AFP"
        ) and not toks[k].quoted:
            k += 1
        out = toks[j:k]
        # "le directeur de l'hôpital, Arnaud Sellier": the name in apposition is the mention
        if k + 1 < n and toks[k].text == "," and _is_cap(toks[k + 1]) and toks[k + 1].lower not in _NOT_NAME:
            e = k + 1
            while e < n and _is_cap(toks[e]):
                e += 1
            out = toks[j:e]
        return out

    def _skip_object(self, toks: list[Tok], j: int) -> int:
        """Index after the object of a preposition: determiners, one word, and its "de …" complements."""
        n = len(toks)
        while j < n and not toks[j].quoted and toks[j].text not in ",.;:!?»«":
            while j < n and (toks[j].lower in _DETS or toks[j].lower in ("d'", "de")):
                j += 1
            if j >= n or toks[j].text in ",.;:!?»«":
                return j
            j += 1
            while j < n and toks[j].pos == "ADJ":
                j += 1
            if j < n and toks[j].lower in ("de", "d'", "du", "des"):
                j += 1
                continue
            return j
        return j

    def _np_before(self, toks: list[Tok], i: int) -> list[Tok] | None:
        """Subject before verb index i by word order: the last comma-separated noun phrase."""
        k = i - 1
        while k >= 0 and (toks[k].lower in _CLITICS or toks[k].lower in _AUX or toks[k].lower in _ADVERBS_IN_CUE
                          or toks[k].lower in ("ne", "n'", "pas")):
            k -= 1
        segs: list[list[Tok]] = [[]]
        for t in toks[: k + 1]:
            if t.quoted:
                segs.append([])
                continue
            if t.text in ",;:":
                segs.append([])
            else:
                segs[-1].append(t)
        for seg in reversed(segs):
            if not seg:
                continue
            head = seg[0]
            if head.lower in ("qui", "que", "qu'", "dont", "où"):
                continue
            if head.lower in _DETS or head.lower in _PRONOUNS or _is_cap(head) or head.lower in TITLES:
                if head.pos == "ADP" or head.lower in ("à", "dans", "en", "selon", "pour"):
                    return None
                if head.lower in _PRONOUNS or head.lower in _DETS or head.lower in TITLES or _is_cap(head):
                    # the phrase stops where its verb starts ("Le tribunal l'a relaxé")
                    for n, t in enumerate(seg[1:], 1):
                        if (t.lower in _CLITICS and not _article_elision(seg, n)) or t.lower in _AUX \
                                or t.pos in ("VERB", "AUX") or t.lower in ("ne", "n'"):
                            return seg[:n]
                    return seg
            return None
        return None

    # ---- mentions --------------------------------------------------------------------------
    def _resolve(self, toks: list[Tok], np: list[Tok], paragraph: int) -> Mention | None:
        np = [t for t in np if not t.quoted]
        while np and np[0].lower in ("de", "d'", "par", "à"):
            np = np[1:]
        if not np:
            return None
        start, end = np[0].start, np[-1].end
        people = [self.entity_at[t.start] for t in np if t.start in self.entity_at]
        per = [e for e in people if e.type == "PER"]
        head = next((t for t in np if t.lower not in _DETS and t.lower not in TITLES), np[0])
        orgs = self.lex.noun_class("organisation")
        if per:
            # the name heading the phrase or in apposition to it, not one inside a complement ("par M. X")
            e = per[-1]
            for n, t in enumerate(np):
                ent = self.entity_at.get(t.start)
                if ent is None or ent.type != "PER":
                    continue
                prev = np[n - 1] if n > 0 else None
                if prev is not None and self.entity_at.get(prev.start) is ent:
                    continue
                if prev is None or prev.text == "," or prev.lower in TITLES or prev.lower.rstrip(".") in TITLES \
                        or prev.lower not in ("de", "d'", "du", "des", "par", "à", "au", "aux", "contre", "avec"):
                    e = ent
                    break
            names = [t for t in np if self.entity_at.get(t.start) is e]
            return Mention(names[0].start if names[0].start > start else start, names[-1].end, e,
                           gender=e.gender, role=e.roles[0] if e.roles else None)
        if people and (head.lower in orgs or head.start in self.entity_at):
            e = people[-1]
            return Mention(start, end, e)
        first = np[0]
        if first.lower in _PRONOUNS and len(np) == 1:
            g = _PRONOUNS[first.lower]
            if first.text.startswith("-"):
                start += 1  # "a-t-elle": the mention is "elle"
            h = self._recent(first.start, paragraph, g, strong_only=False)
            if h is None:
                return Mention(start, end, None, gender=g)
            if h.entity is not None and h.entity.gender is None and first.lower in ("il", "elle", "-il", "-elle"):
                h.entity.gender = g
            return Mention(start, end, h.entity, anonymous=h.anonymous, gender=g,
                           role=h.entity.roles[0] if h.entity and h.entity.roles else None)
        det_gender = _DET_GENDER.get(first.lower) or noun_gender(head.lower)
        anon = self.lex.noun_class("anonymous")
        documents = self.lex.noun_class("document")
        if head.lower in documents:
            # "un communiqué de la préfecture": the organisation behind the document speaks
            k = np.index(head) + 1 if head in np else len(np)
            if k < len(np) and np[k].lower in ("de", "d'", "du", "des"):
                inner = self._resolve(toks, np[k:], paragraph)
                if inner is not None and inner.entity is not None:
                    return inner
            elif first.lower in ("le", "la", "l'", "ce", "cette") and len(np) <= 2 \
                    and head.lower in self.lex.noun_class("statement"):
                # "précise le communiqué": the document of the organisation named last
                org = next((h.entity for h in sorted(self.history, key=lambda x: -x.pos)
                            if h.pos < start and h.entity is not None and h.entity.type == "ORG"), None)
                if org is not None:
                    return Mention(start, end, org)
        if first.lower in _INDEFINITE or any(t.lower in anon for t in np[:3]):
            return Mention(start, end, None, anonymous=True, gender=det_gender)
        if first.lower in ("les", "ces", "certains", "certaines") and head.lower not in orgs \
                and not any(t.start in self.entity_at for t in np):
            return Mention(start, end, None, anonymous=True, plural=True)  # "ont scandé les manifestants"
        if head.lower in orgs:
            return Mention(start, end, self._org_for(np, head), gender=None)
        if len(np) == 1 and _is_cap(first):
            e2 = self.registry.by_surname(first.text) or self.registry.by_alias(first.text)
            if e2 is not None:
                return Mention(start, end, e2, gender=e2.gender)
            if first.lower in _NOT_NAME or first.text.isupper():
                return None
            # a person known by one name ("Marie, 34 ans, …", "», raconte Karim.")
            e3 = self.registry.person(first.text, first.start)
            self.entity_at[first.start] = e3
            return Mention(start, end, e3)
        if first.lower not in _DETS:
            return None
        if len(np) >= 2 and all(_is_cap(t) for t in np[1:]) and not any(t.start in self.entity_at for t in np):
            # "écrit Le Monde", "selon le Parisien": a determiner and a proper name, an organisation
            name = self.text[(first if first.text[:1].isupper() else np[1]).start : np[-1].end]
            return Mention(start, end, self.registry.org(name, start), gender=None)
        return self._role_mention(np, head, det_gender, paragraph)

    def _role_mention(self, np: list[Tok], head: Tok, gender: str | None, paragraph: int) -> Mention:
        start, end = np[0].start, np[-1].end
        key = fold(head.text)
        candidates = [
            e for e in self.registry.entities
            if e.type == "PER" and any(key in fold(r).replace("'", " ").split() for r in e.roles)
            and not (gender and e.gender and e.gender != gender)
        ]
        if candidates:
            # the most recently mentioned one
            last = {id(h.entity): h.pos for h in self.history if h.entity is not None and h.pos < start}
            candidates.sort(key=lambda e: last.get(id(e), e.pos))
            e = candidates[-1]
            return Mention(start, end, e, gender=gender or e.gender, role=e.roles[0] if e.roles else None)
        h = self._recent(start, paragraph, gender, strong_only=False)
        named = None
        for known in (True, False):
            for hh in sorted(self.history, key=lambda x: -x.pos):
                if hh.pos >= start or hh.entity is None or hh.entity.type != "PER":
                    continue
                if hh.paragraph < paragraph - 4:
                    break
                g = hh.entity.gender or hh.gender
                if gender and g and g != gender:
                    continue
                if known and gender and g != gender:
                    continue
                named = hh
                break
            if named is not None:
                break
        pick = named or h
        if pick is None or pick.entity is None:
            return Mention(start, end, None, gender=gender, guessed=True)
        return Mention(start, end, pick.entity, gender=gender, guessed=True)

    def _org_for(self, np: list[Tok], head: Tok) -> Entity:
        kind = self._org_kind(head.lower, "")
        orgs = [e for e in self.registry.entities if e.type == "ORG" and e.pos < np[0].start]
        if head.lower == "direction":
            company = [e for e in orgs if not e.kind]
            if company:
                return company[0]
        elif kind:
            same = [e for e in orgs if e.kind == kind]
            if same:
                return same[-1]
            acronyms = [e for e in orgs if not e.kind and any(a.isupper() for a in (e.name, *e.aliases))]
            if acronyms:
                return acronyms[-1]
        last = head
        rest = np[np.index(head) + 1 :] if head in np else []
        for n, t in enumerate(rest):
            if t.pos in ("VERB", "AUX") or (t.lower in _CLITICS and not _article_elision(rest, n)) \
                    or t.text in ",;:(" or t.lower in ("qui", "que"):
                break
            last = t
        name = self.text[head.start : last.end]
        return self.registry.org(name, head.start, kind)

    # ---- quotations ------------------------------------------------------------------------
    def _span(self, k: int, u_index: int) -> tuple[bool, _Attribution | None]:
        sp = self.spans[k]
        toks = self.toks[u_index]
        unit = self.units[u_index]
        content = self.text[sp.start : sp.end]
        opening, closing = sp.open_pos, sp.outer_end
        inside = [t for t in toks if opening <= t.start < closing]
        before = [t for t in toks if t.end <= opening]
        after = [t for t in toks if t.start >= closing]
        first_in = inside[0].i if inside else (before[-1].i + 1 if before else 0)
        sentence_like = bool(re.search(r"[.!?…]$|[.!?;:]\s", content)) or not sp.closed
        if is_name_or_title(sp, content):
            return False, None
        if not sentence_like and named_in_context(self.view, sp, self.lex.noun_class("naming")):
            return False, None
        att: _Attribution | None = None
        if sp.incises:
            att = self._incise_cue(k, toks)
        if att is None and after and sp.closed:
            cue = self._cue_after(toks, after[0].i)
            if cue is not None:
                att = self._attribution_from(toks, cue[0], cue[1], cue[2], unit.paragraph, postposed=True)
        prev_sig = [t for t in before if t.text.strip()]
        if prev_sig and prev_sig[-1].lower in _AUX | {"sont"} and after and len(words(content)) <= 2 \
                and _PARTICIPLE_END.search(after[0].lower) and after[0].text.isalpha():
            return False, None  # "a « juste » demandé": a stressed word inside a verb group
        standalone = (not prev_sig or prev_sig[-1].text in (":", "«", "“", '"')
                      or prev_sig[-1].quoted or not sp.closed)
        lead = next((t for t in inside if t.quoted), None)
        if not (standalone or sentence_like) and lead is not None and lead.text[:1].isupper() \
                and (lead.lower in _DETS or self._names_a_noun(prev_sig[-1])):
            # "a écrit « Une si longue lettre »", "une journée « France morte »": a title or a name,
            # capitalised inside a sentence
            return False, None
        if att is None and prev_sig and prev_sig[-1].text == ":":
            att = self._colon_cue(toks, prev_sig[-1].i, unit)
        if att is None and not standalone:
            att = self._adjacent_cue(toks, before, unit)
        if att is None and not standalone:
            # "Le texte, comme l'a souligné X, « … »": the "comme" clause names the source
            att = next((a for t in toks if t.lower == "comme" and not t.quoted
                        for a in (self._as_says(toks, t, unit),) if a is not None), None)
        if att is None and not standalone and self.parsed[u_index]:
            att = self._governing_cue(toks, first_in, sp, unit)
        if att is None:
            att = self._source_phrase(toks, unit, sp)
        if att is None and not standalone and self.parsed[u_index]:
            att = self._clause_quote(toks, sp, unit)
        if att is not None:
            return True, att
        if standalone and (sentence_like or len(words(content)) >= 4):
            return True, None
        if standalone and after and after[0].text in (",", ".") and len(words(content)) >= 2:
            return True, None
        return False, None

    def _attribution_from(self, toks: list[Tok], v: Tok, cs: int, ce: int, paragraph: int,
                          postposed: bool = False) -> _Attribution:
        cue = (toks[cs].start, toks[ce - 1].end)
        inverted = [t for t in toks[cs:ce] if t.lower in ("-il", "-elle", "-ils", "-elles")]
        subj = inverted[:1] or (self._subject_of(toks, v, postposed) if ce > cs else None)
        if subj and subj[0].i >= ce and subj[0].quoted:
            subj = None
        if subj is None:
            return _Attribution(cue, None, bare=True)
        return _Attribution(cue, self._resolve(toks, subj, paragraph))

    def _incise_cue(self, k: int, toks: list[Tok]) -> _Attribution | None:
        sp = self.spans[k]
        comma, _stop = sp.incises[0]
        for t in toks:
            if t.start >= comma and not t.quoted:
                cue = self._cue_after(toks, t.i)
                if cue is not None:
                    return self._attribution_from(toks, cue[0], cue[1], cue[2], sp.paragraph, postposed=True)
                return None
        return None

    def _colon_cue(self, toks: list[Tok], colon: int, unit: Unit) -> _Attribution | None:
        for t in reversed(toks[:colon]):
            if t.quoted:
                continue
            if self._is_speech(toks, t) and t.pos in ("VERB", "", "NOUN", "ADJ", "AUX"):
                start = t.i
                while start > 0 and (toks[start - 1].lower in _AUX or toks[start - 1].lower in _CLITICS
                                     or toks[start - 1].lower in _ADVERBS_IN_CUE
                                     or toks[start - 1].lower in ("d'", "de", "et")):
                    start -= 1
                end = self._verb_group_end(toks, t)
                cue = (toks[start].start, toks[end - 1].end)
                # "Et d'ajouter :", "Et de conclure :" name no speaker
                if start < t.i and toks[t.i - 1].lower in ("d'", "de") and t.lower == self.lex.lemma_of_form(t.lower):
                    return _Attribution(cue, None, bare=True)
                subj = self._subject_of(toks, t)
                if subj is None:
                    return _Attribution(cue, None, bare=True)
                return _Attribution(cue, self._resolve(toks, subj, unit.paragraph))
        # "Le maire, Dominique Peyrac, assume : « … »": the named subject of the clause before the colon
        segs: list[list[Tok]] = [[]]
        for t in toks[:colon]:
            if t.quoted:
                segs.append([])
            elif t.text in ",;:":
                segs.append([])
            else:
                segs[-1].append(t)
        for seg in reversed(segs):
            if not seg or not (seg[0].lower in _DETS or _is_cap(seg[0]) or seg[0].lower in TITLES
                               or seg[0].lower in _PRONOUNS):
                continue
            k = 1
            while k < len(seg) and (_is_cap(seg[k]) or seg[k].lower in _DETS or seg[k].pos in ("NOUN", "ADJ", "PROPN")
                                    or seg[k].lower in ("de", "d'", "du", "des")
                                    or not seg[k].pos and self._plain_noun_word(seg[k])):
                k += 1
            m = self._resolve(toks, seg[:k], unit.paragraph)
            if m is not None and m.entity is not None and not m.guessed:
                rest = [t for t in toks[seg[k - 1].i + 1 : colon] if t.text not in ",;" and not t.quoted]
                return _Attribution((rest[0].start, rest[-1].end) if rest else None, m)
            break
        return None

    def _names_a_noun(self, t: Tok) -> bool:
        """Is t a common noun (by the parse, or a plain lower-case word that is no function word or verb)?"""
        if t.pos:
            return t.pos == "NOUN"
        return self._plain_noun_word(t) and t.lower not in _PREPOSITIONS and t.lower not in _DETS

    def _plain_noun_word(self, t: Tok) -> bool:
        """Without a parse: a lower-case word that may belong to a subject ("La sénatrice X n'a pas …"),
        not an auxiliary, a clitic, a negation or a speech-verb form."""
        return t.text.isalpha() and t.text.islower() and t.lower not in _AUX and t.lower not in _CLITICS \
            and t.lower not in ("ne", "pas") and self.lex.lemma_of_form(t.lower) is None

    def _adjacent_cue(self, toks: list[Tok], before: list[Tok], unit: Unit) -> _Attribution | None:
        """A speech verb a few words before the marks, with its subject before it ("X a salué « … »",
        "Elle dénonce « … »", "s'est dit « … »"): decided from the words, no parse needed."""
        found = adjacent_speech_verb([t.lower for t in before], self.lex)
        if found is None:
            return None
        v = before[len(before) - 1 - found]
        start = v.i
        while start > 0 and (toks[start - 1].lower in _AUX or toks[start - 1].lower in _CLITICS):
            start -= 1
        subj = self._np_before(toks, v.i)
        if not subj:
            return None
        m = self._resolve(toks, subj, unit.paragraph)
        if m is None or (m.entity is None and not m.anonymous):
            return None
        return _Attribution((toks[start].start, toks[self._verb_group_end(toks, v) - 1].end), m)

    def _governing_cue(self, toks: list[Tok], i: int, sp: MarkSpan, unit: Unit) -> _Attribution | None:
        """A partial quotation governed by a speech verb ("a salué « un premier pas »")."""
        if i >= len(toks):
            return None
        t = toks[i]
        while t.quoted is False and t.i + 1 < len(toks) and t.text in "«“\"‘":
            t = toks[t.i + 1]
        if t.dep.startswith("nsubj"):
            return None
        outside = [x for x in toks[:i] if not x.quoted and x.text.strip()]
        if outside and in_prepositional_phrase(
                [x.lower for x in outside],
                noun_before=_noun_before_preposition(outside, self.lex)):
            return None
        seen: set[int] = set()
        cur = t
        chosen: Tok | None = None
        first: Tok | None = None
        while cur.head >= 0 and cur.head != cur.i and cur.head not in seen:
            seen.add(cur.i)
            came_from = cur
            cur = toks[cur.head]
            if cur.quoted:
                continue
            if came_from.dep.startswith("nsubj") and not came_from.quoted:
                break  # the quoted words sit inside a subject ("Le mouvement des « gilets jaunes » a dit")
            if self._is_speech(toks, cur) and self._verbal(toks, cur):
                first = first or cur
                subj = self._subject_of(toks, cur)
                if subj and self._known_subject(subj):
                    chosen = cur
                    break
                if cur.dep.startswith("acl"):
                    break  # "… face aux X qui dénoncent une « … »": the words are the relative clause's
        v = chosen or first
        if v is None:
            return None
        start = v.i
        while start > 0 and (toks[start - 1].lower in _AUX or toks[start - 1].lower in _CLITICS):
            start -= 1
        end = self._verb_group_end(toks, v)
        return self._attribution_from(toks, v, start, end, unit.paragraph)

    def _clause_quote(self, toks: list[Tok], sp: MarkSpan, unit: Unit) -> _Attribution | None:
        """Quoted words holding a finite clause, in a sentence whose subject is a named person."""
        text = self.view[sp.start : sp.end].lower()
        if len(words(text)) < 4 or not SUBORDINATE.match(text):
            return None
        root = next((t for t in toks if t.dep == "ROOT" and not t.quoted), None)
        if root is None:
            return None
        subj = self._subject_of(toks, root)
        if not subj or not any(t.start in self.entity_at for t in subj):
            return None
        m = self._resolve(toks, subj, unit.paragraph)
        if m is None or m.entity is None or m.entity.type != "PER":
            return None
        end = root.i + 1
        while end < len(toks) and not toks[end].quoted and toks[end].text not in ",.;:«“\"":
            end += 1
        return _Attribution((root.start, toks[end - 1].end), m)

    def _known_subject(self, subj: list[Tok]) -> bool:
        if any(t.start in self.entity_at for t in subj):
            return True
        head = next((t for t in subj if t.lower not in _DETS), subj[0])
        if head.lower in _PRONOUNS or head.lower in self.lex.noun_class("organisation"):
            return True
        return any(fold(head.text) in fold(r).split() for e in self.registry.entities for r in e.roles)

    def _source_phrase(self, toks: list[Tok], unit: Unit, sp: MarkSpan) -> _Attribution | None:
        """"selon X" anywhere in the sentence, or "Pour X, …" opening it."""
        outside = [t for t in toks if not t.quoted]
        for t in outside:
            if t.lower == "comme":
                found = self._as_says(toks, t, unit)
                if found is not None:
                    return found
                continue
            after = _after_source_word(toks, t.i)
            if after is None and t.lower == "pour" and t.i == _first_word(toks):
                after = t.i + 1
            if after is not None:
                np = self._np_after_prep(toks, after)
                if not np:
                    continue
                cue = (t.start, toks[after - 1].end)
                if np[0].lower == "qui" and t.i >= 2 and toks[t.i - 1].text == ",":
                    # "Le ministre X, selon qui « … »": the relative's antecedent
                    e = self.entity_at.get(toks[t.i - 2].start)
                    if e is not None:
                        k = t.i - 2
                        while k > 0 and self.entity_at.get(toks[k - 1].start) is e:
                            k -= 1
                        return _Attribution(cue, Mention(toks[k].start, toks[t.i - 2].end, e, gender=e.gender))
                    continue
                if len(np) == 1 and np[0].lower in ("lui", "elle"):
                    him = self._stressed_pronoun(np[0], unit)
                    if him is not None:
                        return _Attribution(cue, him)
                    continue
                m = self._resolve(toks, np, unit.paragraph)
                if m is None or m.guessed or (m.entity is None and not m.anonymous):
                    continue
                if t.lower == "pour" and not any(x.start in self.entity_at for x in np) and m.entity is None:
                    continue
                return _Attribution(cue, m)
        return None

    def _as_says(self, toks: list[Tok], comme: Tok, unit: Unit) -> _Attribution | None:
        """"Comme le rappelle X, « … »", "comme l'a dit X", "comme il l'a souligné": a source clause."""
        n = len(toks)
        j = comme.i + 1
        pronoun: Tok | None = None

        def verbal(x: Tok) -> bool:
            return x.lower in _CLITICS or x.lower in _AUX or self.lex.lemma_of_form(x.lower) is not None

        noun_phrase = j + 1 < n and toks[j].lower in _DETS and not verbal(toks[j + 1])
        while not noun_phrase and j < n and not toks[j].quoted and (
                toks[j].lower in ("le", "l'") or toks[j].lower in _CLITICS or toks[j].lower in _AUX
                or toks[j].lower in _PRONOUNS):
            if toks[j].lower in _PRONOUNS:
                pronoun = toks[j]
            j += 1
        before: list[Tok] = []
        if noun_phrase:
            # "comme le ministre l'a rappelé, « … »": a subject before the verb
            k = j
            while k < min(n, j + 6) and not toks[k].quoted and toks[k].text not in ",.;:" \
                    and toks[k].lower not in _CLITICS and toks[k].lower not in _AUX \
                    and self.lex.lemma_of_form(toks[k].lower) is None:
                k += 1
            if k > j + 1:
                before = toks[j:k]
                j = k
                while j < n and (toks[j].lower in _CLITICS or toks[j].lower in _AUX):
                    j += 1
        if j >= n or toks[j].quoted or self.lex.lemma_of_form(toks[j].lower) is None:
            return None
        v = toks[j]
        end = self._verb_group_end(toks, v)
        pronoun = next((x for x in toks[v.i + 1 : end] if x.lower in _PRONOUNS), pronoun)
        subj = [pronoun] if pronoun is not None else (before or self._np_after(toks, end))
        if not subj or (pronoun is None and not before
                        and (subj[-1].i + 1 >= n or toks[subj[-1].i + 1].text != ",")):
            return None
        m = self._resolve(toks, subj, unit.paragraph)
        if m is None or m.guessed or (m.entity is None and not m.anonymous):
            return None
        return _Attribution((comme.start, toks[end - 1].end), m)

    def _stressed_pronoun(self, pronoun: Tok, unit: Unit) -> Mention | None:
        """"selon lui", "d'après elle": the last person of that gender."""
        g = "Masc" if pronoun.lower == "lui" else "Fem"
        h = self._recent(pronoun.start, unit.paragraph, g, strong_only=False)
        if h is None or h.entity is None:
            return None
        return Mention(pronoun.start, pronoun.end, h.entity, gender=g)

    def _np_after_prep(self, toks: list[Tok], j: int) -> list[Tok] | None:
        """Noun phrase after "selon"/"pour", with its appositions ("son président, Thierry Vannier,")."""
        k = j
        while k < len(toks) and toks[k].text not in ",.;:" and not toks[k].quoted:
            k += 1
        if k == j:
            return None
        out = toks[j:k]
        while k + 1 < len(toks) and toks[k].text == ",":
            nxt = toks[k + 1]
            apposition = _is_cap(nxt) and nxt.lower not in _NOT_NAME or (
                nxt.text[:1].islower() and nxt.lower not in _DETS and nxt.lower not in _PRONOUNS
                and nxt.pos not in ("DET", "PRON", "VERB", "AUX", "ADV", "ADP", "SCONJ", "CCONJ")
                and nxt.lower not in _NOT_NAME
            )
            if not apposition or nxt.quoted:
                break
            e = k + 1
            while e < len(toks) and toks[e].text not in ",.;:" and not toks[e].quoted:
                e += 1
            if e >= len(toks) or toks[e].text != ",":
                break
            out = toks[j:e]
            k = e
        return out

    def _finish_direct(self, direct: dict[int, bool], atts: dict[int, _Attribution | None]) -> None:
        chains: dict[int, list[int]] = {}
        for k, sp in enumerate(self.spans):
            chains.setdefault(sp.chain, []).append(k)
        for members in chains.values():
            if not any(direct.get(k) for k in members):
                continue
            shared = next((atts[k] for k in reversed(members) if atts.get(k) is not None), None)
            for k in members:
                sp = self.spans[k]
                att = atts.get(k) or shared
                if att is None:
                    att = self._fallback(k)
                elif att.bare or att.mention is None:
                    prev = self._leading_subject(sp) or self._previous_speaker(sp)
                    att = _Attribution(att.cue, prev)
                for s, e in sp.parts:
                    self.found.append(Found("direct", s, e, sp.paragraph, att.cue if att else None,
                                            att.mention if att else None, k))
        self._repeated_quotes()

    def _repeated_quotes(self) -> None:
        """A quotation repeated word for word (a pull-quote, a lead taking up the body) with no speaker of
        its own takes the speaker of its attributed twin, when the twins name one speaker only."""
        def key(f: Found) -> str:
            return " ".join(words(self.view[f.start : f.end].lower()))

        speakers: dict[str, set[int]] = {}
        entity_of: dict[int, Entity] = {}
        for f in self.found:
            if f.kind == "direct" and f.mention is not None and f.mention.entity is not None:
                speakers.setdefault(key(f), set()).add(id(f.mention.entity))
                entity_of[id(f.mention.entity)] = f.mention.entity
        for f in self.found:
            if f.kind != "direct" or (f.mention is not None and (f.mention.entity is not None or f.mention.anonymous)):
                continue
            k = key(f)
            twins = speakers.get(k, set())
            if len(k.split()) >= 3 and len(twins) == 1:
                e = entity_of[next(iter(twins))]
                f.mention = Mention(f.start, f.start, e, gender=e.gender)

    def _following_subject(self, sp: MarkSpan) -> Mention | None:
        """The named person opening the sentence after a quotation that opens its paragraph."""
        u_index = next((n for n, u in enumerate(self.units) if u.start <= sp.open_pos < u.end), -1)
        if u_index < 0 or u_index + 1 >= len(self.units):
            return None
        unit, nxt = self.units[u_index], self.units[u_index + 1]
        if unit.start != sp.open_pos or nxt.paragraph != unit.paragraph or nxt.spans:
            return None
        if u_index > 0 and self.units[u_index - 1].paragraph == unit.paragraph:
            return None
        toks = self.toks[u_index + 1]
        c = 0
        if toks and toks[0].lower in _DETS:
            # "L'entraîneur Didier Deschamps ne cachait pas sa joie": a role before the name
            c = 1
            while c < min(len(toks), 5) and not _is_cap(toks[c]) and toks[c].text.isalpha() \
                    and self.lex.lemma_of_form(toks[c].lower) is None and toks[c].lower not in _AUX:
                c += 1
        k = c
        while k < len(toks) and (_is_cap(toks[k]) or toks[k].lower in TITLES) and toks[k].lower not in _NOT_NAME:
            k += 1
        if k == c:
            return None
        e = self.entity_at.get(toks[c].start) or self.entity_at.get(toks[k - 1].start)
        if e is None or e.type != "PER":
            return None
        return Mention(sp.open_pos, sp.open_pos, e, gender=e.gender)

    def _leading_subject(self, sp: MarkSpan, across: bool = False) -> Mention | None:
        """Subject opening the previous sentence of the paragraph ("La maire, elle, veut croire…");
        with `across`, a quotation opening its paragraph looks at the last sentence of the one before."""
        u_index = next((n for n, u in enumerate(self.units) if u.start <= sp.open_pos < u.end), -1)
        if u_index <= 0:
            return None
        prev_par = self.units[u_index - 1].paragraph
        opens = self.units[u_index].start == sp.open_pos and self.units[u_index].paragraph != prev_par
        if prev_par != sp.paragraph and not (across and opens and prev_par == sp.paragraph - 1):
            return None
        toks = [t for t in self.toks[u_index - 1] if not t.quoted]
        if not toks or self.units[u_index - 1].spans:
            return None
        # the phrase opening the sentence ("La maire, elle, veut…"), else the parsed subject of its root
        k = 0
        while k < len(toks) and toks[k].text not in ",;:" and toks[k].pos not in ("VERB", "AUX") and not (
                toks[k].lower in _AUX or self.lex.lemma_of_form(toks[k].lower)):
            k += 1
        np: list[Tok] | None = toks[:k]
        root = next((t for t in toks if t.dep == "ROOT" and t.pos in ("VERB", "AUX")), None)
        if not np or not (np[0].lower in _DETS or _is_cap(np[0]) or np[0].lower in TITLES):
            np = self._subject_of(toks, root) if root is not None else None
        if not np or not (np[0].lower in _DETS or _is_cap(np[0]) or np[0].lower in TITLES):
            return None
        while np and (np[-1].lower in _CLITICS or np[-1].lower in ("ne", "n'")):
            np = np[:-1]
        m = self._resolve(toks, np, sp.paragraph) if np else None
        if m is None or m.entity is None or m.entity.type != "PER":
            return None
        return Mention(sp.open_pos, sp.open_pos, m.entity, gender=m.gender, role=m.role)

    def _previous_speaker(self, sp: MarkSpan) -> Mention | None:
        h = self._recent(sp.open_pos, sp.paragraph, None, strong_only=True)
        if h is None:
            h = self._recent(sp.open_pos, sp.paragraph, None, strong_only=False)
        if h is None:
            return None
        return Mention(sp.open_pos, sp.open_pos, h.entity, anonymous=h.anonymous, gender=h.gender)

    def _fallback(self, k: int) -> _Attribution | None:
        sp = self.spans[k]
        # a pull-quote repeats words already attributed in the article
        key = fold(self.view[sp.start : sp.end]).strip(" .!?…,;")
        for f in self.found:
            if f.kind == "direct" and f.mention is not None and \
                    fold(self.view[f.start : f.end]).strip(" .!?…,;") == key:
                return _Attribution(f.cue, f.mention)
        # the quotation just before, in the same sentence ("dénonce « X » : « Y »")
        for f in reversed(self.found):
            if f.paragraph == sp.paragraph and f.kind == "direct" and f.end <= sp.open_pos:
                between = self.view[f.end : sp.open_pos]
                if len(between) < 6 and f.mention is not None:
                    return _Attribution(f.cue, f.mention)
                break
        # "« On a tout perdu. » Jeanne Roux, 72 ans, ne décolère pas.": a quotation opening its paragraph
        # goes to the named person opening the next sentence
        follow = self._following_subject(sp)
        if follow is not None:
            return _Attribution(None, follow)
        # "Le ministre s'est montré confiant. « … »": the subject of the sentence before
        lead = self._leading_subject(sp, across=True)
        if lead is not None:
            return _Attribution(None, lead)
        h = self._recent(sp.open_pos, sp.paragraph, None, strong_only=True)
        if h is None or h.paragraph < sp.paragraph - 1:
            return None
        return _Attribution(None, Mention(sp.open_pos, sp.open_pos, h.entity, anonymous=h.anonymous))

    # ---- indirect speech -------------------------------------------------------------------
    def _indirect(self, u_index: int) -> None:
        toks = self.toks[u_index]
        unit = self.units[u_index]
        n = len(toks)
        done = False
        for t in toks if self.parsed[u_index] else ():  # the verb rules read the parse
            if t.quoted or t.pos not in ("VERB", "AUX") or not self._is_speech(toks, t):
                continue
            lemma = self._speech_lemma(toks, t)
            if lemma not in self.lex.que_lemmas:
                continue
            j = self._verb_group_end(toks, t)
            steps = 0
            while j < n and steps < 5 and toks[j].lower not in ("que", "qu'") and (
                toks[j].text == "," or toks[j].pos in ("ADV", "VERB") or toks[j].lower in _ADVERBS_IN_CUE
                or toks[j].lower in _TIME_NOUNS
            ):
                j += 1
                steps += 1
            if not (j < n and toks[j].lower in ("que", "qu'")):
                j = self._completive_after(toks, self._verb_group_end(toks, t))
            if j < n and toks[j].lower in ("que", "qu'") and j + 1 < n:
                self._add_indirect(toks, toks[j + 1].start, unit, t)
                done = True
                break
            # "La ministre l'a annoncé mercredi": the previous sentence is the statement
            # (not in "comme elle l'a rappelé", where "l'" stands for what follows)
            if t.i >= 2 and toks[t.i - 2].lower == "l'" and toks[t.i - 1].lower in _AUX \
                    and not any(x.lower == "comme" for x in toks[max(0, t.i - 5) : t.i - 2]):
                prev_i = u_index - 1
                if prev_i >= 0 and self.units[prev_i].paragraph == unit.paragraph and not self.units[prev_i].spans:
                    prev = self.units[prev_i]
                    self._emit_indirect(self.toks[prev_i], prev.start, prev.end, prev, t, toks)
                    done = True
                    break
                continue
            # "…, a précisé le ministère." postposed verb after a clause
            if t.i > 0 and not done:
                k = t.i - 1
                has_aux = False
                # "…, a précisé X", "…, a-t-il expliqué": auxiliary, clitics, inverted pronoun before the verb
                while k > 0 and (toks[k].lower in _AUX or toks[k].lower in _CLITICS or toks[k].lower.startswith("-")):
                    has_aux = has_aux or toks[k].lower in _AUX
                    k -= 1
                vend = self._verb_group_end(toks, t)
                inverted = next((x for x in toks[k + 1 : vend] if x.lower in _PRONOUNS and x.lower[0] == "-"), None)
                subj_after = self._np_after(toks, vend) if vend < n else None
                if toks[k].text == "," and k > 2 and not any(x.quoted for x in toks[:k]) and \
                        not self.spans_in(unit.start, toks[k].start) and (subj_after or inverted) and (
                            has_aux or inverted or vend > t.i + 1 or (vend < n and toks[vend].lower in _DETS)):
                    if any(x.pos in ("VERB", "AUX") for x in toks[:k]):
                        who = self._resolve(toks, [inverted], unit.paragraph) if inverted and not subj_after else None
                        self._emit_indirect(toks, unit.start, toks[k].start, unit, t, postposed=True, mention=who)
                        done = True
                        break
        if done:
            return
        first = _first_word(toks)
        after = _after_source_word(toks, first) if first < n else None
        if after is None and first < n and toks[first].lower == "pour":
            after = first + 1
        if after is not None:
            np = self._np_after_prep(toks, after)
            if not np:
                return
            k = np[-1].i + 1
            if k >= n or toks[k].text != ",":
                return
            m = self._resolve(toks, np, unit.paragraph)
            if len(np) == 1 and np[0].lower in ("lui", "elle") and toks[first].lower != "pour":
                m = self._stressed_pronoun(np[0], unit)
            if m is None or m.guessed:
                return
            if toks[first].lower == "pour" and not any(x.start in self.entity_at for x in np):
                return
            if toks[first].lower != "pour" and m.entity is None and not m.anonymous:
                return
            if k + 1 < n:
                c0 = toks[k + 1]
                # the clause opens with its subject, not with an apposition ("délégué de …, majoritaire …")
                if c0.lower in self.lex.noun_class("role") or c0.lower.endswith(("é", "ée", "és", "ées", "ant")) \
                        or c0.pos in ("NOUN", "ADJ", "VERB", "ADP") or c0.text in "«“\"":
                    return
                self._emit_indirect(toks, c0.start, unit.end, unit, None, mention=m)

    def _completive_after(self, toks: list[Tok], j: int) -> int:
        """Index of the "que" opening a reported clause a few words after the verb group ("a estimé mardi
        soir que", "a indiqué dans un communiqué que"), or len(toks): no other verb, punctuation or quotation
        mark in between, and "que" a conjunction (not the relative of "la fermeture que …")."""
        n = len(toks)
        for k in range(j, min(n, j + 10)):
            x = toks[k]
            if x.quoted or x.text in ".;:!?«»“”\"()" or (x.pos in ("VERB", "AUX") and x.lower not in _AUX):
                return n
            if x.lower in ("que", "qu'"):
                return k if x.pos == "SCONJ" else n
        return n

    def spans_in(self, s: int, e: int) -> bool:
        """Does any mark span open inside [s, e)?"""
        return any(s <= sp.open_pos < e for sp in self.spans)

    def _add_indirect(self, toks: list[Tok], start: int, unit: Unit, verb: Tok) -> None:
        self._emit_indirect(toks, start, unit.end, unit, verb)

    def _emit_indirect(self, toks: list[Tok], start: int, end: int, unit: Unit, verb: Tok | None,
                       verb_toks: list[Tok] | None = None, mention: Mention | None = None,
                       postposed: bool = False) -> None:
        first_span = next((sp for sp in self.spans if start <= sp.open_pos < end), None)
        if first_span is not None:
            cut = first_span.open_pos
            seg = self.view[start:cut]
            b = max(seg.rfind(" et que "), seg.rfind(" et qu'"), seg.rfind(";"))
            if b > 0:
                cut = start + b
            end = cut
        text = self.view[start:end].rstrip()
        while text and text[-1] in ".,;: »":
            text = text[:-1].rstrip()
        end = start + len(text)
        if len(words(text)) < (4 if first_span is not None else 3):
            return
        if mention is None and verb is not None:
            vt = verb_toks or toks
            subj = self._subject_of(vt, verb, postposed)
            mention = self._resolve(vt, subj, unit.paragraph) if subj else None
        cue = None
        if verb is not None:
            vt = verb_toks or toks
            last = vt[self._verb_group_end(vt, verb) - 1] if verb.i < len(vt) and vt[verb.i] is verb else verb
            cue = (verb.start, last.end)  # "fait savoir", "précise-t-elle"
        self.found.append(Found("indirect", start, end, unit.paragraph, cue, mention))


def _np(toks: list[Tok], head: Tok) -> list[Tok]:
    """Contiguous tokens of head's subtree (stopping at a relative clause)."""
    members = {head.i}
    changed = True
    while changed:
        changed = False
        for t in toks:
            if t.head in members and t.i not in members and t.dep.split(":")[0] in _NP_DEPS:
                members.add(t.i)
                changed = True
    lo, hi = min(members), max(members)
    out = toks[lo : hi + 1]
    while out and out[-1].text in ",;:":
        out = out[:-1]
    return out


_FEM_SUFFIXES = ("trice", "euse", "ière", "ienne", "esse", "ée", "ette", "ante", "ente", "aire" + "sse", "eure", "ète")
_MASC_SUFFIXES = ("teur", "eur", "ier", "ien", "é", "ant", "ent", "at", "ais", "ois", "in", "on", "ard", "and")


def noun_gender(noun: str) -> str | None:
    """Grammatical gender of a role noun from its ending ("directrice" Fem, "directeur" Masc), or None."""
    w = noun.split("-")[-1]
    if w.endswith(_FEM_SUFFIXES):
        return "Fem"
    if w.endswith(_MASC_SUFFIXES):
        return "Masc"
    return None


_NP_DEPS = frozenset("det amod nmod case flat appos nummod compound fixed".split())


def _is_cap(t: Tok) -> bool:
    return _is_cap_text(t.text)


@lru_cache(maxsize=65536)
def _is_cap_text(text: str) -> bool:
    w = text.lstrip("-")
    if "'" in w[:3] or "’" in w[:3]:
        return False
    return bool(w) and w[0].isupper() and (w.replace("-", "").replace("'", "").replace("’", "").isalpha())


_TIME_NOUNS = frozenset("lundi mardi mercredi jeudi vendredi samedi dimanche matin soir midi après-midi nuit".split())
# prepositions that open an adverbial phrase (place, time, circumstance), never a speech verb's words
_ADVERBIAL_PREPOSITIONS = frozenset(
    "dans sous devant derrière chez parmi pendant après avant depuis malgré hors vers envers entre face lors".split()
)
# prepositions that may introduce a speech verb's complement ("appeler à", "mettre en garde contre")
_ARGUMENT_PREPOSITIONS = frozenset("à au aux sur contre pour avec par".split())


def in_prepositional_phrase(before: list[str], noun_before: bool) -> bool:
    """Do the words before an opening mark put the quoted words inside a prepositional phrase that no
    speech verb governs ("a parlé devant les « sages »", "défend une réforme face aux « gilets jaunes »")?

    `before` are the lower-case words before the mark; a preposition that may introduce a verb's
    complement ("a appelé à « … »") counts only after a noun (`noun_before`, from the parse).
    """
    k = len(before) - 1
    while k >= 0 and before[k] in _DETS:
        k -= 1
    if k < 0:
        return False
    if before[k] in _ADVERBIAL_PREPOSITIONS:
        return True
    return before[k] in _ARGUMENT_PREPOSITIONS and k > 0 and noun_before


def _noun_before_preposition(outside: list[Tok], lex: Lexicon) -> bool:
    """Is the word before the last preposition (determiners skipped) a noun, by the parse, and not the end
    of a multi-word cue ("a mis en garde contre « … »")?"""
    k = len(outside) - 1
    while k >= 0 and outside[k].lower in _DETS:
        k -= 1
    if k <= 0 or outside[k - 1].pos not in ("NOUN", "PROPN") or outside[k - 1].lower in _TIME_NOUNS:
        return False
    low = [t.lower for t in outside]
    return not any((cue := lex.multi_cue(low, s)) is not None and s + cue[1] == k for s in (k - 3, k - 2) if s >= 0)


def _after_particles(toks: list[Tok], j: int) -> int:
    """Index after "de X" / "d'X" particles that continue a name ending at j ("de Courson", "d'Estaing");
    not "de La France insoumise" nor "du Parti socialiste"."""
    n = len(toks)
    while j + 1 < n and toks[j].lower in ("de", "d'") and not toks[j].quoted and _is_cap(toks[j + 1]) \
            and not toks[j + 1].quoted and toks[j + 1].lower not in _NOT_NAME:
        j += 2
        while j < n and _is_cap(toks[j]) and not toks[j].quoted:
            j += 1
    return j


def _article_elision(seq: list[Tok], n: int) -> bool:
    """Is seq[n] the article "l'" before a name or a noun ("de l'Intérieur"), not the pronoun ("l'a dit")?"""
    if seq[n].lower != "l'" or n + 1 >= len(seq):
        return False
    nxt = seq[n + 1]
    return nxt.lower not in _AUX and (_is_cap(nxt) or nxt.pos in ("NOUN", "PROPN", "ADJ"))


def _after_source_word(toks: list[Tok], i: int) -> int | None:
    """Index after "selon" or "d'après" (one token or "d'" + "après") at i, else None."""
    low = toks[i].lower
    if low in ("selon", "d'après"):
        return i + 1
    if low == "d'" and i + 1 < len(toks) and toks[i + 1].lower == "après" and not toks[i + 1].quoted:
        return i + 2
    return None


def _first_word(toks: list[Tok]) -> int:
    for t in toks:
        if t.text.strip() and t.text not in "«“\"":
            return t.i
    return 0


_PARTICIPLE_END = re.compile(r"(?:é|ée|és|ées|i|is|ie|it|u|ue|us)$")


def adjacent_speech_verb(before: list[str], lex: Lexicon) -> int | None:
    """How many words back from the opening mark a speech verb stands ("a salué « … »" → 0), or None.

    Up to three words (a determiner, a noun) may separate them; a participle counts only after an
    auxiliary ("a dénoncé une « … »", not "un texte jugé « … »").
    """
    n = len(before)
    for back in range(min(4, n)):
        w = before[n - 1 - back]
        if w in ",;:.!?«»“”\"()" or w in _ADVERBIAL_PREPOSITIONS:
            return None
        if lex.lemma_of_form(w) is None:
            continue
        prev = before[n - 2 - back] if n - 2 - back >= 0 else ""
        if _PARTICIPLE_END.search(w) and prev not in _AUX and not w.endswith("ant"):
            return None
        if w.endswith("ant"):
            return None
        # "…, qui avait relevé « … »": the subject is the relative's antecedent, left to the parse
        for x in reversed(before[: n - 1 - back]):
            if x in ",;:":
                break
            if x in ("qui", "que", "qu'", "dont", "où"):
                return None
        return back
    return None
