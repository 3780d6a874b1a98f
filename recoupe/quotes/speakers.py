"""Speakers: the people and organisations of one article, and their merge across articles."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from recoupe.model import Quote, Speaker

TITLES = {"m.": "Masc", "mme": "Fem", "mlle": "Fem", "me": None, "dr": None, "pr": None, "mgr": "Masc"}


@lru_cache(maxsize=65536)
def fold(s: str) -> str:
    """Accent-, case- and apostrophe-insensitive key of a name."""
    s = unicodedata.normalize("NFKD", s.replace("’", "'"))
    return " ".join("".join(c for c in s if not unicodedata.combining(c)).lower().split())


@dataclass(slots=True)
class Entity:
    """A person or organisation named in one article."""

    name: str
    type: str
    pos: int
    gender: str | None = None
    roles: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    kind: str = ""  # for organisations: union, collective, ... (quote_nouns.txt sections)

    @property
    def surname(self) -> str:
        """Last word of the name, folded."""
        return fold(self.name).split()[-1] if self.name.split() else ""

    def add_role(self, role: str | None) -> None:
        """Attach a role (apposition) once."""
        if role and role not in self.roles:
            self.roles.append(role)

    def add_alias(self, alias: str) -> None:
        """Record a surface form once."""
        if alias and alias not in self.aliases:
            self.aliases.append(alias)


@dataclass(slots=True)
class Registry:
    """The entities of one article, found in text order."""

    entities: list[Entity] = field(default_factory=list)

    def person(self, name: str, pos: int, gender: str | None = None, role: str | None = None) -> Entity:
        """Register (or find) the person called `name`; a later full name completes an earlier surname."""
        words = name.split()
        key = fold(name)
        surname = key.split()[-1]
        for e in self.entities:
            if e.type != "PER" or e.surname != surname:
                continue
            ek = fold(e.name)
            if ek == key or len(words) == 1 or len(ek.split()) == 1 or ek.endswith(key) or key.endswith(ek):
                if len(words) > len(e.name.split()):
                    e.add_alias(e.name)
                    e.name = name
                e.add_alias(name)
                e.gender = e.gender or gender
                e.add_role(role)
                return e
        e = Entity(name, "PER", pos, gender)
        e.add_alias(name)
        e.add_role(role)
        self.entities.append(e)
        return e

    def org(self, name: str, pos: int, kind: str = "", alias: str | None = None) -> Entity:
        """Register (or find) the organisation called `name` (or known by acronym `alias`)."""
        key = fold(name)
        for e in self.entities:
            if e.type != "ORG":
                continue
            keys = {fold(a) for a in (e.name, *e.aliases)}
            if key in keys or (alias and fold(alias) in keys):
                if alias and fold(e.name) == fold(alias) and name != alias:
                    e.name = name
                e.add_alias(name)
                if alias:
                    e.add_alias(alias)
                e.kind = e.kind or kind
                return e
        e = Entity(name, "ORG", pos, None, kind=kind)
        e.add_alias(name)
        if alias:
            e.add_alias(alias)
        self.entities.append(e)
        return e

    def by_surname(self, word: str) -> Entity | None:
        """The person whose name ends with `word`, if exactly one does."""
        key = fold(word)
        found = [e for e in self.entities if e.type == "PER" and e.surname == key]
        return found[0] if len(found) == 1 else None

    def by_alias(self, text: str) -> Entity | None:
        """The entity one of whose surface forms is `text`."""
        key = fold(text)
        for e in self.entities:
            if any(fold(a) == key for a in (e.name, *e.aliases)):
                return e
        return None


def _key_words(name: str) -> list[str]:
    return fold(name).split()


def merge_speakers(quotes: Sequence[Quote]) -> tuple[list[Speaker], list[Quote]]:
    """Merge speakers across articles ("Poutine" and "Vladimir Poutine" are one speaker)."""
    names: dict[str, Speaker] = {}
    order: list[str] = []
    surface: dict[str, str] = {}  # folded name -> first spelling seen (’ and ' variants are one name)
    for q in quotes:
        if not q.speaker:
            continue
        key = surface.setdefault(fold(q.speaker), q.speaker)
        if key not in names:
            names[key] = Speaker(key, [], [], q.speaker_type or "PER")
            order.append(key)
        sp = names[key]
        if q.role and q.role not in sp.roles:
            sp.roles.append(q.role)
        mention = q.speaker_mention
        if mention and mention not in sp.aliases and mention.strip("-").lower() not in _PRONOUN_MENTIONS:
            sp.aliases.append(mention)
    # a name is merged into the longest other name of the same type that extends it
    # (same surname, and its first names match) or whose acronym alias it is
    canonical: dict[str, str] = {}
    for name in order:
        sp = names[name]
        words = _key_words(name)
        best = name
        for other in order:
            if other == name or names[other].type != sp.type:
                continue
            ow = _key_words(other)
            if len(ow) <= len(_key_words(best)):
                continue
            if sp.type == "PER" and words and ow[-len(words) :] == words:
                best = other
            elif sp.type == "ORG" and (
                fold(name) in {fold(a) for a in names[other].aliases} or _acronym(other) == fold(name)
            ):
                best = other
        canonical[name] = best
    merged: dict[str, Speaker] = {}
    for name in order:
        target = canonical[name]
        while canonical.get(target, target) != target:
            target = canonical[target]
        canonical[name] = target
        dst = merged.setdefault(target, Speaker(target, [], [], names[target].type))
        for alias in (name, *names[name].aliases):
            if alias not in dst.aliases:
                dst.aliases.append(alias)
        for role in names[name].roles:
            if role not in dst.roles:
                dst.roles.append(role)
    out: list[Quote] = []
    for q in quotes:
        if q.speaker:
            target = canonical.get(surface.get(fold(q.speaker), q.speaker), q.speaker)
            if target != q.speaker:
                q = _replace_speaker(q, target)
        out.append(q)
    return list(merged.values()), out


_PRONOUN_MENTIONS = frozenset("il elle ils elles lui t-il t-elle".split())


def _acronym(name: str) -> str:
    skip = {"de", "des", "du", "d", "la", "le", "les", "l", "et"}
    return "".join(w[0] for w in fold(name).replace("'", " ").split() if w not in skip)


def _replace_speaker(q: Quote, speaker: str) -> Quote:
    return Quote(
        article_id=q.article_id,
        file=q.file,
        kind=q.kind,
        text=q.text,
        start=q.start,
        end=q.end,
        speaker=speaker,
        speaker_mention=q.speaker_mention,
        cue=q.cue,
        role=q.role,
        speaker_type=q.speaker_type,
        paragraph=q.paragraph,
    )
