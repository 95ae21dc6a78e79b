"""Rows an analyst can use: claim, quantity and entity rows that stand alone, CSV and
Parquet tables that DuckDB reads back as the JSON lines, schemas, the summary line, the
choice of workers, and the README's worked example."""
from __future__ import annotations

import argparse
import csv
import io
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

import pipeline
from pipeline.cli import POOL_MIN_BYTES, choose_workers
from pipeline.parallel import default_workers
from pipeline.rows import ROW_MODELS, claim_rows, columns, entity_rows, quantity_rows, split_written

from conftest import ROOT, SEEDS, run_cli

SEED = SEEDS / "004_0f4444790c5edb1c.txt"

# A page of our own: a caption that cleaning drops, a heading, a paragraph cut by a column
# break, so that cleaned and raw offsets differ.
PAGE = (
    "图为风电场 张三 摄\n\n"
    "内蒙古能源发展观察\n\n"
    "2024年，内蒙古新能源装机达到1.35亿千瓦，同比增长12.5%，全区粮食产量达\n"
    "800亿斤，较上年增加20亿斤。\n\n"
    "全国规模以上工业增加值同比增长6.1%。\n"
)


@pytest.fixture(scope="module")
def page():
    return pipeline.process(PAGE, doc_id="page", source="page.txt")


@pytest.mark.parametrize(("written", "number", "rest"), [
    ("80万亩", "80", "万亩"),
    ("1.35亿千瓦", "1.35", "亿千瓦"),
    ("2.6万亿元", "2.6", "万亿元"),
    ("1-2亿元", "1-2", "亿元"),
    ("3000至5000万元", "3000至5000", "万元"),
    ("1000亿—1200亿元", "1000亿—1200亿", "元"),
    ("-12.9%", "-12.9", "%"),
    ("−3.5个百分点", "−3.5", "个百分点"),
    ("20多个", "20", "多个"),
    ("十几万吨", "十几", "万吨"),
    ("5亿港元", "5", "亿港元"),
    ("701台", "701", "台"),
    ("第20位", "20", "第位"),
    ("首位", "", "首位"),
])
def test_the_number_and_the_unit_as_written(written, number, rest):
    assert split_written(written) == (number, rest)


def test_a_claim_row_carries_every_field(page):
    rows = list(claim_rows(page))
    assert rows, page.claims
    for row in rows:
        assert list(row) == columns("claims")
        ROW_MODELS["claims"].model_validate(row)
        assert row["doc"] == "page" and row["source"] == "page.txt"
        sentence = page.sentences[row["sentence_index"]]
        assert row["sentence"] == sentence.text
        assert page.text[row["sentence_start"]:row["sentence_end"]] == sentence.text
        assert page.text[row["start"]:row["end"]] == row["quantity"]
        assert row["number_text"] and row["number_text"] in row["quantity"]
    capacity = next(r for r in rows if r["quantity"] == "1.35亿千瓦")
    assert (capacity["number_text"], capacity["unit_text"]) == ("1.35", "亿千瓦")
    assert capacity["value"] == 135_000_000 and capacity["unit"] == "kW"
    assert capacity["subject_id"] == "adm:150000" and capacity["subject_name"] == "内蒙古自治区"
    assert capacity["section"] == "内蒙古能源发展观察"
    assert capacity["time"] == "2024" and capacity["kind"] == "level"


def test_offsets_slice_back_to_the_raw_input(page):
    # the caption is dropped and the column break joined: raw and cleaned offsets differ
    for rows in (claim_rows(page), quantity_rows(page), entity_rows(page)):
        for row in rows:
            span = page.text[row["start"]:row["end"]]
            assert PAGE[row["raw_start"]:row["raw_end"]] == span, row
    joined = next(r for r in quantity_rows(page) if r["text"] == "800亿斤")
    assert joined["raw_start"] != joined["start"]


def test_rows_of_every_kind_are_one_per_item_in_text_order(page):
    quantities = list(quantity_rows(page))
    assert [r["text"] for r in quantities] == [q.text for q in page.quantities]
    mentions = list(entity_rows(page))
    assert len(mentions) == sum(len(e.mentions) for e in page.entities)
    assert [r["start"] for r in mentions] == sorted(r["start"] for r in mentions)
    china = [r for r in mentions if r["entity_id"] == "iso:CN"]
    assert china and all(r["text"] in r["sentence"] for r in china)


def test_row_ids_are_stable_and_unique():
    first = pipeline.process(PAGE, doc_id="page")
    again = pipeline.process(PAGE, doc_id="page")
    other = pipeline.process(PAGE, doc_id="other")
    for make, key in ((claim_rows, "claim_id"), (quantity_rows, "quantity_id"), (entity_rows, "mention_id")):
        ids = [r[key] for r in make(first)]
        assert ids == [r[key] for r in make(again)]
        assert len(set(ids)) == len(ids)
        assert not set(ids) & {r[key] for r in make(other)}


def test_a_page_date_flows_into_every_row(page):
    dated = page.model_copy(deep=True)
    dated.metadata.date = "2024-03-05"
    for rows in (claim_rows(dated), quantity_rows(dated), entity_rows(dated)):
        assert {r["date"] for r in rows} == {"2024-03-05"}


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("kind", ["claims", "quantities", "entities"])
def test_csv_and_parquet_hold_the_rows_of_the_json_lines(tmp_path, kind):
    duckdb = pytest.importorskip("duckdb")
    outputs = {}
    for fmt in ("jsonl", "csv", "parquet"):
        target = tmp_path / f"{kind}.{fmt}"
        result = run_cli(str(SEED), "--emit", kind, "--format", fmt, "-o", str(target), "--workers", "1", "-q")
        assert result.returncode == 0, result.stderr.decode()
        outputs[fmt] = target
    expected = _jsonl(outputs["jsonl"])
    assert expected
    names = columns(kind)
    con = duckdb.connect()
    from_parquet = con.execute(f"SELECT * FROM read_parquet('{outputs['parquet']}')")
    assert [d[0] for d in from_parquet.description] == names
    parquet_rows = [dict(zip(names, row)) for row in from_parquet.fetchall()]
    from_csv = con.execute(f"SELECT * FROM read_csv('{outputs['csv']}', header=true, all_varchar=true)")
    csv_rows = [dict(zip(names, row)) for row in from_csv.fetchall()]
    assert len(parquet_rows) == len(csv_rows) == len(expected)
    for want, got_parquet, got_csv in zip(expected, parquet_rows, csv_rows):
        assert got_parquet == want
        for name in names:  # CSV is text: compare what it says
            value = want[name]
            if value is None or value == "":  # an empty cell: null or empty text
                assert got_csv[name] is None
            elif isinstance(value, float):
                assert float(got_csv[name]) == pytest.approx(value)
            else:
                assert got_csv[name] == str(value)


def test_csv_to_standard_output_starts_with_its_header():
    result = run_cli(str(SEED), "--emit", "quantities", "--format", "csv", "--workers", "1", "-q")
    assert result.returncode == 0
    lines = list(csv.reader(io.StringIO(result.stdout.decode())))
    assert lines[0] == columns("quantities") and len(lines) > 10


@pytest.mark.parametrize("kind", ["claims", "quantities", "entities"])
def test_the_schema_of_a_row_validates_every_emitted_row(kind):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(run_cli("--schema", kind).stdout)
    assert list(schema["properties"]) == columns(kind)
    result = run_cli(str(SEED), "--emit", kind, "--workers", "1", "-q")
    rows = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert rows
    validator = jsonschema.Draft202012Validator(schema)
    for row in rows:
        validator.validate(row)
    broken = {**rows[0], "start": "here"}
    assert not validator.is_valid(broken)


def test_the_document_schema_is_still_the_default():
    schema = json.loads(run_cli("--schema").stdout)
    assert "sentences" in schema["properties"] and "claims" in schema["properties"]


@pytest.mark.parametrize("options", [
    ["--emit", "documents", "--format", "csv"],
    ["--emit", "gold", "--format", "parquet", "-o", "pred"],
    ["--emit", "claims", "--format", "parquet"],  # Parquet needs a file
    ["--emit", "claims", "--format", "csv", "-o", "x.csv", "--resume"],
])
def test_formats_that_do_not_fit_are_usage_errors(tmp_path, options):
    result = run_cli(str(SEED), *options, cwd=tmp_path)
    assert result.returncode == 2
    assert b"--format" in result.stderr or b"--resume" in result.stderr


def test_parquet_without_pyarrow_says_how_to_install_it(tmp_path):
    code = ("import sys; sys.modules['pyarrow'] = None; sys.modules['pyarrow.parquet'] = None\n"
            "from pipeline.cli import main\n"
            f"sys.exit(main([{str(SEED)!r}, '--emit', 'claims', '--format', 'parquet', '-o', 'c.parquet']))")
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, timeout=300,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 2
    assert b"pip install" in result.stderr and b"pyarrow" in result.stderr
    assert not (tmp_path / "c.parquet").exists()


SUMMARY_WORDS = (b"documents", b"with errors", b"sentences", b"quantities", b"entities", b"claims",
                 b"characters/s")


def test_the_summary_line_goes_to_a_pipe_and_not_with_quiet():
    loud = run_cli(str(SEED), "-o", os.devnull, "--workers", "1")
    last = loud.stderr.decode().strip().splitlines()[-1].encode()
    assert all(word in last for word in SUMMARY_WORDS), last
    assert last.startswith(b"1 document")
    quiet = run_cli(str(SEED), "-o", os.devnull, "--workers", "1", "--quiet")
    assert quiet.returncode == 0 and b"documents" not in quiet.stderr


def test_the_summary_line_goes_to_a_terminal():
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "pipeline", str(SEED), "-o", os.devnull, "--workers", "1",
                                "--no-progress"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closes when the process ends
            break
        if not chunk:
            break
        seen += chunk
    assert process.wait(timeout=300) == 0
    assert all(word in seen for word in SUMMARY_WORDS), seen


def _args(inputs: list[str], workers: int | None = None) -> argparse.Namespace:
    return argparse.Namespace(inputs=inputs, workers=workers)


def test_a_pool_only_for_large_inputs(tmp_path):
    small = tmp_path / "small.txt"
    small.write_text("内蒙古新能源装机达到1.35亿千瓦。", encoding="utf-8")
    large = tmp_path / "large.jsonl"
    with large.open("wb") as handle:  # the decision reads the size only
        handle.truncate(POOL_MIN_BYTES)
    assert choose_workers(_args([str(small)])) == 1
    assert choose_workers(_args(["-"])) == 1
    assert choose_workers(_args([str(large)])) == default_workers()
    assert choose_workers(_args([str(tmp_path)])) == default_workers()  # a folder: its files count
    assert choose_workers(_args([str(small)], workers=2)) == 2


def test_the_output_documentation_names_every_column():
    text = (ROOT / "docs" / "output.md").read_text(encoding="utf-8")
    for kind in ROW_MODELS:
        missing = [name for name in columns(kind) if f"`{name}`" not in text]
        assert not missing, f"docs/output.md does not describe {kind} columns {missing}"


def test_help_and_readme_point_inside_the_repository():
    help_text = run_cli("--help").stdout.decode()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for text in (help_text, readme):
        assert "shared/spec" not in text
    assert "docs/gold-format.md" in help_text and "docs/output.md" in help_text
    for name in ("docs/gold-format.md", "docs/output.md"):
        assert (ROOT / name).is_file() and name in readme


def test_the_readme_example_prints_what_the_readme_shows():
    pytest.importorskip("duckdb")
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import readme_example
    finally:
        sys.path.remove(str(ROOT / "tools"))
    block = readme_example.block()
    assert block in (ROOT / "README.md").read_text(encoding="utf-8"), \
        "README's example is out of date: python tools/readme_example.py --write"
    assert "内蒙古自治区" in block
