"""The batch CLI: inputs, outputs, exit codes, schema, atomic writes."""
import json

from conftest import SEEDS, run_cli


def test_seeds_give_one_record_per_document():
    result = run_cli(str(SEEDS))
    assert result.returncode == 0, result.stderr.decode()
    records = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [r["id"] for r in records] == sorted(p.stem for p in SEEDS.glob("*.txt"))
    assert all(r["sentences"] and not r["errors"] for r in records)


def test_glob_and_file_inputs(tmp_path):
    result = run_cli(str(SEEDS / "00[01]_*.txt"))
    assert len(result.stdout.decode().splitlines()) == 2


def test_output_file_is_written_atomically_and_nothing_on_stdout(tmp_path):
    out = tmp_path / "out.jsonl"
    result = run_cli(str(SEEDS), "-o", str(out))
    assert result.returncode == 0 and result.stdout == b""
    assert len(out.read_text(encoding="utf-8").splitlines()) == 5
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]  # no temporary file left


def test_a_failed_run_leaves_no_partial_output(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text("previous content\n", encoding="utf-8")
    result = run_cli("--no-such-option", str(SEEDS), "-o", str(out))
    assert result.returncode == 2
    assert out.read_text(encoding="utf-8") == "previous content\n"


def test_usage_errors_exit_2():
    assert run_cli().returncode == 2
    assert run_cli("does/not/exist.txt").returncode == 2
    assert run_cli(str(SEEDS), "--emit", "gold").returncode == 2  # needs -o DIR


def test_help_explains_every_option_with_examples():
    text = run_cli("--help").stdout.decode()
    for option in ("--output", "--emit", "--progress", "--schema", "examples:", "exit status"):
        assert option in text


def test_schema_describes_one_output_line():
    schema = json.loads(run_cli("--schema").stdout)
    assert schema["title"] == "Document"
    assert {"id", "text", "sentences", "dropped", "quantities", "entities", "claims", "errors"} <= set(schema["properties"])


def test_emit_gold_writes_the_four_files(tmp_path):
    result = run_cli(str(SEEDS), "--emit", "gold", "-o", str(tmp_path / "pred"))
    assert result.returncode == 0
    assert sorted(p.name for p in (tmp_path / "pred").iterdir()) == [
        "claims.jsonl", "entities.jsonl", "quantities.jsonl", "sentences.jsonl"]


def test_progress_bar_only_when_asked_or_on_a_terminal(tmp_path):
    quiet = run_cli(str(SEEDS), "-o", str(tmp_path / "a.jsonl"))
    assert b"file" not in quiet.stderr
    loud = run_cli(str(SEEDS), "-o", str(tmp_path / "b.jsonl"), "--progress")
    assert b"5/5" in loud.stderr


def test_library_gives_the_same_records_as_the_cli():
    import pipeline

    cli = [json.loads(line) for line in run_cli(str(SEEDS)).stdout.decode().splitlines()]
    lib = [json.loads(doc.model_dump_json()) for doc in pipeline.process_files([SEEDS])]
    assert cli == lib
    text = (SEEDS / "004_0f4444790c5edb1c.txt").read_text(encoding="utf-8")
    one = pipeline.process(text, doc_id="004_0f4444790c5edb1c", source=str(SEEDS / "004_0f4444790c5edb1c.txt"))
    one.encoding = "utf-8"
    assert json.loads(one.model_dump_json()) == cli[-1]


def test_html_review_pages_from_the_cli(tmp_path):
    report = tmp_path / "report"
    result = run_cli(str(SEEDS), "--html", str(report), "--gold", "gold", "--workers", "1")
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout == b""  # the pages are the output
    pages = sorted(p.name for p in report.iterdir())
    assert pages == sorted([p.stem + ".html" for p in SEEDS.glob("*.txt")] + ["index.html"])
    index = (report / "index.html").read_text(encoding="utf-8")
    assert "F1" in index and "004_0f4444790c5edb1c" in index


def test_gold_without_html_is_bad_usage():
    assert run_cli(str(SEEDS), "--gold", "gold").returncode == 2
