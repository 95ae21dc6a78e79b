"""Claims: for each quantity that asserts something, who, what, how much, when, and how sure.

A claim is read from the sentence around its quantity (rules: ``rules/claims.yaml``):

- subject: ``subjects.py`` (the rule that chose it is the claim's ``subject_rule``);
- indicator: the words between the subject (or the clause start) and the amount, without
  linking verbs, time expressions and qualifiers;
- kind and sign: ``claim_kinds.py`` (rank, share, change signed, else level);
- time: from the times stage (doc.times, pipeline/times.py): the sentence's expression
  before the amount (never a comparison base or a dateline), else the paragraph's, else the
  section's framing lead or heading;
- modality: target (力争, 目标, 将 …), expected (预计, 有望 …), else actual.
"""
from __future__ import annotations

import bisect
import functools
import math
import re
from dataclasses import dataclass
from typing import NamedTuple

import regex

try:  # the standard library's parser of regular expressions (regex has none to ask), to read
    # what the time patterns require; private, so a Python without it only searches more
    import re._constants as _sre
    import re._parser as _sre_parse
except ImportError:
    _sre = _sre_parse = None

from .model import Claim, Document, Quantity, Sentence, records
from .rules import RuleEntry, alternation, any_character, compile_rule, load_entries, load_fields, rule_pattern
from .bmp_regex import BEYOND_BMP, characters_every_match_holds, compiled_alike, compiled_for_re
from .claim_kinds import continues_a_list, kind_and_sign
from .isolation import isolated_each
from .segment import alone_in_dictionary, runs, words
from .subject_cues import last_clause_break
from .subjects import SubjectResolver


class TimePattern(RuleEntry):
    """A time word that an indicator or a subject's position leaves out (2024年, 今年)."""
    pattern: str


class NotClaims(RuleEntry):
    duration_before: list[str]
    duration_after: list[str]
    reference_in_clause: list[str]
    aspect_nouns_after: list[str]
    definition_words: list[str]
    generic_before: list[str]
    ratio_first_before: str
    ratio_first_after: str
    ratio_second_before: str
    specification_before: str
    location_after: list[str]
    narrative_units: list[str]
    measured_age_before: list[str]
    measured_duration_before: list[str]


class NotClaimPattern(RuleEntry):
    """A named phenomenon whose amounts are no claims: ``before`` is searched in the
    amount's clause up to the amount (anchor it with $), ``after`` matched right after the
    amount; both must hold when both are given; ``units`` limits it to amounts of those units."""
    name: str
    before: str | None = None
    after: str | None = None
    units: list[str] | None = None
    examples: list[str] = []


class ClaimRules(RuleEntry):
    target_words: list[str]
    expected_words: list[str]
    indicator_trailing: list[str]
    indicator_leading: list[str]
    indicator_max_chars: int
    framing_lead: str
    framing_period: str
    framing_lookahead: int
    framing_summary: str
    time_base_words: list[str]
    range_to_words: list[str]
    not_claims: NotClaims


class _Words:
    """A word list of the rules compiled once for the questions asked of it on every amount:
    does a text contain, start with or end with one of the words?"""

    def __init__(self, words: list[str]):
        self._words = tuple(w for w in words if w)  # str.startswith/endswith take a tuple
        # (literal words: the standard library's engine searches a short text for them twice as fast as regex)
        self._any = re.compile(alternation(self._words) if self._words else "(?!)")

    def within(self, text: str) -> bool:
        return self._any.search(text) is not None

    def first_end(self, text: str) -> float:
        """Where the occurrence of one of the words that ends first ends (infinity for
        none): ``within(text[:n])`` is ``first_end(text) <= n`` for every n at once."""
        if self._any.search(text) is None:  # (most texts hold none: one search, not a find per word)
            return math.inf
        return min((i + len(w) for w in self._words if (i := text.find(w)) >= 0), default=math.inf)

    def starts(self, text: str, position: int = 0) -> bool:
        return text.startswith(self._words, position)

    def ends(self, text: str) -> bool:
        return text.endswith(self._words)


@dataclass(frozen=True)
class _Compiled:
    rules: ClaimRules
    times: tuple[tuple[regex.Pattern, TimePattern], ...]
    any_time: regex.Pattern
    time_marks: frozenset[str]  # a text without any of these has no time expression
    time_mark: re.Pattern  # any one of them (see _mark_class)
    trailing: re.Pattern  # (literal words: see _Words)
    trailing_words: _Words  # the same words: does a text end with one, so that ``trailing`` removes something?
    leading: re.Pattern
    leading_words: _Words
    framing: re.Pattern | regex.Pattern  # (see compiled_alike: the standard library's where it can)
    period: regex.Pattern
    period_mark: re.Pattern  # a text without one holds no period (see _mark_class)
    summary: re.Pattern | regex.Pattern
    specification: re.Pattern | regex.Pattern
    ratio_first: tuple[re.Pattern | regex.Pattern, re.Pattern | regex.Pattern]  # before and after the first amount
    ratio_second: re.Pattern | regex.Pattern
    ratio_mark: re.Pattern  # a text before an amount without one fits neither ratio (see _mark_class)
    base_before: _Words
    expected_multi: _Words
    target_multi: _Words
    single_markers: dict[str, frozenset[str]]  # 将, 要: markers that must be a word of their own
    any_single_marker: dict[str, re.Pattern]  # any one of them (a character class: one search, not a test per marker)
    reference_in_clause: _Words
    aspect_nouns_after: _Words
    definition_words: _Words
    generic_before: _Words
    duration_before: _Words
    duration_after: _Words
    location_after: _Words
    not_claim_patterns: tuple[tuple[regex.Pattern | None, regex.Pattern | None, NotClaimPattern], ...]
    # every pattern's ``after`` (or, for those without one, ``before``) in one alternation: an
    # amount that none of them fits, nearly all, is decided by one search each
    not_claim_after: regex.Pattern
    not_claim_after_bmp: re.Pattern | None  # the same in the standard library's engine, for a text of the BMP (bmp_regex)
    not_claim_before: regex.Pattern


@functools.cache
def _compiled() -> _Compiled:
    rules = load_fields("claims.yaml", ClaimRules)
    nc = rules.not_claims
    times = tuple((compile_rule(t.pattern), t) for t in load_entries("claims.yaml", "times", TimePattern))
    marks = _marks([p.pattern for p, _ in times])
    period = compile_rule(rules.framing_period)
    not_claim_after = _any_of(p.after for p in load_entries("claims.yaml", "not_claim_patterns", NotClaimPattern)
                              if p.after)
    single = {kind: frozenset(w for w in vocabulary if len(w) == 1)
              for kind, vocabulary in (("expected", rules.expected_words), ("target", rules.target_words))}
    return _Compiled(
        rules=rules,
        times=times,
        any_time=regex.compile("|".join(f"(?:{p.pattern})" for p, _ in times)),
        time_marks=marks,
        time_mark=_mark_class(marks),
        trailing=re.compile(f"(?:{alternation(rules.indicator_trailing)})+$"),
        trailing_words=_Words(rules.indicator_trailing),
        leading=re.compile(f"^(?:{alternation(rules.indicator_leading)})+"),
        leading_words=_Words(rules.indicator_leading),
        framing=_compiled_rule(rules.framing_lead),
        period=period,
        period_mark=_mark_class(_marks([period.pattern])),
        summary=_compiled_rule(rules.framing_summary),
        specification=_compiled_rule(rules.not_claims.specification_before),
        ratio_first=(_compiled_rule(nc.ratio_first_before), _compiled_rule(nc.ratio_first_after)),
        ratio_second=_compiled_rule(nc.ratio_second_before),
        # (the first ratio's text before is the end of the second's: a mark of either is in the second's)
        ratio_mark=_mark_class(_marks([rule_pattern(nc.ratio_first_before), rule_pattern(nc.ratio_second_before)])),
        base_before=_Words(rules.time_base_words),
        expected_multi=_Words([w for w in rules.expected_words if len(w) > 1]),
        target_multi=_Words([w for w in rules.target_words if len(w) > 1]),
        single_markers=single,
        any_single_marker={kind: any_character(markers) for kind, markers in single.items()},
        reference_in_clause=_Words(nc.reference_in_clause),
        aspect_nouns_after=_Words(nc.aspect_nouns_after),
        definition_words=_Words(nc.definition_words),
        generic_before=_Words(nc.generic_before),
        duration_before=_Words(nc.duration_before),
        duration_after=_Words(nc.duration_after),
        location_after=_Words(nc.location_after),
        not_claim_patterns=tuple(
            (regex.compile(p.before) if p.before else None, regex.compile(p.after) if p.after else None, p)
            for p in load_entries("claims.yaml", "not_claim_patterns", NotClaimPattern)),
        not_claim_after=not_claim_after,
        not_claim_after_bmp=compiled_for_re(not_claim_after.pattern),
        not_claim_before=_any_of(p.before for p in load_entries("claims.yaml", "not_claim_patterns", NotClaimPattern)
                                 if p.before and not p.after),
    )


def _compiled_rule(pattern: str) -> re.Pattern | regex.Pattern:
    """A rule's pattern as compile_rule reads it, in the standard library's engine where that
    reads it alike (compiled_alike): about twice as fast on the short texts around an amount."""
    return compiled_alike(rule_pattern(pattern))


def _any_of(patterns) -> regex.Pattern:
    patterns = list(patterns)
    return regex.compile("|".join(f"(?:{p})" for p in patterns) if patterns else "(?!)")


def _marks(patterns: list[str]) -> frozenset[str]:
    """Characters of which every match of one of the patterns holds at least one: for each
    pattern, a character all its matches hold (年 for 2024年 and 去年, 十 for “十四五”), the
    one most patterns share. Empty, so that every text is searched, when a pattern has none."""
    musts = [characters_every_match_holds(p) for p in patterns]
    if not all(musts):
        return frozenset()
    shared = {ch: sum(ch in must for must in musts) for must in musts for ch in must}
    return frozenset(max(must, key=lambda ch: (shared[ch], ch)) for must in musts)


def _mark_class(marks: frozenset[str]) -> re.Pattern:
    """A search for any one of ``marks``, the check that refutes a slower pattern's search in
    a text without them; for no marks (nothing known), found in every text."""
    return any_character(marks, none_matches_all=True)


def _without_times(text: str) -> str:
    return _compiled().any_time.sub("", text) if _may_hold_a_time(text) else text


def _may_hold_a_time(text: str) -> bool:
    """False for a text that cannot hold a time expression: one without any of its marks
    (about half of the sentences searched, at a fortieth of the cost of the search)."""
    # (one search of a character class: a loop over the marks cost as much as the search it spares)
    return _compiled().time_mark.search(text) is not None


def load_rules() -> None:
    _compiled()


_CLAUSE_BREAK = re.compile(r"[，,；;：:。！？!?、]")  # (a character class: the standard library's engine is faster)


class _Clauses:
    """Where a sentence's clauses break (，；：。…), found once for all of its amounts; and
    whether it lies in the Basic Multilingual Plane (for the patterns bmp_regex translates)."""

    __slots__ = ("_breaks", "_length", "in_bmp")

    def __init__(self, text: str):
        self._breaks = [m.start() for m in _CLAUSE_BREAK.finditer(text)]
        self._length = len(text)
        # (read per sentence of an amount: those are a fraction of the page's text)
        self.in_bmp = not BEYOND_BMP.search(text)

    def start(self, position: int) -> int:
        """Where the clause around ``position`` starts: after the last break before it."""
        i = bisect.bisect_left(self._breaks, position)
        return self._breaks[i - 1] + 1 if i else 0

    def end(self, position: int) -> int:
        """Where the clause from ``position`` on ends: at the first break from it on."""
        i = bisect.bisect_left(self._breaks, position)
        return self._breaks[i] if i < len(self._breaks) else self._length


# ---------------------------------------------------------------------------- time
# The time expressions are the times stage's (pipeline/times.py, doc.times), resolved
# there; a claim chooses among its sentence's, its paragraph's and its section's.


def find_time(expressions: tuple[_TimeExpression, ...], text: str, before: int | None = None,
              until: int | None = None, clause_start: int | None = None) -> str | None:
    """The time a sentence states: the last expression with a value (before offset ``before``
    when given, so that each amount takes its own date), skipping comparison bases
    (较2020年, 比上年) and datelines. ``until`` reads only up to the end of the clause; the
    two ends of a from–to pair (从2020年的A提升到2025年的B) date only their own clause,
    which starts at ``clause_start``."""
    to_words = _compiled().rules.range_to_words
    found = None
    for e in expressions:
        if (before is not None and e.start >= before) or (until is not None and e.end > until):
            break
        if e.kind in ("base", "dateline") or not e.value:
            continue
        if e.pair and clause_start is not None and e.end <= clause_start:
            continue
        if before is not None and e.after_from and any(w in text[e.end : before] for w in to_words):
            continue  # 从2020年的负增长回升至4%—6%: 2020 dates the start, not the amount
        found = e.value
    return found


class _TimeExpression(NamedTuple):
    start: int  # in the sentence
    end: int
    value: str | None
    kind: str
    after_from: bool  # 从2020年…: the start of a from–to span
    year_end: bool
    pair: bool  # an end of a from–to pair: 从2020年的A提升到2025年的B


def _sentence_times(doc: Document) -> dict[int, tuple[_TimeExpression, ...]]:
    by_sentence: dict[int, list[_TimeExpression]] = {}
    to_words = _compiled().rules.range_to_words
    opened: dict[int, int] = {}  # sentence → end of its last 从-expression
    for t in doc.times:
        sentence = doc.sentences[t.sentence]
        start = t.start - sentence.start
        after_from = sentence.text[max(0, start - 1) : start] == "从"
        since = opened.get(t.sentence)
        pair = after_from or (since is not None and any(w in sentence.text[since:start] for w in to_words))
        if after_from:
            opened[t.sentence] = t.end - sentence.start
        elif pair:
            del opened[t.sentence]  # the pair is closed: later expressions are not its ends
        by_sentence.setdefault(t.sentence, []).append(_TimeExpression(
            start, t.end - sentence.start, t.value, t.kind, after_from, t.year_end, pair))
    return {k: tuple(v) for k, v in by_sentence.items()}


def _endpoints_compared(expressions, text: str) -> bool:
    """2020年到2025年，工业投资占比从17.9%提升到35.5%: a range whose ends the sentence compares."""
    return any(e.kind == "range" and "从" in text[e.end :] for e in expressions
               if any(w in text[e.start : e.end] for w in ("到", "至")))


def _side_of_range(time: str, clause_before: str) -> str:
    """从2021年的1列增至2024年的120列: in a from–to sentence with a range of years, the
    amount after 从 takes the first year, the amount after 至/到 the last."""
    if "/" not in time or len(time) != 9:
        return time
    first, last = time.split("/")
    tail = clause_before[-4:]
    if any(tail.endswith(w) for w in _compiled().rules.range_to_words):
        return last
    if "从" in clause_before and not any(w in clause_before[clause_before.rfind("从"):] for w in _compiled().rules.range_to_words):
        return first
    return time


# ---------------------------------------------------------------------------- claims


def is_claim(sentence: str, q_start: int, q_end: int, quantity: Quantity, clauses: _Clauses | None = None) -> bool:
    """False for the quantities GOLD.md lists as not claims (see rules/claims.yaml)."""
    c = _compiled()
    before, after = sentence[max(0, q_start - 8) : q_start], sentence[q_end : q_end + 3]
    clause_after = sentence[q_end : (clauses or _Clauses(sentence)).end(q_end)]
    if c.reference_in_clause.within(clause_after):
        return False
    if c.aspect_nouns_after.starts(after) or c.aspect_nouns_after.ends(quantity.text):
        return False
    if c.definition_words.within(before) or c.definition_words.starts(clause_after):
        return False
    if c.generic_before.ends(before):
        return False
    wide_before = sentence[max(0, q_start - 16) : q_start]
    if c.ratio_mark.search(wide_before) and (c.ratio_second.search(wide_before) or (
            c.ratio_first[0].search(before) and c.ratio_first[1].match(sentence, q_end))):
        return False
    measured = quantity.dimension == "time" and any(
        w in sentence[clauses.start(q_start) if clauses else 0 : q_start] for w in c.rules.not_claims.measured_duration_before)
    if quantity.dimension == "time" and not before.endswith("连续") and not measured:
        if c.duration_before.ends(before):
            return False
        if quantity.unit == "a" and c.duration_after.starts(after):
            return False
    if c.specification.search(before):
        return False
    if quantity.dimension == "length" and c.location_after.starts(after):
        return False
    if quantity.unit in c.rules.not_claims.narrative_units and \
            not any(w in sentence[clauses.start(q_start) if clauses else 0 : q_start]
                    for w in c.rules.not_claims.measured_age_before):
        return False
    return not_claim_pattern(sentence, q_start, q_end, quantity, clauses) is None


_PATTERN_REACH = 24  # characters before an amount that a not-claim pattern reads


def not_claim_pattern(sentence: str, q_start: int, q_end: int, quantity: Quantity,
                      clauses: _Clauses | None = None) -> str | None:
    """The name of the not-claim pattern of rules/claims.yaml that the amount fits, if any."""
    c = _compiled()
    clauses = clauses or _Clauses(sentence)
    # (the patterns before an amount end at it and are short: the clause's tail is enough)
    clause_before = sentence[max(clauses.start(q_start), q_start - _PATTERN_REACH) : q_start]
    any_after = c.not_claim_after_bmp if clauses.in_bmp and c.not_claim_after_bmp is not None else c.not_claim_after
    if any_after.match(sentence, q_end) is None and c.not_claim_before.search(clause_before) is None:
        return None
    for before, after, rule in c.not_claim_patterns:
        if rule.units is not None and quantity.unit not in rule.units:
            continue
        if after is not None and after.match(sentence, q_end) is None:
            continue
        if before is not None and before.search(clause_before) is None:
            continue
        return rule.name
    return None


def _modality(sentence: str, q_start: int, reach: int | None = None) -> str:
    """``reach``: where the sentence's last amount starts (None: the sentence's end); a
    marker ending after it decides no amount's modality, so the text after it is not segmented."""
    reach = len(sentence) if reach is None else reach
    if _first_marker_end(sentence, "expected", reach) <= q_start:
        return "expected"
    if _first_marker_end(sentence, "target", reach) <= q_start:
        return "target"
    return "actual"


@functools.lru_cache(maxsize=512)  # asked by every amount of the sentence: a marker before it?
def _first_marker_end(sentence: str, kind: str, reach: int) -> float:
    """Where the first marker of ``kind`` (expected, target) in the sentence ends, infinity
    for none; a one-character marker (将, 要) counts only as a word of its own, not inside
    another (将近, 重要, 主要). Past ``reach`` the answer is only some end after it: the
    one-character markers there are not looked for (segmenting the runs that hold one costs
    more than all else this function does)."""
    c = _compiled()
    first_end = (c.expected_multi if kind == "expected" else c.target_multi).first_end(sentence)
    single = c.single_markers[kind]
    # (one search of a character class, not ``single.isdisjoint(sentence)``, which makes a
    # set of every character of the text, nor a test per marker)
    if c.any_single_marker[kind].search(sentence) is None:
        return first_end
    for start, run in runs(sentence):  # (only the runs that hold one of the characters are segmented)
        if start >= first_end:
            break
        at = min((i for marker in single if (i := run.find(marker)) >= 0), default=None)
        if at is None:
            continue
        if start + at >= reach:
            break  # (a marker here, or later, ends after reach)
        if alone_in_dictionary(run, at):  # (seven times in ten: no need to segment the run)
            return min(start + at + 1, first_end)
        end = start
        for word in words(run):
            end += len(word)
            if word in single:
                return min(end, first_end)
    return first_end


def _indicator(clause_before: str, subject_text: str | None, after: str) -> str:
    c = _compiled()
    text = clause_before
    if subject_text and subject_text in text:
        text = text[text.rfind(subject_text) + len(subject_text) :]
    text = _without_times(text).strip()
    if c.leading_words.starts(text):  # (most clauses open with none: no substitution to try)
        text = c.leading.sub("", text)
    # until no trailing word is left (the test spares the substitution that would find none)
    while c.trailing_words.ends(text[:-1] if text.endswith("\n") else text):  # ($ matches before a final newline)
        text = c.trailing.sub("", text)
    text = text.strip("的在于对")
    if not text:
        text = _CLAUSE_BREAK.split(after, 1)[0]
    return text[-c.rules.indicator_max_chars :]


class _Context:
    """Per-document indexes, built once, and per-sentence answers computed when a claim asks."""

    def __init__(self, doc: Document, mentions: list[tuple]):
        """``mentions``: (start, end, …) of every entity mention, in order (the subject
        resolver's, so that they are sorted once)."""
        self.doc = doc
        self.times = _sentence_times(doc)
        self.headings = {}  # section → its heading sentence
        for i, sentence in enumerate(doc.sentences):
            if sentence.heading and sentence.section is not None:
                self.headings.setdefault(sentence.section, i)
        self._span_starts = [m[0] for m in mentions]
        self._span_ends = [m[1] for m in mentions]
        self._times: dict[int, str | None] = {}
        self._clauses: dict[int, _Clauses] = {}
        self._dated: dict[int, int | None] = {}
        self.leads = self._framing_leads()
        self.framed: dict[tuple[int | None, int], str | None] = {}  # (section, paragraph) → _framing_time
        self.last_amount_start: dict[int, int] = {}  # sentence → where its last amount starts in it
        for quantity in doc.quantities:
            start = quantity.start - doc.sentences[quantity.sentence].start
            self.last_amount_start[quantity.sentence] = max(start, self.last_amount_start.get(quantity.sentence, 0))

    def time_of(self, index: int) -> str | None:
        """The time a sentence gives the sentences after it in its paragraph: none when its
        years are the two ends of a from–to pair (从2020年的A提升到2025年的B dates A and B only)."""
        if index not in self._times:
            expressions = self.times.get(index)
            if expressions is None:  # (most sentences state no time: nothing to choose from)
                self._times[index] = None
                return None
            text = self.doc.sentences[index].text
            pair = any(e.after_from for e in expressions) or _endpoints_compared(expressions, text)
            self._times[index] = None if pair else find_time(expressions, self.doc.sentences[index].text)
        return self._times[index]

    def clauses(self, index: int) -> _Clauses:
        if index not in self._clauses:
            self._clauses[index] = _Clauses(self.doc.sentences[index].text)
        return self._clauses[index]

    def paragraph_time(self, index: int) -> str | None:
        """The time stated last before sentence ``index`` in its paragraph."""
        dated = self.dated_before(index)
        return None if dated is None else self.time_of(dated)

    def dated_before(self, index: int) -> int | None:
        """The last sentence before ``index`` in its paragraph that states a time, or None.
        Remembered per sentence, so that a long undated paragraph is walked once, not once
        per amount (which made claims quadratic in a paragraph's length)."""
        sentences = self.doc.sentences
        if index == 0 or sentences[index - 1].paragraph != sentences[index].paragraph:
            return None
        paragraph, pending, i = sentences[index].paragraph, [], index - 1
        while i >= 0 and sentences[i].paragraph == paragraph and i not in self._dated:
            pending.append(i)
            i -= 1
        found = self._dated[i] if i >= 0 and sentences[i].paragraph == paragraph else None
        for j in reversed(pending):  # (the last dated sentence up to and including j)
            if self.time_of(j):
                found = j
            self._dated[j] = found
        return self._dated[index - 1]

    def inside_a_name(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self._span_starts, start) - 1
        return i >= 0 and end <= self._span_ends[i]

    def _framing_leads(self) -> dict[int | None, list[tuple[int, str, bool]]]:
        """Per section, the paragraphs that frame a period, in order: (paragraph, time,
        whether the frame sums up the figures before it)."""
        c = _compiled()
        leads: dict[int | None, dict[int, tuple[str, bool]]] = {}
        seen_paragraphs: set[int] = set()
        for index, sentence in enumerate(self.doc.sentences):
            first = sentence.paragraph not in seen_paragraphs
            seen_paragraphs.add(sentence.paragraph)
            if sentence.heading or sentence.paragraph in leads.get(sentence.section, {}):
                continue
            lead = (c.framing.match(sentence.text) if first else None) or \
                (c.period.search(sentence.text) if c.period_mark.search(sentence.text) else None)
            if lead:
                value = find_time(tuple(e for e in self.times.get(index, ())
                                        if lead.start() <= e.start and e.end <= lead.end()), sentence.text)
                if value:
                    sums_up = c.summary.search(sentence.text, 0, lead.start()) is not None
                    leads.setdefault(sentence.section, {})[sentence.paragraph] = (value, sums_up)
        # The page's lead paragraph frames its section by the period its first sentence
        # states (天齐锂业发布了2018年的三季报，… → the figures after it are of that quarter).
        first = next((i for i, s in enumerate(self.doc.sentences) if not s.heading), None)
        if first is not None:
            lead_sentence = self.doc.sentences[first]
            value = self.time_of(first)
            # only a period within a year (一季度, 上半年, 1-7月): a page about a reporting
            # period; a lead's year alone dates only its own paragraph
            if value and len(value) == 15 and lead_sentence.paragraph not in leads.get(lead_sentence.section, {}):
                leads.setdefault(lead_sentence.section, {})[lead_sentence.paragraph] = (value, False)
        return {section: [(p, t, s) for p, (t, s) in sorted(found.items())] for section, found in leads.items()}


def annotate_claims(doc: Document) -> None:
    """The pipeline stage: one claim per quantity that asserts something (headings give none)."""
    # The cache by sentence serves one document, whose amounts ask the same sentence for
    # its modality markers: emptied here, so that a sentence repeated from an earlier page
    # costs what any sentence costs (and a benchmark corpus that reuses sentences measures
    # the real cost). (A mention's subject position is asked once per sentence: the
    # resolver keeps each sentence's candidates.)
    _first_marker_end.cache_clear()
    subjects = SubjectResolver(doc, strip_times=_without_times)
    ctx = _Context(doc, subjects.ordered_mentions())
    if doc.scope is None:
        doc.scope = subjects.scope  # (the place the page names itself by)
    quantities = doc.quantities
    previous: tuple[int, int, str, int, str] | None = None  # sentence, end, kind, sign, indicator

    def claim_of(index: int) -> dict | None:
        nonlocal previous  # (left as it was when the amount fails)
        row, previous = _claim(doc, ctx, subjects, index, quantities[index], previous)
        return row

    # an amount that fails costs its own claim, recorded with its sentence, not the stage
    rows = isolated_each(doc, "claims", range(len(quantities)), claim_of,
                         unit_name=lambda index: f"sentence {quantities[index].sentence}")
    doc.claims = records(Claim, [row for _, row in rows if row is not None])  # (validated together)


def _claim(doc: Document, ctx: "_Context", subjects: SubjectResolver, index: int, quantity,
           previous: tuple | None) -> tuple[dict | None, tuple | None]:
    """The claim of one quantity (Claim fields), or None; and the list state for the next."""
    sentence = doc.sentences[quantity.sentence]
    if sentence.heading:
        return None, previous
    q_start, q_end = quantity.start - sentence.start, quantity.end - sentence.start
    text = sentence.text
    clauses = ctx.clauses(quantity.sentence)
    if not is_claim(text, q_start, q_end, quantity, clauses) or ctx.inside_a_name(quantity.start, quantity.end):
        return None, previous  # (a quantity inside a name, 中国大唐多伦15万千瓦…项目, is part of the name)
    clause_start = clauses.start(q_start)
    clause_before = text[clause_start:q_start]
    # A sentence that is all quotation names its speaker and scene in the next one.
    following = _next_in_paragraph(doc, quantity.sentence) if text.startswith("“") else None
    subject = subjects.subject(quantity, following)
    if previous is not None and previous[0] == quantity.sentence and \
            continues_a_list(text[previous[1] - sentence.start : q_start]):
        # 增长分别为2%、1.6%和2.5%: the later items of a list keep the verb of the first
        kind, sign, indicator = previous[2], previous[3], previous[4]
    else:
        kind, sign = kind_and_sign(clause_before, quantity, text[q_end : q_end + 4],
                                   _governing_item(text, clause_start))
        indicator = _indicator(clause_before, subject.text, text[q_end:])
    modality = _modality(text, q_start, ctx.last_amount_start[quantity.sentence])
    if modality == "expected":
        # An expected figure (投运后…预计…) is conditional: only its own sentence dates it.
        time = find_time(ctx.times.get(quantity.sentence, ()), text, before=q_start)
    else:
        time = _claim_time(ctx, quantity.sentence, q_start, clause_before)
        if time is None and following is not None:
            time = ctx.time_of(following)
    value, low, high = quantity.value, quantity.low, quantity.high
    if sign < 0:
        value = -value if value is not None else None
        low, high = (-high if high is not None else None), (-low if low is not None else None)
    return {
        "sentence": quantity.sentence, "subject": subject.text, "subject_id": subject.id,
        "subject_rule": subject.rule, "indicator": indicator,
        "quantity": quantity.text, "quantity_index": index, "value": value, "low": low, "high": high,
        "unit": quantity.unit, "qualifier": quantity.qualifier, "kind": kind, "time": time,
        "modality": modality}, (quantity.sentence, quantity.end, kind, sign, indicator)


def _governing_item(text: str, segment_start: int) -> str:
    """The first 、-item of the clause that the item starting at ``segment_start`` is a later
    item of (新增五星级饭店16家、等级民宿638家 → 新增五星级饭店16家), else ""."""
    if segment_start == 0 or text[segment_start - 1] != "、":
        return ""
    start = last_clause_break(text, segment_start)  # (a break, but not the list's 、)
    return text[start : text.index("、", start)]


def _claim_time(ctx: _Context, index: int, q_start: int, clause_before: str) -> str | None:
    doc = ctx.doc
    sentence = doc.sentences[index]
    expressions = ctx.times.get(index, ())
    if expressions:  # (a sentence without time expressions of its own, most, is dated by its context)
        streak = next((e for e in expressions if e.kind == "streak" and e.start <= q_start < e.end and e.value), None)
        if streak is not None:  # 从2005年开始连续5年 → 2005/2009: the streak's own span
            return streak.value
        # (the items of an enumeration share their clause's from–to pair: 从2020年的645元/月、4318元/年
        # 提高到2025年的… dates both to 2020)
        clause_start = last_clause_break(sentence.text, q_start)  # (a break, but not the enumeration's 、)
        time = (find_time(expressions, sentence.text, before=q_start, clause_start=clause_start)
                or find_time(expressions, sentence.text, until=ctx.clauses(index).end(q_start)))
        if time and not any(clause_start <= e.start < q_start for e in expressions):
            time = _from_side_of_pair(expressions, sentence.text[clause_start:q_start], clause_start) or time
        if time:
            return _flow_keeps_year(_side_of_range(time, clause_before), expressions, clause_before)
        if any(e.kind == "present" and e.start < q_start for e in expressions):
            return None  # 目前, 现有 …: a present figure is not dated by the sentences before it
    # the paragraph's earlier sentences, then the section's framing lead, then its headings
    carried_time = ctx.paragraph_time(index)
    if carried_time:
        earlier = ctx.times.get(ctx.dated_before(index), ())
        return _flow_keeps_year(carried_time, earlier, clause_before)
    framed = _framing_time(ctx, sentence)
    if framed:
        return framed
    section = sentence.section
    while section is not None:
        heading = ctx.headings.get(section)
        time = find_time(ctx.times.get(heading, ()), doc.sentences[heading].text) if heading is not None else None
        if time:
            return time
        section = doc.sections[section].parent
    return None


def _from_side_of_pair(expressions, own_clause: str, clause_start: int) -> str | None:
    """…分别从2020年的A提高到2025年的B，某标准从C提高到D: an undated from–to pair of amounts
    after a dated one takes the same years — C the first (the amount after 从)."""
    at = own_clause.rfind("从")
    if at < 0 or any(w in own_clause[at:] for w in _compiled().rules.range_to_words):
        return None
    starts = [e for e in expressions if e.after_from and e.end <= clause_start and e.value]
    return starts[-1].value if starts else None


def _flow_keeps_year(time: str, expressions, clause_before: str) -> str:
    """2014年末 dates a stock to 2014-12; a flow (产量, 出栏, 收入 …) dated by it keeps the year."""
    if not (len(time) == 7 and time.endswith("-12")):
        return time
    if any(e.value == time and e.year_end for e in expressions) and any(w in clause_before for w in _flow_words()):
        return time[:4]
    return time


@functools.cache
def _flow_words() -> tuple[str, ...]:
    from .times import flow_words

    return tuple(flow_words())


def _framing_time(ctx: _Context, sentence: Sentence) -> str | None:
    """The time of the nearest earlier paragraph of the same section that frames a period
    (“十四五”以来，… / 2026年，… / 回看“十四五”以来…); failing that, a framing paragraph
    just after that sums up the figures before it. (The same for every amount of a
    paragraph: remembered per paragraph, for the document.)"""
    key = (sentence.section, sentence.paragraph)
    if key not in ctx.framed:
        ctx.framed[key] = _paragraph_framing_time(ctx, sentence)
    return ctx.framed[key]


def _paragraph_framing_time(ctx: _Context, sentence: Sentence) -> str | None:
    leads = [lead for lead in ctx.leads.get(sentence.section, []) if lead[0] != sentence.paragraph]
    earlier = [t for p, t, _ in leads if p < sentence.paragraph]
    if earlier:
        return earlier[-1]
    lookahead = _compiled().rules.framing_lookahead
    later = [(t, sums_up) for p, t, sums_up in leads if sentence.paragraph < p <= sentence.paragraph + lookahead]
    return later[0][0] if later and later[0][1] else None


def _next_in_paragraph(doc: Document, index: int) -> int | None:
    nxt = index + 1
    if nxt < len(doc.sentences) and doc.sentences[nxt].paragraph == doc.sentences[index].paragraph:
        return nxt
    return None
