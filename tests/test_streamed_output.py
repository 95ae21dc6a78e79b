"""A document's JSON line written in parts (pipeline/emit.py): the parts join to the same
bytes as the whole line, and a failure while producing them leaves no cut record."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import emit, process

PAGE = ("2024年，广东省地区生产总值达到14万亿元，增长3.5%。\n"
        "台灣行政院今通過特別預算案，編列新台幣800億元。\n"
        "全省新增就业120万人，城镇调查失业率为5.1%。\n")


@pytest.mark.parametrize("items_per_part", [1000, 2, 1])
def test_parts_join_to_the_whole_line(monkeypatch, items_per_part):
    monkeypatch.setattr(emit, "ITEMS_PER_PART", items_per_part)  # lists cut into many parts, and not
    doc = process(PAGE * 3, doc_id="p")
    assert b"".join(emit.document_json_parts(doc)) == emit.document_json(doc)


def test_a_seed_page_streams_the_same_bytes():
    seed = sorted(Path(__file__).resolve().parent.parent.joinpath("seeds").glob("*"))[0]
    doc = process(seed.read_text(encoding="utf-8"), doc_id=seed.stem)
    assert b"".join(emit.document_json_parts(doc)) == emit.document_json(doc)


def test_a_failure_while_producing_parts_leaves_the_file_at_its_last_record(tmp_path):
    path = tmp_path / "out.jsonl"
    with open(path, "wb") as handle:
        records = emit.RecordFile(handle, path)
        records.write(b'{"id":"first"}\n')

        def failing():
            yield b'{"id":"second",'
            raise RuntimeError("serialisation failed")

        with pytest.raises(RuntimeError):
            records.write(failing())
        records.write(b'{"id":"error record"}\n')
    assert path.read_bytes() == b'{"id":"first"}\n{"id":"error record"}\n'
