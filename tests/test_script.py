"""Traditional characters (pipeline/script.py): the simplified view, and every stage on
traditional pages giving what it gives on their simplified twins, with the text as written."""
from __future__ import annotations

import opencc
import pytest

from pipeline.process import process
from pipeline.script import back_table, has_traditional, restore, simplified_view

# Simplified pages written for these tests (several provinces and genres); their traditional
# twins are made by OpenCC (Taiwan and Hong Kong standards) and, for the first, by hand.
TWINS = [
    ("广东省2023年地区生产总值达到13.57万亿元，比上年增长4.8%。\n广州市社会消费品零售总额增长6.5%。\n",
     "廣東省2023年地區生產總值達到13.57萬億元，比上年增長4.8%。\n廣州市社會消費品零售總額增長6.5%。\n"),
    ("浙江省统计局发布数据显示，全省规模以上工业增加值增长6.0%，其中数字经济核心产业增长8.3%。\n", None),
    ("上海市去年新设外资企业6017家，实际使用外资240亿美元。\n", None),
    ("湖北省预计今年粮食产量将达到2750万吨左右。\n武汉市将新建保障性租赁住房10万套。\n", None),
    ("国家统计局公布，全国居民人均可支配收入39218元，比上年名义增长6.3%。\n", None),
]
CONVERTERS = [opencc.OpenCC("s2tw"), opencc.OpenCC("s2hk")]


def _twins():
    for simplified, traditional in TWINS:
        yield simplified, traditional or CONVERTERS[0].convert(simplified)
        yield simplified, CONVERTERS[1].convert(simplified)


CASES = list(_twins())


def test_view_is_one_character_for_one():
    for simplified, traditional in CASES:
        view = simplified_view(traditional)
        assert len(view) == len(traditional)
        assert view == simplified


def test_simplified_text_is_its_own_view():
    text = TWINS[0][0]
    assert not has_traditional(text)
    assert simplified_view(text) is text


def test_phrase_conversion_by_context():
    assert simplified_view("頭髮") == "头发" and simplified_view("乾隆年間") == "乾隆年间"


def test_restore_by_place_and_by_character():
    written, view = "臺灣經濟成長率", simplified_view("臺灣經濟成長率")
    assert restore("经济成长", view, written) == "經濟成長"
    assert restore("台湾省", view, written) == "台湾省"  # not in the text: as the knowledge base has it
    assert restore("台湾成长", view, written, back=back_table(view, written)) == "臺灣成長"


@pytest.mark.parametrize("simplified,traditional", CASES, ids=[t[:12] for _, t in CASES])
def test_every_stage_equals_its_simplified_twin(simplified, traditional):
    a, b = process(traditional), process(simplified)
    assert not a.errors and not b.errors
    assert a.text == traditional.strip() and b.text == simplified.strip()  # as written
    assert [s.text for s in a.sentences] == [s.text for s in a.sentences if s.text in traditional]
    assert [(s.start, s.end) for s in a.sentences] == [(s.start, s.end) for s in b.sentences]
    # quantities
    key_q = lambda q: (q.start, q.end, q.value, q.low, q.high, q.unit, q.qualifier, q.dimension)  # noqa: E731
    assert [key_q(q) for q in a.quantities] == [key_q(q) for q in b.quantities]
    assert all(q.text == traditional.replace("\n", "\n")[a.raw_offset(q.start):a.raw_offset(q.start) + len(q.text)]
               for q in a.quantities)
    assert [simplified_view(q.text) for q in a.quantities] == [q.text for q in b.quantities]
    # entities
    key_e = lambda e: (e.id, e.type, [(m.start, m.end) for m in e.mentions])  # noqa: E731
    assert sorted(map(key_e, a.entities), key=str) == sorted(map(key_e, b.entities), key=str)
    for entity in a.entities:
        assert all(m.text == a.text[m.start:m.end] for m in entity.mentions)
    # claims
    key_c = lambda c: (c.sentence, c.subject_id, c.kind, c.value, c.low, c.high, c.unit, c.qualifier,  # noqa: E731
                       c.time, c.modality, c.quantity_index)
    assert [key_c(c) for c in a.claims] == [key_c(c) for c in b.claims]
    for ca, cb in zip(a.claims, b.claims):
        assert simplified_view(ca.subject) == cb.subject or ca.subject == cb.subject
        assert simplified_view(ca.indicator) == cb.indicator
        assert simplified_view(ca.quantity) == cb.quantity and ca.quantity in traditional


def test_traditional_dateline_and_byline_are_cleaned_as_written():
    doc = process("新華社香港3月5日電（記者 陳大文）香港特區政府公布財政預算案，預計赤字為483億元。\n\n"
                  "責任編輯：李小明\n")
    assert doc.metadata.datelines == ["新華社香港3月5日電（記者 陳大文）"]
    assert doc.text == "香港特區政府公布財政預算案，預計赤字為483億元。"
    assert {d.text for d in doc.dropped} == {"新華社香港3月5日電（記者 陳大文）", "責任編輯：李小明"}
    assert [q.text for q in doc.quantities] == ["483億元"]


def test_taiwan_page_counts_bare_yuan_in_its_dollar():
    doc = process("行政院編列新台幣1600億元特別預算，其中振興券預算為1206.9億元。\n")
    assert [q.unit for q in doc.quantities] == ["TWD", "TWD"]
