"""Reading: bytes to text, and command-line inputs to documents.

Decoding order: a byte-order mark decides (UTF-8, UTF-16, UTF-32); otherwise strict UTF-8;
otherwise UTF-16 without a mark when one byte order gives plausible text (Chinese, Latin,
punctuation) throughout; otherwise the legacy Chinese encodings that decode the bytes
strictly (GB18030 covers GBK and GB2312), with charset-normalizer choosing when both
GB18030 and Big5 fit. Bytes that look binary (NUL bytes, control characters) are
reported, never guessed into mojibake.

One rule for every text, from a file or a JSON line: a NUL character, or control
characters beyond one in a hundred, make it binary (an error record); lone surrogates
(which only JSON escapes can produce) are replaced by U+FFFD, character for character,
and the record says so.

Ids are unique within a run (see ``iter_sources``).
"""
from __future__ import annotations

import codecs
import fnmatch
import glob
import itertools
import json
import os
import re
import stat
import sys
from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from charset_normalizer import from_bytes

from .times import parse_date

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".xhtml")
# How a file's text is read (pipeline/markup.py): by its extension; anything else is text.
FORMATS = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html", ".xhtml": "html"}
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
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# What UTF-16 read in the right byte order gives for Chinese or Western text; the wrong
# order (or another encoding read as UTF-16) gives mostly Hangul, Yi, private use or fails.
_NOT_PLAUSIBLE = re.compile(
    "[^\t\n\r\x20-\x7e\xa0-\xff\u2000-\u206f\u2100-\u218f\u2460-\u24ff\u2500-\u257f"
    "\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
_PLAUSIBLE_SHARE = 0.98


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
        utf16 = _utf16_without_bom(data)
        if utf16 is None:
            raise ReadError("binary data (NUL bytes), not text")
        return _check_text(utf16[0]), utf16[1]
    try:
        return _check_text(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return _check_text(utf16[0]), utf16[1]
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


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) when ``data`` reads as plausible text in one UTF-16 byte order."""
    if len(data) % 2:
        return None
    orders = ("utf-16-le", "utf-16-be")
    # ASCII in UTF-16 has a zero high byte: at odd offsets little-endian, even ones big-endian
    # (read in the wrong order, Latin letters would pass for CJK characters).
    head = data[:131072]
    if head[0::2].count(0) > head[1::2].count(0):
        orders = orders[::-1]
    for encoding in orders:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        sample = text[:65536]
        if "\x00" not in sample and len(_NOT_PLAUSIBLE.findall(sample)) <= len(sample) * (1 - _PLAUSIBLE_SHARE):
            return text, encoding
    return None


def _check_text(text: str, empty: str = "empty file (white space only)") -> str:
    if "\x00" in text:
        raise ReadError("binary data (NUL characters), not text")
    sample = text[:65536]
    if len(_CONTROL.findall(sample)) > max(2, len(sample) // 100):
        raise ReadError("binary data (control characters), not text")
    if not text.strip():
        raise ReadError(empty)
    return text


def replace_surrogates(text: str) -> tuple[str, int]:
    """``text`` with each lone surrogate replaced by U+FFFD (one character for one, so
    offsets hold), and how many there were. Only JSON escapes (``"\\ud800"``) and file
    names that are not UTF-8 produce them; they cannot be written as UTF-8."""
    if not _SURROGATE.search(text):
        return text, 0
    return _SURROGATE.subn("\ufffd", text)


def display_path(path: Path | str) -> str:
    """A path as UTF-8 text: bytes of a file name that are not UTF-8 shown as ``\\xff``."""
    name = str(path)
    if not _SURROGATE.search(name):
        return name
    return os.fsencode(name).decode("utf-8", "backslashreplace")


@dataclass(frozen=True)
class Source:
    """One input document: its id, where it came from, and its text or the read error."""

    id: str
    name: str
    text: str | None = None
    encoding: str | None = None
    error: str | None = None
    # What reading repaired (lone surrogates replaced, an id renamed): the record's warnings.
    warnings: tuple[str, ...] = ()
    stage: str = "read"  # where ``error`` arose: the record's error starts with it
    format: str = "text"  # text, html or markdown: how the pipeline reads ``text``
    date: str | None = None  # the publication date the input gives (a JSONL line's "date"), YYYY-MM-DD
    scope: str | None = None  # the place the page is about (a knowledge-base id), from the caller


def format_of(path: Path | str) -> str:
    """The input format of a file: html or markdown by extension, otherwise text."""
    return FORMATS.get(Path(path).suffix.lower(), "text")


_FILE_TYPES = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
               (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a folder"))


def _not_regular(path: Path) -> str | None:
    """Why ``path`` is not a regular file that can be read without blocking, or None.
    A missing target (a dangling symlink) is left to the read, which names the OS error."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in _FILE_TYPES if test(mode)), "not a regular file")
    return f"{kind}, not a regular file: skipped"


# The longest document processed, in characters (about 96 MB of Chinese in UTF-8): one
# document is held in memory whole, with its sentences and spans, so a longer one is
# refused with an error record (split it into pages, or give it as JSON lines).
MAX_DOCUMENT_CHARS = 32_000_000


def too_long(chars: int, limit: int) -> str:
    return f"document too long: {chars:,} characters, the limit is {limit:,} (MAX_DOCUMENT_CHARS)"


def read_file(path: Path, doc_id: str | None = None) -> Source:
    name = display_path(path)
    doc_id = doc_id or display_path(path.stem)
    odd = _not_regular(path)
    if odd:
        return Source(doc_id, name, error=f"{name}: {odd}")
    try:
        size = path.stat().st_size
        if size > 4 * MAX_DOCUMENT_CHARS:  # more characters than the limit in any encoding: never read
            return Source(doc_id, name, error=f"{name}: document too long: {size:,} bytes, the limit is "
                                                f"{MAX_DOCUMENT_CHARS:,} characters (MAX_DOCUMENT_CHARS)")
        data = path.read_bytes()
    except OSError as exc:
        return Source(doc_id, name, error=f"{name}: cannot read ({exc.strerror or exc})")
    try:
        text, encoding = decode(data)
    except ReadError as exc:
        return Source(doc_id, name, error=f"{name}: {exc}")
    return Source(doc_id, name, text=text, encoding=encoding, format=format_of(path))


def read_jsonl(lines: Iterable[str | bytes], name: str) -> Iterator[Source]:
    """Documents from JSON lines ``{"id": ..., "text": ..., "date": "YYYY-MM-DD"}`` (date
    optional: the publication date); a bad line is an error record.

    Lines may be bytes, each decoded as UTF-8 on its own: a bad byte costs its line only.
    The id is a string as given; a number or other JSON value is written as JSON (``12``,
    ``true``); no id (or null, or "") gives ``NAME:LINE``."""
    name = display_path(name)
    for number, line in enumerate(lines, 1):
        where = f"{name}:{number}"
        if isinstance(line, bytes):
            if number == 1 and line.startswith(codecs.BOM_UTF8):
                line = line[len(codecs.BOM_UTF8):]
            try:
                line = line.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield Source(where, where, error=f"{where}: not UTF-8 (byte 0x{line[exc.start]:02x} at {exc.start})")
                continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Source(where, where, error=f"{where}: not valid JSON ({exc.msg})")
            continue
        doc_id, warnings = _jsonl_id(record.get("id") if isinstance(record, dict) else None, where)
        # "html" or "markdown" instead of "text": a page to extract (pipeline/markup.py).
        key = next((k for k in ("text", "html", "markdown") if isinstance(record, dict) and k in record), "text")
        if not isinstance(record, dict) or not isinstance(record.get(key), str):
            yield Source(doc_id, where, error=f"{where}: expected an object with a string 'text' "
                                              f"(or 'html', 'markdown')", warnings=warnings)
            continue
        scope = record.get("scope")
        if scope is not None and not isinstance(scope, str):
            yield Source(doc_id, where, error=f"{where}: 'scope' must be a knowledge-base id string", warnings=warnings)
            continue
        text, replaced = replace_surrogates(record[key])
        if replaced:
            warnings += (f"{where}: {replaced} lone surrogate(s) in the text replaced by U+FFFD",)
        try:
            _check_text(text, empty="empty text")
        except ReadError as exc:
            yield Source(doc_id, where, error=f"{where}: {exc}", warnings=warnings)
            continue
        date = record.get("date")
        if date is not None:
            try:
                parse_date(date)
            except ValueError as exc:  # the caller's mistake, named: not a silent null
                yield Source(doc_id, where, error=f"{where}: 'date' {exc}", warnings=warnings)
                continue
        yield Source(doc_id, where, text=text, encoding="utf-8", warnings=warnings, format=key,
                     date=date, scope=scope or None)


def _jsonl_id(value: object, where: str) -> tuple[str, tuple[str, ...]]:
    if value is None or value == "":
        return where, ()
    if not isinstance(value, str):
        value = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    doc_id, replaced = replace_surrogates(value)
    return doc_id, ((f"{where}: lone surrogate(s) in the id replaced by U+FFFD",) if replaced else ())


class InputError(Exception):
    """An input argument names nothing that can be read (bad usage, exit code 2)."""


@dataclass(frozen=True)
class Input:
    """One input found from the CLI arguments: a text file, a JSONL file, or standard input.
    ``root`` is the folder (or the fixed start of the glob) it was found under, None when
    it was named directly."""

    kind: str
    path: Path | None = None
    root: Path | None = None


def find_inputs(inputs: list[str]) -> list[Input]:
    """Resolve CLI inputs in a deterministic order: files, folders, globs, '-'.

    Inside folders and globs, every entry that is not a folder counts: a dangling symlink
    or a FIFO becomes an error record, as when it is named directly, never a silent skip."""
    resolved: list[Input] = []
    for item in inputs:
        if item == "-":
            resolved.append(Input("stdin"))
            continue
        path = Path(item)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.suffix.lower() in TEXT_SUFFIXES + JSONL_SUFFIXES and not p.is_dir()
            )
            if not found:
                raise InputError(f"{item}: folder holds no .txt, .md, .html or .jsonl files")
            resolved.extend(_input(p, path) for p in found)
        elif path.exists() or os.path.lexists(path):
            resolved.append(_input(path, None))
        elif glob.has_magic(item):
            matches = sorted(Path(p) for p in glob.glob(item, recursive=True) if not Path(p).is_dir())
            if not matches:
                raise InputError(f"{item}: pattern matches no files")
            root = glob_root(item)
            resolved.extend(_input(p, root) for p in matches)
        else:
            raise InputError(f"{item}: no such file or folder")
    return resolved


def expand_inputs(inputs: list[str]) -> list[tuple[str, Path | None]]:
    """``find_inputs`` as (kind, path) pairs."""
    return [(entry.kind, entry.path) for entry in find_inputs(inputs)]


def glob_root(pattern: str) -> Path:
    """The folder a glob searches: its leading parts without wildcards."""
    parts = Path(pattern).parts
    fixed = parts[:next((i for i, part in enumerate(parts) if glob.has_magic(part)), len(parts))]
    return Path(*fixed) if fixed else Path(".")


def glob_could_match(pattern: str, path: Path) -> bool:
    """Whether a file at ``path`` (which need not exist) would be found by ``pattern``:
    under its root, with a name its last part matches."""
    root = glob_root(pattern).resolve()
    target = path.resolve()
    return target.is_relative_to(root) and fnmatch.fnmatch(target.name, Path(pattern).name)


def _input(path: Path, root: Path | None) -> Input:
    return Input("jsonl" if path.suffix.lower() in JSONL_SUFFIXES else "file", path, root)


def file_ids(entries: list[Input]) -> dict[int, str]:
    """The id of each text file among ``entries`` (by index): its name without extension;
    for files whose names collide in the run, the path relative to the folder or glob they
    were found in, without extension (``2023-01-01/page1``); for those that still collide,
    the path as given, without extension."""
    files = {i: entry for i, entry in enumerate(entries) if entry.kind == "file"}
    ids = {i: display_path(entry.path.stem) for i, entry in files.items()}
    for rule in (_relative_id, _given_id):
        counts: dict[str, int] = {}
        for doc_id in ids.values():
            counts[doc_id] = counts.get(doc_id, 0) + 1
        for i, doc_id in ids.items():
            if counts[doc_id] > 1:
                ids[i] = rule(files[i])
    return ids


def _relative_id(entry: Input) -> str:
    path = entry.path.with_suffix("")
    if entry.root is not None and path.is_relative_to(entry.root):
        path = path.relative_to(entry.root)
    return display_path(path.as_posix())


def _given_id(entry: Input) -> str:
    return display_path(entry.path.with_suffix("").as_posix())


class _UniqueIds:
    """The ids given out in one run: an id seen before gets ``#2``, ``#3`` … and a warning."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def claim(self, source: Source) -> Source:
        doc_id = source.id
        if doc_id in self.used:
            n = 2
            while f"{doc_id}#{n}" in self.used:
                n += 1
            renamed = f"{doc_id}#{n}"
            source = replace(source, id=renamed, warnings=source.warnings + (
                f"{source.name}: id {doc_id!r} already used in this run: renamed {renamed!r}",))
        self.used.add(source.id)
        return source


def iter_sources(inputs: list[str], skip: Container[str] = frozenset(),
                 stdin_format: str | None = None) -> Iterator[Source]:
    """Every document named by the CLI inputs, one Source each, read lazily (streaming).

    Ids are unique within the run (``file_ids``; a JSONL id or any id met again gets
    ``#2``, ``#3`` … with a warning in its record), and the same inputs give the same ids.
    Documents whose id is in ``skip`` (done by an earlier run) are left out; a file among
    them is not even read. ``stdin_format`` (text, html, markdown) says how a document on
    standard input is read (JSON lines say it per line)."""
    entries = find_inputs(inputs)
    ids = file_ids(entries)
    unique = _UniqueIds()
    for index, entry in enumerate(entries):
        if entry.kind == "file":
            placeholder = unique.claim(Source(ids[index], display_path(entry.path)))
            if placeholder.id in skip:
                continue
            source = read_file(entry.path, placeholder.id)
            yield replace(source, warnings=placeholder.warnings + source.warnings)
            continue
        for source in _sources(entry.kind, entry.path):
            if stdin_format and entry.kind == "stdin" and source.name == "<stdin>":
                source = replace(source, format=stdin_format)
            source = unique.claim(source)
            if source.id not in skip:
                yield source


def _sources(kind: str, path: Path | None) -> Iterator[Source]:
    if kind == "stdin":
        yield from _stdin_sources()
    elif kind == "jsonl":
        assert path is not None
        name = display_path(path)
        odd = _not_regular(path)
        if odd:
            yield Source(display_path(path.stem), name, error=f"{name}: {odd}")
            return
        try:
            with path.open("rb") as handle:
                yield from read_jsonl(handle, name)
        except OSError as exc:
            yield Source(display_path(path.stem), name, error=f"{name}: cannot read ({exc.strerror or exc})")
    else:
        assert path is not None
        yield read_file(path)


def _stdin_sources() -> Iterator[Source]:
    """Standard input: JSON lines when the first line that is not blank starts with ``{``
    (read line by line, streaming), otherwise one document."""
    stream = sys.stdin.buffer
    head: list[bytes] = []
    for line in stream:
        head.append(line)
        if line.strip():
            break
    if head and head[-1].lstrip().startswith(b"{"):
        yield from read_jsonl(itertools.chain(head, stream), "<stdin>")
        return
    data = b"".join(head) + stream.read()
    try:
        text, encoding = decode(data)
    except ReadError as exc:
        yield Source("stdin", "<stdin>", error=f"<stdin>: {exc}")
        return
    yield Source("stdin", "<stdin>", text=text, encoding=encoding)
