"""Throughput and peak memory of the full pipeline, against spaCy and jieba on the same text.

    python bench/bench_pipeline.py                  # the 20 MB and 100 MB corpora (~30 min on 2 cores)
    python bench/bench_pipeline.py --variant 20     # one of them
    python bench/bench_pipeline.py --mb 4 --rounds 1   # a quick run on 4 MB

For each corpus (pages of shuffled seed paragraphs, bench/corpus.py, deterministic), written
as a JSONL file, four runs:

- the full pipeline: ``python -m pipeline corpus.jsonl -o /dev/null`` (read, clean, sentences,
  quantities, entities, claims, JSON serialisation) with 1 worker and with all cores;
- the reference: spaCy's blank Chinese pipeline with the jieba segmenter, tokenisation only
  (``nlp.pipe`` over the same documents), and ``jieba.cut`` alone.

Each is measured twice over:

- **separate runs**: each in a fresh subprocess over the whole corpus, in ``--rounds``
  interleaved rounds (the order reverses every other round), keeping its fastest round: the
  characters per second, the CPU seconds (of all processes of the run) and the peak RSS (of
  the largest process, the highest of the rounds), which is the streaming figure;
- **in turns**: for each ratio, its two sides as long-lived processes (loaded
  once), only one running at a time, taking turns on every chunk of the corpus (1 MB; 2 MB
  when a side is a pool), the order alternating from chunk to chunk. On a shared machine the
  speed of the same run moves by tens of percent from one minute, even one second, to the
  next; in turns, a slow stretch falls on both sides alike, so the ratios are taken from the
  turns: pipeline 1 worker / spaCy-jieba (target >= 1.5) and all cores / 1 worker (target
  >= 1.7 on 2 cores), each printed with the range and median of its chunks' ratios and the
  same ratio from the separate runs. A ceiling for the second, measured the same way: a
  pure-Python loop over the same documents on all cores / in 1 process, which is what the
  machine gave any pool of Python processes at the time. Peak RSS on the largest corpus /
  on the smallest (target within 10%) comes from the separate runs.

Start-up (loading rules, the knowledge base, the segmenters) is left out of every timing.
"""
from __future__ import annotations

import argparse
import itertools
import json
import logging
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


# ------------------------------------------------------------------ children: one measurement each


def _texts(corpus: str):
    with open(corpus, encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)["text"]


def _usage() -> tuple[int, float]:
    """Peak RSS in kB of the largest process (this one or a worker), and CPU seconds of all."""
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return max(own.ru_maxrss, workers.ru_maxrss), sum(u.ru_utime + u.ru_stime for u in (own, workers))


def _spacy_jieba():
    """The reference: spaCy's blank Chinese pipeline with the jieba segmenter, warmed up."""
    import jieba
    import spacy

    jieba.setLogLevel(logging.WARNING)
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.make_doc("预热。")
    return nlp


def child(kind: str, corpus: str, workers: int) -> None:
    """One separate run: the pipeline through its command line, a reference through its runner."""
    if kind == "pipeline":
        from pipeline.cli import main
        from pipeline.process import start_up

        start_up()
        start, cpu_before = time.perf_counter(), _usage()[1]
        code = main([corpus, "-o", os.devnull, "--workers", str(workers), "--no-progress"])
        assert code in (0, 1), code
    else:
        run, _ = _runner(kind, corpus, workers)
        start, cpu_before = time.perf_counter(), _usage()[1]
        with open(corpus, encoding="utf-8") as lines:
            run(lines)
    seconds = time.perf_counter() - start
    peak, cpu = _usage()
    print(json.dumps({"seconds": seconds, "peak_rss_kb": peak, "cpu_seconds": cpu - cpu_before}))


def _chunks(corpus: str, size: int):
    """The corpus's JSON lines in consecutive chunks of about ``size`` bytes of text."""
    chunk: list[str] = []
    filled = 0
    with open(corpus, encoding="utf-8") as handle:
        for line in handle:
            chunk.append(line)
            filled += len(line.encode("utf-8"))
            if filled >= size:
                yield chunk
                chunk, filled = [], 0
    if chunk:
        yield chunk


def _runner(kind: str, corpus: str, workers: int) -> tuple[Callable[[Iterable[str]], None], Executor | None]:
    """The work of ``kind`` on the corpus's JSON lines, loaded and ready, and its pool if it
    has one (to shut down at the end)."""
    sink = open(os.devnull, "wb")
    pool = None
    if kind in ("pipeline", "pool"):
        import functools

        from pipeline.cli import render
        from pipeline.parallel import map_ordered, worker_pool
        from pipeline.read import read_jsonl

        work = functools.partial(render, emit="documents")
        if kind == "pipeline":
            from pipeline.process import start_up

            start_up()

            def run(lines: Iterable[str]) -> None:
                for source in read_jsonl(iter(lines), corpus):
                    sink.write(work(source)[2][""])
        else:
            pool = worker_pool(workers)
            _warm_up(pool, workers)

            def run(lines: Iterable[str]) -> None:  # as the CLI does with --workers N
                for rendered in map_ordered(work, read_jsonl(iter(lines), corpus), workers, pool=pool):
                    sink.write(rendered.chunks[""])
    elif kind in ("loop", "loop-pool"):
        from concurrent.futures import ProcessPoolExecutor

        from pipeline.parallel import map_ordered

        if kind == "loop-pool":
            pool = ProcessPoolExecutor(workers)
            _warm_up(pool, workers)

        def run(lines: Iterable[str]) -> None:
            for _ in map_ordered(_loop, (json.loads(line)["text"] for line in lines), workers, pool=pool):
                pass
    elif kind == "spacy":
        nlp = _spacy_jieba()

        def run(lines: Iterable[str]) -> None:
            for _ in nlp.pipe(json.loads(line)["text"] for line in lines):
                pass
    elif kind == "jieba":
        import jieba

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()

        def run(lines: Iterable[str]) -> None:
            for line in lines:
                for _ in jieba.cut(json.loads(line)["text"]):
                    pass
    else:
        raise SystemExit(f"unknown measurement {kind}")
    return run, pool


def side(kind: str, corpus: str, workers: int, chunk_bytes: int) -> None:
    """One side of the run in turns: loads, says ``ready``, then on each ``next`` on stdin
    runs the next chunk of the corpus and answers its seconds (``end`` after the last chunk);
    on ``quit`` answers its peak RSS and CPU seconds. The work per document is what the
    separate run of the same kind does."""
    run, pool = _runner(kind, corpus, workers)
    chunks = _chunks(corpus, chunk_bytes)
    print("ready", flush=True)
    cpu_before = _usage()[1]
    for command in sys.stdin:
        if command.strip() == "quit":
            break
        lines = next(chunks, None)
        if lines is None:
            print(json.dumps({"end": True}), flush=True)
            continue
        start = time.perf_counter()
        run(lines)
        print(json.dumps({"seconds": time.perf_counter() - start}), flush=True)
    if pool is not None:
        pool.shutdown()  # so that its workers count in RUSAGE_CHILDREN
    peak, cpu = _usage()
    print(json.dumps({"peak_rss_kb": peak, "cpu_seconds": cpu - cpu_before}), flush=True)


def _loop(text: str) -> int:
    """The work of the ceiling: a pure-Python loop over a document's characters (a few ms per
    page), which shares nothing between workers, so that on all cores it speeds up as much as
    the machine lets any pool of Python processes speed up."""
    h = 0
    for _ in range(10):
        for character in text:
            h = (h * 31 + ord(character)) & 0xFFFFFFFF
    return h


def _pid_after(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def _warm_up(pool, workers: int) -> None:
    """Waits until every worker of ``pool`` has started and loaded the pipeline (a task runs
    only after its worker's initialiser), so that no turn pays for a start-up."""
    seen: set[int] = set()
    while len(seen) < workers:
        seen.update(f.result() for f in [pool.submit(_pid_after, 0.2) for _ in range(2 * workers)])


# ------------------------------------------------------------------ parent


def measure(kind: str, corpus: Path, workers: int = 1) -> dict:
    result = subprocess.run([sys.executable, __file__, "--child", kind, "--corpus", str(corpus),
                             "--workers", str(workers)], capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def write_corpus(mb: float, path: Path) -> None:
    """(In a child: building the corpus runs the pipeline on the seeds, and a parent's peak
    RSS would be inherited by the children it starts, through vfork and exec.)"""
    from corpus import build_documents

    documents = build_documents(int(mb * 1_000_000))
    with path.open("w", encoding="utf-8") as handle:
        for i, text in enumerate(documents):
            handle.write(json.dumps({"id": f"bench-{i:06d}", "text": text}, ensure_ascii=False) + "\n")


def corpus_size(corpus: Path) -> tuple[int, int, int]:
    """Documents, characters and UTF-8 bytes of the texts in ``corpus``."""
    n_docs = chars = size = 0
    for text in _texts(str(corpus)):
        n_docs, chars, size = n_docs + 1, chars + len(text), size + len(text.encode("utf-8"))
    return n_docs, chars, size


def in_turns(corpus: Path, sides: dict[str, tuple[str, int]], chunk_bytes: int) -> dict[str, dict]:
    """Seconds per chunk of each side, the sides being long-lived processes taking turns.

    Each side runs in its own process (loaded once, before the first turn), and only one runs
    at a time; the order of the turns rotates from chunk to chunk."""
    procs = {}
    try:
        for label, (kind, workers) in sides.items():
            command = [sys.executable, __file__, "--child", "side", "--kind", kind, "--corpus", str(corpus),
                       "--workers", str(workers), "--chunk-bytes", str(chunk_bytes)]
            procs[label] = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        for label, proc in procs.items():
            if proc.stdout.readline().strip() != "ready":
                raise SystemExit(f"{label} did not start (see its error above)")

        def ask(label: str, command: str) -> dict:
            procs[label].stdin.write(command + "\n")
            procs[label].stdin.flush()
            answer = procs[label].stdout.readline()
            if not answer:
                raise SystemExit(f"{label} stopped (see its error above)")
            return json.loads(answer)

        seconds: dict[str, list[float]] = {label: [] for label in sides}
        labels = list(sides)
        for number in itertools.count():
            turn = labels[number % len(labels):] + labels[:number % len(labels)]
            answers = {label: ask(label, "next") for label in (turn if number % 2 == 0 else reversed(turn))}
            if any("end" in a for a in answers.values()):
                break
            for label, answer in answers.items():
                seconds[label].append(answer["seconds"])
        usage = {label: ask(label, "quit") for label in labels}
        for proc in procs.values():
            proc.wait()
    finally:
        for proc in procs.values():
            proc.kill()
    return {"seconds": seconds, "usage": usage}


def run_variant(mb: float, workers: int, rounds: int, folder: Path) -> dict[str, dict]:
    corpus = folder / f"corpus-{mb:g}mb.jsonl"
    subprocess.run([sys.executable, __file__, "--child", "corpus", "--corpus", str(corpus), "--mb", str(mb)],
                   check=True, cwd=ROOT)
    n_docs, chars, size = corpus_size(corpus)
    print(f"\ncorpus {mb:g} MB: {n_docs:,} documents, {chars:,} characters ({size / 1e6:.1f} MB of UTF-8)", flush=True)
    one, many, spacy, cut = runs = ("pipeline, 1 worker", f"pipeline, {workers} workers (all cores)",
                                    "spaCy blank zh + jieba (tokenise)", "jieba.cut")
    # label: (separate run, workers, side in the run in turns)
    kinds = dict(zip(runs, [("pipeline", 1, "pipeline"), ("pipeline", workers, "pool"), ("spacy", 1, "spacy"),
                            ("jieba", 1, "jieba")]))
    rounds_of: dict[str, list[dict]] = {label: [] for label in runs}
    for number in range(rounds):
        for label in runs if number % 2 == 0 else reversed(runs):
            kind, n, _ = kinds[label]
            r = measure(kind, corpus, n)
            r["chars_per_s"] = chars / r["seconds"]
            rounds_of[label].append(r)
            print(f"  round {number + 1}/{rounds}: {label:38} {r['chars_per_s']:>10,.0f} chars/s", flush=True)
    results = {}
    print(f"  {'separate runs, fastest round of each':38} {'chars/s':>12} {'seconds':>9} {'CPU s':>7} {'peak RSS':>10}")
    for label, measured in rounds_of.items():
        best = dict(max(measured, key=lambda r: r["chars_per_s"]))
        best["peak_rss_kb"] = max(r["peak_rss_kb"] for r in measured)
        best["rounds"] = [r["chars_per_s"] for r in measured]
        results[label] = best
        print(f"  {label:38} {best['chars_per_s']:>12,.0f} {best['seconds']:>9.1f} {best['cpu_seconds']:>7.1f} "
              f"{best['peak_rss_kb'] / 1024:>7.0f} MB", flush=True)

    print("  in turns, two long-lived processes at a time, one running, taking turns chunk by chunk:", flush=True)
    loop_one, loop_many = "a pure-Python loop, 1 process", f"the same loop, {workers} processes"
    sides = {label: (side, n) for label, (_, n, side) in kinds.items()}
    sides |= {loop_one: ("loop", 1), loop_many: ("loop-pool", workers)}
    # A pool's turn ends with its last documents on fewer than all workers, which a real run
    # pays once: 2 MB turns keep that near 1% of the pool's time.
    for name, a, b, target, chunk_bytes in (
            ("pipeline 1 worker / spaCy-jieba", one, spacy, "target >= 1.5", 1_000_000),
            ("all cores / 1 worker", many, one, f"target >= 1.7 on 2 cores; {workers} workers", 2_000_000),
            # What the machine gave any pool at the time: on a shared 2-core machine two busy
            # processes often get less than two cores (a busy neighbour, two hyperthreads).
            ("ceiling: the loop, all cores / 1", loop_many, loop_one, "what the machine gave a pool", 2_000_000),
            ("jieba.cut / spaCy-jieba", cut, spacy, "", 1_000_000)):
        measured = in_turns(corpus, {a: sides[a], b: sides[b]}, chunk_bytes)["seconds"]
        per_chunk = sorted(y / x for x, y in zip(measured[a], measured[b]))
        ratio = sum(measured[b]) / sum(measured[a])
        results[name] = {"in_turns": ratio, "chunk_ratios": per_chunk}
        line = (f"  ratio {name:33} {ratio:6.2f}x   ({target + '; ' if target else ''}{len(per_chunk)} turns of "
                f"{chunk_bytes / 1e6:g} MB, {per_chunk[0]:.2f} to {per_chunk[-1]:.2f}, median {per_chunk[len(per_chunk) // 2]:.2f}")
        if a in rounds_of:
            separate = [x["chars_per_s"] / y["chars_per_s"] for x, y in zip(rounds_of[a], rounds_of[b])]
            line += (f"; separate runs {results[a]['chars_per_s'] / results[b]['chars_per_s']:.2f}x"
                     + (f", round by round {' '.join(f'{r:.2f}' for r in separate)}" if len(separate) > 1 else ""))
        print(line + ")", flush=True)
    corpus.unlink()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--variant", type=int, nargs="+", choices=(20, 100), default=[20, 100],
                        help="corpus sizes in MB (default: 20 100)")
    parser.add_argument("--mb", type=float, nargs="+", help="other corpus sizes in MB, for quick runs (e.g. 2)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="the all-cores run (default: all cores)")
    parser.add_argument("--rounds", type=int, default=2,
                        help="interleaved rounds of the four separate runs; each keeps its fastest (default: 2)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--kind", help=argparse.SUPPRESS)
    parser.add_argument("--chunk-bytes", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "corpus":
        write_corpus(args.mb[0], Path(args.corpus))
        return 0
    if args.child == "side":
        side(args.kind, args.corpus, args.workers, args.chunk_bytes)
        return 0
    if args.child:
        child(args.child, args.corpus, args.workers)
        return 0

    sizes = sorted(args.mb or args.variant)
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; load average "
          f"{os.getloadavg()[0]:.1f} (other processes skew the all-cores figure)")
    with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as tmp:
        results = {mb: run_variant(mb, args.workers, args.rounds, Path(tmp)) for mb in sizes}
    if len(sizes) > 1:
        small, large = results[sizes[0]], results[sizes[-1]]
        print(f"\npeak RSS {sizes[-1]:g} MB / {sizes[0]:g} MB (target within 10%):")
        for label in list(small)[:2]:
            ratio = large[label]["peak_rss_kb"] / small[label]["peak_rss_kb"]
            print(f"  {label:38} {ratio:6.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
