"""Time expressions: every mention of when, extracted and then resolved (``rules/times.yaml``).

Extract: one search over each sentence finds the expressions the rules list (2024年一季度,
上半年, 1-7月, “十四五”, 今年, 连续5年, 目前 …), each with its kind; a comparison base
(较2020年, 比上年) is marked by the words around it.

Resolve: an expression that names its year has its value from its own text. One that does
not (一季度, 全年, 年末) takes the year stated last before it in its sentence, else in its
paragraph, else the year of its section heading, else of the page's lead paragraph, else
the publication year; 今年/去年/本月 resolve only against the publication date (GOLD.md,
Time). ``resolved`` says which it was: text, sentence, paragraph, section, lead,
publication, or None when nothing made it certain (then the value is None).

The publication date itself (``publication_date``) comes from the caller or the page's
visible text: datelines, 发布时间 lines, a date alone on a line under the title or at the end.
"""
from __future__ import annotations

import bisect
import datetime
import functools
import itertools
import re
from dataclasses import dataclass
from typing import Literal

import regex

from .model import Document, TimeExpression, records
from .numbers import parse_number
from .bmp_regex import BEYOND_BMP, compiled_for_re
from .rules import RuleEntry, RulesError, any_character, load_entries, load_fields, rules_path
from .time_search import FastSearch, Stretches, fast_search, search_stretches, stretches_of_matches

Kind = Literal["point", "period", "range", "relative", "streak", "base", "present", "dateline"]


class TimeRule(RuleEntry):
    pattern: str
    kind: Kind
    value: str | None = None
    year_end: bool = False
    context_only: bool = False
    same_period: bool = False


class YearPhrase(RuleEntry):
    pattern: str
    value: str


class DateRule(RuleEntry):
    pattern: str
    origin: str


class Holiday(RuleEntry):
    month: int | None = None
    lunar: tuple[int, int] | None = None


class TimeRules(RuleEntry):
    macros: dict[str, str]
    starts: str
    anchors: str
    anchor_reach: int
    relative_years: dict[str, int]
    relative_months: dict[str, int]
    holidays: dict[str, Holiday]
    base_before: list[str]
    base_is_before: list[str]
    base_is_after: str
    year_list: str
    title_brackets: list[tuple[str, str]]
    flow_words: list[str]
    dateline_after: list[str]
    date_line: str
    date_line_window: int


@dataclass(frozen=True)
class _Compiled:
    rules: TimeRules
    anchors: re.Pattern
    expressions: tuple[TimeRule, ...]
    rule_groups: frozenset[str]  # r0, r1 …: one group per expression
    names: tuple[str, ...]  # the expressions' own groups (y, m, q …)
    rule_names: tuple[tuple[str, ...], ...]  # for each expression, the groups its own pattern holds
    search: regex.Pattern  # every expression, one group per rule: r0, r1 …
    fast: FastSearch | None  # None: the rules hold what for_re does not translate (then `search` runs)
    year_list: regex.Pattern
    base_is_after: regex.Pattern
    base_before: tuple[str, ...]  # (tuples: str.endswith tries them all in one call)
    base_is_before: tuple[str, ...]
    publication_year: tuple[tuple[regex.Pattern, YearPhrase], ...]
    # (with each, the same search in the standard library's engine, or None: see FastSearch)
    publication_dates: tuple[tuple[regex.Pattern, re.Pattern | None, DateRule], ...]
    publication_date_stretches: tuple[Stretches | None, ...]  # (for each, of its search in the standard library)
    date_line: regex.Pattern


def _expand(pattern: str, macros: dict[str, str]) -> str:
    for _ in range(3):  # macros may use macros (YP uses Y)
        for name, body in macros.items():
            pattern = pattern.replace("{" + name + "}", f"(?:{body})")
    return pattern


# ---------------------------------------------------------------------------- the rules, compiled


@functools.cache
def _compiled() -> _Compiled:
    rules = load_fields("times.yaml", TimeRules)
    expressions = load_entries("times.yaml", "expressions", TimeRule)  # each entry names its line
    patterns, parts, own_groups = [], [], []
    for i, rule in enumerate(expressions):
        pattern = _expand(rule.pattern, rules.macros)
        try:
            own_groups.append(regex.compile(pattern).groupindex.keys())
        except regex.error as exc:
            raise RulesError(f"{rules_path('times.yaml')}: expression {i + 1} ({rule.pattern}): {exc}") from None
        patterns.append(pattern)
        parts.append(f"(?P<r{i}>{pattern})")
    m = rules.macros
    rule_groups = frozenset(f"r{i}" for i in range(len(expressions)))
    search = regex.compile(f"(?={rules.starts})(?:{'|'.join(parts)})")
    publication_dates = tuple((regex.compile(_expand(p.pattern, m)), compiled_for_re(_expand(p.pattern, m)), p)
                              for p in load_entries("times.yaml", "publication_dates", DateRule))
    names = tuple(k for k in search.groupindex if k not in rule_groups)
    return _Compiled(
        rules=rules,
        anchors=re.compile(rules.anchors),
        expressions=tuple(expressions),
        rule_groups=rule_groups,
        names=names,
        rule_names=tuple(tuple(k for k in names if k in own) for own in own_groups),
        # the lookahead rejects at once the positions where no expression can start (most of
        # a text): without it every alternative is tried at every character
        search=search,
        fast=fast_search(rules.starts, patterns),
        year_list=regex.compile(_expand(rules.year_list, m)),
        base_is_after=regex.compile(rules.base_is_after),  # matched at an expression's end
        base_before=tuple(rules.base_before),
        base_is_before=tuple(rules.base_is_before),
        publication_year=tuple((regex.compile(_expand(p.pattern, m)), p)
                               for p in load_entries("times.yaml", "publication_year", YearPhrase)),
        publication_dates=publication_dates,
        publication_date_stretches=tuple(stretches_of_matches(fast) for _, fast, _ in publication_dates),
        date_line=regex.compile(rules.date_line, regex.MULTILINE))


def load_rules() -> None:
    _compiled()


def flow_words() -> list[str]:
    return _compiled().rules.flow_words


# ---------------------------------------------------------------------------- extract


@dataclass
class _Found:
    start: int  # in the sentence
    end: int
    rule: TimeRule
    groups: dict[str, str]
    base: bool


_CJK_DIGITS = {"〇": 0, "零": 0, "○": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


_FULL_WIDTH_QUARTERS = str.maketrans("１２３４", "1234")  # (the table made once, not per number)


def _number(text: str) -> int | None:
    text = text.translate(_FULL_WIDTH_QUARTERS)
    if text.isdigit():
        return int(text)
    if len(text) == 4 and all(c in _CJK_DIGITS for c in text):  # 二〇二四: a year read digit by digit
        return int("".join(str(_CJK_DIGITS[c]) for c in text))
    value = parse_number(text)
    return int(value) if value is not None and value == int(value) else None


# ２０２４年 reads as 2024年: the rules' digit classes are ASCII (years are looked for by
# value, 1900–2099, and full-width digits are the same digits)
FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_ANY_FULL_WIDTH_DIGIT = regex.compile("[０-９]")  # (regex scans a page for a class 5× as fast as re)


def extract(text: str) -> list[_Found]:
    """The time expressions of a text (a sentence, or a page's whole text), in order."""
    c = _compiled()
    if _ANY_FULL_WIDTH_DIGIT.search(text):  # (a scan in C; translate only when needed)
        text = text.translate(FULL_WIDTH_DIGITS)  # (one character for one: offsets hold)
    found: list[_Found] = []
    titles = sorted(_title_spans(text, c.rules.title_brackets))
    # A match lies inside a title when a title opening before it reaches past its end: the
    # farthest end of the titles opened so far, looked up by bisection, keeps this linear.
    title_starts = [a for a, _ in titles]
    farthest_end = list(itertools.accumulate((b for _, b in titles), max))
    for match, fast_groups in _matches(c, text):
        start, end = match.span()
        opened = bisect.bisect_left(title_starts, start)
        if opened and farthest_end[opened - 1] >= end:
            continue  # 《2024年统计公报》: part of a title
        last = match.lastgroup or ""  # the rule's own group closes last (not always: then asked)
        index = int(last[1:]) if last in c.rule_groups else next(
            i for i in range(len(c.expressions))
            if f"r{i}" in match.re.groupindex and match.group(f"r{i}") is not None)  # (the fast search: one expression)
        rule = c.expressions[index]
        # (only the matched expression's own groups can be set: the others are not looked up)
        if fast_groups is None:
            groups = {k: v for k in c.rule_names[index] if (v := match.group(k)) is not None}
        else:
            groups = _named_groups(match, fast_groups[index], c.rule_names[index])
        listed = c.year_list.search(text, max(0, start - 8), start)
        base = _is_base(text, listed.start() if listed else start, end)
        found.append(_Found(start, end, rule, groups, base))
    return found


def _named_groups(match: re.Match, groups: dict[str, tuple[str, ...]], names: tuple[str, ...]) -> dict[str, str]:
    """A match of the fast search's groups under the rules' names, as regex reads them."""
    out = {}
    for name in names:
        for group in reversed(groups[name]):  # (a name given twice: the one set last)
            value = match.group(group)
            if value is not None:
                out[name] = value
                break
    return out


def _matches(c: _Compiled, text: str):
    """The search's matches (with, for the fast search's, its groups by name), run only in
    windows around the characters that every expression holds (年, 月, 季 …: `anchors`,
    found by a plain character scan): most of a page's text is never tried (the lookbehinds
    still see the text before a window).

    In a window, the fast search (FastSearch) finds the positions where an expression may start
    (`candidates`, in one scan), and tries the expressions at each, in order, as the whole
    search would try them there: the same first match."""
    reach = c.rules.anchor_reach
    last = 0
    fast = c.fast if c.fast is not None and not BEYOND_BMP.search(text) else None
    for a, b in _windows(c.anchors, text, reach):
        if fast is None:
            for match in c.search.finditer(text, max(a, last), b):
                last = match.end()
                yield match, None
            continue
        window_holds = frozenset(fast.held_anywhere.findall(text, a, b))
        for candidate in fast.candidates.finditer(text, max(a, last), b):
            at = candidate.start()
            if at < last:
                continue  # inside the match before
            for expression in fast.expressions_for(text[at], window_holds):
                match = expression.match(text, at, b)
                if match is not None:
                    last = match.end()
                    yield match, fast.groups
                    break


def _windows(anchors, text: str, reach: int):
    window = None
    n = len(text)
    for m in anchors.finditer(text):
        a = m.start() - reach  # (clipped at 0 only when a window opens: the window's end is >= 0)
        if window is not None and a <= window[1]:
            window[1] = min(n, m.end() + reach)
            continue
        if window is not None:
            yield window
        window = [max(0, a), min(n, m.end() + reach)]
    if window is not None:
        yield window


def _title_spans(text: str, brackets) -> list[tuple[int, int]]:
    spans = []
    for opening, closing in brackets:
        line_end = -1  # the end of the line of `at`, found again only on a later line
        at = text.find(opening)
        while at >= 0:
            if at > line_end:
                line_end = text.find("\n", at)
                if line_end < 0:
                    line_end = len(text)
            close = text.find(closing, at, line_end)
            if close < 0:  # unclosed in its paragraph: no title, nor any later opening of the line
                at = text.find(opening, line_end)
                continue
            spans.append((at, close))
            at = text.find(opening, close)
    return spans


def _is_base(text: str, start: int, end: int) -> bool:
    c = _compiled()
    before = text[max(0, start - 4) : start].rstrip("“\"「 ")
    if before.endswith(c.base_before):
        return True
    return before.endswith(c.base_is_before) and c.base_is_after.match(text, end) is not None


# ---------------------------------------------------------------------------- resolve


@dataclass
class _Reference:
    """What a yearless expression can be resolved against."""
    publication: datetime.date | None  # a full date made certain by the page or the caller
    publication_year: int | None  # its year, or the year a phrase makes certain (十四五收官之年)


def _derived(groups: dict[str, str], year: int | None, ref: _Reference) -> dict[str, int] | None:
    """The fields of the value template; None when a relative expression has nothing to
    resolve against."""
    c = _compiled().rules
    f: dict[str, int] = {}
    for key in ("y", "y2", "m", "m2", "n", "q", "q2", "roc", "yy"):
        if key in groups:
            number = _number(groups[key])
            if number is None:
                return None
            f[key] = number
    if "roc" in f:
        f["y"] = f["roc"] + 1911
    if "rel" in groups:
        if ref.publication_year is None:
            return None
        f["y"] = ref.publication_year + c.relative_years.get(groups["rel"], 0)
    if "y" not in f and year is not None:
        f["y"] = year
    if "yy" in f and "y" in f:
        f["y2"] = f["y"] // 100 * 100 + f["yy"]
    if "q" in f:
        f["qs"], f["qe"] = 3 * f["q"] - 2, 3 * f["q"]
    if "q2" in f:
        f["q2e"] = 3 * f["q2"]
    if "h" in groups:
        f["hs"], f["he"] = (1, 6) if groups["h"] == "上" else (7, 12)
    if "n" in f and "y" in f:
        f["yn"] = f["y"] + f["n"] - 1
    if "plan" in groups:
        ordinal = 10 + _CJK_DIGITS[groups["plan"]]
        f["ps"] = 1981 + 5 * (ordinal - 6)  # the plans run back to back since the sixth (1981–1985)
        f["pe"] = f["ps"] + 4
    if "hol" in groups and "y" in f:
        month = _holiday_month(groups["hol"], f["y"])
        if month is not None:  # (a year beyond the calendar: the value falls back to the year)
            f["fm"] = month
    return f


def _holiday_month(name: str, year: int) -> int | None:
    holiday = _compiled().rules.holidays.get(name)
    if holiday is None:
        return None
    if holiday.month is not None:
        return holiday.month
    from lunardate import LunarDate  # a maintained calendar, not a table of our own

    try:
        return LunarDate(year, *holiday.lunar).to_solar_date().month
    except ValueError:  # a year outside the package's calendar
        return None


def _value(found: _Found, year: int | None, ref: _Reference) -> str | None:
    rule = found.rule
    if rule.value is None:
        return None
    text_rel = found.groups.get("relm")
    if text_rel is not None:  # 本月, 上月: a month relative to the publication date
        if ref.publication is None:
            return None
        months = ref.publication.year * 12 + ref.publication.month - 1 + _compiled().rules.relative_months[text_rel]
        return f"{months // 12}-{months % 12 + 1:02}"
    fields = _derived(found.groups, year, ref)
    if fields is None:
        return None
    try:
        return rule.value.format(**fields)
    except (KeyError, ValueError):
        return str(fields["y"]) if "hol" in found.groups and "y" in fields else None


def _own_year(found: _Found) -> int | None:
    """The year an expression states by itself (2024年一季度 → 2024), for the expressions
    after it; a range (十四五, 2021—2025年) or a base states none."""
    if found.base or found.rule.kind in ("range", "streak", "present"):
        return None
    if "y" in found.groups and "y2" not in found.groups:
        return _number(found.groups["y"])
    if "roc" in found.groups:
        return int(found.groups["roc"]) + 1911
    return None


# Where a publication date may come from for 今年/去年 to resolve against it: the caller or
# the page's visible text; a date only in markup (HTML meta, front matter) is not enough
# (the devset's and GOLD.md's rule: times follow the visible text).
CERTAIN_ORIGINS = frozenset({"caller", "dateline", "published-line", "under-title", "end"})


def annotate_times(doc: Document) -> None:
    """The pipeline stage: ``doc.times``, every time expression of every sentence, resolved
    against the document's context and its publication date (``metadata.date`` when its
    origin makes it certain, else a year that a phrase of the page makes certain)."""
    if doc.metadata.date is None:  # (process() has looked in the raw text already; a
        found = date_in_text(doc.text, doc.metadata.datelines)  # Document built otherwise has not)
        if found is not None:
            doc.metadata.date, doc.metadata.date_origin = found[0].isoformat(), found[1]
    publication = None
    if doc.metadata.date and doc.metadata.date_origin in CERTAIN_ORIGINS:
        try:
            publication = datetime.date.fromisoformat(doc.metadata.date[:10])
        except ValueError:
            publication = None
    ref = _Reference(publication, publication.year if publication else year_in_text(doc.text))
    # one search over the whole text (not one per sentence: the calls would cost more than
    # the search), each expression then given to its sentence
    found_by_sentence: list[list[_Found]] = [[] for _ in doc.sentences]
    starts = [sentence.start for sentence in doc.sentences]
    for f in extract(doc.text):
        index = bisect.bisect_right(starts, f.start) - 1
        if index < 0 or f.end > doc.sentences[index].end:
            continue  # (across a sentence's end: not one expression)
        sentence = doc.sentences[index]
        f.groups["_text"] = doc.text[f.start : f.end]
        f.start, f.end = f.start - sentence.start, f.end - sentence.start
        found_by_sentence[index].append(f)
    heading_year: dict[int, int] = {}
    for sentence, found in zip(doc.sentences, found_by_sentence):
        if sentence.heading and sentence.section is not None:
            year = next(filter(None, map(_own_year, found)), None)
            if year is not None:
                heading_year.setdefault(sentence.section, year)
    lead_year = _lead_year(doc, found_by_sentence)
    parents = {s.id: s.parent for s in doc.sections}
    rows: list[dict] = []
    paragraph, paragraph_year, period = None, None, None  # period: the last span of months stated
    c = _compiled()
    for index, (sentence, found) in enumerate(zip(doc.sentences, found_by_sentence)):
        if sentence.paragraph != paragraph:
            paragraph, paragraph_year, period = sentence.paragraph, None, None
        sentence_year = None
        for f in found:
            own = _own_year(f)
            needs_year = (f.rule.value is not None and "{y" in f.rule.value
                          and not {"y", "roc", "rel", "relm"} & f.groups.keys())
            context, against = None, None
            if needs_year:
                context, against = _context_year(sentence_year, paragraph_year, sentence.section, heading_year,
                                                 parents, lead_year, ref, f.rule.context_only)
            value = _value(f, context, ref)
            if f.rule.same_period and period is not None:  # 去年同期: the period before, a year earlier
                shift = c.rules.relative_years.get(f.groups.get("rel", ""), -1)
                value = "/".join(f"{int(v[:4]) + shift}{v[4:]}" for v in period.split("/"))
                needs_year, against = True, "paragraph"
            if value is None:
                against = None
            elif not needs_year:
                against = "publication" if "rel" in f.groups or "relm" in f.groups else "text"
            kind = "base" if f.base else ("relative" if "rel" in f.groups or "relm" in f.groups else f.rule.kind)
            if f.end < len(sentence.text) and sentence.text[f.end] in c.rules.dateline_after:
                kind = "dateline"
            rows.append({"text": f.groups["_text"], "start": sentence.start + f.start, "end": sentence.start + f.end,
                         "sentence": index, "kind": kind, "value": value, "resolved": against,
                         "year_end": f.rule.year_end})
            if value and len(value) == 15 and not f.rule.same_period and kind not in ("base", "dateline"):
                period = value
            if not f.base and kind != "present":
                year_here = own if own is not None else (int(value[:4]) if value and kind != "range" else None)
                if year_here is not None:
                    sentence_year = year_here
        if sentence_year is not None and not sentence.heading:
            paragraph_year = sentence_year
    doc.times = records(TimeExpression, _spans(doc, rows))


def _spans(doc: Document, rows: list[dict]) -> list[dict]:
    """从去年年底到今年年初: two month points joined by 从…到/至 are one period."""
    out: list[dict] = []
    for row in rows:
        last = out[-1] if out else None
        if (last is not None and last["sentence"] == row["sentence"] and last["value"] and row["value"]
                and len(last["value"]) == len(row["value"]) == 7 and last["kind"] not in ("base", "dateline")
                and doc.text[last["start"] - 1 : last["start"]] == "从"
                and doc.text[last["end"] : row["start"]] in ("到", "至")):
            out[-1] = {**last, "text": doc.text[last["start"] : row["end"]], "end": row["end"], "kind": "period",
                       "value": f"{last['value']}/{row['value']}", "year_end": False}
            continue
        out.append(row)
    return out


def _context_year(sentence_year, paragraph_year, section, heading_year, parents, lead_year, ref, context_only):
    if sentence_year is not None:
        return sentence_year, "sentence"
    if paragraph_year is not None:
        return paragraph_year, "paragraph"
    while section is not None:
        if section in heading_year:
            return heading_year[section], "section"
        section = parents.get(section)
    if lead_year is not None:
        return lead_year, "lead"
    if ref.publication_year is not None and not context_only:
        return ref.publication_year, "publication"
    return None, None


def _lead_year(doc: Document, found_by_sentence) -> int | None:
    """The first year the page's lead paragraph (its first paragraph of text) states."""
    lead = next((s.paragraph for s in doc.sentences if not s.heading), None)
    for sentence, found in zip(doc.sentences, found_by_sentence):
        if sentence.paragraph == lead:
            year = next(filter(None, map(_own_year, found)), None)
            if year is not None:
                return year
    return None


# ---------------------------------------------------------------------------- publication date


def parse_date(value: str) -> datetime.date:
    """A caller's date, YYYY-MM-DD; a ValueError naming the value otherwise."""
    try:
        if not isinstance(value, str) or not regex.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"not a date (YYYY-MM-DD): {value!r}") from None


def date_in_text(raw: str, datelines: list[str]) -> tuple[datetime.date, str] | None:
    """The publication date the page shows, and where: a dateline, a 发布时间/日期 line, or a
    date alone on a line under the title or at the end. Front matter is not visible text."""
    c = _compiled()
    visible = _without_front_matter(raw)
    for text in [*datelines, visible]:
        in_bmp = not BEYOND_BMP.search(text)
        for (pattern, fast_pattern, rule), stretches in zip(c.publication_dates, c.publication_date_stretches):
            if in_bmp and fast_pattern is not None:
                match = search_stretches(fast_pattern, stretches, text)
            else:
                match = pattern.search(text)
            if match:
                date = _date(match)
                if date:
                    return date, rule.origin
    lines = [line for line in visible.splitlines() if line.strip()]
    window, n = c.rules.date_line_window, len(lines)
    # (only the lines near the top or the bottom can be one: the others are not visited)
    for i in sorted({*range(min(window + 1, n)), *range(max(0, n - window), n)}):
        line = lines[i]
        top, bottom = i <= window and i < n - 1, i >= n - window
        if top or bottom:
            match = c.date_line.match(line)
            if match and _date(match):
                return _date(match), "under-title" if top else "end"
    return None


def year_in_text(text: str) -> int | None:
    """A year that a phrase of the page makes certain (“十四五”收官之年 → 2025)."""
    for pattern, rule in _compiled().publication_year:
        match = pattern.search(text)
        if match:
            groups = {k: _number(v) for k, v in match.groupdict().items() if v}
            return int(rule.value.format(**groups))
    return None


def _date(match) -> datetime.date | None:
    try:
        return datetime.date(int(match.group("y")), int(match.group("m")), int(match.group("d")))
    except ValueError:
        return None


def _without_front_matter(raw: str) -> str:
    if raw.startswith("---"):
        end = raw.find("\n---", 3)
        if end > 0:
            return raw[end + 4 :]
    return raw
