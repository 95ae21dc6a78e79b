"""Quantities: every measured amount in a sentence, with the parts it is built from.

Two steps, each testable on its own:

- ``find_quantities(text)`` extracts: it returns ``QuantityMatch`` spans with their parts
  (numeral, unit, qualifier), using the numeral finder of ``numbers.py`` and the unit
  table of ``rules/units.yaml`` — one generic rule, numeral × unit, instead of a rule
  per unit. Compound units (元/吨, 每千瓦时…元), currencies written before the amount
  (台币5千元, $100), signs (-12.9%, 零下5℃) and ranges (1-2亿元) are parts of that rule.
- ``resolve(match)`` (``quantity_resolution.py``) computes the value in the canonical
  unit, in exact arithmetic; floats appear only in the output record.

The rule data is loaded by ``quantity_rules.py``; traditional text is read through its
one-for-one simplified view, so spans are those of the text as written.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import NamedTuple

import regex

from .numbers import numeral_fields, percent_word_spans
from .quantity_rules import Tables, Unit, load_rules, simplified_view, tables  # noqa: F401 (re-exported)
from .quantity_units import alternative_unit, compound_after, currency_before, per_unit_before

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
    page_yuan: bool = False   # the unit's CNY is the page's yuan (a bare 元)
    yuan_currency: str = ""   # an explicitly named yuan currency (TWD for 新台币)


@dataclass(slots=True)  # not frozen: a frozen dataclass is built 3× slower, and one is built per numeral
class _Amount:
    """A numeral-like start: a parsed numeral, a lone multiplier, or a percent word."""

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


_MULTIPLIER_ONLY = frozenset("百千万亿佰仟萬億")
_ARABIC_DIGITS = frozenset("0123456789０１２３４５６７８９")
_LARGE_MULTIPLIERS = frozenset("万亿萬億")
_HAN = regex.compile(r"\p{Han}")
_LATIN = regex.compile(r"[A-Za-z]")
_CLAUSE_BREAK = regex.compile(r"[\p{P}\s]")


def _amounts(text: str, t: Tables) -> list[_Amount]:
    found: list[_Amount] = []
    for start, end, numeral, value, low, high in numeral_fields(text):
        if _MULTIPLIER_ONLY.issuperset(numeral):
            continue  # 千万, 万: bare multipliers follow the stricter rule below
        arabic = not _ARABIC_DIGITS.isdisjoint(numeral)
        found.append(_Amount(start, end, value, low, high, not arabic, arabic,  # (positional: built per numeral)
                             not _LARGE_MULTIPLIERS.isdisjoint(numeral), None,
                             ("/" in numeral or "分之" in numeral) and "又" not in numeral))
    numerals = len(found)
    for m in t.lone_re.finditer(text) if t.lone_chars_re.search(text) else ():  # (a quick test first)
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
    vague = t.context.vague_before_unit
    if vague.surface in text:
        for m in t.vague_re.finditer(text):  # 几艘, 几年
            found.append(_Amount(m.start(), m.end(), None, Fraction(vague.low), Fraction(vague.high), chinese=True))
    for n in percent_word_spans(text):
        found.append(_Amount(n.start, n.end, n.value, n.low, n.high, chinese=True, is_percent=True))
    if len(found) > numerals:  # (numerals alone come in order, without overlaps: most texts)
        found.sort(key=_amount_order)
    signs = t.sign_last_chars
    for i, a in enumerate(found):
        if a.start and text[a.start - 1] in signs:
            found[i] = _signed(a, text, t)
    return found


def _amount_order(amount: _Amount) -> tuple[int, int]:
    return amount.start, -amount.end


def _signed(amount: _Amount, text: str, t: Tables) -> _Amount:
    """A written minus or 负/零下 before the numeral makes it negative (-12.9%, 零下5℃).

    A hyphen right after an amount or a unit connects a range instead (1-2亿元, 3吨-5吨)."""
    start = amount.start
    if start == 0 or amount.value is None and amount.low is None:
        return amount
    before = text[start - 1]
    if before in t.minus_chars:
        previous = text[start - 2 : start - 1]
        if previous and (previous in t.amount_final_chars or _LATIN.match(previous)):
            return amount
        sign_start = start - 1
    else:
        word = next((w for w in t.minus_words if start >= len(w) and text.startswith(w, start - len(w))), None)
        if word is None:
            return amount
        sign_start = start - len(word)
    value = None if amount.value is None else -amount.value
    low, high = (None, None) if amount.low is None else (-amount.high, -amount.low)
    return _Amount(sign_start, amount.end, value, low, high, amount.chinese, amount.arabic,
                   amount.has_multiplier, amount.bound, amount.is_percent)


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
    if guard == "noun_after_chinese":  # 两头牛, not 抓两头、
        return amount.arabic or amount.has_multiplier or bool(_HAN.match(text, unit_end))
    if guard == "duration_year":
        if amount.value is not None and amount.value >= t.context.date_year_min:
            return False
        return not text.startswith(t.context.year_not_duration_after, unit_end)
    return False


def _qualifier_before(text: str, start: int, t: Tables, unit: Unit | None) -> tuple[str | None, int]:
    for length in t.before_lengths if start and text[start - 1] in t.before_last_chars else ():
        word = text[max(0, start - length) : start]
        q = t.before.get(word)
        if q and len(word) == length and not (unit and unit.dimension in q.not_for_dimensions):
            return q.qualifier, start - length
    window = text[max(0, start - 16) : start]
    bridged = None if t.bridge_initials.isdisjoint(window) else t.bridge_re.search(window)  # (most hold no verb)
    if bridged:
        q = t.before[bridged.group(1)]
        if not (unit and unit.dimension in q.not_for_dimensions):
            return q.qualifier, start
    return None, start


def _qualifier_after(text: str, end: int, t: Tables, unit: Unit | None) -> str | None:
    if text[end : end + 1] not in t.after_initials:
        return None  # (most amounts: no word to look up)
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


def _title_spans(text: str, t: Tables) -> list[tuple[int, int]]:
    """Spans inside title marks (《…》, 〈…〉): numbers there name, they do not measure."""
    spans = []
    for opening, closing in t.context.title_marks:
        at = text.find(opening)
        while at >= 0:
            end = text.find(closing, at + 1)
            end = len(text) if end < 0 else end
            spans.append((at, end))
            at = text.find(opening, end)
    return spans


def find_quantities(text: str, simplified: bool = False) -> list[QuantityMatch]:
    """Every amount in ``text`` (a sentence or heading), left to right, non-overlapping.

    Traditional characters are read through the simplified view; spans and texts are
    those of ``text`` as written. ``simplified``: the caller knows that ``text`` holds no
    traditional character (it is its own view)."""
    view = text if simplified else simplified_view(text)
    matches = _find(view)
    if view is not text:
        matches = [m._replace(text=text[m.start:m.end]) for m in matches]
    return matches


def _find(text: str) -> list[QuantityMatch]:
    t = tables()
    if not t.trigger_re.search(text):
        return []
    matches: list[QuantityMatch] = []
    amounts = _amounts(text, t)
    by_start: dict[int, _Amount] = {}
    for amount in amounts:  # the longest amount at each start (amounts are sorted so)
        by_start.setdefault(amount.start, amount)
    titles = _title_spans(text, t) if t.title_openers.search(text) else []
    for word in t.word_re.finditer(text) if t.word_finals_re.search(text) else ():  # (a quick test first)
        entry = t.word_by_surface[word.group()]
        if entry.guard == "ranking_context" and (
                not _rank_cue(text, word.start(), t) or _HAN.match(text, word.end())):
            continue  # 首位女航天员: "the first", not a place in a ranking
        qualifier = (_qualifier_after(text, word.end(), t, None)
                     or _qualifier_before(text, word.start(), t, None)[0] or "=")
        matches.append(QuantityMatch(word.start(), word.end(), word.group(), entry.exact_value,
                                     unit=entry.canonical, dimension=entry.dimension, qualifier=qualifier))
    word_spans = [(m.start, m.end) for m in matches]
    taken_until = 0
    followers, precursors = t.plain_numeral_followers, t.plain_numeral_precursors
    for amount in amounts:
        if amount.start < taken_until or word_spans and any(s <= amount.start < e for s, e in word_spans):
            continue
        if not (amount.arabic or amount.has_multiplier or amount.is_percent) \
                and text[amount.end : amount.end + 1] not in followers \
                and (not amount.start or text[amount.start - 1] not in precursors) \
                and not t.unit_re.match(text, amount.end):
            continue  # 一些, 统一, 大陆: nothing next to it makes it an amount (_quantity_from gives None)
        if titles and any(s < amount.start < e for s, e in titles):
            continue
        found = _quantity_from(amount, by_start, text, t)
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


def _rank_cue(text: str, start: int, t: Tables) -> bool:
    """A ranking verb or scope word earlier in the same clause (居全国…, 位列自治区…)."""
    window = text[max(0, start - t.ranks.cue_window) : start]
    breaks = list(_CLAUSE_BREAK.finditer(window))
    if breaks:
        window = window[breaks[-1].end() :]
    return any(cue in window for cue in t.ranks.cues)


def _quantity_from(amount: _Amount, by_start: dict[int, _Amount], text: str, t: Tables,
                   chain: bool = True) -> QuantityMatch | None:
    ctx = t.context
    start, pos = amount.start, amount.end
    # Ordinals and ranks: 第N…
    if start > 0 and text[start - 1] == "第":
        return _rank(amount, text, t)
    # Set phrases: “两个屏障”, 国内国际两个市场、两种资源
    if amount.chinese and (start > 0 and text[start - 1] in ctx.set_phrase_openers
                           or text.startswith(ctx.set_phrases, start)):
        return None
    before = text[start - 1] if start else ""
    prefix = currency_before(text, start, t) if before and before in t.prefix_last_chars else None
    if prefix is None and before and before in t.code_chars_before \
            or pos < len(text) and text[pos] in ctx.ratio_marks:
        return None  # after_url_or_code: %20, SZ002466; a ratio 1：6.7
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
        if text.startswith(ctx.fraction_not_before, end):
            return None  # 2019/20年度, 18/19年: a fiscal year, not a share
        qualifier = _qualifier_after(text, end, t, None) or _qualifier_before(text, start, t, None)[0]
        written = text[start:end]
        value = amount.value
        if value is not None and ("/" in written or "分之" in written and not written.startswith(("百分之", "千分之", "万分之"))):
            value = value * 100
        return _build(text, start, end, amount, "%", ONE, "percent", qualifier or ("~" if amount.low is not None else "="), value=value)
    inner = False
    multiplier = ONE
    if pos < len(text) and text[pos] in ctx.inner_approximation:
        inner, pos = True, pos + 1
        while pos < len(text) and text[pos] in "万亿":  # 850余万吨
            multiplier *= 10000 if text[pos] == "万" else 100000000
            pos += 1
    elif amount.arabic and not amount.has_multiplier and text[pos : pos + 1] in t.latin \
            and not _LATIN.match(text, pos + 1) and t.unit_re.match(text, pos + 1):
        multiplier, pos = t.latin[text[pos]], pos + 1  # 5k元, 2w人
    if amount.arabic and text[pos : pos + 1] == " " and t.unit_re.match(text, pos + 1):
        pos += 1  # 3 km, 1 秒钟
    unit_match = t.unit_re.match(text, pos)
    surface = unit_match.group() if unit_match else None
    if prefix is not None:
        return _prefixed(amount, prefix, surface, text, pos, t, multiplier, inner)
    if surface is None:
        if text.startswith(t.ranks.top_suffix, pos) and amount.value is not None and any(
                cue in text[max(0, start - t.ranks.cue_window) : start] for cue in t.ranks.top_cues):
            return QuantityMatch(start, pos + len(t.ranks.top_suffix), text[start:pos + len(t.ranks.top_suffix)],
                                 amount.value * multiplier, unit="rank", dimension="rank", qualifier="<=")
        if chain:
            ranged = _range_or_product(amount, by_start, text, t)
            if ranged is not None:
                return ranged
        return _implied(amount, text, pos, t, inner, multiplier)
    unit = t.units[surface]
    unit_end = pos + len(surface)
    if unit.guard is not None and not _guard_ok(unit, amount, text, unit_end, t, inner) \
            or _not_this_unit(unit, amount, text, unit_end, t):
        return None
    if text[start:amount.end] == "一" and not inner and (unit.article_one or text[start - 1 : start] in ctx.one_not_after):
        return None  # 一批, 一条: an article, not an amount; 同一户: the same
    end = unit_end
    canonical, dimension, factor = unit.unit, unit.dimension, unit.exact_factor
    page_yuan = unit.page_yuan
    if unit.kind == "count":
        if end < len(text) and text[end] in t.bracket_openers:
            end = alternative_unit(text, end, t)  # 47万户（套）
    elif (per := per_unit_before(text, start, t) if text.find(ctx.per_word, max(0, start - 8), start) >= 0
          else None) is not None:  # (looked for only here, where it counts)
        per_start, per_multiplier, per_unit = per  # 每千瓦时0.3元
        start = per_start
        canonical, factor = f"{canonical}/{per_unit.unit}", factor / (per_multiplier * per_unit.exact_factor)
        dimension, page_yuan = "compound", page_yuan or per_unit.page_yuan
    elif end < len(text) and text[end] in "/／":
        compound = compound_after(text, end, unit, t)
        if compound is not None:
            canonical, factor, dimension, end, den_yuan = compound
            page_yuan = page_yuan or den_yuan
    if unit.exact_adds:
        amount = _shifted(amount, unit.exact_adds)
    ranged = _range_after(amount, by_start, text, end, t, surface)
    if ranged:
        low_amount, high_amount, end = ranged
        q_before = _qualifier_before(text, start, t, unit)[0]
        return QuantityMatch(start, end, text[start:end], None, low_amount * multiplier, high_amount * multiplier,
                             canonical, factor, dimension, q_before or "=", page_yuan,
                             unit.unit if unit.yuan else "")
    qualifier = (_qualifier_after(text, end, t, unit) or _qualifier_before(text, start, t, unit)[0]
                 or unit.qualifier or (">" if inner else None) or amount.bound
                 or ("~" if amount.low is not None else "="))
    return _build(text, start, end, amount, canonical, factor, dimension, qualifier, multiplier=multiplier,
                  page_yuan=page_yuan, yuan_currency=unit.unit if unit.yuan else "")


def _not_this_unit(unit: Unit, amount: _Amount, text: str, unit_end: int, t: Tables) -> bool:
    """Contexts in which the number before a unit is no amount of it."""
    ctx = t.context
    nxt = text[unit_end : unit_end + 1]
    if text.startswith(ctx.scale_suffix, unit_end):
        return True  # 百吨级: a scale word
    if unit.not_before and nxt and nxt in unit.not_before:
        return True  # 两位数: a fixed expression; 五倍券: a name
    if unit.kind == "count" and text.startswith(ctx.ordinal_nouns_after, unit_end):
        return True  # 十一次全会: the number of a meeting
    if unit.dimension == "time" and unit.guard != "duration_year" and text.startswith(ctx.year_not_duration_after, unit_end):
        return True  # 3天之后, 两个月前: a relative date
    if amount.chinese and (unit.kind == "count" or unit.dimension == "time") \
            and text.startswith(ctx.set_phrase_heads, unit_end):
        return True  # 七项重点工作, 三年行动: a named set of tasks, a plan title
    if text[amount.start:amount.end] == ctx.distributive_one and text.startswith(ctx.distributive_one, unit_end):
        return True  # 一户一策
    if amount.chinese and unit.surface in t.place_units and nxt and nxt in t.place_chars_after:
        return True  # 五台县, 七台河
    return False


def _shifted(amount: _Amount, adds: Fraction) -> _Amount:
    """7个半月: the half a unit carries is added to the numeral."""
    if amount.value is None:
        return amount
    return _Amount(amount.start, amount.end, amount.value + adds, None, None, amount.chinese, amount.arabic,
                   amount.has_multiplier, amount.bound, amount.is_percent)


def _prefixed(amount: _Amount, currency: Unit, surface: str | None, text: str, pos: int, t: Tables,
              multiplier: Fraction, inner: bool) -> QuantityMatch | None:
    """An amount after a currency word: a trailing 元 (or the same currency) belongs to it."""
    begin = text.rfind(currency.surface, 0, amount.start)
    end = pos
    if surface is not None:
        unit = t.units[surface]
        if unit.dimension == "currency" and (unit.page_yuan or unit.unit == currency.unit):
            end = pos + len(surface)
        elif unit.dimension == "currency" or unit.kind == "count" and not amount.has_multiplier and multiplier is ONE:
            return None
    elif not (amount.arabic or amount.has_multiplier or multiplier is not ONE):
        return None  # 台币一: no amount
    canonical, factor, dimension = currency.unit, currency.exact_factor, "currency"
    compound = compound_after(text, end, currency, t)
    if compound is not None:
        canonical, factor, dimension, end, _ = compound
    qualifier = (_qualifier_after(text, end, t, currency) or _qualifier_before(text, begin, t, currency)[0]
                 or (">" if inner else None) or ("~" if amount.low is not None else "="))
    return _build(text, begin, end, amount, canonical, factor, dimension, qualifier, multiplier=multiplier,
                  yuan_currency=currency.unit if currency.yuan else "")


def _build(text, start, end, amount: _Amount, unit, factor, dimension, qualifier, value=None, multiplier=ONE,
           page_yuan=False, yuan_currency=""):
    base = value if value is not None else amount.value
    if multiplier is ONE:
        return QuantityMatch(start, end, text[start:end], base, amount.low, amount.high, unit, factor,
                             dimension, qualifier, page_yuan, yuan_currency)
    return QuantityMatch(start, end, text[start:end], None if base is None else base * multiplier,
                         None if amount.low is None else amount.low * multiplier,
                         None if amount.high is None else amount.high * multiplier,
                         unit, factor, dimension, qualifier, page_yuan, yuan_currency)


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


def _ordered(low: Fraction | None, high: Fraction | None) -> bool:
    """The one rule for every range: its ends rise. 8%—6% or 8吨至6吨 is no range (a fall
    from 8 to 6, or two figures): the amounts are then read one by one."""
    return low is not None and high is not None and low < high


def _range_after(amount, by_start, text, end, t, surface):
    """4%—6%, 5%~7%: a second amount of the same unit right after a connector."""
    if not text.startswith(t.context.range_connectors, end):
        return None
    for connector in t.context.range_connectors:
        if text.startswith(connector, end):
            nxt = by_start.get(end + len(connector))
            if nxt and text.startswith(surface, nxt.end) and _ordered(amount.value, nxt.value):
                return amount.value, nxt.value, nxt.end + len(surface)
    return None


def _top_multiplier(amount: _Amount, text: str) -> list[Fraction]:
    """The multipliers a range's high end may share with its low end, largest first:
    5千万 → 千万, 万; 1.5亿 → 亿; 一千五百万 → 万."""
    written = text[amount.start:amount.end]
    candidates = []
    tail = len(written)
    while tail > 0 and written[tail - 1] in "万亿萬億":
        tail -= 1
    if tail == len(written):
        return []
    large = Fraction(1)
    for c in written[tail:]:
        large *= 10000 if c in "万萬" else 100000000
    if tail > 0 and written[tail - 1] in "十百千拾佰仟":
        small = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}[written[tail - 1]]
        candidates.append(large * small)
    candidates.append(large)
    return candidates


def _range_or_product(amount, by_start, text, t) -> QuantityMatch | None:
    """5到6趟 and 1-2亿元 (a range whose unit and multiplier follow the second number) and
    2×100万千瓦 (a product). The second amount is read without chaining further, so a run
    of 1-1-1-… costs linear time."""
    pos = amount.end
    if not text.startswith(t.range_or_product_signs, pos):
        return None
    for sign in t.range_or_product_signs:
        if not text.startswith(sign, pos):
            continue
        nxt = by_start.get(pos + len(sign))
        if nxt is None or amount.value is None or nxt.value is None:
            return None
        second = _quantity_from(nxt, by_start, text, t, chain=False)
        if second is None or second.dimension == "rank" or second.value is None:
            return None
        if sign in t.context.product_signs:  # 2×100万千瓦
            return second._replace(start=amount.start, text=text[amount.start:second.end],
                                   value=amount.value * second.value)
        low = amount.value
        if not amount.has_multiplier:  # 1-2亿元, 3000至5000万元, 两到三万: the multiplier is shared
            shares = _top_multiplier(nxt, text)
            for shared in shares:
                if low * shared == second.value:
                    return None  # 1-1亿元: no range
                if low * shared < second.value:
                    low = low * shared
                    break
            else:  # sharing overshoots: 5000-1万元 is 5000 to 10000, but 8—6万元 is no range
                if shares and low * 100 < second.value:
                    return None
        if not _ordered(low, second.value):
            return None
        qualifier = _qualifier_before(text, amount.start, t, None)[0] or "="
        return second._replace(start=amount.start, text=text[amount.start:second.end], value=None, low=low,
                               high=second.value, qualifier=qualifier)
    return None


def _implied(amount: _Amount, text: str, pos: int, t: Tables, inner: bool, multiplier: Fraction):
    """A number with 万/亿 and no unit: the unit a cue word of its clause implies
    (净利润3.58亿 → currency, 人口达6亿 → 人), else a count of the noun right after it
    (106万城乡居民 → 个)."""
    # (`multiplier is not ONE` first: comparing a Fraction runs Python code, and most have none)
    if not (amount.has_multiplier or multiplier is not ONE and multiplier > 1) \
            or amount.value is None and amount.low is None:
        return None
    qualifier = _qualifier_before(text, amount.start, t, None)[0] or (">" if inner else None) or amount.bound
    following = text[pos + (text[pos : pos + 1] == "的") :]
    clause = text[max(0, amount.start - 16) : amount.start]
    breaks = list(_CLAUSE_BREAK.finditer(clause))
    if breaks:
        clause = clause[breaks[-1].end() :]
    nxt = text[pos : pos + 1]
    for implied in t.implied:
        if following.startswith(tuple(implied.after)) or (not nxt or not _HAN.match(nxt) or nxt == "等") \
                and any(cue in clause for cue in implied.before):
            page_yuan = implied.unit == "page_yuan"
            return _build(text, amount.start, pos, amount, "CNY" if page_yuan else implied.unit, ONE,
                          implied.dimension, qualifier or ("~" if amount.low is not None else "="),
                          multiplier=multiplier, page_yuan=page_yuan)
    if inner or not nxt or not _HAN.match(nxt) or nxt in "多余级":
        return None
    return _build(text, amount.start, pos, amount, t.context.bare_noun_count_unit, ONE, "count",
                  qualifier or ("~" if amount.low is not None else "="), multiplier=multiplier)


# The stage and the resolution step live in quantity_resolution.py; re-exported here.
from .quantity_resolution import Resolved, annotate_quantities, page_yuan_currency, resolve  # noqa: E402,F401
