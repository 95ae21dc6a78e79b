"""Entity recognition and linking on sentences written for the tests (none from seeds/)."""
import pytest

import pipeline
from pipeline.entities import find_mentions


def linked(text: str) -> set[tuple[str, str]]:
    """(mention, id) pairs of a one-paragraph document, scope words resolved."""
    doc = pipeline.process(text, doc_id="t")
    return {(m.text, e.id) for e in doc.entities for m in e.mentions}


def ids(text: str) -> set[str]:
    return {e.id for e in pipeline.process(text, doc_id="t").entities}


ALIASES = [
    ("内蒙今年粮食再获丰收。", "内蒙", "adm:150000"),
    ("内蒙古自治区召开新闻发布会。", "内蒙古自治区", "adm:150000"),
    ("呼市地铁二号线开通运营。", "呼市", "adm:150100"),
    ("锡盟风电项目集中开工。", "锡盟", "adm:152500"),
    ("阿盟戈壁光伏发电站并网。", "阿盟", "adm:152900"),
    ("科左后旗黄牛交易火爆。", "科左后旗", "adm:150522"),
    ("准旗煤炭企业加快智能化改造。", "准旗", "adm:150622"),
    ("达旗光伏治沙项目持续推进。", "达旗", "adm:150621"),
    ("包头稀土产业链不断延伸。", "包头", "adm:150200"),
    ("鄂尔多斯市新建两座零碳产业园。", "鄂尔多斯市", "adm:150600"),
    ("伊利推出新款低糖酸奶。", "伊利", "org:内蒙古伊利实业集团股份有限公司"),
    ("包钢今年钢材产量稳步提升。", "包钢", "org:包头钢铁（集团）有限责任公司"),
    ("蒙牛在乌兰察布新建工厂。", "蒙牛", "org:内蒙古蒙牛乳业（集团）股份有限公司"),
    ("北方稀土发布年度业绩预告。", "北方稀土", "org:中国北方稀土（集团）高科技股份有限公司"),
    ("俄罗斯客商参加展会。", "俄罗斯", "iso:RU"),
    ("蒙古国煤炭经口岸入境。", "蒙古国", "iso:MN"),
    ("企业产品销往长三角。", "长三角", "loc:长江三角洲"),
    ("库布其沙漠治理成效显著。", "库布其沙漠", "loc:库布其沙漠"),
    ("黄河岸边的湿地得到保护。", "黄河", "loc:黄河"),
    ("电力经特高压线路送往京津冀。", "京津冀", "loc:京津冀"),
    ("阿拉善盟额济纳胡杨林迎来游客高峰。", "额济纳", "adm:152923"),  # a stem: with its league named
    ("莫旗大豆种植面积扩大。", "莫旗", "adm:150722"),
    ("集宁区新建物流园区。", "集宁区", "adm:150902"),
    ("满洲里口岸货运量创新高。", "满洲里口岸", "fac:满洲里口岸"),
]


@pytest.mark.parametrize("text,mention,entity_id", ALIASES, ids=[a[0] for a in ALIASES])
def test_alias_links_to_its_id(text, mention, entity_id):
    assert (mention, entity_id) in linked(text)


NESTED = [
    # a name inside a longer name is not a separate mention
    ("内蒙古自治区人民政府印发实施方案。", {"org:内蒙古自治区人民政府"}),
    ("包头钢铁（集团）有限责任公司完成技改。", {"org:包头钢铁（集团）有限责任公司"}),
    ("包头市的企业数量增加。", {"adm:150200"}),
    ("呼和浩特海关加强监管。", {"org:呼和浩特海关"}),
    ("和林格尔新区数据中心加快建设。", {"fac:内蒙古和林格尔新区"}),
]


@pytest.mark.parametrize("text,expected", NESTED, ids=[n[0] for n in NESTED])
def test_longest_name_wins(text, expected):
    assert ids(text) == expected


TRAPS = [
    ("青海西宁两地游客增多。", {"adm:630000", "adm:630100"}),
    ("吉林省吉林市冰雪旅游火热。", {"adm:220000", "adm:220200"}),
    ("科尔沁左翼后旗牛肉远销各地。", {"adm:150522"}),
    ("他住在山西路上的老小区。", set()),
    ("呼市和包头两地合作密切。", {"adm:150100", "adm:150200"}),
    ("内蒙古与蒙古国经贸往来频繁。", {"adm:150000", "iso:MN"}),
]


@pytest.mark.parametrize("text,expected", TRAPS, ids=[t[0] for t in TRAPS])
def test_linking_traps(text, expected):
    assert ids(text) == expected


def test_scope_word_region():
    assert ("全区", "adm:150000") in linked("内蒙古经济稳步增长。全区新能源装机持续扩大。")
    assert ("我区", "adm:150000") in linked("包头和赤峰工业增长较快。我区工业增加值增长7%。")
    assert ("自治区", "adm:150000") in linked("通辽和赤峰代表参加了会议，自治区两会顺利闭幕。")


def test_scope_word_city_follows_its_section():
    page = ("# 盟市观察\n\n## 赤峰市\n\n全市粮食产量再创新高。\n\n## 通辽市\n\n全市肉牛存栏稳定增长。\n")
    doc = pipeline.process(page, doc_id="t")
    pairs = [(m.text, e.id, m.start) for e in doc.entities for m in e.mentions if m.text == "全市"]
    pairs.sort(key=lambda p: p[2])
    assert [p[1] for p in pairs] == ["adm:150400", "adm:150500"]


def test_scope_word_city_from_the_article_lead():
    text = "巴彦淖尔市推进高标准农田建设。\n\n全市今年新建农田50万亩。\n"
    assert ("全市", "adm:150800") in linked(text)


def test_capital_word():
    assert ("首府", "adm:150100") in linked("内蒙古各地加快发展。首府地铁建设进展顺利。")


def test_country_words():
    assert ("我国", "iso:CN") in linked("我国新能源装机规模世界第一。")


def test_scope_word_inside_a_longer_word_is_not_a_mention():
    assert not any(t == "全市" for t, _ in linked("内蒙古加快建设全国统一大市场，全市场主体受益。"))


UNKNOWN_ORGS = [
    ("内蒙古晨光新材料有限公司今年投产。", "org:内蒙古晨光新材料有限公司"),
    ("记者走进呼和浩特市赛罕区金桥开发区内蒙古绿洲乳业有限公司的车间。", "org:内蒙古绿洲乳业有限公司"),
    ("赤峰远航物流股份有限公司开通新线路。", "org:赤峰远航物流股份有限公司"),
    ("据悉，锡林郭勒草原畜牧研究院完成新品种培育。", "org:锡林郭勒草原畜牧研究院"),
    ("阿拉善沙产业协会组织培训。", "org:阿拉善沙产业协会"),
    ("近日，兴安盟稻香农业专业合作社获得认证。", "org:兴安盟稻香农业专业合作社"),
]


@pytest.mark.parametrize("text,entity_id", UNKNOWN_ORGS, ids=[u[0] for u in UNKNOWN_ORGS])
def test_organisations_not_in_the_base_are_found_by_their_form(text, entity_id):
    found = ids(text)
    assert entity_id in found


PERSONS = [
    ("“产量又上去了。”种植大户王建国说。", "per:王建国"),
    ("公司总经理巴特尔介绍，新生产线已经调试完成。", "per:巴特尔"),
    ("村民刘玉兰表示，今年收入增加不少。", "per:刘玉兰"),
    ("李晓峰代表建议加强职业教育。", "per:李晓峰"),
    ("技术员赵海龙正在检查设备。", "per:赵海龙"),
    ("“我们要抓住机遇。”局长张志刚强调。", "per:张志刚"),
]


@pytest.mark.parametrize("text,entity_id", PERSONS, ids=[p[0] for p in PERSONS])
def test_persons_after_roles_and_before_speech_verbs(text, entity_id):
    assert entity_id in ids(text)


NOT_PERSONS = [
    "代表委员们纷纷表示支持。",
    "居民群众积极参与志愿服务。",
    "企业负责人介绍了发展情况。",
]


@pytest.mark.parametrize("text", NOT_PERSONS)
def test_no_person_in_role_words_alone(text):
    assert not any(i.startswith("per:") for i in ids(text))


def test_mentions_carry_offsets_into_the_cleaned_text():
    doc = pipeline.process("内蒙古伊利实业集团股份有限公司在呼和浩特举行发布会。", doc_id="t")
    for entity in doc.entities:
        for m in entity.mentions:
            assert doc.text[m.start : m.end] == m.text


def test_find_mentions_is_longest_first_and_non_overlapping():
    found = find_mentions("包头市包头钢铁（集团）有限责任公司")
    assert [f.text for f in found] == ["包头市", "包头钢铁（集团）有限责任公司"]


def test_a_sentence_without_cue_words_keeps_its_name_matches_in_order():
    # No organisation suffix, role, speech verb, title or determiner: the knowledge-base
    # names and scope words come straight from the automaton, left to right.
    found = find_mentions("呼市至包头市的高铁途经包钢厂区和锡盟，全区客流增加。")
    assert [(f.text, f.start, f.kind) for f in found] == [
        ("呼市", 0, "kb"), ("包头市", 3, "kb"), ("包钢", 11, "kb"), ("锡盟", 16, "kb"), ("全区", 19, "scope")]


def test_case_count():
    total = len(ALIASES) + len(NESTED) + len(TRAPS) + len(UNKNOWN_ORGS) + len(PERSONS) + len(NOT_PERSONS) + 10
    assert total >= 60
