"""Flat rows for analysts: one per claim, per quantity, per entity mention.

A row stands alone: it carries the document's id, source and publication date, the
sentence's text and section path, and offsets both in the cleaned text (``start``/``end``,
as in the document record) and in the decoded input (``raw_start``/``raw_end``), so that a
table row can be checked against the page without the document record. Each row model is
also the JSON Schema of ``--emit claims|quantities|entities`` (``--schema claims``).

Ids are stable: the same input gives the same ``claim_id`` (a hash of the document id, the
offsets and the fields that make the row), whatever the run, worker or machine.
"""
from __future__ import annotations

import bisect
import hashlib
from collections.abc import Iterator

from pydantic import Field

from .kb import knowledge_base
from .model import Document, Model, Qualifier
from .numbers import numeral_spans

# Multipliers written after a number belong to the unit as written (80万亩 → 80, 万亩), as
# the news writes them (万千瓦, 亿元); a sign written before it belongs to the number.
_MULTIPLIERS = "万亿兆"
_SIGNS = "-−－+＋"


class _Placed(Model):
    doc: str = Field(description="the document's id")
    source: str | None = Field(None, description="the input file (or JSONL file and line) it came from")
    date: str | None = Field(None, description="the page's publication date, when known (metadata.date)")
    section: str = Field("", description="the section path of the sentence, titles joined by ' / '")
    sentence_index: int = Field(description="index into the document's sentences")
    sentence: str = Field(description="the sentence's text")
    sentence_start: int
    sentence_end: int
    start: int = Field(description="offset of the span in the cleaned text (the document's text)")
    end: int
    raw_start: int = Field(description="offset of the span in the decoded input")
    raw_end: int


class QuantityRow(_Placed):
    quantity_id: str = Field(description="stable id: same input, same id")
    text: str = Field(description="the quantity as written, e.g. 80万亩")
    number_text: str = Field(description="its number as written, e.g. 80 (a range: 1-2)")
    unit_text: str = Field(description="the rest as written: multiplier and unit, e.g. 万亩")
    value: float | None = Field(None, description="in the canonical unit; null for a range")
    low: float | None = None
    high: float | None = None
    unit: str = Field(description="the canonical unit, e.g. m2, CNY, kW, %")
    qualifier: Qualifier = "="
    dimension: str | None = None


class ClaimRow(_Placed):
    claim_id: str = Field(description="stable id: same input, same id")
    subject: str = Field(description="the subject as written (全市, 深圳)")
    subject_id: str | None = Field(None, description="its knowledge-base id (adm:440300), when linked")
    subject_name: str | None = Field(None, description="the canonical name of subject_id (深圳市)")
    subject_rule: str | None = Field(None, description="the rule that chose the subject, when recorded")
    indicator: str
    quantity: str = Field(description="the quantity as written")
    number_text: str
    unit_text: str
    value: float | None = None
    low: float | None = None
    high: float | None = None
    unit: str
    qualifier: Qualifier = "="
    kind: str = Field(description="level, change, share or rank")
    time: str | None = Field(None, description="the claim's time in the gold format (2024, 2024-01/2024-03, 2021/2025)")
    modality: str = Field(description="actual, target or expected")


class EntityRow(_Placed):
    mention_id: str = Field(description="stable id: same input, same id")
    entity_id: str | None = Field(None, description="knowledge-base id, null when not linked")
    name: str = Field(description="the canonical name")
    type: str = Field(description="GPE, ORG, LOC, FAC or PERSON")
    text: str = Field(description="the mention as written")


ROW_MODELS: dict[str, type[_Placed]] = {"claims": ClaimRow, "quantities": QuantityRow, "entities": EntityRow}


def row_schema(kind: str) -> dict:
    """The JSON Schema of one row of ``--emit kind``."""
    return ROW_MODELS[kind].model_json_schema()


def columns(kind: str) -> list[str]:
    """The row's fields in order: the header of a CSV file, the columns of a Parquet file."""
    return list(ROW_MODELS[kind].model_fields)


def split_written(text: str) -> tuple[str, str]:
    """``(number, rest)`` of a quantity's text as written: 80万亩 → (80, 万亩), 1-2亿元 →
    (1-2, 亿元), -12.9% → (-12.9, %), 每吨500元 → (500, 每吨元). The number runs from the
    first numeral to the last (a range keeps both ends), with a sign just before it; a
    multiplier at its end goes to the rest, unless the range's first end has one too."""
    spans = numeral_spans(text)
    if not spans:
        return "", text
    start, end = spans[0].start, spans[-1].end
    inner = text[start:spans[-1].start]
    if not any(m in inner for m in _MULTIPLIERS):  # 1000亿—1200亿元: both ends keep theirs
        while end > start + 1 and text[end - 1] in _MULTIPLIERS:
            end -= 1
    if start > 0 and text[start - 1] in _SIGNS:
        start -= 1
    return text[start:end], text[:start] + text[end:]


def stable_id(*parts: object) -> str:
    return hashlib.blake2b("\x1f".join(map(str, parts)).encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def _placed(doc: Document, sentence_index: int, start: int, end: int) -> dict:
    sentence = doc.sentences[sentence_index]
    return {"doc": doc.id, "source": doc.source, "date": doc.metadata.date,
            "section": " / ".join(sentence.section_path), "sentence_index": sentence_index,
            "sentence": sentence.text, "sentence_start": sentence.start, "sentence_end": sentence.end,
            "start": start, "end": end, **raw_span(doc, start, end)}


def raw_span(doc: Document, start: int, end: int) -> dict:
    """The span's offsets in the decoded input (``end`` maps through its last character)."""
    return {"raw_start": doc.raw_offset(start), "raw_end": doc.raw_offset(end - 1) + 1 if end > start else doc.raw_offset(start)}


def _unique(ids: set[str], candidate: str) -> str:
    """Rows that would share an id (the same span read twice) get ``-2``, ``-3`` … in order."""
    found, n = candidate, 1
    while found in ids:
        n += 1
        found = f"{candidate}-{n}"
    ids.add(found)
    return found


def quantity_rows(doc: Document) -> Iterator[dict]:
    ids: set[str] = set()
    for q in doc.quantities:
        if q.sentence is None:
            continue
        number, rest = split_written(q.text)
        yield {**_placed(doc, q.sentence, q.start, q.end),
               "quantity_id": _unique(ids, stable_id(doc.id, q.start, q.end, q.unit)),
               "text": q.text, "number_text": number, "unit_text": rest, "value": q.value, "low": q.low,
               "high": q.high, "unit": q.unit, "qualifier": q.qualifier, "dimension": q.dimension}


def claim_rows(doc: Document) -> Iterator[dict]:
    ids: set[str] = set()
    names = {e.id: e.name for e in doc.entities if e.id}
    kb = knowledge_base()
    for c in doc.claims:
        quantity = doc.quantities[c.quantity_index] if 0 <= c.quantity_index < len(doc.quantities) else None
        if quantity is not None:
            start, end = quantity.start, quantity.end
        else:  # no span recorded: the sentence
            start, end = doc.sentences[c.sentence].start, doc.sentences[c.sentence].end
        number, rest = split_written(c.quantity)
        name = None
        if c.subject_id:
            entry = kb.get(c.subject_id)
            name = names.get(c.subject_id) or (entry.name if entry else None)
        yield {**_placed(doc, c.sentence, start, end),
               "claim_id": _unique(ids, stable_id(doc.id, start, end, c.subject, c.indicator, c.kind)),
               "subject": c.subject, "subject_id": c.subject_id, "subject_name": name,
               "subject_rule": c.subject_rule, "indicator": c.indicator,
               "quantity": c.quantity, "number_text": number, "unit_text": rest, "value": c.value,
               "low": c.low, "high": c.high, "unit": c.unit, "qualifier": c.qualifier, "kind": c.kind,
               "time": c.time, "modality": c.modality}


def entity_rows(doc: Document) -> Iterator[dict]:
    ids: set[str] = set()
    starts = [s.start for s in doc.sentences]
    rows = []
    for e in doc.entities:
        for m in e.mentions:
            index = _sentence_at(starts, m.start)
            if index is None:
                continue
            rows.append({**_placed(doc, index, m.start, m.end),
                         "mention_id": _unique(ids, stable_id(doc.id, m.start, m.end, e.id or e.name)),
                         "entity_id": e.id, "name": e.name, "type": e.type, "text": m.text})
    rows.sort(key=lambda row: (row["start"], row["end"]))  # text order, as claims and quantities
    yield from rows


def _sentence_at(starts: list[int], offset: int) -> int | None:
    i = bisect.bisect_right(starts, offset) - 1
    return i if i >= 0 else None


ROWS = {"claims": claim_rows, "quantities": quantity_rows, "entities": entity_rows}
