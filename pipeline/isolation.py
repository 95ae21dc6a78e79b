"""A failure costs the smallest unit that failed, never the stage.

The stages that work sentence by sentence (or amount by amount) run each unit through
``isolated``: an exception in one unit is recorded on the document as
``STAGE: UNIT: Type: message`` (``claims: sentence 12: ValueError: …``) and the unit gives
its ``default``; the other units and stages go on. ``process`` still catches what escapes
a stage as a whole, but that is a last resort, not the design.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from .model import Document

T = TypeVar("T")


def isolated(doc: Document, stage: str, unit: str, func: Callable[..., T], *args, default: T = None) -> T:
    """``func(*args)``, or ``default`` with the error recorded on ``doc`` naming ``unit``."""
    try:
        return func(*args)
    except Exception as exc:  # noqa: BLE001 — recorded per unit, the stage goes on
        doc.errors.append(f"{stage}: {unit}: {type(exc).__name__}: {exc}")
        return default
