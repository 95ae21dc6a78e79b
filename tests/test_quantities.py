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
