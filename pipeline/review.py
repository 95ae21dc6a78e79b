"""The review page: every document as HTML with each figure, name and claim marked, plus an index.

    python -m pipeline.review seeds/ -o report/ [--gold gold/]

    from pipeline.review import write_report
    index = write_report(pipeline.process_files(["seeds/"]), Path("report"), gold=Path("gold"))

``write_report`` streams: it writes ``<folder>/<doc id>.html`` as each document arrives and
``<folder>/index.html`` at the end (one row per document with counts and, with a gold
folder, per-stage F1 and the misses and false positives, each linking to its sentence).
Pages are self-contained — inline CSS and a few lines of inline JS, no external assets —
so they work offline and can be mailed around; everything from the text is escaped.
"""
from __future__ import annotations

import argparse
import html
import json
import re
import sys
import tempfile
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from .emit import GOLD_FILES, atomic_writer, dumps, gold_records
from .model import Claim, Document, Quantity

QUALIFIER_SIGNS = {"=": "", "~": "≈ ", ">": "> ", ">=": "≥ ", "<": "< ", "<=": "≤ "}
GOLD_INPUTS = ("clean", "quantities", "entities", "claims")  # the files of docs/gold-format.md


def esc(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


# ---------------------------------------------------------------------------- numbers


def format_number(x: float | None) -> str:
    """135000000.0 → '135,000,000'; 52.22 → '52.22' (at most six decimals)."""
    if x is None:
        return "?"
    if float(x).is_integer() and abs(x) < 1e21:
        return f"{int(x):,}"
    text = f"{x:,.6f}".rstrip("0").rstrip(".")
    return text if text not in ("0", "-0") else f"{x:.6g}"


def _amount_parts(obj: Quantity | Claim) -> tuple[str, str]:
    if obj.value is not None or obj.low is None and obj.high is None:
        number = format_number(obj.value)
    else:
        number = f"{format_number(obj.low)}–{format_number(obj.high)}"
    return f"{QUALIFIER_SIGNS.get(obj.qualifier, obj.qualifier + ' ')}{number}", obj.unit


def format_amount(obj: Quantity | Claim) -> str:
    """The amount in its canonical unit with its qualifier: '≥ 135,000,000 kW', '4–6 %'."""
    return " ".join(_amount_parts(obj)).strip()


def _sort_key(obj: Quantity | Claim) -> str:
    x = obj.value if obj.value is not None else obj.low if obj.low is not None else obj.high
    return "" if x is None else repr(float(x))


# ---------------------------------------------------------------------------- inline marks


@dataclass
class _Mark:
    """One highlighted span of a sentence (offsets into the cleaned text)."""

    start: int
    end: int
    classes: list[str]
    title: list[str]
    attrs: dict[str, str] = field(default_factory=dict)

    def open(self) -> str:
        attrs = "".join(f' {k}="{esc(v)}"' for k, v in self.attrs.items())
        return f'<mark class="{" ".join(self.classes)}" title="{esc(chr(10).join(self.title))}"{attrs}>'


def _nest(text: str, base: int, lo: int, hi: int, marks: list[_Mark]) -> str:
    """``text[lo:hi]`` (cleaned-text offsets, ``text`` starting at ``base``) with ``marks``
    as nested elements; a mark that crosses the end of an earlier one is split in two."""
    out, pos = [], lo
    marks = sorted(marks, key=lambda m: (m.start, -m.end))
    while marks:
        outer = marks.pop(0)
        inside, rest = [], []
        for m in marks:
            if m.start >= outer.end:
                rest.append(m)
            elif m.end <= outer.end:
                inside.append(m)
            else:
                inside.append(_Mark(m.start, outer.end, m.classes, m.title, m.attrs))
                rest.append(_Mark(outer.end, m.end, m.classes, m.title, m.attrs))
        out.append(esc(text[pos - base : outer.start - base]))
        out.append(outer.open() + _nest(text, base, outer.start, outer.end, inside) + "</mark>")
        pos = outer.end
        marks = sorted(rest, key=lambda m: (m.start, -m.end))
    out.append(esc(text[pos - base : hi - base]))
    return "".join(out)


def _claims_by_quantity(doc: Document) -> dict[int, list[tuple[int, Claim]]]:
    found: dict[int, list[tuple[int, Claim]]] = defaultdict(list)
    for number, claim in enumerate(doc.claims, 1):
        found[claim.quantity_index].append((number, claim))
    return found


def _marks(doc: Document) -> dict[int, list[_Mark]]:
    """The marks of each sentence: quantities, entity mentions, claim subjects."""
    starts = [s.start for s in doc.sentences]
    per_sentence: dict[int, list[_Mark]] = defaultdict(list)

    def sentence_of(offset: int) -> int:
        return bisect_right(starts, offset) - 1

    claims = _claims_by_quantity(doc)
    for index, q in enumerate(doc.quantities):
        title = [f"{format_amount(q)}", f"qualifier {q.qualifier} · unit {q.unit}"
                 + (f" · {q.dimension}" if q.dimension else "") + f" · text {q.text}"]
        classes = ["q"]
        for number, c in claims.get(index, []):
            classes = ["q", "claim"]
            title.append(f"claim #{number}: {c.subject} · {c.indicator} · {format_amount(c)} · {c.kind}"
                         f" · {c.time or 'no time'} · {c.modality}")
        value = repr(q.value) if q.value is not None else f"{q.low!r}..{q.high!r}"
        attrs = {"data-qi": str(index), "data-value": value, "data-unit": q.unit, "data-qualifier": q.qualifier}
        sentence = q.sentence if q.sentence is not None else sentence_of(q.start)
        per_sentence[sentence].append(_Mark(q.start, q.end, classes, title, attrs))

    entity_marks: dict[tuple[int, int], _Mark] = {}
    for entity in doc.entities:
        for m in entity.mentions:
            mark = _Mark(m.start, m.end, ["e", f"e-{entity.type.lower()}"],
                         [f"{entity.id or 'unlinked'} · {entity.type} · {entity.name}"],
                         {"data-id": entity.id or ""})
            entity_marks[(m.start, m.end)] = mark
            per_sentence[sentence_of(m.start)].append(mark)

    for number, c in enumerate(doc.claims, 1):
        if not 0 <= c.sentence < len(doc.sentences):
            continue
        sentence = doc.sentences[c.sentence]
        spans = [key for key, mark in entity_marks.items() if sentence.start <= key[0] < sentence.end
                 and (c.subject_id and mark.attrs.get("data-id") == c.subject_id
                      or doc.text[key[0]:key[1]] == c.subject)]
        if not spans and c.subject and c.subject in sentence.text:
            at = sentence.start + sentence.text.index(c.subject)
            spans = [(at, at + len(c.subject))]
        for key in spans[:1]:  # the mention nearest the start: the one the claim reads
            note = f"subject of claim #{number} ({c.indicator})"
            mark = entity_marks.get(key)
            if mark is None:
                mark = entity_marks[key] = _Mark(key[0], key[1], ["subj"], [f"claim subject: {c.subject}"])
                per_sentence[c.sentence].append(mark)
            if "subj" not in mark.classes:
                mark.classes.append("subj")
            mark.title.append(note)
    return per_sentence


# ---------------------------------------------------------------------------- document page


def _dropped_places(doc: Document) -> tuple[dict[int, list], dict[int, list], list]:
    """Where each dropped text sat: before a paragraph (block), before a sentence inside a
    paragraph (inline), or after everything. Positions come from the raw offsets."""
    before_paragraph: dict[int, list] = defaultdict(list)
    before_sentence: dict[int, list] = defaultdict(list)
    at_end: list = []
    if not doc.paragraphs:
        return before_paragraph, before_sentence, list(doc.dropped)
    p_raw = [(doc.raw_offset(p.start), doc.raw_offset(max(p.start, p.end - 1)) + 1) for p in doc.paragraphs]
    s_raw = [doc.raw_offset(s.start) for s in doc.sentences]
    by_paragraph: dict[int, list[int]] = defaultdict(list)
    for index, s in enumerate(doc.sentences):
        by_paragraph[s.paragraph].append(index)
    for d in doc.dropped:
        following = next((i for i, (start, _) in enumerate(p_raw) if start >= d.raw_end), None)
        previous = (following if following is not None else len(p_raw)) - 1
        if previous >= 0 and p_raw[previous][0] < d.raw_start < p_raw[previous][1]:
            inner = next((i for i in by_paragraph[previous] if s_raw[i] >= d.raw_end), None)
            if inner is not None:
                before_sentence[inner].append(d)
                continue
        if following is None:
            at_end.append(d)
        else:
            before_paragraph[following].append(d)
    return before_paragraph, before_sentence, at_end


def _dropped_html(d, inline: bool) -> str:
    tag = "span" if inline else "p"
    detail = f" — {d.detail}" if d.detail else ""
    return (f'<{tag} class="dropped" title="dropped: {esc(d.reason)}{esc(detail)}">'
            f'<span class="reason">{esc(d.reason.replace("_", " "))}</span> {esc(d.text)}</{tag}>')


def _article(doc: Document) -> str:
    marks = _marks(doc)
    block_drops, inline_drops, end_drops = _dropped_places(doc)
    by_paragraph: dict[int, list[int]] = defaultdict(list)
    for index, s in enumerate(doc.sentences):
        by_paragraph[s.paragraph].append(index)
    out = []
    for p_index, paragraph in enumerate(doc.paragraphs):
        out.extend(_dropped_html(d, False) for d in block_drops.get(p_index, []))
        pieces = []
        for index in by_paragraph.get(p_index, []):
            s = doc.sentences[index]
            pieces.extend(_dropped_html(d, True) for d in inline_drops.get(index, []))
            body = _nest(s.text, s.start, s.start, s.end, marks.get(index, []))
            pieces.append(f'<span class="s" id="s{index}">{body}</span>')
        if paragraph.heading:
            level = 1
            if paragraph.section is not None and paragraph.section < len(doc.sections):
                level = doc.sections[paragraph.section].level
            tag = f"h{min(level + 1, 6)}"
            out.append(f"<{tag}>{''.join(pieces)}</{tag}>")
        else:
            out.append(f"<p>{''.join(pieces)}</p>")
    out.extend(_dropped_html(d, False) for d in end_drops)
    if not out:
        out.append('<p class="empty">No text was kept for this document.</p>')
    return "\n".join(out)


CLAIM_COLUMNS = (("#", "number"), ("subject", "text"), ("indicator", "text"), ("value", "number"),
                 ("kind", "text"), ("time", "text"), ("modality", "text"))


def _claims_table(doc: Document) -> str:
    head = "".join(f'<th data-type="{kind}" scope="col"><button type="button">{esc(name)}</button></th>'
                   for name, kind in CLAIM_COLUMNS)
    rows = []
    for number, c in enumerate(doc.claims, 1):
        subject_id = f'<span class="id">{esc(c.subject_id)}</span>' if c.subject_id else ""
        amount, unit = _amount_parts(c)
        rows.append(
            f'<tr><td data-sort="{number}"><a href="#s{c.sentence}">{number}</a></td>'
            f"<td>{esc(c.subject)}{subject_id}</td><td>{esc(c.indicator)}</td>"
            f'<td data-sort="{esc(_sort_key(c))}" class="num"><span class="amount">{esc(amount)}</span> {esc(unit)}'
            f'<span class="surface">{esc(c.quantity)}</span></td>'
            f'<td><span class="tag k-{esc(c.kind)}">{esc(c.kind)}</span></td><td>{esc(c.time or "—")}</td>'
            f'<td><span class="tag m-{esc(c.modality)}">{esc(c.modality)}</span></td></tr>')
    empty = "" if doc.claims else '<p class="empty">No claims were extracted from this document.</p>'
    return (f'<div class="scroll"><table class="sortable" id="claims-table">'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>{empty}")


LEGEND = """<div class="legend" id="legend" aria-label="legend">
<span><mark class="q sample" title="135,000,000 kW">1.35亿千瓦</mark> quantity</span>
<span><mark class="q claim sample" title="317,780,000,000 CNY">3177.8亿元</mark> quantity in a claim</span>
<span><mark class="e sample" title="adm:150100 · GPE · 呼和浩特市">呼和浩特市</mark> entity</span>
<span><mark class="e subj sample" title="adm:150000 · GPE · 内蒙古自治区">内蒙古</mark> claim subject</span>
<span><span class="dropped"><span class="reason">caption</span> dropped</span></span>
<label><input type="checkbox" id="show-dropped" checked> show dropped text</label>
<span class="hint">hover or tap a mark for its value, unit, qualifier or linked id</span>
</div>"""


def render_document(doc: Document) -> str:
    """One self-contained HTML page for ``doc``."""
    reasons = Counter(d.reason for d in doc.dropped)
    meta = [f"source {esc(doc.source)}" if doc.source else "", f"encoding {esc(doc.encoding)}" if doc.encoding else "",
            f"date {esc(doc.metadata.date)}" if doc.metadata.date else "",
            *(esc(x) for x in doc.metadata.datelines[:2]), *(esc(x) for x in doc.metadata.bylines[:2])]
    stats = [("sentences", len(doc.sentences)), ("quantities", len(doc.quantities)),
             ("entities", len(doc.entities)), ("claims", len(doc.claims)), ("dropped", len(doc.dropped))]
    dropped_detail = ", ".join(f"{n} {esc(r.replace('_', ' '))}" for r, n in sorted(reasons.items()))
    errors = ""
    if doc.errors:
        errors = '<ul class="errors">' + "".join(f"<li>{esc(e)}</li>" for e in doc.errors) + "</ul>"
    body = f"""<header class="top">
<nav><a href="index.html">← all documents</a></nav>
<h1>{esc(doc.id)}</h1>
<p class="meta">{' · '.join(m for m in meta if m)}</p>
<p class="stats">{' '.join(f'<span><b>{n}</b> {name}</span>' for name, n in stats)}
{f'<span class="sub">dropped: {dropped_detail}</span>' if dropped_detail else ''}</p>
{errors}
{LEGEND}
</header>
<main class="layout">
<article class="text" lang="zh">
{_article(doc)}
</article>
<section class="claims" id="claims" aria-labelledby="claims-title">
<h2 id="claims-title">Claims <small>({len(doc.claims)})</small></h2>
{_claims_table(doc)}
</section>
</main>"""
    return _page(f"{doc.id} · review", body)


# ---------------------------------------------------------------------------- index page


@dataclass
class _Summary:
    """What the index keeps of a document once its page is written."""

    id: str
    page: str
    counts: dict[str, int]
    errors: list[str]
    sentences: list[str] = field(default_factory=list)  # normalised, only with a gold folder
    entity_sentences: dict[str, int] = field(default_factory=dict)


def _norm(text) -> str:
    from .score import norm

    return norm(text)


def _summary(doc: Document, page: str, keep_text: bool) -> _Summary:
    counts = {"sentences": len(doc.sentences), "quantities": len(doc.quantities), "entities": len(doc.entities),
              "claims": len(doc.claims), "dropped": len(doc.dropped), "errors": len(doc.errors)}
    summary = _Summary(doc.id, page, counts, list(doc.errors))
    if keep_text:
        summary.sentences = [_norm(s.text) for s in doc.sentences]
        starts = [s.start for s in doc.sentences]
        for e in doc.entities:
            if e.id and e.mentions:
                summary.entity_sentences[_norm(e.id)] = bisect_right(starts, e.mentions[0].start) - 1
    return summary


def _page_name(doc_id: str, used: set[str]) -> str:
    stem = re.sub(r"[^\w.\-]", "_", doc_id).lstrip(".") or "document"
    stem = stem[:120]
    name, n = stem, 1
    while name.lower() in used or name.lower() == "index":
        n += 1
        name = f"{stem}-{n}"
    used.add(name.lower())
    return f"{name}.html"


def _f(x: float) -> str:
    return f"{x:.3f}"


GOLD_COLUMNS = (("clean", lambda r: r["clean"]), ("qty F1", lambda r: r["quantities"]["f1"]),
                ("norm", lambda r: r["quantities"]["normalisation"]), ("ent F1", lambda r: r["entities"]["f1"]),
                ("claims strict F1", lambda r: r["claims_strict"]["f1"]),
                ("claims lenient F1", lambda r: r["claims_lenient"]["f1"]))
COUNT_COLUMNS = ("sentences", "quantities", "entities", "claims", "dropped", "errors")


def _sentence_link(summary: _Summary, needle: str | None, text: str) -> str:
    """``text`` linked to the first sentence of the document that contains ``needle``."""
    key = _norm(needle)
    hits = [i for i, s in enumerate(summary.sentences) if key and key in s] if key else []
    if not hits:
        return f'<span class="nolink">{esc(text)}</span>'
    extra = "".join(f' <a class="more" href="{quote(summary.page)}#s{i}">§{i}</a>' for i in hits[1:3])
    return f'<a href="{quote(summary.page)}#s{hits[0]}">{esc(text)}</a>{extra}'


def _amount_of(record: dict) -> str:
    if record.get("value") is not None:
        number = format_number(record["value"])
    else:
        number = f"{format_number(record.get('low'))}–{format_number(record.get('high'))}"
    sign = QUALIFIER_SIGNS.get(record.get("qualifier") or "=", "")
    return f"{sign}{number} {record.get('unit', '')}".strip()


ERROR_LABELS = {"miss": ("miss", "misses"), "false positive": ("fp", "false positives"),
                "wrong value": ("wrong", "wrong values"), "not strict": ("wrong", "claims not strict")}


def _error_items(result: dict, summaries: dict[str, _Summary], gold_entities: dict) -> dict[str, list]:
    """Misses and false positives per document: (label, <li> linking to its sentence)."""
    items: dict[str, list] = defaultdict(list)

    def add(doc: str, label: str, stage: str, link: str, note: str = "") -> None:
        if doc in summaries:
            items[doc].append((label, f'<li><span class="tag {ERROR_LABELS[label][0]}">{esc(label)}</span> '
                                      f'<span class="stage">{esc(stage)}</span> {link}'
                                      f'{f" <small>{esc(note)}</small>" if note else ""}</li>'))

    def add_lines(lines: list[dict], label: str, stage: str, field: str, note) -> None:
        """Gold-format lines, each linked to the sentence holding its ``field``."""
        for line in lines:
            if line["doc"] in summaries:
                add(line["doc"], label, stage, _sentence_link(summaries[line["doc"]], line[field], line[field]),
                    note(line))

    errors = result["errors"]
    for line in errors["clean"]:
        s = summaries.get(line["doc"])
        if s is None:
            continue
        if line["action"] == "join":
            link = _sentence_link(s, line["left"], f"{line['left']} | {line['right']}")
            add(line["doc"], "miss", "clean · join", link, "not joined")
        else:
            add(line["doc"], "miss", f"clean · {line['action'].replace('_', ' ')}",
                _sentence_link(s, line["text"], line["text"]), "still in the text")
    q = errors["quantities"]
    add_lines(q["missed"], "miss", "quantity", "text", lambda g: f"gold {_amount_of(g)}")
    add_lines(q["spurious"], "false positive", "quantity", "text", _amount_of)
    for pair in q["wrong"]:
        p, g = pair["pred"], pair["gold"]
        if p["doc"] in summaries:
            add(p["doc"], "wrong value", "quantity", _sentence_link(summaries[p["doc"]], p["text"], p["text"]),
                f"{_amount_of(p)}, gold {_amount_of(g)}")
    e = errors["entities"]
    for doc, entity_id in e["missed"]:
        s = summaries.get(doc)
        if s is None:
            continue
        record = gold_entities.get((doc, entity_id), {})
        mentions = record.get("mentions") or [record.get("name")]
        hit = next((m for m in mentions if m and any(_norm(m) in x for x in s.sentences)), None)
        label = f"{entity_id} {record.get('name', '')}".strip()
        link = _sentence_link(s, hit, label) if hit else f'<span class="nolink">{esc(label)}</span>'
        add(doc, "miss", "entity", link)
    for doc, entity_id in e["spurious"]:
        s = summaries.get(doc)
        if s is None:
            continue
        index = s.entity_sentences.get(entity_id)
        link = (f'<a href="{quote(s.page)}#s{index}">{esc(entity_id)}</a>' if index is not None and index >= 0
                else f'<span class="nolink">{esc(entity_id)}</span>')
        add(doc, "false positive", "entity", link)
    c = errors["claims"]
    add_lines(c["missed"], "miss", "claim", "quantity",
              lambda g: f"gold: {g.get('subject')} · {g.get('indicator')} · {_amount_of(g)} · {g.get('time') or 'no time'}")
    add_lines(c["spurious"], "false positive", "claim", "quantity",
              lambda p: f"{p.get('subject')} · {p.get('indicator')} · {_amount_of(p)}")
    for pair in c["not_strict"]:
        p, g = pair["pred"], pair["gold"]
        if p["doc"] in summaries:
            add(p["doc"], "not strict", "claim", _sentence_link(summaries[p["doc"]], p["quantity"], p["quantity"]),
                f"{p.get('subject')} · {_amount_of(p)} · {p.get('time') or 'no time'}; gold {g.get('subject')} · "
                f"{_amount_of(g)} · {g.get('time') or 'no time'}")
    return items


def render_index(summaries: list[_Summary], result: dict | None = None, gold_entities: dict | None = None) -> str:
    table = result["table"] if result else {}
    head = ["document", *COUNT_COLUMNS, *(name for name, _ in GOLD_COLUMNS if result)]
    types = ["text", *["number"] * (len(head) - 1)]
    thead = "".join(f'<th data-type="{t}" scope="col"><button type="button">{esc(h)}</button></th>'
                    for h, t in zip(head, types, strict=True))
    rows = []
    for s in summaries:
        cells = [f'<td><a href="{quote(s.page)}">{esc(s.id)}</a></td>']
        for name in COUNT_COLUMNS:
            n = s.counts[name]
            title = f' title="{esc(chr(10).join(s.errors))}"' if name == "errors" and s.errors else ""
            cls = ' class="num bad"' if name == "errors" and n else ' class="num"'
            cells.append(f"<td{cls}{title}>{n}</td>")
        if result:
            row = table.get(s.id)
            for _, get in GOLD_COLUMNS:
                cells.append(f'<td class="num">{_f(get(row))}</td>' if row else '<td class="num">—</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    foot = ""
    if result:
        total = {name: sum(s.counts[name] for s in summaries) for name in COUNT_COLUMNS}
        cells = ['<th scope="row">all (micro-averaged)</th>',
                 *(f'<td class="num">{total[n]}</td>' for n in COUNT_COLUMNS),
                 *(f'<td class="num">{_f(get(table["ALL"]))}</td>' for _, get in GOLD_COLUMNS)]
        foot = f"<tfoot><tr>{''.join(cells)}</tr></tfoot>"
    sections = []
    if result:
        items = _error_items(result, {s.id: s for s in summaries}, gold_entities or {})
        for s in summaries:
            found = items.get(s.id, [])
            counts = Counter(label for label, _ in found)
            summary_line = ", ".join(f"{counts[label]} {plural}" for label, (_, plural) in ERROR_LABELS.items()
                                     if counts[label]) or "no misses, no false positives"
            body = f"<ul class=\"misses\">{''.join(li for _, li in found)}</ul>" if found else ""
            sections.append(f'<details{" open" if len(summaries) <= 3 and found else ""}>'
                            f'<summary><a href="{quote(s.page)}">{esc(s.id)}</a> — {esc(summary_line)}</summary>'
                            f"{body}</details>")
    gold_part = ""
    if result:
        gold_part = ("<section id=\"gold\"><h2>Misses and false positives</h2>"
                     "<p class=\"hint\">Against the gold folder (docs/gold-format.md); each item links to its "
                     "sentence on the document page.</p>" + "\n".join(sections) + "</section>")
    body = f"""<header class="top">
<h1>Review: {len(summaries)} document{'s' if len(summaries) != 1 else ''}</h1>
<p class="meta">{'scored against the gold folder' if result else 'no gold folder given: counts only'}</p>
</header>
<main>
<div class="scroll"><table class="sortable" id="documents">
<thead><tr>{thead}</tr></thead><tbody>{''.join(rows)}</tbody>{foot}</table></div>
{gold_part}
</main>"""
    return _page("Review · index", body)


# ---------------------------------------------------------------------------- writing


def _read_jsonl(path: Path) -> list[dict]:
    from .score import read_jsonl

    return read_jsonl(path)


def _score(records: dict[str, list[dict]], gold: Path, ids: set[str]) -> tuple[dict, dict]:
    """evaluate() on the documents reviewed (gold lines of other documents left out)."""
    from .score import evaluate

    with tempfile.TemporaryDirectory(prefix="review-") as tmp:
        pred_dir, gold_dir = Path(tmp, "pred"), Path(tmp, "gold")
        pred_dir.mkdir()
        gold_dir.mkdir()
        for name in GOLD_FILES:
            with (pred_dir / f"{name}.jsonl").open("w", encoding="utf-8") as out:
                out.writelines(dumps(line) + "\n" for line in records.get(name, []))
        gold_entities = {}
        for name in GOLD_INPUTS:
            lines = [line for line in _read_jsonl(gold / f"{name}.jsonl") if line.get("doc") in ids]
            with (gold_dir / f"{name}.jsonl").open("w", encoding="utf-8") as out:
                out.writelines(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
            if name == "entities":
                gold_entities = {(line["doc"], _norm(line.get("id"))): line for line in lines if line.get("id")}
        return evaluate(pred_dir, gold_dir), gold_entities


def write_report(documents: Iterable[Document], folder: Path, gold: Path | None = None) -> Path:
    """Write one page per document as it comes, then ``index.html``; returns the index path.

    With ``gold`` (a folder in the format of docs/gold-format.md) the index also shows
    per-stage F1 and the misses and false positives, each linking to its sentence.
    """
    folder = Path(folder)
    if gold is not None and not Path(gold).is_dir():
        raise FileNotFoundError(f"{gold}: not a gold folder")
    folder.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    summaries: list[_Summary] = []
    records: dict[str, list[dict]] = defaultdict(list)
    for doc in documents:
        page = _page_name(doc.id, used)
        _write(folder / page, render_document(doc))
        summaries.append(_summary(doc, page, keep_text=gold is not None))
        if gold is not None:
            for name, lines in gold_records(doc).items():
                records[name].extend(lines)
    result, gold_entities = (None, None)
    if gold is not None:
        result, gold_entities = _score(records, Path(gold), {s.id for s in summaries})
    index = folder / "index.html"
    _write(index, render_index(summaries, result, gold_entities))
    return index


def _write(path: Path, text: str) -> None:
    with atomic_writer(path) as out:
        out.write(text)
    path.chmod(0o644)  # the temporary file was private; a page is for reading


# ---------------------------------------------------------------------------- page shell

CSS = """
:root{--fg:#1d2430;--muted:#667085;--line:#e3e6ea;--bg:#fff;--panel:#f7f8fa;--q:#ffe08a;--qc:#ffc53d;
--e:#d6e8ff;--eb:#3b82f6;--subj:#bff0c9;--subjb:#16a34a;--drop:#9aa1ab;--link:#1d4ed8}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;color:var(--fg);background:var(--bg);font:16px/1.75 system-ui,-apple-system,"Segoe UI",
"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;overflow-wrap:anywhere}
a{color:var(--link)}
header.top{padding:.8rem 1rem .6rem;border-bottom:1px solid var(--line);background:var(--panel)}
header.top h1{font-size:1.25rem;margin:.1rem 0;line-height:1.3}
nav a{font-size:.85rem;text-decoration:none}
.meta{color:var(--muted);font-size:.85rem;margin:.2rem 0}
.stats{margin:.3rem 0;font-size:.9rem;display:flex;flex-wrap:wrap;gap:.2rem 1rem}
.stats .sub{color:var(--muted)}
.errors{color:#b42318;background:#fef3f2;border:1px solid #fecdca;border-radius:6px;padding:.4rem .4rem .4rem 1.6rem;
font-size:.9rem}
.legend{display:flex;flex-wrap:wrap;gap:.3rem 1rem;align-items:center;font-size:.85rem;margin-top:.4rem}
.legend .hint,.hint{color:var(--muted);font-size:.8rem}
main{padding:0 1rem 2rem}
main.layout{display:block}
@media (min-width:1100px){
main.layout{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1.15fr);gap:1.5rem;align-items:start}
.claims{position:sticky;top:0;max-height:100vh;overflow:auto}
}
article.text{max-width:46rem}
article.text p{margin:.7rem 0}
article.text h2,article.text h3,article.text h4,article.text h5,article.text h6{line-height:1.4;margin:1.4rem 0 .4rem}
article.text h2{font-size:1.3rem}article.text h3{font-size:1.12rem}article.text h4{font-size:1rem}
.s:target{background:#fff4c2;outline:2px solid #f59e0b;border-radius:3px}
mark{color:inherit;border-radius:3px;padding:0 .08em;cursor:help}
mark.q{background:var(--q)}
mark.q.claim{background:var(--qc);box-shadow:inset 0 -2px #b45309}
mark.e{background:var(--e);box-shadow:inset 0 -2px var(--eb)}
mark.subj{background:var(--subj);box-shadow:inset 0 -2px var(--subjb)}
.dropped{color:var(--drop);font-size:.9em;text-decoration:line-through;text-decoration-color:#c7ccd3}
p.dropped{margin:.4rem 0;padding-left:.6rem;border-left:3px solid var(--line)}
.dropped .reason{display:inline-block;text-decoration:none;font-size:.72rem;line-height:1.4;padding:0 .35em;
border:1px solid #d0d5dd;border-radius:9px;color:#475467;background:#f2f4f7;vertical-align:.1em}
body.hide-dropped .dropped{display:none}
.claims h2,#gold h2{font-size:1.1rem;margin:1rem 0 .4rem}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;width:100%;font-size:.85rem;line-height:1.45}
th,td{border-bottom:1px solid var(--line);padding:.3rem .45rem;text-align:left;vertical-align:top}
thead th{position:sticky;top:0;background:var(--panel);white-space:nowrap}
th button{font:inherit;font-weight:600;border:0;background:none;padding:0;cursor:pointer;color:inherit}
th[aria-sort=ascending] button::after{content:" ▲";font-size:.7em}
th[aria-sort=descending] button::after{content:" ▼";font-size:.7em}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td.num .amount,#documents td.num{white-space:nowrap}
td.bad{color:#b42318;font-weight:600}
tfoot th,tfoot td{font-weight:600;border-top:2px solid var(--line)}
.surface{display:block;color:var(--muted);font-size:.8em}
.id{display:block;color:var(--muted);font-size:.75em;overflow-wrap:break-word}
#claims-table td:first-child,#claims-table td:nth-child(6){white-space:nowrap}
#claims-table td:nth-child(3){min-width:7em}
.tag{display:inline-block;font-size:.75rem;padding:0 .4em;border-radius:9px;background:#eef2f6;white-space:nowrap}
.k-change{background:#e0f2fe}.k-share{background:#f3e8ff}.k-rank{background:#fee4e2}
.m-target{background:#fef0c7}.m-expected{background:#fde2f3}
.tag.miss{background:#fee4e2}.tag.fp{background:#fef0c7}.tag.wrong{background:#e0f2fe}
.empty{color:var(--muted);font-style:italic}
details{border-bottom:1px solid var(--line);padding:.3rem 0}
summary{cursor:pointer}
ul.misses{margin:.3rem 0;padding-left:1.2rem;font-size:.9rem}
ul.misses .stage{color:var(--muted)}
.nolink{color:var(--muted)}
a.more{font-size:.75rem}
#inspect{position:fixed;left:0;right:0;bottom:0;margin:0;padding:.5rem 1rem;background:#1d2430;color:#fff;
font-size:.85rem;white-space:pre-line;box-shadow:0 -2px 8px rgba(0,0,0,.2);z-index:2}
#inspect[hidden]{display:none}
@media (max-width:600px){body{font-size:15px}main{padding:0 .7rem 4rem}header.top{padding:.6rem .7rem}
th,td{padding:.25rem .3rem}td.num{white-space:nowrap}table{font-size:.8rem}}
"""

JS = """
document.querySelectorAll('table.sortable th button').forEach(function (button) {
  button.addEventListener('click', function () {
    var th = button.parentElement, table = th.closest('table'), body = table.tBodies[0];
    var col = Array.prototype.indexOf.call(th.parentElement.children, th);
    var asc = th.getAttribute('aria-sort') !== 'ascending', num = th.dataset.type === 'number';
    table.querySelectorAll('thead th').forEach(function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
    var key = function (row) {
      var cell = row.cells[col], v = cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim();
      return num ? (v === '' || isNaN(parseFloat(v)) ? -Infinity : parseFloat(v)) : v;
    };
    Array.from(body.rows).sort(function (a, b) {
      var x = key(a), y = key(b), d = num ? (x > y) - (x < y) : x.localeCompare(y, 'zh');
      return asc ? d : -d;
    }).forEach(function (row) { body.appendChild(row); });
  });
});
var inspect = document.getElementById('inspect');
document.addEventListener('click', function (event) {
  var mark = event.target.closest('mark[title]');
  if (mark) { inspect.textContent = mark.getAttribute('title'); inspect.hidden = false; }
  else if (!event.target.closest('#inspect')) { inspect.hidden = true; }
});
var toggle = document.getElementById('show-dropped');
if (toggle) toggle.addEventListener('change', function () {
  document.body.classList.toggle('hide-dropped', !toggle.checked);
});
"""


def _page(title: str, body: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<style>{CSS}</style>
</head>
<body>
{body}
<p id="inspect" role="status" hidden></p>
<script>{JS}</script>
</body>
</html>
"""


# ---------------------------------------------------------------------------- command


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline.review",
        description="Write an HTML review page per document (the cleaned article with every "
        "quantity, entity and claim subject marked, dropped text greyed, a sortable claims "
        "table) and an index page.",
        epilog="example: python -m pipeline.review seeds/ -o report/ --gold gold/",
    )
    parser.add_argument("inputs", nargs="+", metavar="INPUT",
                        help="files, folders, globs, .jsonl files or - (as for python -m pipeline)")
    parser.add_argument("-o", "--output", type=Path, default=Path("report"), metavar="DIR",
                        help="folder for the pages (default: report/)")
    parser.add_argument("--gold", type=Path, metavar="DIR",
                        help="gold folder (docs/gold-format.md): adds per-stage F1 and the misses "
                        "and false positives to the index")
    args = parser.parse_args(argv)
    # The batch CLI does the work (reading, workers, errors, exit codes); this command only
    # keeps its own defaults and prints the index path.
    from .cli import main as cli_main

    code = cli_main([*args.inputs, "--html", str(args.output), *(["--gold", str(args.gold)] if args.gold else [])])
    if code != 2:
        print(args.output / "index.html")
    return code


if __name__ == "__main__":
    sys.exit(main())
