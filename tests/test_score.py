"""The scorer implements shared/spec/GOLD.md's matching rules."""
import json
import subprocess
import sys

import pytest

from pipeline.score import evaluate, indicator_right, norm


def write(folder, name, records):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                                         encoding="utf-8")


@pytest.fixture
def folders(tmp_path):
    gold, pred = tmp_path / "gold", tmp_path / "pred"
    write(gold, "clean", [
        {"doc": "d", "action": "join", "left": "累计进出口额达", "right": "33.52亿元"},
        {"doc": "d", "action": "drop_boilerplate", "text": "李志鹏 摄"},
        {"doc": "d", "action": "drop_duplicate", "text": "这条路上内蒙古以绿富同兴"},
    ])
    write(pred, "sentences", [{"doc": "d", "sentences": ["累计进出口额达３３.５２亿元。", "这条路上内蒙古以绿富同兴为切入点。"]}])
    write(gold, "quantities", [
        {"doc": "d", "text": "33.52亿元", "value": 3352000000, "unit": "CNY", "qualifier": "="},
        {"doc": "d", "text": "5%", "value": 5, "unit": "%", "qualifier": "="},
        {"doc": "d", "text": "5%", "value": 5, "unit": "%", "qualifier": "="},
        {"doc": "d", "text": "4%—6%", "low": 4, "high": 6, "unit": "%", "qualifier": "="},
    ])
    write(pred, "quantities", [
        {"doc": "d", "text": "３３.５２亿元", "value": 3352000001, "unit": "CNY", "qualifier": "="},
        {"doc": "d", "text": "5%", "value": 5.004, "unit": "%", "qualifier": "="},
        {"doc": "d", "text": "4%—6%", "low": 4, "high": 6, "unit": "%", "qualifier": "~"},
        {"doc": "d", "text": "一批", "value": 1, "unit": "批", "qualifier": "="},
    ])
    write(gold, "entities", [{"doc": "d", "id": "org:包头钢铁（集团）有限责任公司"}, {"doc": "d", "id": None},
                             {"doc": "d", "id": "adm:150000"}])
    write(pred, "entities", [{"doc": "d", "id": "org:包头钢铁(集团)有限责任公司"}, {"doc": "d", "id": "adm:150200"}])
    claim = {"doc": "d", "subject_id": "adm:150000", "subject": "内蒙古", "indicator": "新能源总装机规模",
             "quantity": "33.52亿元", "value": 3352000000, "unit": "CNY", "qualifier": "=", "kind": "level",
             "time": "2024", "modality": "actual"}
    write(gold, "claims", [claim, {**claim, "quantity": "5%", "value": 5, "unit": "%"}])
    write(pred, "claims", [{**claim, "indicator": "装机规模", "time": "2025"}, {**claim, "quantity": "5%", "value": 5, "unit": "%"}])
    return pred, gold


def test_figures_follow_the_spec(folders):
    pred, gold = folders
    result = evaluate(pred, gold)
    total = result["table"]["ALL"]
    assert total["clean"] == pytest.approx(1.0)  # NFKC: ３３.５２ equals 33.52
    q = total["quantities"]
    assert (q["matched"], q["pred"], q["gold"]) == (3, 4, 4)  # multiset: one 5% matches one gold line
    assert q["normalisation"] == pytest.approx(2 / 3)  # 4%—6% has the wrong qualifier; 1e-6 and 0.01 tolerances hold
    e = total["entities"]
    assert (e["matched"], e["pred"], e["gold"]) == (1, 2, 2)  # null ids are not scored; brackets NFKC-equal
    assert total["claims_lenient"]["matched"] == 2 and total["claims_strict"]["matched"] == 1  # time differs
    assert total["claims_lenient"]["indicator"] == 1.0  # 装机规模 shares half of the shorter one


def test_indicator_rule_and_normalisation():
    assert indicator_right("新能源总装机规模", "装机规模")
    assert not indicator_right("社会消费品零售总额", "装机规模")
    assert norm("（集团） A") == "(集团)A"


def test_min_f1_thresholds_set_the_exit_code(folders):
    pred, gold = folders
    run = lambda *a: subprocess.run([sys.executable, "-m", "pipeline.score", str(pred), "--gold", str(gold), *a],  # noqa: E731
                                    capture_output=True, text=True)
    assert run("--min-f1", "quantities=0.7").returncode == 0
    failing = run("--min-f1", "quantities=0.9")
    assert failing.returncode == 1 and "FAIL quantities" in failing.stderr
    assert run("--min-f1", "nonsense=1").returncode != 0
    assert json.loads(run("--json").stdout)["table"]["ALL"]["quantities"]["pred"] == 4


def test_subject_accuracy_of_lenient_matches(tmp_path):
    """subj: the share of lenient matches whose subject_id (or, without ids, subject text) agrees."""
    gold, pred = tmp_path / "gold", tmp_path / "pred"
    base = {"doc": "d", "indicator": "地区生产总值", "unit": "CNY", "qualifier": "=", "kind": "level", "time": "2024",
            "modality": "actual"}
    write(gold, "claims", [{**base, "quantity": "1亿元", "value": 1e8, "subject_id": "adm:440300", "subject": "深圳市"},
                           {**base, "quantity": "2亿元", "value": 2e8, "subject_id": None, "subject": "电网"},
                           {**base, "quantity": "3亿元", "value": 3e8, "subject_id": "iso:CN", "subject": "全国"}])
    write(pred, "claims", [{**base, "quantity": "1亿元", "value": 1e8, "subject_id": "adm:440300", "subject": "深圳"},
                           {**base, "quantity": "2亿元", "value": 2e8, "subject_id": None, "subject": "电网"},
                           {**base, "quantity": "3亿元", "value": 3e8, "subject_id": "adm:440000", "subject": "广东"}])
    total = evaluate(pred, gold)["table"]["ALL"]
    assert total["claims_lenient"]["subject"] == pytest.approx(2 / 3)
    assert total["claims_strict"]["matched"] == 2
