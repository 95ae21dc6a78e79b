"""Quantities: the corpus files under tests/corpus/ as tests (Duckling style).

- ``corpus/quantities.yaml``: sentences → every quantity mention they contain, with value
  (or low/high), canonical unit and qualifier as shared/spec/GOLD.md defines them.
- ``corpus/quantities_negative.yaml``: sentences that must yield no quantity at all.

Each corpus entry is its own test case (id = the text). Known pipeline bugs stay in the
corpus marked ``xfail: <what the pipeline does wrong>`` and run as strict xfails, so a fix
shows up as an XPASS failure until the mark is removed.

The expectations were written from GOLD.md, not from the pipeline's output.
"""
from __future__ import annotations

import os
import re
import unicodedata
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.quantities import find_quantities, resolve

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"


def _load(name: str) -> list[dict]:
    with open(CORPUS_DIR / name, encoding="utf-8") as f:
        return yaml.safe_load(f)["cases"]


# Every corpus file tests/corpus/quantities*.yaml: the negative ones name themselves so.
CORPUS_FILES = sorted(p.name for p in CORPUS_DIR.glob("quantities*.yaml"))
POSITIVE = [c for name in CORPUS_FILES if "negative" not in name for c in _load(name)]
NEGATIVE = [c for name in CORPUS_FILES if "negative" in name for c in _load(name)]
BEYOND_SEEDS = _load("quantities_beyond_seeds.yaml")
BEYOND_SEEDS_NEGATIVE = _load("quantities_beyond_seeds_negative.yaml")

# GOLD.md, "Canonical units": every unit of the table. Counts have no fixed unit (the
# classifier as written) and rates are <unit>/a: both are checked by shape below.
GOLD_MEASURE_UNITS = {
    "kW", "kWh", "CNY", "USD", "t", "km", "m2", "m3", "PFLOPS", "km/h", "°C", "MPa", "g/L",
    "s", "h", "d", "month", "a", "%", "pp", "x", "rank",
}
# Units outside GOLD.md's table that the corpus may still use (SI units the rules know,
# the ISO 4217 codes of "Text beyond the seeds", data sizes).
OTHER_MEASURE_UNITS = {"min", "GB", "HKD", "JPY", "EUR", "GBP", "KRW", "RUB", "TWD", "AUD", "CAD", "MOP", "SGD"}

QUALIFIERS = {"=", "~", ">", ">=", "<", "<="}
# Every qualifier word GOLD.md names, and the qualifier it gives.
QUALIFIER_WORDS = {
    "约": "~", "近": "~", "左右": "~", "上下": "~", "大约": "~",
    "超": ">", "超过": ">", "逾": ">", "突破": ">", "多": ">", "余": ">",
    "以上": ">=", "不低于": ">=", "至少": ">=", "上千": ">=", "上百": ">=", "上万": ">=",
    "不足": "<", "不到": "<",
    "以下": "<=", "以内": "<=", "不超过": "<=",
}
# Surface features the corpus must exercise (brief and GOLD.md): a substring of some
# expected mention text.
REQUIRED_SURFACES = [
    "三千五百万", "两千零五", "一亿零五百", "廿",  # Chinese numerals
    "1.", "万亿", "千万",  # mixed numerals
    "１", ",", "，",  # full-width digits, thousands separators
    "/3", "分之",  # fractions
    "成",  # 七成 → 70 %
    "十几", "几十", "数百", "两三", "数十",  # vague numerals
    "—", "~", "到", "至",  # ranges
    "×",  # products
    "一千瓦", "一千万千瓦",  # the 千 guard
    "兆瓦", "吉瓦", "千瓦时", "亿度", "万度", "亿元", "万亿元", "美元", "公斤", "斤", "公里", "千米",
    "米", "里", "平方米", "平方公里", "亩", "公顷", "立方米", "万P", "E", "每秒", "亿亿次", "时速",
    "℃", "MPa", "g/L", "/年", "小时", "天", "个月", "年", "秒", "%", "个百分点", "倍", "翻番", "翻两番",
    "第", "位", "名", "首位",
    "台", "家", "头", "只", "列", "个", "人次", "户", "项", "座", "种", "名", "条", "件",
]
RICH_FAMILIES = {  # family → units; at least 10 cases each
    "currency": {"CNY", "USD"},
    "power": {"kW"},
    "percent": {"%"},
}
NUMBER_STRING = re.compile(r"-?\d+(\.\d+)?(/[1-9]\d*)?")


def _norm(text: str) -> str:
    """GOLD.md scoring: NFKC, no white space."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _exact(s: str | None) -> Fraction | None:
    return None if s is None else Fraction(s)


def _expected(case: dict) -> list[tuple]:
    return sorted(
        ((_norm(e["text"]), _exact(e.get("value")), _exact(e.get("low")), _exact(e.get("high")),
          e["unit"], e["qualifier"]) for e in case["expect"]),
        key=repr,
    )


def _predicted(text: str) -> list[tuple]:
    found = []
    for match in find_quantities(text):
        r = resolve(match)
        found.append((_norm(match.text), r.value, r.low, r.high, r.unit, r.qualifier))
    return sorted(found, key=repr)


def _params(cases: list[dict]) -> list:
    return [
        pytest.param(case, id=case["text"],
                     marks=[pytest.mark.xfail(strict=True, reason=case["xfail"])] if case.get("xfail") else [])
        for case in cases
    ]


def _is_count(unit: str) -> bool:
    return unit not in GOLD_MEASURE_UNITS | OTHER_MEASURE_UNITS and "/" not in unit


def _is_compound(unit: str) -> bool:
    """<unit>/<unit> of canonical units (or a count classifier below the line: 元/人)."""
    if unit.count("/") != 1 or unit in GOLD_MEASURE_UNITS:
        return False
    top, bottom = unit.split("/")
    known = GOLD_MEASURE_UNITS | OTHER_MEASURE_UNITS
    return top in known and (bottom in known | {"a", "d", "h", "month", "s"} or _is_count(bottom))


# --------------------------------------------------------------------------- the corpus


@pytest.mark.parametrize("case", _params(POSITIVE))
def test_quantities(case):
    assert _predicted(case["text"]) == _expected(case)


@pytest.mark.parametrize("case", _params(NEGATIVE))
def test_no_quantities(case):
    assert _predicted(case["text"]) == []


# --------------------------------------------------------------------------- the corpus files themselves


def test_corpus_sizes():
    assert len(POSITIVE) >= 150
    assert len(NEGATIVE) >= 40


def test_corpus_texts_are_unique():
    for cases in (POSITIVE, NEGATIVE):
        counts = Counter(c["text"] for c in cases)
        assert [t for t, n in counts.items() if n > 1] == []


def test_corpus_entries_are_well_formed():
    for case in POSITIVE:
        assert set(case) <= {"text", "expect", "xfail"}, case["text"]
        assert isinstance(case["text"], str) and case["expect"], case["text"]
        for e in case["expect"]:
            where = f"{case['text']}: {e}"
            assert set(e) <= {"text", "value", "low", "high", "unit", "qualifier"}, where
            assert e["text"] in case["text"], where  # the span is a substring of the sentence
            assert e["qualifier"] in QUALIFIERS, where
            assert ("value" in e) != ("low" in e and "high" in e), where
            for key in ("value", "low", "high"):
                if key in e:
                    assert isinstance(e[key], str) and NUMBER_STRING.fullmatch(e[key]), where
            if "low" in e:
                assert Fraction(e["low"]) < Fraction(e["high"]), where
    for case in NEGATIVE:
        assert set(case) <= {"text", "why", "xfail"}, case["text"]
        assert case["why"], case["text"]


def test_corpus_covers_every_canonical_unit():
    units = {e["unit"] for c in POSITIVE for e in c["expect"]}
    assert GOLD_MEASURE_UNITS - units == set()
    assert any(u.endswith("/a") for u in units), "a rate <unit>/a"
    assert any(_is_count(u) for u in units), "a count"
    assert units - GOLD_MEASURE_UNITS - OTHER_MEASURE_UNITS - {u for u in units if _is_compound(u) or _is_count(u)} == set()


def test_gold_units_table_matches_this_list():
    """The unit list above is GOLD.md's table; re-read it when the spec is at hand."""
    spec = Path(os.environ.get("GOLD_SPEC", "/work/shared/spec/GOLD.md"))
    if not spec.is_file():
        pytest.skip("GOLD.md not available")
    section = spec.read_text(encoding="utf-8").split("Canonical units", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[2] for line in section.splitlines() if line.startswith("| ") and "---" not in line]
    table_units = {u for cell in rows[1:] for u in re.findall(r"`([^`]+)`", cell)}
    assert table_units == GOLD_MEASURE_UNITS | {"<unit>/a"}


def test_corpus_covers_every_qualifier():
    used = {e["qualifier"] for c in POSITIVE for e in c["expect"]}
    assert used == QUALIFIERS
    for word in QUALIFIER_WORDS:
        assert any(word in c["text"] for c in POSITIVE), word


def test_corpus_covers_required_surfaces():
    mentions = [e["text"] for c in POSITIVE for e in c["expect"]]
    missing = [s for s in REQUIRED_SURFACES if not any(s in m for m in mentions)]
    assert missing == []


def test_rich_families_have_ten_cases_each():
    def cases_with(pred):
        return sum(any(pred(e["unit"]) for e in c["expect"]) for c in POSITIVE)

    for family, units in RICH_FAMILIES.items():
        assert cases_with(lambda u: u in units) >= 10, family
    assert cases_with(_is_count) >= 10, "counts"


# --------------------------------------------------------------------------- robustness

QUANTITY_CHARS = list("0123456789０１２３４５６７８９.,，．%％—–-~～×/"
                      "零〇一二两三四五六七八九十廿百千万亿几数多余上近约超逾第位名成分之"
                      "瓦时度元吨斤米里亩方P E个台家头只列户项座种条件年月日天小秒倍番℃MPag/L")
any_text = st.one_of(
    st.text(),
    st.text(alphabet=st.one_of(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
                               st.sampled_from(QUANTITY_CHARS)), max_size=60),
    st.text(alphabet=st.sampled_from(QUANTITY_CHARS), max_size=40),
)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_text)
def test_find_quantities_never_raises(text):
    for match in find_quantities(text):
        assert text[match.start:match.end] == match.text
        r = resolve(match)
        assert r.qualifier in QUALIFIERS


def test_corpus_beyond_the_seeds_is_large_and_has_negatives():
    assert len(BEYOND_SEEDS) + len(BEYOND_SEEDS_NEGATIVE) >= 200
    assert len(BEYOND_SEEDS_NEGATIVE) >= 50


def test_every_named_guard_has_a_negative_case():
    """Each guard of rules/quantity_context.yaml is shown by a sentence it keeps out."""
    from pipeline.quantities import tables

    t = tables()
    texts = [c["text"] for c in NEGATIVE]
    for guard in t.guards.values():
        if guard.chars_before:
            assert any(any(c in text for c in guard.chars_before) for text in texts), guard.name
        if guard.units:
            assert any(any(u + c in text for u in guard.units for c in guard.chars_after) for text in texts), guard.name


# --------------------------------------------------------------------------- extraction on its own

from pipeline.quantities import QuantityMatch  # noqa: E402
from pipeline.quantity_resolution import page_yuan_currency  # noqa: E402


def _one(text: str) -> QuantityMatch:
    found = find_quantities(text)
    assert len(found) == 1, found
    return found[0]


def test_extraction_keeps_the_numeral_and_the_unit_factor_apart():
    m = _one("能耗降至1.0439吨标准煤/万元")
    assert (m.text, m.value, m.unit, m.factor) == ("1.0439吨标准煤/万元", Fraction("1.0439"), "t/CNY", Fraction(1, 10000))
    m = _one("电价为每千瓦时0.3元")
    assert (m.text, m.value, m.unit, m.factor) == ("每千瓦时0.3元", Fraction("0.3"), "CNY/kWh", 1)
    m = _one("储能容量800GWh")
    assert (m.value, m.unit, m.factor) == (800, "kWh", 10**6)


def test_extraction_marks_the_currency_of_a_bare_yuan_and_of_a_named_one():
    bare, named = find_quantities("补贴5千元，约合港币1400元")
    assert bare.page_yuan and bare.yuan_currency == "" and bare.unit == "CNY"
    assert not named.page_yuan and named.yuan_currency == "HKD" and named.text == "港币1400元"


def test_extraction_reads_traditional_text_and_keeps_its_spans():
    text = "全年糧食產量達1.3億噸，新台幣2千億元"
    found = find_quantities(text)
    assert [m.text for m in found] == ["1.3億噸", "新台幣2千億元"]
    assert all(text[m.start:m.end] == m.text for m in found)
    assert [m.unit for m in found] == ["t", "TWD"]


def test_extraction_of_a_signed_amount_starts_at_its_sign():
    m = _one("增速为−12.9%")
    assert (m.text, m.value) == ("−12.9%", Fraction("-12.9"))
    low, high = (lambda m: (m.low, m.high))(_one("气温-10℃至-5℃"))
    assert (low, high) == (-10, -5)


# --------------------------------------------------------------------------- resolution on its own


def test_resolution_applies_the_factor_exactly():
    m = QuantityMatch(0, 4, "3.5亩", Fraction(7, 2), unit="m2", factor=Fraction(2000, 3), dimension="area")
    assert resolve(m).value == Fraction(7000, 3)
    m = QuantityMatch(0, 4, "1-2亿元", None, Fraction(10**8), Fraction(2 * 10**8), unit="CNY", dimension="currency")
    r = resolve(m)
    assert (r.value, r.low, r.high) == (None, 10**8, 2 * 10**8)


def test_resolution_gives_a_bare_yuan_the_page_currency():
    bare = QuantityMatch(0, 3, "5千元", Fraction(5000), unit="CNY", dimension="currency", page_yuan=True)
    price = QuantityMatch(0, 6, "20元/平方米", Fraction(20), unit="CNY/m2", dimension="compound", page_yuan=True)
    named = QuantityMatch(0, 5, "人民币5元", Fraction(5), unit="CNY", dimension="currency", yuan_currency="CNY")
    assert resolve(bare, "TWD").unit == "TWD" and resolve(price, "TWD").unit == "TWD/m2"
    assert resolve(named, "TWD").unit == "CNY" and resolve(bare).unit == "CNY"


TAIWAN_PAGE = "行政院宣布發放振興券，每人可領新臺幣5千元，總預算約新台幣1200億元。民眾自付1千元即可領取。"
MAINLAND_PAGE_WITH_HKD = "公司在香港募资50亿港元，全年营收300亿元，净利润12亿元。"
HONG_KONG_PAGE_ABOUT_CNY = "研究指出，內地有6億人月收入低於1000元，約合人民幣1萬元的年收入，以港元計約1.1萬港元。"


def test_page_currency_rule():
    def page(text):
        return page_yuan_currency(text, [m for s in text.split("。") for m in find_quantities(s)])

    assert page(TAIWAN_PAGE) == "TWD"
    assert page(MAINLAND_PAGE_WITH_HKD) == "CNY"  # a simplified page's bare 元 is always CNY
    assert page(HONG_KONG_PAGE_ABOUT_CNY) == "CNY"  # 人民币 named as often as 港元, first named wins
    assert page("今年共發放5千元。") == "CNY"  # no currency named: CNY


def test_a_taiwan_page_counts_in_twd_through_the_stage():
    import pipeline

    doc = pipeline.process(TAIWAN_PAGE, doc_id="tw")
    assert [(q.text, q.unit) for q in doc.quantities] == [
        ("新臺幣5千元", "TWD"), ("新台幣1200億元", "TWD"), ("1千元", "TWD")]


# --------------------------------------------------------------------------- one amount fails, not the stage


def test_an_amount_beyond_floating_point_costs_that_amount_only():
    import pipeline

    huge = "一" + "亿" * 39 + "元"
    doc = pipeline.process(f"投资{huge}，增长5%。", doc_id="x")
    assert [q.text for q in doc.quantities] == ["5%"]
    assert len(doc.errors) == 1 and doc.errors[0].startswith("quantities: '一亿亿") and "OverflowError" in doc.errors[0]
    doc.model_dump_json()


@pytest.mark.parametrize("text", [
    "1-" * 497 + "1", "1至2" * 400, "1到2" * 400, "1～2" * 400, "2×" * 500 + "2",
    "1-" * 495 + "1。" + "3-" * 495 + "3", "1-" * 3000 + "1亿元", "\U000116d5025年。", "\U00011f50\U0001e4f0万元",
])
def test_hostile_amount_runs_never_fail_the_stage(text):
    import pipeline

    doc = pipeline.process(text, doc_id="x")
    assert not any(e.startswith("quantities") for e in doc.errors)
    for q in doc.quantities:
        assert q.low is None or q.low < q.high


def test_a_long_range_chain_is_read_without_recursion():
    found = find_quantities("1-" * 20000 + "2亿元")
    assert [(m.text, m.low, m.high) for m in found] == [("1-2亿元", 10**8, 2 * 10**8)]


# --------------------------------------------------------------------------- one rule for every range


@pytest.mark.parametrize("text", ["8%—6%", "8%~6%", "8%～6%", "8吨至6吨", "8吨-6吨", "8到6吨", "8至6吨", "8—6万元",
                                  "1-1亿元", "5%—5%"])
def test_a_range_whose_ends_do_not_rise_is_no_range(text):
    for m in find_quantities(text):
        assert m.low is None and m.high is None, m


# --------------------------------------------------------------------------- properties

MULTIPLIERS = {"万": 10**4, "亿": 10**8, "千万": 10**7, "百万": 10**6, "万亿": 10**12}
CHINESE_DIGITS = "一二三四五六七八九"


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 9999), st.integers(1, 9999), st.sampled_from(sorted(MULTIPLIERS)),
       st.sampled_from(["-", "—", "至", "到", "～", "~"]), st.sampled_from(["元", "吨", "人", "千瓦", "美元"]))
def test_a_range_with_a_shared_multiplier_scales_both_ends(a, b, multiplier, connector, unit):
    low, high = sorted((a, b))
    if low == high:
        return
    text = f"规模约{low}{connector}{high}{multiplier}{unit}"
    m = _one(text)
    r = resolve(m)
    scale = MULTIPLIERS[multiplier] * m.factor
    assert (r.low, r.high) == (low * scale, high * scale), text


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 8), st.sampled_from(["万", "亿", "千万"]), st.sampled_from(["到", "至"]))
def test_a_chinese_range_with_a_shared_multiplier_scales_both_ends(low, multiplier, connector):
    text = f"招收{CHINESE_DIGITS[low - 1]}{connector}{CHINESE_DIGITS[low]}{multiplier}人"
    r = resolve(_one(text))
    assert (r.low, r.high) == (low * MULTIPLIERS[multiplier], (low + 1) * MULTIPLIERS[multiplier]), text


@settings(max_examples=300, deadline=None)
@given(st.decimals(min_value="0.001", max_value="100000", places=3, allow_nan=False, allow_infinity=False),
       st.sampled_from(["-", "−", "－", "负"]), st.sampled_from(["%", "℃", "亿元", "个百分点"]))
def test_a_signed_amount_is_negative(number, sign, unit):
    written = format(number, "f")
    m = _one(f"增速为{sign}{written}{unit}")
    assert m.text == f"{sign}{written}{unit}"
    expected = -Fraction(str(number)) * (10**8 if unit == "亿元" else 1)
    assert resolve(m).value == expected
