"""Reliability of reading and writing: nothing lost, nothing crashes, ids never collide.

Every hostile input below yields its own record and never ends the batch; an output that
cannot be written ends the run with a clear message and exit 3; signals and closed pipes
end it quietly, and the workers with it.
"""
import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS, run_cli
from pipeline.cli import main
from pipeline.read import decode, iter_sources

SURROGATE_LINE = '{"id":"surr","text":"\\ud800 装机容量达到1.35亿千瓦。"}'
SEED = SEEDS / "000_0544cf6b74d84061.txt"


def jsonl(path: Path, *lines: str) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_bytes().splitlines()]


def run(*args: str) -> int:
    """The CLI in this process (the rules load once for the whole module)."""
    return main([*args, "--workers", "1"] if "--workers" not in args else list(args))


# 20.1 - a lone surrogate in a valid JSON line ------------------------------------------

@pytest.fixture
def surrogate_pages(tmp_path):
    return jsonl(tmp_path / "pages.jsonl",
                 '{"id":"before","text":"内蒙古新能源装机规模达到1.35亿千瓦。"}',
                 SURROGATE_LINE,
                 '{"id":"after","text":"广东省地区生产总值同比增长5.2%。"}')


@pytest.mark.parametrize("options", [[], ["--workers", "2"], ["--emit", "claims"]])
def test_a_lone_surrogate_costs_nothing_but_a_note(surrogate_pages, tmp_path, options):
    out = tmp_path / "out.jsonl"
    assert run(str(surrogate_pages), "-o", str(out), *options) == 0  # repaired: a warning, not an error
    rows = records(out)
    if "--emit" in options:
        assert {row["doc"] for row in rows} >= {"surr"}
        return
    assert [r["id"] for r in rows] == ["before", "surr", "after"]
    surr = rows[1]
    assert surr["text"].startswith("\ufffd ") and surr["quantities"]  # the amount is still read
    assert "lone surrogate" in surr["warnings"][0] and not surr["errors"]


def test_a_lone_surrogate_with_html_and_resume(surrogate_pages, tmp_path):
    report = tmp_path / "report"
    assert run(str(surrogate_pages), "--html", str(report)) == 0
    assert (report / "surr.html").exists() and (report / "after.html").exists()
    out = tmp_path / "out.jsonl"
    (tmp_path / "out.jsonl.partial").write_text('{"id":"before"}\n', encoding="utf-8")
    assert run(str(surrogate_pages), "-o", str(out), "--resume") == 0
    assert [r["id"] for r in records(out)] == ["before", "surr", "after"]


def test_a_lone_surrogate_on_stdin():
    result = run_cli("-", stdin=(SURROGATE_LINE + "\n" + '{"id":"next","text":"第二篇。"}\n').encode())
    assert b"Traceback" not in result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["surr", "next"]


def test_a_lone_surrogate_in_an_id_is_replaced_too(tmp_path):
    path = jsonl(tmp_path / "p.jsonl", '{"id":"x\\udc80","text":"第一篇。"}')
    (source,) = iter_sources([str(path)])
    assert source.id == "x\ufffd" and "surrogate" in source.warnings[0]


def test_a_file_name_that_is_not_utf8_gives_a_writable_record(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / os.fsdecode(b"\xff\xfe.txt")).write_text("第一篇。", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert run(str(folder), "-o", str(out)) == 0
    assert records(out)[0]["id"] == "\\xff\\xfe"


# 20.2 - one bad byte costs one line -----------------------------------------------------

def test_one_bad_byte_in_a_jsonl_file_costs_only_its_line(tmp_path):
    path = tmp_path / "pages.jsonl"
    lines = [json.dumps({"id": f"d{i}", "text": f"第{i}篇，产量增长{i}%。"}, ensure_ascii=False).encode()
             for i in range(1, 202)]
    lines[100] = lines[100].replace("篇".encode(), b"\xff", 1)
    path.write_bytes(b"\n".join(lines) + b"\n")
    docs = list(iter_sources([str(path)]))
    assert len(docs) == 201
    assert docs[100].id == f"{path}:101" and "not UTF-8" in docs[100].error
    assert [d.id for d in docs[101:]] == [f"d{i}" for i in range(102, 202)]
    assert all(d.error is None for i, d in enumerate(docs) if i != 100)


def test_one_bad_byte_on_stdin_costs_only_its_line():
    data = b'{"id":"a","text":"\xe7\xac\xac\xff"}\n{"id":"b","text":"\xe7\xac\xac\xe4\xb8\x80\xe3\x80\x82"}\n'
    result = run_cli("-", stdin=data)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["<stdin>:1", "b"] and "not UTF-8" in rows[0]["errors"][0]


# 20.6 - nothing vanishes ------------------------------------------------------------------

def test_a_dangling_symlink_in_a_folder_or_glob_is_an_error_record(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("好的一段文字。", encoding="utf-8")
    (folder / "gone.txt").symlink_to(tmp_path / "missing.txt")
    for given in (str(folder), str(folder / "*.txt")):
        docs = list(iter_sources([given]))
        assert [d.id for d in docs] == ["gone", "good"]
        assert "cannot read" in docs[0].error and docs[1].error is None


def test_resume_never_drops_a_document_whose_id_repeats(tmp_path):
    pages = jsonl(tmp_path / "pages.jsonl", '{"id":"a","text":"第一篇。"}', '{"id":"a","text":"第二篇。"}',
                  '{"id":"b","text":"第三篇。"}')
    out = tmp_path / "out.jsonl"
    run(str(pages), "-o", str(out))
    full = out.read_bytes()
    first = full.splitlines(keepends=True)[0]
    out.unlink()
    (tmp_path / "out.jsonl.partial").write_bytes(first)  # killed after the first "a"
    run(str(pages), "-o", str(out), "--resume")
    assert out.read_bytes() == full
    assert [r["id"] for r in records(out)] == ["a", "a#2", "b"]


# 20.7 - the output never destroys an input -----------------------------------------------

@pytest.mark.parametrize("layout", ["same-jsonl", "same-txt", "inside-folder", "glob"])
@pytest.mark.parametrize("resume", [False, True])
def test_an_output_that_is_an_input_is_refused(tmp_path, capsys, layout, resume):
    jsonl(tmp_path / "in.jsonl", '{"id":"a","text":"第一篇。"}')
    (tmp_path / "page.txt").write_text("第一篇。", encoding="utf-8")
    given, output = {"same-jsonl": ("in.jsonl", "in.jsonl"), "same-txt": ("page.txt", "page.txt"),
                     "inside-folder": (".", "sub/out.jsonl"), "glob": ("*.jsonl", "out.jsonl")}[layout]
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    code = run(str(tmp_path / given), "-o", str(tmp_path / output), *(["--resume"] if resume else []))
    assert code == 2
    assert "error: output" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_gold_and_review_folders_inside_an_input_folder_are_refused(tmp_path):
    (tmp_path / "page.txt").write_text("第一篇。", encoding="utf-8")
    assert run(str(tmp_path), "--emit", "gold", "-o", str(tmp_path / "pred")) == 2
    assert run(str(tmp_path), "--html", str(tmp_path / "report")) == 2
    assert run(str(tmp_path / "page.txt"), "-o", str(tmp_path / "out.jsonl")) == 0  # beside it is fine


# 20.8 - an output that cannot be written ---------------------------------------------------

def test_dev_full_is_a_clear_error_with_exit_3(capsys):
    assert run(str(SEED), "-o", "/dev/full") == 3
    err = capsys.readouterr().err
    assert err.startswith("error: cannot write /dev/full: No space left on device")


def test_standard_output_on_a_full_device_is_exit_3():
    with open("/dev/full", "wb") as full:
        result = subprocess.run([sys.executable, "-m", "pipeline", str(SEED)], stdout=full, stderr=subprocess.PIPE,
                                cwd=ROOT, timeout=300)
    assert result.returncode == 3
    assert result.stderr.decode().strip() == "error: cannot write standard output: No space left on device"


def test_an_output_folder_that_is_a_file_names_the_path(tmp_path, capsys):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert run(str(SEED), "-o", str(tmp_path / "file" / "out.jsonl")) == 3
    assert f"error: cannot write {tmp_path / 'file'}: Not a directory" in capsys.readouterr().err


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_exit_3(tmp_path, capsys):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        assert run(str(SEED), "-o", str(folder / "out.jsonl")) == 3
        assert "Permission denied" in capsys.readouterr().err
    finally:
        folder.chmod(0o755)


def test_a_full_disk_leaves_a_partial_of_whole_records_that_resume_completes(tmp_path):
    out = tmp_path / "out.jsonl"
    reference = tmp_path / "ref.jsonl"
    assert run(str(SEEDS), "-o", str(reference)) == 0
    limit = len(reference.read_bytes()) // 2  # the disk fills in the middle of a record

    def full_disk():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    result = subprocess.run([sys.executable, "-m", "pipeline", str(SEEDS), "-o", str(out), "--workers", "1"],
                            preexec_fn=full_disk, capture_output=True, cwd=ROOT, timeout=300)
    assert result.returncode == 3, result.stderr.decode()
    assert b"Traceback" not in result.stderr
    assert result.stderr.decode().startswith(f"error: cannot write {out}.partial: File too large")
    partial = (tmp_path / "out.jsonl.partial").read_bytes()
    assert partial and partial.endswith(b"\n") and reference.read_bytes().startswith(partial)
    assert not out.exists()
    assert run(str(SEEDS), "-o", str(out), "--resume") == 0
    assert out.read_bytes() == reference.read_bytes()


# 20.9 - signals ------------------------------------------------------------------------

def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pids: set[int], wait: float = 10.0) -> list[int]:
    """Which of ``pids`` still run after up to ``wait`` seconds (zombies do not count)."""
    deadline = time.monotonic() + wait
    while True:
        alive = []
        for pid in pids:
            try:
                state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if state != "Z":
                alive.append(pid)
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.05)


@pytest.fixture(scope="module")
def long_corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("long")
    text = (SEEDS / "004_0f4444790c5edb1c.txt").read_text(encoding="utf-8")
    for i in range(400):
        (folder / f"p{i:03d}.txt").write_text(f"第{i}期\n\n{text}", encoding="utf-8")
    return folder


def _start_busy(corpus: Path, out: Path) -> subprocess.Popen:
    """The CLI with two workers, once both are busy and a record is written."""
    process = subprocess.Popen([sys.executable, "-m", "pipeline", str(corpus), "-o", str(out), "--workers", "2"],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    partial = out.with_name(out.name + ".partial")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if partial.exists() and partial.stat().st_size and len(_children(process.pid)) >= 2:
            return process
        time.sleep(0.05)
    process.kill()
    pytest.fail("the run ended before it could be interrupted")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers die with their parent on Linux")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_workers_die_with_their_parent(long_corpus, tmp_path, sig):
    process = _start_busy(long_corpus, tmp_path / "out.jsonl")
    workers = _children(process.pid)
    process.send_signal(sig)
    process.wait(timeout=30)
    alive = _alive(workers)
    for pid in alive:
        os.kill(pid, signal.SIGKILL)
    assert not alive, "orphan workers"


def test_ctrl_c_ends_with_one_line_and_130(long_corpus, tmp_path):
    out = tmp_path / "out.jsonl"
    process = _start_busy(long_corpus, out)
    workers = _children(process.pid)
    process.send_signal(signal.SIGINT)
    err = process.communicate(timeout=60)[1].decode()
    assert process.returncode == 130
    assert "Traceback" not in err and err.strip().splitlines() == [
        f"interrupted: the documents done are in {out}.partial, --resume continues"]
    assert not _alive(workers)


# 20.10 - smaller -------------------------------------------------------------------------

UTF16_TEXT = "内蒙古自治区新能源装机规模达到1.35亿千瓦。\n第二段，同比增长52.22%。\n"


@pytest.mark.parametrize("text", [UTF16_TEXT, "国家统计局发布公告。\n", "Revenue rose 5% in 2024.\n"])
@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark(text, encoding):
    assert decode(text.encode(encoding)) == (text, encoding)


@pytest.mark.parametrize("encoding", ["gb18030", "big5", "utf-8"])
def test_other_encodings_are_not_taken_for_utf16(encoding):
    text = "內蒙古自治區新能源裝機規模達到一億千瓦，同比增長百分之五十。" * 3
    data = text.encode(encoding)
    assert decode(data)[0] == text


def test_a_fifo_in_a_folder_is_skipped_with_a_record(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "pipe.txt")
    (folder / "real.txt").write_text("真的文字。", encoding="utf-8")
    result = run_cli(str(folder), "--workers", "1")  # would block for ever if the FIFO were opened
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["pipe", "real"]
    assert "FIFO, not a regular file" in rows[0]["errors"][0] and not rows[1]["errors"]


def test_nul_is_binary_in_a_file_and_in_a_jsonl_text_alike(tmp_path):
    (tmp_path / "nul.txt").write_bytes("第一篇\x00文字。".encode())
    jsonl(tmp_path / "nul.jsonl", '{"id":"j","text":"第一篇\\u0000文字。"}')
    docs = list(iter_sources([str(tmp_path / "nul.txt"), str(tmp_path / "nul.jsonl")]))
    assert [d.id for d in docs] == ["nul", "j"]
    assert all(d.text is None and "binary data (NUL" in d.error for d in docs)


@pytest.mark.parametrize("given,expected", [
    ('"x1"', "x1"), ("12", "12"), ("1.5", "1.5"), ("true", "true"), ('[1, "a"]', '[1,"a"]'),
    ('{"k": 1}', '{"k":1}'), ("0", "0"), ("null", "{path}:1"), ('""', "{path}:1"),
])
def test_jsonl_ids_are_strings_as_given_or_json(tmp_path, given, expected):
    path = jsonl(tmp_path / "p.jsonl", f'{{"id": {given}, "text": "第一篇。"}}')
    (source,) = iter_sources([str(path)])
    assert source.id == expected.replace("{path}", str(path))


def test_gold_files_get_the_mode_of_the_main_output(tmp_path):
    def umask():
        os.umask(0o027)

    for args in (["-o", str(tmp_path / "out.jsonl")], ["--emit", "gold", "-o", str(tmp_path / "pred")]):
        subprocess.run([sys.executable, "-m", "pipeline", str(SEED), *args], preexec_fn=umask, cwd=ROOT,
                       capture_output=True, timeout=300, check=True)
    modes = {p.name: p.stat().st_mode & 0o777 for p in [tmp_path / "out.jsonl", *(tmp_path / "pred").iterdir()]}
    assert set(modes.values()) == {0o640}, modes


# 18.5 - ids unique within a run ------------------------------------------------------------

@pytest.fixture
def archive(tmp_path):
    root = tmp_path / "arch"
    for day, name in [("2023-01-01", "page1"), ("2023-01-01", "page2"), ("2023-01-02", "page1"),
                      ("2023-01-02", "solo")]:
        (root / day).mkdir(parents=True, exist_ok=True)
        (root / day / f"{name}.txt").write_text(f"{day}{name}：产量增长5%。", encoding="utf-8")
    return root


def test_colliding_stems_get_their_path_below_the_input_root(archive):
    ids = [s.id for s in iter_sources([str(archive)])]
    assert ids == ["2023-01-01/page1", "page2", "2023-01-02/page1", "solo"]
    globbed = [s.id for s in iter_sources([str(archive / "**" / "*.txt")])]
    assert globbed == ids
    named = [s.id for s in iter_sources([str(archive / "2023-01-01" / "page1.txt"),
                                         str(archive / "2023-01-02" / "page1.txt")])]
    assert named == [str(archive / "2023-01-01" / "page1"), str(archive / "2023-01-02" / "page1")]


def test_the_same_file_named_twice_gets_two_ids(archive):
    one = str(archive / "2023-01-02" / "solo.txt")
    sources = list(iter_sources([one, one]))
    assert [s.id for s in sources] == [str(archive / "2023-01-02" / "solo"), str(archive / "2023-01-02" / "solo#2")]
    assert "renamed" in sources[1].warnings[0]


def test_resume_over_an_archive_uses_the_same_ids(archive, tmp_path):
    out = tmp_path / "out.jsonl"
    assert run(str(archive), "-o", str(out)) == 0
    full = out.read_bytes()
    out.unlink()
    (tmp_path / "out.jsonl.partial").write_bytes(full.splitlines(keepends=True)[0])
    assert run(str(archive), "-o", str(out), "--resume") == 0
    assert out.read_bytes() == full
    assert [r["id"] for r in records(out)] == ["2023-01-01/page1", "page2", "2023-01-02/page1", "solo"]


def test_gold_output_keeps_colliding_documents_apart(archive, tmp_path):
    assert run(str(archive), "--emit", "gold", "-o", str(tmp_path / "pred")) == 0
    docs = [r["doc"] for r in records(tmp_path / "pred" / "sentences.jsonl")]
    assert docs == ["2023-01-01/page1", "page2", "2023-01-02/page1", "solo"]


def test_two_jsonl_lines_with_one_id_are_both_processed(tmp_path):
    pages = jsonl(tmp_path / "pages.jsonl", '{"id":"a","text":"第一篇。"}', '{"id":"a","text":"第二篇。"}',
                  '{"id":"a#2","text":"第三篇。"}')
    out = tmp_path / "out.jsonl"
    assert run(str(pages), "-o", str(out)) == 0  # the renames are warnings in the records
    rows = records(out)
    assert [(r["id"], r["text"]) for r in rows] == [("a", "第一篇。"), ("a#2", "第二篇。"), ("a#2#2", "第三篇。")]
    assert not rows[0]["warnings"] and not any(r["errors"] for r in rows)
    assert "id 'a' already used in this run: renamed 'a#2'" in rows[1]["warnings"][0]


def test_stems_that_do_not_collide_stay_the_ids(tmp_path):
    assert [s.id for s in iter_sources([str(SEEDS)])] == sorted(p.stem for p in SEEDS.glob("*.txt"))


# 18.7 - Unix manners -------------------------------------------------------------------

@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_closed_pipe_ends_quietly_with_0(workers):
    process = subprocess.Popen([sys.executable, "-m", "pipeline", str(SEEDS), "--workers", workers], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = process.stdout.readline()  # | head -1
    process.stdout.close()
    err = process.stderr.read()
    assert process.wait(timeout=120) == 0
    assert json.loads(first)["id"] and err == b""


def test_emit_gold_to_a_file_is_bad_usage(tmp_path):
    existing = tmp_path / "x.jsonl"
    existing.write_text("keep\n", encoding="utf-8")
    for target in (existing, tmp_path / "new.jsonl"):
        with pytest.raises(SystemExit) as stop:
            run(str(SEED), "--emit", "gold", "-o", str(target))
        assert stop.value.code == 2
    assert existing.read_text(encoding="utf-8") == "keep\n" and not (tmp_path / "new.jsonl").exists()


def test_documents_to_a_folder_is_bad_usage(tmp_path):
    with pytest.raises(SystemExit) as stop:
        run(str(SEED), "-o", str(tmp_path))
    assert stop.value.code == 2


def test_a_failure_that_escapes_the_stages_is_that_documents_record(tmp_path, monkeypatch):
    import pipeline.cli as cli

    real = cli.process_source

    def fragile(source):
        if source.id == "bad" and source.text is not None:
            raise RecursionError("maximum recursion depth exceeded")
        return real(source)

    monkeypatch.setattr(cli, "process_source", fragile)
    pages = jsonl(tmp_path / "pages.jsonl", '{"id":"bad","text":"第一篇。"}', '{"id":"good","text":"第二篇。"}')
    out = tmp_path / "out.jsonl"
    assert run(str(pages), "-o", str(out)) == 1
    rows = records(out)
    assert [r["id"] for r in rows] == ["bad", "good"]
    assert rows[0]["errors"] == ["pipeline: RecursionError: maximum recursion depth exceeded"] and not rows[1]["errors"]
