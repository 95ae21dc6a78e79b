"""Cleaning rules on pages written for the tests, and the seeds against gold/clean.jsonl."""
import json
import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import pipeline
from pipeline.clean import _normalised_key, clean, clean_rules, content_key, paragraph_keys
from pipeline.sentences import split_sentences
from pipeline.score import evaluate
from conftest import GOLD


def sentences(text: str) -> list[str]:
    return [s.text for s in pipeline.process(text, doc_id="t").sentences if not s.heading]


def dropped(text: str) -> list[tuple[str, str]]:
    return [(d.reason, d.text) for d in pipeline.process(text, doc_id="t").dropped]


PAGE = """# 今日要闻

## 赤峰市

□本报记者 李明

本报赤峰3月2日电(记者 李明)全市粮食总产量达到120亿斤,比上年增长3%。

春耕生产有序推进,农资供应充足。（王华）



牧民在草场上放牧。张三 摄



草场全景。



■上接第2版 冬季供暖保障有力,居民满意度持续提升。

(海报设计:赵六)

请扫二维码 阅读全文
"""


def test_page_boilerplate_is_dropped_and_recorded():
    doc = pipeline.process(PAGE, doc_id="page")
    reasons = {d.reason for d in doc.dropped}
    assert {"byline", "dateline", "signature", "caption", "continuation", "credit", "qr_code"} <= reasons
    text = "".join(s.text for s in doc.sentences)
    for gone in ("本报记者", "记者 李明", "王华", "张三", "草场全景", "上接第2版", "海报设计", "二维码"):
        assert gone not in text
    assert doc.metadata.datelines == ["本报赤峰3月2日电(记者 李明)"]
    assert "全市粮食总产量达到120亿斤,比上年增长3%。" in text
    assert "冬季供暖保障有力,居民满意度持续提升。" in text


def test_headings_become_sections_not_sentences():
    doc = pipeline.process(PAGE, doc_id="page")
    assert [s.title for s in doc.sections] == ["今日要闻", "赤峰市"]
    body = [s for s in doc.sentences if not s.heading]
    assert body[0].section_path == ["今日要闻", "赤峰市"]
    assert all("今日要闻" not in s.text for s in body)


def test_offsets_map_back_to_the_raw_text():
    doc = pipeline.process(PAGE, doc_id="page")
    for sentence in doc.sentences:
        raw_start = doc.raw_offset(sentence.start)
        assert PAGE[raw_start : raw_start + len(sentence.text[:4])] == sentence.text[:4]


@pytest.mark.parametrize("left,right,joined", [
    ("今年以来，全市规模以上工业增加值同比增长百分之八，其中装备制造业增长", "12.5%，成为拉动增长的主力。",
     "其中装备制造业增长12.5%，成为拉动增长的主力。"),
    ("截至去年底，全旗新能源装机达到35", "万千瓦，占全旗电力装机的六成。", "全旗新能源装机达到35万千瓦"),
    ("让各族群众共", "享改革发展的成果。", "让各族群众共享改革发展的成果。"),
    ("在锡林郭勒盟，热电公司的", "“保暖”工作同样扎实。", "热电公司的“保暖”工作同样扎实。"),
    ("如何精准适配气温变", "化是运行部的难题。", "如何精准适配气温变化是运行部的难题。"),
])
def test_column_breaks_are_joined(left, right, joined):
    assert any(joined in s for s in sentences(f"{left}\n\n{right}\n"))


def test_join_across_a_heading_set_between_the_halves():
    text = "研究院利用合成生物技术改造菌株，实现发酵产量提\n\n## 科技赋能\n\n升8%，并降低了能耗。\n"
    doc = pipeline.process(text, doc_id="t")
    assert any("发酵产量提升8%" in s.text for s in doc.sentences)
    assert [s.title for s in doc.sections] == ["科技赋能"]


@pytest.mark.parametrize("text", [
    "## 推动绿色发展\n\n全区新能源装机突破一亿千瓦。\n",
    "春耕备耕正当时\n\n各地抢抓农时开展春耕生产。\n",
    "转型升级 提质增效\n\n推动高质量发展的实践\n\n全市工业增加值增长。\n",
    # a title that ends in a particle, as many do (…是干出来的, …来了)
    "好日子是奋斗出来的\n\n全年新建项目300个，已开工280个。\n",
    "草原的春天来了\n\n牧民们忙着接羔。\n",
])
def test_a_heading_followed_by_a_paragraph_is_never_joined(text):
    doc = pipeline.process(text, doc_id="t")
    assert len([s for s in doc.sentences if not s.heading]) == 1
    assert len(doc.sentences) > 1 and all(s.heading for s in doc.sentences[:-1])


def test_exact_and_near_duplicate_paragraphs_keep_the_first_copy():
    para = "这条路上，全盟建成高标准农田超过三百万亩，粮食产量连续五年稳定在一百亿斤以上。"
    near = para.replace("超过三百万亩", "超过三百万亩以上")
    doc = pipeline.process(f"{para}\n\n另一段不同的文字说明情况。\n\n{para}\n\n{near}\n", doc_id="t")
    assert sum(para[:20] in s.text for s in doc.sentences) == 1
    assert [d.reason for d in doc.dropped] == ["duplicate", "near_duplicate"]


_ALPHABET = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经"


def _near_copies_by_brute_force(paragraphs: list[str]) -> list[int]:
    """Which paragraphs are near copies of an earlier kept one: every pair compared."""
    rules = clean_rules().duplicates
    kept: list[set[str]] = []
    near = []
    for index, text in enumerate(paragraphs):
        key = content_key(text)
        grams = {key[i : i + 3] for i in range(max(1, len(key) - 2))}
        if any(0.8 <= len(key) / length <= 1.25 and len(grams & other) / len(grams | other) >= rules.near_duplicate_jaccard
               for length, other in kept):
            near.append(index)
        else:
            kept.append((len(key), grams))
    return near


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(_ALPHABET, min_size=60, max_size=60), min_size=1, max_size=3),
       st.lists(st.tuples(st.integers(0, 2), st.lists(st.tuples(st.integers(0, 59), st.sampled_from(_ALPHABET)),
                                                       max_size=12)), max_size=12))
def test_near_duplicates_are_those_every_pair_comparison_finds(bases, edits):
    """The shortcut that rules most pairs out from a sample of trigrams finds exactly the
    near copies that comparing every pair of paragraphs finds (edits near the threshold)."""
    paragraphs = list(bases)
    for which, changes in edits:
        chars = list(bases[which % len(bases)])
        for position, char in changes:
            chars[position] = char
        paragraphs.append("".join(chars))
    paragraphs = list(dict.fromkeys(paragraphs))  # exact copies are another rule
    cleaned = clean("\n\n".join(p + "。" for p in paragraphs) + "\n")
    dropped = [d.text.rstrip("。") for d in cleaned.dropped if d.reason == "near_duplicate"]
    assert dropped == [paragraphs[i] for i in _near_copies_by_brute_force(paragraphs)]


# Characters where NFKC is more than an identity: full-width forms, compatibility symbols,
# combining marks (e + ◌́ → é, か + ◌゙ → が), Hangul jamo, Tamil and Sinhala vowel signs that
# compose with the letter before them, and characters beyond the Basic Multilingual Plane.
_NORMALISATION_TRAPS = ("中文内容的数据，。、：；！？“”（）《》—…·　 \t"
                        "ＡＢｃ０１２％＋℃㎡①½ﬁ"
                        "eéa\u0301\u0308\u0338\u0359\u0334<=か\u3099\u309aハ\uff9e"
                        "\u1100\u1161\u11a8가"
                        "\u0b92\u0bd7\u0bc6\u0bbe\u0dd9\u0dca\u0dcf"
                        "\U00020000\U0001d15f\U0001F600")


@settings(max_examples=400, deadline=None)
@given(st.text(st.sampled_from(_NORMALISATION_TRAPS), max_size=20) | st.text(max_size=20))
@example("\u0b92\u0bd7")  # ஒ + ௗ compose to ஔ: the second is not a combining mark
@example("\u1100\u1161\u11a8")  # Hangul jamo compose to 각
@example("，\u0301")  # a combining mark after punctuation
@example("a\u0359\u0334")  # combining marks out of canonical order (below 220, overlay 1)
@example("e\u0301，")
@example("\U0001d15f")  # beyond the BMP
def test_the_content_key_shortcut_agrees_with_nfkc(text):
    """Most text takes the one-pass key; any text must get the key NFKC defines."""
    assert content_key(text) == _normalised_key(text)


@pytest.mark.parametrize("text", ["增长5%。 下降3%！\t完成。", "第一句。\x1c第二句。", "cafe\u0301。 咖啡。", "一句。  \U0001d15f两句。"])
def test_a_paragraph_key_joined_from_its_sentences_is_its_own_key(text):
    spans = split_sentences(text)
    key, keys = paragraph_keys(text, spans)
    assert key == content_key(text)
    assert keys == [content_key(text[start:end]) for start, end in spans]


def test_the_content_key_ignores_width_punctuation_and_composition():
    assert content_key("ＧＤＰ增长５％，达到１２０亿元。") == content_key("GDP增长5%达到120亿元")
    assert content_key("cafe\u0301，咖啡") == content_key("café咖啡") == "café咖啡"
    assert content_key("一、二。三") == "一二三"


def test_a_repeated_sentence_inside_a_paragraph_is_dropped():
    first = "发展新质生产力要从实际出发，因地制宜推进。"
    doc = pipeline.process(f"{first}其他内容也很重要。\n\n{first}最后一句话。\n", doc_id="t")
    assert sum(first in s.text for s in doc.sentences) == 1
    assert doc.dropped[0].reason == "duplicate"


def test_short_repeated_lines_are_not_duplicates():
    doc = pipeline.process("## 两会 聚焦\n\n第一篇内容在此。\n\n## 两会 聚焦\n\n第二篇内容在此。\n", doc_id="t")
    assert [s.title for s in doc.sections] == ["两会 聚焦", "两会 聚焦"]


def _norm(s):
    return "".join(ch for ch in unicodedata.normalize("NFKC", s) if not ch.isspace())


def test_seeds_do_every_gold_cleaning_action(seed_predictions):
    result = evaluate(seed_predictions, GOLD)
    assert result["errors"]["clean"] == []
    assert result["table"]["ALL"]["clean"] == 1.0


def _raw_ranges(doc, start, end):
    """The raw slices that cleaned-text [start, end) comes from."""
    for seg in doc.segments:
        lo, hi = max(start, seg.start), min(end, seg.start + seg.length)
        if lo < hi:
            yield seg.raw_start + (lo - seg.start), seg.raw_start + (hi - seg.start)


def test_seed_sentences_never_repeat_and_never_hold_headings_or_boilerplate(seed_docs):
    for doc in seed_docs.values():
        body = [s for s in doc.sentences if not s.heading]
        long = [_norm(s.text) for s in body if len(_norm(s.text)) >= 15]
        assert len(long) == len(set(long)), doc.id
        # Nothing that is a heading or was dropped may come from inside a sentence's source text.
        excluded = [r for s in doc.sentences if s.heading for r in _raw_ranges(doc, s.start, s.end)]
        excluded += [(d.raw_start, d.raw_end) for d in doc.dropped]
        for sentence in body:
            for lo, hi in _raw_ranges(doc, sentence.start, sentence.end):
                assert not any(lo < e and s < hi for s, e in excluded), (doc.id, sentence.text)


def test_seed_output_is_byte_identical_across_runs(seed_predictions, tmp_path):
    from conftest import SEEDS, run_cli

    again = tmp_path / "again"
    assert run_cli(str(SEEDS), "--emit", "gold", "-o", str(again)).returncode == 0
    for name in ("sentences", "quantities", "entities", "claims"):
        assert (again / f"{name}.jsonl").read_bytes() == (seed_predictions / f"{name}.jsonl").read_bytes()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("中国电力万千瓦ab1\x00\uffff\ud800\udc00𠀀😀"), max_size=40))
@example("電力𠀀網")  # a character beyond the BMP: the one-3-gram-at-a-time way
@example("ab")  # shorter than a 3-gram: the key itself
def test_near_duplicate_trigrams_are_the_keys_3_grams_one_to_one(key):
    """The numbers _trigrams reads from UTF-16 words stand for the key's 3-character
    slices one to one, so that the Jaccard of two keys is that of their slices."""
    from pipeline.clean import _trigram_code, _trigrams

    slices = {key[i : i + 3] for i in range(max(1, len(key) - 2))}
    grams = _trigrams(key)
    assert len(grams) == len(slices)
    assert grams == ({key} if len(key) < 3 else {_trigram_code(s) for s in slices})
