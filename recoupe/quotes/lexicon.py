"""The French word lists the quote rules use, loaded once from package data (recoupe/data)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

_ER_ENDINGS = ("e", "es", "ent", "é", "ée", "és", "ées", "ait", "aient", "ant", "er", "era", "erait", "eront", "a")


@dataclass(slots=True)
class Lexicon:
    """Speech-verb lemmas, their inflected forms, and the noun classes used for attribution."""

    lemmas: set[str] = field(default_factory=set)
    que_lemmas: set[str] = field(default_factory=set)
    forms: dict[str, str] = field(default_factory=dict)
    multi: dict[tuple[str, str], str] = field(default_factory=dict)
    multi3: dict[tuple[str, str, str], str] = field(default_factory=dict)
    nouns: dict[str, set[str]] = field(default_factory=dict)
    _cue_words: frozenset[str] | None = None

    def cue_words(self) -> frozenset[str]:
        """Speech-verb forms and first words of multi-word cues (computed once the lexicon is built)."""
        if self._cue_words is None:
            self._cue_words = frozenset(self.forms) | {a for a, _ in self.multi} | {a for a, _, _ in self.multi3}
        return self._cue_words

    def multi_cue(self, words: list[str], i: int) -> tuple[str, int] | None:
        """The lemma and length of a multi-word cue starting at words[i] ("fait savoir", "mis en garde")."""
        if i + 2 < len(words) and (key3 := (words[i], words[i + 1], words[i + 2])) in self.multi3:
            return self.multi3[key3], 3
        if i + 1 < len(words) and (key := (words[i], words[i + 1])) in self.multi:
            return self.multi[key], 2
        return None

    def is_speech_lemma(self, lemma: str) -> bool:
        """Is `lemma` (lower case) a speech verb?"""
        return lemma in self.lemmas

    def lemma_of_form(self, form: str) -> str | None:
        """Speech-verb lemma of an inflected form, or None when the form is not one."""
        return self.forms.get(form.lower())

    def noun_class(self, name: str) -> set[str]:
        """The nouns of section `name` of quote_nouns.txt."""
        return self.nouns.get(name, set())


def _regular_forms(lemma: str) -> list[str]:
    if not lemma.endswith("er"):
        return [lemma]
    stem = lemma[:-2]
    out = [stem + e for e in _ER_ENDINGS]
    if stem.endswith("c"):
        out += [stem[:-1] + "ç" + e for e in ("ait", "aient", "ant", "a")]
    if stem.endswith("g"):
        out += [stem + "e" + e for e in ("ait", "aient", "ant", "a")]
    return out


def parse_lexicon(verbs_text: str, nouns_text: str) -> Lexicon:
    """Build a Lexicon from the text of speech_verbs.txt and quote_nouns.txt."""
    lex = Lexicon()
    for raw in verbs_text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        words = line.split()
        lemma, extra = words[0], words[1:]
        takes_que = "+que" in extra
        extra = [w for w in extra if not w.startswith("+")]
        if "_" in lemma:
            for form in [lemma, *extra]:
                f = form.split("_")
                if len(f) == 3:
                    lex.multi3[(f[0], f[1], f[2])] = lemma.replace("_", " ")
                else:
                    lex.multi[(f[0], f[1])] = lemma.replace("_", " ")
            if takes_que:
                lex.que_lemmas.add(lemma.replace("_", " "))
            continue
        lex.lemmas.add(lemma)
        if takes_que:
            lex.que_lemmas.add(lemma)
        for form in [*_regular_forms(lemma), lemma, *extra]:
            lex.forms.setdefault(form, lemma)
    section = ""
    for raw in nouns_text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            continue
        lex.nouns.setdefault(section, set()).add(line.lower())
    return lex


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """The lexicon shipped with recoupe."""
    data = resources.files("recoupe") / "data"
    return parse_lexicon(
        (data / "speech_verbs.txt").read_text(encoding="utf-8"),
        (data / "quote_nouns.txt").read_text(encoding="utf-8"),
    )
