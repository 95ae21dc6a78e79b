"""Where the time goes: per-stage wall time, then a cProfile of the full pipeline.

    python bench/profile_pipeline.py [--mb 5] [--top 30] [--no-cprofile]

Runs ``pipeline.process`` (and JSON serialisation) over the benchmark corpus of
bench/corpus.py in this process, after loading the rules and the segmenter.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import build_documents  # noqa: E402


def stage_times(documents: list[str]) -> dict[str, float]:
    import importlib

    proc = importlib.import_module("pipeline.process")  # the module, not pipeline.process()
    from pipeline.model import Document

    times = {"clean + sentences": 0.0}
    for i, text in enumerate(documents):
        doc = Document(id=str(i))
        start = time.perf_counter()
        proc.build_document(doc, text)
        times["clean + sentences"] += time.perf_counter() - start
        for name, stage in proc.STAGES:
            start = time.perf_counter()
            stage(doc)
            times[name] = times.get(name, 0.0) + time.perf_counter() - start
        start = time.perf_counter()
        doc.model_dump_json()
        times["JSON"] = times.get("JSON", 0.0) + time.perf_counter() - start
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=5.0)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--no-cprofile", action="store_true")
    args = parser.parse_args()

    import pipeline
    from pipeline.process import start_up

    documents = build_documents(int(args.mb * 1_000_000))
    chars = sum(len(d) for d in documents)
    start_up()
    times = stage_times(documents)
    total = sum(times.values())
    print(f"{len(documents)} documents, {chars:,} characters: {chars / total:,.0f} chars/s")
    for name, seconds in times.items():
        print(f"  {name:20} {seconds:7.2f} s  {seconds / total:6.1%}")
    if not args.no_cprofile:
        profile = cProfile.Profile()
        profile.enable()
        for i, text in enumerate(documents):
            pipeline.process(text, doc_id=str(i)).model_dump_json()
        profile.disable()
        stats = pstats.Stats(profile)
        stats.sort_stats("tottime").print_stats(args.top)
        stats.sort_stats("cumulative").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
