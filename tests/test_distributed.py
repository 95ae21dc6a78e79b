"""The Dask integration: a LocalCluster of 2 workers gives the single-process output."""
import pytest
from conftest import SEEDS, run_cli

pytest.importorskip("distributed")


def test_local_cluster_of_two_workers_equals_the_single_process_output(tmp_path):
    from pipeline.distributed import run

    single = run_cli(str(SEEDS))
    assert single.returncode == 0, single.stderr.decode()
    expected = single.stdout.decode("utf-8").splitlines(keepends=True)

    paths = run([str(SEEDS)], tmp_path / "out", workers=2, partitions=3)
    assert [p.name for p in paths] == ["part-00000.jsonl", "part-00001.jsonl", "part-00002.jsonl"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [p.name for p in paths]  # no temporary files
    lines = [line for path in paths for line in path.read_text(encoding="utf-8").splitlines(keepends=True)]
    assert lines == expected  # partitions in name order are in input order
    by_id = lambda line: line.split('"id":', 1)[1]  # noqa: E731
    assert sorted(lines, key=by_id) == sorted(expected, key=by_id)


def test_a_bag_of_records_gives_the_library_output(tmp_path):
    import dask
    import dask.bag as db

    from pipeline.distributed import process_bag, write_partitions
    from pipeline.process import process_source
    from pipeline.read import Source

    texts = {p.stem: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))[:2]}
    bag = db.from_sequence([{"id": k, "text": v} for k, v in texts.items()], npartitions=2)
    expected = [process_source(Source(k, k, text=v, encoding="utf-8")).model_dump_json() + "\n"
                for k, v in texts.items()]
    with dask.config.set(scheduler="synchronous"):
        paths = write_partitions(bag, tmp_path)
        assert process_bag(bag).compute() == expected
    assert [path.read_text(encoding="utf-8") for path in paths] == expected
