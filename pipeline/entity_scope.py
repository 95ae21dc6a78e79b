"""Scope: the entity a context word points at (全区, 全市, 首府, 我国), from the headings a
sentence sits under, else the entity of that level the page is most about."""
from __future__ import annotations

from collections import Counter

from .kb import KBEntry, KnowledgeBase, knowledge_base
from .model import Document


def levels_up(kb: KnowledgeBase) -> dict[str, tuple[tuple[str, str], ...]]:
    levels_up = {}
    for entity_id in kb.entries:
        chain = ((candidate, kb.entries[candidate].level) for candidate in (entity_id, *kb.ancestor_chains[entity_id]))
        levels_up[entity_id] = tuple((candidate, level) for candidate, level in chain if level is not None)
    return levels_up


def section_title_ids(doc: Document, per_sentence: list[list[Found]]) -> dict[int, list[str]]:
    """The knowledge-base entities each section heading names."""
    titles: dict[int, list[str]] = {}
    for sentence, mentions in zip(doc.sentences, per_sentence):
        if sentence.heading and sentence.section is not None:  # a heading's section is its own
            titles[sentence.section] = [m.ids[0] for m in mentions if m.kind == "kb" and len(m.ids) == 1]
    return titles


def _level(entry: KBEntry | None) -> str | None:
    return entry.level if entry else None


def resolve_scope(level: str, section: int | None, doc: Document, title_ids: dict[int, list[str]],
                  counts: Counter, c: _Compiled, most_mentioned: dict[str, str] | None = None) -> str | None:
    """The entity a context word points at, from the sentence's section, else the document.

    ``most_mentioned``: the document-wide answers (``most_mentioned_by_level``), when the caller
    has them already."""
    kb = knowledge_base()
    if level == "country":
        if c.rules.self_national:
            if most_mentioned is None:
                most_mentioned = most_mentioned_by_level(counts, c)
            if most_mentioned.get("province") in c.rules.self_national:
                return most_mentioned["province"]
        return c.rules.country_of_provinces
    if level == "capital":
        province = resolve_scope("province", section, doc, title_ids, counts, c, most_mentioned)
        return c.rules.capitals.get(province) if province else None
    # 1. the headings the sentence sits under, innermost first
    while section is not None:
        for entity_id in title_ids.get(section, []):
            if _level(kb.get(entity_id)) == level:
                return entity_id
        section = doc.sections[section].parent
    # 2. the entity of that level the document is most about (the same for every section)
    if most_mentioned is None:
        most_mentioned = most_mentioned_by_level(counts, c)
    return most_mentioned.get(level)


def most_mentioned_by_level(counts: Counter, c: _Compiled) -> dict[str, str]:
    """For each level, the entity of that level with the most mentions: its own plus the
    mentions of the places inside it (a page about 包头 and 通辽 is about 内蒙古)."""
    votes: dict[str, dict[str, int]] = {}  # level → candidate → mentions
    for entity_id, n in counts.items():
        for candidate, level in c.levels_up.get(entity_id, ()):
            by_id = votes.setdefault(level, {})
            by_id[candidate] = by_id.get(candidate, 0) + n
    return {level: max(by_id.items(), key=lambda item: (item[1], item[0]))[0] for level, by_id in votes.items()}
