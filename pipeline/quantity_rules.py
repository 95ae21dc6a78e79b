"""The knowledge the quantity stage reads: units, compound units, frames, qualifier words
and context guards, loaded from ``rules/units.yaml`` and ``rules/quantity_context.yaml``
into typed entries and compiled once (``tables()``).

Traditional characters: every rule is written in simplified characters, and the stage
reads a sentence through ``simplified_view``, a character-for-character folding of
traditional forms (億 → 亿, 噸 → 吨, 個 → 个, 新臺幣 → 新台币) taken from OpenCC's
dictionary. One character for one keeps every offset, so spans stay those of the text as
written; a table entry never needs a traditional twin.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

import regex
from pydantic import Field

from .numbers import MINUS_CHARS, MINUS_WORDS, NUMERAL_CHARS
from .rules import RuleEntry, RulesError, alternation, any_character, load_entries, load_fields, load_section, rules_path


class Unit(RuleEntry):
    surface: str = Field(min_length=1)
    canonical: str | None = None  # counts: the surface itself
    factor: str = "1"
    dimension: str = "count"
    kind: Literal["measure", "count"] = "measure"
    article_one: bool = False
    lone_multiplier: bool = False
    guard: Literal["energy_du", "arabic_numeral", "after_multiplier", "duration_year",
                   "approximate_or_arabic", "noun_after_chinese"] | None = None
    qualifier: str | None = None
    not_before: str = ""
    # Currencies: where the surface stands (USD 100, 台币5千元, $100), and whether the
    # currency's amounts are written in 元 (CNY, TWD, HKD, MOP): a page that names one of
    # those may mean it by a bare 元 (``page_yuan``: the bare 元 itself).
    position: Literal["after", "before", "both"] = "after"
    adds: str = "0"  # added to the numeral: 7个半月 = 7.5 months
    yuan: bool = False
    page_yuan: bool = False
    source: str
    note: str | None = None

    @property
    def unit(self) -> str:
        return self.canonical or self.surface

    @functools.cached_property
    def exact_factor(self) -> Fraction:
        return Fraction(self.factor)

    @functools.cached_property
    def exact_adds(self) -> Fraction:
        return Fraction(self.adds)


class RateSuffix(RuleEntry):
    surface: str
    per: str
    factor: str = "1"  # of the time unit in ``per``: /周 = per 7 d


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


class LatinMultiplier(RuleEntry):
    surface: str = Field(min_length=1, max_length=1)
    value: str
    note: str = ""


class RankRules(RuleEntry):
    suffixes: list[str]
    cues: list[str]
    cue_window: int
    superlative_after: list[str]
    top_suffix: str  # 50强: among the top 50
    top_cues: list[str]


class BoundPrefix(RuleEntry):
    surface: str
    qualifier: str


class ImpliedUnit(RuleEntry):
    """A unit-less amount with 万/亿 takes a unit from a cue word of its clause."""

    unit: str  # "page_yuan": the page's currency
    dimension: str
    before: list[str] = []  # in the clause before the amount (净利润3.58亿)
    after: list[str] = []   # right after the amount, 的 allowed between (2千亿经济效益)


class Guard(RuleEntry):
    """A named context in which a number is not an amount (each has a negative corpus case)."""

    name: str
    units: list[str] = []      # only after these unit surfaces (all when empty)
    chinese_only: bool = False  # only for numerals in Chinese characters
    chars_before: str = ""     # the character right before the numeral
    letters_before: bool = False  # also a Latin letter right before the numeral
    chars_after: str = ""      # the character right after the unit
    note: str


class VagueBeforeUnit(RuleEntry):
    surface: str
    low: int
    high: int


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
    per_word: str
    title_marks: list[tuple[str, str]]
    place_name_suffixes: str
    unit_alternative_brackets: list[tuple[str, str]]
    one_not_after: str
    vague_before_unit: VagueBeforeUnit
    ratio_marks: str
    fraction_not_before: tuple[str, ...]


@dataclass(frozen=True)
class Tables:
    units: dict[str, Unit]
    unit_re: re.Pattern               # (`re`, not `regex`: literal alternations, matched 2-3x faster)
    lone_unit_re: regex.Pattern
    prefix_re: regex.Pattern          # a currency written before the amount, at the end of a text
    prefix_last_chars: frozenset[str]
    rates: dict[str, RateSuffix]
    rate_re: regex.Pattern
    denominator_re: regex.Pattern     # /吨, /万元, /千瓦时 after a unit
    per_re: regex.Pattern             # 每千瓦时, 每吨 at the end of a text
    frames: tuple[Frame, ...]
    frame_suffixes: tuple[str, ...]  # a quick test before trying each frame
    words: tuple[WordAmount, ...]
    word_by_surface: dict[str, WordAmount]
    word_re: re.Pattern
    word_finals_re: re.Pattern         # a class of the word amounts' last characters: most texts hold none
    before: dict[str, QualifierWord]
    after: dict[str, QualifierWord]
    lone: dict[str, LoneMultiplier]
    lone_re: regex.Pattern
    lone_chars_re: re.Pattern          # a class of the lone multipliers' characters: most texts hold none
    latin: dict[str, Fraction]
    bridge_re: regex.Pattern
    bridge_initials: frozenset[str]    # a bridge verb starts with one of these: a quick test before bridge_re
    ranks: RankRules
    context: Context
    implied: tuple[ImpliedUnit, ...]
    guards: dict[str, Guard]
    code_chars_before: frozenset[str]  # guard after_url_or_code, Latin letters included
    place_units: frozenset[str]        # guard place_name
    place_chars_after: str
    before_lengths: tuple[int, ...]    # the lengths of the qualifier words before, longest first
    before_last_chars: frozenset[str]
    after_initials: frozenset[str]     # a qualifier word after starts with one of these
    title_openers: re.Pattern
    bracket_openers: str
    range_or_product_signs: tuple[str, ...]
    sign_last_chars: str               # a sign ends with one of these: - − － 负 下
    vague_re: regex.Pattern
    minus_chars: str
    minus_words: tuple[str, ...]
    amount_final_chars: frozenset[str]  # after one of these a hyphen connects, it is no minus
    trigger_re: re.Pattern
    # A numeral without Arabic digits or a multiplier (一, 两, 几) is an amount only by what
    # stands next to it: a unit right after it, or one of these after it (a frame's or a
    # range sign's first character, 多/余, 强), or one of these before it (第, a currency's
    # last character).
    plain_numeral_followers: frozenset[str]
    plain_numeral_precursors: frozenset[str]


def _units() -> list[Unit]:
    units = load_entries("units.yaml", "units", Unit)
    seen: set[str] = set()
    for unit in units:
        if unit.surface in seen:
            raise RulesError(f"{rules_path('units.yaml')}: unit surface {unit.surface!r} is listed twice")
        if unit.kind == "measure" and not unit.canonical:
            raise RulesError(f"{rules_path('units.yaml')}: measure unit {unit.surface!r} needs a canonical unit")
        unit.exact_factor  # validates the fraction
        seen.add(unit.surface)
    return units


@functools.cache
def tables() -> Tables:
    units = _units()
    after_units = {u.surface: u for u in units if u.position != "before"}
    before_units = {u.surface: u for u in units if u.position != "after"}
    rates = {r.surface: r for r in load_entries("units.yaml", "rate_suffixes", RateSuffix)}
    words = tuple(load_entries("units.yaml", "word_amounts", WordAmount))
    before = {q.surface: q for q in load_entries("quantity_context.yaml", "qualifiers_before", QualifierWord)}
    after = {q.surface: q for q in load_entries("quantity_context.yaml", "qualifiers_after", QualifierWord)}
    lone = {m.surface: m for m in load_entries("quantity_context.yaml", "lone_multipliers", LoneMultiplier)}
    latin = {m.surface: Fraction(m.value) for m in load_entries("quantity_context.yaml", "latin_multipliers",
                                                                 LatinMultiplier)}
    context = load_fields("quantity_context.yaml", Context)
    guards = {g.name: g for g in load_entries("quantity_context.yaml", "guards", Guard)}
    for needed in ("after_url_or_code", "place_name"):
        if needed not in guards:
            raise RulesError(f"{rules_path('quantity_context.yaml')}: guard {needed!r} is missing")
    frames = tuple(load_entries("units.yaml", "frames", Frame))
    # A Latin unit never runs on into a Latin word (1PB is no 1 P, 8GWh no 8 GW).
    latin_units = [u for u in after_units if u[-1].isascii() and u[-1].isalpha()]
    unit_alt = (f"(?:{alternation(latin_units)})(?![A-Za-z])|" if latin_units else "") + alternation(
        u for u in after_units if u not in latin_units)
    measure_alt = alternation(u.surface for u in units if u.kind == "measure" and u.dimension != "time"
                              and u.position != "before")
    multiplier_alt = alternation(lone)
    prefixes = [u for u in before_units]
    ranks = load_section("quantity_context.yaml", "ranks", RankRules)
    if any(not f.suffix for f in frames):  # (plain_numeral_followers reads each suffix's first character)
        raise RulesError(f"{rules_path('units.yaml')}: a frame needs a suffix")
    return Tables(
        units=after_units | before_units,
        # The hot patterns that are literal words (and a look-ahead at ASCII letters) are
        # compiled with `re`, which reads them as `regex` does and matches them 2-3x faster.
        unit_re=re.compile(unit_alt),
        lone_unit_re=regex.compile(alternation(u.surface for u in units if u.lone_multiplier)),
        prefix_re=regex.compile(f"(?:{alternation(prefixes)})\\s?$"),
        prefix_last_chars=frozenset(p[-1] for p in prefixes) | {" "},
        rates=rates,
        rate_re=regex.compile(alternation(rates)),
        # A bare unit first (/千瓦时), else a multiplier and a unit (/万元).
        denominator_re=regex.compile(f"[/／](?:()({unit_alt})|({multiplier_alt})({unit_alt}))"),
        per_re=regex.compile(f"{regex.escape(context.per_word)}({multiplier_alt})?({measure_alt})$"),
        frames=frames,
        frame_suffixes=tuple(f.suffix for f in frames),
        words=words,
        word_by_surface={w.surface: w for w in words},
        word_re=re.compile(alternation(w.surface for w in words)),
        word_finals_re=any_character({w.surface[-1] for w in words}),
        before=before,
        after=after,
        lone=lone,
        lone_re=regex.compile(f"(?<![0-9０-９零〇一二两三四五六七八九十百千万亿.])"
                              f"({regex.escape(context.bound_prefix.surface)})?({alternation(lone)})"
                              f"(?![0-9０-９零〇一二两三四五六七八九])"),
        lone_chars_re=any_character({c for m in lone for c in m}),
        latin=latin,
        bridge_re=regex.compile(f"({alternation(before)})(?:{alternation(context.bridge_verbs)})"
                                f"[^\\p{{P}}\\s]{{0,{context.bridge_max_chars}}}$"),
        bridge_initials=frozenset(v[0] for v in context.bridge_verbs),
        ranks=ranks,
        context=context,
        implied=tuple(load_entries("quantity_context.yaml", "implied_units", ImpliedUnit)),
        guards=guards,
        code_chars_before=frozenset(guards["after_url_or_code"].chars_before)
        | (frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
           if guards["after_url_or_code"].letters_before else frozenset()),
        place_units=frozenset(guards["place_name"].units),
        place_chars_after=guards["place_name"].chars_after,
        before_lengths=tuple(sorted({len(w) for w in before}, reverse=True)),
        before_last_chars=frozenset(w[-1] for w in before),
        after_initials=frozenset(w[0] for w in after),
        title_openers=re.compile("|".join(re.escape(o) for o, _ in context.title_marks) or "(?!)"),
        bracket_openers="".join(o for o, _ in context.unit_alternative_brackets),
        range_or_product_signs=context.range_connectors + context.product_signs,
        sign_last_chars=MINUS_CHARS + "".join(w[-1] for w in MINUS_WORDS),
        vague_re=regex.compile(f"(?<![0-9零〇一二两三四五六七八九十百千万亿])"
                               f"{regex.escape(context.vague_before_unit.surface)}(?={unit_alt})"),
        minus_chars=MINUS_CHARS,
        minus_words=MINUS_WORDS,
        amount_final_chars=frozenset(NUMERAL_CHARS) | {u.surface[-1] for u in units} | set("%％)）]】"),
        # Any character that can start an amount: a sentence without one has none.
        trigger_re=any_character(set(NUMERAL_CHARS) | set("十百千万亿") | {w.surface[0] for w in words}),
        plain_numeral_followers=frozenset({f.suffix[0] for f in frames}
                                          | {s[0] for s in context.range_connectors + context.product_signs}
                                          | set(context.inner_approximation) | set(ranks.top_suffix[:1])),
        plain_numeral_precursors=frozenset({p[-1] for p in prefixes} | {" ", "第"}),
    )


def load_rules() -> None:
    tables()
    from .script import load
    load()


# ---------------------------------------------------------------------------- traditional characters
# One view for every stage: pipeline/script.py (OpenCC t2s, one character for one).
from .script import simplified_view, traditional_share  # noqa: E402,F401 (re-exported)
