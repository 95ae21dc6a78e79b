"""Performance rewrites keep behaviour: each fast path equals its plain definition."""
import unicodedata

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
