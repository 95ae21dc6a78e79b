"""Reading: encodings, line ends and every kind of bad input give a clear record."""
import json
import resource

import pytest

from pipeline.read import ReadError, decode, read_file
from pipeline import process_files
from conftest import ROOT, run_cli

TEXT = "內蒙古自治區新能源裝機規模達到1.35億千瓦。\n第二段，同比增長52.22%。\n"
SIMPLIFIED = "内蒙古自治区新能源装机规模达到1.35亿千瓦。\n第二段，同比增长52.22%。\n"


@pytest.mark.parametrize("encoding,text", [
    ("utf-8", SIMPLIFIED),
    ("utf-8-sig", SIMPLIFIED),
    ("utf-16", SIMPLIFIED),
    ("utf-16-le", None),
    ("gb18030", SIMPLIFIED),
    ("gbk", SIMPLIFIED),
    ("gb2312", SIMPLIFIED),
    ("big5", TEXT),
    ("utf-8", TEXT),
])
def test_decodes_to_the_same_text(encoding, text):
    if text is None:  # UTF-16 with an explicit little-endian BOM
        data = b"\xff\xfe" + SIMPLIFIED.encode("utf-16-le")
        text = SIMPLIFIED
    else:
        data = text.encode(encoding)
    decoded, _ = decode(data)
    assert decoded == text


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"])
def test_line_ends_give_the_same_paragraphs(newline):
    import pipeline

    text = "第一段文字在这里结束。" + newline + newline + "第二段文字也结束了。" + newline
    doc = pipeline.process(text, doc_id="x")
    assert [s.text for s in doc.sentences] == ["第一段文字在这里结束。", "第二段文字也结束了。"]


def test_binary_file_is_reported(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(bytes(range(256)) * 8)
    source = read_file(path)
    assert source.text is None and "binary" in source.error and str(path) in source.error


def test_undecodable_bytes_are_reported():
    with pytest.raises(ReadError, match="not decodable|binary"):
        decode(b"plain text then " + b"\xff\x80\xff" * 5)


def test_empty_and_blank_files_are_reported(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text(" \n\n\u3000\n", encoding="utf-8")
    docs = list(process_files([tmp_path]))
    assert [d.id for d in docs] == ["blank", "empty"]
    assert all(d.errors and "empty" in d.errors[0] for d in docs)


def test_unreadable_path_is_an_error_record_and_others_still_come_out(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("好的一段文字。", encoding="utf-8")
    locked = tmp_path / "locked.txt"
    locked.write_text("看不到。", encoding="utf-8")
    locked.chmod(0)
    try:
        import os

        if os.geteuid() == 0:  # root reads anything: use a dangling symlink instead
            locked.chmod(0o644)
            locked.unlink()
            locked.symlink_to(tmp_path / "missing-target.txt")
        result = run_cli(str(good), str(locked))
    finally:
        if locked.exists():
            locked.chmod(0o644)
    lines = [json.loads(l) for l in result.stdout.decode().splitlines()]
    assert result.returncode == 1
    assert [l["id"] for l in lines] == ["good", "locked"]
    assert not lines[0]["errors"] and "cannot read" in lines[1]["errors"][0]
    assert "locked" in result.stderr.decode()


def test_folder_without_text_files_is_bad_usage(tmp_path):
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    result = run_cli(str(tmp_path))
    assert result.returncode == 2
    assert "no .txt" in result.stderr.decode() and str(tmp_path) in result.stderr.decode()


def test_jsonl_input_with_a_bad_line(tmp_path):
    path = tmp_path / "pages.jsonl"
    path.write_text('{"id": "a", "text": "第一篇。"}\nnot json\n{"id": "c", "text": ""}\n', encoding="utf-8")
    docs = list(process_files([path]))
    assert [d.id for d in docs] == ["a", f"{path}:2", "c"]
    assert not docs[0].errors and "not valid JSON" in docs[1].errors[0] and "empty" in docs[2].errors[0]


def test_stdin_plain_text():
    result = run_cli("-", stdin="从标准输入来的文字。".encode("gb18030"))
    record = json.loads(result.stdout)
    assert result.returncode == 0 and record["id"] == "stdin"
    assert record["sentences"][0]["text"] == "从标准输入来的文字。"


def test_50mb_single_line_file_is_processed_with_bounded_memory(tmp_path):
    path = tmp_path / "huge.txt"
    import pipeline

    # One line, no newline: the seeds' sentences, each made unique by a running number
    # (so that duplicate removal does not shrink the work).
    sentences = [s.text for d in pipeline.process_files([ROOT / "seeds"]) for s in d.sentences if not s.heading]
    with path.open("w", encoding="utf-8") as handle:
        i = 0
        while handle.tell() < 50_000_000:
            handle.write(f"（{i}）{sentences[i % len(sentences)]}")
            i += 1
    assert path.stat().st_size >= 50_000_000
    out = tmp_path / "out.jsonl"
    import subprocess, sys

    probe = ("import resource,subprocess,sys;"
             f"r=subprocess.run([sys.executable,'-m','pipeline',{str(path)!r},'-o',{str(out)!r}]);"
             "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=900,
                            cwd=str(__import__("conftest").ROOT))
    code, peak_kb = map(int, result.stdout.split())
    assert code == 0, result.stderr
    assert out.stat().st_size > 50_000_000
    # Bounded: a small multiple of the input, not quadratic and not gigabytes.
    assert peak_kb < 4_000_000, f"peak RSS {peak_kb / 1024:.0f} MB"
