"""Time expressions and the publication date: the corpus tests/corpus/times.yaml (every
expression of each sentence, its kind and value), its negative cases, and each way of
giving a date (the page's dateline or date lines, the caller's process(date=...), a JSONL
line's "date", --date), with what happens without one."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from pipeline import cli
from pipeline.process import process

CORPUS = yaml.safe_load((Path(__file__).resolve().parent / "corpus" / "times.yaml").read_text(encoding="utf-8"))


def _times(text: str, date: str | None = None):
    doc = process(text, "t", date=date)
    assert not doc.errors, doc.errors
    return [{"text": t.text, "kind": t.kind, "value": t.value} for t in doc.times]


@pytest.mark.parametrize("case", CORPUS["cases"], ids=lambda c: c["text"][:40] + (f" @{c['date']}" if c.get("date") else ""))
def test_corpus(case):
    assert _times(case["text"], case.get("date")) == case["expect"]


@pytest.mark.parametrize("text", CORPUS["negative"])
def test_negative(text):
    assert _times(text) == []


def test_corpus_size():
    assert len(CORPUS["cases"]) + len(CORPUS["negative"]) >= 150 and len(CORPUS["negative"]) >= 30


# ---------------------------------------------------------------------------- the publication date


@pytest.mark.parametrize("text, date, origin", [
    ("新华社北京2024年3月5日电（记者 王明）今年全国粮食产量稳定。", "2024-03-05", "dateline"),
    ("人民网杭州2023年9月1日电 今年以来，浙江外贸增长。", "2023-09-01", "dateline"),
    ("中央社台北2021年11月30日電 今年前三季，台灣出口總值增長三成。", "2021-11-30", "dateline"),
    ("本报讯（记者 李华）2022年6月8日讯 今年以来，全市新增企业1万户。", "2022-06-08", "dateline"),
    ("浙江外贸增长\n发布时间：2011-05-31\n今年以来，全省出口增长。", "2011-05-31", "published-line"),
    ("全省出口增长\n日期：2022年7月8日\n今年上半年，全省出口增长。", "2022-07-08", "published-line"),
    ("臺灣出口創新高\n發布時間：2021/10/12 10:30\n今年前三季，出口增長。", "2021-10-12", "published-line"),
    ("全省出口增长\n来源：某某日报 2020-04-03\n今年一季度，出口下降。", "2020-04-03", "published-line"),
    ("# 全市经济运行平稳\n2019年8月20日\n今年上半年，全市经济运行平稳。", "2019-08-20", "under-title"),
    ("今年上半年，全市经济运行平稳，就业形势总体稳定。\n\n（2018年7月30日）", "2018-07-30", "end"),
])
def test_date_from_the_page(text, date, origin):
    doc = process(text, "d")
    assert (doc.metadata.date, doc.metadata.date_origin) == (date, origin)


def test_date_from_the_page_resolves_this_year():
    doc = process("全省出口增长\n发布时间：2011-05-31\n今年一季度，全省出口增长5%。", "d")
    assert [t.value for t in doc.times if t.text == "今年一季度"] == ["2011-01/2011-03"]
    assert [c.time for c in doc.claims] == ["2011-01/2011-03"]


def test_date_from_the_caller_wins_over_the_page():
    doc = process("发布时间：2011-05-31\n今年，全省出口增长5%。", "d", date="2024-03-05")
    assert (doc.metadata.date, doc.metadata.date_origin) == ("2024-03-05", "caller")
    assert [c.time for c in doc.claims] == ["2024"]


def test_without_a_date_this_year_stays_null():
    doc = process("今年，全省出口增长5%。去年，全省进口下降3%。", "d")
    assert doc.metadata.date is None and doc.metadata.date_origin is None
    assert [c.time for c in doc.claims] == [None, None]


def test_a_date_in_front_matter_is_not_visible_text():
    doc = process('---\ntitle: "出口"\ndate: "2021-09-09"\n---\n\n今年，全省出口增长5%。', "d")
    assert doc.metadata.date_origin not in ("published-line", "under-title", "end")
    assert [t.value for t in doc.times if t.text == "今年"] == [None]


@pytest.mark.parametrize("bad", ["2024-13-01", "20240305", "yesterday", "2024-02-30", ""])
def test_an_invalid_caller_date_is_a_usage_error(bad):
    with pytest.raises(ValueError, match=repr(bad).strip("'") or "not a date"):
        process("今年，全省出口增长5%。", "d", date=bad)


def test_jsonl_date_field(tmp_path, capsys):
    path = tmp_path / "in.jsonl"
    lines = [{"id": "a", "text": "今年一季度，全省出口增长5%。", "date": "2023-04-20"},
             {"id": "b", "text": "今年一季度，全省出口增长5%。", "date": "2023/04/20"},
             {"id": "c", "text": "今年一季度，全省出口增长5%。"}]
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    cli.main([str(path), "-o", str(out), "--workers", "1", "--date", "2022-01-05"])
    docs = {d["id"]: d for d in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert docs["a"]["metadata"]["date"] == "2023-04-20" and docs["a"]["claims"][0]["time"] == "2023-01/2023-03"
    assert "'date' not a date" in docs["b"]["errors"][0]  # the line's own mistake, named
    assert docs["c"]["metadata"]["date_origin"] == "caller" and docs["c"]["claims"][0]["time"] == "2022-01/2022-03"


def test_cli_date_option_rejects_a_non_date(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["x.txt", "--date", "2024-3-5"])
    assert exit_.value.code == 2 and "2024-3-5" in capsys.readouterr().err


def test_schema_shows_times_and_date_origin(capsys):
    assert cli.main(["--schema"]) == 0
    schema = capsys.readouterr().out
    assert '"times"' in schema and '"date_origin"' in schema and '"TimeExpression"' in schema


# ---------------------------------------------------------------------------- claims' times (GOLD.md, Time)


@pytest.mark.parametrize("text, date, expected", [
    # a comparison base never dates the claim
    ("2024年，全省粮食产量比2016年全年增长5%。", None, [("5%", "2024")]),
    ("2024年，河北钢材出口较2019年增长12%。", None, [("12%", "2024")]),
    # a year-end stock and the flows of its paragraph
    ("2014年末，全市生猪存栏100万头。全年猪肉产量8万吨，生猪出栏150万头。", None,
     [("100万头", "2014-12"), ("8万吨", "2014"), ("150万头", "2014")]),
    # streaks: start/end, or the sentence's date
    ("从2005年开始连续5年，该市财政收入保持增长。", None, [("5年", "2005/2009")]),
    ("山东2021年粮食总产量连续8年稳定在千亿斤以上。", None, [("8年", "2021"), ("千亿斤", "2021")]),
    # an average over a window gives no claim about the window
    ("2024年，全省规上工业增加值两年平均增长5.9%。", None, [("5.9%", "2024")]),
    # present words: null unless the sentence dates them
    ("2023年，全省粮食产量增长。目前，全省建成高标准农田500万亩。", None, [("500万亩", None)]),
    ("2023年，全市养老服务加快发展。全市现有养老机构100家。", None, [("100家", None)]),
    # a dateline's date is the publication date, not the first figure's time
    ("新华社北京2024年3月5日电 全国粮食产量达到6.9亿吨。", None, [("6.9亿吨", None)]),
    ("新华社北京2024年3月5日电 去年全国粮食产量达到6.9亿吨。", None, [("6.9亿吨", "2023")]),
    # periods without a year: the sentence's, the paragraph's, the heading's, the caller's
    ("2024年，福建经济稳中向好。一季度，全省地区生产总值增长5%。", None, [("5%", "2024-01/2024-03")]),
    ("# 2022年经济运行情况\n\n前三季度，全区生产总值增长3%。", None, [("3%", "2022-01/2022-09")]),
    ("上半年，全省出口增长3%。", "2023-07-20", [("3%", "2023-01/2023-06")]),
    ("上半年，全省出口增长3%。", None, [("3%", None)]),
    # a from–to pair dates its own two figures only
    ("城镇化率从2020年的53%提升到2025年的58%。", None, [("53%", "2020"), ("58%", "2025")]),
    # … the items of an enumeration share the pair's years, and so does an undated pair after it
    ("城乡低保标准分别从2020年的600元/月、5000元/年提高到2025年的750元/月、6800元/年。", None,
     [("600元/月", "2020"), ("5000元/年", "2020"), ("750元/月", "2025"), ("6800元/年", "2025")]),
    ("城镇化率从2020年的53%提升到2025年的58%，森林覆盖率从60%提高到63%。", None,
     [("53%", "2020"), ("58%", "2025"), ("60%", "2020"), ("63%", "2025")]),
    ("2024年，全省工业增加值增长6%，从业人员从120万人增加到130万人。", None,
     [("6%", "2024"), ("120万人", "2024"), ("130万人", "2024")]),
    # a duration that measures something is a claim (平均受教育年限), dated like any other
    ("青海省劳动年龄人口平均受教育年限从2020年的9.1年提升至2025年的9.9年。", None, [("9.1年", "2020"), ("9.9年", "2025")]),
    # an open window ahead: no year carries into it
    ("2024年，全省新增就业50万人。今后五年，全省将新增就业300万人。", None, [("50万人", "2024"), ("300万人", None)]),
])
def test_claim_times(text, date, expected):
    doc = process(text, "c", date=date)
    assert [(c.quantity, c.time) for c in doc.claims] == expected


def test_a_malformed_time_rule_names_its_file_and_line(tmp_path):
    import shutil
    import subprocess
    import sys

    from conftest import ROOT

    copy = tmp_path / "project"
    shutil.copytree(ROOT / "pipeline", copy / "pipeline")
    shutil.copytree(ROOT / "rules", copy / "rules")
    path = copy / "rules" / "times.yaml"
    text = path.read_text(encoding="utf-8")
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "kind: streak" in l)
    path.write_text(text.replace("kind: streak", "kind: strek", 1), encoding="utf-8")
    page = tmp_path / "p.txt"
    page.write_text("2024年，全省粮食增产。", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "pipeline", str(page)], cwd=copy, capture_output=True, text=True)
    assert result.returncode == 2 and result.stdout == ""
    assert f"times.yaml:{line}" in result.stderr and "Traceback" not in result.stderr


# ---------------------------------------------------------------------------- the fast search


def _both_searches(text: str):
    import dataclasses

    from pipeline import times

    c = times._compiled()
    assert c.fast is not None  # (the rules hold nothing the standard library's engine reads otherwise)
    slow = dataclasses.replace(c, fast=None)

    def found(compiled):
        return [_read(times, compiled, match, fast_groups) for match, fast_groups in times._matches(compiled, text)]

    return found(c), found(slow)


def _read(times, c, match, fast_groups):
    last = match.lastgroup or ""
    index = int(last[1:]) if last in c.rule_groups else next(
        i for i in range(len(c.expressions)) if match.group(f"r{i}") is not None)
    if fast_groups is None:
        groups = {k: v for k in c.rule_names[index] if (v := match.group(k)) is not None}
    else:
        groups = times._named_groups(match, fast_groups[index], c.rule_names[index])
    return (*match.span(), index, groups)


@pytest.mark.parametrize("text", [
    "\n".join(case["text"] for case in CORPUS["cases"]),
    "\n".join(CORPUS["negative"]),
    # regex's digits that Python's Unicode does not know (U+11F50 …), beyond the plane: regex runs
    "2024年一季度，\U00011f50\U00011f51年增长5%。𠀀2023年末",
    "٢٠٢٤年 ２０２４年 2024　年 2024\x1c年 2023年3月\u3000至2024年5月 二〇二四年 Q3 2024 2024/25财年",
])
def test_the_fast_search_finds_what_regex_finds(text):
    fast, slow = _both_searches(text)
    assert fast == slow and slow


@pytest.mark.parametrize("pattern", [r"\w+年", r"(?i)q[1-4]", r"(?>20\d\d)年", r"(?:2024年){e<=1}", r"[[a-z]]年",
                                     r"(?<y>\d{4})年", r"(?P=y)", r"\p{Latin}年", r"[]年]"])
def test_syntax_the_fast_search_does_not_translate(pattern):
    from pipeline import bmp_regex

    assert bmp_regex.for_re(pattern, "g") is None


def test_the_fast_search_reads_classes_as_regex_does():
    import re

    from pipeline import bmp_regex

    translated, names = bmp_regex.for_re(r"(?P<y>\d{4})\s?年(?P<y>\p{Han})", "g")
    assert names == ["y", "y"] and "(?P<g0>" in translated and "(?P<g1>" in translated
    search = re.compile(translated)
    assert search.fullmatch("2024\u3000年中") and search.fullmatch("2024年中")
    assert not search.fullmatch("2024\x1c年中")  # (\x1c is a space to the standard library, not to regex)
    assert not search.fullmatch("2024年a")


def test_the_fast_publication_dates_find_what_regex_finds():
    from pipeline import times

    texts = ["新华社北京2024年3月5日电（记者 王明）", "发布时间：2011-05-31\n今年", "發布時間：2021/10/12 10:30",
             "来源：某某日报 2020-04-03", "日期：\n2022年7月8日", "时间：" + "很" * 31 + "2022年7月8日", "2024年13月5日电"]
    for slow, fast, _ in times._compiled().publication_dates:
        assert fast is not None
        for text in texts:
            a, b = slow.search(text), fast.search(text)
            assert (a and (a.span(), a.groupdict())) == (b and (b.span(), b.groupdict()))


def test_the_publication_dates_searched_near_their_words_find_what_the_whole_search_finds():
    from pipeline import bmp_regex, time_search, times

    c = times._compiled()
    assert all(c.publication_date_stretches)  # (each pattern holds a run of words and looks only at its match)
    assert sorted(bmp_regex.literal_runs(r"(?:发布时间|时间|日期)[:：]?\d")[0]) == ["日期", "时间"]
    assert bmp_regex.widest_match(r"(?<!\d)20\d\d") is None and bmp_regex.widest_match("a[^b]{0,30}?c") == 32
    filler = "增长" * 20 + "\n"
    texts = ["新华社北京2024年3月5日电（记者 王明）", "发布时间：2011-05-31\n今年", "發布時間：2021/10/12 10:30",
             "时间时间：2022年7月8日", "日期日期" + "很" * 28 + "2022年7月8日", "时间：" + "很" * 30 + "2022年7月8日",
             "时间：" + "很" * 31 + "2022年7月8日", filler + "来源：某某日报 2020-04-03" + filler, "来源" + filler * 3 + "日期：2020-4-3",
             "2024年13月5日电，2024年3月5日电", "日期：2024年2月30日 时间：2024年3月1日", filler * 2]
    for (slow, fast, _), stretches in zip(c.publication_dates, c.publication_date_stretches):
        for text in texts:
            for at in range(len(text) + 1):  # (each stretch's edges at every place of the text)
                whole, near = fast.search(text, at), time_search.search_stretches(fast, stretches, text[at:])
                assert (whole and (whole.start() - at, whole.groupdict())) == (near and (near.start(), near.groupdict()))
