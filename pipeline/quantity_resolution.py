"""Resolution: an extracted amount in its canonical unit, and the quantity stage.

``resolve(match)`` turns the parts of a ``QuantityMatch`` into the value in the canonical
unit of GOLD.md, exactly (``Fraction``); ``annotate_quantities`` runs extraction and
resolution over every sentence of a document. A page decides one thing for all its
amounts: which currency its bare 元 is (``page_yuan_currency``).
"""
from __future__ import annotations

from collections import Counter
from fractions import Fraction
from typing import TYPE_CHECKING, NamedTuple

from .isolation import isolated_each
from .model import Document, Quantity, records
from .quantity_rules import traditional_share

if TYPE_CHECKING:
    from .quantities import QuantityMatch

# A page is in traditional characters when at least this share of its characters are
# traditional forms (simplified pages have next to none).
TRADITIONAL_PAGE_SHARE = 0.02


class Resolved(NamedTuple):
    value: Fraction | None
    low: Fraction | None
    high: Fraction | None
    unit: str
    qualifier: str
    dimension: str


def resolve(match: QuantityMatch, page_yuan: str = "CNY") -> Resolved:
    """The amount in its canonical unit, exact; a bare 元 is the page's yuan currency."""
    scale = match.factor
    if scale == 1:  # most units: nothing to multiply (Fraction arithmetic is slow)
        value, low, high = match.value, match.low, match.high
    else:
        value, low, high = (None if x is None else x * scale for x in (match.value, match.low, match.high))
    unit = match.unit
    if match.page_yuan and page_yuan != "CNY":
        unit = unit.replace("CNY", page_yuan)
    # (value, low, high, unit, qualifier, dimension): positional, built once per amount
    return Resolved(None if low is not None else value, low, high, unit, match.qualifier, match.dimension)


def page_yuan_currency(text: str, matches) -> str:
    """The currency of a page's bare 元: CNY, unless the page is written in traditional
    characters and names another yuan currency (新台币, 港元 …) more often than 人民币 —
    a Taiwan or Hong Kong page counts in its own dollar."""
    named = Counter(m.yuan_currency for m in matches if m.yuan_currency)
    if not named or set(named) == {"CNY"} or traditional_share(text) < TRADITIONAL_PAGE_SHARE:
        return "CNY"
    first = {m.yuan_currency: i for i, m in reversed(list(enumerate(matches))) if m.yuan_currency}
    return max(named, key=lambda c: (named[c], -first[c]))


def _float(x: Fraction | None) -> float | None:
    # float(x) is Rational.__float__, this very division, behind a Python-level call
    return None if x is None else x.numerator / x.denominator


def annotate_quantities(doc: Document) -> None:
    """The pipeline stage: quantities of every sentence (headings included).

    An amount that cannot be resolved (a value beyond floating point) costs that amount,
    recorded in ``doc.errors``, never the stage."""
    from .script import has_traditional

    # A page without traditional characters has none in any sentence: each sentence is
    # then its own simplified view, and the per-sentence test is skipped.
    found = _sentence_matches(doc, not has_traditional(doc.text))
    page_yuan = page_yuan_currency(doc._written or doc.text, [m for _, _, m in found])
    quantities = []
    for index, offset, match in found:
        try:
            r = resolve(match, page_yuan)
            value, low, high = _float(r.value), _float(r.low), _float(r.high)
        except Exception as exc:  # noqa: BLE001 — one amount, recorded (overflow, odd digits …)
            doc.errors.append(f"quantities: {match.text[:40]!r}: {type(exc).__name__}: {exc}")
            continue
        quantities.append({"start": offset + match.start, "end": offset + match.end, "text": match.text,
                           "value": value, "low": low, "high": high, "unit": r.unit, "qualifier": r.qualifier,
                           "dimension": r.dimension, "sentence": index})
    doc.quantities = records(Quantity, quantities)


def _sentence_matches(doc: Document, simplified: bool) -> list[tuple[int, int, QuantityMatch]]:
    """(sentence index, sentence start, match) of every amount of every sentence; a sentence
    whose extraction fails costs that sentence alone (isolation.isolated_each)."""
    from .quantities import find_quantities

    sentences = doc.sentences
    found: list[tuple[int, int, QuantityMatch]] = []
    for index, matches in isolated_each(doc, "quantities", sentences, lambda s: find_quantities(s.text, simplified)):
        if matches:
            start = sentences[index].start
            found.extend([(index, start, m) for m in matches])
    return found
