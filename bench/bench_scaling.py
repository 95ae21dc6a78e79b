"""Time per character as documents grow: every stage, on its worst known input and on seed text.

    python bench/bench_scaling.py [--sizes 10000,100000,1000000] [--only NAME,…]

Each input is one document of about 10 K, 100 K and 1 M characters. For each stage the
script prints the seconds at every size and the exponent e of time ∝ lengthᵉ between
neighbouring sizes (1 is linear; a quadratic stage shows 2). An exponent above 1.2 is
flagged. Every size is run five times, the sizes taking turns, and the fastest time of
each stage kept. Not a unit test: the figures depend on the machine; the README's
reliability section says what they were.
"""
from __future__ import annotations

import argparse
import gc
import importlib
import math
import random
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

LIMIT = 1.2


def _repeat(unit: str, chars: int) -> str:
    return unit * max(1, chars // len(unit))


def _seed_paragraphs(chars: int, seed: int = 20261121) -> list[str]:
    """Paragraphs of four shuffled seed sentences. Every pass over the seed sentences adds
    its pass number to each ASCII number (增长12% → 增长13%), so that the page does not
    turn into copies (which cleaning drops) and every stage has work all the way."""
    from corpus import seed_sentences

    base = seed_sentences()
    rng = random.Random(seed)
    paragraphs: list[str] = []
    size = 0
    copy = 0
    while size < chars:
        batch = base[:]
        rng.shuffle(batch)
        batch = [re.sub(r"[0-9]+", lambda m, k=copy: str(int(m.group()) + k), s) for s in batch]
        for i in range(0, len(batch), 4):
            paragraph = "".join(batch[i : i + 4])
            paragraphs.append(paragraph)
            size += len(paragraph) + 2
            if size >= chars:
                break
        copy += 1
    return paragraphs


def seed_page(chars: int) -> str:
    return "\n\n".join(_seed_paragraphs(chars)) + "\n"


def seed_one_paragraph(chars: int) -> str:
    """The seed text as one paragraph: claims and entities on a long paragraph."""
    return "".join(_seed_paragraphs(chars))


def seed_one_sentence(chars: int) -> str:
    """The seed text as one sentence (every terminal mark a comma)."""
    return re.sub("[。！？；]", "，", seed_one_paragraph(chars))


# name → (builder of a document of about N characters, what it stresses)
INPUTS: dict[str, tuple[Callable[[int], str], str]] = {
    "seed page": (seed_page, "seed paragraphs, one page"),
    "seed paragraph": (seed_one_paragraph, "seed text as one paragraph"),
    "seed sentence": (seed_one_sentence, "seed text as one sentence"),
    "mark run": (lambda n: "他说" + "。" * n + "，然后", "sentences: a run of terminal marks, then a comma"),
    "quote marks": (lambda n: _repeat("“好。", n), "sentences: quotations never closed"),
    "range chain": (lambda n: "\n".join("1-" * 495 + f"{k}。" + "3-" * 495 + "3" for k in range(max(1, n // 1985))),
                    "quantities: 1-1-…1。3-3-…3 (the 1,985-byte page), a page of them"),
    "comma run": (lambda n: _repeat("1,", n), "quantities: 1,1,1,…"),
    "enumeration": (lambda n: _repeat("1、", n), "quantities: 1、1、1、…"),
    "ordinal run": (lambda n: _repeat("第1", n), "quantities: 第1第1…"),
    "to chain": (lambda n: _repeat("1至2", n), "quantities: 1至21至2…"),
    "numeral run": (lambda n: _repeat("一亿", n), "quantities: one huge numeral"),
    "near copies": (lambda n: "\n".join(f"{s}第{i}次。" for i, s in
                                        enumerate(_repeat_list(_seed_paragraphs(2000), n // 150))),
                    "clean: paragraphs that are near copies of each other"),
}


def _repeat_list(items: list[str], count: int) -> list[str]:
    return [items[i % len(items)] for i in range(max(1, count))]


# CPU time of this process, not wall time: on a shared machine another process's burst
# would read as super-linear work of the stage that happened to be running.
clock = time.process_time


def stage_times(text: str) -> dict[str, float]:
    proc = importlib.import_module("pipeline.process")  # the module, not pipeline.process()
    from pipeline.clean import clean
    from pipeline.model import Document

    times: dict[str, float] = {}
    gc.collect()  # every run starts from the same heap, not from the last run's garbage
    start = clock()
    clean(text)
    times["clean"] = clock() - start
    doc = Document(id="scaling")
    start = clock()
    proc.build_document(doc, text)  # cleaning again, then sentences (a difference would be noise)
    times["clean+sent."] = clock() - start
    for name, stage in proc.STAGES:
        start = clock()
        stage(doc)
        times[name] = clock() - start
    start = clock()
    doc.model_dump_json()
    times["JSON"] = clock() - start
    if doc.errors:
        times["errors"] = len(doc.errors)
    return times


ROUNDS = 5


def fastest(best: dict[str, float], again: dict[str, float]) -> dict[str, float]:
    return {k: min(v, again.get(k, v)) for k, v in best.items()}


def measure(texts: list[str], max_seconds: float) -> list[tuple[int, dict[str, float]]]:
    """Each text's stage times, the fastest of ``ROUNDS`` runs stage by stage: this machine is
    shared, and a slow stretch (or a full garbage collection) would read as super-linear work.
    The rounds take turns over the sizes, so that a slow stretch falls on one run of every
    size, not on every run of one; a short run is repeated more within its round, a stage
    of a millisecond being the most easily disturbed. A text whose first run takes longer
    than ``max_seconds`` is the last one measured."""
    rows: list[tuple[int, dict[str, float]]] = []
    for text in texts:
        started = time.perf_counter()
        rows.append((len(text), stage_times(text)))
        if time.perf_counter() - started > max_seconds:
            print(f"  (stopped after {len(text):,} characters: {time.perf_counter() - started:.0f} s)")
            break
    for _ in range(ROUNDS - 1):
        for i, (text, (length, best)) in enumerate(zip(texts, rows)):
            short = sum(v for k, v in best.items() if k != "errors") < 0.1
            for _ in range(4 if short else 1):
                best = fastest(best, stage_times(text))
            rows[i] = (length, best)
    return rows


def exponent(n1: int, t1: float, n2: int, t2: float) -> float | None:
    if t1 < 2e-4 or t2 < 2e-4:  # below timer noise: no exponent
        return None
    return math.log(t2 / t1) / math.log(n2 / n1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--only", help="comma-separated input names")
    parser.add_argument("--max-seconds", type=float, default=120.0,
                        help="measure no larger size of an input whose first run took longer than this")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    names = args.only.split(",") if args.only else list(INPUTS)

    from pipeline.process import start_up

    start_up()
    worst = 0.0
    for name in names:
        build, about = INPUTS[name]
        print(f"\n{name}: {about}")
        rows = measure([build(size) for size in sizes], args.max_seconds)
        stages = [k for k in rows[0][1] if k != "errors"]
        print("  " + f"{'stage':12}" + "".join(f"{n:>12,}" for n, _ in rows) + "   exponents")
        for stage in stages:
            cells = "".join(f"{t[stage]:11.4f}s" for _, t in rows)
            exps = []
            for (n1, t1), (n2, t2) in zip(rows, rows[1:]):
                e = exponent(n1, t1[stage], n2, t2[stage])
                exps.append("  –  " if e is None else f"{e:5.2f}" + ("!" if e > LIMIT else " "))
                if e is not None:
                    worst = max(worst, e)
            print(f"  {stage:12}{cells}   {' '.join(exps)}")
        errors = [f"{n:,}: {t['errors']:.0f}" for n, t in rows if "errors" in t]
        if errors:
            print("  errors recorded: " + ", ".join(errors))
    print(f"\nworst exponent: {worst:.2f} (limit {LIMIT})")
    return 0 if worst <= LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
