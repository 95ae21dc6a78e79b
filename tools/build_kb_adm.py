"""Generate ``rules/kb/adm_china.yaml`` from cpca's ``resources/adcodes.csv``.

What goes in (ids ``adm:<first six digits of the 12-digit adcode>``, type GPE):
- the 34 provincial-level divisions (parent ``iso:CN``, defined in countries.yaml);
- every prefecture-level division of China (parent: its province), without cpca's
  placeholders (市辖区, 县, 省直辖县级行政区划 …);
- every county-level division of Inner Mongolia (15xxxx; parent: its prefecture),
  without the 市辖区 placeholders.

Aliases are short forms made by one rule per level (strip 省/自治区… for provinces,
市/地区/盟 for prefectures, 旗/县/市/区 for Inner Mongolia's counties, keeping at least two
characters), minus the forms withheld in ``rules/kb/sources/adm_aliases.yaml`` because
they are ambiguous or common words, plus that file's hand-written press abbreviations
(内蒙, 呼市, 科左后旗 …). The build fails when two entries would share a surface, so an
ambiguity is always a decision written down in the sources file.

Run: ``.venv/bin/python tools/build_kb_adm.py`` (``--check``: exit 1 if the file is stale).
Deterministic: entries sorted by code, aliases in rule order then hand order.
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
OUTPUT = ROOT / "rules" / "kb" / "adm_china.yaml"
HAND_FILE = ROOT / "rules" / "kb" / "sources" / "adm_aliases.yaml"
INPUTS = (HAND_FILE,)  # generator inputs under rules/kb/ (not loaded by pipeline/kb.py)
COUNTRY_ID = "iso:CN"
COUNTY_PROVINCE = "15"  # counties are listed for Inner Mongolia only

# cpca rows that are statistical groupings, not divisions
PLACEHOLDERS = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
# longest suffix first; the remainder must keep at least two characters
PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")
PREFECTURE_SUFFIXES = ("地区", "市", "盟")
COUNTY_SUFFIXES = ("联合旗", "矿区", "旗", "县", "市", "区")
# county stems nobody uses as a name: 巴林左旗 → 巴林左, 鄂温克族自治旗 → 鄂温克族 (the people),
# 鄂伦春自治旗 → 鄂伦春自治 (prefectures such as 晋中市 → 晋中 are fine)
BAD_COUNTY_ENDINGS = ("左", "右", "前", "中", "后", "族", "自治")


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


class Note(_Strict):
    id: str = Field(pattern=r"^adm:\d{6}$")
    note: str = Field(min_length=1)


class HandFile(_Strict):
    aliases: list[HandAliases]
    withheld: list[Withheld] = []
    notes: list[Note] = []


class BuildError(Exception):
    pass


def adcodes_path() -> Path:
    import cpca

    return Path(cpca.__file__).resolve().parent / "resources" / "adcodes.csv"


def source_label() -> str:
    return f"cpca {metadata.version('cpca')} adcodes.csv"


def read_adcodes(path: Path | None = None) -> dict[str, str]:
    """Six-digit code → name, every row of cpca's table (placeholders included)."""
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


def divisions(codes: dict[str, str]) -> list[dict]:
    """The divisions the knowledge base keeps: code, name, level, parent code."""
    kept = []
    for code, name in sorted(codes.items()):
        if name in PLACEHOLDERS:
            continue
        if code[2:] == "0000":
            kept.append({"code": code, "name": name, "level": "province", "parent": None})
        elif code[4:] == "00":
            kept.append({"code": code, "name": name, "level": "prefecture", "parent": code[:2] + "0000"})
        elif code.startswith(COUNTY_PROVINCE):
            parent = code[:4] + "00"
            if parent not in codes:
                raise BuildError(f"county {code} {name}: prefecture {parent} is not in cpca's table")
            kept.append({"code": code, "name": name, "level": "county", "parent": parent})
    return kept


def short_form(name: str, level: str) -> str | None:
    suffixes = {"province": PROVINCE_SUFFIXES, "prefecture": PREFECTURE_SUFFIXES, "county": COUNTY_SUFFIXES}[level]
    for suffix in suffixes:
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            if len(stem) >= 2 and not (level == "county" and stem.endswith(BAD_COUNTY_ENDINGS)):
                return stem
            return None
    return None


def load_hand_file(path: Path = HAND_FILE) -> HandFile:
    try:
        return HandFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as exc:  # stop the build, naming the file
        raise BuildError(f"{path}: {exc}") from None


def build_entries(codes: dict[str, str] | None = None, hand: HandFile | None = None) -> list[dict]:
    """The entries of adm_china.yaml, in output order."""
    codes = read_adcodes() if codes is None else codes
    hand = load_hand_file() if hand is None else hand
    source = source_label()
    kept = divisions(codes)
    by_id = {f"adm:{d['code']}": d for d in kept}

    generated = {f"adm:{d['code']}": short_form(d["name"], d["level"]) for d in kept}
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

    entries, owner = [], {}
    for entity_id, division in by_id.items():
        surfaces = [division["name"]]
        if generated[entity_id]:
            surfaces.append(generated[entity_id])
        surfaces.extend(extra.get(entity_id, []))
        surfaces = list(dict.fromkeys(surfaces))
        for surface in surfaces:
            if surface in owner:
                raise BuildError(
                    f"surface {surface} would belong to both {owner[surface]} and {entity_id}: "
                    f"withhold it for one of them in {HAND_FILE.relative_to(ROOT)}")
            owner[surface] = entity_id
        parent = f"adm:{division['parent']}" if division["parent"] else COUNTRY_ID
        entry = {"id": entity_id, "name": division["name"], "type": "GPE", "aliases": surfaces[1:],
                 "parent": parent, "level": division["level"], "source": source}
        if entity_id in extra_source:
            entry["source"] = f"{source}; aliases: {HAND_FILE.relative_to(ROOT)} ({extra_source[entity_id]})"
        if entity_id in notes:
            entry["note"] = notes[entity_id]
        entries.append(entry)
    return entries


def _scalar(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid YAML scalar


def render(entries: list[dict]) -> str:
    counts = {level: sum(e["level"] == level for e in entries) for level in ("province", "prefecture", "county")}
    lines = [
        "# GENERATED by tools/build_kb_adm.py: do not edit by hand; edit the inputs and rerun",
        "#   .venv/bin/python tools/build_kb_adm.py",
        f"# Inputs: {source_label()} (cpca/resources/adcodes.csv, first six digits of the adcode)",
        f"#         and {HAND_FILE.relative_to(ROOT)} (press abbreviations, withheld short forms, notes).",
        f"# {counts['province']} provincial-level divisions, {counts['prefecture']} prefecture-level divisions,",
        f"# {counts['county']} county-level divisions of Inner Mongolia. The country is iso:CN (countries.yaml).",
        "",
        "entities:",
    ]
    for entry in entries:
        fields = [f"id: {_scalar(entry['id'])}", f"name: {_scalar(entry['name'])}", f"type: {entry['type']}"]
        if entry["aliases"]:
            fields.append("aliases: [" + ", ".join(_scalar(a) for a in entry["aliases"]) + "]")
        fields += [f"parent: {_scalar(entry['parent'])}", f"level: {entry['level']}",
                   f"source: {_scalar(entry['source'])}"]
        if "note" in entry:
            fields.append(f"note: {_scalar(entry['note'])}")
        lines.append("  - {" + ", ".join(fields) + "}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if adm_china.yaml is not up to date")
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
    print(f"wrote {OUTPUT.relative_to(ROOT)}: {text.count(chr(10) + '  - {')} entries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
