"""More than one machine: the pipeline as a Dask bag, written as JSONL partitions.

    python -m pipeline.distributed INPUT... -o DIR [--workers 2] [--partitions N]
    python -m pipeline.distributed INPUT... -o DIR --scheduler tcp://host:8786

INPUT is what the CLI takes (files, folders, globs, .jsonl files). The inputs are listed
on the client, split into partitions, and each partition is read, processed and written
on a worker as ``DIR/part-00000.jsonl``, ``part-00001.jsonl`` …: one line per document,
byte-identical to ``python -m pipeline``'s, and the partitions concatenated in name order
are in input order. Every worker must see the input paths (a shared file system) and DIR.
Without ``--scheduler`` a LocalCluster of ``--workers`` processes runs on this machine.

From Python, with a bag of your own (items: ``read.Source``, ``{"id", "text"}`` dicts, or
input paths)::

    import dask.bag as db
    from pipeline.distributed import process_bag, write_partitions
    bag = db.from_sequence(records, npartitions=64)
    write_partitions(bag, "out/")        # on the current Dask client/scheduler
    lines = process_bag(bag)             # or a bag of JSON lines, to write as you like
"""
from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import dask.bag as db

from .read import Source, file_ids, find_inputs, iter_sources, read_file


def _sources(items: Iterable[Source | dict | str]) -> Iterator[Source]:
    """Sources from bag items: ``read.Source``, ``{"id", "text"}`` dicts, or input paths."""
    for item in items:
        if isinstance(item, Source):
            yield item
        elif isinstance(item, str):
            yield from iter_sources([item])  # read here, on the worker
        elif isinstance(item, tuple):  # (path, id) of a text file, its id given by the whole run
            yield read_file(Path(item[0]), item[1])
        else:
            text = item.get("text")
            doc_id = str(item.get("id"))
            if not isinstance(text, str) or not text.strip():
                yield Source(doc_id, doc_id, error=f"{doc_id}: expected a non-empty string 'text'")
            else:
                yield Source(doc_id, str(item.get("source") or doc_id), text=text, encoding="utf-8")


def _render(items: Iterable[Source | dict | str]) -> Iterator[bytes]:
    """One JSON line per document, as the UTF-8 bytes ``python -m pipeline`` writes."""
    from .emit import document_json
    from .process import process_source

    for source in _sources(items):
        yield document_json(process_source(source)) + b"\n"


def _render_list(items: Iterable[Source | dict | str]) -> list[str]:
    return [line.decode() for line in _render(items)]


def process_bag(bag: db.Bag) -> db.Bag:
    """A bag of sources (``read.Source``, ``{"id", "text"}`` dicts or input paths) → a bag
    of JSON lines, one per document, as ``python -m pipeline`` writes them."""
    return bag.map_partitions(_render_list)


def bag_of_inputs(inputs: list[str], partitions: int | None = None) -> db.Bag:
    """The CLI inputs as a bag of file paths, in input order (read on the workers).

    A .jsonl input is one item, processed whole by one worker: split a large one into
    several files (or build a bag of its records yourself)."""
    entries = find_inputs(inputs)
    if any(entry.kind == "stdin" for entry in entries):
        raise ValueError("standard input cannot be distributed; write it to a .jsonl file")
    ids = file_ids(entries)  # unique over the run, as the CLI gives them
    paths = [(str(entry.path), ids[i]) if entry.kind == "file" else str(entry.path) for i, entry in enumerate(entries)]
    partitions = max(1, min(partitions or len(paths), len(paths)))
    return db.from_sequence(paths, npartitions=partitions)


def _write(items: Iterable[Source | dict | str], names: list[str]) -> list[int]:
    """Process one partition and write it, streaming, to a temporary file renamed into place."""
    (path,) = names
    tmp = f"{path}.tmp{os.getpid()}"
    count = 0
    with open(tmp, "wb") as handle:
        for line in _render(items):
            handle.write(line)
            count += 1
    os.replace(tmp, path)
    return [count]


def write_partitions(bag: db.Bag, out_dir: str | Path) -> list[Path]:
    """Process a bag of sources (as for ``process_bag``) and write partition i to
    ``out_dir/part-{i:05d}.jsonl``, one task per partition (processing and writing are
    fused: no document crosses the network). Runs on the current Dask scheduler."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"part-{i:05d}.jsonl" for i in range(bag.npartitions)]
    names = db.from_sequence([str(p) for p in paths], npartitions=len(paths))
    db.map_partitions(_write, bag, names).compute()
    return paths


def run(inputs: list[str], out_dir: str | Path, workers: int = 2, partitions: int | None = None,
        scheduler: str | None = None) -> list[Path]:
    """Process ``inputs`` on a Dask cluster (a LocalCluster of ``workers`` processes unless
    ``scheduler`` gives an address) and write the JSONL partitions; returns their paths."""
    from dask.distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler):
            return write_partitions(bag_of_inputs(inputs, partitions), out_dir)
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as cluster, Client(cluster):
        return write_partitions(bag_of_inputs(inputs, partitions or 4 * workers), out_dir)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.distributed", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("inputs", nargs="+", metavar="INPUT")
    parser.add_argument("-o", "--output", required=True, metavar="DIR", help="folder for part-NNNNN.jsonl")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="LocalCluster worker processes (default: all cores)")
    parser.add_argument("--partitions", type=int, default=None,
                        help="number of partitions (default: 4 × workers, at most one per input file)")
    parser.add_argument("--scheduler", metavar="ADDRESS", help="an existing scheduler, e.g. tcp://host:8786")
    args = parser.parse_args(argv)
    paths = run(args.inputs, args.output, args.workers, args.partitions, args.scheduler)
    print(f"wrote {len(paths)} partitions to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
