"""Throughput and peak memory of the full pipeline, against spaCy and jieba on the same text.

    python bench/bench_pipeline.py                  # the 20 MB and 100 MB corpora, 3 rounds (~40 min on 2 cores)
    python bench/bench_pipeline.py --variant 20     # one of them
    python bench/bench_pipeline.py --mb 2 --rounds 1   # a quick run on 2 MB

For each corpus (pages of shuffled seed paragraphs, bench/corpus.py, deterministic), written
as a JSONL file, it measures in a fresh subprocess each (so that each peak RSS is its own):

- the full pipeline: ``python -m pipeline corpus.jsonl -o /dev/null`` (read, clean, sentences,
  quantities, entities, claims, JSON serialisation) with 1 worker and with all cores;
- the reference: spaCy's blank Chinese pipeline with the jieba segmenter, tokenisation only
  (``nlp.pipe`` over the same documents), and ``jieba.cut`` alone.

The four runs are repeated in ``--rounds`` rounds, interleaved (the order reverses every other
round), and each keeps its fastest round: on a shared machine the speed of the same run
moves by tens of percent from minute to minute, and the fastest round is the closest to what
the code costs (as ``timeit`` does). Every round's figure is printed too.

The ratio of issue 6, pipeline 1 worker / spaCy-jieba, comes from one more run, paired: the
pipeline and spaCy-jieba in one process, taking turns on consecutive 1 MB chunks of the
corpus (the order alternating), so that both meet the same slow and fast minutes of the
machine; the ratio of their total times is printed with the range of the chunks' ratios.

It prints characters per second, CPU seconds (all processes of the run: on a busy machine,
CPU seconds of all cores close to those of 1 worker mean the pool itself costs little) and
peak RSS (the largest process of the run, the highest of the rounds: for the all-cores run,
the largest worker or the parent) for each, and the ratios of issue 6:
pipeline 1 worker / spaCy-jieba (target >= 1.5), all cores / 1 worker (target >= 1.7 on 2
cores), peak RSS on the largest corpus / on the smallest (target within 10%). Start-up
(loading rules, the knowledge base, the segmenters) is left out of every timing.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
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
    import spacy

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.make_doc("预热。")
    return nlp


def child(kind: str, corpus: str, workers: int) -> None:
    cpu_before = 0.0
    if kind == "pipeline":
        from pipeline.cli import main
        from pipeline.process import start_up

        start_up()
        start, cpu_before = time.perf_counter(), _usage()[1]
        code = main([corpus, "-o", os.devnull, "--workers", str(workers), "--no-progress"])
        assert code in (0, 1), code
    elif kind == "spacy":
        nlp = _spacy_jieba()
        start, cpu_before = time.perf_counter(), _usage()[1]
        for _ in nlp.pipe(_texts(corpus)):
            pass
    elif kind == "jieba":
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        start, cpu_before = time.perf_counter(), _usage()[1]
        for text in _texts(corpus):
            for _ in jieba.cut(text):
                pass
    elif kind == "paired":
        paired(corpus)
        return
    else:
        raise SystemExit(f"unknown measurement {kind}")
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


def paired(corpus: str) -> None:
    """The pipeline (1 worker) and spaCy-jieba in one process, taking turns chunk by chunk.

    Both see the same stretch of time, so a minute in which the machine is slow slows both
    and the ratio of their totals measures the code, not the minute. The pipeline side is
    what ``python -m pipeline corpus.jsonl --workers 1`` does per document (read the JSON
    line, process, serialise, write); the spaCy side is the reference's ``nlp.pipe``."""
    from pipeline.cli import render
    from pipeline.process import start_up
    from pipeline.read import read_jsonl

    start_up()
    nlp = _spacy_jieba()
    sink = open(os.devnull, "wb")

    def run_pipeline(lines: list[str]) -> None:
        for source in read_jsonl(iter(lines), corpus):
            sink.write(render(source, "documents")[2][""])

    def run_spacy(lines: list[str]) -> None:
        for _ in nlp.pipe(json.loads(line)["text"] for line in lines):
            pass

    totals = {"pipeline": 0.0, "spacy": 0.0}
    chunk_ratios = []
    for number, lines in enumerate(_chunks(corpus, PAIRED_CHUNK_BYTES)):
        seconds = {}
        turns = [("pipeline", run_pipeline), ("spacy", run_spacy)]
        for name, run in turns if number % 2 == 0 else reversed(turns):
            start = time.perf_counter()
            run(lines)
            seconds[name] = time.perf_counter() - start
            totals[name] += seconds[name]
        chunk_ratios.append(seconds["spacy"] / seconds["pipeline"])
    print(json.dumps({"seconds": totals, "chunk_ratios": chunk_ratios}))


# One turn of the paired run: about a second of work for each side.
PAIRED_CHUNK_BYTES = 1_000_000


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


def run_variant(mb: float, workers: int, rounds: int, folder: Path) -> dict[str, dict]:
    corpus = folder / f"corpus-{mb:g}mb.jsonl"
    subprocess.run([sys.executable, __file__, "--child", "corpus", "--corpus", str(corpus), "--mb", str(mb)],
                   check=True, cwd=ROOT)
    n_docs, chars, size = corpus_size(corpus)
    print(f"\ncorpus {mb:g} MB: {n_docs:,} documents, {chars:,} characters ({size / 1e6:.1f} MB of UTF-8)", flush=True)
    runs = {
        "pipeline, 1 worker": ("pipeline", 1),
        f"pipeline, {workers} workers (all cores)": ("pipeline", workers),
        "spaCy blank zh + jieba (tokenise)": ("spacy", 1),
        "jieba.cut": ("jieba", 1),
    }
    rounds_of: dict[str, list[dict]] = {label: [] for label in runs}
    for number in range(rounds):
        order = list(runs) if number % 2 == 0 else list(reversed(runs))
        for label in order:
            kind, n = runs[label]
            r = measure(kind, corpus, n)
            r["chars_per_s"] = chars / r["seconds"]
            rounds_of[label].append(r)
            print(f"  round {number + 1}/{rounds}: {label:38} {r['chars_per_s']:>10,.0f} chars/s", flush=True)
    print("  paired: pipeline 1 worker and spaCy-jieba in one process, alternating 1 MB chunks", flush=True)
    pair = measure("paired", corpus)
    corpus.unlink()
    results = {}
    print(f"  {'fastest round of each':38} {'chars/s':>12} {'seconds':>9} {'CPU s':>7} {'peak RSS':>10}")
    for label, measured in rounds_of.items():
        best = dict(max(measured, key=lambda r: r["chars_per_s"]))
        best["peak_rss_kb"] = max(r["peak_rss_kb"] for r in measured)
        best["rounds"] = [r["chars_per_s"] for r in measured]
        results[label] = best
        print(f"  {label:38} {best['chars_per_s']:>12,.0f} {best['seconds']:>9.1f} {best['cpu_seconds']:>7.1f} "
              f"{best['peak_rss_kb'] / 1024:>7.0f} MB", flush=True)
    one, many, spacy = (results[k]["chars_per_s"] for k in list(runs)[:3])
    paired_pipeline, paired_spacy = (chars / pair["seconds"][k] for k in ("pipeline", "spacy"))
    chunk_ratios = sorted(pair["chunk_ratios"])
    results["paired"] = {"pipeline": paired_pipeline, "spacy": paired_spacy, "ratio": paired_pipeline / paired_spacy,
                         "chunk_ratios": chunk_ratios}
    print(f"  paired, {len(chunk_ratios)} chunks: pipeline {paired_pipeline:,.0f} chars/s, "
          f"spaCy-jieba {paired_spacy:,.0f} chars/s")
    print(f"  ratio pipeline 1 worker / spaCy-jieba   {paired_pipeline / paired_spacy:6.2f}x   (target >= 1.5; "
          f"paired run; chunks {chunk_ratios[0]:.2f} to {chunk_ratios[-1]:.2f}, "
          f"median {chunk_ratios[len(chunk_ratios) // 2]:.2f})")
    print(f"  the same from the separate runs         {one / spacy:6.2f}x   (fastest round of each)")
    print(f"  ratio all cores / 1 worker              {many / one:6.2f}x   (target >= 1.7 on 2 cores; {workers} workers)")
    print(f"  ratio jieba.cut / spaCy-jieba           {results['jieba.cut']['chars_per_s'] / spacy:6.2f}x")
    if rounds > 1:  # the same ratios round by round: how much of a figure is the machine
        per_round = [f"{a / b:.2f}" for a, b in zip(results[list(runs)[0]]["rounds"], results[list(runs)[2]]["rounds"])]
        print(f"  1 worker / spaCy-jieba, round by round: {' '.join(per_round)}")
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--variant", type=int, nargs="+", choices=(20, 100), default=[20, 100],
                        help="corpus sizes in MB (default: 20 100)")
    parser.add_argument("--mb", type=float, nargs="+", help="other corpus sizes in MB, for quick runs (e.g. 2)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="the all-cores run (default: all cores)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="interleaved rounds of the four runs; each run keeps its fastest (default: 3)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "corpus":
        write_corpus(args.mb[0], Path(args.corpus))
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
