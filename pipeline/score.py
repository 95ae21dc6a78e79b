"""Score a prediction folder against a gold folder, per docs/gold-format.md.

    python -m pipeline.score PRED_DIR --gold gold/ [--json] [--min-f1 quantities=0.97 ...]

Both folders hold the gold-format files (clean.jsonl in the gold folder; sentences,
quantities, entities and claims in both). Everything is content-based: strings are
NFKC-normalised and white space removed before comparison. Every figure is reported per
document and micro-averaged.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

STAGES = ("clean", "quantities", "normalisation", "entities", "claims_strict", "claims_lenient",
          "kind", "subject", "modality", "time", "indicator")


def norm(text) -> str:
    if text is None:
        return ""
    return "".join(ch for ch in unicodedata.normalize("NFKC", str(text)) if not ch.isspace())


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise SystemExit(f"{path}:{number}: not valid JSON ({exc.msg})") from None
    return rows


@dataclass
class Counts:
    """Matched / predicted / gold counts, plus right/checked for accuracies."""

    tp: int = 0
    pred: int = 0
    gold: int = 0
    right: Counter = field(default_factory=Counter)
    checked: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.pred += other.pred
        self.gold += other.gold
        self.right.update(other.right)
        self.checked += other.checked

    @property
    def precision(self) -> float:
        return self.tp / self.pred if self.pred else (1.0 if not self.gold else 0.0)

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else (1.0 if not self.pred else 0.0)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def accuracy(self, key: str) -> float:
        return self.right[key] / self.checked if self.checked else 1.0


def _close(a, b, unit: str) -> bool:
    if a is None or b is None:
        return a is None and b is None
    a, b = float(a), float(b)
    if norm(unit) == "%":
        return abs(a - b) <= 0.01
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-12)


def same_amount(p: dict, g: dict) -> bool:
    unit = norm(g.get("unit"))
    if norm(p.get("unit")) != unit:
        return False
    if g.get("value") is not None:
        return _close(p.get("value"), g.get("value"), unit)
    return _close(p.get("low"), g.get("low"), unit) and _close(p.get("high"), g.get("high"), unit)


def indicator_right(p, g) -> bool:
    a, b = norm(p), norm(g)
    if not a or not b:
        return a == b
    shared = sum((Counter(a) & Counter(b)).values())
    return shared >= min(len(a), len(b)) / 2


def _pair(preds: list[dict], golds: list[dict], score) -> list[tuple[dict, dict]]:
    """Greedy best pairing within one key group (a multiset match)."""
    candidates = sorted(((score(p, g), i, j) for i, p in enumerate(preds) for j, g in enumerate(golds)),
                        key=lambda t: (-t[0], t[1], t[2]))
    used_p, used_g, pairs = set(), set(), []
    for _, i, j in candidates:
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            pairs.append((preds[i], golds[j]))
    return pairs


def _group(rows: list[dict], key) -> dict:
    groups: dict = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    return groups


def score_clean(sentences: list[dict], gold: list[dict]) -> tuple[dict[str, Counts], list[dict]]:
    by_doc = {row["doc"]: [norm(s) for s in row.get("sentences", [])] for row in sentences}
    counts: dict[str, Counts] = defaultdict(Counts)
    misses = []
    for line in gold:
        doc_sentences = by_doc.get(line["doc"], [])
        action = line["action"]
        if action == "join":
            needle = norm(line["left"]) + norm(line["right"])
            ok = any(needle in s for s in doc_sentences)
        elif action == "drop_duplicate":
            needle = norm(line["text"])
            ok = sum(needle in s for s in doc_sentences) == 1
        else:
            needle = norm(line["text"])
            ok = not any(needle in s for s in doc_sentences)
        c = counts[line["doc"]]
        c.gold += 1
        c.checked += 1
        c.tp += ok
        c.right[action] += ok
        c.right[f"{action}_total"] += 1
        if not ok:
            misses.append(line)
    return counts, misses


def score_quantities(pred: list[dict], gold: list[dict]):
    counts: dict[str, Counts] = defaultdict(Counts)
    errors = {"missed": [], "spurious": [], "wrong": []}
    key = lambda r: (r["doc"], norm(r["text"]))  # noqa: E731
    pg, gg = _group(pred, key), _group(gold, key)
    for k in sorted(set(pg) | set(gg)):  # sorted: error lists in the same order on every run
        ps, gs = pg.get(k, []), gg.get(k, [])
        c = counts[k[0]]
        c.pred += len(ps)
        c.gold += len(gs)
        right = lambda p, g: same_amount(p, g) and norm(p.get("qualifier")) == norm(g.get("qualifier"))  # noqa: E731
        pairs = _pair(ps, gs, lambda p, g: int(right(p, g)))
        c.tp += len(pairs)
        c.checked += len(pairs)
        for p, g in pairs:
            ok = right(p, g)
            c.right["normalisation"] += ok
            if not ok:
                errors["wrong"].append({"pred": p, "gold": g})
        errors["missed"].extend(g for g in gs if all(g is not gold for _, gold in pairs))
        errors["spurious"].extend(p for p in ps if all(p is not pred for pred, _ in pairs))
    return counts, errors


def score_entities(pred: list[dict], gold: list[dict]):
    counts: dict[str, Counts] = defaultdict(Counts)
    ps = {(r["doc"], norm(r["id"])) for r in pred if r.get("id")}
    gs = {(r["doc"], norm(r["id"])) for r in gold if r.get("id")}
    for doc, _ in ps | gs:
        counts[doc]
    for doc, _ in ps:
        counts[doc].pred += 1
    for doc, _ in gs:
        counts[doc].gold += 1
    for doc, _ in ps & gs:
        counts[doc].tp += 1
    return counts, {"missed": sorted(gs - ps), "spurious": sorted(ps - gs)}


def subject_right(p: dict, g: dict) -> bool:
    """The same subject: equal ``subject_id``, or equal ``subject`` text (GOLD.md, strict)."""
    if g.get("subject_id") or p.get("subject_id"):
        return norm(p.get("subject_id")) == norm(g.get("subject_id")) or norm(p.get("subject")) == norm(g.get("subject"))
    return norm(p.get("subject")) == norm(g.get("subject"))


def claim_strict(p: dict, g: dict) -> bool:
    return subject_right(p, g) and same_amount(p, g) and norm(p.get("time")) == norm(g.get("time"))


def score_claims(pred: list[dict], gold: list[dict]):
    lenient: dict[str, Counts] = defaultdict(Counts)
    strict: dict[str, Counts] = defaultdict(Counts)
    errors = {"missed": [], "spurious": [], "not_strict": []}
    key = lambda r: (r["doc"], norm(r["quantity"]))  # noqa: E731
    pg, gg = _group(pred, key), _group(gold, key)

    def attributes(p, g):
        return {"kind": norm(p.get("kind")) == norm(g.get("kind")),
                "subject": subject_right(p, g),
                "modality": norm(p.get("modality")) == norm(g.get("modality")),
                "time": norm(p.get("time")) == norm(g.get("time")),
                "indicator": indicator_right(p.get("indicator"), g.get("indicator"))}

    for k in sorted(set(pg) | set(gg)):  # sorted: error lists in the same order on every run
        ps, gs = pg.get(k, []), gg.get(k, [])
        doc = k[0]
        for c in (lenient[doc], strict[doc]):
            c.pred += len(ps)
            c.gold += len(gs)
        pairs = _pair(ps, gs, lambda p, g: 10 * claim_strict(p, g) + sum(attributes(p, g).values()))
        lenient[doc].tp += len(pairs)
        lenient[doc].checked += len(pairs)
        for p, g in pairs:
            for name, ok in attributes(p, g).items():
                lenient[doc].right[name] += ok
            if claim_strict(p, g):
                strict[doc].tp += 1
            else:
                errors["not_strict"].append({"pred": p, "gold": g})
        errors["missed"].extend(g for g in gs if all(g is not gold for _, gold in pairs))
        errors["spurious"].extend(p for p in ps if all(p is not pred for pred, _ in pairs))
    return strict, lenient, errors


def _micro(counts: dict[str, Counts]) -> Counts:
    total = Counts()
    for c in counts.values():
        total.add(c)
    return total


def evaluate(pred_dir: Path, gold_dir: Path) -> dict:
    """All stages' figures, per document and micro-averaged, plus the error lists."""
    gold_clean = read_jsonl(gold_dir / "clean.jsonl")
    clean, clean_misses = score_clean(read_jsonl(pred_dir / "sentences.jsonl"), gold_clean)
    quantities, q_errors = score_quantities(read_jsonl(pred_dir / "quantities.jsonl"),
                                            read_jsonl(gold_dir / "quantities.jsonl"))
    entities, e_errors = score_entities(read_jsonl(pred_dir / "entities.jsonl"),
                                        read_jsonl(gold_dir / "entities.jsonl"))
    strict, lenient, c_errors = score_claims(read_jsonl(pred_dir / "claims.jsonl"),
                                             read_jsonl(gold_dir / "claims.jsonl"))
    docs = sorted(set(clean) | set(quantities) | set(entities) | set(strict))

    def figures(c: dict[str, Counts], doc: str | None) -> Counts:
        return _micro(c) if doc is None else c.get(doc, Counts())

    table = {}
    for doc in [*docs, None]:
        cl, q, e, s, le = (figures(x, doc) for x in (clean, quantities, entities, strict, lenient))
        table[doc or "ALL"] = {
            "clean": cl.tp / cl.gold if cl.gold else 1.0,
            "clean_by_action": {a: f"{cl.right[a]}/{cl.right[a + '_total']}" for a in
                                ("join", "drop_duplicate", "drop_boilerplate") if cl.right[a + "_total"]},
            "quantities": {"precision": q.precision, "recall": q.recall, "f1": q.f1,
                           "normalisation": q.accuracy("normalisation"), "matched": q.tp,
                           "pred": q.pred, "gold": q.gold},
            "entities": {"precision": e.precision, "recall": e.recall, "f1": e.f1, "matched": e.tp,
                         "pred": e.pred, "gold": e.gold},
            "claims_strict": {"precision": s.precision, "recall": s.recall, "f1": s.f1, "matched": s.tp},
            "claims_lenient": {"precision": le.precision, "recall": le.recall, "f1": le.f1,
                               "matched": le.tp, "pred": le.pred, "gold": le.gold,
                               **{a: le.accuracy(a) for a in ("kind", "subject", "modality", "time", "indicator")}},
        }
    return {"table": table, "errors": {"clean": clean_misses, "quantities": q_errors,
                                       "entities": e_errors, "claims": c_errors}}


def metric(table_row: dict, stage: str) -> float:
    return {
        "clean": table_row["clean"],
        "quantities": table_row["quantities"]["f1"],
        "normalisation": table_row["quantities"]["normalisation"],
        "entities": table_row["entities"]["f1"],
        "claims_strict": table_row["claims_strict"]["f1"],
        "claims_lenient": table_row["claims_lenient"]["f1"],
        "kind": table_row["claims_lenient"]["kind"],
        "subject": table_row["claims_lenient"]["subject"],
        "modality": table_row["claims_lenient"]["modality"],
        "time": table_row["claims_lenient"]["time"],
        "indicator": table_row["claims_lenient"]["indicator"],
    }[stage]


def render(table: dict) -> str:
    header = (f"{'document':24} {'clean':>6} | {'qty P':>6} {'R':>6} {'F1':>6} {'norm':>6} | "
              f"{'ent P':>6} {'R':>6} {'F1':>6} | {'clm-S F1':>8} {'clm-L F1':>8} {'kind':>5} {'subj':>5} "
              f"{'mod':>5} {'time':>5} {'ind':>5}")
    lines = [header, "-" * len(header)]
    for doc, row in table.items():
        q, e, s, le = row["quantities"], row["entities"], row["claims_strict"], row["claims_lenient"]
        if doc == "ALL":
            lines.append("-" * len(header))
        lines.append(
            f"{doc[:24]:24} {row['clean']:6.3f} | {q['precision']:6.3f} {q['recall']:6.3f} {q['f1']:6.3f} "
            f"{q['normalisation']:6.3f} | {e['precision']:6.3f} {e['recall']:6.3f} {e['f1']:6.3f} | "
            f"{s['f1']:8.3f} {le['f1']:8.3f} {le['kind']:5.2f} {le['subject']:5.2f} {le['modality']:5.2f} {le['time']:5.2f} "
            f"{le['indicator']:5.2f}")
    total = table["ALL"]
    lines.append("")
    lines.append("clean by action: " + ", ".join(f"{a} {v}" for a, v in total["clean_by_action"].items()))
    lines.append(f"quantities: {total['quantities']['matched']} matched of {total['quantities']['pred']} "
                 f"predicted, {total['quantities']['gold']} gold; entities: {total['entities']['matched']} "
                 f"of {total['entities']['pred']} / {total['entities']['gold']}; claims: "
                 f"{total['claims_lenient']['matched']} of {total['claims_lenient']['pred']} / "
                 f"{total['claims_lenient']['gold']} (lenient), {total['claims_strict']['matched']} strict")
    return "\n".join(lines)


def parse_thresholds(items: list[str]) -> dict[str, float]:
    thresholds = {}
    for item in items:
        stage, _, value = item.partition("=")
        if stage not in STAGES or not value:
            raise SystemExit(f"error: --min-f1 {item!r}: expected STAGE=X with STAGE one of {', '.join(STAGES)}")
        thresholds[stage] = float(value)
    return thresholds


def load_thresholds(path: Path) -> dict[str, float]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return parse_thresholds([f"{k}={v}" for k, v in data.items() if not k.startswith("_")])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline.score",
        description="Score predictions (python -m pipeline INPUT --emit gold -o DIR) against a gold "
        "folder in the format of docs/gold-format.md.",
        epilog="example: python -m pipeline.score pred/ --gold gold/ --min-f1 quantities=0.97 "
        "--min-f1 claims_strict=0.8\nstages: " + ", ".join(STAGES),
    )
    parser.add_argument("pred", type=Path, help="folder with sentences/quantities/entities/claims.jsonl")
    parser.add_argument("--gold", type=Path, default=Path("gold"), help="gold folder (default: gold/)")
    parser.add_argument("--json", action="store_true", help="print all figures and error lists as JSON")
    parser.add_argument("--errors", action="store_true", help="also list misses and false positives")
    parser.add_argument("--min-f1", action="append", default=[], metavar="STAGE=X",
                        help="exit 1 when the micro-averaged figure of STAGE is below X (repeatable)")
    parser.add_argument("--thresholds", type=Path, metavar="FILE",
                        help="a JSON file of STAGE: X thresholds (gold/thresholds.json), as --min-f1")
    args = parser.parse_args(argv)
    for folder in (args.pred, args.gold):
        if not folder.is_dir():
            parser.error(f"{folder}: not a folder")
    thresholds = load_thresholds(args.thresholds) if args.thresholds else {}
    thresholds.update(parse_thresholds(args.min_f1))
    result = evaluate(args.pred, args.gold)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1, default=str))
    else:
        print(render(result["table"]))
        if args.errors:
            print(json.dumps(result["errors"], ensure_ascii=False, indent=1, default=str))
    failed = [(s, metric(result["table"]["ALL"], s), x) for s, x in thresholds.items()
              if metric(result["table"]["ALL"], s) < x]
    for stage, value, threshold in failed:
        print(f"FAIL {stage}: {value:.4f} < {threshold}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
