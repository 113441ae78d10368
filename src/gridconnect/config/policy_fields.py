"""Field readers of the policy file: each records a problem instead of raising."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

TOP_KEYS = (
    "warn_working_days",
    "documents",
    "stages",
    "kinds",
    "rules",
    "three_zero_thresholds",
    "fees",
    "on_site_reply",
)
KIND_KEYS = ("name", "stages", "documents")
RULE_KEYS = (
    "id",
    "clock",
    "kinds",
    "limit_working_days",
    "target_working_days",
    "in_force_from",
    "in_force_until",
    "city",
    "source",
    "conditions",
)
THRESHOLD_KEYS = ("in_force_from", "in_force_until", "area_classes", "max_capacity_kw", "source")
FEE_KEYS = ("three_zero", "other")
ON_SITE_KEYS = ("max_capacity_kva", "supply", "voltage_kv", "in_force_from", "source")
FAR_FUTURE = date.max


class Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}")

    def __len__(self) -> int:
        return len(self.items)


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def unknown_keys(table: Mapping[str, Any], known: tuple[str, ...], where: str, p: Problems) -> None:
    for key in table:
        if key not in known:
            p.add(where, f"unknown key {key!r} (known: {', '.join(known)})")


def required_text(table: Mapping[str, Any], key: str, where: str, p: Problems) -> str | None:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        p.add(where, f"{key!r} must be a non-empty string")
        return None
    return value


def date_field(
    table: Mapping[str, Any], key: str, where: str, p: Problems, *, required: bool
) -> tuple[bool, date | None]:
    """(ok, value) for a date field; a missing optional field is (True, None)."""
    if key not in table:
        if required:
            p.add(where, f"{key!r} is required (a date like 2021-01-01)")
            return False, None
        return True, None
    parsed = as_date(table[key])
    if parsed is None:
        p.add(where, f"{key!r} must be a date like 2021-01-01, not {table[key]!r}")
        return False, None
    return True, parsed


def string_list(value: Any) -> list[str] | None:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return None
