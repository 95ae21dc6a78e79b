"""Kinds of claim and their sign (docs/gold-format.md, Claims; words: ``rules/claims.yaml``).

The kind word that ends last before the amount in its clause decides: a change (增长,
上涨, 回升 …; 下降, 调减 … make it negative), a share (占比, 比重, 贡献率 …), a comparison
with another amount (低于/慢于…个百分点: a negative level), else a level. Words that hold a
change word but name an amount (增加值: value added) are levels. A rank amount is a rank.
The later items of a list (增长分别为2%、1.6%和2.5%) keep the kind of the first.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import regex

from .model import Quantity
from .rules import RuleEntry, alternation, load_fields
from .bmp_regex import compiled_alike


class KindRules(RuleEntry):
    change_words: list[str]
    change_amounts: list[str]
    negative_change_words: list[str]
    share_words: list[str]
    level_after_change: list[str]
    level_words: list[str]
    share_after: str
    list_verbs: list[str]
    comparison_higher: list[str]
    comparison_lower: list[str]
    gap_before_amount: dict[str, int]
    comparison_base: list[str]
    list_joiners: str


@dataclass(frozen=True)
class _Compiled:
    rules: KindRules
    kind_words: regex.Pattern  # every kind word, for one scan per clause
    any_kind_word: re.Pattern  # the same words, for the standard library's faster search: does a clause hold one?
    kind_of_word: dict[str, tuple[int, str, int]]  # word → (rank in the rules' order, kind, sign)
    joiners: regex.Pattern
    share_after: re.Pattern | regex.Pattern  # (see compiled_alike)


@functools.cache
def _compiled() -> _Compiled:
    rules = load_fields("claims.yaml", KindRules)
    kind_of_word: dict[str, tuple[int, str, int]] = {}
    negative = tuple(rules.negative_change_words)
    # Level words first (增加值 over 增加), then changes, then shares, then comparisons:
    # the first listing of a word decides a tie.
    for kind, vocabulary in (("level", rules.level_words), ("change", rules.change_words),
                             ("share", rules.share_words), ("compare+", rules.comparison_higher),
                             ("compare-", rules.comparison_lower)):
        for word in vocabulary:
            sign = -1 if kind == "compare-" or (kind == "change" and any(n in word for n in negative)) else 1
            kind_of_word.setdefault(word, (len(kind_of_word), kind, sign))
    return _Compiled(rules=rules, kind_words=regex.compile(alternation(kind_of_word)),
                     any_kind_word=re.compile(alternation(kind_of_word) if kind_of_word else "(?!)"), kind_of_word=kind_of_word,
                     joiners=regex.compile(f"[{rules.list_joiners}\\s]*"), share_after=compiled_alike(rules.share_after))


def load_rules() -> None:
    _compiled()


def kind_and_sign(clause_before: str, quantity: Quantity, after: str = "", governing: str = "") -> tuple[str, int]:
    """The kind of the claim whose clause reads ``clause_before`` up to the amount, and the
    sign its value takes (-1 for a fall, or a gap below another amount). ``after``: the
    text right after the amount; ``governing``: the first item of a 、-list the amount's
    item belongs to (新增饭店16家、民宿638家: the verb of the first item governs the rest)."""
    c = _compiled()
    if quantity.unit == "rank":
        return "rank", 1
    if quantity.text in c.rules.change_amounts:
        return "change", 1
    best = _last_kind_word(clause_before)
    if best is None and governing and not any(v in clause_before for v in c.rules.list_verbs):
        best = _last_kind_word(governing)
        if best is not None and best[3] not in ("change", "share"):
            best = None
        clause_before = governing if best is not None else clause_before
    stripped = clause_before.rstrip()
    if stripped[-1:] in c.rules.gap_before_amount and any(w in stripped for w in c.rules.comparison_base) \
            and (best is None or best[0] < len(stripped)):  # (not the 高 of 提高)
        return "level", c.rules.gap_before_amount[stripped[-1]]  # 比全国低3.2个百分点 → -3.2
    share_of_people = quantity.unit == "%" and c.share_after.match(after) is not None  # 7%的民众
    if best is None:
        return ("share" if share_of_people else "level"), 1
    end, _, _, kind, sign, word = best
    if kind.startswith("compare"):
        # 低于全国3.2个百分点: a gap to another amount is a level, negative when below; the
        # amount compared with (低于全国平均水平的8.1%) is a plain level of its own.
        return "level", 1 if stripped.endswith(("的", "为", "為")) else sign
    if kind == "change" and (any(clause_before.startswith(w, end) for w in c.rules.level_after_change)
                             or stripped.endswith(tuple(c.rules.level_after_change))):
        # 增至1700亿元, 下降4.93%至14.69亿元: the new level — of a share when the clause
        # measures one (比重从17.9%提升到35.5%)
        shares = [m for m in c.kind_words.finditer(clause_before, overlapped=True)
                  if c.kind_of_word[m.group()][1] == "share"]
        return ("share" if shares or share_of_people else "level"), 1
    return kind, sign


def _last_kind_word(text: str) -> tuple[int, int, int, str, int, str] | None:
    """The kind word that ends last in ``text`` (增加值 ends after its 增加); on a tie, the
    longest (同比增长 over 增长), then the first listed: (end, length, -rank, kind, sign, word)."""
    c = _compiled()
    if c.any_kind_word.search(text) is None:  # (most clauses hold none: one search, not an overlapped scan)
        return None
    best = None
    for match in c.kind_words.finditer(text, overlapped=True):
        rank, kind, sign = c.kind_of_word[match.group()]
        candidate = (match.end(), len(match.group()), -rank, kind, sign, match.group())
        if best is None or candidate[:3] > best[:3]:
            best = candidate
    return best


def continues_a_list(between: str) -> bool:
    """Whether the text between two amounts only joins items of one list (、, 和, 及)."""
    return bool(between) and _compiled().joiners.fullmatch(between) is not None
