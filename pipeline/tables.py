"""Rows as tables: JSON lines, CSV, Parquet.

A worker turns a document's rows into bytes (JSON lines, CSV lines without the header) or
leaves them as dicts (Parquet, which the main process writes in row groups). The columns
and their types come from the row models of ``pipeline.rows``, so the three formats carry
the same fields in the same order and DuckDB or pandas read any of them alike.
"""
from __future__ import annotations

import csv
import io
import types
import typing
from typing import IO

from .rows import ROW_MODELS, columns

FORMATS = ("jsonl", "csv", "parquet")
PARQUET_HINT = ("--format parquet needs pyarrow: pip install 'zh-news-extract[parquet]' "
                "(or pip install pyarrow)")
ROW_GROUP = 50_000  # rows per Parquet row group: bounded memory on any input


def csv_header(kind: str) -> bytes:
    return _csv_bytes([columns(kind)])


def csv_lines(kind: str, rows: list[dict]) -> bytes:
    """The rows as CSV lines (RFC 4180 quoting, UTF-8); an empty cell is null."""
    names = columns(kind)
    return _csv_bytes([["" if row[name] is None else _cell(row[name]) for name in names] for row in rows])


def _cell(value) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return str(value)


def _csv_bytes(lines: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(lines)
    return buffer.getvalue().encode("utf-8")


def _arrow_type(annotation, pa):
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        annotation = args[0]
    if typing.get_origin(annotation) is typing.Literal:
        return pa.string()
    return {int: pa.int64(), float: pa.float64(), str: pa.string(), bool: pa.bool_()}.get(annotation, pa.string())


def arrow_schema(kind: str):
    import pyarrow as pa

    fields = ROW_MODELS[kind].model_fields
    return pa.schema([pa.field(name, _arrow_type(field.annotation, pa)) for name, field in fields.items()])


def require_pyarrow() -> None:
    """Raise ImportError with the install hint when pyarrow is missing (checked before a run)."""
    try:
        import pyarrow  # noqa: F401
        import pyarrow.parquet  # noqa: F401
    except ImportError as exc:
        raise ImportError(PARQUET_HINT) from exc


class ParquetRows:
    """Rows collected and written to a binary handle in row groups, the file closed by ``close``."""

    def __init__(self, handle: IO[bytes], kind: str):
        import pyarrow.parquet as pq

        self.kind, self.schema = kind, arrow_schema(kind)
        self.writer = pq.ParquetWriter(handle, self.schema, compression="zstd")
        self.pending: list[dict] = []

    def add(self, rows: list[dict]) -> None:
        self.pending.extend(rows)
        if len(self.pending) >= ROW_GROUP:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        if self.pending:
            self.writer.write_table(pa.Table.from_pylist(self.pending, schema=self.schema))
            self.pending = []

    def close(self) -> None:
        self._flush()
        self.writer.close()
