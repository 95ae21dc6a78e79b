"""Scale: --workers keeps output and order, --resume continues a killed run without duplicates."""
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import ROOT, SEEDS, run_cli

N_DOCS = 200


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """~200 small pages made of seed paragraphs, each page a different selection."""
    folder = tmp_path_factory.mktemp("corpus")
    paragraphs = [line.strip() for path in sorted(SEEDS.glob("*.txt"))
                  for line in path.read_text(encoding="utf-8").splitlines() if len(line.strip()) > 30]
    for i in range(N_DOCS):
        picked = [paragraphs[(i * 7 + k * 13) % len(paragraphs)] for k in range(12)]
        (folder / f"page-{i:04d}.txt").write_text(f"第{i}版\n\n" + "\n\n".join(picked) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory):
    """The uninterrupted one-process run."""
    out = tmp_path_factory.mktemp("ref") / "ref.jsonl"
    result = run_cli(str(corpus), "-o", str(out), "--workers", "1")
    assert result.returncode == 0, result.stderr.decode()
    return out.read_bytes()


def ids(data: bytes) -> list[str]:
    return [json.loads(line)["id"] for line in data.splitlines()]


def test_two_workers_give_the_same_bytes_in_input_order(corpus, reference):
    result = run_cli(str(corpus), "--workers", "2")
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout == reference
    assert ids(reference) == [f"page-{i:04d}" for i in range(N_DOCS)]


def test_a_killed_run_resumes_without_duplicates(corpus, reference, tmp_path):
    out = tmp_path / "out.jsonl"
    partial = tmp_path / "out.jsonl.partial"
    process = subprocess.Popen([sys.executable, "-m", "pipeline", str(corpus), "-o", str(out), "--workers", "1"],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        if partial.exists() and partial.read_bytes().count(b"\n") >= 10:
            break
        time.sleep(0.005)
    os.kill(process.pid, signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL, "the run ended before it could be killed"
    assert not out.exists()  # a killed run never leaves half a FILE …
    finished = partial.read_bytes().count(b"\n")
    assert 10 <= finished < N_DOCS  # … but a FILE.partial to resume from
    with partial.open("ab") as handle:  # as if the kill had cut a line in half
        handle.write(reference.splitlines(keepends=True)[finished][:100])

    result = run_cli(str(corpus), "-o", str(out), "--resume", "--workers", "2")
    assert result.returncode == 0, result.stderr.decode()
    assert not partial.exists()
    data = out.read_bytes()
    assert sorted(ids(data)) == sorted(set(ids(data))) and len(ids(data)) == N_DOCS
    assert data == reference

    again = run_cli(str(corpus), "-o", str(out), "--resume")  # everything done: nothing to add
    assert again.returncode == 0 and out.read_bytes() == reference


def test_resume_appends_new_documents_to_a_finished_file(corpus, reference, tmp_path):
    out = tmp_path / "out.jsonl"
    first = run_cli(*(str(p) for p in sorted(corpus.glob("*.txt"))[:50]), "-o", str(out))
    assert first.returncode == 0
    result = run_cli(str(corpus), "-o", str(out), "--resume")
    assert result.returncode == 0, result.stderr.decode()
    assert out.read_bytes() == reference
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]


def test_without_resume_a_stale_partial_is_replaced(tmp_path):
    out = tmp_path / "out.jsonl"
    (tmp_path / "out.jsonl.partial").write_text('{"id": "stale"}\n', encoding="utf-8")
    result = run_cli(str(SEEDS / "000_0544cf6b74d84061.txt"), "-o", str(out))
    assert result.returncode == 0
    assert ids(out.read_bytes()) == ["000_0544cf6b74d84061"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]


def test_resume_of_claims_drops_the_last_document_of_the_partial(tmp_path):
    from pipeline.emit import resumable_writer

    out = tmp_path / "claims.jsonl"
    (tmp_path / "claims.jsonl.partial").write_text(
        '{"doc": "a", "n": 1}\n{"doc": "a", "n": 2}\n{"doc": "b", "n": 1}\n{"doc": "b", "n"', encoding="utf-8")
    with resumable_writer(out, resume=True, key="doc", whole_groups=True) as (handle, done):
        assert done == {"a"}  # b may have lost lines: it is done again
        handle.write(b'{"doc": "b", "n": 1}\n')
    assert out.read_text(encoding="utf-8").splitlines() == [
        '{"doc": "a", "n": 1}', '{"doc": "a", "n": 2}', '{"doc": "b", "n": 1}']


def test_resume_needs_an_output_file():
    assert run_cli(str(SEEDS), "--resume").returncode == 2
    assert run_cli(str(SEEDS), "--workers", "0").returncode == 2


def test_a_worker_pool_serves_several_batches_and_stays_usable_after_one_is_abandoned():
    from pipeline.parallel import map_documents, worker_pool
    from pipeline.read import iter_sources

    expected = [doc.model_dump_json() for doc in map_documents(iter_sources([str(SEEDS)]), workers=1)]
    with worker_pool(2) as pool:
        abandoned = map_documents(iter_sources([str(SEEDS)]), workers=2, pool=pool)
        next(abandoned)
        abandoned.close()  # its queued documents are cancelled, the pool is not shut down
        for _ in range(2):
            batch = [doc.model_dump_json() for doc in map_documents(iter_sources([str(SEEDS)]), 2, pool=pool)]
            assert batch == expected


def test_map_documents_gives_the_library_documents_in_order():
    import pipeline
    from pipeline.parallel import map_documents
    from pipeline.read import iter_sources

    parallel = [doc.model_dump_json() for doc in map_documents(iter_sources([str(SEEDS)]), workers=2)]
    assert parallel == [doc.model_dump_json() for doc in pipeline.process_files([SEEDS])]


def test_the_benchmark_in_turns_runs_every_side_on_every_chunk(tmp_path, monkeypatch):
    """bench_pipeline's run in turns (the ratios): its chunks hold every document
    of the corpus once, and every side, the pools of 2 workers too, answers a time for each
    chunk and its peak RSS at the end."""
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    import bench_pipeline

    corpus = tmp_path / "corpus.jsonl"
    texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    corpus.write_text("".join(json.dumps({"id": f"d{i}", "text": t}, ensure_ascii=False) + "\n"
                              for i, t in enumerate(texts * 3)), encoding="utf-8")
    chunk = sum(len(t.encode("utf-8")) for t in texts)  # 3 chunks
    assert [len(c) for c in bench_pipeline._chunks(str(corpus), chunk)] == [len(texts)] * 3
    sides = {"one": ("pipeline", 1), "pool": ("pool", 2), "spacy": ("spacy", 1), "loop": ("loop-pool", 2)}
    measured = bench_pipeline.in_turns(corpus, sides, chunk)
    assert {label: len(seconds) for label, seconds in measured["seconds"].items()} == dict.fromkeys(sides, 3)
    assert all(s > 0 for seconds in measured["seconds"].values() for s in seconds)
    assert all(usage["peak_rss_kb"] > 0 for usage in measured["usage"].values())
