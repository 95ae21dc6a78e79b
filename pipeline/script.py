"""Traditional characters: a simplified view of a text, one character for one.

Every rule, unit and knowledge-base name is written in simplified characters. A page in
traditional characters (Hong Kong, Taiwan, Macao) is analysed through its simplified view,
made by OpenCC's ``t2s`` conversion: 億元 → 亿元, 廣東省 → 广东省, 增長 → 增长. The view has
the same length as the text and each character stands where it stood, so every offset
found in the view is an offset in the text as written, and the output gives the text as
written (``restore``).

OpenCC converts by phrase (頭髮 → 头发 but 乾隆 stays 乾隆), so a line is converted whole;
a line whose conversion changes its length (rare: a phrase mapped to one of another
length) is converted character by character instead, each character only to a single
character (a character whose conversion is longer or shorter is kept as written).

A text without any character that converts is its own view (one pattern search), so
simplified text pays nothing.
"""
from __future__ import annotations

import functools
import re


@functools.cache
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


@functools.cache
def _traditional() -> tuple[re.Pattern, dict[int, int]]:
    """Characters that OpenCC converts to one other character, and the table of their
    simplified forms (a character's conversion alone, out of any phrase)."""
    chars = [chr(c) for c in range(0x3400, 0xA000)]
    converted = _converter().convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # the dictionary joined or split a line: use none of it
        return re.compile("(?!)"), {}
    table = {ord(t): ord(s) for t, s in zip(chars, converted) if len(s) == 1 and s != t}
    return re.compile("[" + "".join(map(chr, table)) + "]"), table


def has_traditional(text: str) -> bool:
    """Whether any character of ``text`` has another simplified form."""
    return _traditional()[0].search(text) is not None


def simplified_view(text: str) -> str:
    """``text`` read in simplified characters, one character for one (the same object when
    nothing converts)."""
    pattern, table = _traditional()
    if not pattern.search(text):
        return text
    lines = text.split("\n")
    converted = _converter().convert(text).split("\n")
    if len(converted) != len(lines):
        return text.translate(table)
    view = [c if len(c) == len(line) else line.translate(table) for line, c in zip(lines, converted)]
    return "\n".join(view)


def traditional_share(text: str) -> float:
    """The share of ``text``'s characters that are traditional forms."""
    pattern, _ = _traditional()
    return len(pattern.findall(text)) / len(text) if text else 0.0


def restore(value: str, view: str, written: str, near: int = 0, back: dict[str, str] | None = None) -> str:
    """``value`` (a string taken from ``view``) as written: the characters of ``written``
    where ``value`` stands in ``view`` (its first place from ``near``, else anywhere). A
    value not found whole (built from pieces: 比…增长) is restored character by character
    through ``back`` (``back_table``) when given; otherwise it is returned unchanged (a
    name from the knowledge base)."""
    if not value or view is written:
        return value
    at = view.find(value, near)
    if at < 0:
        at = view.find(value)
    if at >= 0:
        return written[at:at + len(value)]
    return "".join(back.get(c, c) for c in value) if back else value


def back_table(view: str, written: str) -> dict[str, str]:
    """Each simplified character of ``view`` and the character ``written`` has in its place
    (the first one met: a page writes a word one way)."""
    back: dict[str, str] = {}
    for v, w in zip(view, written):
        if v != w:
            back.setdefault(v, w)
    return back


def load() -> None:
    _traditional()
