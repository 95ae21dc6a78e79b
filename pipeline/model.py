"""The document model: one pydantic record per input document.

Offsets (``start``, ``end``) are character offsets into ``Document.text``, the cleaned
text. Cleaning never rewrites characters, it only drops and joins, so the cleaned text is
a concatenation of slices of the decoded input; ``Document.segments`` records them and
``Document.raw_offset`` maps any cleaned offset back to the decoded input.
"""
from __future__ import annotations

import bisect
import functools
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, TypeAdapter

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


class Segment(Model):
    """``length`` characters at ``start`` in the cleaned text come from ``raw_start``."""

    start: int
    raw_start: int
    length: int


class Section(Model):
    id: int
    level: int = Field(description="1 = page/article title, deeper numbers nest inside")
    title: str
    parent: int | None = None
    kind: Literal["title", "section", "subtitle"] = "section"


class Paragraph(Model):
    start: int
    end: int
    section: int | None = None
    heading: bool = False


class Sentence(Model):
    start: int
    end: int
    text: str
    paragraph: int
    section: int | None = None
    section_path: list[str] = []
    heading: bool = False


class Dropped(Model):
    """What cleaning left out. ``text`` is exactly the decoded input's ``[raw_start:raw_end]``,
    or, when it was made of several raw slices (a paragraph a column break had cut, joined
    before it was found to be a copy), exactly the concatenation of ``pieces``."""

    text: str
    reason: DropReason
    raw_start: int
    raw_end: int
    detail: str | None = Field(None, description="e.g. the rule that matched, or the copy's position")
    pieces: list[tuple[int, int]] | None = Field(
        None, description="raw (start, end) slices whose concatenation is text, when there are several")


class Quantity(Model):
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


class Mention(Model):
    start: int
    end: int
    text: str


class Entity(Model):
    id: str | None
    name: str
    type: Literal["GPE", "ORG", "LOC", "FAC", "PERSON"]
    mentions: list[Mention] = []


class TimeExpression(Model):
    text: str
    start: int
    end: int
    sentence: int
    kind: Literal["point", "period", "range", "relative", "streak", "base", "present", "dateline"] = Field(
        description="base: a comparison base (较2020年); dateline: the date of an agency's dateline "
                    "(新华社北京2024年3月5日电); neither is ever a claim's time; present: 目前, 近年来")
    value: str | None = Field(None, description="GOLD.md's time format: 2024, 2024-03, 2024-01/2024-03, 2021/2025")
    resolved: Literal["text", "sentence", "paragraph", "section", "lead", "publication"] | None = Field(
        None, description="what a value not stated in full by the expression was resolved against")
    year_end: bool = Field(False, description="a stock date at a year end (2024年末): flows keep the year")


class Claim(Model):
    sentence: int
    subject: str
    subject_id: str | None = None
    subject_rule: str | None = Field(None, description="the rule that chose the subject (pipeline/subjects.py)")
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


M = TypeVar("M", bound=Model)


@functools.cache
def _list_of(cls: type[M]) -> TypeAdapter[list[M]]:
    return TypeAdapter(list[cls])


def records(cls: type[M], rows: list[dict]) -> list[M]:
    """``[cls(**row) for row in rows]``, validated in one call into pydantic-core: about half
    the cost of constructing each model on its own, which the stages do hundreds of times
    per page."""
    return _list_of(cls).validate_python(rows)
