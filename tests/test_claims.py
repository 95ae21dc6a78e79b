"""Claims on sentences written for the tests (none from seeds/)."""
import pytest

import pipeline
from pipeline import claims as claims_module
from pipeline.times import year_in_text
from pipeline.bmp_regex import characters_every_match_holds


def claims(text: str):
    return pipeline.process(text, doc_id="t").claims


def one(text: str, quantity: str):
    found = [c for c in claims(text) if c.quantity == quantity]
    assert len(found) == 1, [(c.quantity, c.subject) for c in claims(text)]
    return found[0]


# (sentence, quantity, subject_id, kind, value, time, modality)
CASES = [
    # levels with explicit subjects and times
    ("2023年，赤峰市地区生产总值达到2200亿元。", "2200亿元", "adm:150400", "level", 2.2e11, "2023", "actual"),
    ("2024年，鄂尔多斯市原煤产量达8.6亿吨。", "8.6亿吨", "adm:150600", "level", 8.6e8, "2024", "actual"),
    ("截至2024年底，包头市新能源装机达到1500万千瓦。", "1500万千瓦", "adm:150200", "level", 1.5e7, "2024-12", "actual"),
    ("2025年1至9月，通辽市社会消费品零售总额为520亿元。", "520亿元", "adm:150500", "level", 5.2e10, "2025-01/2025-09", "actual"),
    ("“十四五”期间，呼和浩特累计新建5G基站1.2万个。", "1.2万个", "adm:150100", "level", 12000, "2021/2025", "actual"),
    ("2022年，锡林郭勒盟接待游客1800万人次。", "1800万人次", "adm:152500", "level", 1.8e7, "2022", "actual"),
    ("2023年，巴彦淖尔市粮食产量达到70亿斤。", "70亿斤", "adm:150800", "level", 3.5e6, "2023", "actual"),
    ("2024年，乌海市建成光伏电站12座。", "12座", "adm:150300", "level", 12, "2024", "actual"),
    ("2021年，兴安盟水稻种植面积达到150万亩。", "150万亩", "adm:152200", "level", 1e9, "2021", "actual"),
    ("2024年，阿拉善盟接待游客超过1000万人次。", "1000万人次", "adm:152900", "level", 1e7, "2024", "actual"),
    # changes: signed values
    ("2024年，赤峰市规模以上工业增加值同比增长8.2%。", "8.2%", "adm:150400", "change", 8.2, "2024", "actual"),
    ("2023年，包头市单位GDP能耗同比下降3.5%。", "3.5%", "adm:150200", "change", -3.5, "2023", "actual"),
    ("2024年，鄂尔多斯市二氧化碳排放减少120万吨。", "120万吨", "adm:150600", "change", -1.2e6, "2024", "actual"),
    ("2022年，通辽市新增就业岗位3.5万个。", "3.5万个", "adm:150500", "change", 35000, "2022", "actual"),
    ("2024年，呼和浩特居民人均可支配收入较上年提高5.1%。", "5.1%", "adm:150100", "change", 5.1, "2024", "actual"),
    ("2023年，乌兰察布市农业用水量降低6%。", "6%", "adm:150900", "change", -6, "2023", "actual"),
    ("2024年，巴彦淖尔市外贸进出口额翻番。", "翻番", "adm:150800", "change", 2, "2024", "actual"),
    ("2023年，锡林郭勒盟新增风电装机200万千瓦。", "200万千瓦", "adm:152500", "change", 2e6, "2023", "actual"),
    # shares
    ("2024年，内蒙古新能源发电量占全区发电量的25%。", "25%", "adm:150000", "share", 25, "2024", "actual"),
    ("2023年，鄂尔多斯市煤炭产量占全国的比重达到17%。", "17%", "adm:150600", "share", 17, "2023", "actual"),
    ("2024年，赤峰市黄金产量约占全区的三成。", "三成", "adm:150400", "share", 30, "2024", "actual"),
    ("2022年，包头市稀土产品产量占全国五分之一。", "五分之一", "adm:150200", "share", 20, "2022", "actual"),
    # ranks
    ("2024年，内蒙古牛奶产量居全国首位。", "首位", "adm:150000", "rank", 1, "2024", "actual"),
    ("2023年，鄂尔多斯市经济总量位列全区第一。", "第一", "adm:150600", "rank", 1, "2023", "actual"),
    ("2024年，呼和浩特经济总量排名全国第86位。", "第86位", "adm:150100", "rank", 86, "2024", "actual"),
    # targets and expectations
    ("2026年，赤峰市力争地区生产总值增长6%。", "6%", "adm:150400", "change", 6, "2026", "target"),
    ("2026年，包头市计划新建充电桩5000个。", "5000个", "adm:150200", "level", 5000, "2026", "target"),
    ("通辽市将在2026年建成高标准农田100万亩。", "100万亩", "adm:150500", "level", 1e9 * 2 / 3, "2026", "target"),
    ("2026年，鄂尔多斯市确保粮食产量稳定在40亿斤以上。", "40亿斤", "adm:150600", "level", 2e6, "2026", "target"),
    ("2025年，呼和浩特预计接待游客8000万人次。", "8000万人次", "adm:150100", "level", 8e7, "2025", "expected"),
    ("2025年，乌兰察布市算力规模有望达到30万P。", "30万P", "adm:150900", "level", 3e5, "2025", "expected"),
    ("2026年，锡林郭勒盟目标是新能源装机突破5000万千瓦。", "5000万千瓦", "adm:152500", "level", 5e7, "2026", "target"),
]


@pytest.mark.parametrize("text,quantity,subject_id,kind,value,time,modality", CASES, ids=[c[0][:18] for c in CASES])
def test_claim(text, quantity, subject_id, kind, value, time, modality):
    claim = one(text, quantity)
    assert claim.subject_id == subject_id
    assert claim.kind == kind
    assert claim.value == pytest.approx(value)
    assert claim.time == time
    assert claim.modality == modality


def test_list_sentences_with_fenbie_give_one_claim_each():
    found = claims("2024年，赤峰市民间投资和工业投资同比分别增长12.3%和9.8%。")
    assert [(c.quantity, c.kind, c.value) for c in found] == [("12.3%", "change", 12.3), ("9.8%", "change", 9.8)]
    assert all(c.subject_id == "adm:150400" and c.time == "2024" for c in found)


def test_several_amounts_in_one_sentence_have_their_own_indicators():
    found = claims("2024年，通辽市牛存栏380万头，羊存栏1200万只。")
    assert [c.quantity for c in found] == ["380万头", "1200万只"]
    assert "牛存栏" in found[0].indicator and "羊存栏" in found[1].indicator


def test_implicit_subject_from_the_section_heading():
    page = "## 赤峰市\n\n2024年，全市粮食产量达到130亿斤。\n\n2024年，新增城镇就业2.1万人。\n"
    found = claims(page)
    assert [(c.quantity, c.subject_id) for c in found] == [("130亿斤", "adm:150400"), ("2.1万人", "adm:150400")]


def test_implicit_subject_carried_through_the_paragraph():
    found = claims("2024年，包头市工业增加值增长9%。全年新增市场主体3.2万户。")
    assert [c.subject_id for c in found] == ["adm:150200", "adm:150200"]


def test_region_scope_word_as_subject():
    claim = one("内蒙古加快发展。2024年，全区新能源装机达到1.35亿千瓦。", "1.35亿千瓦")
    assert (claim.subject, claim.subject_id) == ("全区", "adm:150000")


# (text, quantity, subject_id): which mention governs the amount
SUBJECT_CASES = [
    ("2024年，赤峰市工业稳步增长，其中，通辽市工业增加值增长11%。", "11%", "adm:150500"),  # nearest clause subject in a list of clauses
    ("2024年，鄂尔多斯市吸引伊利、蒙牛等12家企业落户。", "12家", "adm:150600"),  # object of a verb is not the subject
    ("2024年，乌兰察布市引进华为、阿里等8家企业，新增算力2万P。", "2万P", "adm:150900"),  # a group named after a verb leaves the subject alone
    ("在二连浩特口岸，每天有10趟班列通关。", "10趟", "fac:二连浩特口岸"),  # a scene at the start of a sentence is the subject
    ("2024年，包头市在二连浩特口岸建成仓库3座。", "3座", "adm:150200"),  # a place after a preposition later in the clause is not the subject
    ("2024年，赤峰市加快发展。在赤峰市的带动下全盟新建学校4所。", "4所", "adm:150400"),  # a scene without a comma is not a frame
    ("2024年，赤峰市粮食产量稳定增长。目前，仅松山区的粮食产量就达到30亿斤。", "30亿斤", "adm:150404"),  # a focusing adverb (仅) does not hide the subject
]


@pytest.mark.parametrize("text,quantity,subject_id", SUBJECT_CASES, ids=[c[0][:18] for c in SUBJECT_CASES])
def test_subject(text, quantity, subject_id):
    assert one(text, quantity).subject_id == subject_id


def test_comparison_scope_is_not_the_subject():
    claim = one("2024年，通辽市玉米产量占全国的4%。", "4%")
    assert claim.subject_id == "adm:150500" and claim.kind == "share"


def test_from_to_sentence_dates_each_amount():
    found = claims("2020年至2024年，赤峰市地区生产总值从1700亿元增至2200亿元。")
    assert [(c.quantity, c.time, c.kind) for c in found] == [("1700亿元", "2020", "level"), ("2200亿元", "2024", "level")]


def test_comparison_base_year_is_not_the_time():
    claim = one("2024年，包头市粮食产量较2020年增长15%。", "15%")
    assert claim.time == "2024"


def test_time_carried_from_the_paragraph():
    found = claims("2023年，赤峰市经济平稳运行。规模以上工业增加值增长6.5%。")
    assert found[0].time == "2023"


def test_period_lead_frames_the_next_paragraphs():
    page = "## 兴安盟\n\n“十四五”以来，兴安盟加快转型。\n\n全盟粮食产量达到130亿斤。\n"
    assert one(page, "130亿斤").time == "2021/2025"


def test_present_tense_without_a_date_has_no_time():
    page = "## 兴安盟\n\n2024年，兴安盟加快转型。\n\n目前，兴安盟已建成温室大棚3000座。\n"
    assert one(page, "3000座").time is None


def test_this_year_needs_a_certain_publication_year():
    assert one("今年，赤峰市新建学校12所。", "12所").time is None
    page = "2026年是“十五五”开局之年。今年，赤峰市新建学校12所。"
    assert one(page, "12所").time == "2026"


def test_negative_range_for_a_change():
    claim = one("2024年，包头市钢铁企业能耗降低5%—8%。", "5%—8%")
    assert (claim.kind, claim.low, claim.high) == ("change", -8, -5)


def test_qualifier_is_carried_from_the_quantity():
    claim = one("2024年，赤峰市黄金产量超过20吨。", "20吨")
    assert claim.qualifier == ">"


def test_headings_give_no_claims():
    assert claims("## 包头市新能源装机突破2000万千瓦\n\n正文没有数字。\n") == []


@pytest.mark.parametrize("text", [
    "这5年，赤峰市发生了巨大变化。",
    "时隔5年，巴彦淖尔再次举办博览会。",
    "历经10余年攻关，团队取得突破。",
    "1P约等于每秒1000万亿次浮点运算。",
    "室外温度每降1℃，供热负荷就要调整。",
    "乌兰察布是全国8个算力枢纽节点之一。",
    "一辆载重200吨的矿用卡车驶过。",
    "该项目总投资120亿元，年产30万吨烯烃。",
    "库布其沙漠长约400公里。",
    "从从三方面推进改革。",
])
def test_not_claims(text):
    assert claims(text) == []


def test_streak_is_a_claim():
    claim = one("2024年，通辽市粮食产量连续5年稳定在160亿斤以上。", "5年")
    assert claim.unit == "a"


def test_time_helpers():
    assert one("截至2025年底，全区装机达到100万千瓦。", "100万千瓦").time == "2025-12"
    assert one("“十四五”以来，全区新增装机100万千瓦。", "100万千瓦").time == "2021/2025"
    assert one("今年，全区新增装机100万千瓦。", "100万千瓦").time is None
    assert year_in_text("站在“十四五”收官之年的节点上") == 2025


@pytest.mark.parametrize("pattern,held", [
    (r"(?P<y>\d{4})年(?:底|末)", {"年"}),  # a digit class and an alternative of single characters: nothing
    ("“?十四五”?", {"十", "四", "五"}),  # optional quotes: not held
    ("去年|上年|过去一年", {"年"}),  # what every branch holds
    (r"(?<![年\d])(?P<m>\d{1,2})月(?P<d>\d{1,2})日", {"月", "日"}),  # a lookbehind is outside the match
    ("(?:第一)+季度|(?:第一)*", set()),  # a branch that may match nothing
    ("(?i)q1", set()),  # ignoring case, a letter stands for two
    (r"\p{Han}年", {"年"}),  # a property class (regex-only syntax) holds nothing
    (r"\\p{Han}", {"\\", "p", "{", "H", "a", "n", "}"}),  # an escaped backslash, then literals
])
def test_characters_every_match_holds(pattern, held):
    assert characters_every_match_holds(pattern) == held


def test_a_text_without_the_time_marks_holds_no_time_expression():
    from conftest import SEEDS

    c = claims_module._compiled()
    assert c.time_marks  # the search is skipped for texts without them
    for pattern, _ in c.times:
        assert c.time_marks & characters_every_match_holds(pattern.pattern)
    # and on real text: with the marks taken out, nothing is left to find
    for path in SEEDS.glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        assert c.any_time.search(text)
        stripped = text.translate({ord(mark): None for mark in c.time_marks})
        assert not claims_module._may_hold_a_time(stripped) and c.any_time.search(stripped) is None


def test_emit_claims_rows_are_flat(tmp_path):
    from conftest import SEEDS, run_cli
    import json

    result = run_cli(str(SEEDS / "004_0f4444790c5edb1c.txt"), "--emit", "claims")
    rows = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert rows and {"doc", "sentence", "section", "subject", "indicator", "quantity", "unit", "kind", "time",
                     "modality"} <= set(rows[0])


def test_case_count():
    assert len(CASES) + 28 >= 60


@pytest.mark.parametrize("text,quantity,modality", [
    ("作为重要能源基地，2024年赤峰市原煤产量达到1.2亿吨。", "1.2亿吨", "actual"),
    ("2024年，主要农作物种植面积达到3000万亩。", "3000万亩", "actual"),
    ("2024年，全市将近八成的企业实现盈利，利润总额达到500亿元。", "500亿元", "actual"),
    ("明年，包头市将新建5G基站3000个。", "3000个", "target"),
    ("2026年，全市要完成造林100万亩。", "100万亩", "target"),
])
def test_one_character_modality_words_count_only_as_words(text, quantity, modality):
    assert one(text, quantity).modality == modality


# ---- subjects: counted groups, scenes; times: frames before and after; recent durations


def test_a_counted_group_with_examples_is_the_subject_of_its_clauses():
    # the names before the group (多伦县) govern their own clauses, not the group's figures
    found = claims("2024年，锡林郭勒盟推进产业集群发展。"
                   "多伦县主攻新材料，伊泰、久泰等12家企业集聚成势，建成6条产业链。")
    assert [(c.quantity, c.subject_id) for c in found] == [("12家", "adm:152500"), ("6条", "adm:152500")]


def test_listed_examples_are_never_the_subject():
    found = claims("2024年，内蒙古农产品出口增长。赤峰小米、通辽黄牛等上百种农产品销往20多个国家。")
    assert [c.subject_id for c in found if c.quantity == "20多个"] == ["adm:150000"]


def test_recent_years_are_a_framing_duration():
    found = claims("近两年，包头市新建学校30所。")
    assert [c.quantity for c in found] == ["30所"]


def test_a_later_frame_dates_earlier_figures_only_when_it_sums_them_up():
    summed = "## 赤峰市\n\n地区生产总值突破2000亿元。\n\n这组数据反映了“十四五”时期赤峰的发展成就。\n"
    assert one(summed, "2000亿元").time == "2021/2025"
    new_account = "## 赤峰市\n\n赤峰市新建学校12所。\n\n2025年以来，赤峰市开展文化活动100场。\n"
    assert one(new_account, "12所").time is None
    assert one(new_account, "100场").time == "2025"


@pytest.mark.parametrize("text,quantity,time", [
    ("2026年春节假期，赤峰市接待游客120万人次。", "120万人次", "2026-02"),
    ("2025年春节期间，包头市旅游收入达到8亿元。", "8亿元", "2025-01"),  # 29 January 2025
    ("2031年春节假期，通辽市接待游客50万人次。", "50万人次", "2031-01"),  # 23 January 2031, from the calendar package
    ("2024年国庆假期，呼伦贝尔市接待游客90万人次。", "90万人次", "2024-10"),
    ("“十四五”收官之年，今年国庆假期，阿拉善盟接待游客30万人次。", "30万人次", "2025-10"),
    ("今年国庆假期，阿拉善盟接待游客30万人次。", "30万人次", None),  # no certain publication year
])
def test_holidays_date_figures_to_their_month(text, quantity, time):
    assert one(text, quantity).time == time


@pytest.mark.parametrize("text", [
    "在包头，每消耗五度电，就有两度来自风电。",
    "全国每20头奶牛有1头在这里。",
])
def test_illustrative_ratios_are_not_claims(text):
    assert claims(text) == []


def test_an_amount_per_period_is_still_a_claim():
    assert one("2024年，赤峰市每年节约标煤50万吨。", "50万吨").kind == "change"
    assert one("在满洲里口岸，平均每天有8趟班列通关。", "8趟").subject_id == "fac:满洲里口岸"


def test_a_sentence_beyond_the_plane_reads_the_not_claim_patterns_by_regex():
    # (𠀀, U+20000, is Han to regex: 前10万人𠀀登记 fits eligibility_first's \p{Han}{0,2}, which
    # the standard library's translation writes out over the plane only)
    doc = pipeline.process("活动期间，前10万人𠀀登记即可获得奖励。")
    quantity = doc.quantities[0]
    sentence = doc.sentences[quantity.sentence]
    assert not claims_module._Clauses(sentence.text).in_bmp
    assert claims_module.not_claim_pattern(sentence.text, quantity.start - sentence.start,
                                           quantity.end - sentence.start, quantity) == "eligibility_first"
    assert not doc.claims
