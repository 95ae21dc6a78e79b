"""The CI gate: the seeds' scores against gold/ must not fall below the levels reached.

The thresholds live in gold/thresholds.json, shared with `make gate`.
Raise a threshold when a change improves the score; never lower one to make CI pass.
"""
import pytest

from pipeline.score import evaluate, load_thresholds, metric
from conftest import GOLD

THRESHOLDS = load_thresholds(GOLD / "thresholds.json")


def test_every_adm_entity_of_the_gold_is_found(seed_predictions):
    missed = [e for e in evaluate(seed_predictions, GOLD)["errors"]["entities"]["missed"] if e[1].startswith("adm:")]
    assert missed == []


@pytest.mark.parametrize("stage,threshold", THRESHOLDS.items())
def test_stage_meets_its_threshold(seed_predictions, stage, threshold):
    value = metric(evaluate(seed_predictions, GOLD)["table"]["ALL"], stage)
    assert value >= threshold, f"{stage}: {value:.4f} < {threshold}"
