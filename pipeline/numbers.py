"""Numerals: where they occur in running text, and their exact values.

Extraction and parsing are separate steps. ``NUMERAL_RE`` / ``numeral_spans`` find
candidate spans on the original text (offsets untouched); ``parse_number``,
``parse_vague`` and ``parse_percent_words`` compute values of complete strings. What the
code knows about characters comes from ``rules/numerals.yaml``; values are exact
``Fraction``s, and a vague numeral (十几, 三四十) is a closed range (low, high). No function
here raises on any input string: what is not one numeral gives None (or no span).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from fractions import Fraction

import regex
from pydantic import Field

from .rules import RuleEntry, RulesError, load_entries, load_section, rules_path

RULE_FILE = "numerals.yaml"
SECTIONS = ("digits", "tens_words", "small_units", "large_units", "width_folding", "decimal_points",
            "fraction_marker", "vague_digits", "approximate_pairs", "percent_words", "tenths_words",
            "unit_initial_after_qian", "not_amounts", "signs", "mixed_fraction_marker", "discount_words")
# Longer strings are never one numeral; the cap also bounds recursion and int() sizes.
MAX_NUMERAL_CHARS = 64

Range = tuple[Fraction, Fraction]


class CharValue(RuleEntry):
    value: int = Field(ge=0)
    chars: str = Field(min_length=1)  # first = the plain form; the others fold onto it


class CharSet(RuleEntry):
    chars: str = Field(min_length=1)  # a set of characters, or the characters of one word


class WidthFolding(RuleEntry):
    from_chars: str
    to_chars: str  # one for one: folding must keep offsets


class VagueDigit(RuleEntry):
    chars: str = Field(min_length=1)
    as_multiplier: tuple[int, int]
    as_last_digit: tuple[int, int] | None


class RangePair(RuleEntry):
    text: str = Field(min_length=2, max_length=2)
    low: int
    high: int
    note: str = ""


class ApproximatePairs(RuleEntry):
    consecutive_digits: bool
    extra: list[RangePair] = []


class PercentWord(RuleEntry):
    prefix: str = Field(min_length=1)
    denominator: int = Field(gt=0)


class Signs(RuleEntry):
    minus_chars: str = Field(min_length=1)
    minus_words: list[str]


class DiscountWords(RuleEntry):
    chars: str = Field(min_length=1)
    not_followed_by: str = ""


class NotAmount(RuleEntry):
    text: str = Field(min_length=1)
    note: str = ""


@dataclass(frozen=True, slots=True)
class Numeral:
    """A numeral found in text: ``value`` when exact, ``low``/``high`` when vague."""

    start: int
    end: int
    text: str
    value: Fraction | None
    low: Fraction | None = None
    high: Fraction | None = None

    @property
    def is_vague(self) -> bool:
        return self.value is None


def _class(*char_groups: str) -> str:
    """A regex character class of the given characters (one that never matches if empty)."""
    chars = "".join(dict.fromkeys("".join(char_groups)))
    return "[" + "".join(regex.escape(c) for c in chars) + "]" if chars else "(?!)"


class _Tables:
    """Everything read from rules/numerals.yaml, as lookups and compiled regexes."""

    def __init__(self) -> None:
        digits = load_entries(RULE_FILE, "digits", CharValue)
        tens = load_entries(RULE_FILE, "tens_words", CharValue)
        small = load_entries(RULE_FILE, "small_units", CharValue)
        large = load_entries(RULE_FILE, "large_units", CharValue)
        width = load_section(RULE_FILE, "width_folding", WidthFolding)
        points = load_section(RULE_FILE, "decimal_points", CharSet).chars
        vague = load_entries(RULE_FILE, "vague_digits", VagueDigit)
        pairs = load_section(RULE_FILE, "approximate_pairs", ApproximatePairs)
        self.fraction_marker = load_section(RULE_FILE, "fraction_marker", CharSet).chars
        self.mixed_marker = load_section(RULE_FILE, "mixed_fraction_marker", CharSet).chars
        signs = load_section(RULE_FILE, "signs", Signs)
        self.minus_chars, self.minus_words = signs.minus_chars, tuple(signs.minus_words)
        discount = load_section(RULE_FILE, "discount_words", DiscountWords)
        self.discount, self.discount_not_before = discount.chars, discount.not_followed_by
        self.tenths = load_section(RULE_FILE, "tenths_words", CharSet).chars
        self.after_qian = frozenset(load_section(RULE_FILE, "unit_initial_after_qian", CharSet).chars)
        all_chars = [c for e in digits + tens + small + large + vague for c in e.chars] + list(points)
        for broken, problem in [
            (len(width.from_chars) != len(width.to_chars), "width_folding must fold one character to one"),
            (sorted(d.value for d in digits) != list(range(10)), "digits must give each of 0-9 once"),
            (sorted(u.value for u in small) != [10, 100, 1000], "small_units must be 10, 100 and 1000"),
            (any(str(u.value).rstrip("0") != "1" or u.value < 10**4 for u in large),
             "large_units must be powers of ten from 10^4 up"),
            (len(all_chars) != len(set(all_chars)), "a character is listed twice"),
        ]:
            if broken:
                raise RulesError(f"{rules_path(RULE_FILE)}: {problem}")

        # Lookups over plain forms: the first character of each entry.
        plain = {d.value: d.chars[0] for d in digits}
        self.zero, self.point = plain[0], points[0]
        self.digit_value = {d.chars[0]: d.value for d in digits}
        self.unit_value = {u.chars[0]: u.value for u in small}
        self.large_units = sorted(((u.chars[0], u.value) for u in large), key=lambda u: -u[1])
        self.vague = {v.chars[0]: v for v in vague}
        # Folding maps every variant onto its plain form. It may make a string longer
        # (廿 → 二十) but runs only inside parsing, so spans in the text keep their offsets.
        self.fold: dict[int, str] = {ord(f): t for f, t in zip(width.from_chars, width.to_chars)}
        for entry in digits + small + large + vague:
            self.fold.update({ord(c): entry.chars[0] for c in entry.chars[1:]})
        ten = next(u.chars[0] for u in small if u.value == 10)
        self.fold.update({ord(c): plain[e.value // 10] + ten for e in tens for c in e.chars})
        self.fold.update({ord(c): self.point for c in points[1:]})
        self.digits_to_ascii = {ord(c): str(v) for c, v in self.digit_value.items()}
        self.pairs: dict[str, Range] = {}
        if pairs.consecutive_digits:
            self.pairs = {plain[n] + plain[n + 1]: (Fraction(n), Fraction(n + 1)) for n in range(1, 9)}
        self.pairs.update({self.folded(p.text): (Fraction(p.low), Fraction(p.high)) for p in pairs.extra})
        self.percent_words = [(self.folded(p.prefix), p.denominator)
                              for p in load_entries(RULE_FILE, "percent_words", PercentWord)]
        self.not_amounts = frozenset(self.folded(n.text) for n in load_entries(RULE_FILE, "not_amounts", NotAmount))

        # Regexes over plain (folded) strings, for parsing.
        plain_digits, nonzero = "".join(self.digit_value), "".join(plain[v] for v in range(1, 10))
        arabic = r"(?>[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?)"  # atomic: no blow-up
        token = _class(plain_digits, "".join(self.unit_value), "".join(self.vague))
        self.section_re = regex.compile(f"(?:(?P<token>{arabic}|{token}))+")
        self.digit_run_re = regex.compile(f"{_class(plain_digits)}+")
        self.bare_digit_re = regex.compile(f"[1-9]|{_class(nonzero)}{{1,2}}|{_class(''.join(self.vague))}")
        self.arabic_fraction_re = regex.compile(r"([0-9]+)/([0-9]+)")
        self.tenths_re = regex.compile(f"(.+){regex.escape(self.tenths)}({_class(nonzero)})?")
        self.discount_re = regex.compile(f"({_class(nonzero)})({_class(plain_digits)})?{regex.escape(self.discount)}"
                                         f"|([0-9](?:\\.[0-9])?){regex.escape(self.discount)}")
        self.sign_re = regex.compile(f"(?:{_class(self.minus_chars)}|{'|'.join(map(regex.escape, self.minus_words))})")
        self.spaced_re = regex.compile(r"[0-9]{1,3}(?:[ \u00a0\u2009\u202f][0-9]{3})+(?:\.[0-9]+)?")

        # Regexes over the original text, for extraction: every variant spelling counts.
        def spelled(entries, keep=lambda e: True) -> str:
            return "".join(c for e in entries if keep(e) for c in e.chars)

        d = spelled(digits, lambda e: e.value) + spelled(tens)  # the digits that start a numeral
        z, lu = spelled(digits, lambda e: e.value == 0), spelled(large)
        tens_unit, hundreds = spelled(small, lambda e: e.value == 10), spelled(small, lambda e: e.value > 10)
        last, lead = spelled(vague, lambda v: v.as_last_digit), spelled(vague)
        self.qian = frozenset(spelled(small, lambda e: e.value == 1000))
        a = "[0-9０-９]"
        # A thousands comma: ASCII anywhere, full-width only between full-width digits
        # (between ASCII digits it is the comma of a list). Never part of a version 1.2.3.
        # Thousands may also be set apart by a (thin or no-break) space: 1 000, 12 500.
        # Look-arounds use \d, every decimal digit Unicode knows: a numeral is never read
        # out of the middle of a digit run in another script (𑛕025 is no 25).
        spaced = rf"[0-9]{{1,3}}(?:[ \u00a0\u2009\u202f][0-9]{{3}})++(?![0-9])"
        number = (rf"(?:{spaced}|{a}++(?:,{a}{{3}}|，[０-９]{{3}})*+)(?:[.．]{a}++)?+(?![.．]?\d)")
        point = rf"{_class(points)}(?={_class(d, z)})"  # 三点五, but not 三点 (o'clock)
        start = "|".join([
            rf"(?<![\d.．]){number}",
            _class(d),
            rf"{_class(z)}(?={_class(d, z)}|{point})",              # 二〇二四, 零点五; not 零售
            rf"{_class(tens_unit)}(?={_class(d, last, lu)})",       # 十五, 十几, 十万; not 十分
            rf"{_class(hundreds)}(?={_class(lu)})",                 # 百万, 千亿; not 千瓦
            rf"{_class(lead)}(?={_class(tens_unit, hundreds, lu)})",  # 几十, 数百; not 数据, 几乎
        ])
        # After an Arabic number only units follow (3两 is 3 + the weight unit 两).
        body = rf"(?<!\d){_class(d, z, last)}|{_class(tens_unit, hundreds, lu)}|{number}|{point}"
        # Bounded, so that a long run of unit characters (万万万…) is not rescanned from each one.
        chinese_run = rf"(?:{_class(d, z, tens_unit, hundreds, lu)}|{point}){{1,{MAX_NUMERAL_CHARS}}}+"
        marker = regex.escape(self.fraction_marker)
        mixed = rf"(?:{chinese_run}{regex.escape(self.mixed_marker)})?"  # 一又二分之一
        fraction = (rf"(?<![\d.．/／]){a}++[/／]{a}++(?![/／.．]?\d)"
                    rf"|(?={_class(d, z, tens_unit)}){mixed}{chinese_run}{marker}{chinese_run}")  # not 百分之
        self.numeral_re = regex.compile(rf"{fraction}|(?:{start})(?:{body})*+")
        # The same pattern for scanning running text, compiled with `re` behind a look-ahead at
        # the characters a numeral can start with: `re` then skips all other characters fast
        # (about twice as fast as `regex` here). Only constructs both modules read alike are
        # used (character classes, look-arounds, possessive quantifiers: Python >= 3.11).
        initials = _class(d, z, tens_unit, hundreds, lead)[1:-1]
        self.numeral_scan_re = re.compile(rf"(?=[0-9０-９{initials}])(?:{self.numeral_re.pattern})")
        prefixes = "|".join("".join(self.variants(c) for c in word) for word, _ in self.percent_words)
        # 九成, 七成五, 2.5成; 九折, 八五折, 7.5折 (a price cut to that share)
        not_before = f"(?!{_class(self.discount_not_before)})"
        self.percent_re = regex.compile(rf"(?:{prefixes})(?:{number}|{chinese_run})"
                                        rf"|(?:{_class(d, tens_unit)}|(?<![\d.．])[0-9]{{1,2}}(?:\.[0-9])?)"
                                        rf"{_class(self.tenths)}{_class(d)}?{not_before}"
                                        rf"|(?<![\d.．]){_class(d)}{_class(d, z)}?{_class(self.discount)}{not_before}"
                                        rf"|(?<![\d.．])[0-9](?:\.[0-9])?{_class(self.discount)}{not_before}")
        # Scanned with `re` behind a look-ahead at the possible first characters, as above.
        percent_initials = _class(d, tens_unit, "".join(self.variants(w[0]) [1:-1] for w, _ in self.percent_words))
        self.percent_scan_re = re.compile(rf"(?=[0-9０-９{percent_initials[1:-1]}])(?:{self.percent_re.pattern})")
        # A character every percentage in words holds (its prefix's last, 成 or 折): a text
        # without one has none, which one `re` search of a class tells at half the cost of
        # the scan above.
        prefix_finals = "".join(self.spellings(word[-1]) for word, _ in self.percent_words)
        self.percent_cue_re = re.compile(_class(prefix_finals, self.tenths, self.discount))
        self.numeral_chars = "".join(dict.fromkeys(
            "0123456789,./" + width.from_chars + "".join(all_chars) + self.fraction_marker + self.mixed_marker))

    def folded(self, text: str) -> str:
        return text.translate(self.fold)

    def variants(self, plain_char: str) -> str:
        """A class of every spelling of a plain character (万 → [万萬])."""
        return _class(self.spellings(plain_char))

    def spellings(self, plain_char: str) -> str:
        """Every spelling of a plain character (万 → 万萬)."""
        return plain_char + "".join(chr(k) for k, v in self.fold.items() if v == plain_char)


_T = _Tables()
NUMERAL_CHARS: str = _T.numeral_chars
NUMERAL_RE: regex.Pattern = _T.numeral_re
PERCENT_WORDS_RE: regex.Pattern = _T.percent_re
MINUS_CHARS: str = _T.minus_chars
MINUS_WORDS: tuple[str, ...] = _T.minus_words


def _exact(found: Range | None) -> Fraction | None:
    return found[0] if found is not None and found[0] == found[1] else None


def _section(s: str, as_multiplier: bool) -> Range | None:
    """A numeral below 10^4 (digits, 零, 十/百/千), or one Arabic number."""
    match = _T.section_re.fullmatch(s)
    if match is None:
        return None
    low = high = Fraction(0)
    last_unit = None    # units must fall left to right: 千 > 百 > 十
    digit = None        # (kind, low, high, token) of the digit waiting for its unit
    after_zero = False  # a 零 stands for skipped places: 一千零五 = 1005
    for i, token in enumerate(match.captures("token")):
        if token in _T.unit_value:
            unit = _T.unit_value[token]
            if last_unit is not None and unit >= last_unit or after_zero and unit * 100 > last_unit:
                return None
            if digit is None:  # 十五 = 15; a bare 百/千 only multiplies a larger unit (百万)
                # Inside a number a bare 十 follows 百 or 零 only: 一百十六 = 116, 一千零十 = 1010.
                inner_ten = unit == 10 and (after_zero or last_unit == 100)
                if i and not inner_ten or not i and not (unit == 10 or as_multiplier):
                    return None
                digit = ("digit", Fraction(1), Fraction(1), "")
            kind, d_low, d_high, rule = digit
            if kind == "vague":
                d_low, d_high = map(Fraction, rule.as_multiplier)
            low, high, last_unit, digit, after_zero = low + d_low * unit, high + d_high * unit, unit, None, False
        elif token == _T.zero:
            if digit is not None or last_unit is None or after_zero:
                return None
            after_zero = True
        elif token in _T.digit_value:
            value = Fraction(_T.digit_value[token])
            if digit is None:
                digit = ("digit", value, value, token)
            elif digit[0] == "digit" and digit[3] + token in _T.pairs:  # 两三, 七八
                digit = ("pair", *_T.pairs[digit[3] + token], token)
            else:
                return None
        elif digit is not None:
            return None
        elif token in _T.vague:
            digit = ("vague", None, None, _T.vague[token])
        else:  # an Arabic number; one digit of it may stand after a unit like a Chinese one
            value = Fraction(token.replace(",", ""))
            digit = ("arabic" if len(token) > 1 else "digit", value, value, "")
    if digit is None:
        return (low, high) if last_unit is not None and not after_zero else None
    kind, d_low, d_high, rule = digit
    if kind == "vague":  # 十几 = 11-19; a bare 几 only multiplies a larger unit (几万)
        bounds = rule.as_last_digit if last_unit is not None else rule.as_multiplier if as_multiplier else None
        if bounds is None:
            return None
        d_low, d_high = map(Fraction, bounds)
    if last_unit is not None and last_unit > 10 and not after_zero and kind != "arabic":
        d_low, d_high = d_low * last_unit / 10, d_high * last_unit / 10  # 三百二 = 320
    elif after_zero and last_unit < 100 or last_unit is not None and d_high >= last_unit:
        return None
    return low + d_low, high + d_high


def _value(s: str, as_multiplier: bool = False) -> Range | None:
    """A numeral with any units: large ones split it, 一亿零五百 = 一 × 亿 + 五百."""
    for unit_char, unit in _T.large_units:
        at = s.rfind(unit_char)
        if at < 0:
            continue
        left, right = s[:at], s[at + 1:]
        if not left or unit_char in left and not left.endswith(unit_char):  # 亿亿 nests, 一亿二亿 no
            return None
        multiplier = _value(left, as_multiplier=True)
        rest = _below(right, unit) if right else (Fraction(0), Fraction(0))
        if multiplier is None or rest is None:
            return None
        return multiplier[0] * unit + rest[0], multiplier[1] * unit + rest[1]
    if _T.point in s:  # 三点五: the digits after the point are read one by one
        whole, decimals = s.split(_T.point, 1)
        whole_value = Fraction(0) if whole == _T.zero else _exact(_section(whole, False))
        if whole_value is None or not _T.digit_run_re.fullmatch(decimals):
            return None
        value = whole_value + Fraction(int(decimals.translate(_T.digits_to_ascii)), 10 ** len(decimals))
        return value, value
    return _section(s, as_multiplier)


def _below(right: str, unit: int) -> Range | None:
    """What follows a large unit: less than it, less than a tenth of it after 零."""
    if right.startswith(_T.zero):
        if right[1:2] in ("", _T.zero):
            return None
        found, limit = _value(right[1:]), unit // 10
    elif _T.bare_digit_re.fullmatch(right):  # 两万三 = 23000, 一亿五 = 150000000
        found = _section(right, as_multiplier=True)
        return None if found is None else (found[0] * unit / 10, found[1] * unit / 10)
    else:
        found, limit = _value(right), unit
    return found if found is not None and found[1] < limit else None


@functools.lru_cache(maxsize=1 << 16)
def _parse(text: str, as_multiplier: bool = False) -> Range | None:
    """The value range of a complete numeral string (low == high when exact)."""
    if not text or len(text) > MAX_NUMERAL_CHARS:
        return None
    s = _T.folded(text)
    if sign := _T.sign_re.match(s):  # -12.9, −12.9, 负十二点九, 零下五
        rest = s[sign.end():]
        found = _parse(rest, as_multiplier) if rest and not _T.sign_re.match(rest) else None
        return None if found is None else (-found[1], -found[0])
    if _T.spaced_re.fullmatch(s):  # 1 000, 12 500.5: thousands set apart by spaces
        s = "".join(s.split())
    if s in _T.not_amounts:
        return None
    if s == _T.zero:
        return Fraction(0), Fraction(0)
    if len(s) >= 3 and _T.digit_run_re.fullmatch(s):  # 二〇二四 = 2024: three or more digits, no units
        value = Fraction(int(s.translate(_T.digits_to_ascii)))
        return value, value
    if match := _T.arabic_fraction_re.fullmatch(s):
        numerator, denominator = int(match[1]), int(match[2])
        return None if denominator == 0 else (Fraction(numerator, denominator),) * 2
    if _T.fraction_marker in s:  # 五分之一: the denominator comes first
        whole = Fraction(0)
        if _T.mixed_marker in s:  # 一又二分之一 = 1 + 1/2
            whole_text, s = s.split(_T.mixed_marker, 1)
            whole = _exact(_value(whole_text))
            if whole is None or _T.mixed_marker in s:
                return None
        denominator_text, numerator_text = s.split(_T.fraction_marker, 1)
        denominator, numerator = _exact(_value(denominator_text)), _exact(_value(numerator_text))
        if not denominator or numerator is None or whole and numerator >= denominator:
            return None
        return (whole + numerator / denominator,) * 2
    return _value(s, as_multiplier)


def parse_number(text: str) -> Fraction | None:
    """The exact value of a complete numeral (1.35亿, 三千五百万, 五分之一), else None."""
    return _exact(_parse(text)) if isinstance(text, str) else None


def parse_vague(text: str) -> tuple[Fraction, Fraction] | None:
    """The (low, high) range of a complete vague numeral (十几, 数百万, 三四十), else None.

    Exact numerals are not vague: they give None here (use parse_number)."""
    found = _parse(text) if isinstance(text, str) else None
    return found if found is not None and found[0] != found[1] else None


def parse_percent_words(text: str) -> Fraction | None:
    """A percentage written in words, in percent: 百分之四十 → 40, 七成五 → 75, 千分之五 → 1/2."""
    if not isinstance(text, str) or not text or len(text) > MAX_NUMERAL_CHARS:
        return None
    s = _T.folded(text)
    for prefix, denominator in _T.percent_words:
        if s.startswith(prefix):  # 百分之百: a bare 百 reads as 100 here
            share = _exact(_value(s[len(prefix):], as_multiplier=True))
            return None if share is None else share * 100 / denominator
    if match := _T.tenths_re.fullmatch(s):
        tenths = _exact(_section(match[1], as_multiplier=False))
        if tenths is None or not 0 < tenths <= 10 or match[2] and (tenths == 10 or tenths.denominator != 1):
            return None
        return tenths * 10 + (_T.digit_value[match[2]] if match[2] else 0)
    if match := _T.discount_re.fullmatch(s):  # 八五折 = 85 %, 7.5折 = 75 %
        if match[3]:
            return Fraction(match[3]) * 10
        return _T.digit_value[match[1]] * 10 + (_T.digit_value[match[2]] if match[2] else 0)
    return None


@functools.lru_cache(maxsize=1 << 16)
def _numeral_fields(text: str, as_multiplier: bool) -> tuple[Fraction | None, Fraction | None, Fraction | None] | None:
    """(value, low, high) of a Numeral for a numeral string (value when exact), None if it does not parse."""
    found = _parse(text, as_multiplier)
    if found is None:
        return None
    low, high = found
    return (low, None, None) if low == high else (None, low, high)


NumeralFields = tuple[int, int, str, Fraction | None, Fraction | None, Fraction | None]


def numeral_fields(text: str) -> list[NumeralFields]:
    """What numeral_spans finds, as plain tuples of the Numeral fields (start, end, text,
    value, low, high): for hot loops that build their own records."""
    found: list[NumeralFields] = []
    for match in _T.numeral_scan_re.finditer(text) if isinstance(text, str) else ():
        start, end = match.span()
        # The 千 of 千瓦 belongs to the unit: 1.35亿千瓦 → 1.35亿, 一千瓦 → 一. What is left
        # multiplies that unit, so a bare 几/数 counts there (几千瓦 = 几 × 千瓦).
        gave_back = text[end - 1] in _T.qian and text[end:end + 1] in _T.after_qian
        end -= gave_back
        numeral = text[start:end]
        if (fields := _numeral_fields(numeral, gave_back)) is not None:
            found.append((start, end, numeral, *fields))
    return found


def numeral_spans(text: str) -> list[Numeral]:
    """Every numeral in running text, left to right; candidates that do not parse are dropped.

    Units and qualifiers around a numeral are the caller's business (九成, 20多个); so are
    percentages in words, whose number is also found here (百分之四十: see percent_word_spans)."""
    return [Numeral(*fields) for fields in numeral_fields(text)]


def percent_word_spans(text: str) -> list[Numeral]:
    """Percentages written in words (百分之四十, 九成), values in percent."""
    if not isinstance(text, str) or not _T.percent_cue_re.search(text):
        return []
    matches = _T.percent_scan_re.finditer(text)
    return [Numeral(m.start(), m.end(), m.group(), value) for m in matches
            if (value := parse_percent_words(m.group())) is not None]
