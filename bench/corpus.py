"""A deterministic benchmark corpus built from the seeds: sentences shuffled with a fixed seed."""
from __future__ import annotations

import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def seed_sentences() -> list[str]:
    import pipeline

    out: list[str] = []
    for doc in pipeline.process_files([ROOT / "seeds"]):
        out.extend(s.text for s in doc.sentences)
    return out


def build_sentences(min_bytes: int, seed: int = 20261121) -> list[str]:
    """Shuffled copies of the seed sentences until they hold ``min_bytes`` of UTF-8."""
    base = seed_sentences()
    rng = random.Random(seed)
    out: list[str] = []
    size = 0
    while size < min_bytes:
        batch = base[:]
        rng.shuffle(batch)
        for sentence in batch:
            out.append(sentence)
            size += len(sentence.encode("utf-8"))
    return out


def build_documents(min_bytes: int, sentences_per_paragraph: int = 4, paragraphs_per_doc: int = 30,
                    seed: int = 20261121) -> list[str]:
    """Pages of shuffled paragraphs (for the full-pipeline benchmark)."""
    sentences = build_sentences(min_bytes, seed)
    docs, paragraph, paragraphs = [], [], []
    for sentence in sentences:
        paragraph.append(sentence)
        if len(paragraph) == sentences_per_paragraph:
            paragraphs.append("".join(paragraph))
            paragraph = []
            if len(paragraphs) == paragraphs_per_doc:
                docs.append("\n\n".join(paragraphs) + "\n")
                paragraphs = []
    if paragraphs:
        docs.append("\n\n".join(paragraphs) + "\n")
    return docs
