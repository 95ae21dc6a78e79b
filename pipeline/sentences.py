"""Sentence splitting for Chinese news paragraphs (rules: ``rules/sentences.yaml``).

A sentence ends at a terminal mark (。！？), an ellipsis run or a clause-list semicolon,
together with the closing quotes and brackets that follow it. It does not end inside a
quotation or bracket that closes later in the paragraph, nor at a quotation followed by
its speaker (“……。”王彩云说), nor at the point of a decimal (1.35).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import regex

from pydantic import Field

from .rules import RuleEntry, load_section


class SplittingRules(RuleEntry):
    terminals: str
    list_separators: str
    ellipsis: str
    closers: str
    openers_to_closers: dict[str, str]
    speaker_after_quote: str
    continuation_initial: str
    utterance_start: str
    max_sentence_chars: int = Field(ge=100)
    long_sentence_breaks: str


@dataclass(frozen=True)
class _Compiled:
    rules: SplittingRules
    marks: regex.Pattern
    single_marks: re.Pattern  # ``marks`` without the ellipsis: the same matches in a text without one
    ellipsis: regex.Pattern
    speaker: regex.Pattern
    closer_of: dict[str, str]
    closers: frozenset[str]
    bracket_closers: frozenset[str]  # the closers that pair with an opener


@functools.cache
def _compiled() -> _Compiled:
    rules = load_section("sentences.yaml", "splitting", SplittingRules)
    brackets = "".join(rules.openers_to_closers) + "".join(rules.openers_to_closers.values())
    single_marks = rules.terminals + rules.list_separators + "." + brackets
    return _Compiled(
        rules=rules,
        marks=regex.compile(f"{rules.ellipsis}|[{regex.escape(single_marks)}]"),
        single_marks=re.compile(f"[{re.escape(single_marks)}]"),
        ellipsis=regex.compile(rules.ellipsis),
        speaker=regex.compile(rules.speaker_after_quote),
        closer_of=dict(rules.openers_to_closers),
        closers=frozenset(rules.closers),
        bracket_closers=frozenset(rules.openers_to_closers.values()),
    )


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of one paragraph, white space trimmed."""
    c = _compiled()
    rules = c.rules
    closer_of, closers, terminals = c.closer_of, c.closers, rules.terminals  # locals: read per mark
    marks = _marks(text, c)  # one scan, brackets included: _balanced reads them from the list
    balanced = _balanced(marks, c)
    spans: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []  # (expected closer, opener offset)
    start = position = 0
    run_end = -1  # where the last scanned run of terminal marks and closers ends
    n = len(text)
    for mark_start, end, mark in marks:
        if mark_start < position:
            continue  # already consumed as part of a sentence end
        if mark in closer_of and balanced:
            stack.append((closer_of[mark], mark_start))
            continue
        if stack and mark == stack[-1][0]:
            _, opened = stack.pop()
            # A quotation or bracket that closes right after a terminal ends the sentence
            # with it (他说：“明天见。”), when it was opened where an utterance can start.
            # Bounded look-behind windows: slicing to the paragraph start would make long
            # paragraphs quadratic.
            before = text[max(start, mark_start - 8) : mark_start].rstrip(rules.closers)
            opener_context = text[max(start, opened - 8) : opened].rstrip()
            if stack or not before or not (before[-1] in terminals or c.ellipsis.search(before[-3:])):
                continue
            if opener_context and opener_context[-1] not in rules.utterance_start:
                continue
        elif mark in closers or mark in closer_of:
            continue
        elif mark == "." and (end < n and not text[end].isspace() or mark_start and text[mark_start - 1].isdigit()):
            continue  # a decimal point, an abbreviation or a domain name
        elif stack:
            continue  # inside a quotation or bracket that closes later
        if end < run_end:
            # Inside a run of marks already scanned (。。。。，然后): the scan below depends only
            # on the position (the stack is empty here), so this mark's run ends where that
            # one did. Scanning again from every mark of a run is quadratic in its length.
            end = run_end
        else:
            while end < n and (text[end] in closers or text[end] in terminals):
                if text[end] in closers and not (stack and text[end] == stack[-1][0]) and text[end] in c.bracket_closers and balanced:
                    break
                end += 1
            run_end = end
        rest = text[end : end + 40]  # bounded look-ahead (see above)
        if rest and rest[0] in rules.continuation_initial:
            continue
        if text[end - 1] in c.closers and c.speaker.match(rest):
            continue  # “……。”王彩云说。 — the quotation and its speaker are one sentence
        if rest and not _starts_new(rest) and c.ellipsis.fullmatch(mark):  # the cheap test first
            continue
        _append(spans, text, start, end)
        start = position = end
    _append(spans, text, start, n)
    limit = rules.max_sentence_chars
    if any(end - start > limit for start, end in spans):
        return _bounded(spans, text, limit, rules.long_sentence_breaks)
    return spans


def _bounded(spans: list[tuple[int, int]], text: str, limit: int, breaks: str) -> list[tuple[int, int]]:
    """``spans`` with every span longer than ``limit`` cut into pieces of at most ``limit``."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        while end - start > limit:
            window = start + limit
            cut = max(text.rfind(b, start + limit // 2, window) for b in breaks) + 1
            if cut <= 0:  # no clause break: at the limit, but not inside a number or a word
                cut = window
                while cut > start + limit // 2 and text[cut - 1].isalnum() and text[cut].isalnum() \
                        and text[cut].isascii():
                    cut -= 1
                if cut == start + limit // 2:  # one long run of digits or letters: cut it anyway
                    cut = window
            _append(out, text, start, cut)
            start = cut
        _append(out, text, start, end)
    return out


def _marks(text: str, c: _Compiled) -> list[tuple[int, int, str]]:
    """(start, end, mark) of every match of ``c.marks`` in ``text``, in order."""
    # Most paragraphs hold no ellipsis, and then every mark is a single character, which `re`
    # finds with a character class at half the cost of `regex` trying the ellipsis first.
    pattern = c.marks if c.ellipsis.search(text) else c.single_marks
    return [(match.start(), match.end(), match.group()) for match in pattern.finditer(text)]


def _starts_new(rest: str) -> bool:
    """After an ellipsis, a new sentence starts unless the text is plainly a continuation."""
    return not rest[0] in "，,、等的"


def _balanced(marks: list[tuple[int, int, str]], c: _Compiled) -> bool:
    """True when every quotation/bracket opened in the paragraph is closed in order
    (``marks``: the paragraph's (start, end, mark), brackets among them)."""
    stack: list[str] = []
    for _, _, mark in marks:
        if mark in c.closer_of:
            stack.append(c.closer_of[mark])
        elif mark in c.bracket_closers and (not stack or stack.pop() != mark):
            return False
    return not stack


def _append(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def load_rules() -> None:
    _compiled()
