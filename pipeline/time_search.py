"""The time expressions' search in the standard library's engine, for a text of the Basic
Multilingual Plane (times.py keeps regex's for any other): the rules' expressions tried only
where one can start, and a publication date's pattern searched only near the words every
match of it holds. Each gives the matches regex's search of the whole text gives
(tests/test_times.py compares them)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .bmp_regex import characters_every_match_holds, first_characters, for_re, literal_runs, widest_match
from .rules import any_character


@dataclass(frozen=True)
class FastSearch:
    """The search in the standard library's engine, for a text of the Basic Multilingual
    Plane (see fast_search): the same matches as regex's search of the rules (times.py) in
    a third less time in the pipeline, where the other stages push the search out of the
    processor's caches between two documents (regex's compiled search takes about a
    megabyte, this one a fifth of it), and regex tries every position of a window where the
    standard library's engine skips at once to a character an expression starts with.

    At a candidate, the expressions are tried one by one, in order, as the whole search's
    alternation tries them there, but only those that can match: whose match can start
    with the candidate's character and whose characters the window holds (a 2024年 in a
    window without 月 or 季 is tried by six expressions of the 36, not by all)."""
    candidates: re.Pattern  # a position where an expression may start: a character one starts with, and `starts`
    # a character an expression may start with → those that may, each alone in its group r0,
    # r1 … (without `starts`: the candidate matched it), with the characters every match of it
    # holds, in order
    starting_with: dict[str, tuple[tuple[re.Pattern, frozenset[str]], ...]]
    held_anywhere: re.Pattern  # a character that every match of some expression holds
    groups: tuple[dict[str, tuple[str, ...]], ...]  # per expression: a group's name → its groups in the search
    # (a candidate's character, the window's `held_anywhere` characters) → the expressions
    # to try there, in order: filled on first use, a function of the rules alone
    to_try: dict[tuple[str, frozenset[str]], tuple[re.Pattern, ...]]

    def expressions_for(self, character: str, window_holds: frozenset[str]) -> tuple[re.Pattern, ...]:
        key = (character, window_holds)
        found = self.to_try.get(key)
        if found is None:
            found = self.to_try[key] = tuple(
                expression for expression, held in self.starting_with.get(character, ()) if held <= window_holds)
        return found


@dataclass(frozen=True)
class Stretches:
    """Where in a text a match of a pattern can lie: near one of the words every match holds
    (a publication date's 日电 …, 时间, 日期, 来源 …), which a page holds in few places."""
    # the words, one search per first character, which finds each place of one (the search
    # for a character, the rest looked ahead, runs several times as fast as one for a class)
    words: tuple[re.Pattern, ...]
    width: int  # the widest match

    def of(self, text: str) -> list[list[int]]:
        """The stretches of ``text`` within ``width`` characters of a word, in order, those
        that meet joined."""
        out: list[list[int]] = []
        for at in sorted(word.start() for search in self.words for word in search.finditer(text)):
            a, b = max(0, at - self.width), min(len(text), at + self.width)
            if out and a <= out[-1][1]:
                out[-1][1] = b
            else:
                out.append([a, b])
        return out


def stretches_of_matches(pattern: re.Pattern | None) -> Stretches | None:
    """The stretches of a publication date's pattern: near the words of its run of literal
    strings without a digit (a date's digits are on many lines of a page, the words around
    it on few), the run of the longest shortest string. None when no run has none, or the
    pattern looks beyond its match (then it is searched in the whole text)."""
    width = None if pattern is None else widest_match(pattern.pattern)
    if width is None:
        return None
    runs = [run for run in literal_runs(pattern.pattern) if not any(ch.isdigit() for word in run for ch in word)]
    if not runs:
        return None
    words = max(runs, key=lambda run: min(map(len, run)))
    by_first = {first: sorted(word[1:] for word in words if word[0] == first) for first in sorted({w[0] for w in words})}
    return Stretches(tuple(re.compile(f"{re.escape(first)}(?={'|'.join(map(re.escape, rests))})")
                            for first, rests in by_first.items()), width)


def fast_search(starts_pattern: str, patterns: list[str]) -> FastSearch | None:
    """The search of ``patterns`` (expanded), in order, in the standard library's engine,
    tried only where one of them can start: at a character that one starts with, where
    ``starts_pattern`` matches."""
    starts = for_re(starts_pattern, "s")
    if starts is None:
        return None
    expressions, firsts, held, groups = [], [], [], []
    for i, pattern in enumerate(patterns):
        translated = for_re(pattern, f"r{i}g")
        if translated is None:
            return None
        first = first_characters(translated[0])
        if first is None:
            return None
        try:
            expressions.append(re.compile(f"(?P<r{i}>{translated[0]})"))
        except re.error:  # (a lookbehind of no fixed width: regex's syntax)
            return None
        firsts.append(first)
        held.append(frozenset(characters_every_match_holds(translated[0])))
        by_name: dict[str, tuple[str, ...]] = {}
        for n, name in enumerate(translated[1]):
            by_name[name] = (*by_name.get(name, ()), f"r{i}g{n}")
        groups.append(by_name)
    try:
        # (the character first: the engine then skips at once the positions where it is not)
        candidates = re.compile(f"{any_character(set().union(*firsts)).pattern}(?<=(?={starts[0]})[\\s\\S])")
    except re.error:
        return None
    starting_with = {character: tuple((expression, chars) for expression, first, chars in zip(expressions, firsts, held)
                                      if character in first)
                     for character in set().union(*firsts)}
    return FastSearch(candidates, starting_with, any_character(set().union(*held)), tuple(groups), {})


def search_stretches(pattern: re.Pattern, stretches: Stretches | None, text: str) -> re.Match | None:
    """``pattern.search(text)``, run only in the stretches of the text where a match can lie
    (the same first match: every match lies in a stretch, the stretches are searched in
    order, and the pattern, which looks at nothing beyond its match, matches a stretch
    where the whole text holds it as it matches there in the whole text)."""
    if stretches is None:
        return pattern.search(text)
    for a, b in stretches.of(text):
        match = pattern.search(text, a, b)
        if match is not None:
            return match
    return None
