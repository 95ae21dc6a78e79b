"""The gold set: well-formed per shared/spec/GOLD.md, built from its labelled parts."""
import importlib.util
import json

import pytest

from conftest import GOLD, SEEDS

QUALIFIERS = {"=", "~", ">", ">=", "<", "<="}


def rows(name):
    return [json.loads(line) for line in (GOLD / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()]


def test_gold_files_are_built_from_the_parts():
    spec = importlib.util.spec_from_file_location("gold_build", GOLD / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, text in module.build().items():
        assert (GOLD / f"{name}.jsonl").read_text(encoding="utf-8") == text, f"run python gold/build.py ({name})"


def test_every_seed_is_labelled_in_every_file():
    docs = {p.stem for p in SEEDS.glob("*.txt")}
    for name in ("clean", "quantities", "entities", "claims"):
        assert {r["doc"] for r in rows(name)} == docs, name


@pytest.mark.parametrize("name", ["quantities", "claims"])
def test_amounts_are_well_formed(name):
    for r in rows(name):
        assert r["qualifier"] in QUALIFIERS, r
        assert ("value" in r) != ("low" in r and "high" in r), r
        if "low" in r:
            assert r["low"] <= r["high"], r
        assert r["unit"], r


def test_claims_refer_to_labelled_quantities_and_entities():
    from collections import Counter

    quantities = Counter((r["doc"], r["text"]) for r in rows("quantities"))
    entities = {(r["doc"], r["id"]) for r in rows("entities")}
    for c in rows("claims"):
        assert (c["doc"], c["quantity"]) in quantities, c
        assert c["subject_id"] is None or (c["doc"], c["subject_id"]) in entities, c
        assert c["kind"] in {"level", "change", "share", "rank"}
        assert c["modality"] in {"actual", "target", "expected"}


def test_clean_lines_quote_the_raw_text():
    raw = {p.stem: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}
    for r in rows("clean"):
        if r["action"] == "join":
            assert len(r["left"]) >= 6 and r["left"] in raw[r["doc"]] and r["right"] in raw[r["doc"]], r
        else:
            assert r["text"] in raw[r["doc"]], r


def test_quantity_spans_occur_in_their_document():
    raw = {p.stem: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}
    for r in rows("quantities"):
        # 12.5 | 万P: a span cut by a column break is labelled joined.
        assert r["text"] in raw[r["doc"]].replace("\n\n", ""), r
