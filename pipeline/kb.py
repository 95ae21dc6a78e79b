"""The entity knowledge base: ``rules/kb/*.yaml``, validated at load.

Each YAML file holds ``entities:``, a list of entries (id, name, type, aliases, parent,
source); a ``.jsonl`` file (the generated divisions, ``adm_china.jsonl``) holds one entry per
line, ``#`` lines being comments: JSON loads the 3,200 divisions several times faster than
YAML would. Ids follow docs/gold-format.md: ``adm:<GB/T 2260 code>``, ``iso:<alpha-2>``,
``org:/loc:/fac:/per:<canonical full name>``. Loading fails with file and line when an
entry is malformed, and with the file when an id repeats, a parent is unknown, or a name
or alias is claimed by two entries (a surface links to exactly one id) — except divisions:
a name that several divisions share (朝阳区, 鼓楼区, 大同) keeps every one of them, and the
entity stage decides by the page's context.
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Literal

from pydantic import Field, field_validator

from . import rules as _rules
from .rules import RuleEntry, RulesError, load_entries, rules_path, validate

KB_DIR = "kb"
EntityType = Literal["GPE", "ORG", "LOC", "FAC", "PERSON"]
ID_PREFIXES = ("adm:", "iso:", "org:", "loc:", "fac:", "per:")


class KBEntry(RuleEntry):
    id: str
    name: str = Field(min_length=1)
    type: EntityType
    aliases: list[str] = []
    parent: str | None = None
    level: Literal["country", "province", "prefecture", "county", "township"] | None = None
    source: str = Field(min_length=1)
    note: str | None = None
    # the id on a page that never writes the registered name: the name itself, or the
    # fullest form the page uses (GOLD.md, text beyond the seeds)
    page_id: Literal["registered", "fullest"] = "registered"
    # False for a division whose full name is an ordinary word (城区, 郊区): kept by its code,
    # never matched in text
    name_is_surface: bool = True

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not value.startswith(ID_PREFIXES):
            raise ValueError(f"id must start with one of {', '.join(ID_PREFIXES)}")
        if value.startswith("adm:") and not (len(value) == 10 and value[4:].isdigit()):
            raise ValueError("adm: ids are six-digit GB/T 2260 codes (adm:150200)")
        return value


@dataclass(frozen=True)
class KnowledgeBase:
    entries: dict[str, KBEntry]
    surfaces: dict[str, tuple[str, ...]]  # name or alias → its id
    files: tuple[str, ...]
    # id → its parent, grandparent, … (built once at load: scope resolution asks for them per document)
    ancestor_chains: dict[str, tuple[str, ...]]

    def get(self, entity_id: str) -> KBEntry | None:
        return self.entries.get(entity_id)

    def ancestors(self, entity_id: str) -> list[str]:
        return list(self.ancestor_chains.get(entity_id, ()))


def _ancestor_chain(entries: dict[str, KBEntry], entity_id: str) -> tuple[str, ...]:
    chain, seen = [], set()
    entry = entries.get(entity_id)
    while entry and entry.parent and entry.parent not in seen:
        chain.append(entry.parent)
        seen.add(entry.parent)
        entry = entries.get(entry.parent)
    return tuple(chain)


def kb_files() -> list[str]:
    folder = _rules.RULES_DIR / KB_DIR
    return sorted(f"{KB_DIR}/{p.name}" for p in [*folder.glob("*.yaml"), *folder.glob("*.jsonl")])


def _jsonl_entries(name: str) -> list[KBEntry]:
    path = rules_path(name)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise RulesError(f"{path}: cannot read rule file ({exc.strerror})") from None
    out = []
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise RulesError(f"{path}:{number}: not valid JSON: {exc.msg}") from None
        out.append(validate(name, raw, KBEntry, line=number))
    return out


def _entries(name: str) -> list[KBEntry]:
    return _jsonl_entries(name) if name.endswith(".jsonl") else load_entries(name, "entities", KBEntry)


@functools.cache
def knowledge_base() -> KnowledgeBase:
    entries: dict[str, KBEntry] = {}
    where: dict[str, str] = {}
    files = kb_files()
    for name in files:
        for entry in _entries(name):
            if entry.id in entries:
                raise RulesError(f"{rules_path(name)}: id {entry.id} is already defined in {where[entry.id]}")
            entries[entry.id] = entry
            where[entry.id] = str(rules_path(name))
    surfaces: dict[str, list[str]] = {}
    for entry in entries.values():
        if entry.parent and entry.parent not in entries:
            raise RulesError(f"{where[entry.id]}: {entry.id}: parent {entry.parent} is not in the knowledge base")
        for surface in dict.fromkeys([entry.name, *entry.aliases] if entry.name_is_surface else entry.aliases):
            claimed = surfaces.setdefault(surface, [])
            if claimed and not (entry.id.startswith("adm:") and all(c.startswith("adm:") for c in claimed)):
                raise RulesError(f"{where[entry.id]}: {entry.id}: '{surface}' already names {claimed[0]} "
                                 f"({where[claimed[0]]}); a surface must link to one id")
            claimed.append(entry.id)
    chains = {entity_id: _ancestor_chain(entries, entity_id) for entity_id in entries}
    return KnowledgeBase(entries, {s: tuple(ids) for s, ids in surfaces.items()}, tuple(files), chains)
