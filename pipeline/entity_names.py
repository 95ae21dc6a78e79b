"""Official names of government and party bodies (rules/entities.yaml canonical_bodies).

贵州省政府 → 贵州省人民政府, 中共深圳市委 → 中国共产党深圳市委员会, 广东统计局 → 广东省统计局,
and, with a bare level word, 省政府 / 市委 → the body of the province or city the section or
page is about (the linker resolves the level as it resolves 全省). The place mention inside
the body's name is part of the one mention (nested names stay one mention).
"""
from __future__ import annotations

import bisect
import functools
import itertools
import operator
from typing import NamedTuple

import ahocorasick_rs

from .entity_scripts import simplified
from .rules import RuleEntry, load_entries, load_fields


class Body(RuleEntry):
    written: list[str]
    full: str
    prefix: str | None = None


class NameRules(RuleEntry):
    canonical_not_after: str
    canonical_levels: dict[str, str]
    legal_forms: list[str]
    name_heads: list[str]
    short_form_min_chars: int


class BodyFound(NamedTuple):
    start: int
    end: int
    template: str  # the full name with {place}
    place_ids: tuple[str, ...]  # the division written before the body, or ()
    level: str | None  # the bare level word's level, when no division is written


@functools.cache
def _compiled():
    bodies = load_entries("entities.yaml", "canonical_bodies", Body)
    rules = load_fields("entities.yaml", NameRules)
    templates: dict[str, tuple[str, str | None]] = {}
    for body in bodies:
        for word in body.written:
            templates[word] = (body.full.replace("{written}", word), body.prefix)
    words = list(templates)
    automaton = ahocorasick_rs.AhoCorasick(words, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
    levels = sorted(rules.canonical_levels.items(), key=lambda kv: -len(kv[0]))
    return automaton, words, templates, rules, levels


def load_rules() -> None:
    _compiled()


def body_words() -> list[str]:
    """The body words (政府, 委, 统计局 …): the entity stage's cue automaton looks for them."""
    return list(_compiled()[1])


def find_bodies(text: str, places: list) -> list[BodyFound]:
    """Bodies in one sentence. ``places``: the sentence's knowledge-base mentions of
    divisions (objects with start, end, ids)."""
    automaton, words, templates, rules, levels = _compiled()
    out = []
    for pattern, start, end in automaton.find_matches_as_indexes(text):
        if end < len(text) and text[end] in rules.canonical_not_after:
            continue  # 委员, 委托
        template, prefix = templates[words[pattern]]
        # the division right before, or before its own level word (深圳|市委: the segmenter
        # cut 深圳市 before 市委)
        place = next((p for p in places if p.end == start or (p.end < start and text[p.end:start] in rules.canonical_levels)), None)
        if place is not None:
            begin = place.start
            if prefix and text[max(0, begin - len(prefix)):begin] == prefix:
                begin -= len(prefix)
            out.append(BodyFound(begin, end, template, place.ids, None))
            continue
        for word, level in levels:
            begin = start - len(word)
            if begin >= 0 and text[begin:start] == word and (begin == 0 or not _is_han(text[begin - 1])
                                                                 or text[begin - 1] in "的在和与及由对向经据"):
                out.append(BodyFound(begin, end, template, (), level))
                break
    return out


def _is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def full_name(template: str, place_name: str) -> str:
    return template.replace("{place}", place_name)


def starts_body(rest: str) -> bool:
    """True when ``rest`` starts with a body word or a level word (贵州|省政府, 深圳|市委): a
    word of the segmenter that runs from a place into a body keeps the place a mention."""
    automaton, words, templates, rules, levels = _compiled()
    return rest.startswith(tuple(rules.canonical_levels)) or rest.startswith(tuple(words)) \
        or rest.startswith(tuple(rules.name_heads))


def _legal_stem(name: str, rules: NameRules) -> str | None:
    forms = _legal_forms()
    if not name.endswith(forms):
        return None
    for form in forms:  # longest first
        if name.endswith(form) and len(name) > len(form):
            return name[: -len(form)]
    return None


@functools.cache
def _legal_forms() -> tuple[str, ...]:
    return tuple(sorted(_compiled()[3].legal_forms, key=len, reverse=True))


def page_names(entities: dict[str, dict], kb) -> None:
    """A base company the page never writes in full takes the fullest form the page uses
    as its id and name (GOLD.md: the full registered name when the page gives it)."""
    rules = _compiled()[3]
    renamed = {}
    fullest_ids = _fullest_ids()
    for key, entity in entities.items():
        if entity["id"] not in fullest_ids:
            continue
        entry = kb.get(entity["id"])
        written = {m["text"] for m in entity["mentions"]}
        if entry.name in written or any(_legal_stem(w, rules) is not None for w in written):
            continue  # the page writes the registered name (in full, or a bracket variant)
        fullest = max(written, key=lambda w: (len(w), w))
        renamed[key] = fullest
    for key, fullest in renamed.items():
        entities[key]["id"] = f"org:{simplified(fullest)}"
        entities[key]["name"] = fullest


@functools.cache
def _fullest_ids() -> frozenset[str]:
    """The ids of the base whose page id is the fullest form a page uses (most pages name none)."""
    from .kb import knowledge_base

    return frozenset(entry.id for entry in knowledge_base().entries.values() if entry.page_id == "fullest")


def short_form_mentions(entities: dict[str, dict], sentences, places_in) -> bool:
    """Mentions of page-local short forms: a company written in full (天齐锂业股份有限公司)
    makes its stem (天齐锂业), and the stem without a leading division (四川|天齐锂业), a
    mention wherever the page writes it alone. ``places_in(name)``: the length of a leading
    division name in ``name``, or 0. True when mentions were added."""
    rules = _compiled()[3]
    stems: dict[str, str] = {}
    # Where each form stands inside the full name it was cut from: no mention there (the full
    # name is one), known without a look at the page's other mentions. Most pages write
    # their short forms nowhere else, and gather those mentions (_Spans) for nothing.
    in_full_names: set[tuple[int, int]] = set()
    for key, entity in entities.items():
        if entity["type"] != "ORG":
            continue
        for m in entity["mentions"]:
            stem = _legal_stem(m["text"], rules)
            if not stem:
                continue
            place = places_in(stem)
            for form, at in ((stem, m["start"]), (stem[place:], m["start"] + place)):
                if len(form) >= rules.short_form_min_chars:
                    in_full_names.add((at, at + len(form)))
                    if form not in stems:
                        stems[form] = key
    if not stems:
        return False
    added = False
    taken = None  # the page's mention spans, gathered at the first form written elsewhere
    forms = list(stems)
    # one search over the page: the sentences joined by a separator no name holds
    texts = [sentence.text for sentence in sentences]
    starts = list(itertools.accumulate([len(text) + 1 for text in texts], initial=0))  # of each in the joined text
    for pattern, start, end in _leftmost_longest(forms, "\n".join(texts)):
        index = bisect.bisect_right(starts, start) - 1
        shift = sentences[index].start - starts[index]
        a, b = start + shift, end + shift
        if stems[forms[pattern]] not in entities:
            continue
        if (a, b) in in_full_names:
            continue  # inside its full name (still a mention: forms found never overlap, so none held it)
        if taken is None:
            # (itemgetter over the chained mention lists: the spans without a Python step per mention)
            taken = _Spans(map(_SPAN, itertools.chain.from_iterable(e["mentions"] for e in entities.values())))
        overlapping = taken.overlapping(a, b)
        if any(not (a <= s and e <= b and (s, e) != (a, b)) for s, e in overlapping):
            continue  # inside the full name, or across another mention
        if overlapping:  # 晶安新材料 holds 安新: the nested name is no mention of its own
            _drop_mentions(entities, set(overlapping))
            taken.remove(overlapping)
        entities[stems[forms[pattern]]]["mentions"].append({"start": a, "end": b, "text": forms[pattern]})
        taken.add((a, b))
        added = True
    return added


_SPAN = operator.itemgetter("start", "end")


def _leftmost_longest(words: list[str], text: str) -> list[tuple[int, int, int]]:
    """(index of the word, start, end) of the words in ``text`` as an Aho-Corasick automaton
    finds them leftmost-longest: each match starts at the leftmost place any word occurs
    after the last match, and is the longest word there. From str.find: for the few stems
    of a page, faster than building an automaton (and searching the page with it)."""
    occurrences = []  # (start, -length, index) of every occurrence, overlapping ones too
    for index, word in enumerate(words):
        at = text.find(word)
        while at != -1:
            occurrences.append((at, -len(word), index))
            at = text.find(word, at + 1)
    occurrences.sort()
    out, after = [], 0
    for start, negative_length, index in occurrences:
        if start >= after:
            after = start - negative_length
            out.append((index, start, after))
    return out


class _Spans:
    """The page's mention spans, asked which overlap a new one: a bisection into the spans
    found before (sorted once) and a look at the last spans added (they come in text
    order), not a scan of every mention (a long page has hundreds of thousands)."""

    def __init__(self, spans) -> None:
        self.spans = sorted(spans)
        self.longest = max((e - s for s, e in self.spans), default=0)
        self.added: list[tuple[int, int]] = []
        self.removed: set[tuple[int, int]] = set()

    def overlapping(self, a: int, b: int) -> list[tuple[int, int]]:
        found = []
        i = bisect.bisect_left(self.spans, (b, -1)) - 1  # spans starting before b
        while i >= 0 and self.spans[i][0] > a - self.longest - 1:
            if a < self.spans[i][1] and self.spans[i] not in self.removed:
                found.append(self.spans[i])
            i -= 1
        for span in reversed(self.added):
            if span[1] <= a:
                break
            if span[0] < b and span not in self.removed:
                found.append(span)
        return sorted(found)

    def add(self, span: tuple[int, int]) -> None:
        self.added.append(span)

    def remove(self, spans: list[tuple[int, int]]) -> None:
        self.removed.update(spans)


def _drop_mentions(entities: dict[str, dict], spans: set[tuple[int, int]]) -> None:
    for key in list(entities):
        mentions = [m for m in entities[key]["mentions"] if (m["start"], m["end"]) not in spans]
        if mentions:
            entities[key]["mentions"] = mentions
        else:
            del entities[key]
