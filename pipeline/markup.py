"""Web pages and markdown: markup → the visible text, one paragraph per line, and metadata.

Web pages are parsed by selectolax (the Lexbor HTML5 parser) and walked with our rules
(``rules/clean.yaml``, section ``html``), not handed to a main-text extractor: on the
devset's crawled report page trafilatura kept about a third of the visible lines (it
judged the long table and the short report paragraphs to be navigation), while these
rules keep nearly all of it and leave menus and boilerplate to the cleaning rules, which
say why each line is dropped. The rules:

- script, style, template, noscript, svg, iframe, head, nav (menus), comments and attributes are never
  text; ``<img alt>`` neither (a picture is not a sentence);
- block elements (p, div, li, tr, td, h1-h6, figcaption …) and ``<br>`` end a line;
- inline elements (span, b, a, font …) join what they hold with no space, so a number a
  page splits across tags comes out whole (``<span>185</span><span>亿元</span>`` → 185亿元);
- a run of white space is one space, except where the source wraps a line next to a
  Chinese character (no space: Chinese text has none there, and a number split by the wrap
  stays whole); entities are decoded by the parser;
- ``<h1>``…``<h6>`` become markdown heading lines (``## 标题``), which cleaning reads as
  headings; ``<figcaption>`` lines are marked as captions, to be dropped; table cells are
  lines marked as cells (never joined, never headings).

Markdown: YAML front matter (``---`` … ``---``) is metadata (title, date, tags), never
text; site-generator shortcodes (``{{< video … >}}``) are removed; the rest is rendered by
markdown-it (links and images reduce to their text,
inline HTML allowed) and walked as above.

Offsets: the pipeline's raw text for such a document is the extracted text
(``Extracted.text``); every ``raw_start``/``raw_end`` and segment of the record points into
it, exactly as into a plain-text input. ``python -m pipeline.markup FILE`` prints it.
"""
from __future__ import annotations

import datetime
import functools
import re
import sys
from dataclasses import dataclass, field

import yaml
from selectolax.lexbor import LexborHTMLParser

from .rules import RuleEntry, load_section

_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_CELLS = ("td", "th")
_SPACE_RUN = re.compile(r"[ \t\r\n\f]+")
# Characters next to which a wrapped space is not a space: CJK, kana, full-width forms,
# CJK punctuation.
_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)


class HtmlRules(RuleEntry):
    never_text: list[str]
    blocks: list[str]
    captions: list[str]
    cells: list[str]
    title_meta: list[str]
    date_meta: list[str]
    tags_meta: list[str]


class MarkdownRules(RuleEntry):
    shortcodes: str


@functools.cache
def html_rules() -> HtmlRules:
    return load_section("clean.yaml", "html", HtmlRules)


@functools.cache
def _shortcodes() -> re.Pattern:
    return re.compile(load_section("clean.yaml", "markdown", MarkdownRules).shortcodes, re.S)


@dataclass
class Extracted:
    """The visible text of a page (lines = paragraphs) and what the markup says about it.

    ``drops`` are (start, end, reason, detail) ranges of ``text`` that the markup marks:
    as not article text (reason caption: cleaning drops their paragraphs), or as table
    cells (reason table_cell: each cell is a paragraph of its own, never a heading and never
    joined to its neighbour, as a column-break join would run 290 | 295 | 296 together)."""

    text: str
    title: str | None = None
    date: str | None = None
    date_origin: str | None = None
    tags: list[str] = field(default_factory=list)
    drops: list[tuple[int, int, str, str]] = field(default_factory=list)


class _Lines:
    """The extracted text being built: finished lines, and the pieces of the current one."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, str | None]] = []  # (line, drop reason)
        self.pieces: list[str] = []
        self.prefix = ""
        self.mark: str | None = None

    def end_line(self) -> None:
        text = _spaces("".join(self.pieces)).strip(" \t\r\n\f\xa0\u3000")
        if text:
            self.lines.append((self.prefix + text, self.mark))
        self.pieces, self.prefix = [], ""

    def text(self) -> tuple[str, list[tuple[int, int, str, str]]]:
        self.end_line()
        out, drops, at = [], [], 0
        for line, mark in self.lines:
            if mark in _CELLS:
                drops.append((at, at + len(line), "table_cell", f"<{mark}> in the markup"))
            elif mark:
                drops.append((at, at + len(line), "caption", f"<{mark}> in the markup"))
            out.append(line)
            at += len(line) + 1
        return "\n".join(out) + ("\n" if out else ""), drops


def _spaces(text: str) -> str:
    """Collapse white space: one space, as a browser shows it, except where the page's source
    wraps a line next to a Chinese character (no space in the text as read)."""
    def one(match: re.Match) -> str:
        if "\n" not in match.group() and "\r" not in match.group():
            return " "
        before = text[match.start() - 1] if match.start() else ""
        after = text[match.end()] if match.end() < len(text) else ""
        return "" if _CJK.match(before) or _CJK.match(after) else " "
    return _SPACE_RUN.sub(one, text) if _SPACE_RUN.search(text) else text


def _walk(root, rules: HtmlRules) -> _Lines:
    never, blocks, captions = set(rules.never_text), set(rules.blocks), set(rules.captions) | set(rules.cells)
    out = _Lines()
    stack: list[tuple[object, bool]] = [(root, False)]  # explicit: deep pages do not recurse
    while stack:
        node, closing = stack.pop()
        tag = node.tag
        if closing:
            out.end_line()
            if tag in captions:
                out.mark = None
            continue
        if tag == "-text":
            out.pieces.append(node.text_content or "")
            continue
        if tag in never or tag.startswith("-"):  # comments, doctype
            continue
        if tag == "br" or tag == "hr":
            out.end_line()
            continue
        if tag in blocks or tag in _HEADINGS or tag in captions:
            out.end_line()
            stack.append((node, True))
            if tag in _HEADINGS:
                out.prefix = "#" * _HEADINGS[tag] + " "
            if tag in captions:
                out.mark = tag
        children = []
        child = node.child
        while child is not None:
            children.append(child)
            child = child.next
        stack.extend((c, False) for c in reversed(children))
    return out


def _meta(tree, names: list[str]) -> str | None:
    for meta in tree.css("meta"):
        attrs = meta.attributes
        key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
        if key in names and (attrs.get("content") or "").strip():
            return attrs["content"].strip()
    return None


_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})")


def iso_date(value: object) -> str | None:
    """A date in ISO form (YYYY-MM-DD) from a front-matter or meta value, or None."""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    match = _DATE.search(str(value or ""))
    if not match:
        return None
    try:
        return datetime.date(*map(int, match.groups())).isoformat()
    except ValueError:
        return None


def extract_html(html: str, origin: str = "html meta") -> Extracted:
    rules = html_rules()
    tree = LexborHTMLParser(html)
    root = tree.body or tree.root
    text, drops = (_walk(root, rules).text() if root is not None else ("", []))
    title_node = tree.css_first("title")
    title = _meta(tree, rules.title_meta) or (title_node.text(strip=True) if title_node else None) or None
    if title is None:
        h1 = tree.css_first("h1")
        title = h1.text(strip=True) if h1 else None
    date = iso_date(_meta(tree, rules.date_meta))
    tags = [t.strip() for t in re.split(r"[,，;；]", _meta(tree, rules.tags_meta) or "") if t.strip()]
    return Extracted(text, title or None, date, origin if date else None, tags, drops)


def split_front_matter(markdown: str) -> tuple[dict, str]:
    """(front matter as a mapping, the markdown after it). Front matter that is not a YAML
    mapping is no front matter: the text is left whole."""
    match = _FRONT_MATTER.match(markdown)
    if not match:
        return {}, markdown
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return {}, markdown
    if not isinstance(data, dict):
        return {}, markdown
    return data, markdown[match.end():]


@functools.cache
def _markdown():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable("table")


def extract_markdown(markdown: str) -> Extracted:
    front, body = split_front_matter(markdown)
    body = _shortcodes().sub("", body)
    extracted = extract_html(_markdown().render(body), origin="front matter")
    extracted.date = extracted.date_origin = None  # rendered markdown has no meta elements
    title = front.get("title")
    extracted.title = str(title).strip() if title not in (None, "") else None
    date = iso_date(front.get("date") or front.get("published") or front.get("pubdate"))
    if date:
        extracted.date, extracted.date_origin = date, "front matter"
    tags = front.get("tags") or front.get("keywords") or []
    if isinstance(tags, str):
        tags = tags.replace(",", " ").split()
    extracted.tags = [str(t).strip() for t in tags if str(t).strip()] if isinstance(tags, list) else []
    return extracted


def extract(text: str, input_format: str) -> Extracted:
    """The visible text and metadata of ``text`` read as ``input_format`` (html, markdown)."""
    return extract_html(text) if input_format == "html" else extract_markdown(text)


def load_rules() -> None:
    html_rules()
    _shortcodes()


if __name__ == "__main__":  # python -m pipeline.markup FILE: the text the pipeline reads
    from pathlib import Path

    from .read import format_of, read_file

    source = read_file(Path(sys.argv[1]))
    if source.text is None:
        sys.exit(source.error)
    sys.stdout.write(extract(source.text, format_of(sys.argv[1])).text)
