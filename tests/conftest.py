import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLD = ROOT / "gold"


def run_cli(*args: str, stdin: bytes | None = None, cwd: Path = ROOT):
    import subprocess

    return subprocess.run([sys.executable, "-m", "pipeline", *args], input=stdin, cwd=cwd,
                          capture_output=True, timeout=600)


@pytest.fixture(scope="session")
def seed_docs():
    import pipeline

    return {doc.id: doc for doc in pipeline.process_files([SEEDS])}


@pytest.fixture(scope="session")
def seed_predictions(tmp_path_factory):
    """The pipeline's gold-format output for seeds/, produced once per test session."""
    out = tmp_path_factory.mktemp("pred")
    result = run_cli(str(SEEDS), "--emit", "gold", "-o", str(out))
    assert result.returncode == 0, result.stderr.decode()
    return out
