"""A failure costs the smallest unit that failed, never the stage.

The stages that work sentence by sentence (or amount by amount) run each unit through
``isolated``: an exception in one unit is recorded on the document as
``STAGE: UNIT: Type: message`` (``claims: sentence 12: ValueError: …``) and the unit gives
its ``default``; the other units and stages go on. ``process`` still catches what escapes
a stage as a whole, but that is a last resort, not the design.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from .model import Document

T = TypeVar("T")
U = TypeVar("U")


def isolated(doc: Document, stage: str, unit: str, func: Callable[..., T], *args, default: T = None) -> T:
    """``func(*args)``, or ``default`` with the error recorded on ``doc`` naming ``unit``."""
    try:
        return func(*args)
    except Exception as exc:  # noqa: BLE001 — recorded per unit, the stage goes on
        record_failure(doc, stage, unit, exc)
        return default


def isolated_each(doc: Document, stage: str, units: Sequence[U], func: Callable[[U], T],
                  unit_name: Callable[[int], str] = "sentence {}".format) -> Iterator[tuple[int, T]]:
    """(index, ``func(unit)``) for each of ``units`` that does not fail, as ``isolated`` per
    unit would give them (a failure recorded as ``STAGE: UNIT: …``, the unit named from its
    index: ``sentence N``), but with one ``try`` around the loop, entered again after a
    failed unit: a hot loop then pays for no call and no label per unit."""
    index = 0
    while index < len(units):
        try:
            for index in range(index, len(units)):
                yield index, func(units[index])
        except Exception as exc:  # noqa: BLE001 — recorded per unit, the stage goes on
            record_failure(doc, stage, unit_name(index), exc)
        index += 1


def record_failure(doc: Document, stage: str, unit: str, exc: Exception) -> None:
    doc.errors.append(f"{stage}: {unit}: {type(exc).__name__}: {exc}")
