"""Person names the segmenter tags (jieba.posseg ``nr``), where the context says person.

The regular patterns of ``entities`` find a name after a role word or at a clause start
before a speech verb. This finds the rest: a name the tagger marks as a person's name right
before a speech verb, a title or 先生/女士 (据张忠向本报介绍 → 张忠, cut where the tagger cuts,
not at a fixed length). Only the few characters before each cue are tagged, so a sentence
costs a handful of cached look-ups, not a tagging pass. Guards: the name starts with a
surname, is two to four characters, and is not an ordinary word of the dictionary.
"""
from __future__ import annotations

from .segment import is_common_word, tagged_words

WINDOW = 6  # characters before a cue that the tagger sees


def tagged_names(text: str, cue_starts: list[int], surname_starts: tuple[str, ...], initials: frozenset[str],
                 not_names: list[str]) -> list[tuple[int, int, str]]:
    """(start, end, name) of person names ending right before a cue at ``cue_starts``;
    ``initials``: the first characters of ``surname_starts``."""
    out = []
    for position in cue_starts:
        window = text[max(0, position - WINDOW) : position]
        if not window or initials.isdisjoint(window[-4:-1]):
            continue  # no surname two to four characters before the cue: no name ends here
        tagged = tagged_words(window, True)
        if not tagged:
            continue
        word, tag = tagged[-1]
        if len(word) == 1 and len(tagged) > 1 and tagged[-2][1].startswith("nr") and len(tagged[-2][0]) <= 2:
            word, tag = tagged[-2][0] + word, "nr"  # 王|国珍: the given name split off
        if not tag.startswith("nr") or not 2 <= len(word) <= 4 or word[0] not in initials \
                or not word.startswith(surname_starts):
            continue
        if any(bad in word for bad in not_names) or is_common_word(word):
            continue
        out.append((position - len(word), position, word))
    return out
