"""Loading the knowledge in ``rules/``: YAML files validated into pydantic models.

Every entry keeps the line it came from, so that a malformed entry stops the program
with a message naming the file and the line (``rules/units.yaml:42: ...``) instead of a
traceback deep inside a stage.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any, TypeVar

import regex
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"

M = TypeVar("M", bound=BaseModel)


class RulesError(Exception):
    """A rule file is missing or malformed; the message names the file and line."""


class RuleEntry(BaseModel):
    """Base of every typed rule entry: unknown keys are errors (typos must not pass)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# libyaml's C parser when PyYAML was built with it (the wheels are): several times faster.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeLoader):
    """A safe YAML loader that records the source line of every mapping."""

    def construct_mapping(self, node, deep=False):  # type: ignore[override]
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


def _strip_lines(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    return value


def rules_path(name: str) -> Path:
    return RULES_DIR / name


@functools.cache
def load_yaml(name: str) -> Any:
    """The raw content of ``rules/<name>``, mappings carrying ``__line__``."""
    path = rules_path(name)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RulesError(f"{path}: cannot read rule file ({exc.strerror})") from None
    try:
        return yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise RulesError(f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from None


def validate(name: str, raw: Any, model: type[M], line: int | None = None) -> M:
    """Validate one entry of ``rules/<name>`` into ``model``, or fail naming file:line."""
    if isinstance(raw, dict):
        line = raw.get("__line__", line)
    try:
        return model.model_validate(_strip_lines(raw))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'entry'}: {err['msg']}" for err in exc.errors()
        )
        where = f"{rules_path(name)}:{line}" if line else str(rules_path(name))
        raise RulesError(f"{where}: {problems}") from None


def load_entries(name: str, key: str, model: type[M]) -> list[M]:
    """The list under top-level ``key`` of ``rules/<name>``, each entry validated."""
    data = load_yaml(name)
    if not isinstance(data, dict) or key not in data:
        raise RulesError(f"{rules_path(name)}: expected a top-level '{key}:' list")
    entries = data[key]
    if not isinstance(entries, list):
        raise RulesError(f"{rules_path(name)}:{data.get('__line__', 1)}: '{key}' must be a list")
    return [validate(name, entry, model) for entry in entries]


def load_fields(name: str, model: type[M]) -> M:
    """The top-level keys of ``rules/<name>`` that ``model`` declares, validated as one model
    (the file's other keys are lists loaded with ``load_entries``)."""
    data = load_yaml(name)
    if not isinstance(data, dict):
        raise RulesError(f"{rules_path(name)}: expected a mapping at the top level")
    missing = [k for k in model.model_fields if k not in data]
    if missing:
        raise RulesError(f"{rules_path(name)}: missing top-level key(s): {', '.join(missing)}")
    return validate(name, {k: data[k] for k in model.model_fields}, model, line=data.get("__line__"))


def alternation(words) -> str:
    """A regex alternation of literal words, longest first (so 个百分点 wins over 个)."""
    return "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True))


def any_character(chars, *, none_matches_all: bool = False) -> re.Pattern:
    """A search for any one of ``chars``: a character class, which the standard library's
    engine finds in a short text several times as fast as ``regex`` (the quick test before
    a slower search). With no characters it never matches, or, ``none_matches_all``, it
    matches every text (a test that cannot refute, so the slower search always runs)."""
    if not chars:
        return re.compile("" if none_matches_all else "(?!)")
    return re.compile("[" + "".join(re.escape(ch) for ch in sorted(set(chars))) + "]")


# The digits the pipeline reads as numbers (numbers.py reads the same two sets).
DIGIT_CLASS = "0-9０-９"


def rule_pattern(pattern: str) -> str:
    """A rule's pattern with ``\\d`` meaning a digit the pipeline reads, ``[0-9０-９]``.

    ``regex`` knows more decimal digits than Python's ``int()`` (its Unicode is newer:
    U+116D0, U+1E4F0 …), so a ``\\d`` captured and then read with ``int()`` could fail
    on text no rule was written for. Reading the same digits everywhere removes the pair
    at its root: a rule never captures what the code cannot read. Inside a look-around
    ``\\d`` keeps its meaning, every digit Unicode knows (as in numbers.py): nothing is
    read there, and a figure is never taken out of the middle of a digit run in another
    script."""
    out: list[str] = []
    in_class = False
    groups: list[bool] = []  # per open group: is it a look-around?
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            pair = pattern[i : i + 2]
            if pair == "\\d" and not any(groups):
                out.append(DIGIT_CLASS if in_class else f"[{DIGIT_CLASS}]")
            else:
                out.append(pair)
            i += 2
            continue
        if char == "[" and not in_class:
            in_class = True
            out.append(char)
            if pattern[i + 1 : i + 2] == "^":
                out.append("^")
                i += 1
            if pattern[i + 1 : i + 2] == "]":  # a leading ] is literal
                out.append("]")
                i += 1
        elif char == "]" and in_class:
            in_class = False
            out.append(char)
        elif char == "(" and not in_class:
            groups.append(pattern.startswith(("(?=", "(?!", "(?<=", "(?<!"), i))
            out.append(char)
        elif char == ")" and not in_class and groups:
            groups.pop()
            out.append(char)
        else:
            out.append(char)
        i += 1
    return "".join(out)


def compile_rule(pattern: str) -> regex.Pattern:
    """``regex.compile(rule_pattern(pattern))``: how a rule file's pattern is compiled."""
    return regex.compile(rule_pattern(pattern))


def load_section(name: str, key: str, model: type[M]) -> M:
    """The mapping under top-level ``key`` of ``rules/<name>``, validated as one model."""
    data = load_yaml(name)
    if not isinstance(data, dict) or key not in data:
        raise RulesError(f"{rules_path(name)}: expected a top-level '{key}:' mapping")
    return validate(name, data[key], model)
