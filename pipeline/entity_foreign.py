"""Places abroad that the knowledge base does not list, named right after their country
(德国图林根州) or after such a place (图林根州的埃尔福特市): cues in ``rules/entities.yaml``,
``foreign_places``."""
from __future__ import annotations

import functools
from typing import NamedTuple

import regex

from .rules import RuleEntry, load_fields


class ForeignPlaceRules(RuleEntry):
    pattern: str
    after_place: list[str]
    not_names: list[str]


class _Section(RuleEntry):
    foreign_places: ForeignPlaceRules


class _Compiled(NamedTuple):
    name: regex.Pattern
    after_place: tuple[str, ...]
    not_names: frozenset[str]


@functools.cache
def _compiled() -> _Compiled:
    rules = load_fields("entities.yaml", _Section).foreign_places
    return _Compiled(regex.compile(rules.pattern), tuple(rules.after_place), frozenset(rules.not_names))


def foreign_places(text: str, countries: list[tuple[int, int]], taken: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """(start, end, name) of the places abroad named right after one of ``countries`` (the
    spans of foreign countries in ``text``), each place found making the next one after it
    and 的 a place too; none overlapping a ``taken`` span."""
    c = _compiled()
    out: list[tuple[int, int, str]] = []
    for _, end in countries:
        at = end
        while True:
            match = c.name.match(text, at)
            if match is None or match.group() in c.not_names or any(s < match.end() and match.start() < e for s, e in taken):
                break
            out.append((match.start(), match.end(), match.group()))
            joiner = next((j for j in c.after_place if text.startswith(j, match.end())), None)
            if joiner is None:
                break
            at = match.end() + len(joiner)
    return out
