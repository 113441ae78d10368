"""pydantic's errors about a policy file, in the words the administrator reads.

A thin layer: pydantic finds every error and its location; this names the place the way
the file's author thinks of it (`rule 'gov_approval.lv'`, `kind 'hv', stage 'design_review'`,
`three_zero_thresholds[2]`) and says the problem with the offending value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from gridconnect.config.policy_file import (
    FeeFile,
    KindFile,
    OnSiteReplyFile,
    PolicyFile,
    RuleFile,
    ThreeZeroAlwaysFile,
    ThresholdFile,
)

SECTION_MODELS: Mapping[str, type[BaseModel]] = {
    "rules": RuleFile,
    "kinds": KindFile,
    "three_zero_thresholds": ThresholdFile,
    "fees": FeeFile,
    "on_site_reply": OnSiteReplyFile,
    "three_zero_always": ThreeZeroAlwaysFile,
}
#: the noun for one value of a list or table field ("unknown kind 'mv'")
NOUNS: Mapping[str, str] = {
    "kinds": "kind",
    "fees": "kind",
    "area_classes": "area class",
    "city": "city",
    "company": "company",
    "supply": "supply",
    "limit_working_days": "limit",
    "target_working_days": "target",
}
OWN_MESSAGES = {
    "unknown_stage",
    "unknown_document",
    "no_stages",
    "duplicate_stage",
    "duplicate_document",
    "foreign_stage",
    "unknown_clock",
    "bad_condition",
    "target",
    "dates",
    "commitment_letter",
    "not_whitelisted",
    "duplicate_reason",
    "missing_kind",
}


def _item(data: Mapping[str, Any], section: str, key: Any) -> Any:
    container = data.get(section)
    try:
        return container[key]  # type: ignore[index]
    except (KeyError, IndexError, TypeError):
        return None


def _where(loc: Sequence[Any], data: Mapping[str, Any], ctx: Mapping[str, Any]) -> str:
    """Where in the file an error is, as its author names the place."""
    if not loc:
        return "policy"
    section, rest = str(loc[0]), list(loc[1:])
    if section not in SECTION_MODELS and section not in ("documents", "stages"):
        return "policy" if section not in PolicyFile.model_fields else section
    if section in ("on_site_reply", "three_zero_always"):
        return f"[{section}]"
    if not rest:
        kind = ctx.get("kind")
        return f"kind {kind!r}" if section == "kinds" and kind else f"[{section}]"
    key = rest[0]
    if section == "rules":
        rid = (_item(data, "rules", key) or {}).get("id") if isinstance(key, int) else None
        return f"rule {rid!r}" if isinstance(rid, str) and rid.strip() else f"rules[{key}] (no id)"
    if section == "three_zero_thresholds":
        return f"three_zero_thresholds[{key}]"
    if section == "fees":
        return f"fees for kind {key!r}"
    if section != "kinds":
        return f"[{section}] {key!r}"
    return _kind_where(key, rest[1:], data, ctx)


def _kind_where(code: Any, rest: list[Any], data: Mapping[str, Any], ctx: Mapping[str, Any]) -> str:
    """`kind 'hv'`, with the stage when the error is about one of its stages."""
    stage = ctx.get("stage")
    if len(rest) > 1 and rest[0] == "stages":
        stage = (_item(data, "kinds", code) or {}).get("stages", [None] * (rest[1] + 1))[rest[1]]
    elif len(rest) > 1 and rest[0] in ("documents", "where_applicable"):
        stage = rest[1]
    return f"kind {code!r}" + (f", stage {stage!r}" if stage is not None else "")


def _field(loc: Sequence[Any]) -> str:
    if loc and loc[-1] == "[key]":  # a table's key: named by its section ("kinds")
        return str(loc[0])
    names = [str(part) for part in loc if isinstance(part, str) and part != "[key]"]
    return names[-1] if names else "policy"


def _known(loc: Sequence[Any]) -> str:
    model = SECTION_MODELS.get(str(loc[0])) if len(loc) > 1 else PolicyFile
    return ", ".join((model or PolicyFile).model_fields)


def _message(error: Mapping[str, Any]) -> str:
    loc, kind, value = error["loc"], error["type"], error.get("input")
    field = _field(loc)
    if kind in OWN_MESSAGES:
        return str(error["msg"])
    if kind == "extra_forbidden":
        return f"unknown key {field!r} (known: {_known(loc)})"
    if kind == "enum":
        noun = NOUNS.get(field, field)
        expected = error.get("ctx", {}).get("expected", "")
        return f"unknown {noun} {value!r} (known: {expected})"
    if kind == "missing":
        return f"{field!r} is required"
    if kind == "greater_than_equal" and isinstance(value, int | float) and value < 0:
        return f"negative {NOUNS.get(field, 'value')}: {field} must be ≥ 0, not {value!r}"
    return f"{field!r}: {error['msg']}, not {value!r}"


def describe(exc: ValidationError, data: Mapping[str, Any]) -> list[str]:
    """One line per error: `<where>: <what is wrong>`."""
    problems: list[str] = []
    for error in exc.errors(include_url=False):
        line = f"{_where(error['loc'], data, error.get('ctx') or {})}: {_message(error)}"
        if line not in problems:
            problems.append(line)
    return problems


#: How each kind of place is declared in the file: (pattern of the place, of its header line).
_HEADERS: tuple[tuple[str, Callable[[re.Match[str]], str]], ...] = (
    (r"rule '([^']*)'", lambda m: rf'^\s*id\s*=\s*"{re.escape(m.group(1))}"'),
    (r"kind '([^']*)'", lambda m: rf"^\s*\[kinds\.{re.escape(m.group(1))}\]"),
    (r"fees for kind '([^']*)'", lambda m: rf"^\s*\[fees\.{re.escape(m.group(1))}\]"),
    (r"\[(\w+)\]", lambda m: rf"^\s*\[{m.group(1)}\]"),
    (r"(warn_working_days|stall_working_days)", lambda m: rf"^\s*{m.group(1)}\s*="),
    # a not-applicable reason: the line of its (second) code
    (
        r"not_applicable_reasons: reason code '([^']*)'",
        lambda m: rf'^\s*code\s*=\s*"{re.escape(m.group(1))}"',
    ),
)


def with_line(text: str, problem: str) -> str:
    """The problem with the line of the file where its rule, kind or section is declared."""
    lines = text.splitlines()
    threshold = re.match(r"three_zero_thresholds\[(\d+)\]", problem)
    if threshold:
        starts = [i for i, line in enumerate(lines) if line.strip() == "[[three_zero_thresholds]]"]
        index = int(threshold.group(1))
        return f"{problem} (line {starts[index] + 1})" if index < len(starts) else problem
    for place, header in _HEADERS:
        found = re.match(place, problem)
        if found:
            pattern = re.compile(header(found))
            hits = [i for i, line in enumerate(lines) if pattern.match(line)]
            # the last declaration: a duplicate rule id is reported at its second use
            return f"{problem} (line {hits[-1] + 1})" if hits else problem
    return problem
