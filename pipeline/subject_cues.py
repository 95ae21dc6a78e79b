"""Subject cues: what the words of a clause say about whose figure it states (cues in
``rules/subjects.yaml``) — whether a mention opens its clause, whether a body is a source
or a company, the population groups and programmes a clause opens with. The resolver that
tries the rules in order is ``subjects.py``.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

import regex

from .bmp_regex import BothEngines, characters_every_match_holds, compiled_alike, in_bmp
from .kb import knowledge_base
from .rules import RuleEntry, alternation, any_character, load_entries, load_fields


class ScopeWord(RuleEntry):
    surface: str
    level: str  # world, country, province, prefecture, county


class SubjectRules(RuleEntry):
    subject_openers: list[str]
    subject_max_prefix: int
    not_subject_after: list[str]
    scene_openers: list[str]
    speaker_pronouns: list[str]
    listed_example: str
    country: str
    self_naming: list[str]
    comparison_words: list[str]
    compared_gap: str
    respectively: list[str]
    list_joiners: str
    company_words: list[str]
    page_types: list[str]
    speech_verbs: list[str]
    source_heads: list[str]
    group_subject: str
    group_mark: str
    group_part_words: list[str]
    group_openers: list[str]
    company_heads: list[str]
    group_headcount_units: list[str]
    topic_heads: list[str]
    topic_max: int
    topic_not_in: str
    topic_openers: list[str]
    anaphora: dict[str, int]
    pronouns: list[str]
    issuer_gaps: list[str]
    pronoun_not_in: list[str]
    launch_verbs: list[str]
    launch_heads: list[str]
    share_of_people: list[str]
    share_units: list[str]


@dataclass(frozen=True)
class _Compiled:
    # (the patterns of literal words only are the standard library's: its engine searches a
    # text for them two to three times as fast as regex)
    rules: SubjectRules
    openers: re.Pattern
    listed_example: BothEngines
    listed_mark: re.Pattern  # a character every listed example is followed by (等): see may_list_examples
    not_subject_after: tuple[str, ...]
    scope_words: dict[str, str]  # surface → level
    scope_re: re.Pattern
    self_naming: re.Pattern
    self_naming_end: re.Pattern  # a self-naming word ending a name
    comparison_end: re.Pattern  # a comparison word ending the text before a mention
    compared_gap: re.Pattern | regex.Pattern
    respectively: re.Pattern
    joiners: regex.Pattern  # only list joiners between two items
    company_words: frozenset[str]
    company_word: re.Pattern  # any one of them
    speech: re.Pattern
    list_or_comparison_words: re.Pattern  # a sentence without any needs no list or comparison rule
    source_heads: tuple[str, ...]
    group: BothEngines  # a population group at a clause's start (its openers allowed)
    group_part: regex.Pattern
    company_heads: tuple[str, ...]
    topic: regex.Pattern  # a programme named at a clause's start
    launched: regex.Pattern  # a programme launched at a clause's end
    launch_verb: re.Pattern  # any one of the launch verbs, which every launched programme follows
    measured: regex.Pattern  # a programme right after an amount (5千元的五倍券)
    people: re.Pattern | regex.Pattern  # the people a share counts, right after it (9成民众)
    pronoun: re.Pattern  # a pronoun as a word of its own
    issued: regex.Pattern  # right after a body: what makes it the issuer of a programme
    group_mark: re.Pattern  # a character every group phrase holds (rules: group_mark)
    programme_mark: re.Pattern  # a character every programme head holds (券): see may_name_a_programme


@functools.cache
def _compiled() -> _Compiled:
    rules = load_fields("subjects.yaml", SubjectRules)
    scope = {w.surface: w.level for w in load_entries("subjects.yaml", "scope_words", ScopeWord)}
    shared = set.intersection(*(set(head) for head in rules.topic_heads)) if rules.topic_heads else set()
    return _Compiled(
        rules=rules,
        openers=re.compile(f"^(?:{alternation(rules.subject_openers)})+"),
        listed_example=BothEngines(rules.listed_example),
        listed_mark=any_character(characters_every_match_holds(rules.listed_example), none_matches_all=True),
        not_subject_after=tuple(rules.not_subject_after),
        scope_words=scope,
        scope_re=re.compile(alternation(scope)),
        self_naming=re.compile(f"(?:{alternation(rules.self_naming)})"),  # matched at a mention's end
        self_naming_end=re.compile(f"(?:{alternation(rules.self_naming)})$"),
        comparison_end=re.compile(f"(?:{alternation(rules.comparison_words)})$"),
        compared_gap=compiled_alike(rules.compared_gap),
        respectively=re.compile(alternation(rules.respectively)),
        joiners=regex.compile(f"^[{rules.list_joiners}\\s]*$"),
        company_words=frozenset(rules.company_words),
        company_word=re.compile(alternation(rules.company_words) if rules.company_words else "(?!)"),
        speech=re.compile(alternation(rules.speech_verbs)),
        list_or_comparison_words=re.compile(alternation({*rules.respectively, *rules.comparison_words, "（", "("})),
        source_heads=tuple(rules.source_heads),
        group=BothEngines(f"(?:^|(?<=[，,；;：:。！？!?]))(?:{alternation(rules.group_openers)})?(?P<group>{rules.group_subject})"),
        group_part=regex.compile(f"(?:的)?(?:{alternation(rules.group_part_words)})"),
        company_heads=tuple(rules.company_heads),
        # (also right after a speech verb, which opens the clause it reports: 宣称五倍券可创造…)
        topic=regex.compile(f"(?:^|(?<=[，,；;。！？!?])|(?<={alternation(rules.speech_verbs)}))(?:{alternation(rules.topic_openers)})?"
                            f"(?P<group>(?:(?![{regex.escape(rules.topic_not_in)}])[\\p{{Han}}0-9]){{0,{rules.topic_max}}}?(?:{alternation(rules.topic_heads)}))(?![，,；;。、])"),
        launched=regex.compile(f"(?:{alternation(rules.launch_verbs)})[「“『]?(?P<group>(?:(?![{regex.escape(rules.topic_not_in)}])"
                               f"[\\p{{Han}}0-9.]){{0,{rules.topic_max}}}?(?:{alternation([*rules.topic_heads, *rules.launch_heads])}))[」”』]?(?=[，,；;])"),
        launch_verb=re.compile(alternation(rules.launch_verbs) if rules.launch_verbs else "(?!)"),
        measured=regex.compile(f"(?:[（(][^）)（(]{{0,20}}[）)])?的?(?P<name>(?:(?![{regex.escape(rules.topic_not_in)}])\\p{{Han}}){{0,4}}?"
                               f"(?:{alternation(rules.topic_heads)}))"),
        people=compiled_alike(f"的?(?P<name>{alternation(rules.share_of_people)})"),
        # (the longer words are tried first at each position, so 其中 is found as itself and skipped)
        pronoun=re.compile(alternation([*rules.pronoun_not_in, *rules.pronouns])),
        issued=regex.compile(f"(?:{alternation(rules.issuer_gaps)})[^，,；;。！？!?、]{{0,12}}?(?:{alternation(rules.topic_heads)})"),
        group_mark=any_character(rules.group_mark, none_matches_all=True),
        programme_mark=any_character({min(shared)} if shared else (), none_matches_all=True),
    )


def may_name_a_programme(text: str) -> bool:
    """False for a text without the character every programme head holds (券), which the
    patterns that end in a programme head (topic, measured, issued) cannot match: nearly
    every text, refuted by one search of a character instead of the slow patterns."""
    return _compiled().programme_mark.search(text) is not None


def may_list_examples(text: str) -> bool:
    """False for a text without a character that every listed example's match holds (等),
    where no mention is one: most sentences, refuted by one search instead of a match per mention."""
    return _compiled().listed_mark.search(text) is not None


def load_rules() -> None:
    _compiled()


def known_scope(scope: str | None) -> str | None:
    """``scope`` when the knowledge base knows it; a ValueError (a usage error) otherwise."""
    if scope is not None and knowledge_base().get(scope) is None:
        raise ValueError(f"unknown scope {scope!r}: expected a knowledge-base id such as adm:230600")
    return scope


# (character classes: the standard library's engine is faster)
_SUBJECT_CLAUSE_BREAK = re.compile(r"[，,；;：:。！？!?“”]")
_CLAUSE_BREAK = re.compile(r"[，,；;：:。！？!?]")
# The text up to the last break before an end, matched from the start: the greedy .* runs
# to the end and steps back to the nearest break, a search from the end (regex's (?r)) at
# half its cost.
_UP_TO_LAST_SUBJECT_CLAUSE_BREAK = re.compile(r"(?s).*" + _SUBJECT_CLAUSE_BREAK.pattern)
_UP_TO_LAST_CLAUSE_BREAK = re.compile(r"(?s).*" + _CLAUSE_BREAK.pattern)


def _after_last(up_to_last: re.Pattern, text: str, end: int) -> int:
    """Where the text after the last break before ``end`` starts (0 for no break)."""
    match = up_to_last.match(text, 0, end)
    return match.end() if match else 0


_QUOTED_NAME_MAX = 8  # characters: a nickname or a title in quotes (“风车之国”, “一带一路”), not speech


def _quoted_name(inside: str) -> bool:
    return len(inside) <= _QUOTED_NAME_MAX and _CLAUSE_BREAK.search(inside) is None


_QUOTED = re.compile(r"[“「『]([^”」』]*)")


def _quotes_speech(text: str) -> bool:
    """Whether a sentence quotes words (“……”某某说), not just a short name in quotes."""
    for match in _QUOTED.finditer(text):
        if not _quoted_name(match.group(1)):
            return True
    return False


def in_subject_position(text: str, start: int, strip_times: Callable[[str], str]) -> bool:
    """A mention opens its clause (after a time phrase or a connector): 2024年，内蒙古…;
    one after a verb (加快中金、世纪互联…建设, 占全国…) or a preposition (在黄河…) is an
    object or a place, not the subject — unless it sets the scene of the sentence."""
    c = _compiled()
    clause_start = _after_last(_UP_TO_LAST_SUBJECT_CLAUSE_BREAK, text, start)
    if clause_start and text[clause_start - 1] == "”":
        # a short quoted name inside the clause (对“风车之国”荷兰…) is no quotation: the clause
        # goes on before it
        opened = text.rfind("“", 0, clause_start - 1)
        if opened >= 0 and _quoted_name(text[opened + 1 : clause_start - 1]):
            clause_start = _after_last(_UP_TO_LAST_SUBJECT_CLAUSE_BREAK, text, opened)
    if clause_start == 0 and text[:start] in c.rules.scene_openers:
        clause_break = _SUBJECT_CLAUSE_BREAK.search(text, start)
        return clause_break is not None and clause_break.group() in "，,"
    if text[clause_start:start].endswith(c.not_subject_after):
        return False
    if clause_start == start:  # (four mentions in ten open their clause: an empty prefix, nothing to strip)
        return c.rules.subject_max_prefix >= 0
    prefix = strip_times(text[clause_start:start])
    prefix = c.openers.sub("", prefix.strip())
    return len(prefix) <= c.rules.subject_max_prefix


def _names(text: str, entity_id: str | None) -> list[str]:
    """A name as written, and the knowledge base's names for it and for its id."""
    kb = knowledge_base()
    names = [text]
    if entity_id:
        names.append(entity_id.split(":", 1)[1])
        entry = kb.get(entity_id)
        if entry is not None:
            names.append(entry.name)
    names.extend(kb.get(i).name for i in kb.surfaces.get(text, ()) if kb.get(i) is not None)
    return names


def is_source(text: str, entity_id: str | None) -> bool:
    """北师大, 世界银行, 国家统计局: a body that authors or reports figures, not their subject."""
    if not (entity_id or "").startswith("org:"):
        return False
    heads = _compiled().source_heads
    return any(name.endswith(heads) for name in _names(text, entity_id))


def is_company(text: str, entity_id: str | None) -> bool:
    heads = _compiled().company_heads
    return (entity_id or "").startswith("org:") and any(name.endswith(heads) for name in _names(text, entity_id))


def _groups(text: str, text_in_bmp: bool | None = None) -> list[tuple[int, int, str, str]]:
    """(start, end, phrase, "GROUP" or "PROGRAMME"): the population groups that open a clause
    of ``text`` (这6亿人, 年收入低于5万元者), leaving out a group counted as a share of the
    clause's subject, and the programmes named at a clause's start or launched before it.
    ``text_in_bmp``: whether the text lies in the Basic Multilingual Plane, when known."""
    c = _compiled()
    out = []
    group = c.group.for_text(in_bmp(text) if text_in_bmp is None else text_in_bmp)
    for match in group.finditer(text) if c.group_mark.search(text) else ():
        start, end = match.span("group")
        titled = text.count("《", 0, start) + text.count("〈", 0, start) > text.count("》", 0, start) + text.count("〉", 0, start)
        if not titled and not c.group_part.match(text, end):  # (a group named in a book title is no subject)
            out.append((start, end, match.group("group"), "GROUP"))
    # (the programme patterns are slow, and each needs a word that nearly no text holds: a
    # programme head for a named one, a launch verb for a launched one)
    if may_name_a_programme(text):
        for match in c.topic.finditer(text):
            out.append((*match.span("group"), match.group("group"), "PROGRAMME"))
    if c.launch_verb.search(text):  # (one search, not a test per verb)
        for match in c.launched.finditer(text):
            out.append((*match.span("group"), match.group("group"), "PROGRAMME"))
    return out


def _listed_example(text: str, mention_end: int, text_in_bmp: bool | None = None) -> bool:
    """梅花生物、圣雪大成等27家企业, 兴安盟大米、科尔沁牛肉等上千种: names listed before 等 + a
    count are examples of what is counted, not a subject. ``text_in_bmp``: as for _groups."""
    listed = _compiled().listed_example.for_text(in_bmp(text) if text_in_bmp is None else text_in_bmp)
    return listed.match(text, mention_end) is not None


def last_clause_break(text: str, position: int) -> int:
    """Where the clause around ``position`` starts."""
    return _after_last(_UP_TO_LAST_CLAUSE_BREAK, text, position)
