"""spaCy components for the pipeline's stages, and a converter from Document to spaCy Doc.

    import spacy
    nlp = spacy.blank("zh")
    nlp.add_pipe("zh_quantities")      # doc.spans["quantities"], span._.quantity
    nlp.add_pipe("zh_entities")        # doc.ents with label_ (GPE/ORG/LOC/FAC/PERSON) and kb_id_
    nlp.add_pipe("zh_claims")          # doc._.claims
    doc = nlp(page_text)

    from pipeline.spacy_components import to_spacy
    doc = to_spacy(pipeline.process(page_text))   # ready for displacy.render

The factories are found through the ``spacy_factories`` entry points once the package is
installed, so ``add_pipe("zh_quantities")`` works without importing this module.

Each component runs the pipeline's own stage, so its results are the same as
``pipeline.process`` on the same text. With ``clean = true`` (the default) the doc text is
taken as a raw page: it is cleaned and split into sentences exactly as by
``pipeline.process`` and every span is mapped back to the doc text (``Document.raw_offset``);
text that cleaning drops (captions, bylines, repeated paragraphs) gets no annotation. With
``clean = false`` the doc text is taken as clean already: each line is a paragraph, and
with no headings, context words (全市, 全区) resolve from the whole text.

The components of one ``nlp`` share the analysis of a text through a small cache keyed on
the text, so cleaning runs once per text and each stage once. A stage that raises lets the
exception through: spaCy's ``nlp.set_error_handler`` decides whether a batch goes on.
"""
from __future__ import annotations

import dataclasses
import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable

try:
    import spacy
    from spacy.language import Language
    from spacy.tokens import Doc, Span
    from spacy.util import filter_spans
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise ImportError("pipeline.spacy_components needs spaCy: pip install 'zh-news-extract[spacy]'") from exc

from .model import Claim, Document, Paragraph, Quantity, Segment, Sentence

STAGES = ("quantities", "entities", "times", "claims")
_CACHE_SIZE = 16

if not Span.has_extension("quantity"):
    Span.set_extension("quantity", default=None)
if not Doc.has_extension("claims"):
    Doc.set_extension("claims", default=None)


# ---------------------------------------------------------------------------- analysis


def _stage(name: str) -> Callable[[Document], None] | None:
    """The pipeline's stage function, or None while that stage is not built."""
    try:
        module = __import__(f"{__package__}.{name}", fromlist=[f"annotate_{name}"])
    except ImportError:
        return None
    return getattr(module, f"annotate_{name}", None)


def _build(text: str, clean: bool) -> Document:
    document = Document(id="spacy")
    if clean:
        from .process import build_document

        build_document(document, text)
        return document
    from .sentences import split_sentences

    document.text = text
    document.segments = [Segment(start=0, raw_start=0, length=len(text))]
    offset = 0
    for line in text.split("\n"):
        spans = [(s, e) for s, e in split_sentences(line) if line[s:e].strip()]
        if spans:
            index = len(document.paragraphs)
            for s, e in spans:
                document.sentences.append(Sentence(start=offset + s, end=offset + e, text=line[s:e], paragraph=index))
            document.paragraphs.append(Paragraph(start=offset + spans[0][0], end=offset + spans[-1][1]))
        offset += len(line) + 1
    return document


class _Analyses:
    """Documents for recent texts, with the stages run on each so far."""

    def __init__(self, size: int = _CACHE_SIZE) -> None:
        self.size = size
        self.entries: OrderedDict[tuple[str, bool], tuple[Document, set[str]]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, text: str, clean: bool, upto: str) -> Document:
        """The Document of ``text`` with every stage up to ``upto`` run."""
        key = (text, clean)
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                entry = self.entries[key] = (_build(text, clean), set())
                while len(self.entries) > self.size:
                    self.entries.popitem(last=False)
            self.entries.move_to_end(key)
            document, done = entry
            for name in STAGES[: STAGES.index(upto) + 1]:
                if name not in done:
                    stage = _stage(name)
                    if stage is not None:
                        stage(document)
                    done.add(name)
            return document


_analyses = _Analyses()


def analyse(text: str, clean: bool = True, upto: str = "claims") -> Document:
    """The pipeline's Document for ``text`` (cached), with the stages up to ``upto`` run."""
    return _analyses.get(text, clean, upto)


def _char_span(doc: Doc, document: Document, start: int, end: int, clean: bool, **kwargs) -> Span | None:
    """The tokens of cleaned-text ``[start, end)`` in ``doc``."""
    if clean:
        start, end = document.raw_offset(start), document.raw_offset(end - 1) + 1
    return doc.char_span(start, end, alignment_mode="expand", **kwargs)


def quantity_record(q: Quantity) -> dict:
    """What ``span._.quantity`` holds: plain JSON-safe values (DocBin can store them)."""
    return {"text": q.text, "value": q.value, "low": q.low, "high": q.high, "unit": q.unit,
            "qualifier": q.qualifier, "dimension": q.dimension}


def claim_record(c: Claim, start: int | None, end: int | None) -> dict:
    """One entry of ``doc._.claims``: the Claim's fields plus the quantity's character span."""
    return {**dataclasses.asdict(c), "start_char": start, "end_char": end}


# ---------------------------------------------------------------------------- components


class QuantityRecognizer:
    """Sets ``doc.spans[spans_key]``: one span per quantity, label = canonical unit,
    ``span._.quantity`` = {text, value, low, high, unit, qualifier, dimension}."""

    def __init__(self, nlp: Language, name: str, spans_key: str, clean: bool) -> None:
        self.name, self.spans_key, self.clean = name, spans_key, clean

    def __call__(self, doc: Doc) -> Doc:
        document = analyse(doc.text, self.clean, "quantities")
        spans = []
        for q in document.quantities:
            span = _char_span(doc, document, q.start, q.end, self.clean, label=q.unit)
            if span is not None:
                span._.quantity = quantity_record(q)
                spans.append(span)
        doc.spans[self.spans_key] = spans
        return doc


class EntityLinker:
    """Sets ``doc.ents``: every entity mention, label = GPE/ORG/LOC/FAC/PERSON, kb_id = the
    linked id. Existing entities win over overlapping ones unless ``overwrite_ents``."""

    def __init__(self, nlp: Language, name: str, overwrite_ents: bool, clean: bool) -> None:
        self.name, self.overwrite_ents, self.clean = name, overwrite_ents, clean

    def __call__(self, doc: Doc) -> Doc:
        document = analyse(doc.text, self.clean, "entities")
        found = []
        for entity in document.entities:
            for m in entity.mentions:
                span = _char_span(doc, document, m.start, m.end, self.clean, label=entity.type,
                                  kb_id=entity.id or "")
                if span is not None:
                    found.append(span)
        found = filter_spans(found)  # a word segmenter can make two mentions share a token
        if self.overwrite_ents:
            doc.ents = found
        else:
            taken = {i for ent in doc.ents for i in range(ent.start, ent.end)}
            added = [s for s in found if not taken.intersection(range(s.start, s.end))]
            doc.ents = sorted([*doc.ents, *added], key=lambda s: s.start)
        return doc


class ClaimExtractor:
    """Sets ``doc._.claims``: one dict per claim (the fields of pipeline.model.Claim, plus
    ``start_char``/``end_char`` of its quantity in the doc text)."""

    def __init__(self, nlp: Language, name: str, clean: bool) -> None:
        self.name, self.clean = name, clean
        if _stage("claims") is None:
            warnings.warn("pipeline.claims is not available: zh_claims will set no claims", stacklevel=2)

    def __call__(self, doc: Doc) -> Doc:
        document = analyse(doc.text, self.clean, "claims")
        claims = []
        for c in document.claims:
            start = end = None
            if 0 <= c.quantity_index < len(document.quantities):
                q = document.quantities[c.quantity_index]
                span = _char_span(doc, document, q.start, q.end, self.clean)
                if span is not None:
                    start, end = span.start_char, span.end_char
            claims.append(claim_record(c, start, end))
        doc._.claims = claims
        return doc


@Language.factory("zh_quantities", default_config={"spans_key": "quantities", "clean": True},
                  assigns=["doc.spans", "span._.quantity"])
def make_quantities(nlp: Language, name: str, spans_key: str, clean: bool) -> QuantityRecognizer:
    return QuantityRecognizer(nlp, name, spans_key, clean)


@Language.factory("zh_entities", default_config={"overwrite_ents": False, "clean": True},
                  assigns=["doc.ents", "token.ent_type", "token.ent_iob", "token.ent_kb_id"])
def make_entities(nlp: Language, name: str, overwrite_ents: bool, clean: bool) -> EntityLinker:
    return EntityLinker(nlp, name, overwrite_ents, clean)


@Language.factory("zh_claims", default_config={"clean": True}, assigns=["doc._.claims"])
def make_claims(nlp: Language, name: str, clean: bool) -> ClaimExtractor:
    return ClaimExtractor(nlp, name, clean)


# ---------------------------------------------------------------------------- Document → Doc

_blank: Language | None = None


def to_spacy(document: Document, nlp: Language | None = None) -> Doc:
    """``document`` as a spaCy Doc over its cleaned text: ``doc.ents`` (label = type,
    kb_id = linked id), ``doc.spans["quantities"]`` (label = unit, ``span._.quantity``),
    ``doc._.claims``, sentence starts, and ``user_data["title"]`` = the document id (the
    title displaCy shows). ``nlp`` defaults to ``spacy.blank("zh")`` (one token per character).

        from spacy import displacy
        displacy.render(doc, style="ent")
        displacy.render(doc, style="span", options={"spans_key": "quantities"})
    """
    global _blank
    if nlp is None:
        if _blank is None:
            _blank = spacy.blank("zh")
        nlp = _blank
    doc = nlp.make_doc(document.text)
    doc.user_data["title"] = document.id
    quantities = []
    for q in document.quantities:
        span = doc.char_span(q.start, q.end, label=q.unit, alignment_mode="expand")
        if span is not None:
            span._.quantity = quantity_record(q)
            quantities.append(span)
    doc.spans["quantities"] = quantities
    ents = [span for e in document.entities for m in e.mentions
            if (span := doc.char_span(m.start, m.end, label=e.type, kb_id=e.id or "",
                                      alignment_mode="expand")) is not None]
    doc.ents = filter_spans(ents)
    claims = []
    for c in document.claims:
        q = document.quantities[c.quantity_index] if 0 <= c.quantity_index < len(document.quantities) else None
        claims.append(claim_record(c, q.start if q else None, q.end if q else None))
    doc._.claims = claims
    _set_sentences(doc, document)
    return doc


def _set_sentences(doc: Doc, document: Document) -> None:
    if not len(doc):
        return
    starts = set()
    for s in document.sentences:
        span = doc.char_span(s.start, s.end, alignment_mode="expand")
        if span is not None:
            starts.add(span.start)
    starts.add(0)
    for token in doc:
        token.is_sent_start = token.i in starts
