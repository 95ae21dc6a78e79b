"""Which unit an amount has, beyond the plain unit after its numeral: compound units
(<unit>/<unit>: 118.45万元/吨 → CNY/t; 每<unit> before the amount: 每千瓦时0.3元 → CNY/kWh),
currencies written before the amount (台币5千元, $100) and a count unit's alternative in
brackets (户（套）). Pure functions over a text position and the rule tables.
"""
from __future__ import annotations

from fractions import Fraction

import regex

from .quantity_rules import Tables, Unit

ONE = Fraction(1)


def _match_at(pattern: regex.Pattern, text: str, pos: int) -> str | None:
    m = pattern.match(text, pos)
    return m.group() if m else None


def alternative_unit(text: str, end: int, t: Tables) -> int:
    """A count unit's alternative in brackets stays in the span: 户（套）, 台(套)."""
    for opening, closing in t.context.unit_alternative_brackets:
        if text.startswith(opening, end):
            inner = _match_at(t.unit_re, text, end + len(opening))
            if inner and t.units[inner].kind == "count" and text.startswith(closing, end + len(opening) + len(inner)):
                return end + len(opening) + len(inner) + len(closing)
    return end


def compound_after(text: str, end: int, unit: Unit, t: Tables):
    """<unit>/<unit>: 118.45万元/吨 → CNY/t, 1.0439吨标准煤/万元 → t/CNY, 500万吨/年 → t/a."""
    if end >= len(text) or text[end] not in "/／":
        return None
    rate = _match_at(t.rate_re, text, end)
    if rate and unit.kind == "measure":
        suffix = t.rates[rate]
        return (f"{unit.unit}/{suffix.per}", unit.exact_factor * Fraction(suffix.factor), "rate",
                end + len(rate), False)
    m = t.denominator_re.match(text, end)
    if m is None:
        return None
    den = t.units[m.group(2) or m.group(4)]
    if den.position == "before" or den is unit:
        return None
    scale = t.lone[m.group(3)].exact_value if m.group(3) else ONE
    return (f"{unit.unit}/{den.unit}", unit.exact_factor / (scale * den.exact_factor), "compound", m.end(),
            den.page_yuan)


def per_unit_before(text: str, start: int, t: Tables):
    """每千瓦时0.3元: (start of 每, multiplier, unit) when 每<unit> stands right before the amount."""
    if t.context.per_word not in text[max(0, start - 8) : start]:
        return None
    m = t.per_re.search(text, max(0, start - 10), start)
    if m is None:
        return None
    scale = t.lone[m.group(1)].exact_value if m.group(1) else ONE
    return m.start(), scale, t.units[m.group(2)]


def currency_before(text: str, start: int, t: Tables) -> Unit | None:
    """A currency written before the amount: 台币5千元, 人民币500亿元, $100, USD 20."""
    if start == 0 or text[start - 1] not in t.prefix_last_chars:
        return None
    m = t.prefix_re.search(text, max(0, start - 8), start)
    if m is None:
        return None
    unit = t.units[m.group().rstrip()]
    return unit if unit.dimension == "currency" else None
