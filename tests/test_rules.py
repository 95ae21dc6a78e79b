"""Rule files: validated at load; a malformed entry names its file and line."""
import shutil

import pytest

import pipeline.rules as rules
from pipeline.rules import RulesError


@pytest.fixture
def rules_copy(tmp_path, monkeypatch):
    target = tmp_path / "rules"
    shutil.copytree(rules.RULES_DIR, target)
    monkeypatch.setattr(rules, "RULES_DIR", target)
    rules.load_yaml.cache_clear()
    import pipeline.clean, pipeline.quantities, pipeline.sentences

    caches = [pipeline.clean.clean_rules, pipeline.quantities.tables, pipeline.sentences._compiled]
    for cache in caches:
        cache.cache_clear()
    yield target
    rules.load_yaml.cache_clear()
    for cache in caches:
        cache.cache_clear()


def test_unknown_key_names_file_and_line(rules_copy):
    path = rules_copy / "units.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if "surface: 公斤" in line)
    lines[index] = lines[index].replace("dimension: mass", "dimenson: mass")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    from pipeline.quantities import tables

    with pytest.raises(RulesError) as info:
        tables()
    assert f"units.yaml:{index + 1}:" in str(info.value) and "dimenson" in str(info.value)


def test_bad_yaml_names_file_and_line(rules_copy):
    path = rules_copy / "clean.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\nbroken: [unclosed\n", encoding="utf-8")
    from pipeline.clean import clean_rules

    with pytest.raises(RulesError, match=r"clean\.yaml:\d+: not valid YAML"):
        clean_rules()


def test_wrong_type_names_file_and_line(rules_copy):
    path = rules_copy / "clean.yaml"
    text = path.read_text(encoding="utf-8").replace("max_title_chars: 30", "max_title_chars: thirty")
    path.write_text(text, encoding="utf-8")
    from pipeline.clean import clean_rules

    with pytest.raises(RulesError, match=r"clean\.yaml:\d+: max_title_chars"):
        clean_rules()


def test_the_cli_reports_a_broken_rule_file_cleanly(tmp_path):
    import subprocess, sys
    from conftest import ROOT, SEEDS

    copy = tmp_path / "project"
    shutil.copytree(ROOT / "pipeline", copy / "pipeline")
    shutil.copytree(ROOT / "rules", copy / "rules")
    units = copy / "rules" / "units.yaml"
    units.write_text(units.read_text(encoding="utf-8").replace('factor: "2000/3"', 'factor: [2000, 3]'), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "pipeline", str(SEEDS / "001_a396e32615b1943a.txt")],
                            cwd=copy, capture_output=True, text=True)
    # Rules are validated at start-up: one clear message, exit 2, no traceback, no output.
    assert result.returncode == 2 and result.stdout == ""
    assert "units.yaml:" in result.stderr and "factor" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("name", ["clean.yaml", "sentences.yaml", "units.yaml", "quantity_context.yaml", "numerals.yaml", "times.yaml"])
def test_every_rule_file_loads(name):
    assert rules.load_yaml(name)


def test_every_rule_file_is_consumed():
    """Every file in rules/ (and rules/kb/) is read by some stage: no dead data."""
    from pathlib import Path

    consumers = {"clean.yaml", "sentences.yaml", "units.yaml", "quantity_context.yaml", "numerals.yaml"}
    kb = {f"kb/{p.name}" for pattern in ("*.yaml", "*.jsonl") for p in (rules.RULES_DIR / "kb").glob(pattern)}
    from pipeline.kb import kb_files

    optional = {"entities.yaml", "claims.yaml", "subjects.yaml", "scope.yaml", "times.yaml"}
    present = {p.name for p in Path(rules.RULES_DIR).glob("*.yaml")}
    assert present - optional <= consumers, present - consumers
    assert kb == set(kb_files())


@pytest.mark.parametrize("chars,text,found", [
    ("券年", "发放消费券", True),
    ("券年", "发放补贴", False),
    ("]^-\\", "a-b", True),  # characters special inside a class stand for themselves
    ("]^-\\", "ab", False),
    ("", "任何文字", False),  # no characters: never found
])
def test_any_character(chars, text, found):
    assert (rules.any_character(chars).search(text) is not None) is found


def test_any_character_without_characters_can_match_everything():
    """The quick test that cannot refute (nothing known): the slower search always runs."""
    assert rules.any_character((), none_matches_all=True).search("任何文字") is not None
    assert rules.any_character((), none_matches_all=True).search("") is not None
