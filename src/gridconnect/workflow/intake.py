"""Checking a new application's fields before it is received."""

from __future__ import annotations

import re
from dataclasses import dataclass

from gridconnect.workflow.errors import InvalidApplication
from gridconnect.workflow.model import (
    AREA_CLASSES,
    CHANNELS,
    CITIES,
    COMPANIES,
    SUPPLIES,
    Customer,
    Kind,
)

PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
# 18-character resident identity number or unified social credit code, or a 15-digit old ID.
IDENTITY = re.compile(r"^([0-9A-Z]{18}|\d{15})$")
HV_VOLTAGES = (10.0, 20.0, 35.0, 66.0, 110.0, 220.0, 330.0, 750.0)


@dataclass(frozen=True)
class NewApplication:
    kind: str
    company: str
    city: str
    area_class: str
    address: str
    customer: Customer
    capacity: float
    channel: str
    voltage_kv: float | None = None
    supply: str | None = None


def check(new: NewApplication) -> None:
    """Raise InvalidApplication listing every field that is wrong, each by name."""
    problems: list[dict[str, str]] = []

    def wrong(field: str, message: str) -> None:
        problems.append({"field": field, "message": message})

    kinds = [k.value for k in Kind]
    if new.kind not in kinds:
        wrong("kind", f"must be one of {', '.join(kinds)}")
    if new.company not in COMPANIES:
        wrong("company", f"must be one of {', '.join(COMPANIES)}")
    if new.city not in CITIES:
        wrong("city", f"must be one of {'、'.join(CITIES)}")
    if new.area_class not in AREA_CLASSES:
        wrong("area_class", f"must be one of {', '.join(AREA_CLASSES)}")
    if new.channel not in CHANNELS:
        wrong("channel", f"must be one of {', '.join(CHANNELS)}")
    if not new.address.strip():
        wrong("address", "must not be empty")
    if not new.customer.name.strip():
        wrong("customer.name", "must not be empty")
    if not PHONE.match(new.customer.phone):
        wrong("customer.phone", "must be a mobile number (11 digits) or a landline with area code")
    if not IDENTITY.match(new.customer.id_number.upper()):
        wrong("customer.id_number", "must be an 18-character identity number or credit code")
    if not new.capacity > 0:
        wrong("capacity", "must be greater than zero")
    if new.kind == Kind.HV:
        if new.voltage_kv is None or new.voltage_kv not in HV_VOLTAGES:
            wrong(
                "voltage_kv",
                "high voltage needs a supply voltage of 10 kV or above "
                f"({', '.join(f'{v:g}' for v in HV_VOLTAGES)})",
            )
        if new.supply not in SUPPLIES:
            wrong("supply", "high voltage needs supply 'single' or 'dual'")
    elif new.kind in kinds and new.voltage_kv is not None and new.voltage_kv >= 10:
        wrong("voltage_kv", "low voltage applications are below 10 kV; use kind 'hv'")
    if problems:
        raise InvalidApplication(
            "invalid application: " + ", ".join(p["field"] for p in problems), problems
        )
