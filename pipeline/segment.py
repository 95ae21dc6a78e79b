"""Word segmentation, loaded lazily: only where word boundaries matter.

jieba is the default (its dictionary ships with the package, so it works offline at
once). Loading its prefix dictionary costs about a second, so nothing imports it until a
stage actually asks for words.
"""
from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterator


@functools.cache
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def load() -> None:
    """Load the segmenter and its part-of-speech tagger now (start-up: a worker's
    initialiser, a benchmark's warm-up) rather than inside the first document that needs
    them; the tagger's model alone takes about half a second."""
    _jieba()
    _posseg()


# Strings up to this long are segmented through a cache: the fixed-size windows that
# word_crosses and the entity recogniser segment (8 and 6 characters) recur across
# sentences and documents, and segmentation is a pure function of the string.
SHORT_CHARS = 8


def words(text: str, guess_new_words: bool = False) -> list[str]:
    """The words of ``text`` in jieba's precise mode. ``guess_new_words`` turns on jieba's
    HMM, which finds words missing from the dictionary (people's names, 张强)."""
    if len(text) <= SHORT_CHARS:
        return list(_short_words(text, guess_new_words))  # a fresh list: callers may change it
    return _jieba().lcut(text, HMM=guess_new_words)


@functools.lru_cache(maxsize=1 << 16)
def _short_words(text: str, guess_new_words: bool) -> tuple[str, ...]:
    return tuple(_jieba().lcut(text, HMM=guess_new_words))


# What jieba joins into words its dictionary does not hold: runs of Latin letters and
# digits, and \r\n (it cuts whitespace apart from the rest).
_JOINED_OUTSIDE_DICTIONARY = re.compile(r"[a-zA-Z0-9\s]")


def word_may_cross(text: str, position: int) -> bool:
    """False when ``words(text)`` (without HMM) cannot hold a word of two or more characters
    across ``position``: no entry of the dictionary spans it, read as jieba reads it to
    build its word graph, and ``text`` holds nothing jieba joins on its own. A few
    dictionary look-ups, where segmenting costs tens of microseconds: most positions
    next to a name are crossed by no entry."""
    return bool(_JOINED_OUTSIDE_DICTIONARY.search(text)) or _entry_across(text, position)


def alone_in_dictionary(text: str, position: int) -> bool:
    """True when no entry of two or more characters of the dictionary holds the character at
    ``position``: for an ideograph, ``words(text)`` (without HMM) then gives it as a word of
    its own (the runs jieba joins outside its dictionary hold no ideograph), for a few
    dictionary look-ups instead of segmenting ``text``."""
    return not (_entry_across(text, position) or _entry_across(text, position + 1))


def _entry_across(text: str, position: int) -> bool:
    """True when an entry of the dictionary spans ``position`` (a character on either side),
    read as jieba reads it to build its word graph."""
    freq = _jieba().dt.FREQ  # word → count; the prefixes of words are held with count 0
    for start in range(position):
        end, fragment = start + 1, text[start]
        while fragment in freq:
            if end > position and freq[fragment]:
                return True
            if end == len(text):
                break
            end += 1
            fragment = text[start:end]
    return False


def runs(text: str) -> Iterator[tuple[int, str]]:
    """(start, run) of the pieces the segmenter cuts one by one: the words of ``words(run)``
    are the words that segmenting all of ``text`` gives there, for the cost of one run.

    jieba splits a text at the ends of the runs of its ``re_han_default`` (ideographs,
    letters, digits, +#&._%-), segments each run on its own and cuts anything else into
    characters; its own pattern is used, so the runs are always the segmenter's."""
    for match in _jieba().re_han_default.finditer(text):
        yield match.start(), match.group()


def word_crosses(left: str, right: str, window: int = 4) -> bool:
    """True when a dictionary word spans the boundary between ``left`` and ``right``.

    Used to tell a paragraph cut inside a word (气温变 | 化成为 → 变化) from a title
    followed by a new paragraph.
    """
    head, tail = left[-window:], right[:window]
    if not head or not tail:
        return False
    position = 0
    for word in words(head + tail):
        end = position + len(word)
        if position < len(head) < end and len(word) > 1:
            return True
        position = end
    return False


@functools.cache
def _posseg():
    _jieba()
    import jieba.posseg

    return jieba.posseg


@functools.lru_cache(maxsize=1 << 14)  # asked of short candidate names, which recur
def is_common_word(text: str) -> bool:
    """True when the dictionary knows ``text`` as one word that is not a person's name
    (全面, 王牌); names it knows (tagged nr) and unknown strings are not common words."""
    tagged = _posseg().lcut(text, HMM=False)
    return len(tagged) == 1 and not tagged[0].flag.startswith("nr")


@functools.lru_cache(maxsize=1 << 14)  # asked of the short runs before organisation suffixes, which recur
def tagged_words(text: str, guess_new_words: bool = False) -> tuple[tuple[str, str], ...]:
    """(word, part-of-speech tag) pairs of ``text`` from jieba.posseg (nr: a person's name,
    v: a verb, p: a preposition …)."""
    return tuple((pair.word, pair.flag) for pair in _posseg().lcut(text, HMM=guess_new_words))

