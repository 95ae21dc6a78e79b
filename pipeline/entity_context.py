"""Which division a shared name means on this page (朝阳区, 鼓楼区, 大同, 南山), and
whether a county's short form (双流, 五台, but also 新建, 惠民, 同心) names the county at all.

A county's bare stem is a mention only on a page that names a division above it (its
prefecture or province, or a sibling county, which names the prefecture): 2,800 stems
include hundreds of ordinary words and given names, and a page about 成都 that writes 双流
means the district, while 新建 on a page about 包头 is the verb.

A name that several divisions carry is linked by the page, never by a guess:

1. the candidate that most of its own ancestors (its prefecture, its province) share with
   the places the page names unambiguously — a parent named on the page, or a sibling
   (福田区 makes 深圳市 the page's, so 南山区 is Shenzhen's); the deeper the shared
   ancestor, the stronger;
2. without any such support, the one candidate of a higher level than all others (大同 alone
   is the prefecture 大同市, not Daqing's 大同区), because a bare name of a city is read as
   the city;
3. otherwise no id at all.
"""
from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Iterable

from .kb import KnowledgeBase

LEVEL_RANK = {"country": 0, "province": 1, "prefecture": 2, "county": 3, "township": 4}


def page_places(kb: KnowledgeBase, unambiguous_ids: Iterable[str]) -> frozenset[str]:
    """The divisions a page names, with every ancestor of each (the country left out: every
    division shares it)."""
    places: set[str] = set()
    for entity_id in unambiguous_ids:
        if entity_id.startswith("adm:"):
            places.add(entity_id)
            places.update(a for a in kb.ancestor_chains.get(entity_id, ()) if a.startswith("adm:"))
    return frozenset(places)


def county_stems(kb: KnowledgeBase) -> frozenset[str]:
    """The surfaces that are stems of county-level names only (五台 of 五台县, 新建 of 新建区);
    press abbreviations (科左后旗, 准旗) are not stems and need no context. No dictionary
    tells the stems that are names from the ones that are words: 浑源 and 双流 are as rare
    in jieba's dictionary as 乐业 (安居乐业) and 双城 (双城经济圈)."""
    stems = set()
    for surface, ids in kb.surfaces.items():
        entries = [kb.entries[i] for i in ids]
        if all(e.level == "county" and e.id.startswith("adm:") and surface != e.name and e.name.startswith(surface)
               for e in entries):
            stems.add(surface)
    return frozenset(stems)


def supported(candidate: str, places: frozenset[str], kb: KnowledgeBase) -> bool:
    """True when the page names a division above ``candidate`` (the country aside)."""
    return any(a in places for a in kb.ancestor_chains.get(candidate, ()))


def resolve_homonym(candidates: tuple[str, ...], places: frozenset[str], kb: KnowledgeBase) -> str | None:
    """The division that ``candidates`` (the ids of one shared surface) means on a page
    naming ``places`` (``page_places``), or None."""
    support = {c: sum(1 for a in kb.ancestor_chains.get(c, ()) if a in places) for c in candidates}
    best = max(support.values())
    if len(candidates) == 1:
        return candidates[0]
    if best > 0:
        winners = [c for c, n in support.items() if n == best]
        return winners[0] if len(winners) == 1 else None
    ranks = sorted((LEVEL_RANK.get(kb.entries[c].level or "", 9), c) for c in candidates)
    if len(ranks) > 1 and ranks[0][0] < ranks[1][0]:
        return ranks[0][1]
    return None


_QUOTED = re.compile("[“\"]([\u4e00-\u9fff]{2,4})[”\"]")


def page_quoted_abbreviations(texts: list[str], province: str | None,
                               kb: KnowledgeBase) -> dict[int, list[tuple[int, str]]]:
    """(position, id) of the divisions a quoted run of one-character abbreviations names in
    each of ``texts`` (a page's sentences) that has any, by the text's index, on a page about
    ``province`` (“黎从榕” on a page about 贵州: 黎平县, 从江县, 榕江县): every character must
    start the name of exactly one prefecture or county of that province, else the quote is
    a phrase (“桥头堡”) and nothing is read. One search over the texts joined by a line
    break, which no quote match holds (each text's matches are its own), not one per text."""
    if province is None:
        return {}
    index = _first_characters(province)
    joined = "\n".join(texts)
    if not index or not any(quote.search(joined) for quote in _quoted_initials(province)):
        return {}  # (most pages: no quote holds only the province's initials, so none is read)
    starts = list(itertools.accumulate([len(text) + 1 for text in texts], initial=0))  # of each in the joined text
    out: dict[int, list[tuple[int, str]]] = {}
    for match in _QUOTED.finditer(joined):
        run = match.group(1)
        if run in kb.surfaces or run[0] not in index:  # (most quotes fail at their first character)
            continue
        ids = [index.get(char) for char in run]
        if all(ids):
            at = bisect.bisect_right(starts, match.start()) - 1
            out.setdefault(at, []).extend((match.start(1) - starts[at] + i, entity_id) for i, entity_id in enumerate(ids))
    return out


@functools.cache
def _quoted_initials(province: str) -> tuple[re.Pattern, re.Pattern]:
    """A quote of two to four of ``_first_characters(province)``, opened by “ and by ":
    every quote that page_quoted_abbreviations reads is one, so a search for each passes
    over a page without any (most pages), not a look at each of its quotes. One pattern per
    opening mark: re skips to a literal first character in a fast scan, where it tests a
    class of two at each character (the two searches ten times as fast as one)."""
    initials = re.escape("".join(_first_characters(province)))
    return re.compile(f"“[{initials}]{{2,4}}[”\"]"), re.compile(f"\"[{initials}]{{2,4}}[”\"]")


@functools.cache
def _first_characters(province: str) -> dict[str, str]:
    """First character → the one division of ``province`` whose name starts with it."""
    from .kb import knowledge_base

    kb = knowledge_base()
    seen: dict[str, list[str]] = {}
    for entry in kb.entries.values():
        if entry.id.startswith("adm:") and entry.level in ("prefecture", "county") and province in (
                entry.parent, *kb.ancestor_chains.get(entry.id, ())):
            seen.setdefault(entry.name[0], []).append(entry.id)
    return {char: ids[0] for char, ids in seen.items() if len(ids) == 1}
