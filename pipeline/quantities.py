"""Quantities: every measured amount in a sentence, normalised to GOLD.md's canonical units.

Two steps, each testable on its own:

- ``find_quantities(text)`` extracts: it returns ``QuantityMatch`` spans with their parts
  (numeral, unit entry, qualifier words), using the numeral finder of ``numbers.py`` and
  the unit table of ``rules/units.yaml`` — one generic rule, numeral × unit, instead of
  a rule per unit.
- ``resolve(match)`` computes the value in the canonical unit, in exact arithmetic
  (``Fraction``: 亩 = 2000/3 m²); floats appear only in the output record.

Context knowledge (qualifier words, rank cues, what makes a number a date or a name) is
in ``rules/quantity_context.yaml``.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal, NamedTuple

import regex
from pydantic import Field

from .model import Document, Quantity, records
from .numbers import NUMERAL_CHARS, numeral_fields, percent_word_spans
from .rules import RuleEntry, RulesError, alternation, load_entries, load_fields, load_section, rules_path

# ---------------------------------------------------------------------------- rule data


class Unit(RuleEntry):
    surface: str = Field(min_length=1)
    canonical: str | None = None  # counts: the surface itself
    factor: str = "1"
    dimension: str = "count"
    kind: Literal["measure", "count"] = "measure"
    article_one: bool = False
    lone_multiplier: bool = False
    guard: Literal["energy_du", "arabic_numeral", "after_multiplier", "duration_year",
                   "approximate_or_arabic"] | None = None
    qualifier: str | None = None
    not_before: str = ""
    source: str
    note: str | None = None

    @property
    def unit(self) -> str:
        return self.canonical or self.surface

    @functools.cached_property
    def exact_factor(self) -> Fraction:
        return Fraction(self.factor)


class RateSuffix(RuleEntry):
    surface: str
    per: str


class Frame(RuleEntry):
    prefix: str
    suffix: str
    canonical: str
    factor: str
    dimension: str
    source: str

    @functools.cached_property
    def exact_factor(self) -> Fraction:
        return Fraction(self.factor)


class WordAmount(RuleEntry):
    surface: str
    value: str
    canonical: str
    dimension: str
    guard: Literal["ranking_context"] | None = None
    source: str

    @functools.cached_property
    def exact_value(self) -> Fraction:
        return Fraction(self.value)


class QualifierWord(RuleEntry):
    surface: str
    qualifier: Literal["=", "~", ">", ">=", "<", "<="]
    not_for_dimensions: list[str] = []
    only_for_kinds: list[str] = []
    not_followed_by: str = ""
    note: str | None = None


class LoneMultiplier(RuleEntry):
    surface: str
    value: str

    @functools.cached_property
    def exact_value(self) -> Fraction:
        return Fraction(self.value)


class RankRules(RuleEntry):
    suffixes: list[str]
    cues: list[str]
    cue_window: int
    superlative_after: list[str]


class BoundPrefix(RuleEntry):
    surface: str
    qualifier: str


class Context(RuleEntry):
    inner_approximation: str
    bound_prefix: BoundPrefix
    # Word lists are tuples: ``text.startswith(words, pos)`` tests them all in one call.
    range_connectors: tuple[str, ...]
    product_signs: tuple[str, ...]
    ordinal_classifiers: str
    scale_suffix: str
    set_phrase_openers: str
    date_year_min: int
    year_not_duration_after: tuple[str, ...]
    bare_noun_count_unit: str
    bridge_verbs: list[str]
    bridge_max_chars: int
    ordinal_nouns_after: tuple[str, ...]
    set_phrase_heads: tuple[str, ...]
    set_phrases: tuple[str, ...]
    distributive_one: str
    free_lone_multipliers: list[str]


@dataclass(frozen=True)
class Tables:
    units: dict[str, Unit]
    unit_re: regex.Pattern
    lone_unit_re: regex.Pattern
    rates: dict[str, RateSuffix]
    rate_re: regex.Pattern
    frames: tuple[Frame, ...]
    frame_suffixes: tuple[str, ...]  # a quick test before trying each frame
    words: tuple[WordAmount, ...]
    word_by_surface: dict[str, WordAmount]
    word_re: regex.Pattern
    before: dict[str, QualifierWord]
    after: dict[str, QualifierWord]
    lone: dict[str, LoneMultiplier]
    lone_re: regex.Pattern
    bridge_re: regex.Pattern
    ranks: RankRules
    context: Context
    trigger_re: regex.Pattern


@functools.cache
def tables() -> Tables:
    units = load_entries("units.yaml", "units", Unit)
    by_surface: dict[str, Unit] = {}
    for unit in units:
        if unit.surface in by_surface:
            raise RulesError(f"{rules_path('units.yaml')}: unit surface {unit.surface!r} is listed twice")
        if unit.kind == "measure" and not unit.canonical:
            raise RulesError(f"{rules_path('units.yaml')}: measure unit {unit.surface!r} needs a canonical unit")
        unit.exact_factor  # validates the fraction
        by_surface[unit.surface] = unit
    rates = {r.surface: r for r in load_entries("units.yaml", "rate_suffixes", RateSuffix)}
    words = tuple(load_entries("units.yaml", "word_amounts", WordAmount))
    before = {q.surface: q for q in load_entries("quantity_context.yaml", "qualifiers_before", QualifierWord)}
    after = {q.surface: q for q in load_entries("quantity_context.yaml", "qualifiers_after", QualifierWord)}
    lone = {m.surface: m for m in load_entries("quantity_context.yaml", "lone_multipliers", LoneMultiplier)}
    context = load_fields("quantity_context.yaml", Context)
    lone_units = [u.surface for u in units if u.lone_multiplier]
    frames = tuple(load_entries("units.yaml", "frames", Frame))
    return Tables(
        units=by_surface,
        unit_re=regex.compile(alternation(by_surface)),
        lone_unit_re=regex.compile(alternation(lone_units)),
        rates=rates,
        rate_re=regex.compile(alternation(rates)),
        frames=frames,
        frame_suffixes=tuple(f.suffix for f in frames),
        words=words,
        word_by_surface={w.surface: w for w in words},
        word_re=regex.compile(alternation(w.surface for w in words)),
        before=before,
        after=after,
        lone=lone,
        lone_re=regex.compile(f"(?<![0-9０-９零〇一二两三四五六七八九十百千万亿.])"
                              f"({regex.escape(context.bound_prefix.surface)})?({alternation(lone)})"
                              f"(?![0-9０-９零〇一二两三四五六七八九])"),
        bridge_re=regex.compile(f"({alternation(before)})(?:{alternation(context.bridge_verbs)})"
                                f"[^\\p{{P}}\\s]{{0,{context.bridge_max_chars}}}$"),
        ranks=load_section("quantity_context.yaml", "ranks", RankRules),
        context=context,
        # Any character that can start an amount: a sentence without one has none.
        trigger_re=regex.compile("[" + regex.escape("".join(sorted(set(NUMERAL_CHARS) | set("十百千万亿")
                                 | {w.surface[0] for w in words}))) + "]"),
    )


def load_rules() -> None:
    tables()


# ---------------------------------------------------------------------------- extraction

ONE = Fraction(1)


class QuantityMatch(NamedTuple):  # immutable; built per amount, several times faster than a frozen dataclass
    """An extracted amount: the span and the parts it was built from (no values yet)."""

    start: int
    end: int
    text: str
    value: Fraction | None  # the numeral's value (before the unit factor)
    low: Fraction | None = None
    high: Fraction | None = None
    unit: str = ""
    factor: Fraction = ONE
    dimension: str = "count"
    qualifier: str = "="


@dataclass(slots=True)  # not frozen: a frozen dataclass is built 3× slower, and one is built per numeral
class _Amount:
    """A numeral-like start: a parsed numeral, a lone multiplier, or a percent word (never changed)."""

    start: int
    end: int
    value: Fraction | None
    low: Fraction | None = None
    high: Fraction | None = None
    chinese: bool = False
    arabic: bool = False
    has_multiplier: bool = False
    bound: str | None = None  # 上千: ">=" with 上 in the span
    is_percent: bool = False


def _amounts(text: str, t: Tables) -> list[_Amount]:
    found: list[_Amount] = []
    for fields in numeral_fields(text):
        amount = _from_numeral(*fields)
        if amount is not None:
            found.append(amount)
    for m in t.lone_re.finditer(text):
        bound = t.context.bound_prefix.qualifier if m.group(1) else None
        end = m.end()
        # A bare multiplier is an amount only before 多/余, after 上, or before a unit
        # that takes one (亿元, 亿吨): 千家万户 and 跨越千里 stay idioms.
        nxt = text[end : end + 1]
        qualified = _qualifier_before(text, m.start(), t, None)[0] is not None  # 近百家, 超千亿元
        if not (bound or qualified or m.group(2) in t.context.free_lone_multipliers
                or (nxt and nxt in t.context.inner_approximation) or t.lone_unit_re.match(text, end)):
            continue
        found.append(_Amount(m.start(), end, t.lone[m.group(2)].exact_value, chinese=True,
                             has_multiplier=m.group(2) not in t.context.free_lone_multipliers, bound=bound))
    for n in percent_word_spans(text):
        found.append(_Amount(n.start, n.end, n.value, n.low, n.high, chinese=True, is_percent=True))
    found.sort(key=lambda a: (a.start, -a.end))
    return found


_MULTIPLIER_ONLY = frozenset("百千万亿佰仟萬億")
_ARABIC_DIGITS = frozenset("0123456789０１２３４５６７８９")
_LARGE_MULTIPLIERS = frozenset("万亿萬億")


def _from_numeral(start: int, end: int, numeral: str, value: Fraction | None, low: Fraction | None,
                  high: Fraction | None) -> _Amount | None:
    """The amount of a numeral found by numbers.numeral_fields."""
    if _MULTIPLIER_ONLY.issuperset(numeral):
        return None  # 千万, 万: bare multipliers follow the stricter rule of _amounts
    arabic = not _ARABIC_DIGITS.isdisjoint(numeral)
    return _Amount(start, end, value, low, high, chinese=not arabic, arabic=arabic,
                   has_multiplier=not _LARGE_MULTIPLIERS.isdisjoint(numeral),
                   is_percent="/" in numeral or "分之" in numeral)


_HAN = regex.compile(r"\p{Han}")


def _match_at(pattern: regex.Pattern, text: str, pos: int) -> str | None:
    m = pattern.match(text, pos)
    return m.group() if m else None


def _guard_ok(unit: Unit, amount: _Amount, text: str, unit_end: int, t: Tables, inner: bool) -> bool:
    guard = unit.guard
    if guard is None:
        return True
    if guard == "energy_du":
        return amount.has_multiplier or text[unit_end : unit_end + 1] == "电"
    if guard == "arabic_numeral":
        return amount.arabic
    if guard == "after_multiplier":
        return amount.has_multiplier
    if guard == "approximate_or_arabic":
        return amount.arabic or inner
    if guard == "duration_year":
        if amount.value is not None and amount.value >= t.context.date_year_min:
            return False
        return not text.startswith(t.context.year_not_duration_after, unit_end)
    return False


def _qualifier_before(text: str, start: int, t: Tables, unit: Unit | None) -> tuple[str | None, int]:
    for length in (3, 2, 1):
        word = text[max(0, start - length) : start]
        q = t.before.get(word)
        if q and len(word) == length and not (unit and unit.dimension in q.not_for_dimensions):
            return q.qualifier, start - length
    bridged = t.bridge_re.search(text[max(0, start - 16) : start])
    if bridged:
        q = t.before[bridged.group(1)]
        if not (unit and unit.dimension in q.not_for_dimensions):
            return q.qualifier, start
    return None, start


def _qualifier_after(text: str, end: int, t: Tables, unit: Unit | None) -> str | None:
    for length in (3, 2, 1):
        q = t.after.get(text[end : end + length])
        following = text[end + length : end + length + 1]
        if q and q.not_followed_by and following and following in q.not_followed_by:
            continue
        if q and (not q.only_for_kinds or (unit and unit.kind in q.only_for_kinds)):
            if q.surface == "多" and text[end + 1 : end + 2] in t.units:  # 多个 … belongs to a next amount
                continue
            return q.qualifier
    return None


def find_quantities(text: str) -> list[QuantityMatch]:
    """Every amount in ``text`` (a sentence or heading), left to right, non-overlapping."""
    t = tables()
    if not t.trigger_re.search(text):
        return []
    matches: list[QuantityMatch] = []
    taken_until = 0
    amounts = _amounts(text, t)
    index = 0
    for word in t.word_re.finditer(text):
        entry = t.word_by_surface[word.group()]
        if entry.guard == "ranking_context" and (
                not _rank_cue(text, word.start(), t) or _HAN.match(text, word.end())):
            continue  # 首位女航天员: "the first", not a place in a ranking
        qualifier = (_qualifier_after(text, word.end(), t, None)
                     or _qualifier_before(text, word.start(), t, None)[0] or "=")
        matches.append(QuantityMatch(word.start(), word.end(), word.group(), entry.exact_value,
                                     unit=entry.canonical, dimension=entry.dimension, qualifier=qualifier))
    word_spans = [(m.start, m.end) for m in matches]
    while index < len(amounts):
        amount = amounts[index]
        index += 1
        if amount.start < taken_until or word_spans and any(s <= amount.start < e for s, e in word_spans):
            continue
        found = _quantity_from(amount, amounts[index:], text, t)
        if found is None:
            continue
        matches.append(found)
        taken_until = found.end
    matches.sort(key=lambda m: m.start)
    return _drop_overlaps(matches)


def _drop_overlaps(matches: list[QuantityMatch]) -> list[QuantityMatch]:
    kept: list[QuantityMatch] = []
    for m in matches:
        if kept and m.start < kept[-1].end:
            if m.end - m.start > kept[-1].end - kept[-1].start:
                kept[-1] = m
            continue
        kept.append(m)
    return kept


_CLAUSE_BREAK = regex.compile(r"[\p{P}\s]")


def _rank_cue(text: str, start: int, t: Tables) -> bool:
    """A ranking verb or scope word earlier in the same clause (居全国…, 位列自治区…)."""
    window = text[max(0, start - t.ranks.cue_window) : start]
    breaks = list(_CLAUSE_BREAK.finditer(window))
    if breaks:
        window = window[breaks[-1].end() :]
    return any(cue in window for cue in t.ranks.cues)


def _quantity_from(amount: _Amount, following: list[_Amount], text: str, t: Tables) -> QuantityMatch | None:
    ctx = t.context
    start, pos = amount.start, amount.end
    # Ordinals and ranks: 第N…
    if start > 0 and text[start - 1] == "第":
        return _rank(amount, text, t)
    # Set phrases: “两个屏障”, 国内国际两个市场、两种资源
    if amount.chinese and (start > 0 and text[start - 1] in ctx.set_phrase_openers
                           or text.startswith(ctx.set_phrases, start)):
        return None
    # Frames: 每秒1000万亿次, 时速400公里
    if text.startswith(t.frame_suffixes, pos):
        for frame in t.frames:
            if text.startswith(frame.suffix, pos) and text[:start].endswith(frame.prefix):
                begin, end = start - len(frame.prefix), pos + len(frame.suffix)
                qualifier = _qualifier_before(text, begin, t, None)[0] or "="
                return _build(text, begin, end, amount, frame.canonical, frame.exact_factor, frame.dimension,
                              qualifier)
    if amount.is_percent:
        end = pos
        qualifier = _qualifier_after(text, end, t, None) or _qualifier_before(text, start, t, None)[0]
        value = amount.value * 100 if amount.value is not None and "/" in text[start:end] or "分之" in text[start:end] and not text[start:end].startswith(("百分之", "千分之", "万分之")) else amount.value
        return _build(text, start, end, amount, "%", ONE, "percent", qualifier or ("~" if amount.low is not None else "="), value=value)
    inner = False
    multiplier = ONE
    if pos < len(text) and text[pos] in ctx.inner_approximation:
        inner, pos = True, pos + 1
        while pos < len(text) and text[pos] in "万亿":  # 850余万吨
            multiplier *= 10000 if text[pos] == "万" else 100000000
            pos += 1
    surface = _match_at(t.unit_re, text, pos)
    if surface is None:
        return _range_or_product(amount, following, text, t) or _bare_noun_count(amount, text, pos, t, inner)
    unit = t.units[surface]
    unit_end = pos + len(surface)
    if not _guard_ok(unit, amount, text, unit_end, t, inner):
        return None
    if unit.article_one and text[start:amount.end] == "一" and not inner:
        return None  # 一批, 一条: an article, not an amount
    if text.startswith(ctx.scale_suffix, unit_end):
        return None  # 百吨级: a scale word
    if unit.not_before and text[unit_end : unit_end + 1] and text[unit_end] in unit.not_before:
        return None  # 两位数: a fixed expression
    if unit.kind == "count" and text.startswith(ctx.ordinal_nouns_after, unit_end):
        return None  # 十一次全会: the number of a meeting
    if unit.kind == "count" and amount.chinese and text.startswith(ctx.set_phrase_heads, unit_end):
        return None  # 七项重点工作: a named set of tasks
    if text[start:amount.end] == ctx.distributive_one and text.startswith(ctx.distributive_one, unit_end):
        return None  # 一户一策
    end = unit_end
    canonical, dimension = unit.unit, unit.dimension
    rate = _match_at(t.rate_re, text, end)
    if rate and unit.kind == "measure":
        canonical, dimension, end = f"{canonical}/{t.rates[rate].per}", "rate", end + len(rate)
    ranged = _range_after(amount, following, text, end, t, surface)
    if ranged:
        low_amount, high_amount, end = ranged
        q_before = _qualifier_before(text, start, t, unit)[0]
        return QuantityMatch(start, end, text[start:end], None, low_amount * multiplier, high_amount * multiplier,
                             canonical, unit.exact_factor, dimension, q_before or "=")
    qualifier = (_qualifier_after(text, end, t, unit) or _qualifier_before(text, start, t, unit)[0]
                 or unit.qualifier or (">" if inner else None) or amount.bound
                 or ("~" if amount.low is not None else "="))
    return _build(text, start, end, amount, canonical, unit.exact_factor, dimension, qualifier, multiplier=multiplier)


def _build(text, start, end, amount: _Amount, unit, factor, dimension, qualifier, value=None, multiplier=ONE):
    base = value if value is not None else amount.value
    if multiplier is ONE:
        return QuantityMatch(start, end, text[start:end], base, amount.low, amount.high, unit, factor,
                             dimension, qualifier)
    return QuantityMatch(start, end, text[start:end], None if base is None else base * multiplier,
                         None if amount.low is None else amount.low * multiplier,
                         None if amount.high is None else amount.high * multiplier,
                         unit, factor, dimension, qualifier)


def _rank(amount: _Amount, text: str, t: Tables) -> QuantityMatch | None:
    start, end = amount.start - 1, amount.end
    if amount.value is None:
        return None
    suffix = next((s for s in t.ranks.suffixes if text.startswith(s, end)), None)
    if suffix:
        end += len(suffix)
    elif any(text.startswith(s, end) for s in t.ranks.superlative_after):
        pass  # 第二大 …: the rank is 第二
    elif text[end : end + 1] and text[end] in t.context.ordinal_classifiers:
        return None  # 第五场, 第1版
    elif _HAN.match(text, end):
        return None  # 第一课, 第一重镇: "the first X", not a place in a ranking
    elif not _rank_cue(text, start, t):
        return None
    qualifier = _qualifier_before(text, start, t, None)[0] or "="
    return QuantityMatch(start, end, text[start:end], amount.value, unit="rank", dimension="rank",
                         qualifier=qualifier)


def _range_after(amount, following, text, end, t, surface):
    """4%—6%, 5%~7%: a second amount of the same unit right after a connector."""
    if not text.startswith(t.context.range_connectors, end):
        return None
    for connector in t.context.range_connectors:
        if text.startswith(connector, end):
            nxt = next((a for a in following if a.start == end + len(connector)), None)
            if nxt and nxt.value is not None and amount.value is not None and text.startswith(surface, nxt.end):
                return amount.value, nxt.value, nxt.end + len(surface)
    return None


def _range_or_product(amount, following, text, t) -> QuantityMatch | None:
    """5到6趟 (a range whose unit follows the second number) and 2×100万千瓦 (a product)."""
    pos = amount.end
    if not text.startswith(t.context.range_connectors + t.context.product_signs, pos):
        return None
    for sign, kind in [(c, "range") for c in t.context.range_connectors] + [(s, "product") for s in t.context.product_signs]:
        if not text.startswith(sign, pos):
            continue
        nxt = next((a for a in following if a.start == pos + len(sign)), None)
        if nxt is None or amount.value is None or nxt.value is None:
            return None
        second = _quantity_from(nxt, [a for a in following if a.start > nxt.start], text, t)
        if second is None or second.dimension in ("rank",) or second.value is None:
            return None
        if kind == "product":
            return QuantityMatch(amount.start, second.end, text[amount.start:second.end], amount.value * second.value,
                                 unit=second.unit, factor=second.factor, dimension=second.dimension,
                                 qualifier=second.qualifier)
        if amount.value >= second.value:
            return None  # a range rises (2024至11月 is not one)
        return QuantityMatch(amount.start, second.end, text[amount.start:second.end], None, amount.value,
                             second.value, second.unit, second.factor, second.dimension, "=")
    return None


def _bare_noun_count(amount: _Amount, text: str, pos: int, t: Tables, inner: bool) -> QuantityMatch | None:
    """106万城乡居民: a number with 万/亿 right before a noun counts that noun."""
    if not amount.has_multiplier or amount.value is None or inner:
        return None
    nxt = text[pos : pos + 1]
    if not nxt or not _HAN.match(nxt) or nxt in "多余级":
        return None
    qualifier = _qualifier_before(text, amount.start, t, None)[0] or "="
    return _build(text, amount.start, pos, amount, t.context.bare_noun_count_unit, ONE, "count", qualifier)


# ---------------------------------------------------------------------------- resolution


class Resolved(NamedTuple):
    value: Fraction | None
    low: Fraction | None
    high: Fraction | None
    unit: str
    qualifier: str
    dimension: str


def resolve(match: QuantityMatch) -> Resolved:
    """The amount in its canonical unit, exact."""
    scale = match.factor
    if scale == 1:  # most units: nothing to multiply (Fraction arithmetic is slow)
        value, low, high = match.value, match.low, match.high
    else:
        value, low, high = (None if x is None else x * scale for x in (match.value, match.low, match.high))
    return Resolved(
        value=None if low is not None else value,
        low=low,
        high=high,
        unit=match.unit,
        qualifier=match.qualifier,
        dimension=match.dimension,
    )


def _float(x: Fraction | None) -> float | None:
    return None if x is None else float(x)


def annotate_quantities(doc: Document) -> None:
    """The pipeline stage: quantities of every sentence (headings included)."""
    quantities = []
    for index, sentence in enumerate(doc.sentences):
        for match in find_quantities(sentence.text):
            r = resolve(match)
            quantities.append({"start": sentence.start + match.start, "end": sentence.start + match.end,
                               "text": match.text, "value": _float(r.value), "low": _float(r.low),
                               "high": _float(r.high), "unit": r.unit, "qualifier": r.qualifier,
                               "dimension": r.dimension, "sentence": index})
    doc.quantities = records(Quantity, quantities)
