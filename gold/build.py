"""Concatenate the hand-labelled parts (gold/parts/<doc>/<file>.jsonl) into gold/<file>.jsonl.

The parts are the labelled source; the top-level files are generated from them and a test
(tests/test_gold.py) checks they are up to date. Run: python gold/build.py
"""
from __future__ import annotations

from pathlib import Path

GOLD = Path(__file__).resolve().parent
FILES = ("clean", "quantities", "entities", "claims")


def build() -> dict[str, str]:
    out = {}
    for name in FILES:
        lines = []
        for part in sorted((GOLD / "parts").glob(f"*/{name}.jsonl")):
            lines += [line for line in part.read_text(encoding="utf-8").splitlines() if line.strip()]
        out[name] = "".join(line + "\n" for line in lines)
    return out


if __name__ == "__main__":
    for name, text in build().items():
        (GOLD / f"{name}.jsonl").write_text(text, encoding="utf-8")
        print(f"gold/{name}.jsonl: {text.count(chr(10))} lines")
