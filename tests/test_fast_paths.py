"""Performance rewrites keep behaviour: each fast path equals its plain definition."""
import unicodedata

import pytest
import regex
from conftest import SEEDS
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.clean import content_key

_NOT_CONTENT = regex.compile(r"[\p{P}\p{Z}\p{S}\s]+")


def reference_key(text: str) -> str:
    return _NOT_CONTENT.sub("", unicodedata.normalize("NFKC", text))


# Full-width forms, punctuation, letterlike symbols, CJK symbols and compatibility, combining
# marks, Hangul jamo and syllables (which compose), ideographs, ASCII.
_TRICKY = st.one_of(*(st.characters(min_codepoint=a, max_codepoint=b) for a, b in (
    (0x20, 0x7E), (0xA0, 0xFF), (0x300, 0x36F), (0x1100, 0x11FF), (0x2000, 0x33FF), (0x3130, 0x318F),
    (0x4E00, 0x4E2F), (0xAC00, 0xAC2F), (0xF900, 0xF92F), (0xFE30, 0xFE6F), (0xFF00, 0xFFEF))))


@settings(max_examples=3000, deadline=None)
@given(st.text(_TRICKY, max_size=12))
def test_content_key_is_nfkc_without_punctuation_symbols_and_spaces(text):
    assert content_key(text) == reference_key(text)


def test_content_key_on_the_seeds():
    for path in SEEDS.glob("*.txt"):
        for line in path.read_text(encoding="utf-8").splitlines():
            assert content_key(line) == reference_key(line)


def test_content_key_bmp_class_matches_the_property_pattern():
    from pipeline.clean import _not_content_bmp

    bmp = "".join(map(chr, range(0x10000)))
    assert _not_content_bmp().findall(bmp) == _NOT_CONTENT.findall(bmp)


@settings(max_examples=500, deadline=None)
@given(st.text(st.one_of(_TRICKY, st.characters(min_codepoint=0x10000, max_codepoint=0x1FAFF)), max_size=12))
def test_content_key_beyond_the_bmp(text):
    assert content_key(text) == reference_key(text)


# Han characters (a few common ones, so that dictionary words form, some with Latin letters:
# A股, T恤, 卡拉OK), Latin letters, digits, the other characters jieba keeps inside a run,
# punctuation and spaces.
_SEGMENTER_TEXT = st.text(st.sampled_from(list("中国内蒙古自治区将要重要主要将近计划目标新能源装机万千瓦股恤卡拉") +
                                          list("AOKTZaz09+#&._%-，。、；：“”（） \n\t")), max_size=30)


def _words_in_runs(text: str, words_of) -> list[tuple[int, int]]:
    """(start, end) of the words that ``words_of`` gives, kept where they fall inside a run."""
    from pipeline.segment import runs

    inside = {i for start, run in runs(text) for i in range(start, start + len(run))}
    spans, position = [], 0
    for word in words_of(text):
        if position in inside:
            spans.append((position, position + len(word)))
        position += len(word)
    return spans


@settings(max_examples=1500, deadline=None)
@given(_SEGMENTER_TEXT)
def test_segmenting_run_by_run_gives_the_words_of_the_whole_text(text):
    from pipeline.segment import runs, words

    def run_by_run(text):
        out, position = [], 0
        for start, run in runs(text):
            out += list(text[position:start])
            out += words(run)
            position = start + len(run)
        return out + list(text[position:])

    assert _words_in_runs(text, run_by_run) == _words_in_runs(text, words)


def test_segmenting_run_by_run_on_the_seeds():
    from pipeline.segment import runs, words

    for path in SEEDS.glob("*.txt"):
        for line in path.read_text(encoding="utf-8").splitlines():
            whole = _words_in_runs(line, words)
            by_run = [(start + a, start + b) for start, run in runs(line)
                      for a, b in _words_in_runs(run, words)]
            assert by_run == whole


@pytest.mark.parametrize("text", ["湖北省将于明年建成三座水电站", "重要的是主要指标将近翻番", "臺灣明年將推出新方案",
                                  "广州市要求企业将库存降至五成", "该公司将要上市"])
def test_a_character_alone_in_the_dictionary_is_a_word_of_its_own(text):
    from pipeline.segment import alone_in_dictionary, words

    alone = {i for i in range(len(text)) if alone_in_dictionary(text, i)}
    assert alone  # (some characters of every sentence are, or the test says nothing)
    at, own_words = 0, set()
    for word in words(text):
        if len(word) == 1:
            own_words.add(at)
        at += len(word)
    assert alone <= own_words
    assert not alone_in_dictionary("重要", 1) and not alone_in_dictionary("将近", 0)
