"""Names in Latin script inside Chinese text (LG Chem, Northvolt): organisations where the
text says so (cues: ``rules/entities.yaml``, ``latin_names``)."""
from __future__ import annotations

import functools
from typing import NamedTuple

import regex

from .rules import RuleEntry, alternation, load_fields


class LatinNameRules(RuleEntry):
    pattern: str
    org_before: list[str]
    org_after: list[str]
    list_joiners: list[str]
    not_names: list[str]


class _Section(RuleEntry):
    latin_names: LatinNameRules


class _Compiled(NamedTuple):
    names: regex.Pattern
    before: regex.Pattern  # a company word ending the text before a name
    after: regex.Pattern  # a company word or a company's act right after a name
    joiner: regex.Pattern  # a list joiner, the whole gap between two names
    not_names: frozenset[str]


@functools.cache
def _compiled() -> _Compiled:
    rules = load_fields("entities.yaml", _Section).latin_names
    return _Compiled(names=regex.compile(rules.pattern),
                     before=regex.compile(f"(?:{alternation(rules.org_before)})$"),
                     after=regex.compile(alternation(rules.org_after)),
                     joiner=regex.compile(f"(?:{alternation(rules.list_joiners)})"),
                     not_names=frozenset(rules.not_names))


def latin_organisations(text: str, known: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """(start, end, name) of the Latin-script organisations of ``text`` that no ``known``
    (start, end, kind) mention covers; an ORG among ``known`` makes a name listed beside it one."""
    if not any("A" <= ch <= "Z" for ch in text):  # (most sentences have no capital letter)
        return []
    c = _compiled()
    out = []
    for match in c.names.finditer(text):
        start, end = match.span()
        name = match.group()
        if name in c.not_names or len(name) < 2 or any(s < end and start < e for s, e, _ in known):
            continue
        cued = (c.before.search(text, max(0, start - 4), start) is not None
                or c.after.match(text, end) is not None
                or any(kind == "ORG" and (c.joiner.fullmatch(text, e, start) or c.joiner.fullmatch(text, end, s))
                       for s, e, kind in known))
        if cued:
            out.append((start, end, name))
    return out
