"""The HTML review pages: well-formed, self-contained, every figure marked with its value."""
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import GOLD, ROOT, SEEDS
from pipeline.model import Claim, Document, Dropped, Entity, Mention, Paragraph, Quantity, Sentence
from pipeline.review import format_amount, format_number, render_document, write_report

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Page(HTMLParser):
    """Checks tag balance and collects elements with their attributes."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.elements: list[tuple[str, dict, list[str]]] = []  # tag, attrs, open ancestors
        self.ids: set[str] = set()
        self.feed(text)
        self.close()
        if self.stack:
            self.problems.append(f"unclosed: {self.stack}")

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs, list(self.stack)))
        if "id" in attrs:
            if attrs["id"] in self.ids:
                self.problems.append(f"duplicate id {attrs['id']}")
            self.ids.add(attrs["id"])
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs), list(self.stack)))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()

    def find(self, tag: str, cls: str | None = None, inside: str | None = None):
        return [a for t, a, ancestors in self.elements if t == tag
                and (cls is None or cls in a.get("class", "").split())
                and (inside is None or inside in ancestors)]


@pytest.fixture(scope="module")
def report(seed_docs, tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    index = write_report(seed_docs.values(), folder, gold=GOLD)
    return folder, index


def test_every_page_is_written_and_well_formed(report, seed_docs):
    folder, index = report
    assert index == folder / "index.html"
    assert sorted(p.name for p in folder.iterdir()) == sorted([*(f"{i}.html" for i in seed_docs), "index.html"])
    for path in folder.iterdir():
        text = path.read_text(encoding="utf-8")
        assert text.startswith("<!DOCTYPE html>")
        page = Page(text)
        assert page.problems == [], path.name
        assert page.find("meta") and any(m.get("name") == "viewport" for m in page.find("meta"))
        # self-contained: no external scripts, styles, images or fonts
        assert not re.search(r"""(src|href)=["'](https?:)?//""", text)
        assert "@import" not in text and "url(" not in text


def test_document_page_marks_every_quantity_with_its_value(report, seed_docs):
    folder, _ = report
    for doc_id, doc in seed_docs.items():
        page = Page((folder / f"{doc_id}.html").read_text(encoding="utf-8"))
        assert "legend" in page.ids
        marks = page.find("mark", "q", inside="article")
        assert sorted(int(m["data-qi"]) for m in marks) == list(range(len(doc.quantities)))
        for m in marks:
            q = doc.quantities[int(m["data-qi"])]
            numbers = [q.value] if q.value is not None else [q.low, q.high]
            assert all(format_number(x) in m["title"] for x in numbers), m
            assert q.unit in m["title"] and m["data-unit"] == q.unit and m["data-qualifier"] == q.qualifier
        for m in page.find("mark", "e", inside="article"):
            assert m["data-id"] in m["title"]
        mentions = sum(len(e.mentions) for e in doc.entities)
        assert len(page.find("mark", "e", inside="article")) == mentions
        # sentences are anchors
        assert {f"s{i}" for i in range(len(doc.sentences))} <= page.ids


def test_claims_table_has_one_row_per_claim(report, seed_docs):
    folder, _ = report
    for doc_id, doc in seed_docs.items():
        page = Page((folder / f"{doc_id}.html").read_text(encoding="utf-8"))
        assert "claims-table" in page.ids
        assert len(page.find("tr", inside="tbody")) == len(doc.claims)
        headers = len(page.find("th", inside="thead"))
        assert headers == 7


def test_dropped_text_is_shown_with_its_reason(report, seed_docs):
    folder, _ = report
    for doc_id, doc in seed_docs.items():
        page = Page((folder / f"{doc_id}.html").read_text(encoding="utf-8"))
        dropped = page.find("p", "dropped", inside="article") + page.find("span", "dropped", inside="article")
        assert len(dropped) == len(doc.dropped)
        assert all(d["title"].startswith("dropped: ") for d in dropped)


def test_index_lists_every_document_with_counts_and_f1(report, seed_docs):
    folder, index = report
    text = index.read_text(encoding="utf-8")
    page = Page(text)
    links = {a["href"] for a in page.find("a", inside="tbody")}
    assert links == {f"{doc_id}.html" for doc_id in seed_docs}
    assert len(page.find("tr", inside="tbody")) == len(seed_docs)
    for header in ("sentences", "quantities", "entities", "claims", "dropped", "errors", "qty F1", "ent F1"):
        assert f">{header}</button>" in text
    assert "all (micro-averaged)" in text
    assert re.search(r'<td class="num">[01]\.\d{3}</td>', text)


def test_index_misses_link_to_existing_sentences(report):
    folder, index = report
    page = Page(index.read_text(encoding="utf-8"))
    targets = [a["href"] for a in page.find("a", inside="details") if "#" in a["href"]]
    assert targets, "the seeds have some misses or false positives"
    ids = {}
    for href in targets:
        name, anchor = href.split("#")
        if name not in ids:
            ids[name] = Page((folder / name).read_text(encoding="utf-8")).ids
        assert anchor in ids[name], href


def test_index_without_gold_has_counts_only(seed_docs, tmp_path):
    docs = [seed_docs[k] for k in sorted(seed_docs)[:2]]
    index = write_report(iter(docs), tmp_path)
    text = index.read_text(encoding="utf-8")
    assert "qty F1" not in text and "Misses and false positives" not in text
    assert len(Page(text).find("tr", inside="tbody")) == 2


def test_report_is_streamed_page_by_page(seed_docs, tmp_path):
    written = []

    def documents():
        for doc_id in sorted(seed_docs)[:3]:
            written.append(sorted(p.name for p in tmp_path.glob("*.html")))
            yield seed_docs[doc_id]

    write_report(documents(), tmp_path)
    assert [len(names) for names in written] == [0, 1, 2]  # each page exists before the next document


def _synthetic() -> Document:
    text = "<b>包头</b>产量增长12.5%&达到3万吨。\n第二段"
    first = text.index("\n")
    pct, tons, name = text.index("12.5%"), text.index("3万吨"), text.index("包头")
    return Document(
        id="odd/id <x>", text=text,
        paragraphs=[Paragraph(start=0, end=first), Paragraph(start=first + 1, end=len(text))],
        sentences=[Sentence(start=0, end=first, text=text[:first], paragraph=0),
                   Sentence(start=first + 1, end=len(text), text=text[first + 1 :], paragraph=1)],
        quantities=[Quantity(start=pct, end=pct + 5, text="12.5%", value=12.5, unit="%", sentence=0),
                    Quantity(start=tons, end=tons + 3, text="3万吨", low=20000, high=40000, unit="t",
                             qualifier="~", sentence=0)],
        entities=[Entity(id="adm:150200", name="包头市", type="GPE",
                         mentions=[Mention(start=name, end=name + 2, text="包头")])],
        claims=[Claim(sentence=0, subject="包头", subject_id="adm:150200", indicator="产量", quantity="12.5%",
                      quantity_index=0, value=12.5, unit="%", kind="change", time="2024")],
        dropped=[Dropped(text="<i>图为</i> 摄", reason="caption", raw_start=0, raw_end=9)],
        errors=["entities: ValueError: <boom>"],
    )


def test_page_escapes_text_and_shows_claims_subjects_and_errors():
    doc = _synthetic()
    text = render_document(doc)
    page = Page(text)
    assert page.problems == []
    assert "<b>包头" not in text and "<i>图为" not in text and "&lt;b&gt;" in text and "&amp;达到" in text
    assert "&lt;boom&gt;" in text
    assert len(page.find("tr", inside="tbody")) == 1
    subject = page.find("mark", "subj", inside="article")
    assert len(subject) == 1 and subject[0]["data-id"] == "adm:150200" and "claim #1" in subject[0]["title"]
    [q1, q2] = page.find("mark", "q", inside="article")
    assert "claim" in q1["class"] and "12.5 %" in q1["title"]
    assert format_amount(doc.quantities[1]) == "≈ 20,000–40,000 t" and "20,000–40,000 t" in q2["title"]


def test_document_with_no_text_still_renders():
    page = Page(render_document(Document(id="broken", errors=["read: binary data (NUL bytes), not text"])))
    assert page.problems == [] and "claims-table" in page.ids


def test_odd_ids_get_safe_distinct_file_names(tmp_path):
    a, b = _synthetic(), _synthetic()
    c = Document(id="index")
    write_report([a, b, c], tmp_path)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len(names) == 4 and "index.html" in names
    assert all("/" not in n and "<" not in n for n in names)


def test_command_writes_the_report(tmp_path):
    out = tmp_path / "report"
    seed = sorted(SEEDS.glob("*.txt"))[0]
    result = subprocess.run([sys.executable, "-m", "pipeline.review", str(seed), "-o", str(out), "--gold", str(GOLD)],
                            cwd=ROOT, capture_output=True, timeout=600)
    assert result.returncode == 0, result.stderr.decode()
    assert Path(result.stdout.decode().strip()) == out / "index.html"
    assert (out / f"{seed.stem}.html").exists()
    # gold lines of documents not reviewed are left out: this document alone is scored
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count('<tr><td><a href=') == 1
    bad = subprocess.run([sys.executable, "-m", "pipeline.review", "no/such/file.txt", "-o", str(out)],
                         cwd=ROOT, capture_output=True, timeout=600)
    assert bad.returncode == 2
