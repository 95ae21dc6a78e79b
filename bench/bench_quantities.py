"""Throughput of the quantity stage against cn2an.transform on the same text, same run.

    python bench/bench_quantities.py [--mb 5]

The quantity stage finds every amount, parses Chinese/Arabic/mixed numerals, folds
multipliers, matches units, qualifiers, ranges and ranks, and converts to canonical units
in exact arithmetic. The reference, cn2an.transform(text, "cn2an"), only rewrites Chinese
numerals into Arabic ones. Both see the same sentences; the figure that matters is the
ratio, measured in one process so machine speed cancels out.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import build_sentences  # noqa: E402


def measure(fn, sentences) -> float:
    start = time.perf_counter()
    for sentence in sentences:
        fn(sentence)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=5.0, help="corpus size in MB of UTF-8 (default 5)")
    args = parser.parse_args()

    import warnings

    import cn2an

    warnings.filterwarnings("ignore", module="cn2an")  # it warns on every 十四五, 万, 百亿 …
    from pipeline.quantities import find_quantities, resolve

    sentences = build_sentences(int(args.mb * 1_000_000))
    chars = sum(len(s) for s in sentences)
    size = sum(len(s.encode("utf-8")) for s in sentences)
    print(f"corpus: {len(sentences)} sentences, {chars:,} characters, {size / 1e6:.1f} MB")

    def stage(sentence):
        for match in find_quantities(sentence):
            resolve(match)

    def reference(sentence):
        cn2an.transform(sentence, "cn2an")

    stage(sentences[0]), reference(sentences[0])  # warm-up: rule loading, regex compilation
    ours = measure(stage, sentences)
    theirs = measure(reference, sentences)
    found = sum(len(find_quantities(s)) for s in sentences[:2000])
    print(f"quantity stage        {chars / ours:>12,.0f} chars/s  ({ours:.1f} s; {found} amounts in the first 2000 sentences)")
    print(f"cn2an.transform       {chars / theirs:>12,.0f} chars/s  ({theirs:.1f} s)")
    print(f"ratio (stage / cn2an) {theirs / ours:>12.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
