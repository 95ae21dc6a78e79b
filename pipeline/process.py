"""The pipeline: one Document from one input text, stage by stage.

read → clean → sentences → (quantities → entities → claims). Each stage is a function
``stage(doc) -> None`` that fills its part of the Document; a stage that fails records
its error on the document and the others still run, so a batch never stops on one page.
"""
from __future__ import annotations

import gc
from bisect import bisect_right
from itertools import accumulate
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from . import claim_kinds, claims, entities, markup, quantities, script, segment, sentences, subjects, times
from . import clean as clean_module
from .clean import clean, clean_rules
from .model import Document, Dropped, Metadata, Paragraph, Section, Segment, Sentence, records
from .read import MAX_DOCUMENT_CHARS, Source, iter_sources, replace_surrogates, too_long
from .subjects import known_scope

Stage = Callable[[Document], None]


# The stages after sentence splitting, in order. Each fills its part of the Document.
STAGES: tuple[tuple[str, Stage], ...] = (
    ("quantities", quantities.annotate_quantities),
    ("entities", entities.annotate_entities),
    ("times", times.annotate_times),
    ("claims", claims.annotate_claims),
)


def load_all_rules() -> None:
    """Load and validate every rule file now (start-up), so a malformed entry stops the
    program with its file and line before any document is read."""
    for module in (clean_module, markup, sentences, quantities, entities, times, claims, claim_kinds, subjects):
        module.load_rules()


def start_up() -> None:
    """Prepare this process to run the pipeline over many documents: every rule file, the
    knowledge base and the segmenter loaded now (a worker's initialiser, the CLI's single
    process, a benchmark's warm-up), and the garbage collector set for the work.

    What start-up built lives as long as the process, so it is frozen out of the cyclic
    collector, which would otherwise walk all of it on every full collection. A document's
    own objects are freed by reference counting as soon as it is written, so the young
    generation is collected every 10,000 net allocations instead of 700: with the default,
    the collector ran hundreds of times per megabyte and found nothing (3% of the time)."""
    load_all_rules()
    segment.load()
    gc.freeze()
    gc.set_threshold(10_000, *gc.get_threshold()[1:])


def process(text: str, doc_id: str | None = None, source: str | None = None, scope: str | None = None,
            input_format: str = "text", date: str | None = None) -> Document:
    """Run the whole pipeline on one text; never raises for bad content.

    ``scope``: the place the page is about, a knowledge-base id (``adm:230600``), for pages
    whose place is implied by their source (a city statistics bureau's 全市…); an unknown
    id is a usage error (ValueError), not a content error.

    A web page or markdown text (``input_format`` html, markdown) is first reduced to its
    visible text (pipeline/markup.py), which is then the raw text every offset points into.
    Every stage reads the simplified view of the text (pipeline/script.py); the record
    gives the text as written.

    ``date``: the publication date, YYYY-MM-DD, when the caller knows it (今年/去年 resolve
    against it); a value that is not a date raises ValueError (a usage error, not content)."""
    given = times.parse_date(date) if date is not None else None
    doc = Document(id=doc_id or "doc", source=source, scope=subjects.known_scope(scope))
    text, replaced = replace_surrogates(text)  # as reading does: a record must be writable as UTF-8
    if replaced:
        doc.warnings.append(f"read: {replaced} lone surrogate(s) in the text replaced by U+FFFD")
    if len(text) > MAX_DOCUMENT_CHARS:
        doc.errors.append(f"read: {too_long(len(text), MAX_DOCUMENT_CHARS)}")
        return doc
    marked: list = []
    if input_format in ("html", "markdown"):
        try:
            page = markup.extract(text, input_format)
        except Exception as exc:  # noqa: BLE001
            doc.errors.append(f"markup: {type(exc).__name__}: {exc}")
            return doc
        text, marked = page.text, page.drops
    view = script.simplified_view(text)
    try:
        build_document(doc, view, marked)
    except Exception as exc:  # noqa: BLE001 — recorded per document, the batch goes on
        doc.errors.append(f"clean: {type(exc).__name__}: {exc}")
        return doc
    if input_format in ("html", "markdown"):
        doc.metadata.title, doc.metadata.tags = page.title, page.tags
        if page.date and doc.metadata.date is None:
            doc.metadata.date, doc.metadata.date_origin = page.date, page.date_origin
    if view is not text:
        doc._written = _as_written(doc, text)
    try:
        _publication_date(doc, view, given)
    except Exception as exc:  # noqa: BLE001
        doc.errors.append(f"times: {type(exc).__name__}: {exc}")
    for name, stage in STAGES:
        try:
            stage(doc)
        except Exception as exc:  # noqa: BLE001
            doc.errors.append(f"{name}: {type(exc).__name__}: {exc}")
    if view is not text:
        try:
            _restore(doc, view, text)
        except Exception as exc:  # noqa: BLE001
            doc.errors.append(f"script: {type(exc).__name__}: {exc}")
    return doc


def _as_written(doc: Document, raw: str) -> str:
    """The cleaned text with each segment's characters taken from ``raw`` as written.

    Joined from slices (segments are in order and do not overlap; between them stand the
    line breaks cleaning put between paragraphs), not by assigning into a list of the
    text's characters: that list costs 8 bytes and a character object per character,
    hundreds of megabytes for a long page."""
    text, parts, at = doc.text, [], 0
    for seg in doc.segments:
        parts.append(text[at:seg.start])
        parts.append(raw[seg.raw_start:seg.raw_start + seg.length])
        at = seg.start + seg.length
    parts.append(text[at:])
    return "".join(parts)


def _restore(doc: Document, view: str, raw: str) -> None:
    """Every text of ``doc`` as written: the stages ran on the simplified view, whose offsets
    are those of the text (one character for one). Texts found by offset (sentences,
    quantities, mentions, drops) are sliced; strings a stage built from the view (a claim's
    subject, an entity's name) are looked up where they stand in the view; a name that is
    not in the text (from the knowledge base) stays as the knowledge base writes it."""
    written, clean_view = doc._written or doc.text, doc.text
    restore = script.restore
    doc.text = written
    titles = {}
    for sentence in doc.sentences:
        text = written[sentence.start:sentence.end]
        if sentence.heading:
            titles[sentence.text] = text
        sentence.text = text
    for section in doc.sections:
        section.title = titles.get(section.title) or restore(section.title, clean_view, written)
    for sentence in doc.sentences:
        sentence.section_path = [titles.get(t) or restore(t, clean_view, written) for t in sentence.section_path]
    for dropped in doc.dropped:
        # (provenance: a drop is exactly its raw slice, or the concatenation of its pieces)
        dropped.text = "".join(raw[a:b] for a, b in dropped.pieces or [(dropped.raw_start, dropped.raw_end)])
    meta = doc.metadata
    meta.datelines = [restore(t, view, raw) for t in meta.datelines]
    meta.bylines = [restore(t, view, raw) for t in meta.bylines]
    for quantity in doc.quantities:
        quantity.text = written[quantity.start:quantity.end]
    for time in doc.times:
        time.text = written[time.start:time.end]
    for entity in doc.entities:
        first = entity.mentions[0].start if entity.mentions else 0
        for mention in entity.mentions:
            mention.text = written[mention.start:mention.end]
        entity.name = restore(entity.name, clean_view, written, first)
    back = script.back_table(clean_view, written) if doc.claims else {}
    for claim in doc.claims:
        if not 0 <= claim.sentence < len(doc.sentences):
            continue
        near = doc.sentences[claim.sentence].start  # a subject may stand in an earlier sentence
        claim.subject = restore(claim.subject, clean_view, written, near)
        claim.indicator = restore(claim.indicator, clean_view, written, near, back)
        claim.quantity = restore(claim.quantity, clean_view, written, near)
    doc._written = None


def _publication_date(doc: Document, raw: str, given) -> None:
    """metadata.date and date_origin: the caller's date, else the page's visible one (a
    date that reading found in markup, with its own origin, is kept when neither gives one)."""
    if given is not None:
        doc.metadata.date, doc.metadata.date_origin = given.isoformat(), "caller"
        return
    found = times.date_in_text(raw, doc.metadata.datelines)
    if found is not None:
        doc.metadata.date, doc.metadata.date_origin = found[0].isoformat(), found[1]


def process_source(source: Source) -> Document:
    notes = [f"read: {warning}" for warning in source.warnings]  # what reading repaired
    if source.error is not None:
        return Document(id=source.id, source=source.name, errors=[f"{source.stage}: {source.error}"], warnings=notes)
    assert source.text is not None
    try:
        scope = known_scope(source.scope)
    except ValueError as exc:  # a JSONL line's unknown scope: that line's error record
        return Document(id=source.id, source=source.name, errors=[f"read: {source.name}: {exc}"], warnings=notes)
    doc = process(source.text, doc_id=source.id, source=source.name, scope=scope,
                  input_format=source.format, date=source.date)
    doc.encoding = source.encoding
    if notes:
        doc.warnings[:0] = notes
    return doc


def process_files(paths: Iterable[str | Path]) -> Iterator[Document]:
    """Documents for files, folders, globs or JSONL files, in input order, one at a time."""
    for source in iter_sources([str(p) for p in paths]):
        yield process_source(source)


def build_document(doc: Document, raw: str, marked: list = ()) -> None:
    """Clean ``raw`` and split it into sentences, filling text, sections and offsets."""
    cleaned = clean(raw, marked)
    doc.dropped = cleaned.dropped
    doc.metadata = Metadata(datelines=cleaned.datelines, bylines=cleaned.bylines)
    min_repeat = clean_rules().duplicates.min_sentence_chars
    seen_sentences: set[str] = set()
    # Sentence, Paragraph and Segment fields, validated together at the end (model.records)
    sentences: list[dict] = []
    paragraphs: list[dict] = []
    segments: list[dict] = []
    pieces: list[str] = []
    length = 0
    stack: list[Section] = []
    for para in cleaned.paragraphs:
        if para.kind == "heading":
            level = para.level
            while stack and stack[-1].level >= level:
                stack.pop()
            section = Section(id=len(doc.sections), level=level, title=para.text,
                              parent=stack[-1].id if stack else None,
                              kind="title" if level == 1 else "section")
            doc.sections.append(section)
            stack.append(section)
            spans = [(0, len(para.text))]
        else:
            spans, keys = para.sentences, para.sentence_keys  # (split, and keyed, by cleaning)
            para.sentences = para.sentence_keys = []  # (read once: a long page's spans go as they are used)
        section_id = stack[-1].id if stack else None
        path = [s.title for s in stack[:-1]] if para.kind == "heading" else [s.title for s in stack]
        kept: list[tuple[int, int]] = []
        pieces_of = _Pieces(para.pieces)
        if para.kind == "heading":  # headings repeat legitimately: never compared
            kept = spans
        else:
            for (start, end), key in zip(spans, keys):
                if len(key) >= min_repeat and key in seen_sentences:
                    slices = _raw_slices(pieces_of, start, end)
                    doc.dropped.append(Dropped(text=para.text[start:end], reason="duplicate", raw_start=slices[0][0],
                                               raw_end=slices[-1][1], detail="sentence repeats an earlier sentence",
                                               pieces=slices if len(slices) > 1 else None))
                    continue
                seen_sentences.add(key)
                kept.append((start, end))
        if not kept:
            continue
        if pieces:
            pieces.append("\n")
            length += 1
        paragraph_index = len(paragraphs)
        paragraph_start = length
        heading = para.kind == "heading"
        for start, end in kept:  # (a dropped duplicate sentence leaves a gap that is not copied)
            text = para.text[start:end]
            sentences.append({"start": length, "end": length + len(text), "text": text, "paragraph": paragraph_index,
                              "section": section_id, "section_path": path, "heading": heading})
            _add_segments(segments, pieces_of, start, end, length)
            pieces.append(text)
            length += len(text)
        paragraphs.append({"start": paragraph_start, "end": length, "section": section_id, "heading": heading})
    doc.sentences = records(Sentence, sentences)
    doc.paragraphs = records(Paragraph, paragraphs)
    doc.segments = records(Segment, segments)
    doc.text = "".join(pieces)
    doc.dropped.sort(key=lambda d: (d.raw_start, d.raw_end))


class _Pieces:
    """A paragraph's raw slices, with where each starts in the joined paragraph, so that a
    sentence finds its first slice by bisection: a paragraph joined from many lines (a
    column cut at every line) costs each sentence its own slices, not all of them."""

    __slots__ = ("pieces", "starts")

    def __init__(self, pieces: list[tuple[int, int]]):
        self.pieces = pieces
        self.starts = list(accumulate((b - a for a, b in pieces[:-1]), initial=0))

    def overlaps(self, start: int, end: int) -> Iterator[tuple[int, int, int]]:
        """(raw start of the overlap, local start, local end) of each slice overlapping
        paragraph-local [start, end), in order."""
        i = max(0, bisect_right(self.starts, start) - 1)
        while i < len(self.pieces) and self.starts[i] < end:
            local = self.starts[i]
            raw_start, raw_end = self.pieces[i]
            lo, hi = max(start, local), min(end, local + raw_end - raw_start)
            if lo < hi:
                yield raw_start + (lo - local), lo, hi
            i += 1


def _raw_slices(pieces: _Pieces, start: int, end: int) -> list[tuple[int, int]]:
    """The raw slices of paragraph-local [start, end) (over the concatenated pieces)."""
    return [(raw, raw + hi - lo) for raw, lo, hi in pieces.overlaps(start, end)]


def _add_segments(segments: list[dict], pieces: _Pieces, start: int, end: int, clean_start: int) -> None:
    """Map paragraph-local [start, end) (over the concatenated pieces) to raw slices."""
    if len(pieces.pieces) == 1:  # the common case: one raw slice, no paragraph join
        if start < end:
            segments.append({"start": clean_start, "raw_start": pieces.pieces[0][0] + start, "length": end - start})
        return
    for raw, lo, hi in pieces.overlaps(start, end):
        segments.append({"start": clean_start + (lo - start), "raw_start": raw, "length": hi - lo})
