"""Command line: ``python -m pipeline INPUT... [-o FILE] [--emit ...]``."""
from __future__ import annotations

import argparse
import functools
import json
import os
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

from . import __version__
from .emit import (GOLD_FILES, OutputError, atomic_writer, document_json, document_json_parts, dumps, gold_records,
                   partial_path, resumable_writer)
from .model import Document
from .parallel import default_workers, map_ordered
from .process import load_all_rules, process_source, start_up
from .read import JSONL_SUFFIXES, InputError, Source, expand_inputs, glob_could_match, iter_sources
from .rows import ROWS, row_schema
from .rules import RulesError
from .subjects import known_scope
from .tables import FORMATS, ParquetRows, csv_header, csv_lines, require_pyarrow

EXAMPLES = """\
examples:
  python -m pipeline seeds/                       one JSON line per document on stdout
  python -m pipeline seeds/ -o out.jsonl          the same, written atomically to out.jsonl
  python -m pipeline 'archive/**/*.txt' -o out.jsonl
  python -m pipeline archive/ -o out.jsonl --resume   continue a killed run (out.jsonl.partial)
  python -m pipeline archive/ --workers 1         one process (default: all cores)
  python -m pipeline pages.jsonl                  JSON lines {"id": ..., "text": ...}
  cat page.txt | python -m pipeline -             one document from standard input
  python -m pipeline seeds/ --emit claims         one JSON line per claim (pandas, DuckDB)
  python -m pipeline seeds/ --emit claims --format parquet -o claims.parquet
  python -m pipeline seeds/ --emit quantities --format csv -o quantities.csv
  python -m pipeline seeds/ --emit gold -o pred/  the gold format (docs/gold-format.md), then:
  python -m pipeline.score pred/ --gold gold/     precision / recall / F1 per stage
  python -m pipeline seeds/ --html report/ --gold gold/   review pages, scored against gold/
  python -m pipeline --schema                     JSON Schema of one output line
  python -m pipeline --schema claims              JSON Schema of one claim row (quantities, entities)

output formats: docs/output.md. At the end of a run one summary line goes to stderr
(documents, errors, sentences, quantities, entities, claims, seconds, characters per
second); -q silences it.

exit status: 0 all documents processed, 1 some documents have errors (their records are
still written, with an "errors" list), 2 bad usage (unknown option, missing input, an
output that is an input), 3 the output cannot be written (the message names the path; a
-o FILE run leaves FILE.partial for --resume), 130 interrupted (Ctrl-C). A closed pipe
(| head) ends the run quietly, with 0.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline",
        description="Extract cleaned text, sentences, quantities, entities and claims from "
        "Chinese news pages. Every input document yields exactly one output record.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("inputs", nargs="*", metavar="INPUT",
                        help="a file (.txt/.md, any of UTF-8, UTF-16, GB18030/GBK, Big5), a folder "
                        "(searched recursively for .txt, .md and .jsonl), a glob, a .jsonl file of "
                        '{"id", "text"} lines, or - for standard input')
    parser.add_argument("-o", "--output", metavar="PATH",
                        help="write here instead of stdout (a file; a folder with --emit gold); "
                        "written to FILE.partial (flushed after each document) and renamed at the end, "
                        "so a crash never leaves half a file")
    parser.add_argument("--resume", action="store_true",
                        help="with -o FILE: skip the documents already in FILE or in FILE.partial "
                        "(left by an interrupted run) and append the others")
    parser.add_argument("--workers", type=_positive, default=None, metavar="N",
                        help=f"worker processes (default: all cores, here {default_workers()}, when the "
                        f"input holds at least {POOL_MIN_BYTES // 2**20} MB, else 1: below that, starting "
                        "the pool costs more than it saves; 1 = in this process). Output order is input order")
    parser.add_argument("--emit", choices=("documents", "claims", "quantities", "entities", "gold"),
                        default="documents",
                        help="documents: one record per document (default); claims, quantities, entities: "
                        "one flat row per claim, quantity or entity mention, with its sentence and offsets "
                        "(docs/output.md); gold: the four gold-format files into the -o folder")
    parser.add_argument("--format", choices=FORMATS, default="jsonl",
                        help="for --emit claims, quantities or entities: JSON lines (default), CSV with a "
                        "header, or Parquet (needs -o FILE and pyarrow: pip install 'zh-news-extract[parquet]')")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no summary line on stderr at the end (warnings and errors still appear)")
    parser.add_argument("--html", metavar="DIR",
                        help="also write the review pages: one HTML page per document and DIR/index.html "
                        "(without -o, nothing else is written)")
    parser.add_argument("--gold", metavar="DIR",
                        help="with --html: score against this gold folder and list misses on the index")
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="progress bar on stderr (default: on when stderr is a terminal and "
                        "there are more than a few documents)")
    parser.add_argument("--input-format", choices=("text", "html", "markdown"), default=None,
                        help="how a document on standard input is read (default: text; files go by "
                             "extension: .html/.htm, .md; a JSON line by its key: text, html, markdown)")
    parser.add_argument("--date", type=_date, default=None, metavar="YYYY-MM-DD",
                        help="publication date of the inputs (今年/去年 resolve against it); a JSONL "
                             "line's own \"date\" and nothing else wins over it")
    parser.add_argument("--scope", metavar="ID",
                        help="the place every input is about, a knowledge-base id (adm:230600), for pages whose "
                        "place is implied by their source; a JSONL line's own \"scope\" field wins")
    parser.add_argument("--schema", nargs="?", const="documents", choices=("documents", *ROWS), metavar="KIND",
                        help="print the JSON Schema of one output line and exit: of a document record "
                        "(default), or of a row of --emit claims, quantities or entities")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.schema:
        schema = Document.model_json_schema() if args.schema == "documents" else row_schema(args.schema)
        print(json.dumps(schema, ensure_ascii=False, indent=2))
        return 0
    if not args.inputs:
        parser.error("no INPUT given (a file, folder, glob, .jsonl file, or - for stdin)")
    if args.emit == "gold" and not args.output:
        parser.error("--emit gold needs -o DIR (the folder for the four gold-format files)")
    if args.resume and (not args.output or args.emit == "gold"):
        parser.error("--resume needs -o FILE (with --emit documents, claims, quantities or entities)")
    if args.format != "jsonl":
        if args.emit not in ROWS:
            parser.error(f"--format {args.format} goes with --emit claims, quantities or entities "
                         "(documents and gold are JSON lines)")
        if args.resume:
            parser.error(f"--resume continues JSON lines only, not --format {args.format}")
        if args.html:
            parser.error(f"--format {args.format} does not go with --html")
    if args.format == "parquet":
        if not args.output:
            parser.error("--format parquet needs -o FILE (Parquet is a binary file, not a stream)")
        try:
            require_pyarrow()
        except ImportError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    if args.gold and not args.html:
        parser.error("--gold goes with --html DIR (to score the run, use python -m pipeline.score)")
    if args.gold and not Path(args.gold).is_dir():
        parser.error(f"--gold {args.gold}: not a folder")
    problem = _output_shape_problem(args)
    if problem:
        parser.error(problem)
    try:
        load_all_rules()
        if args.scope is not None:
            try:
                known_scope(args.scope)
            except ValueError as exc:
                parser.error(f"--scope: {exc}")
        count = len(expand_inputs(args.inputs))
        clash = _output_input_clash(args)
        if clash:
            print(f"error: {clash}", file=sys.stderr)
            return 2
        return run(args, count)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except RulesError as exc:
        print(f"error in rules: {exc}", file=sys.stderr)
        return 2
    except OutputError as exc:
        kept = ""
        if args.output and args.emit != "gold" and partial_path(Path(args.output)).is_file():
            kept = f" (the documents written so far are in {partial_path(Path(args.output))}: --resume continues)"
        print(f"error: {exc}{kept}", file=sys.stderr)
        return _abandon(args, EXIT_OUTPUT)
    except BrokenPipeError:
        _quiet_stdout()
        return _abandon(args, 0)
    except KeyboardInterrupt:
        kept = ""
        if args.output and args.emit != "gold" and partial_path(Path(args.output)).is_file():
            kept = f": the documents done are in {partial_path(Path(args.output))}, --resume continues"
        print(f"interrupted{kept}", file=sys.stderr)
        return _abandon(args, 130)


EXIT_OUTPUT = 3  # the output cannot be written


def _abandon(args: argparse.Namespace, code: int) -> int:
    """End a run cut short. With a pool, leave at once: its threads would wait at exit for
    workers still on a document (or killed while sending one); the workers die with this
    process (parallel: PR_SET_PDEATHSIG)."""
    if getattr(args, "chosen_workers", 1) > 1:
        for stream in (sys.stderr, sys.stdout):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code)
    return code


def _quiet_stdout() -> None:
    """The reader of standard output has gone (``| head``): stop writing, and keep Python
    from reporting the lost pipe again when it flushes at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def _output_shape_problem(args: argparse.Namespace) -> str | None:
    """-o must be a file for documents and claims and a folder for --emit gold."""
    if not args.output:
        return None
    output = Path(args.output)
    if args.emit == "gold":
        if output.exists() and not output.is_dir():
            return f"--emit gold -o {args.output}: names a file; give a folder for the four gold-format files"
        if not output.exists() and output.suffix.lower() in JSONL_SUFFIXES + (".json",):
            return (f"--emit gold -o {args.output}: looks like a file name; give a folder "
                    "for the four gold-format files")
    elif output.is_dir():
        return f"-o {args.output}: is a folder; give a file name (a folder goes with --emit gold)"
    if args.html and Path(args.html).exists() and not Path(args.html).is_dir():
        return f"--html {args.html}: names a file; give a folder for the review pages"
    return None


def _output_input_clash(args: argparse.Namespace) -> str | None:
    """A message when something the run writes is one of its inputs or inside an input
    folder (or would be found by an input glob): writing it would destroy the input, or
    make the next run read the output as input."""
    targets: list[Path] = []
    if args.output:
        output = Path(args.output)
        if args.emit == "gold":
            targets += [output / f"{name}.jsonl" for name in GOLD_FILES]
        elif not (output.exists() and not output.is_file()):  # /dev/null, a pipe: nothing to protect
            targets += [output, partial_path(output)]
    if args.html:
        targets.append(Path(args.html) / "index.html")
    if not targets:
        return None
    resolved = [(target, target.resolve()) for target in targets]
    for item in args.inputs:
        if item == "-":
            continue
        path = Path(item)
        if path.is_dir():
            root = path.resolve()
            for target, where in resolved:
                if where.is_relative_to(root):
                    return f"output {target} is inside the input folder {item}: write it elsewhere"
        elif path.exists() or os.path.lexists(path):
            for target, where in resolved:
                if where == path.resolve():
                    return f"output {target} is the input {item}: write it elsewhere"
        else:
            for target, where in resolved:
                if glob_could_match(item, target):
                    return f"output {target} would be read by the input pattern {item}: write it elsewhere"
    return None


def _date(value: str) -> str:
    from .times import parse_date

    try:
        return parse_date(value).isoformat()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


class Rendered(NamedTuple):
    """One document, processed and serialised in a worker, as the main process needs it."""

    id: str
    errors: list[str]
    chunks: dict[str, bytes | StreamedRecord]  # UTF-8 lines per output: "" the main one, else a gold file's name
    whole: bytes | None       # the document as JSON, when the review pages need it
    counts: tuple[int, int, int, int, int]  # characters read, sentences, quantities, entities, claims
    rows: list[dict] | None = None  # --format parquet: the rows, written by the main process


class StreamedRecord:
    """A document's JSON line, produced part by part as the output writes it
    (``emit.document_json_parts``), so that the record of a long page is never held
    whole: in the process that writes it (one worker); from a worker process a record
    travels whole. If serialising fails, ``failed(exc)`` gives the record that takes its
    place (one record per document, whatever happens)."""

    def __init__(self, doc: Document, source: Source, options: dict):
        self.doc, self.source, self.options = doc, source, options

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from document_json_parts(self.doc)
            yield b"\n"
        finally:
            self.doc = None  # written: not kept while the next document is processed

    def failed(self, exc: Exception) -> Rendered:
        return _failed(self.source, exc, self.options)


def render(source: Source, emit: str, keep: bool = False, fmt: str = "jsonl", stream: bool = False) -> Rendered:
    doc = process_source(source)
    whole = document_json(doc) if keep else None
    rows = None
    if emit == "gold":
        chunks = {name: "".join(dumps(line) + "\n" for line in lines).encode()
                  for name, lines in gold_records(doc).items()}
    elif emit in ROWS:
        found = list(ROWS[emit](doc))
        if fmt == "parquet":
            chunks, rows = {}, found
        elif fmt == "csv":
            chunks = {"": csv_lines(emit, found)}
        else:
            chunks = {"": "".join(dumps(row) + "\n" for row in found).encode()}
    elif stream and whole is None:
        chunks = {"": StreamedRecord(doc, source, {"emit": emit, "keep": keep, "fmt": fmt})}
    else:
        chunks = {"": (whole or document_json(doc)) + b"\n"}
    counts = (len(source.text or ""), len(doc.sentences), len(doc.quantities), len(doc.entities), len(doc.claims))
    return Rendered(doc.id, doc.errors, chunks, whole, counts, rows)


def render_safely(source: Source, **options):
    """``render``, and when it raises (it should not: the stages record their own failures,
    and reading leaves nothing that cannot be written) the document's record with the error
    instead: one record per document, whatever happens, and the batch goes on."""
    try:
        return render(source, **options)
    except Exception as exc:  # noqa: BLE001
        return _failed(source, exc, options)


def _failed(source: Source, exc: Exception, options: dict) -> Rendered:
    """The record of a document whose processing or serialising raised ``exc``."""
    message = f"{type(exc).__name__}: {exc}".encode("utf-8", "backslashreplace").decode()
    return render(replace(source, text=None, error=message, stage="pipeline"), **options)


def write_rendered(outs: dict, rendered: Rendered) -> Rendered:
    """Write a document's lines; the rendered document, or the record that replaced it."""
    for name, data in rendered.chunks.items():
        if not isinstance(data, StreamedRecord):
            outs[name].write(data)
            continue
        try:
            outs[name].write(data)  # a failure while serialising leaves nothing of the record
        except (OutputError, BrokenPipeError):
            raise
        except Exception as exc:  # noqa: BLE001
            rendered = data.failed(exc)
            outs[name].write(rendered.chunks[name])
    return rendered


# Below this much input, one process is faster than a pool: each worker pays the start-up
# (rules, knowledge base, segmenter: about 2 s of CPU) that the pool then wins back at
# about 0.4 s per MB on 2 cores (docs/output.md, "Workers").
POOL_MIN_BYTES = 8 * 2**20


def input_bytes(inputs: list[str]) -> int:
    """The size of the files a run reads (standard input counts as nothing: unknown)."""
    total = 0
    for kind, path in expand_inputs(inputs):
        if path is not None and kind in ("file", "jsonl"):
            try:
                total += path.stat().st_size
            except OSError:
                pass
    return total


def choose_workers(args: argparse.Namespace) -> int:
    if args.workers is not None:
        return args.workers
    if default_workers() > 1 and input_bytes(args.inputs) >= POOL_MIN_BYTES:
        return default_workers()
    return 1


class Summary:
    """The run's totals, printed as one line on stderr at the end."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.documents = self.failed = 0
        self.counts = [0, 0, 0, 0, 0]

    def add(self, done: Rendered) -> None:
        self.documents += 1
        self.failed += bool(done.errors)
        self.counts = [a + b for a, b in zip(self.counts, done.counts)]

    def line(self) -> str:
        seconds = time.perf_counter() - self.started
        chars, sentences, quantities, entities, claims = self.counts
        rate = chars / seconds if seconds > 0 else 0.0
        return (f"{self.documents:,} documents ({self.failed:,} with errors), {sentences:,} sentences, "
                f"{quantities:,} quantities, {entities:,} entities, {claims:,} claims; "
                f"{seconds:.1f} s, {rate:,.0f} characters/s")


def run(args: argparse.Namespace, input_count: int) -> int:
    show_progress = args.progress if args.progress is not None else (sys.stderr.isatty() and input_count > 3)
    summary = Summary()
    workers = args.chosen_workers = choose_workers(args)
    done: set[str] = set()
    table = None
    with ExitStack() as stack:
        if args.emit == "gold":
            folder = Path(args.output)
            outs = {name: _Named(stack.enter_context(atomic_writer(folder / f"{name}.jsonl", binary=True)),
                                 folder / f"{name}.jsonl")
                    for name in GOLD_FILES}
        elif args.format == "parquet":
            handle = stack.enter_context(atomic_writer(Path(args.output), binary=True))
            table = ParquetRows(handle, args.emit)
            outs = {}
        elif args.output:
            grouped = args.emit in ROWS
            out, done = stack.enter_context(resumable_writer(Path(args.output), args.resume,
                                                             key="doc" if grouped else "id", whole_groups=grouped))
            outs = {"": out}
        else:
            outs = {"": _Stdout(sys.stdout.buffer)}
        if args.format == "csv":
            outs[""].write(csv_header(args.emit))
        bar = None
        if show_progress:
            from tqdm import tqdm

            bar = stack.enter_context(tqdm(total=input_count, initial=min(len(done), input_count), unit="file",
                                           file=sys.stderr, desc="pipeline", dynamic_ncols=True))
        if workers == 1:
            start_up()  # in this process (a pool's workers do it in their initialiser)
        sources = iter_sources(args.inputs, skip=done, stdin_format=args.input_format)
        if args.date:  # the caller's date for every input that does not give its own
            sources = (replace(s, date=s.date or args.date) if s.error is None else s for s in sources)
        if args.scope is not None:
            sources = (source if source.scope else replace(source, scope=args.scope) for source in sources)
        keep = bool(args.html)
        work = functools.partial(render_safely, emit=args.emit, keep=keep, fmt=args.format, stream=workers == 1)

        def documents():
            for rendered in map_ordered(work, sources, workers):
                if args.output or not args.html:
                    rendered = write_rendered(outs, rendered)
                    if table is not None:
                        table.add(rendered.rows or [])
                summary.add(rendered)
                if rendered.errors:
                    print(f"warning: {rendered.id}: {'; '.join(rendered.errors)}", file=sys.stderr)
                if bar is not None:
                    bar.update(1)
                if rendered.whole is not None:
                    yield Document.model_validate_json(rendered.whole)

        if args.html:
            from .review import write_report

            index = write_report(documents(), Path(args.html), gold=Path(args.gold) if args.gold else None)
            print(f"review pages: {index}", file=sys.stderr)
        else:
            for _ in documents():
                pass
        if table is not None:
            table.close()
        for out in outs.values():
            out.flush()
    if not args.quiet:
        print(summary.line(), file=sys.stderr)
    return 1 if summary.failed else 0


class _Named:
    """A file handle whose OS errors name its path (OutputError)."""

    def __init__(self, handle, path: Path | str):
        self.handle, self.path = handle, path

    def write(self, data: bytes | Iterable[bytes]) -> None:
        if not isinstance(data, bytes):
            data = b"".join(data)
        try:
            self.handle.write(data)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError(self.path, exc) from None

    def flush(self) -> None:
        try:
            self.handle.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError(self.path, exc) from None


class _Stdout(_Named):
    def __init__(self, handle):
        super().__init__(handle, "standard output")
