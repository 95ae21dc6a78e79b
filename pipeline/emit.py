"""Writing results: document JSONL, claim JSONL, and the gold format of shared/spec/GOLD.md."""
from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from .model import Document

GOLD_FILES = ("sentences", "quantities", "entities", "claims")


def dumps(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def _amount(obj) -> dict:
    if obj.value is not None:
        return {"value": _number(obj.value)}
    return {"low": _number(obj.low), "high": _number(obj.high)}


def _number(x: float | None):
    if x is None:
        return None
    return int(x) if float(x).is_integer() and abs(x) < 2**53 else x


def gold_records(doc: Document) -> dict[str, list[dict]]:
    """The document's results as lines of the four gold-format files."""
    records: dict[str, list[dict]] = {name: [] for name in GOLD_FILES}
    records["sentences"].append({"doc": doc.id, "sentences": [s.text for s in doc.sentences if not s.heading]})
    for q in doc.quantities:
        records["quantities"].append({"doc": doc.id, "text": q.text, **_amount(q), "unit": q.unit,
                                      "qualifier": q.qualifier})
    for e in doc.entities:
        mentions = list(dict.fromkeys(m.text for m in e.mentions))
        records["entities"].append({"doc": doc.id, "id": e.id, "name": e.name, "type": e.type,
                                    "mentions": mentions})
    for c in doc.claims:
        records["claims"].append({"doc": doc.id, "subject_id": c.subject_id, "subject": c.subject,
                                  "indicator": c.indicator, "quantity": c.quantity, **_amount(c),
                                  "unit": c.unit, "qualifier": c.qualifier, "kind": c.kind,
                                  "time": c.time, "modality": c.modality})
    return records


def claim_rows(doc: Document) -> Iterator[dict]:
    """One flat row per claim, with its sentence and section path: ready for pandas/DuckDB."""
    for c in doc.claims:
        sentence = doc.sentences[c.sentence]
        yield {"doc": doc.id, "sentence": sentence.text, "section": " / ".join(sentence.section_path),
               **c.model_dump(exclude={"quantity_index"})}


@contextmanager
def atomic_writer(path: Path) -> Iterator[IO[str]]:
    """Write ``path`` through a temporary file renamed into place: never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent,
                                         prefix=f".{path.name}.", suffix=".tmp", delete=False)
    try:
        with handle:
            yield handle
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
