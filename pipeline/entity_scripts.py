"""Names in both scripts: the knowledge base and the cue words are written in simplified
characters; a page in traditional characters (臺灣, 國家統計局, 說) is matched through the
traditional forms of the same words, and ids made from a page's own text (org:, per:) are
written in simplified characters like the base's (GOLD.md: traditional text has the same
ids as simplified text). opencc converts the whole word list once, at start-up (~0.15 s).
"""
from __future__ import annotations

import functools
from collections.abc import Iterable


@functools.cache
def _converters():
    import opencc

    return opencc.OpenCC("s2t"), opencc.OpenCC("s2tw"), opencc.OpenCC("t2s")


def traditional_forms(words: Iterable[str]) -> dict[str, str]:
    """Traditional form → the simplified word, for every word whose forms differ (台湾 →
    臺灣 and, in Taiwan's usage, 台灣)."""
    words = list(words)
    if not words:
        return {}
    out: dict[str, str] = {}
    joined = "\n".join(words)
    for converter in _converters()[:2]:
        for word, form in zip(words, converter.convert(joined).split("\n")):
            for variant in (form, form.replace("臺", "台")):  # 台灣: the everyday form of 臺
                if variant != word:
                    out.setdefault(variant, word)
    return out


def with_traditional(words: Iterable[str]) -> list[str]:
    words = list(words)
    return list(dict.fromkeys([*words, *traditional_forms(words)]))


@functools.lru_cache(maxsize=1 << 14)
def simplified(text: str) -> str:
    """``text`` in simplified characters (for ids made from a page's own words)."""
    if text.isascii():
        return text
    return _converters()[2].convert(text)
