"""Cleaning: raw page text → paragraphs, headings and dropped boilerplate.

Cleaning never rewrites characters. It cuts the page into paragraphs (one per non-empty
line), drops what is not article text (bylines, captions, credits, markers, duplicates),
cuts datelines and closing signatures off paragraphs, and joins paragraphs that a column
break split in two. Each kept paragraph is a list of raw slices, so every later offset
maps back to the input. The patterns are data: ``rules/clean.yaml``.
"""
from __future__ import annotations

import functools
import itertools
import re
import sys
import unicodedata
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

import regex
from pydantic import Field

from .bmp_regex import BEYOND_BMP
from .model import Dropped
from .rules import RuleEntry, load_entries, load_section
from .segment import word_crosses
from .sentences import split_sentences


class BoilerplateRule(RuleEntry):
    name: str
    reason: str
    scope: Literal["paragraph", "prefix", "suffix"]
    pattern: str
    max_chars: int | None = None
    note: str | None = None


class HeadingRules(RuleEntry):
    markdown: str
    bracket_label: str
    max_title_chars: int
    max_headline_chars: int
    sentence_final: str
    title_final: str


class JoinRules(RuleEntry):
    min_cut_chars: int
    dangling_final: str
    continuation_initial: str
    clause_marks: str
    date_start: str


class DuplicateRules(RuleEntry):
    min_paragraph_chars: int
    near_duplicate_jaccard: float = Field(gt=0, le=1)
    near_duplicate_window: int = Field(gt=0)
    min_sentence_chars: int


class CaptionRules(RuleEntry):
    gallery_min_blank_lines: int
    gallery_max_chars: int
    credit_only: str


class ClosingRules(RuleEntry):
    signature: str
    date_line: str


@dataclass(frozen=True)
class CleanRules:
    boilerplate: tuple[tuple[BoilerplateRule, regex.Pattern], ...]
    # for each boilerplate rule, the longest text it can apply to (a paragraph rule's
    # max_chars, else no limit): most paragraphs are longer than most rules' limits
    boilerplate_reach: tuple[int, ...]
    headings: HeadingRules
    markdown_re: regex.Pattern
    bracket_re: regex.Pattern
    joins: JoinRules
    duplicates: DuplicateRules
    captions: CaptionRules
    credit_only_re: regex.Pattern
    signature_re: regex.Pattern
    date_line_re: regex.Pattern


@functools.cache
def clean_rules() -> CleanRules:
    rules = load_entries("clean.yaml", "boilerplate", BoilerplateRule)
    headings = load_section("clean.yaml", "headings", HeadingRules)
    captions = load_section("clean.yaml", "captions", CaptionRules)
    closing = load_section("clean.yaml", "closing", ClosingRules)
    return CleanRules(
        boilerplate=tuple((r, regex.compile(r.pattern)) for r in rules),
        boilerplate_reach=tuple(r.max_chars if r.scope == "paragraph" and r.max_chars is not None else sys.maxsize
                                for r in rules),
        headings=headings,
        markdown_re=regex.compile(headings.markdown),
        bracket_re=regex.compile(headings.bracket_label),
        joins=load_section("clean.yaml", "joins", JoinRules),
        duplicates=load_section("clean.yaml", "duplicates", DuplicateRules),
        captions=captions,
        credit_only_re=regex.compile(captions.credit_only),
        signature_re=regex.compile(closing.signature),
        date_line_re=regex.compile(closing.date_line),
    )


_LINE = regex.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
_STRIP = " \t\u3000\u00a0\ufeff\r\n"
_CLOSERS = "”’」』）)】》\"'"


@dataclass
class Para:
    """A raw paragraph, then a kept paragraph: its text is the concatenation of ``pieces``."""

    pieces: list[tuple[int, int]]  # raw (start, end) slices
    text: str
    blanks_before: int = 0
    blanks_after: int = 0
    block: int = 0  # paragraphs with no blank line between them share a block
    kind: Literal["body", "heading", "title", "dropped"] = "body"
    level: int = 0
    dropped_reason: str | None = None
    after_dateline: bool = False  # a dateline was cut off its start: an article begins here
    cell: bool = False  # a table cell of a web page: stands alone
    # A kept body paragraph's sentences (offsets in ``text``) and their content keys, found
    # before duplicates are looked for: the paragraph's own key is joined from them.
    sentences: list[tuple[int, int]] = field(default_factory=list)
    sentence_keys: list[str] = field(default_factory=list)

    @property
    def raw_start(self) -> int:
        return self.pieces[0][0]

    @property
    def raw_end(self) -> int:
        return self.pieces[-1][1]


@dataclass
class Cleaned:
    paragraphs: list[Para]
    dropped: list[Dropped] = field(default_factory=list)
    datelines: list[str] = field(default_factory=list)
    bylines: list[str] = field(default_factory=list)


def split_paragraphs(raw: str) -> list[Para]:
    """One paragraph per non-empty line, with the blank lines around it counted."""
    paras: list[Para] = []
    blanks = 0
    block = 0
    for match in _LINE.finditer(raw):
        line = match.group()
        if not line:
            break
        content = line.strip(_STRIP)
        if not content:
            blanks += 1
            if paras:
                paras[-1].blanks_after += 1
            continue
        if blanks:
            block += 1
        start = match.start() + (len(line) - len(line.lstrip(_STRIP)))
        paras.append(Para([(start, start + len(content))], content, blanks_before=blanks, block=block))
        blanks = 0
    return paras


def clean(raw: str, marked: list[tuple[int, int, str, str]] = ()) -> Cleaned:
    """Clean ``raw``; ``marked`` are (start, end, reason, detail) ranges that the page's
    markup says are not article text (captions, pipeline/markup.py): their paragraphs go."""
    rules = clean_rules()
    result = Cleaned(split_paragraphs(raw))
    marks = iter(sorted(marked))
    mark = next(marks, None)
    for para in result.paragraphs:
        while mark is not None and mark[1] <= para.raw_start:
            mark = next(marks, None)
        inside = mark is not None and mark[0] <= para.raw_start and para.raw_end <= mark[1]
        if inside and mark[2] != "table_cell":
            _drop(result, para, mark[2], mark[3])
            continue
        _classify(para, rules, result)
        if inside and para.kind != "dropped":
            para.cell, para.kind = True, "body"
    _drop_gallery_captions(result, rules)
    _drop_closing_signature(result, rules)
    result.paragraphs = _join(result.paragraphs, rules)
    for para in result.paragraphs:
        if para.kind == "body":
            para.sentences = split_sentences(para.text)
    _drop_duplicate_paragraphs(result, rules)
    result.paragraphs = [p for p in result.paragraphs if p.kind != "dropped"]
    return result


def _drop(result: Cleaned, para: Para, reason: str, detail: str | None = None) -> None:
    para.kind = "dropped"
    para.dropped_reason = reason
    result.dropped.append(Dropped(text=para.text, reason=reason, raw_start=para.raw_start, raw_end=para.raw_end,
                                  detail=detail, pieces=list(para.pieces) if len(para.pieces) > 1 else None))
    if reason == "byline":
        result.bylines.append(para.text)
    elif reason == "dateline":
        result.datelines.append(para.text)


def _classify(para: Para, rules: CleanRules, result: Cleaned) -> None:
    heading = rules.markdown_re.match(para.text)
    if heading:
        marks, title = heading.group(1), heading.group(2)
        offset = heading.start(2) if title else len(para.text)
        start = para.raw_start + offset
        para.pieces = [(start, start + len(title))]
        para.text, para.kind, para.level = title, "heading", len(marks)
        if not title:
            _drop(result, para, "ornament", "empty heading")
        return
    length = len(para.text)
    for (rule, pattern), reach in zip(rules.boilerplate, rules.boilerplate_reach):
        if length > reach:
            continue  # (a paragraph rule's max_chars)
        if rule.scope == "paragraph":
            if pattern.match(para.text):
                _drop(result, para, rule.reason, rule.name)
                return
            continue
        match = pattern.search(para.text)
        if not match or match.end() == match.start():
            continue
        start, end = para.raw_start, para.raw_end
        cut = match.group().strip(_STRIP)  # the record's range is the cut without the space around it
        cut_start = start + match.start() + len(match.group()) - len(match.group().lstrip(_STRIP))
        result.dropped.append(Dropped(text=cut, reason=rule.reason, raw_start=cut_start,
                                      raw_end=cut_start + len(cut), detail=rule.name))
        if rule.reason == "dateline":
            result.datelines.append(match.group().strip(_STRIP))
            para.after_dateline = rule.scope == "prefix"
        if rule.scope == "prefix":
            para.text = para.text[match.end():].lstrip(_STRIP)
            para.pieces = [(end - len(para.text), end)]
        else:
            para.text = para.text[: match.start()].rstrip(_STRIP)
            para.pieces = [(start, start + len(para.text))]
        if not para.text:
            para.kind, para.dropped_reason = "dropped", rule.reason
            return
        length = len(para.text)
    if rules.bracket_re.match(para.text):
        para.kind = "heading"
        para.level = 7
    elif not _ends_sentence(para.text, rules) and (
            len(para.text) <= rules.headings.max_title_chars
            or len(para.text) <= rules.headings.max_headline_chars
            and not any(c in rules.joins.clause_marks for c in para.text)):
        para.kind = "title"  # or a paragraph cut by a column break: decided when joining


def _ends_sentence(text: str, rules: CleanRules) -> bool:
    core = text.rstrip(_CLOSERS)
    return bool(core) and core[-1] in rules.headings.sentence_final


def _drop_closing_signature(result: Cleaned, rules: CleanRules) -> None:
    """The author's name alone on the last line, or right above a closing date line."""
    kept = [p for p in result.paragraphs if p.kind != "dropped"]
    if len(kept) < 3:
        return
    last = kept[-1]
    date = last if rules.date_line_re.match(last.text) else None
    name = kept[-2] if date else last
    before = kept[kept.index(name) - 1]
    if not (rules.signature_re.match(name.text) and name.kind == "title" and before.kind == "body"
            and _ends_sentence(before.text, rules)):
        return
    _drop(result, name, "signature", "author's name closing the article")
    if date:
        _drop(result, date, "dateline", "date closing the article")


def _drop_gallery_captions(result: Cleaned, rules: CleanRules) -> None:
    """Captions travel in groups: blocks that hold a credit line, and uncredited neighbours."""
    paras = result.paragraphs
    for i, para in enumerate(paras):
        # A credit standing alone under its caption text: the text above is the caption,
        # and a title whose section holds nothing but that picture is the picture's title.
        if not (para.dropped_reason == "caption" and rules.credit_only_re.match(para.text) and i):
            continue
        text = paras[i - 1]
        if text.kind == "dropped" or len(text.text) > rules.captions.gallery_max_chars * 3:
            continue
        _drop(result, text, "caption", "caption text above its credit line")
        title = paras[i - 2] if i >= 2 else None
        after = paras[i + 1] if i + 1 < len(paras) else None
        if title and title.kind == "title" and (after is None or after.kind in ("heading", "title")):
            _drop(result, title, "caption", "title of a stand-alone picture")
    gap = rules.captions.gallery_min_blank_lines
    for i, para in enumerate(paras):
        if para.kind == "dropped" or len(para.text) > rules.captions.gallery_max_chars:
            continue
        if para.blanks_before < gap or para.blanks_after < gap:
            continue
        neighbours = [paras[j] for j in (i - 1, i + 1) if 0 <= j < len(paras)]
        if any(n.dropped_reason == "caption" and n.blanks_before >= gap for n in neighbours):
            _drop(result, para, "caption", "uncredited caption in a photo gallery")


def _join(paras: list[Para], rules: CleanRules) -> list[Para]:
    """Re-join paragraphs cut by a column break, also across a heading set in between."""
    out: list[Para] = []
    i = 0
    while i < len(paras):
        para = paras[i]
        if para.kind in ("body", "title") and not para.cell:
            while True:
                j = i + 1
                while j < len(paras) and paras[j].kind in ("dropped", "heading"):
                    j += 1
                if j >= len(paras) or paras[j].kind not in ("body", "title") or paras[j].cell:
                    break
                interposed = j > i + 1
                if not _is_cut(para, paras[j], interposed, rules):
                    break
                nxt = paras[j]
                para.pieces += nxt.pieces
                para.text += nxt.text
                para.kind = "body"
                para.blanks_after = nxt.blanks_after
                out.extend(p for p in paras[i + 1 : j])  # headings/drops between stay in order
                i = j
        if para.kind == "title":
            para.kind = "heading"
        out.append(para)
        i += 1
    return out


_PUNCTUATION = regex.compile(r"\p{P}")


def _is_cut(left: Para, right: Para, interposed: bool, rules: CleanRules) -> bool:
    text, nxt = left.text, right.text
    if right.after_dateline:  # a dateline opens an article: nothing above is its first half
        return False
    if _ends_sentence(text, rules) or text.rstrip(_CLOSERS) != text and left.kind == "title":
        return False
    if text[-1] in rules.headings.title_final:
        return False
    number_cut = text[-1].isdigit() and (nxt[0].isdigit() or nxt[0] in "万亿千百.%")
    # A short line without any punctuation that starts like a sentence reads as a title even
    # when it ends in a particle (亮丽内蒙古是干出来的, 草原的春天来了): its last character is
    # no evidence of a cut.
    title_like = (left.kind == "title" and not _PUNCTUATION.search(text)
                  and text[0] not in rules.joins.continuation_initial)
    if (number_cut
            or (text[-1] in rules.joins.dangling_final and not title_like)
            or nxt[0] in rules.joins.continuation_initial):
        return True
    # Length alone is weak evidence: it joins running text (a clause mark in it) to a
    # paragraph that does not start like an article (a date: 3月5日，…).
    long_enough = len(text) >= rules.joins.min_cut_chars
    if (long_enough and not interposed and right.kind == "body"
            and any(c in rules.joins.clause_marks for c in text)
            and not _date_start(rules.joins.date_start).match(nxt)):
        return True
    # The last evidence, a word of the dictionary across the cut, is asked for last: the
    # segmenter costs most, and the tests above decide most cuts (either way, one of them
    # is enough).
    return word_crosses(text, nxt)


@functools.cache
def _date_start(pattern: str) -> regex.Pattern:
    return regex.compile(pattern)


_NOT_CONTENT = regex.compile(r"[\p{P}\p{Z}\p{S}\s]+")


@functools.cache
def _starter_decompositions() -> tuple[dict[str, str], re.Pattern]:
    """The characters of the blocks Chinese text takes its punctuation from (Latin-1, general
    punctuation to CJK compatibility, full-width forms) whose NFKD is another run of starters
    (，→ ,  ％→ %  …→ ...  ℃→ °C), and a pattern that finds them.

    Replacing such a character by its NFKD leaves the NFKD of the whole text unchanged (no
    combining mark is involved, so nothing reorders), hence its NFKC too; and a text without
    them is usually NFKC already, which unicodedata checks quickly instead of recomposing it.
    """
    table = {}
    for first, last in ((0xA0, 0xFF), (0x2000, 0x33FF), (0xFE30, 0xFE6F), (0xFF00, 0xFFEF)):
        for code in range(first, last + 1):
            char = chr(code)
            decomposed = unicodedata.normalize("NFKD", char)
            if decomposed != char and not unicodedata.combining(char) and not any(map(unicodedata.combining, decomposed)):
                table[char] = decomposed
    return table, re.compile("[" + re.escape("".join(table)) + "]")


@functools.cache
def _not_content_bmp() -> re.Pattern:
    """``_NOT_CONTENT`` for text inside the Basic Multilingual Plane, as an ``re`` class.

    The class lists every BMP character that ``_NOT_CONTENT`` itself matches, so the two
    agree by construction (whatever Unicode version ``regex`` carries); ``re`` tests a BMP
    class against a bitmap, twice as fast as ``regex``'s property lookups on Chinese text.

    The run is written ``[…][…]*``, not ``[…]+``: ``re`` skips ahead to a possible start
    with the class alone only when the pattern begins with it, not with a repeat of it, and
    otherwise starts the whole matcher at every character (``sub`` costs a third more).
    """
    matched = "".join(_NOT_CONTENT.findall("".join(map(chr, range(0x10000)))))  # ascending
    not_content = "[" + _ranges(map(ord, matched)) + "]"
    return re.compile(not_content + not_content + "*")


def _ranges(codes) -> str:
    """Ascending code points as the ranges of an ``re`` character class (without brackets)."""
    ranges: list[list[int]] = []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "".join(re.escape(chr(lo)) + ("-" + re.escape(chr(hi)) if hi > lo else "") for lo, hi in ranges)


@functools.cache
def _needs_normalising() -> re.Pattern:
    """The characters that make NFKC more than a per-character identity for ``content_key``.

    In a text without them, NFKC changes no character that ``content_key`` keeps, and no
    character combines with or reorders around its neighbours, so the key is the text with
    its punctuation, symbols and spaces removed. They are: a character NFKC rewrites, unless
    it and its rewriting are both wholly punctuation, symbols or spaces (，→ , is removed
    either way); a combining mark, or a character that can be the second of a canonical
    composition (Hangul vowels and finals, some Indic vowel signs); and anything beyond the
    Basic Multilingual Plane. (Built once, in about 0.2 s.)
    """
    seconds = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))  # Hangul: composed by algorithm
    for code in range(0x110000):
        decomposition = unicodedata.decomposition(chr(code))
        if decomposition and decomposition[0] != "<" and " " in decomposition:  # canonical, two characters
            seconds.add(int(decomposition.split()[1], 16))

    def needs_normalising(code: int) -> bool:
        char = chr(code)
        normal = unicodedata.normalize("NFKC", char)
        return (code in seconds or unicodedata.combining(char) > 0 or 0xD800 <= code < 0xE000
                or not (normal == char or (_NOT_CONTENT.fullmatch(char) and _NOT_CONTENT.fullmatch(normal))))

    return re.compile("[" + _ranges(filter(needs_normalising, range(0x10000))) + "\U00010000-\U0010FFFF]")


def content_key(text: str) -> str:
    """The text as compared for duplicates: NFKC, without punctuation, symbols and spaces."""
    if _needs_normalising().search(text) is None:  # most text: one pass instead of four
        return _not_content_bmp().sub("", text)
    return _normalised_key(text)


def content_keys(text: str, spans: list[tuple[int, int]]) -> list[str]:
    """``content_key`` of each slice ``text[start:end]`` (a paragraph's sentences).

    Whether a text needs normalising is a property of its characters, so when the whole
    text does not, no slice does: one check instead of one per slice."""
    if _needs_normalising().search(text) is None:
        strip = _not_content_bmp().sub
        return [strip("", text[start:end]) for start, end in spans]
    return [content_key(text[start:end]) for start, end in spans]


def paragraph_keys(text: str, spans: list[tuple[int, int]]) -> tuple[str, list[str]]:
    """``content_key(text)`` and ``content_keys(text, spans)``, for spans that cover the text
    but for white space between them (a paragraph's sentences).

    Most text needs no normalising: its key is then that of its slices joined, since what
    lies between them is white space, which no key holds (unless it is one of the control
    characters that Python calls space, which a key keeps: then the text is read whole)."""
    if _needs_normalising().search(text) is None:
        strip = _not_content_bmp().sub
        keys = [strip("", text[start:end]) for start, end in spans]
        return ("".join(keys) if _kept_spaces().search(text) is None else strip("", text)), keys
    return _normalised_key(text), content_keys(text, spans)


@functools.cache
def _kept_spaces() -> re.Pattern:
    """The characters ``str.isspace`` (so sentence splitting) trims but ``content_key`` keeps
    (U+001C-U+001F), or a pattern that never matches."""
    kept = [chr(c) for c in range(0x10000) if chr(c).isspace() and not _not_content_bmp().fullmatch(chr(c))]
    return re.compile("[" + re.escape("".join(kept)) + "]" if kept else "(?!)")


def _normalised_key(text: str) -> str:
    """``content_key`` by its definition, for any text."""
    table, pattern = _starter_decompositions()
    normal = unicodedata.normalize("NFKC", pattern.sub(lambda m: table[m.group()], text))
    not_content = _NOT_CONTENT if BEYOND_BMP.search(normal) else _not_content_bmp()
    return not_content.sub("", normal)


def _trigrams(key: str) -> set[int | str]:
    """The key's character 3-grams (the key itself when shorter), each as the number whose
    six bytes, low to high, are the low bytes of its three code points, then their high
    bytes (``_trigram_code``), or as a string when it holds a character beyond the BMP (a
    string equals no number).

    The numbers are built in C: the key's UTF-16 bytes are copied by strided slices into
    one 8-byte word per 3-gram, read as 64-bit words. Slicing 3-character strings runs a
    Python loop and makes objects that cost more to hash and free. The low bytes go first
    so that the number's low bits (a set's first probe) mix all three characters: a
    number holding a whole character there makes every 3-gram that starts with the same
    character (，的 …) collide in the set.
    """
    if len(key) < 3:
        return {key}
    codes = _trigram_codes(key)
    if codes is None:
        return {_trigram_code(key[i : i + 3]) for i in range(len(key) - 2)}
    return set(codes)


def _trigram_codes(text: str) -> memoryview | None:
    """The number of each 3-gram of ``text`` (at least 3 characters) as ``_trigrams`` makes
    it, in order, or None when ``text`` holds a character beyond the BMP (or words are read
    the other way). A slice of the codes of joined keys is the codes of one key, so a page's
    keys are coded in one go (3-grams across the joins are never read)."""
    n = len(text)
    units = text.encode("utf-16-le", "surrogatepass")
    if len(units) != 2 * n or sys.byteorder != "little":  # surrogate pairs, or words read the other way
        return None
    words = bytearray(8 * (n - 2))  # (bytes 6 and 7 of each word stay zero)
    last = 2 * n - 4  # where the last 3-gram's first unit starts
    words[0::8], words[1::8], words[2::8] = units[0:last:2], units[2 : last + 2 : 2], units[4::2]  # low bytes
    words[3::8], words[4::8], words[5::8] = units[1:last:2], units[3 : last + 2 : 2], units[5::2]  # high bytes
    return memoryview(words).cast("Q")


def _trigram_code(gram: str) -> int | str:
    """What ``_trigrams`` makes of one 3-gram, for keys it cannot read as words."""
    if max(gram) <= "\uffff":
        a, b, c = map(ord, gram)
        return (a & 255 | (b & 255) << 8 | (c & 255) << 16
                | (a >> 8) << 24 | (b >> 8) << 32 | (c >> 8) << 40)
    return gram


# How many of a paragraph's trigrams are looked up first in each kept paragraph.
_SAMPLE = 32
# Longer paragraphs are not compared for near copies.
_MAX_COMPARED_CHARS = 5000
# Keys are coded together up to about this many characters (a call per batch, not per key;
# 8 bytes of codes per character).
_BATCH_CHARS = 1 << 16


def _coded_in_batches(keys: list[str]) -> Iterator[tuple[memoryview | None, int]]:
    """For each key, the ``_trigram_codes`` of the batch of keys it was joined in and where
    it starts there (codes None: read the key alone with ``_trigrams``). A generator: only
    the batch being read is held."""
    first = 0
    while first < len(keys):
        last, size = first + 1, len(keys[first])
        while last < len(keys) and size + len(keys[last]) <= _BATCH_CHARS:
            size += len(keys[last])
            last += 1
        joined = "".join(keys[first:last])
        codes = _trigram_codes(joined) if len(joined) >= 3 else None
        at = 0
        for key in keys[first:last]:
            yield codes, at
            at += len(key)
        first = last


def _drop_duplicate_paragraphs(result: Cleaned, rules: CleanRules) -> None:
    """Drop later copies of a paragraph, exact or near (shared 3-grams), keeping the first.

    Jaccard ≥ t allows a paragraph only so many trigrams that the other lacks, so a fixed
    sample of its trigrams that misses more of them than that rules the pair out before the
    whole sets are compared: the result is that of comparing every pair, at a fraction of
    the cost (most pairs share almost nothing).

    Exact copies are found anywhere in the page (one dictionary); a near copy only among
    the last ``near_duplicate_window`` paragraphs compared, so that the work grows with
    the page, not with its square (a 20 MB file of a hundred thousand paragraphs)."""
    limits = rules.duplicates
    threshold = limits.near_duplicate_jaccard
    seen: dict[str, int] = {}
    kept: deque[tuple[int, set[int | str], int]] = deque(maxlen=limits.near_duplicate_window)  # (length, trigrams, index)
    bodies = [(index, para) for index, para in enumerate(result.paragraphs) if para.kind == "body"]
    keys = []
    for _, para in bodies:
        key, para.sentence_keys = paragraph_keys(para.text, para.sentences)
        keys.append(key)
    # (the keys compared for near copies, coded a batch at a time)
    coded = _coded_in_batches([k if limits.min_paragraph_chars <= len(k) <= _MAX_COMPARED_CHARS else ""
                               for k in keys])
    for (index, para), key, (codes, key_at) in zip(bodies, keys, coded):
        if len(key) < limits.min_paragraph_chars:
            continue
        if key in seen:
            _drop(result, para, "duplicate", f"copy of paragraph at raw offset {result.paragraphs[seen[key]].raw_start}")
            continue
        seen[key] = index
        if len(key) > _MAX_COMPARED_CHARS:  # near-duplicate search is for ordinary paragraphs
            continue
        grams = _trigrams(key) if codes is None or len(key) < 3 else set(codes[key_at : key_at + len(key) - 2])
        size, gram_count = len(key), len(grams)
        sample = set(itertools.islice(grams, _SAMPLE))
        for length, other, other_index in kept:
            if not 0.8 <= size / length <= 1.25:
                continue
            # |A ∩ B| ≥ t·(|A| + |B|) / (1 + t) when |A ∩ B| / |A ∪ B| ≥ t: at most this
            # many of A's trigrams (so of the sample) can be missing from B.
            may_miss = gram_count - threshold * (gram_count + len(other)) / (1 + threshold) + 1e-9
            if len(sample) - len(sample & other) > may_miss:
                continue
            common = len(grams & other)  # |A ∪ B| = |A| + |B| - |A ∩ B|: no union set built
            if common / (gram_count + len(other) - common) >= threshold:
                _drop(result, para, "near_duplicate",
                      f"near copy of paragraph at raw offset {result.paragraphs[other_index].raw_start}")
                break
        else:
            kept.append((len(key), grams, index))


def load_rules() -> None:
    rules = clean_rules()
    _date_start(rules.joins.date_start)
    _needs_normalising()
    _kept_spaces()
