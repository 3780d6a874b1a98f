"""Plain typed records passed between the stages: the bottom of the dependency graph."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any, Literal


class RejectedInput(Exception):
    """An input that cannot be analysed; `reason` says why in words a user can act on."""

    def __init__(self, file: str, reason: str) -> None:
        super().__init__(f"{file}: {reason}")
        self.file = file
        self.reason = reason


@dataclass(slots=True)
class RawDocument:
    """One article as a reader found it, before cleaning.

    `file` names the input (for a multi-record input such as JSONL or WARC, `path#record`),
    `source_path` the file on disk it came from.
    """

    file: str
    source_path: str
    text: str
    kind: str = "text"
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    external_id: str | None = None
    language: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Rejection:
    """An input (file or record) that was not analysed, with a specific reason."""

    file: str
    reason: str
    source_path: str = ""


@dataclass(slots=True)
class OffsetMap:
    """Maps offsets in a cleaned text back to offsets in its original text.

    Stored as anchors: cleaned position `clean[i]` corresponds to original position `orig[i]`,
    and the characters up to the next anchor were copied one for one.
    """

    clean: list[int] = field(default_factory=list)
    orig: list[int] = field(default_factory=list)

    def add(self, clean_pos: int, orig_pos: int) -> None:
        """Record that cleaned position `clean_pos` starts a copy of original position `orig_pos`."""
        if self.clean and self.clean[-1] == clean_pos:
            self.orig[-1] = orig_pos
            return
        self.clean.append(clean_pos)
        self.orig.append(orig_pos)

    def to_original(self, pos: int) -> int:
        """Original offset of cleaned offset `pos`."""
        if not self.clean:
            return pos
        i = bisect_right(self.clean, pos) - 1
        if i < 0:
            return self.orig[0]
        return self.orig[i] + (pos - self.clean[i])


@dataclass(slots=True)
class Paragraph:
    """A paragraph of a cleaned article: `text == article.text[start:end]`."""

    index: int
    start: int
    end: int
    text: str


@dataclass(slots=True)
class Article:
    """A cleaned article, ready for analysis.

    `text` keeps the characters of the original (typographic quotes and apostrophes included);
    `analysis_text` is a same-length view with typography normalised, so offsets agree.
    """

    id: str
    file: str
    source_path: str
    original_text: str
    text: str
    analysis_text: str
    paragraphs: list[Paragraph]
    offsets: OffsetMap
    content_hash: str
    outlet: str | None = None
    published: str | None = None
    title: str | None = None
    url: str | None = None
    language: str | None = None
    kind: str = "text"
    order: int = 0


QuoteKind = Literal["direct", "indirect"]


@dataclass(slots=True)
class Quote:
    """A quotation found in an article; offsets are into `Article.text`."""

    article_id: str
    file: str
    kind: QuoteKind
    text: str
    start: int
    end: int
    speaker: str | None = None
    speaker_mention: str | None = None
    cue: str | None = None
    role: str | None = None
    speaker_type: str | None = None
    paragraph: int | None = None


@dataclass(slots=True)
class Speaker:
    """A canonical speaker across articles."""

    name: str
    aliases: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    type: str = "PER"


@dataclass(slots=True)
class PassageOccurrence:
    """One place where a reused passage stands."""

    article_id: str
    file: str
    paragraph: int
    published: str | None
    first_seen: bool = False


@dataclass(slots=True)
class Passage:
    """A paragraph shared, verbatim or nearly, by several articles."""

    id: str
    text: str
    occurrences: list[PassageOccurrence] = field(default_factory=list)


@dataclass(slots=True)
class Story:
    """A group of articles reporting one event."""

    id: str
    title: str
    first_published: str | None
    last_published: str | None
    article_ids: list[str] = field(default_factory=list)


@dataclass(slots=True)
class InputRecord:
    """The run manifest's line for one input: accepted, duplicate of another, or rejected."""

    file: str
    source_path: str
    status: Literal["accepted", "duplicate", "rejected"]
    article_id: str | None = None
    duplicate_of: str | None = None
    reason: str | None = None
