"""Boilerplate, datelines and headings: ``corpus/boilerplate.yaml`` as tests, and the
joins that what follows a line decides (rules/clean.yaml)."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipeline.process import process

CASES = yaml.safe_load((Path(__file__).parent / "corpus" / "boilerplate.yaml").read_text())["cases"]
BEFORE = "湖南省今年粮食播种面积保持稳定，农业生产形势良好。"
AFTER = "下一步，全省将继续推进乡村振兴，巩固脱贫攻坚成果。"


@pytest.mark.parametrize("case", CASES, ids=[c["text"] for c in CASES])
def test_boilerplate_corpus(case):
    text = case["text"]
    doc = process(f"{BEFORE}\n\n{text}\n\n{AFTER}\n")
    assert not doc.errors
    at = len(BEFORE) + 2  # where the line stands in the input
    drops = [d for d in doc.dropped if at <= d.raw_start and d.raw_end <= at + len(text)]
    if case["reason"] is None:
        assert not drops, drops
        assert text in doc.text
        return
    assert [d.reason for d in drops] == [case["reason"]], doc.dropped
    kept = case.get("kept")
    if kept:
        assert kept in doc.text and text not in doc.text
    else:
        assert text not in doc.text
    assert BEFORE in doc.text and AFTER in doc.text
    for dropped in drops:  # the drop's raw range is where its text stands in the input
        raw = f"{BEFORE}\n\n{text}\n\n{AFTER}\n"
        assert raw[dropped.raw_start:dropped.raw_end].strip() == dropped.text


def test_dateline_is_metadata():
    doc = process("新华社北京2024年3月5日电（记者 李四）全国两会期间，代表们热议高质量发展。\n")
    assert doc.metadata.datelines == ["新华社北京2024年3月5日电（记者 李四）"]


def test_long_headline_is_not_joined_to_the_paragraph_under_it():
    headline = "安徽合肥新能源汽车产业集群加快成长　全年整车产量突破百万辆大关"
    assert len(headline) > 30
    doc = process(f"{headline}\n新华社合肥1月5日电 安徽省合肥市新能源汽车产量去年突破百万辆。\n")
    assert doc.sections and doc.sections[0].title == headline
    assert doc.sentences[0].text == headline and doc.sentences[0].heading


def test_long_headline_before_a_date_is_not_joined():
    headline = "福建宁德锂电池出口保持较快增长　龙头企业海外订单持续增加"
    doc = process(f"{headline}\n1月5日，记者从宁德市商务局获悉，去年全市锂电池出口额大幅增长。\n")
    assert doc.sentences[0].text == headline and doc.sentences[0].heading


def test_paragraph_cut_by_a_column_break_is_still_joined():
    left = "去年全省规模以上工业增加值比上年增长百分之六点二，其中装备制造业增加值增长"
    doc = process(f"{left}\n百分之九点八，拉动作用明显。\n")
    assert doc.sentences[0].text == left + "百分之九点八，拉动作用明显。"


def test_closing_signature_and_date_are_dropped():
    body = "总之，行业仍在快速变化之中，值得持续关注。"
    doc = process(f"锂电池行业观察\n\n{body}\n\n{body.replace('总之', '可见')}\n\n山川客\n\n2023年6月1日\n")
    assert "山川客" not in doc.text
    assert {d.reason for d in doc.dropped} >= {"signature", "dateline"}
    assert "2023年6月1日" in doc.metadata.datelines


def test_short_last_heading_with_text_after_it_is_kept():
    doc = process("第一部分\n\n全市经济平稳运行。\n\n第二部分\n\n全市就业形势稳定。\n")
    assert "第二部分" in doc.text
