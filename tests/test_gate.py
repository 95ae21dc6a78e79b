"""The CI gate: the seeds' scores against gold/ must not fall below the levels reached.

Each threshold is the level reached minus a small margin (documented in the README).
Raise a threshold when a change improves the score; never lower one to make CI pass.
"""
import pytest

from pipeline.score import evaluate, metric
from conftest import GOLD

THRESHOLDS = {
    "clean": 1.0,
    "quantities": 0.98,
    "normalisation": 0.985,
}


@pytest.mark.parametrize("stage,threshold", THRESHOLDS.items())
def test_stage_meets_its_threshold(seed_predictions, stage, threshold):
    value = metric(evaluate(seed_predictions, GOLD)["table"]["ALL"], stage)
    assert value >= threshold, f"{stage}: {value:.4f} < {threshold}"
