"""Entities on pages beyond the seeds (tests/corpus/entities_beyond_seeds.yaml): every
province down to a county, short forms and their traps, shared division names decided by
the page or left without an id, official names of bodies, page-local short forms, persons
and what is no person. Sentences written for these tests."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipeline import process

CORPUS = Path(__file__).parent / "corpus" / "entities_beyond_seeds.yaml"
CASES = [(group, case) for group, cases in yaml.safe_load(CORPUS.read_text(encoding="utf-8")).items()
         for case in cases]


@pytest.mark.parametrize("group,case", CASES, ids=[f"{g}-{i}" for i, (g, _) in enumerate(CASES)])
def test_entities(group, case):
    doc = process(case["text"])
    assert not doc.errors
    ids = {e.id for e in doc.entities}
    for entity_id in case.get("ids", []):
        assert entity_id in ids, f"{entity_id} missing; found {sorted(map(str, ids))}"
    for entity_id in case.get("absent", []):
        assert entity_id not in ids, f"{entity_id} should not be linked"
    mentioned = {m.text for e in doc.entities for m in e.mentions}
    for surface in case.get("no_mention", []):
        assert surface not in mentioned, f"{surface} is no mention here"
    unlinked = {m.text for e in doc.entities if e.id is None for m in e.mentions}
    for surface in case.get("null", []):
        assert surface in unlinked, f"{surface} must be a mention without an id"
    for entity_id, count in case.get("mentions", {}).items():
        entity = next(e for e in doc.entities if e.id == entity_id)
        assert len(entity.mentions) == count


def test_every_province_has_a_county_case():
    """One county-level division at least of every provincial-level division in the
    corpus (Hong Kong, Macao and Taiwan have one code each)."""
    from pipeline.kb import knowledge_base

    kb = knowledge_base()
    provinces = {e.id[4:6] for e in kb.entries.values() if e.id.startswith("adm:") and e.level == "province"}
    counties = {i[4:6] for _, case in CASES for i in case.get("ids", [])
                if i.startswith("adm:") and kb.get(i) and kb.get(i).level == "county"}
    assert provinces - counties <= {"71", "81", "82"}
