"""Writing results: document JSON lines, the gold format (docs/gold-format.md), and files
written atomically or resumably."""
from __future__ import annotations

import contextlib
import errno
import functools
import json
import os
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from stat import S_ISREG
from typing import IO

from pydantic import TypeAdapter

from .model import Document

GOLD_FILES = ("sentences", "quantities", "entities", "claims")


_DOCUMENT = TypeAdapter(Document)


def dumps(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def document_json(doc: Document) -> bytes:
    """``doc.model_dump_json()`` as the UTF-8 bytes pydantic-core writes: the same text,
    without decoding it to ``str`` only to encode it again for the file (or the pipe from a
    worker process). A document's JSON is several times the size of its page."""
    return _DOCUMENT.dump_json(doc)


# A document's JSON in parts: one per field, and a list field's items this many at a time.
ITEMS_PER_PART = 1000


@functools.cache
def _field_adapters() -> tuple[tuple[str, bytes, TypeAdapter], ...]:
    return tuple((name, dumps(name).encode() + b":", TypeAdapter(field.annotation))
                 for name, field in Document.model_fields.items())


def document_json_parts(doc: Document) -> Iterator[bytes]:
    """``document_json(doc)`` in parts whose concatenation is the same bytes, produced as
    they are consumed: a writer then holds one part at a time instead of the whole record
    (a 20 MB page's is about 90 MB, and serialising it whole took twice that). Each field
    is written by the serialiser of its type, as the document's does, and a list's items
    (sentences, quantities …) a thousand at a time."""
    for i, (name, key, adapter) in enumerate(_field_adapters()):
        value = getattr(doc, name)
        yield (b"{" if i == 0 else b",") + key
        if not isinstance(value, list) or len(value) <= ITEMS_PER_PART:
            yield adapter.dump_json(value)
            continue
        for start in range(0, len(value), ITEMS_PER_PART):
            part = adapter.dump_json(value[start:start + ITEMS_PER_PART])
            yield (b"[" if start == 0 else b",") + part[1:-1]
        yield b"]"
    yield b"}"


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
                                  "time": c.time, "modality": c.modality, "subject_rule": c.subject_rule})
    return records


class OutputError(Exception):
    """The output cannot be written (read-only folder, full disk, /dev/full …): the message
    names the path and the OS error. The CLI ends with exit status 3."""

    def __init__(self, path: Path | str, error: OSError):
        self.path, self.error = path, error
        super().__init__(f"cannot write {path}: {error.strerror or error}")


def _create(path: Path, binary: bool) -> tuple[IO, Path]:
    """A new temporary file beside ``path``, created with the mode the umask gives (as
    ``open`` does for the main output), not tempfile's 0600."""
    while True:
        name = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        return os.fdopen(fd, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8"})), name


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:  # a file where the folder should be (or above it)
        raise OutputError(folder, NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR))) from None
    except OSError as exc:
        raise OutputError(folder, exc) from None


@contextmanager
def atomic_writer(path: Path, binary: bool = False) -> Iterator[IO]:
    """Write ``path`` through a temporary file renamed into place: never half a file.
    Text is written as UTF-8; with ``binary``, the caller writes bytes. Failing to create,
    close or rename the file raises OutputError."""
    _make_folder(path.parent)
    try:
        handle, name = _create(path, binary)
    except OSError as exc:
        raise OutputError(path, exc) from None
    try:
        with handle:
            yield handle
        os.replace(name, path)
    except BaseException as exc:
        name.unlink(missing_ok=True)
        if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError):
            raise OutputError(path, exc) from None
        raise


class RecordFile:
    """A binary file written one record (or one document's group of lines) per ``write``,
    each straight to the operating system. A write that fails (disk full, file size
    limit, I/O error) is undone back to the end of the last whole record, so the file
    never ends in a cut line, and raises OutputError.

    A record may be given in parts (``document_json_parts``), written as they are
    produced. If producing a part raises, what was written of the record is undone too
    and the exception goes on to the caller, which writes another record in its place.
    A target that cannot be undone (a pipe, /dev/null) gets the record joined first."""

    def __init__(self, handle: IO[bytes], path: Path):
        self.handle, self.path = handle, path
        stat = os.fstat(handle.fileno())
        self.size = stat.st_size
        self.regular = S_ISREG(stat.st_mode)

    def write(self, data: bytes | Iterable[bytes]) -> None:
        if not isinstance(data, bytes) and not self.regular:
            data = b"".join(data)
        written = 0
        try:
            for part in [data] if isinstance(data, bytes) else data:
                view = memoryview(part)
                while view:
                    view = view[self.handle.write(view):]
                written += len(part)
        except BrokenPipeError:  # the reader has gone: the caller ends quietly
            raise
        except BaseException as exc:
            with contextlib.suppress(OSError):  # not a regular file (/dev/full, a pipe): nothing to undo
                os.ftruncate(self.handle.fileno(), self.size)
                self.handle.seek(self.size)  # (where the next record goes, when the caller goes on)
            if isinstance(exc, OSError):
                raise OutputError(self.path, exc) from None
            raise
        self.size += written

    def flush(self) -> None:  # every write already reached the operating system
        pass


def partial_path(path: Path) -> Path:
    return path.with_name(path.name + ".partial")


@contextmanager
def resumable_writer(path: Path, resume: bool = False, key: str = "id",
                     whole_groups: bool = False) -> Iterator[tuple[IO[bytes], set[str]]]:
    """Write ``path`` through ``path.partial``, renamed into place at the end.

    Yields ``(handle, done)``: a ``RecordFile``, written one document at a time, so a
    killed run leaves ``path.partial`` holding every record it finished, and a failed write
    (full disk) leaves it ending with a whole record, to resume from. With ``resume``, ``done`` holds the
    ``key`` of every complete record already in ``path`` (an earlier, finished run) or in
    ``path.partial`` (an interrupted run); those records are kept, and new ones are appended
    after them. Without it, an existing ``path.partial`` is replaced. A cut last line is
    dropped; with ``whole_groups`` (several lines per document: claims) so are all lines of
    the last document of ``path.partial``, which may be incomplete. ``path`` itself is never
    half written. A target that is not a regular file (/dev/null, a pipe) is written directly.
    """
    if path.exists() and not path.is_file():
        try:
            handle = path.open("wb", buffering=0)
        except OSError as exc:
            raise OutputError(path, exc) from None
        with handle:
            yield RecordFile(handle, path), set()
        return
    partial = partial_path(path)
    merged = path.with_name(path.name + ".resume")
    done: set[str] = set()
    _make_folder(path.parent)
    try:
        if resume:
            with merged.open("wb") as out:
                for source in (path, partial):
                    if not source.exists():
                        continue
                    before = set(done)
                    for record_key, line in _complete_records(source, key, whole_groups and source == partial):
                        if record_key not in before:
                            out.write(line)
                            done.add(record_key)
            os.replace(merged, partial)
        handle = partial.open("ab" if resume else "wb", buffering=0)
    except OSError as exc:
        with contextlib.suppress(OSError):
            merged.unlink(missing_ok=True)
        raise OutputError(partial, exc) from None
    with handle:
        yield RecordFile(handle, partial), done
    try:
        os.replace(partial, path)
    except OSError as exc:
        raise OutputError(path, exc) from None


def _complete_records(path: Path, key: str, whole_groups: bool) -> Iterator[tuple[str, bytes]]:
    """``(record[key], line)`` for the complete JSON lines of ``path``, up to the first bad one."""
    group: list[tuple[str, bytes]] = []
    last = None
    with path.open("rb") as handle:
        for line in handle:
            try:
                record_key = str(json.loads(line)[key]) if line.endswith(b"\n") else None
            except (ValueError, KeyError, TypeError):
                record_key = None
            if record_key is None:
                break
            if record_key != last:
                yield from group
                group, last = [], record_key
            group.append((record_key, line))
    if not whole_groups:
        yield from group
