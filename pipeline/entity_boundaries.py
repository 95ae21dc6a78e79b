"""Word boundaries around knowledge-base names: is a match a mention, or characters of
other words? Decided with the segmenter on a few characters either side, cached per
window (the same names in the same surroundings recur across sentences and pages)."""
from __future__ import annotations

import functools

from .entity_names import starts_body
from .kb import knowledge_base
from .segment import is_common_word, tagged_words, word_may_cross, words


def straddles(text: str, start: int, end: int) -> bool:
    """True when a word of the segmenter crosses either end of ``text[start:end]`` (加上|海运
    around 上海, 其中|石油 around 中石油, 长治久安 around 长治): the characters belong to other
    words. No evidence: a crossing word that is itself a name of the base (上海市|场), and a
    crossing into a neighbouring name of the base (中共广东省委 around 中共 and 广东省, 山西晋|中
    around 山西 and 晋中), a body or level word (深圳|市委, 贵州|省政府) or a head word
    (全国人大|代表, 台湾|地区) after the name."""
    left = max(0, start - 8)  # the decision reads at most 8 characters either side
    return _straddles_window(text[left : end + 8], start - left, end - left)


@functools.lru_cache(maxsize=1 << 16)  # names and their surroundings recur across sentences and pages
def _straddles_window(text: str, start: int, end: int) -> bool:
    surfaces = knowledge_base().surfaces
    left = max(0, start - 4)
    window = text[left : end + 4]
    if not (word_may_cross(window, start - left) or word_may_cross(window, end - left)):
        return False  # (most windows: no segmenting needed to know that no word crosses)
    position = left
    for word in words(window):
        word_end = position + len(word)
        if word_end - position > 1 and word not in surfaces:
            if position < start < word_end and not _name_ends_at(text, start, surfaces):
                return True
            if position < end < word_end and not (_name_starts_at(text, end, surfaces) or starts_body(text[end:])):
                return True
        position = word_end
    return False


def single_neighbour(text: str, start: int, end: int) -> bool:
    """True when the segmenter cuts a one-character name-like word (a noun, place or
    abbreviation, not a particle or numeral) right before or after ``text[start:end]``
    (榆|鄂|宁: the run goes on with another city's abbreviation)."""
    left = max(0, start - 4)
    position, previous = left, None
    for word, tag in tagged_words(text[left : end + 4]):
        if position == start and previous is not None and _name_like_char(*previous):
            return True
        if position == end:
            return _name_like_char(word, tag)
        previous = (word, tag)
        position += len(word)
    return False


def _name_like_char(word: str, tag: str) -> bool:
    return len(word) == 1 and tag[:1] in ("n", "j") and "\u4e00" <= word <= "\u9fff"


@functools.lru_cache(maxsize=1 << 12)
def ordinary_phrase(surface: str) -> bool:
    """True when the segmenter reads ``surface`` as ordinary words (北方|稀土), not one name."""
    pieces = words(surface)
    return len(pieces) > 1 and all(is_common_word(p) for p in pieces)


def _name_ends_at(text: str, position: int, surfaces) -> bool:
    return any(text[position - k : position] in surfaces for k in range(2, min(position, 8) + 1))


def _name_starts_at(text: str, position: int, surfaces) -> bool:
    return any(text[position : position + k] in surfaces for k in range(2, min(len(text) - position, 8) + 1))


