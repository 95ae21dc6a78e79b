"""Entities: recognition and linking to the knowledge base in ``rules/kb/``.

Three recognisers, then one resolver:

- knowledge-base names and aliases, matched on characters, leftmost-longest (an
  Aho-Corasick automaton): 包头 inside 包头市 or inside 包头钢铁（集团）有限责任公司 is not a
  separate mention, because the longer name wins;
- organisation names not in the base, by their last word (…有限公司, …集团, …研究院);
- person names, after a role word or before a speech verb (``rules/entities.yaml``);
- context words (全区, 全市, 首府, 我国) resolved by scope: the section headings the
  sentence sits under, then the entities the document is about.
"""
from __future__ import annotations

import functools
import itertools
import operator
import re
from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple

import ahocorasick_rs
import regex

from .isolation import isolated
from .persons import tagged_names
from .entity_scripts import simplified, traditional_forms, with_traditional
from .entity_names import body_words, find_bodies, full_name, page_names, short_form_mentions
from .entity_names import load_rules as load_name_rules
from .entity_boundaries import ordinary_phrase, single_neighbour, straddles
from .entity_scope import levels_up, resolve_scope, section_title_ids
from .entity_scope import most_mentioned_by_level as find_most_mentioned
from .entity_context import page_quoted_abbreviations, county_stems, page_places, resolve_homonym, supported
from .entity_foreign import foreign_places
from .entity_latin import latin_organisations
from .kb import KBEntry, KnowledgeBase, knowledge_base
from .model import Document, Entity, records
from .rules import RuleEntry, alternation, load_entries, load_fields
from .segment import is_common_word, tagged_words, word_crosses, words


class ScopeWord(RuleEntry):
    surface: str
    level: str


class Anaphora(RuleEntry):
    determiners: list[str]
    heads: list[str]


class NameLength(RuleEntry):
    min: int
    max: int


class EntityRules(RuleEntry):
    scope_not_before: str
    boundary_check_chars: int
    phrase_heads: list[str]
    event_heads: list[str]
    province_abbreviations: dict[str, str]
    capitals: dict[str, str]
    country_of_provinces: str
    self_national: list[str]
    street_suffixes: list[str]
    org_suffixes: list[str]
    fac_suffixes: list[str]
    org_max_chars: int
    org_min_chars: int
    org_left_boundaries: list[str]
    org_left_boundary_tags: list[str]
    org_verb_endings: str
    org_not_initial: str
    org_generic_initials: list[str]
    anaphora: Anaphora
    person_roles: list[str]
    person_verbs: list[str]
    person_titles_after: list[str]
    person_name_chars: NameLength
    surnames: str
    compound_surnames: list[str]
    not_person_names: list[str]


class Found(NamedTuple):  # a named tuple: immutable, and several times cheaper to build than a frozen dataclass
    """A mention before linking: kind is kb, scope, org, person, place (abroad) or anaphor."""

    start: int
    end: int
    text: str
    kind: str
    ids: tuple[str, ...] = ()
    level: str | None = None
    template: str | None = None  # a body's official name with {place} (entity_names)


@dataclass(frozen=True)
class _Compiled:
    rules: EntityRules
    names: ahocorasick_rs.AhoCorasick  # leftmost-longest over the names below
    name_values: tuple[tuple[str, str, object], ...]  # (kind, surface, ids or scope level) per pattern
    # per pattern, what find_mentions asks of every match, once: (kind, surface, ids or scope
    # level, whether its word boundaries are tested (a short name, not an official one),
    # whether it names places only, whether a country abroad)
    name_rows: tuple[tuple[str, str, object, bool, bool, bool], ...]
    by_surface: dict[str, tuple[str, str, object]]  # the same, by surface
    countries_abroad: frozenset[str]  # the ids of countries but China: places abroad may follow them
    phrase_heads: tuple[str, ...]
    event_heads: tuple[str, ...]
    # the first characters of the street suffixes, event heads and phrase heads: most names
    # are followed by none of them, one look-up instead of three prefix tests
    name_followers: frozenset[str]
    abbreviation_run: re.Pattern
    # two abbreviations together, the precondition of a run: a pattern that starts with a
    # character class lets re skip to the candidate characters, several times faster
    # than searching for the run itself
    abbreviation_pair: re.Pattern
    official: frozenset[str]  # the names (not aliases) of the base: no ordinary words, never boundary-checked
    county_stems: frozenset[str]  # short forms of county-level divisions only (entity_context)
    scope: dict[str, str]
    # The plain alternations of literal words are compiled with re, not regex: re finds the same
    # matches (leftmost, first alternative wins) several times faster.
    org_re: re.Pattern
    person_role_re: regex.Pattern
    person_verb_re: regex.Pattern
    person_title_re: regex.Pattern
    role_re: re.Pattern
    surname_re: regex.Pattern
    surname_starts: tuple[str, ...]
    surname_initials: frozenset[str]  # their first characters: most text cannot start a name
    person_patterns: tuple[tuple[re.Pattern, frozenset[str]], ...]  # each with the cue kinds it needs
    not_person_re: re.Pattern  # any of rules.not_person_names
    # knowledge-base id → (the entity or an ancestor, its level) for each one with a level:
    # the scope fallback of every document walks them
    levels_up: dict[str, tuple[tuple[str, str], ...]]
    cues: ahocorasick_rs.AhoCorasick  # every occurrence, overlapping
    cue_values: tuple[frozenset[str], ...]  # the kinds of each cue word
    tagger_cues: tuple[bool, ...]  # per cue word: a verb or title, before which the tagger looks for names
    street_suffixes: tuple[str, ...]
    anaphor_heads: tuple[str, ...]
    heads_by_last_char: dict[str, tuple[str, ...]]  # the anaphor heads, by their last character
    boundary_words: frozenset[str]
    boundary_tags: frozenset[str]
    fac_suffixes: frozenset[str]
    generic_initials: tuple[str, ...]
    counted: regex.Pattern
    counted_before: regex.Pattern
    anaphor_re: regex.Pattern


@functools.cache
def _compiled() -> _Compiled:
    rules = load_fields("entities.yaml", EntityRules)
    scope = {w.surface: w.level for w in load_entries("entities.yaml", "scope_words", ScopeWord)}
    kb = knowledge_base()
    names: dict[str, tuple[str, str, object]] = {}
    for surface, ids in kb.surfaces.items():
        if len(surface) >= 2:  # one-character aliases (俄, 蒙) are too ambiguous to match alone
            names[surface] = ("kb", surface, ids)
    for surface, level in scope.items():
        if surface not in kb.surfaces:
            names[surface] = ("scope", surface, level)
    for form, word in traditional_forms(list(names)).items():  # 臺灣, 國家統計局, 全國
        if form not in names:
            kind, _, payload = names[word]
            names[form] = (kind, form, payload)
    # re, not regex, and a character range for Han: these run on every sentence with a cue,
    # and re matches the same literal alternations several times faster
    han = "[\u4e00-\u9fff]"
    name = f"{han}{{{rules.person_name_chars.min},{rules.person_name_chars.max}}}?"
    surname = f"(?:{alternation(rules.compound_surnames)}|[{rules.surnames}])"
    short_name = f"{surname}{han}{{1,2}}"
    verbs = alternation(rules.person_verbs)
    clause_start = r"(?:^|(?<=[，。；：:“”、\s]))"
    # Cue words: the literal words each organisation, person and anaphor pattern needs. Most
    # sentences hold none, and one pass of this automaton lets find_mentions skip those
    # patterns entirely. An anaphor's cue is a determiner with a head right after it (该合作社),
    # as anaphor_re matches them, not the determiner alone: 这 stands in one sentence in seven.
    anaphors = [determiner + head for determiner in rules.anaphora.determiners for head in rules.anaphora.heads]
    cue_kinds: dict[str, set[str]] = {}
    for kind, cue_words in (("org", [*rules.org_suffixes, *rules.fac_suffixes]), ("role", rules.person_roles), ("verb", rules.person_verbs),
                            ("title", rules.person_titles_after), ("anaphor", anaphors), ("body", body_words())):
        for word in with_traditional(cue_words):  # 說, 董事長, 有限公司: cues in both scripts
            cue_kinds.setdefault(word, set()).add(kind)
    official = _both_scripts(e.name for e in kb.entries.values() if e.name_is_surface)
    countries_abroad = frozenset(i for i in kb.entries if i.startswith("iso:") and i != _HOME)
    if any(_SEPARATOR in word for word in (*names, *cue_kinds)):  # (_scan joins the sentences with it)
        raise ValueError("a name or cue word holds a line break")
    person_role_re = re.compile(f"(?:{alternation(rules.person_roles)})({name})(?:{verbs})")
    person_verb_re = re.compile(f"{clause_start}({short_name})(?:{verbs})")
    person_title_re = re.compile(f"{clause_start}({short_name})(?:{alternation(rules.person_titles_after)})")
    abbreviation = f"[{''.join(rules.province_abbreviations)}]"
    return _Compiled(
        rules=rules,
        names=ahocorasick_rs.AhoCorasick(list(names), matchkind=ahocorasick_rs.MatchKind.LeftmostLongest),
        name_values=tuple(names.values()),
        name_rows=tuple((kind, surface, payload, len(surface) <= rules.boundary_check_chars and surface not in official,
                         kind == "kb" and _is_place(payload), kind == "kb" and payload[0] in countries_abroad)
                        for kind, surface, payload in names.values()),
        by_surface=names,
        countries_abroad=countries_abroad,
        county_stems=_both_scripts(county_stems(kb)),
        phrase_heads=tuple(rules.phrase_heads),
        event_heads=tuple(with_traditional(rules.event_heads)),
        name_followers=frozenset(word[0] for word in (*rules.street_suffixes, *with_traditional(rules.event_heads),
                                                       *rules.phrase_heads)),
        abbreviation_run=re.compile(f"{abbreviation}{{2,4}}"),
        abbreviation_pair=re.compile(f"{abbreviation}(?={abbreviation})"),
        official=official,
        scope=scope,
        org_re=re.compile(alternation([*rules.org_suffixes, *rules.fac_suffixes])),
        fac_suffixes=frozenset(rules.fac_suffixes),
        person_role_re=person_role_re,
        person_verb_re=person_verb_re,
        person_title_re=person_title_re,
        role_re=re.compile(alternation(rules.person_roles)),
        surname_re=re.compile(f"{surname}{han}{{1,2}}$"),
        surname_starts=(*rules.compound_surnames, *rules.surnames),
        surname_initials=frozenset(s[0] for s in (*rules.compound_surnames, *rules.surnames)),
        person_patterns=((person_role_re, frozenset({"role", "verb"})), (person_verb_re, frozenset({"verb"})),
                         (person_title_re, frozenset({"title"}))),
        not_person_re=re.compile(alternation(rules.not_person_names)),
        levels_up=levels_up(kb),
        cues=ahocorasick_rs.AhoCorasick(list(cue_kinds)),
        cue_values=tuple(frozenset(kinds) for kinds in cue_kinds.values()),
        tagger_cues=tuple(not kinds.isdisjoint(_TAGGED_CUES) for kinds in cue_kinds.values()),
        street_suffixes=tuple(rules.street_suffixes),
        anaphor_heads=tuple(rules.anaphora.heads),
        heads_by_last_char={char: tuple(h for h in rules.anaphora.heads if h[-1] == char)
                            for char in dict.fromkeys(h[-1] for h in rules.anaphora.heads)},
        boundary_words=frozenset(with_traditional(rules.org_left_boundaries)),
        boundary_tags=frozenset(rules.org_left_boundary_tags),
        generic_initials=tuple(rules.org_generic_initials),
        counted=regex.compile(r"[0-9零一二两三四五六七八九十百千万]+[家个所座]"),
        counted_before=regex.compile(r"[0-9零一二两三四五六七八九十百千万几多]+[家个所座批]$"),  # 两家|新质…学院
        anaphor_re=regex.compile(f"(?:{alternation(rules.anaphora.determiners)})({alternation(rules.anaphora.heads)})"
                                 r"(?!\p{Han}{0,1}(?:们|些))"),
    )


def _both_scripts(words) -> frozenset[str]:
    return frozenset(with_traditional(words))


def load_rules() -> None:
    _compiled()
    load_name_rules()


def find_mentions(text: str, scanned: tuple[list, list] | None = None) -> list[Found]:
    """Mentions in one sentence, left to right, without overlaps (scope words unresolved).
    ``scanned``: the matches of the name and the cue automaton in ``text`` (``_scan``), when
    the caller has them already."""
    c = _compiled()
    name_matches, cue_matches = scanned if scanned is not None else _scan([text], c)[0]
    found: list[Found] = []
    abroad = False  # a country abroad among the names
    for pattern, start, end in name_matches:
        kind, surface, payload, boundary_tested, place, country_abroad = c.name_rows[pattern]
        if kind == "scope":
            if end < len(text) and text[end] in c.rules.scope_not_before:
                continue
            found.append(Found(start, end, surface, "scope", level=payload))
            continue
        if place and text[end : end + 1] in c.name_followers:
            if text.startswith(c.street_suffixes, end, end + 2):
                continue  # 山西路: a street, not the province
            if text.startswith(c.event_heads, end):
                continue  # 杭州亚运会: the place is nested in the event's name
        followed = end < len(text)  # (by the name as matched, even when a shorter one is kept)
        if boundary_tested and straddles(text, start, end):
            # 其中石油: 中石油 read across 其中|石油; 上海市|场 falls back to 上海
            shorter = next((k for k in range(end - 1, start + 1, -1) if text[start:k] in c.by_surface
                            and c.by_surface[text[start:k]][0] == "kb" and not straddles(text, start, k)), None)
            if shorter is None:
                continue
            end = shorter
            kind, surface, payload = c.by_surface[text[start:end]]
            country_abroad = payload[0] in c.countries_abroad
        if followed and text[end : end + 1] in c.name_followers and surface not in c.official \
                and text.startswith(c.phrase_heads, end) and payload[0].startswith("org:") and ordinary_phrase(surface):
            continue  # 北方稀土市场: the northern rare-earth market, not the company 北方稀土
        found.append(Found(start, end, surface, "kb", payload))
        abroad = abroad or country_abroad
    runs = []
    if c.abbreviation_pair.search(text):  # 粤黔, 川渝: province abbreviations (rare: search first)
        runs = [m.span() for m in c.abbreviation_run.finditer(text)]
        runs = [(s, e) for s, e in runs if not any(f.start < e and s < f.end for f in found)
                and not straddles(text, s, e) and not single_neighbour(text, s, e)]
    if runs:
        found += [Found(i, i + 1, text[i], "kb", ids=(c.rules.province_abbreviations[text[i]],))
                  for s, e in runs for i in range(s, e)]
        found.sort(key=lambda f: f.start)
    if _CAPITAL.search(text):  # (most sentences have no capital letter, so no Latin-script name)
        found = _with_latin_names(text, found)
    if abroad:
        found = _with_foreign_places(text, found)
    cues = _cue_kinds(cue_matches, c) if cue_matches else set()  # (most sentences hold no cue word)
    bodies = []
    if "body" in cues:  # 政府, 委, 统计局 … somewhere in the sentence
        places = [f for f in found if f.kind == "kb" and f.ids[0].startswith("adm:")]
        bodies = [Found(b.start, b.end, text[b.start:b.end], "body", b.place_ids, b.level, b.template)
                  for b in find_bodies(text, places)]
        cues.discard("body")
    if bodies:
        found = found + bodies
        found.sort(key=lambda f: (f.start, -f.end))  # stable: a base name spanning the same text stays first
        found = _without_overlaps(found)
    if not cues:  # names alone: leftmost-longest matches come left to right, without overlaps
        return found
    # The patterns below are simplified-character rules: a traditional sentence is matched in
    # its simplified form (the same length, character for character), names cut from the text.
    plain = _simplified_view(text)
    more: list[Found] = []
    if "org" in cues:
        more += _organisations(plain, found, c)
    if not cues.isdisjoint(_PERSON_CUES):
        more += _persons(plain, found + more, cues, cue_matches, c)
    found += [f._replace(text=text[f.start : f.end]) for f in more] if plain is not text else more
    if "anaphor" in cues:
        for match in c.anaphor_re.finditer(text):
            if not any(f.start < match.end() and match.start() < f.end for f in found):
                found.append(Found(match.start(), match.end(), match.group(), "anaphor", level=match.group(1)))
    found.sort(key=lambda f: (f.start, -f.end))
    return _without_overlaps(found)


_CAPITAL = regex.compile("[A-Z]")


def _simplified_view(text: str) -> str:
    """The sentence in simplified characters, which the cue rules are written in; the text
    itself when it is simplified already or when conversion would change its length (the
    offsets must stay those of the text)."""
    plain = simplified(text)
    return text if plain == text or len(plain) != len(text) else plain


def _with_latin_names(text: str, found: list[Found]) -> list[Found]:
    """``found`` and the Latin-script organisations of the sentence (LG Chem; entity_latin),
    which holds a capital letter (the caller's test)."""
    known = [(f.start, f.end, "ORG" if f.kind == "org" or (f.ids and f.ids[0].startswith("org:")) else f.kind)
             for f in found]
    extra = [Found(s, e, text[s:e], "org", ids=(f"org:{name}",))
             for s, e, name in latin_organisations(_simplified_view(text), known)]
    return sorted(found + extra, key=lambda f: f.start) if extra else found


def _with_foreign_places(text: str, found: list[Found]) -> list[Found]:
    """``found`` and the places abroad named after their country (德国图林根州; entity_foreign)."""
    countries = [(f.start, f.end) for f in found if f.ids and f.ids[0].startswith("iso:") and f.ids[0] != _HOME]
    if not countries:
        return found
    # (a shorter name inside a place's name is part of it: 福特 in 埃尔福特市)
    taken = [(f.start, f.end) for f in found if f.ids and f.ids[0].startswith(("iso:", "adm:", "loc:"))]
    places = foreign_places(_simplified_view(text), countries, taken)
    if not places:
        return found
    kept = [f for f in found if not any(s < f.end and f.start < e for s, e, _ in places)]
    extra = [Found(s, e, text[s:e], "place", ids=(f"loc:{name}",)) for s, e, name in places]
    return sorted(kept + extra, key=lambda f: f.start)


_HOME = "iso:CN"  # (places of China are the knowledge base's)


def _without_overlaps(found: list[Found]) -> list[Found]:
    kept: list[Found] = []
    for f in found:
        if kept and f.start < kept[-1].end:
            continue
        kept.append(f)
    return kept


_TAGGED_CUES = frozenset({"verb", "title"})
_PERSON_CUES = frozenset({"role", "verb", "title"})


def _is_place(ids: tuple[str, ...]) -> bool:
    return all(i.startswith(("adm:", "iso:", "loc:")) for i in ids)


def _organisations(text: str, known: list[Found], c: _Compiled) -> list[Found]:
    out = []
    for match in c.org_re.finditer(text):
        s, e = match.span()
        if any(k.start <= s < k.end or k.start < e <= k.end for k in known):
            continue
        if word_crosses(text[:e], text[e:]):
            continue  # 大学生: the suffix is part of a longer word
        start = _org_start(text, s, known, c)
        if start is None or e - start < c.rules.org_min_chars:
            continue
        name = text[start:e]
        if name.startswith(c.generic_initials) or name[_leading_place(name, c):].startswith(c.generic_initials):
            continue  # 农民专业合作社, 浙江省三级公立医院: a kind of organisation, not a name
        if name[0] in c.rules.org_not_initial or c.counted.search(name) or c.counted_before.search(text, 0, start):
            continue  # 这两家学院, 该合作社: a reference back, not a name
        kind = "fac" if match.group() in c.fac_suffixes else "org"  # 经济技术开发区: a facility
        if kind == "fac" and not any(k.start == start and k.kind == "kb" and _is_place(k.ids) for k in known):
            continue  # 优化工业园区, 个综合保税区: a zone is named by its place (浙江嘉善经济技术开发区)
        out.append(Found(start, e, name, kind, ids=(f"{kind}:{name}",)))
    return out


_NAME_CHAR = regex.compile(r"[\p{Han}A-Za-z0-9（）()·]")
_DIGITS = re.compile("[0-9]+")


def _org_start(text: str, suffix_start: int, known: list[Found], c: _Compiled) -> int | None:
    """Where an organisation name ending at ``suffix_start`` begins."""
    start = suffix_start
    limit = max(0, suffix_start - c.rules.org_max_chars)
    while start > limit and _NAME_CHAR.match(text[start - 1]):
        start -= 1
    run = text[start:suffix_start]
    if not run:
        return None
    # The name starts after the last boundary word of the run …
    position, begin = start, start
    for word, tag in tagged_words(run):
        position += len(word)
        if word in c.boundary_words or _DIGITS.fullmatch(word) or (tag in c.boundary_tags and len(word) > 1) \
                or (tag.startswith("v") and len(word) > 1 and word[-1] in c.rules.org_verb_endings):
            begin = position  # 完成|能源集团, 根据|波士顿咨询集团: a verb or preposition ends the run before
    # … or at the last place name in it that follows another place or the run's start
    # (呼和浩特市玉泉区…产业园内蒙古精卓羊绒制品有限公司 → 内蒙古精卓…).
    places = [k for k in known if begin <= k.start < suffix_start and k.kind == "kb" and _is_place(k.ids)
              and not _inside_brackets(text, begin, k.start)]
    for index in range(len(places) - 1, -1, -1):
        place = places[index]
        before = text[place.start - 1] if place.start > begin else ""
        if place.start == begin or before in "园区镇村乡旗县市盟" or any(p.end == place.start for p in places):
            # the first of a chain of places written together (浙江嘉善经济技术开发区)
            while index > 0 and places[index - 1].end == places[index].start and places[index - 1].ids[0][:4] == "adm:":
                index -= 1
            return places[index].start
    return begin if begin < suffix_start else None


def _inside_brackets(text: str, start: int, position: int) -> bool:
    segment = text[start:position]
    return segment.count("（") + segment.count("(") > segment.count("）") + segment.count(")")


def _scan(texts: list[str], c: _Compiled) -> list[tuple[list, list]]:
    """(name matches, cue matches) of each text. Each automaton runs once over the texts
    joined by a line break, which no name or cue word holds (so each text's matches are
    those it has alone: no match spans the break, and the search starts afresh after it),
    not once per text: a call has a fixed cost, and most sentences hold few matches.
    Each automaton runs over all the texts in turn, not both per text between the rules:
    the automaton stays in the processor's cache."""
    joined = _SEPARATOR.join(texts)
    ends = list(itertools.accumulate(len(text) + 1 for text in texts))  # each text's end + 1 in the joined text
    return list(zip(_by_text(c.names.find_matches_as_indexes(joined), ends),
                    _by_text(c.cues.find_matches_as_indexes(joined, overlapping=True), ends)))


_SEPARATOR = "\n"  # (_compiled checks that no name or cue word holds it)


def _by_text(matches: list[tuple[int, int, int]], ends: list[int]) -> list[list[tuple[int, int, int]]]:
    """The (pattern, start, end) matches in the joined texts, by text, with the text's own
    offsets. The matches come by their end, never decreasing (leftmost-longest ones left to
    right, overlapping ones as the automaton reaches their end)."""
    out: list[list[tuple[int, int, int]]] = [[] for _ in ends]
    index, base, limit = 0, 0, ends[0] if ends else 0
    for pattern, start, end in matches:
        if end >= limit:  # (a match ends at most at its text's end, limit - 1)
            while end >= limit:
                index += 1
                limit = ends[index]
            base = ends[index - 1]
        out[index].append((pattern, start - base, end - base))
    return out


def _cue_kinds(cue_matches: list[tuple[int, int, int]], c: _Compiled) -> set[str]:
    """Which kinds of cue word (org, role, verb, title, anaphor, body) the cue matches
    (pattern, start, end) hold."""
    kinds: set[str] = set()
    for pattern, _, _ in cue_matches:
        kinds |= c.cue_values[pattern]
    return kinds


def _persons(text: str, known: list[Found], cues: set[str], cue_matches, c: _Compiled) -> list[Found]:
    """Persons in ``text`` (simplified characters); ``known``: the mentions found so far."""
    out: list[Found] = []

    def taken(s: int, e: int) -> bool:  # (known + out, without building the list)
        return any(k.start < e and s < k.end for k in known) or any(k.start < e and s < k.end for k in out)

    # Only the patterns whose literal words occur can match (a role and a verb for the first).
    for pattern, needs in c.person_patterns:
        if not needs <= cues:
            continue
        for match in pattern.finditer(text):
            s, e = match.span(1)
            name = match.group(1)
            if c.not_person_re.search(name):
                continue
            if pattern is not c.person_role_re and is_common_word(name):
                continue  # 全面, 王牌: an ordinary word that starts like a surname
            if taken(s, e):
                continue
            out.append(Found(s, e, name, "person", (f"per:{name}",)))
    # The tagger's person names right before a speech verb or a title (persons.py)
    cue_starts = [start for pattern, start, _ in cue_matches if c.tagger_cues[pattern]]
    for s, e, name in tagged_names(text, cue_starts, c.surname_starts, c.surname_initials, c.rules.not_person_names):
        if not taken(s, e):
            out.append(Found(s, e, name, "person", (f"per:{name}",)))
    # A role word directly before a surnamed name, whatever follows (护林员张强指向…): the
    # segmenter says where the name ends.
    for match in c.role_re.finditer(text) if "role" in cues else ():
        following = text[match.end() : match.end() + 6]
        if following[:1] not in c.surname_initials or not following.startswith(c.surname_starts):
            continue  # surname_re below could not match: skip the segmenter
        segmented = words(following, guess_new_words=True)
        first = segmented[:1]
        if first and len(first[0]) == 1 and len(segmented) > 1 and len(segmented[1]) <= 2:
            first = [first[0] + segmented[1]]  # 赵|海龙: the surname split off its given name
        if not first or not c.surname_re.match(first[0]) or is_common_word(first[0]):
            continue
        s, e = match.end(), match.end() + len(first[0])
        if c.not_person_re.search(first[0]) or taken(s, e):
            continue
        out.append(Found(s, e, first[0], "person", (f"per:{first[0]}",)))
    return out


# ---------------------------------------------------------------------------- linking


def annotate_entities(doc: Document) -> None:
    """The pipeline stage: document-level entities with their mentions."""
    c = _compiled()
    kb = knowledge_base()
    texts = [s.text for s in doc.sentences]
    try:  # the usual case, no sentence failing, without a wrapper per sentence
        per_sentence = []
        for at in range(0, len(texts), _SCAN_BATCH):  # (a batch: a long page's matches are never all held)
            batch = texts[at : at + _SCAN_BATCH]
            per_sentence += [find_mentions(text, scanned) for text, scanned in zip(batch, _scan(batch, c))]
    except Exception:  # noqa: BLE001 — again, each sentence on its own (find_mentions is pure)
        per_sentence = [isolated(doc, "entities", f"sentence {i}", find_mentions, s.text, default=[])
                        for i, s in enumerate(doc.sentences)]
    # (Counter over a generator: counted in C, not by a += per mention)
    counts: Counter[str] = Counter(m.ids[0] for mentions in per_sentence for m in mentions
                                   if m.kind != "scope" and len(m.ids) == 1 and m.text not in c.county_stems)
    title_ids = section_title_ids(doc, per_sentence)
    entities: dict[str, dict] = {}  # Entity fields by id, validated together at the end
    scope_cache: dict[tuple[str, int | None], str | None] = {}
    most_mentioned = find_most_mentioned(counts, c)  # level → the document-wide fallback of resolve_scope
    province = most_mentioned.get("province")
    for index, found_ids in page_quoted_abbreviations(texts, province, kb).items():  # “黎从榕”: the page's counties
        text = texts[index]
        quoted = [Found(i, i + 1, text[i], "kb", ids=(entity_id,)) for i, entity_id in found_ids
                  if not any(f.start <= i < f.end for f in per_sentence[index])]
        if quoted:
            per_sentence[index] = sorted(per_sentence[index] + quoted, key=lambda f: f.start)
    places = None  # the divisions the page names, computed at the first shared name
    latest_by_head: dict[str, str] = {}  # anaphor head word → the entity named most recently with it
    for index, (sentence, mentions) in enumerate(zip(doc.sentences, per_sentence)):
        for m in mentions:
            if m.kind == "scope":
                key = (m.level, sentence.section)
                if key not in scope_cache:
                    scope_cache[key] = resolve_scope(m.level, sentence.section, doc, title_ids, counts, c,
                                                        most_mentioned)
                entity_id = scope_cache[key]
            elif m.kind == "body":  # 省政府, 贵州省政府 → 贵州省人民政府
                place = _body_place(m, sentence.section, doc, title_ids, counts, c, most_mentioned, scope_cache)
                if place is None:
                    if places is None:
                        places = page_places(kb, counts)
                    place = resolve_homonym(m.ids, places, kb) if m.ids else None
                entry = kb.get(place) if place else None
                if entry is None:
                    continue
                entity_id = f"org:{full_name(m.template, entry.name)}"
                if entity_id not in entities and kb.get(entity_id) is None:
                    entities[entity_id] = {"id": entity_id, "name": entity_id[4:], "type": "ORG", "mentions": []}
            elif m.kind == "anaphor":
                entity_id = latest_by_head.get(m.level)
            elif m.text in c.county_stems:  # 双流, 五台: only where the page names where they are
                if places is None:
                    places = page_places(kb, counts)
                licensed = tuple(i for i in m.ids if supported(i, places, kb))
                if not licensed:
                    continue  # 新建, 惠民, 同心: an ordinary word on this page
                entity_id = resolve_homonym(licensed, places, kb) or f"?{m.text}"
            elif len(m.ids) == 1:
                entity_id = m.ids[0]
            else:  # a name several divisions share: the page decides, else no id (entity_context)
                if places is None:
                    places = page_places(kb, counts)
                entity_id = resolve_homonym(m.ids, places, kb)
                if entity_id is None:
                    entity_id = f"?{m.text}"  # one id-less entity per shared surface
            if entity_id is None:
                continue
            entity = entities.get(entity_id)
            if entity is None:
                entry = kb.get(entity_id) or (kb.get(m.ids[0]) if entity_id.startswith("?") else None)
                entity = entities[entity_id] = {"id": None if entity_id.startswith("?") else entity_id,
                                                "name": m.text if entity_id.startswith("?") else
                                                (entry.name if entry else m.text),
                                                "type": entry.type if entry else _type_of(m), "mentions": []}
            entity["mentions"].append({"start": sentence.start + m.start, "end": sentence.start + m.end, "text": m.text})
            name = entity["name"]
            if entity["type"] in ("ORG", "FAC") and m.kind != "anaphor":
                for written in (m.text, name):  # what a later 该合作社 / 该口岸 refers to
                    for head in c.heads_by_last_char.get(written[-1:], ()):  # (a head ends as it does)
                        if written.endswith(head):
                            latest_by_head[head] = entity_id
    if short_form_mentions(entities, doc.sentences, lambda name: _leading_place(name, c)):
        for entity in entities.values():
            entity["mentions"].sort(key=_START)
    page_names(entities, kb)
    doc.entities = records(Entity, sorted(entities.values(), key=lambda e: e["mentions"][0]["start"]))


_START = operator.itemgetter("start")
_SCAN_BATCH = 512  # sentences scanned together by the automata


def _leading_place(name: str, c: _Compiled) -> int:
    """The length of the division name that ``name`` starts with (四川天齐锂业 → 2), or 0."""
    for _, start, end in c.names.find_matches_as_indexes(name):
        if start == 0 and c.name_values[_][0] == "kb" and c.name_values[_][2][0].startswith("adm:"):
            return end
        break
    return 0


def _body_place(m: Found, section, doc, title_ids, counts, c, most_mentioned, scope_cache) -> str | None:
    """The division of a body written after a bare level word (省政府: the page's province),
    or after one unambiguous division."""
    if m.level is not None:
        key = (m.level, section)
        if key not in scope_cache:
            scope_cache[key] = resolve_scope(m.level, section, doc, title_ids, counts, c, most_mentioned)
        return scope_cache[key]
    return m.ids[0] if len(m.ids) == 1 else None


def _type_of(found: Found) -> str:
    return {"org": "ORG", "fac": "FAC", "person": "PERSON", "place": "GPE"}.get(found.kind, "ORG")
