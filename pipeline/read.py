"""Reading: bytes to text, and command-line inputs to documents.

Decoding order: a byte-order mark decides (UTF-8, UTF-16, UTF-32); otherwise strict UTF-8;
otherwise the legacy Chinese encodings that decode the bytes strictly (GB18030 covers
GBK and GB2312), with charset-normalizer choosing when both GB18030 and Big5 fit. Bytes
that look binary (NUL bytes, control characters) are reported, never guessed into mojibake.
"""
from __future__ import annotations

import codecs
import glob
import json
import os
import sys
from collections.abc import Container, Iterator
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

TEXT_SUFFIXES = (".txt", ".md")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
LEGACY_ENCODINGS = ("gb18030", "big5")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters other than tab, newlines and form feed do not occur in text.
_CONTROL = frozenset(range(0, 32)) - {9, 10, 12, 13}


class ReadError(Exception):
    """The input cannot be read as text; the message says why."""


def decode(data: bytes) -> tuple[str, str]:
    """Decode ``data`` to text; returns (text, encoding) or raises ReadError."""
    if not data:
        raise ReadError("empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _check_text(data.decode(encoding)), encoding
            except UnicodeDecodeError as exc:
                raise ReadError(f"starts with a {encoding} byte-order mark but does not decode: {exc.reason}") from None
    if b"\x00" in data:
        raise ReadError("binary data (NUL bytes), not text")
    try:
        return _check_text(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    fitting = []
    for encoding in LEGACY_ENCODINGS:
        try:
            fitting.append((encoding, data.decode(encoding)))
        except UnicodeDecodeError:
            continue
    if not fitting:
        raise ReadError("not decodable as UTF-8, UTF-16, GB18030/GBK or Big5")
    if len(fitting) > 1:
        best = from_bytes(data, cp_isolation=[e for e, _ in fitting]).best()
        if best is not None:
            chosen = best.encoding.replace("_", "")
            fitting.sort(key=lambda item: item[0] != chosen)
    encoding, text = fitting[0]
    return _check_text(text), encoding


def _check_text(text: str) -> str:
    sample = text[:65536]
    controls = sum(1 for ch in sample if ord(ch) in _CONTROL)
    if controls > max(2, len(sample) // 100):
        raise ReadError("binary data (control characters), not text")
    if not text.strip():
        raise ReadError("empty file (white space only)")
    return text


@dataclass(frozen=True)
class Source:
    """One input document: its id, where it came from, and its text or the read error."""

    id: str
    name: str
    text: str | None = None
    encoding: str | None = None
    error: str | None = None


def read_file(path: Path, doc_id: str | None = None) -> Source:
    doc_id = doc_id or path.stem
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Source(doc_id, str(path), error=f"{path}: cannot read ({exc.strerror or exc})")
    try:
        text, encoding = decode(data)
    except ReadError as exc:
        return Source(doc_id, str(path), error=f"{path}: {exc}")
    return Source(doc_id, str(path), text=text, encoding=encoding)


def read_jsonl(lines: Iterator[str], name: str) -> Iterator[Source]:
    """Documents from JSON lines ``{"id": ..., "text": ...}``; a bad line is an error record."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{name}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Source(where, where, error=f"{where}: not valid JSON ({exc.msg})")
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            doc_id = str(record.get("id", where)) if isinstance(record, dict) else where
            yield Source(doc_id, where, error=f"{where}: expected an object with a string 'text'")
            continue
        doc_id = str(record.get("id") or where)
        if not record["text"].strip():
            yield Source(doc_id, where, error=f"{where}: empty text")
        else:
            yield Source(doc_id, where, text=record["text"], encoding="utf-8")


class InputError(Exception):
    """An input argument names nothing that can be read (bad usage, exit code 2)."""


def expand_inputs(inputs: list[str]) -> list[tuple[str, Path | None]]:
    """Resolve CLI inputs into (kind, path) in a deterministic order: files, folders, globs, '-'."""
    resolved: list[tuple[str, Path | None]] = []
    for item in inputs:
        if item == "-":
            resolved.append(("stdin", None))
            continue
        path = Path(item)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES + JSONL_SUFFIXES
            )
            if not found:
                raise InputError(f"{item}: folder holds no .txt, .md or .jsonl files")
            resolved.extend(_kind(p) for p in found)
        elif path.exists() or os.path.lexists(path):
            resolved.append(_kind(path))
        elif glob.has_magic(item):
            matches = sorted(Path(p) for p in glob.glob(item, recursive=True) if Path(p).is_file())
            if not matches:
                raise InputError(f"{item}: pattern matches no files")
            resolved.extend(_kind(p) for p in matches)
        else:
            raise InputError(f"{item}: no such file or folder")
    return resolved


def _kind(path: Path) -> tuple[str, Path]:
    return ("jsonl" if path.suffix.lower() in JSONL_SUFFIXES else "file", path)


def iter_sources(inputs: list[str], skip: Container[str] = frozenset()) -> Iterator[Source]:
    """Every document named by the CLI inputs, one Source each, read lazily (streaming).

    Documents whose id is in ``skip`` (done by an earlier run) are left out; a file among
    them is not even read."""
    for kind, path in expand_inputs(inputs):
        if kind == "file" and path.stem in skip:
            continue
        for source in _sources(kind, path):
            if source.id not in skip:
                yield source


def _sources(kind: str, path: Path | None) -> Iterator[Source]:
    if kind == "stdin":
        yield from _stdin_sources()
    elif kind == "jsonl":
        assert path is not None
        try:
            with path.open(encoding="utf-8-sig", errors="strict") as handle:
                yield from read_jsonl(handle, str(path))
        except (OSError, UnicodeDecodeError) as exc:
            yield Source(path.stem, str(path), error=f"{path}: cannot read as UTF-8 JSON lines ({exc})")
    else:
        assert path is not None
        yield read_file(path)


def _stdin_sources() -> Iterator[Source]:
    data = sys.stdin.buffer.read()
    stripped = data.lstrip()
    if stripped.startswith(b"{"):
        yield from read_jsonl(iter(data.decode("utf-8", errors="replace").splitlines()), "<stdin>")
        return
    try:
        text, encoding = decode(data)
    except ReadError as exc:
        yield Source("stdin", "<stdin>", error=f"<stdin>: {exc}")
        return
    yield Source("stdin", "<stdin>", text=text, encoding=encoding)
