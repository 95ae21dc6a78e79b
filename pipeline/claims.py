"""Claims: for each quantity that asserts something, who, what, how much, when, and how sure.

A claim is read from the sentence around its quantity (rules: ``rules/claims.yaml``):

- subject: the first entity the sentence names, else the subject carried from the
  paragraph's previous claim, else the entity of the section or document scope;
- indicator: the words between the subject (or the clause start) and the amount, without
  linking verbs, time expressions and qualifiers;
- kind: rank (a rank amount), share (占, 占比 …), change (增长, 下降 … signed), else level;
- time: from the times stage (doc.times, pipeline/times.py): the sentence's expression
  before the amount (never a comparison base or a dateline), else the paragraph's, else the
  section's framing lead or heading;
- modality: target (力争, 目标, 将 …), expected (预计, 有望 …), else actual.
"""
from __future__ import annotations

import bisect
import functools
import math
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
from .rules import RuleEntry, alternation, load_entries, load_fields
from .segment import runs, words


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


class ClaimRules(RuleEntry):
    change_words: list[str]
    change_amounts: list[str]
    negative_change_words: list[str]
    share_words: list[str]
    level_after_change: list[str]
    target_words: list[str]
    expected_words: list[str]
    indicator_trailing: list[str]
    indicator_leading: list[str]
    indicator_max_chars: int
    subject_openers: list[str]
    subject_max_prefix: int
    framing_lead: str
    framing_period: str
    framing_lookahead: int
    framing_summary: str
    time_base_words: list[str]
    range_to_words: list[str]
    not_subject_after: list[str]
    not_subject_levels: list[str]
    scene_openers: list[str]
    speaker_pronouns: list[str]
    listed_example: str
    not_claims: NotClaims


class _Words:
    """A word list of the rules compiled once for the questions asked of it on every amount:
    does a text contain, start with or end with one of the words?"""

    def __init__(self, words: list[str]):
        self._words = tuple(w for w in words if w)  # str.startswith/endswith take a tuple
        self._any = regex.compile(alternation(self._words) if self._words else "(?!)")

    def within(self, text: str) -> bool:
        return self._any.search(text) is not None

    def first_end(self, text: str) -> float:
        """Where the occurrence of one of the words that ends first ends (infinity for
        none): ``within(text[:n])`` is ``first_end(text) <= n`` for every n at once."""
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
    trailing: regex.Pattern
    leading: regex.Pattern
    subject_openers: regex.Pattern
    framing: regex.Pattern
    period: regex.Pattern
    summary: regex.Pattern
    specification: regex.Pattern
    ratio_first: tuple[regex.Pattern, regex.Pattern]  # before and after the first amount
    ratio_second: regex.Pattern
    base_before: _Words
    not_subject_before: _Words
    listed_example: regex.Pattern
    kind_words: regex.Pattern  # every change and share word, for one scan per clause
    kind_of_word: dict[str, tuple[int, str]]  # word → (rank in the rules' order, kind)
    expected_multi: _Words
    target_multi: _Words
    single_markers: dict[str, frozenset[str]]  # 将, 要: markers that must be a word of their own
    reference_in_clause: _Words
    aspect_nouns_after: _Words
    definition_words: _Words
    generic_before: _Words
    duration_before: _Words
    duration_after: _Words
    location_after: _Words


@functools.cache
def _compiled() -> _Compiled:
    rules = load_fields("claims.yaml", ClaimRules)
    nc = rules.not_claims
    times = tuple((regex.compile(t.pattern), t) for t in load_entries("claims.yaml", "times", TimePattern))
    return _Compiled(
        rules=rules,
        times=times,
        any_time=regex.compile("|".join(f"(?:{p.pattern})" for p, _ in times)),
        time_marks=_marks([p.pattern for p, _ in times]),
        trailing=regex.compile(f"(?:{alternation(rules.indicator_trailing)})+$"),
        leading=regex.compile(f"^(?:{alternation(rules.indicator_leading)})+"),
        subject_openers=regex.compile(f"^(?:{alternation(rules.subject_openers)})+"),
        framing=regex.compile(rules.framing_lead),
        period=regex.compile(rules.framing_period),
        summary=regex.compile(rules.framing_summary),
        specification=regex.compile(rules.not_claims.specification_before),
        ratio_first=(regex.compile(nc.ratio_first_before), regex.compile(nc.ratio_first_after)),
        ratio_second=regex.compile(nc.ratio_second_before),
        base_before=_Words(rules.time_base_words),
        not_subject_before=_Words(rules.not_subject_after),
        listed_example=regex.compile(rules.listed_example),
        kind_words=regex.compile(alternation(rules.change_words + rules.share_words)),
        kind_of_word=_kind_of_word(rules),
        expected_multi=_Words([w for w in rules.expected_words if len(w) > 1]),
        target_multi=_Words([w for w in rules.target_words if len(w) > 1]),
        single_markers={kind: frozenset(w for w in vocabulary if len(w) == 1)
                        for kind, vocabulary in (("expected", rules.expected_words), ("target", rules.target_words))},
        reference_in_clause=_Words(nc.reference_in_clause),
        aspect_nouns_after=_Words(nc.aspect_nouns_after),
        definition_words=_Words(nc.definition_words),
        generic_before=_Words(nc.generic_before),
        duration_before=_Words(nc.duration_before),
        duration_after=_Words(nc.duration_after),
        location_after=_Words(nc.location_after),
    )


def _kind_of_word(rules: ClaimRules) -> dict[str, tuple[int, str]]:
    """Change words first, then share words: the first listing of a word decides a tie."""
    out: dict[str, tuple[int, str]] = {}
    for kind, vocabulary in (("change", rules.change_words), ("share", rules.share_words)):
        for word in vocabulary:
            out.setdefault(word, (len(out), kind))
    return out


def _marks(patterns: list[str]) -> frozenset[str]:
    """Characters of which every match of one of the patterns holds at least one: for each
    pattern, a character all its matches hold (年 for 2024年 and 去年, 十 for “十四五”), the
    one most patterns share. Empty, so that every text is searched, when a pattern has none."""
    musts = [_characters_every_match_holds(p) for p in patterns]
    if not all(musts):
        return frozenset()
    shared = {ch: sum(ch in must for must in musts) for must in musts for ch in must}
    return frozenset(max(must, key=lambda ch: (shared[ch], ch)) for must in musts)


def _characters_every_match_holds(pattern: str) -> set[str]:
    """The literal characters of a pattern outside optional parts, and those that all the
    branches of an alternative hold, read from the standard library's parse of the
    pattern. Any other construct adds nothing, so the set can only be too small. (The one
    regex syntax that parser reads otherwise without an error, fuzzy matching such as
    (?:2024年){e<=1}, is not used by the rules.)"""
    if _sre_parse is None:  # another Python: nothing known, every text is searched
        return set()
    try:
        parsed = _sre_parse.parse(pattern)
    except _sre.error:  # regex-only syntax (\p{Han}): nothing known
        return set()
    if parsed.state.flags & _sre.SRE_FLAG_IGNORECASE:
        return set()
    return _held(parsed)


def _held(items) -> set[str]:
    held: set[str] = set()
    for op, arg in items:
        if op is _sre.LITERAL:
            held.add(chr(arg))
        elif op is _sre.SUBPATTERN:
            held |= _held(arg[-1])
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT) and arg[0] >= 1:
            held |= _held(arg[-1])
        elif op is _sre.BRANCH:
            held |= set.intersection(*(_held(branch) for branch in arg[1]))
    return held


def _without_times(text: str) -> str:
    return _compiled().any_time.sub("", text) if _may_hold_a_time(text) else text


def _may_hold_a_time(text: str) -> bool:
    """False for a text that cannot hold a time expression: one without any of its marks
    (about half of the sentences searched, at a fortieth of the cost of the search)."""
    marks = _compiled().time_marks
    return not marks or any(mark in text for mark in marks)


def load_rules() -> None:
    _compiled()


_CLAUSE_BREAK = regex.compile(r"[，,；;：:。！？!?、]")


class _Clauses:
    """Where a sentence's clauses break (，；：。…), found once for all of its amounts."""

    __slots__ = ("_breaks", "_length")

    def __init__(self, text: str):
        self._breaks = [m.start() for m in _CLAUSE_BREAK.finditer(text)]
        self._length = len(text)

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
    if c.ratio_second.search(wide_before) or (
            c.ratio_first[0].search(before) and c.ratio_first[1].match(sentence, q_end)):
        return False
    if quantity.dimension == "time" and not before.endswith("连续"):
        if c.duration_before.ends(before):
            return False
        if quantity.unit == "a" and c.duration_after.starts(after):
            return False
    if c.specification.search(before):
        return False
    if quantity.dimension == "length" and c.location_after.starts(after):
        return False
    if quantity.unit in c.rules.not_claims.narrative_units:
        return False
    return True


def _kind_and_sign(clause_before: str, quantity: Quantity) -> tuple[str, int]:
    c = _compiled()
    rules = c.rules
    if quantity.unit == "rank":
        return "rank", 1
    if quantity.text in rules.change_amounts:
        return "change", 1
    # The change or share word that ends last before the amount decides; on a tie, the
    # first listed (同比增长 over 增长).
    best: tuple[int, int, str, str] | None = None  # (end, -rank, kind, word)
    for match in c.kind_words.finditer(clause_before, overlapped=True):
        rank, kind = c.kind_of_word[match.group()]
        candidate = (match.end(), -rank, kind, match.group())
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    if best is None:
        return "level", 1
    end, _, kind, word = best
    if kind == "change" and any(clause_before.startswith(w, end) for w in rules.level_after_change):
        return "level", 1  # 增至 1700亿元: the new level
    if kind == "change" and any(n in word for n in rules.negative_change_words):
        return "change", -1
    return kind, 1


def _modality(sentence: str, q_start: int) -> str:
    if _first_marker_end(sentence, "expected") <= q_start:
        return "expected"
    if _first_marker_end(sentence, "target") <= q_start:
        return "target"
    return "actual"


@functools.lru_cache(maxsize=512)  # asked by every amount of the sentence: a marker before it?
def _first_marker_end(sentence: str, kind: str) -> float:
    """Where the first marker of ``kind`` (expected, target) in the sentence ends, infinity
    for none; a one-character marker (将, 要) counts only as a word of its own, not inside
    another (将近, 重要, 主要)."""
    c = _compiled()
    first_end = (c.expected_multi if kind == "expected" else c.target_multi).first_end(sentence)
    single = c.single_markers[kind]
    # (``in`` per marker, not ``single.isdisjoint(sentence)``, which makes a string of every
    # character of the text: eight times slower on a sentence)
    if not any(marker in sentence for marker in single):
        return first_end
    for start, run in runs(sentence):  # (only the runs that hold one of the characters are segmented)
        if start >= first_end:
            break
        if not any(marker in run for marker in single):
            continue
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
    text = _without_times(text)
    text = c.leading.sub("", text.strip())
    previous = None
    while previous != text:
        previous = text
        text = c.trailing.sub("", text)
    text = text.strip("的在于对")
    if not text:
        text = _CLAUSE_BREAK.split(after, 1)[0]
    return text[-c.rules.indicator_max_chars :]


@dataclass
class _Subject:
    text: str
    id: str | None


class _Context:
    """Per-document indexes, built once, and per-sentence answers computed when a claim asks."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.times = _sentence_times(doc)
        self.headings = {}  # section → its heading sentence
        for i, sentence in enumerate(doc.sentences):
            if sentence.heading and sentence.section is not None:
                self.headings.setdefault(sentence.section, i)
        self.mentions = _mentions_by_sentence(doc)
        self.default = _default_subject(doc)
        self.section_subjects = _section_subjects(doc, self.mentions)
        spans = sorted((m.start, m.end) for e in doc.entities for m in e.mentions)
        self._span_starts = [a for a, _ in spans]
        self._span_ends = [b for _, b in spans]
        self._times: dict[int, str | None] = {}
        self._clauses: dict[int, _Clauses] = {}
        self._candidates: dict[int, _Candidates] = {}
        self._subjects: dict[int, _Subject | None] = {}
        self.leads = self._framing_leads()

    def time_of(self, index: int) -> str | None:
        """The time a sentence gives the sentences after it in its paragraph: none when its
        years are the two ends of a from–to pair (从2020年的A提升到2025年的B dates A and B only)."""
        if index not in self._times:
            expressions = self.times.get(index, ())
            text = self.doc.sentences[index].text
            pair = any(e.after_from for e in expressions) or _endpoints_compared(expressions, text)
            self._times[index] = None if pair else find_time(expressions, self.doc.sentences[index].text)
        return self._times[index]

    def clauses(self, index: int) -> _Clauses:
        if index not in self._clauses:
            self._clauses[index] = _Clauses(self.doc.sentences[index].text)
        return self._clauses[index]

    def candidates(self, index: int) -> _Candidates:
        if index not in self._candidates:
            self._candidates[index] = _candidates(self.doc.sentences[index], self.mentions.get(index, []))
        return self._candidates[index]

    def paragraph_time(self, index: int) -> str | None:
        """The time stated last before sentence ``index`` in its paragraph (asked only for
        sentences with an amount, so most sentences are never searched for a time)."""
        return next(filter(None, map(self.time_of, self._earlier_in_paragraph(index))), None)

    def subject_of(self, index: int) -> _Subject | None:
        if index not in self._subjects:
            self._subjects[index] = _last_subject(self.doc.sentences[index], self.mentions.get(index, []))
        return self._subjects[index]

    def paragraph_subject(self, index: int) -> _Subject | None:
        """The subject stated last before sentence ``index`` in its paragraph."""
        return next(filter(None, map(self.subject_of, self._earlier_in_paragraph(index))), None)

    def _earlier_in_paragraph(self, index: int):
        sentences = self.doc.sentences
        paragraph = sentences[index].paragraph
        earlier = index - 1
        while earlier >= 0 and sentences[earlier].paragraph == paragraph:
            yield earlier
            earlier -= 1

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
            lead = (c.framing.match(sentence.text) if first else None) or c.period.search(sentence.text)
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
    # The caches by sentence serve one document, whose amounts ask the same sentence for
    # its times and subject positions: emptied here, so that a sentence repeated
    # from an earlier page costs what any sentence costs (and a benchmark corpus that
    # reuses sentences measures the real cost).
    for by_sentence in (_in_subject_position, _first_marker_end):
        by_sentence.cache_clear()
    ctx = _Context(doc)
    mentions = ctx.mentions
    claims: list[dict] = []  # Claim fields, validated together at the end
    carried: dict[int, _Subject] = {}  # paragraph → subject of its last claim
    for index, quantity in enumerate(doc.quantities):
        sentence = doc.sentences[quantity.sentence]
        if sentence.heading:
            continue
        q_start, q_end = quantity.start - sentence.start, quantity.end - sentence.start
        text = sentence.text
        clauses = ctx.clauses(quantity.sentence)
        if not is_claim(text, q_start, q_end, quantity, clauses) or ctx.inside_a_name(quantity.start, quantity.end):
            continue  # (a quantity inside a name, 中国大唐多伦15万千瓦…项目, is part of the name)
        before = text[:q_start]
        clause_before = before[clauses.start(q_start) :]
        # A sentence that is all quotation names its speaker and scene in the next one.
        following = _next_in_paragraph(doc, quantity.sentence) if text.startswith("“") else None
        quoted_subject = None
        if following is not None:
            quoted_subject = _first_subject(doc.sentences[following], mentions.get(following, []))
        subject = _speaker_pronoun(text, q_start, sentence, mentions.get(quantity.sentence, []))
        subject = subject or quoted_subject or _subject(
            sentence, quantity, ctx.candidates(quantity.sentence),
            carried.get(sentence.paragraph) or ctx.paragraph_subject(quantity.sentence),
            ctx.section_subjects.get(sentence.section), ctx.default)
        kind, sign = _kind_and_sign(clause_before, quantity)
        modality = _modality(text, q_start)
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
        claims.append({
            "sentence": quantity.sentence, "subject": subject.text, "subject_id": subject.id,
            "indicator": _indicator(clause_before, subject.text, text[q_end:]),
            "quantity": quantity.text, "quantity_index": index, "value": value, "low": low, "high": high,
            "unit": quantity.unit, "qualifier": quantity.qualifier, "kind": kind, "time": time,
            "modality": modality})
        carried[sentence.paragraph] = subject
    doc.claims = records(Claim, claims)


def _claim_time(ctx: _Context, index: int, q_start: int, clause_before: str) -> str | None:
    doc = ctx.doc
    sentence = doc.sentences[index]
    before = sentence.text[:q_start]
    expressions = ctx.times.get(index, ())
    streak = next((e for e in expressions if e.kind == "streak" and e.start <= q_start < e.end and e.value), None)
    if streak is not None:  # 从2005年开始连续5年 → 2005/2009: the streak's own span
        return streak.value
    clause_start = ctx.clauses(index).start(q_start)
    time = (find_time(expressions, sentence.text, before=q_start, clause_start=clause_start)
            or find_time(expressions, sentence.text, until=ctx.clauses(index).end(q_start)))
    if time:
        return _flow_keeps_year(_side_of_range(time, clause_before), expressions, clause_before)
    if any(e.kind == "present" and e.start < q_start for e in expressions):
        return None  # 目前, 现有 …: a present figure is not dated by the sentences before it
    # the paragraph's earlier sentences, then the section's framing lead, then its headings
    carried_time = ctx.paragraph_time(index)
    if carried_time:
        earlier = next((ctx.times.get(i, ()) for i in ctx._earlier_in_paragraph(index) if ctx.time_of(i)), ())
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
    just after that sums up the figures before it."""
    leads = [lead for lead in ctx.leads.get(sentence.section, []) if lead[0] != sentence.paragraph]
    earlier = [t for p, t, _ in leads if p < sentence.paragraph]
    if earlier:
        return earlier[-1]
    lookahead = _compiled().rules.framing_lookahead
    later = [(t, sums_up) for p, t, sums_up in leads if sentence.paragraph < p <= sentence.paragraph + lookahead]
    return later[0][0] if later and later[0][1] else None


def _speaker_pronoun(text: str, q_start: int, sentence: Sentence, mentions) -> _Subject | None:
    """“……我们组织了5名教师……”某局局长某某说: inside a quotation, a first-person subject
    is the speaker's organisation, named after the closing quote."""
    rules = _compiled().rules
    opened = text.rfind("“", 0, q_start)
    closed = text.find("”", q_start)
    if opened < 0 or closed < 0 or text.rfind("”", 0, q_start) > opened:
        return None
    inside = text[opened:q_start]
    pronoun = next((p for p in rules.speaker_pronouns if p in inside), None)
    if pronoun is None:
        return None
    speaker = [m for m in mentions if m[0] - sentence.start > closed and m[4] in ("ORG", "FAC", "GPE")]
    return _Subject(pronoun, speaker[0][3] if speaker else None)


def _next_in_paragraph(doc: Document, index: int) -> int | None:
    nxt = index + 1
    if nxt < len(doc.sentences) and doc.sentences[nxt].paragraph == doc.sentences[index].paragraph:
        return nxt
    return None


def _first_subject(sentence: Sentence, mentions) -> _Subject | None:
    for start, end, text, entity_id, entity_type in mentions:
        if entity_type != "PERSON" and not _is_comparison_scope(entity_id) and \
                _in_subject_position(sentence.text, start - sentence.start):
            return _Subject(text, entity_id)
    return None


def _last_subject(sentence: Sentence, mentions) -> _Subject | None:
    """The last mention of a sentence that stands in subject position."""
    found = None
    for start, end, text, entity_id, entity_type in mentions:
        if entity_type != "PERSON" and not _is_comparison_scope(entity_id) and \
                _in_subject_position(sentence.text, start - sentence.start):
            found = _Subject(text, entity_id)
    return found


def _mentions_by_sentence(doc: Document) -> dict[int, list[tuple[int, int, str, str | None, str]]]:
    """(start, end, text, id, type) of entity mentions, per sentence index."""
    starts = [s.start for s in doc.sentences]
    out: dict[int, list] = {}
    for entity in doc.entities:
        for m in entity.mentions:
            i = bisect.bisect_right(starts, m.start) - 1
            if i >= 0:
                out.setdefault(i, []).append((m.start, m.end, m.text, entity.id, entity.type))
    for items in out.values():
        items.sort()
    return out


class _Candidates(NamedTuple):
    """A sentence's mentions that may be the subject of its amounts, and those listed as
    examples of a counted group (which never are)."""
    usable: list
    listed: list


def _candidates(sentence: Sentence, mentions) -> _Candidates:
    text = sentence.text
    listed = [m for m in mentions if _listed_example(text, m[1] - sentence.start)]
    usable = [m for m in mentions if m[4] != "PERSON" and not _is_comparison_scope(m[3])
              and _in_subject_position(text, m[0] - sentence.start) and m not in listed]
    return _Candidates(usable, listed)


def _subject(sentence: Sentence, quantity: Quantity, candidates: _Candidates, carried: _Subject | None,
             section_subject: _Subject | None, default: _Subject | None) -> _Subject:
    # The nearest mention before the amount that opens its clause: across a list of
    # clauses (…，其中…，…) the closest governing subject wins.
    text = sentence.text
    usable, listed = candidates
    before = [m for m in usable if m[1] <= quantity.start]
    counted_group_opens_clause = any(before and before[-1][1] <= m[0] < quantity.start
                                     and _in_subject_position(text, m[0] - sentence.start) for m in listed)
    if before and not counted_group_opens_clause:
        start, end, text, entity_id, _ = before[-1]
        return _Subject(text, entity_id)
    # (开鲁…,科尔沁区主攻…,梅花生物、圣雪大成等27家企业集聚成势,打造出13大类…: a group
    # counted with its examples is the subject of its clauses; the names before it are not.)
    after = [m for m in usable if m[0] >= quantity.end]  # “…71.2℃…”11月10日，锡林热电公司…
    if after and carried is None and not before:
        start, end, text, entity_id, _ = after[0]
        return _Subject(text, entity_id)
    for fallback in (carried, section_subject, default):
        if fallback is not None:
            return fallback
    return _Subject("", None)


_SUBJECT_CLAUSE_BREAK = regex.compile(r"[，,；;：:。！？!?“”]")
_LAST_SUBJECT_CLAUSE_BREAK = regex.compile(r"(?r)" + _SUBJECT_CLAUSE_BREAK.pattern)  # searched from the end


@functools.lru_cache(maxsize=4096)  # asked for the same mention by the paragraph and by each amount
def _in_subject_position(text: str, start: int) -> bool:
    """A mention opens its clause (after a time phrase or a connector): 2024年，内蒙古…;
    one after a verb (加快中金、世纪互联…建设, 占全国…) or a preposition (在黄河…) is an
    object or a place, not the subject — unless it sets the scene of the sentence."""
    c = _compiled()
    last_break = _LAST_SUBJECT_CLAUSE_BREAK.search(text, 0, start)
    clause_start = last_break.end() if last_break else 0
    if clause_start == 0 and text[:start] in c.rules.scene_openers:
        clause_break = _SUBJECT_CLAUSE_BREAK.search(text, start)
        return clause_break is not None and clause_break.group() in "，,"
    if c.not_subject_before.ends(text[clause_start:start]):
        return False
    prefix = _without_times(text[clause_start:start])
    prefix = c.leading.sub("", c.subject_openers.sub("", prefix.strip()))
    return len(prefix) <= c.rules.subject_max_prefix


def _listed_example(text: str, mention_end: int) -> bool:
    """梅花生物、圣雪大成等27家企业, 兴安盟大米、科尔沁牛肉等上千种: names listed before 等 + a
    count are examples of what is counted, not a subject."""
    return _compiled().listed_example.match(text, mention_end) is not None


def _is_comparison_scope(entity_id: str | None) -> bool:
    """全国, 我国: China is the scope figures are compared with (占全国, 全国第一), not the
    subject of regional news."""
    return entity_id in _compiled().rules.not_subject_levels


def _section_subjects(doc: Document, mentions) -> dict[int | None, _Subject]:
    """The entity each section's heading names (innermost heading wins), for sentences
    that name no subject."""
    by_title: dict[int, _Subject] = {}
    for index, sentence in enumerate(doc.sentences):
        if sentence.heading and sentence.section is not None:  # a heading's section is its own
            found = [m for m in mentions.get(index, []) if m[4] in ("GPE", "ORG")]
            if found:
                by_title[sentence.section] = _Subject(found[0][2], found[0][3])
    out: dict[int | None, _Subject] = {}
    for section in doc.sections:
        current = section
        while current is not None:
            if current.id in by_title:
                out[section.id] = by_title[current.id]
                break
            current = doc.sections[current.parent] if current.parent is not None else None
    return out


def _default_subject(doc: Document) -> _Subject | None:
    """The place the page is most about: its most mentioned province- or prefecture-level entity."""
    best = None
    for entity in doc.entities:
        if entity.id and entity.id.startswith("adm:"):
            if best is None or len(entity.mentions) > len(best.mentions):
                best = entity
    return _Subject(best.mentions[0].text, best.id) if best else None
