"""Web pages and markdown (pipeline/markup.py): visible text, metadata, and how each way of
giving a page (file, folder, JSON line, standard input) reaches it."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from pipeline.markup import extract_html, extract_markdown, split_front_matter
from pipeline.process import process

DATA = Path(__file__).parent / "data" / "markup"
HTML = (DATA / "split_numbers.html").read_text(encoding="utf-8")
MARKDOWN = (DATA / "front_matter.md").read_text(encoding="utf-8")
# What a page's code, style or attributes would leak into a sentence.
MARKUP_LEAK = re.compile(r"[<>{}]|=\"|#[0-9A-Fa-f]{6}|function|px|color|var |document\.")


def _run(*args, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], input=stdin, capture_output=True, check=False)


def test_inline_tags_never_split_a_number():
    page = extract_html(HTML)
    assert "5698亿元" in page.text and "3.2%" in page.text
    assert "其中出口185亿元的机电产品占比最高，增长12.5%。" in page.text  # source line wraps too


def test_scripts_styles_comments_attributes_and_alt_text_are_never_text():
    text = extract_html(HTML).text
    for leaked in ("185亿元\"", "#E6E6E6", "6000px", "3000万元", "999亿元", "港口装卸8000吨", "2亿元", "zoom",
                   "请启用脚本"):
        assert leaked not in text, leaked


def test_blocks_make_lines_headings_and_table_cells():
    lines = extract_html(HTML).text.splitlines()
    assert "# 江西省去年外贸进出口稳中有升" in lines
    assert "进口" in lines and "1200亿元" in lines
    assert "下一步，全省将继续稳外贸、稳外资。" in lines


def test_html_metadata():
    page = extract_html(HTML)
    assert page.title == "江西省去年外贸进出口稳中有升"
    assert (page.date, page.date_origin) == ("2024-01-20", "html meta")
    assert page.tags == ["江西", "外贸", "进出口"]


def test_web_page_through_the_pipeline():
    doc = process(HTML, input_format="html")
    assert not doc.errors
    texts = [s.text for s in doc.sentences]
    assert not any(MARKUP_LEAK.search(t) for t in texts), texts
    assert {q.text for q in doc.quantities} >= {"5698亿元", "3.2%", "185亿元", "12.5%", "1200亿元"}
    assert doc.sections[0].title == "江西省去年外贸进出口稳中有升"
    assert doc.metadata.title == "江西省去年外贸进出口稳中有升"
    # the page's visible 发布时间 line wins over its meta tag (the same date here): times follow
    # the visible text, and only a visible date resolves 今年/去年
    assert doc.metadata.date == "2024-01-20" and doc.metadata.date_origin == "published-line"
    caption = [d for d in doc.dropped if d.reason == "caption"]
    assert [d.text for d in caption] == ["九江港集装箱码头一派繁忙景象。"]
    assert "发布时间：2024-01-20 09:30" in doc.metadata.datelines
    # offsets point into the extracted text
    extracted = extract_html(HTML).text
    for sentence in doc.sentences:
        assert extracted[doc.raw_offset(sentence.start):doc.raw_offset(sentence.start) + len(sentence.text)] == sentence.text


def test_front_matter_is_metadata_never_sentences():
    front, body = split_front_matter(MARKDOWN)
    assert front["title"] == "陝西省去年糧食總產量創新高" and body.startswith("# ")
    page = extract_markdown(MARKDOWN)
    assert (page.title, page.date, page.date_origin) == ("陝西省去年糧食總產量創新高", "2023-12-28", "front matter")
    assert page.tags == ["糧食", "陝西"]
    assert "示例記者" not in page.text and "tags" not in page.text


def test_markdown_links_images_inline_html_and_shortcodes():
    text = extract_markdown(MARKDOWN).text
    assert "據陝西省統計局消息，全省糧食總產量達到1323.7萬噸，比上年增長2.5%。" in text
    assert "example.com" not in text and "麥田" not in text and "video" not in text


def test_markdown_through_the_pipeline():
    doc = process(MARKDOWN, input_format="markdown")
    assert not doc.errors
    assert {q.text for q in doc.quantities} >= {"1323.7萬噸", "2.5%", "1450萬畝"}
    assert doc.metadata.date == "2023-12-28" and doc.metadata.date_origin == "front matter"
    assert any(d.reason == "caption" and d.text.startswith("農民在田間") for d in doc.dropped)
    assert not any(MARKUP_LEAK.search(s.text) for s in doc.sentences)


def test_markdown_without_front_matter_and_a_rule_line():
    page = extract_markdown("四川省经济平稳增长。\n\n---\n\n全年增长百分之六。\n")
    assert page.title is None and page.date is None
    assert page.text.splitlines() == ["四川省经济平稳增长。", "全年增长百分之六。"]


def test_folder_of_html_files_is_accepted(tmp_path):
    (tmp_path / "a.html").write_text(HTML, encoding="utf-8")
    (tmp_path / "b.htm").write_text("<p>山东省去年粮食产量<span>1100</span><span>亿斤</span>。</p>", encoding="gbk")
    result = _run(str(tmp_path))
    assert result.returncode == 0, result.stderr
    docs = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["id"] for d in docs] == ["a", "b"]
    assert "1100亿斤" in docs[1]["text"] and "<" not in docs[1]["text"]


def test_jsonl_line_with_html_and_markdown(tmp_path):
    path = tmp_path / "pages.jsonl"
    lines = [{"id": "p1", "html": "<p>甲地<b>42</b>亿元</p><script>x=1</script>"},
             {"id": "p2", "markdown": "---\ntitle: 乙地\n---\n乙地增长[5%](http://x)。\n"},
             {"id": "p3", "text": "<p>原样</p>"}]
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    result = _run(str(path))
    assert result.returncode == 0, result.stderr
    docs = {d["id"]: d for d in map(json.loads, result.stdout.splitlines())}
    assert docs["p1"]["text"] == "甲地42亿元"
    assert docs["p2"]["text"] == "乙地增长5%。" and docs["p2"]["metadata"]["title"] == "乙地"
    assert docs["p3"]["text"] == "<p>原样</p>"  # "text" is text, as written


def test_input_format_for_stdin():
    page = "<html><body><p>广西去年增长<span>5</span><span>%</span>。</p></body></html>".encode()
    doc = json.loads(_run("-", "--input-format", "html", stdin=page).stdout)
    assert doc["text"] == "广西去年增长5%。"
    plain = json.loads(_run("-", stdin=page).stdout)
    assert "<p>" in plain["text"]  # without it, standard input is text


def test_table_cells_are_never_joined_or_headings():
    page = ("<table><tr><td>员工总数（人）</td><td>290</td><td>295</td><td>296</td></tr>"
            "<tr><td>营业收入（万元）</td><td>50524.59</td><td>61348.77</td></tr></table>")
    doc = process(page, input_format="html")
    assert [s.text for s in doc.sentences] == ["员工总数（人）", "290", "295", "296", "营业收入（万元）", "50524.59", "61348.77"]
    assert not doc.sections and not any(s.heading for s in doc.sentences)
