"""Rule patterns written for the third-party ``regex`` in the standard library's ``re``,
for text of the Basic Multilingual Plane: the same matches, from a compiled search a fifth
the size of regex's, which stays in the processor's caches between the stages; and the
characters a pattern's match can start with (read from the standard library's parse), so
that a search is tried only where one can start; the characters every match holds, so
that a text without them is refuted by one search of a character; and the words every match
holds with the widest match, so that a pattern is searched only near those words.

A text with a character beyond the plane (BEYOND_BMP) is searched by regex: the classes are
written out over the plane only, so as to cost little at start-up."""
from __future__ import annotations

import functools
import re

import regex

try:  # the standard library's parser of regular expressions (regex has none to ask), to read
    # which characters an expression can start with; private, so a Python without it only
    # searches more (every expression at every position of a window)
    import re._constants as _sre
    import re._parser as _sre_parse
except ImportError:
    _sre = _sre_parse = None

# A character beyond the Basic Multilingual Plane: a text with one is searched by regex.
# (Compiled by regex, which scans a page for a class of characters five times as fast as
# the standard library does.)
BEYOND_BMP = regex.compile("[\U00010000-\U0010ffff]")
_PROPERTY_ESCAPES = (r"\d", r"\s", r"\p{Han}")  # the classes by property the rules use


@functools.cache
def _bmp_classes() -> dict[str, str]:
    """Each class by property as the standard library is to read it (inside […]) so as to
    match what regex matches in the Basic Multilingual Plane: the escape itself where the two
    engines agree there (\\d, in this version), else regex's code points written out (the
    engines' Unicode differs: the standard library's \\s holds \\x1c–\\x1f, regex's not)."""
    plane = "".join(map(chr, range(0x10000)))
    classes = {}
    for escape in _PROPERTY_ESCAPES:  # (a run of matches in the plane's characters is a range)
        runs = [(m.start(), m.end() - 1) for m in regex.finditer(f"{escape}+", plane)]
        if escape[1] in "ds" and runs == [(m.start(), m.end() - 1) for m in re.finditer(f"{escape}+", plane)]:
            classes[escape] = escape  # (shorter: the standard library compiles a long class slowly)
        else:
            classes[escape] = "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in runs)
    return classes


# A pattern's pieces for for_re: a class by property, an escape, a named group's opening,
# another group's, [ or ], a quantifier, a character.
_PIECE = re.compile(r"\\p\{\w+\}|\\.|\(\?P<\w+>|\(\?(?:[:=!]|<[=!])?|\[\^?|\]|\{[^}]*\}|.", re.DOTALL)
_QUANTIFIER = re.compile(r"\{\d*,?\d*\}")


def for_re(pattern: str, prefix: str | None) -> tuple[str, list[str]] | None:
    """``pattern`` (regex's syntax) in the standard library's, matching the same strings in a
    text of the Basic Multilingual Plane, and the names of its groups: each class by property
    written out as regex reads it; the n-th named group renamed ``<prefix><n>`` (the standard
    library refuses a name given twice), or kept without a prefix. None for any other
    syntax, which the two engines may read otherwise (then regex runs)."""
    classes = _bmp_classes()
    out: list[str] = []
    names: list[str] = []
    in_class = class_opened = False
    for piece in _PIECE.findall(pattern):
        if class_opened and piece == "]":
            return None  # []…]: a literal ] first, read otherwise below
        class_opened = False
        if piece in classes:
            out.append(classes[piece] if in_class else f"[{classes[piece]}]")
        elif piece.startswith("\\"):
            if piece[1].isalnum() and piece[1] not in "ntrf":  # \w, \b, another property, \1, \u4e00 …
                return None
            out.append(piece)  # an escaped punctuation mark or \n, \t …: the same character
        elif in_class:
            if piece == "]":
                in_class = False
            elif piece.startswith("["):
                return None  # (a set inside a set, regex's syntax of version 1)
            out.append(piece)  # (the rest is literal in a class)
        elif piece.startswith("["):
            in_class = class_opened = True
            out.append(piece)
        elif piece.startswith("(?P<"):
            out.append(piece if prefix is None else f"(?P<{prefix}{len(names)}>")
            names.append(piece[4:-1])
        elif piece == "(?":  # a flag, an atomic group, a branch reset, regex's (?<name> …
            return None
        elif piece.startswith("{") and len(piece) > 1 and not _QUANTIFIER.fullmatch(piece):
            return None  # {e<=1}: regex's fuzzy matching
        else:
            out.append(piece)
    return None if in_class else ("".join(out), names)


def compiled_for_re(pattern: str) -> re.Pattern | None:
    """``pattern`` compiled by the standard library (for_re, its names kept), or None."""
    translated = for_re(pattern, None)
    try:
        return None if translated is None else re.compile(translated[0])
    except re.error:  # (a name given twice, a lookbehind of no fixed width)
        return None


def first_characters(pattern: str) -> frozenset[str] | None:
    """The characters a match of ``pattern`` (the standard library's syntax) can start with,
    read from the standard library's parse of it; None when that is not known (a match that
    can be empty, a first item the parse does not spell out, a Python without the parser)."""
    if _sre_parse is None:
        return None
    try:
        first, can_be_empty = _first_of(_sre_parse.parse(pattern))
    except _sre.error:
        return None
    return None if first is None or can_be_empty else frozenset(first)


def _is_plain_class(items) -> bool:
    """A parsed class […] of characters and ranges only (no negation, no category)."""
    return all(op in (_sre.LITERAL, _sre.RANGE) for op, _ in items)


def _class_members(items) -> set[str]:
    """The characters of a plain class (see _is_plain_class)."""
    members: set[str] = set()
    for op, arg in items:
        members |= {chr(arg)} if op is _sre.LITERAL else {chr(x) for x in range(arg[0], arg[1] + 1)}
    return members


def _first_of(items) -> tuple[set[str] | None, bool]:
    """(the characters a sequence of parsed items can start with, or None for not known;
    whether it can match nothing)."""
    first: set[str] = set()
    for op, arg in items:
        if op in (_sre.ASSERT, _sre.ASSERT_NOT, _sre.AT):  # zero width: the next item starts
            continue
        if op is _sre.LITERAL:
            item, empty = {chr(arg)}, False
        elif op is _sre.IN and _is_plain_class(arg):
            item, empty = _class_members(arg), False
        elif op is _sre.SUBPATTERN and not (arg[1] or arg[2]):  # (a group that sets no flag)
            item, empty = _first_of(arg[-1])
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT):
            item, empty = _first_of(arg[-1])
            empty = empty or arg[0] == 0
        elif op is _sre.BRANCH:
            item, empty = set(), False
            for branch in arg[1]:
                branch_first, branch_empty = _first_of(branch)
                if branch_first is None:
                    return None, False
                item, empty = item | branch_first, empty or branch_empty
        else:
            return None, False
        if item is None:
            return None, False
        first |= item
        if not empty:
            return first, False
    return first, True


def compiled_alike(pattern: str) -> re.Pattern | regex.Pattern:
    """``pattern`` (regex's syntax) compiled by the standard library when that reads it as
    regex does in any text (for_re gives it back unchanged: literal characters and
    classes, groups, look-arounds and quantifiers only), whose engine matches a short text
    about twice as fast; else by regex."""
    translated = for_re(pattern, None)
    if translated is not None and translated[0] == pattern:
        try:
            return re.compile(pattern)
        except re.error:  # (a lookbehind of no fixed width)
            pass
    return regex.compile(pattern)


class BothEngines:
    """A pattern compiled by regex, and by the standard library where for_re translates it
    (about three times as fast: a text of the Basic Multilingual Plane only)."""

    __slots__ = ("_regex", "_bmp")

    def __init__(self, pattern: str):
        self._regex = regex.compile(pattern)
        self._bmp = compiled_for_re(pattern) or self._regex

    def for_text(self, in_bmp: bool) -> re.Pattern | regex.Pattern:
        """The compiled pattern to search a text with: ``in_bmp``, whether it lies in the plane."""
        return self._bmp if in_bmp else self._regex


def in_bmp(text: str) -> bool:
    return BEYOND_BMP.search(text) is None


_PROPERTY_CLASS = re.compile(r"(?<!\\)\\[pP](?:\{[^}]*\}|[A-Za-z])")  # \p{Han}, \PL (not after a backslash)


def characters_every_match_holds(pattern: str) -> set[str]:
    """The literal characters of a pattern outside optional parts, and those that all the
    branches of an alternative hold, read from the standard library's parse of the
    pattern. Any other construct adds nothing, so the set can only be too small. (The one
    regex syntax that parser reads otherwise without an error, fuzzy matching such as
    (?:2024年){e<=1}, is not used by the rules.)"""
    if _sre_parse is None:  # another Python: nothing known, every text is searched
        return set()
    try:
        # (a property class, \p{Han}, is regex-only syntax; read as any character, it holds nothing)
        parsed = _sre_parse.parse(_PROPERTY_CLASS.sub(".", pattern))
    except _sre.error:  # other regex-only syntax: nothing known
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


def literal_runs(pattern: str, most: int = 64) -> list[frozenset[str]]:
    """The runs of ``pattern``'s items (the standard library's syntax; at its top level)
    that each match one of a few strings: literal characters, a class of a few, an
    alternative or an optional part of such. For each run, the strings it can match
    (at most ``most``), less any that holds another of them: every match of the pattern
    holds one of each run's strings. Read from the standard library's parse; none for a
    pattern it refuses or reads case-blind, or a Python without the parser."""
    if _sre_parse is None:
        return []
    try:
        parsed = _sre_parse.parse(pattern)
    except _sre.error:
        return []
    if parsed.state.flags & _sre.SRE_FLAG_IGNORECASE:
        return []
    runs: list[frozenset[str]] = []
    run = None  # the strings of the run so far
    for item in [*parsed, None]:  # (None: the end, which closes the last run)
        strings = None if item is None else _strings_of([item], most)
        if strings is not None and run is not None:
            joined = {a + b for a in run for b in strings}
            if len(joined) <= most:
                run = joined
                continue
        if run is not None and "" not in run:  # (the run ends before this item)
            runs.append(frozenset(s for s in run if not any(t != s and t in s for t in run)))
        run = strings
    return runs


def _strings_of(items, most: int) -> set[str] | None:
    """The strings a sequence of parsed items can match, or None: not a few strings."""
    out = {""}
    for op, arg in items:
        if op is _sre.LITERAL:
            strings = {chr(arg)}
        elif op is _sre.IN and _is_plain_class(arg):
            if sum(1 if o is _sre.LITERAL else a[1] - a[0] + 1 for o, a in arg) > most:
                return None
            strings = _class_members(arg)
        elif op is _sre.SUBPATTERN and not (arg[1] or arg[2]):  # (a group that sets no flag)
            strings = _strings_of(arg[-1], most)
        elif op is _sre.BRANCH:
            strings = set()
            for branch in arg[1]:
                branch_strings = _strings_of(branch, most)
                if branch_strings is None:
                    return None
                strings |= branch_strings
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT) and arg[1] == 1:  # x? (or x{1}, x{0,1})
            strings = _strings_of(arg[-1], most)
            if strings is not None and arg[0] == 0:
                strings = strings | {""}
        else:
            return None
        if strings is None or len(strings) > most:
            return None
        out = {a + b for a in out for b in strings}
        if len(out) > most:
            return None
    return out


def widest_match(pattern: str) -> int | None:
    """The most characters a match of ``pattern`` (the standard library's syntax) can span;
    None when that is not bounded or not known, or when the pattern looks beyond its match
    (a look-around, an anchor, a word boundary, a group reference, a flag): then a search
    of a stretch of a text may find what the search of the whole text would not."""
    if _sre_parse is None:
        return None
    try:
        parsed = _sre_parse.parse(pattern)
    except _sre.error:
        return None
    if parsed.state.flags & ~_sre.SRE_FLAG_UNICODE or not _looks_only_at_its_match(parsed):
        return None
    widest = parsed.getwidth()[1]
    return None if widest >= _sre.MAXREPEAT else widest


def _looks_only_at_its_match(items) -> bool:
    for op, arg in items:
        if op in (_sre.LITERAL, _sre.NOT_LITERAL, _sre.IN, _sre.ANY):
            continue
        if op is _sre.SUBPATTERN and not (arg[1] or arg[2]):
            ok = _looks_only_at_its_match(arg[-1])
        elif op is _sre.BRANCH:
            ok = all(_looks_only_at_its_match(branch) for branch in arg[1])
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT):
            ok = _looks_only_at_its_match(arg[-1])
        else:  # AT, ASSERT, ASSERT_NOT, GROUPREF, a possessive or atomic part …
            return False
        if not ok:
            return False
    return True
