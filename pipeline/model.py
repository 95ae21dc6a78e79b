"""The document model: one pydantic record per input document.

Offsets (``start``, ``end``) are character offsets into ``Document.text``, the cleaned
text. Cleaning never rewrites characters, it only drops and joins, so the cleaned text is
a concatenation of slices of the decoded input; ``Document.segments`` records them and
``Document.raw_offset`` maps any cleaned offset back to the decoded input.
"""
from __future__ import annotations

import bisect
import functools
from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, TypeAdapter
from pydantic.dataclasses import dataclass

SCHEMA_VERSION = "1"

DropReason = Literal[
    "duplicate",
    "near_duplicate",
    "byline",
    "dateline",
    "caption",
    "credit",
    "signature",
    "continuation",
    "qr_code",
    "page_furniture",
    "ornament",
]
Qualifier = Literal["=", "~", ">", ">=", "<", "<="]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


# The parts a document has many of (one per sentence, amount, mention, claim …) are slotted
# pydantic dataclasses, not models: validated, written and described (--schema) alike, but
# without a model's per-instance ``__dict__`` and set of fields given, which are 1.1 KB of
# the 1.4 KB a sentence or a claim took; a 20 MB page holds half a million of them until its
# record is written. Keyword-only, as models are. A field's description or mutable default
# is given as ``Annotated[type, Field(...)]``: a ``= Field(...)`` default would move the
# field to the front of the JSON schema.
span_record = dataclass(slots=True, kw_only=True, config=ConfigDict(extra="forbid"))


@span_record
class Segment:
    """``length`` characters at ``start`` in the cleaned text come from ``raw_start``."""

    start: int
    raw_start: int
    length: int


@span_record
class Section:
    id: int
    level: Annotated[int, Field(description="1 = page/article title, deeper numbers nest inside")]
    title: str
    parent: int | None = None
    kind: Literal["title", "section", "subtitle"] = "section"


@span_record
class Paragraph:
    start: int
    end: int
    section: int | None = None
    heading: bool = False


@span_record
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int
    section: int | None = None
    section_path: Annotated[list[str], Field(default=[])]
    heading: bool = False


@span_record
class Dropped:
    """What cleaning left out. ``text`` is exactly the decoded input's ``[raw_start:raw_end]``,
    or, when it was made of several raw slices (a paragraph a column break had cut, joined
    before it was found to be a copy), exactly the concatenation of ``pieces``."""

    text: str
    reason: DropReason
    raw_start: int
    raw_end: int
    detail: Annotated[str | None, Field(description="e.g. the rule that matched, or the copy's position")] = None
    pieces: Annotated[list[tuple[int, int]] | None, Field(
        description="raw (start, end) slices whose concatenation is text, when there are several")] = None


@span_record
class Quantity:
    start: int
    end: int
    text: str
    value: float | None = None
    low: float | None = None
    high: float | None = None
    unit: str
    qualifier: Qualifier = "="
    dimension: str | None = None
    sentence: int | None = None


@span_record
class Mention:
    start: int
    end: int
    text: str


@span_record
class Entity:
    id: str | None
    name: str
    type: Literal["GPE", "ORG", "LOC", "FAC", "PERSON"]
    mentions: Annotated[list[Mention], Field(default=[])]


@span_record
class TimeExpression:
    text: str
    start: int
    end: int
    sentence: int
    kind: Annotated[Literal["point", "period", "range", "relative", "streak", "base", "present", "dateline"], Field(
        description="base: a comparison base (较2020年); dateline: the date of an agency's dateline "
                    "(新华社北京2024年3月5日电); neither is ever a claim's time; present: 目前, 近年来")]
    value: Annotated[str | None, Field(
        description="GOLD.md's time format: 2024, 2024-03, 2024-01/2024-03, 2021/2025")] = None
    resolved: Annotated[Literal["text", "sentence", "paragraph", "section", "lead", "publication"] | None, Field(
        description="what a value not stated in full by the expression was resolved against")] = None
    year_end: Annotated[bool, Field(description="a stock date at a year end (2024年末): flows keep the year")] = False


@span_record
class Claim:
    sentence: int
    subject: str
    subject_id: str | None = None
    subject_rule: Annotated[str | None, Field(description="the rule that chose the subject (pipeline/subjects.py)")] = None
    indicator: str
    quantity: str
    quantity_index: int
    value: float | None = None
    low: float | None = None
    high: float | None = None
    unit: str
    qualifier: Qualifier = "="
    kind: Literal["level", "change", "share", "rank"]
    time: str | None = None
    modality: Literal["actual", "target", "expected"] = "actual"


class Metadata(Model):
    datelines: list[str] = []
    date: str | None = Field(None, description="publication date when the text makes it certain")
    date_origin: str | None = Field(None, description="where the date came from: caller, dateline, published-line, "
                                    "under-title, end (the page's visible text), or markup (HTML meta, front matter)")
    bylines: list[str] = []
    title: str | None = Field(None, description="the page's title from its markup (HTML title/meta, front matter)")
    tags: list[str] = Field([], description="keywords from the markup (front matter tags, HTML keywords)")


class Document(Model):
    schema_version: str = SCHEMA_VERSION
    id: str
    source: str | None = None
    encoding: str | None = None
    text: str = ""
    metadata: Metadata = Metadata()
    scope: str | None = Field(None, description="the place the page is about (a knowledge-base id): given by the "
                              "caller, else named by the page itself (大庆市统计局…, a title)")
    sections: list[Section] = []
    paragraphs: list[Paragraph] = []
    sentences: list[Sentence] = []
    dropped: list[Dropped] = []
    quantities: list[Quantity] = []
    entities: list[Entity] = []
    claims: list[Claim] = []
    times: list[TimeExpression] = []
    segments: list[Segment] = []
    errors: list[str] = []
    warnings: list[str] = Field([], description="what was repaired and kept, e.g. lone surrogates read as U+FFFD")
    # While the stages run on the simplified view of a traditional text (pipeline/script.py):
    # the cleaned text as written, for what depends on the script itself (a page's currency).
    _written: str | None = PrivateAttr(None)

    def raw_offset(self, offset: int) -> int:
        """The offset in the decoded input of cleaned-text ``offset``."""
        starts = [s.start for s in self.segments]
        i = bisect.bisect_right(starts, offset) - 1
        if i < 0:
            return offset
        seg = self.segments[i]
        return seg.raw_start + min(offset - seg.start, seg.length)


M = TypeVar("M")


@functools.cache
def _list_of(cls: type[M]) -> TypeAdapter[list[M]]:
    return TypeAdapter(list[cls])


def records(cls: type[M], rows: list[dict]) -> list[M]:
    """``[cls(**row) for row in rows]``, validated in one call into pydantic-core: about half
    the cost of constructing each model on its own, which the stages do hundreds of times
    per page."""
    return _list_of(cls).validate_python(rows)
