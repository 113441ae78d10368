"""A new application's fields, checked once by one model that the API, the pages and the
CLI share (`ApplicationIntake`): types and lists from the vocabulary, lengths, patterns,
strict numbers (`true` is not a capacity), no control characters, and the rules that tie
fields together (a high-voltage application needs a standard voltage and a supply).

`NewApplication` is the command the service receives; `check()` puts one built elsewhere
(the demo, tests) through the same model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from gridconnect.config.vocabulary import (
    HV_VOLTAGES,
    ID_NUMBER_PATTERN,
    PHONE_PATTERN,
    AreaClass,
    Channel,
    City,
    Company,
    Kind,
    NoControl,
    Supply,
)
from gridconnect.workflow.errors import InvalidApplication
from gridconnect.workflow.model import Customer

__all__ = ["HV_VOLTAGES", "ApplicationIntake", "CustomerIntake", "NewApplication", "check"]


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


def _number(low: float, high: float, description: str) -> object:
    return Field(default=None, strict=True, gt=low, le=high, description=description)


class CustomerIntake(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, NoControl, Field(min_length=1, max_length=100, pattern=r"\S")]
    phone: str = Field(
        pattern=PHONE_PATTERN, description="a mobile number, or a landline with its area code"
    )
    id_number: str = Field(
        pattern=ID_NUMBER_PATTERN,
        description="18-character identity number or unified social credit code",
    )


class ApplicationIntake(BaseModel):
    """The fields of a new application, as every channel submits them."""

    model_config = ConfigDict(extra="forbid")

    kind: Kind
    customer: CustomerIntake
    address: Annotated[str, NoControl, Field(min_length=1, max_length=200, pattern=r"\S")]
    city: City
    area_class: AreaClass
    capacity_kw: float | None = _number(0, 1e6, "low voltage")  # type: ignore[assignment]
    capacity_kva: float | None = _number(0, 1e7, "high voltage")  # type: ignore[assignment]
    voltage_kv: float | None = _number(0, 1000, "supply voltage")  # type: ignore[assignment]
    supply: Supply | None = None
    channel: Channel = Channel.HALL

    @property
    def capacity_field(self) -> str:
        """The capacity's unit follows the kind: kW for low voltage, kVA for high voltage."""
        return "capacity_kva" if self.kind == Kind.HV else "capacity_kw"

    def problems(self) -> list[dict[str, str]]:
        """What ties fields together, each problem naming its field."""
        found: list[dict[str, str]] = []
        unit = self.capacity_field
        if getattr(self, unit) is None:
            found.append({"field": unit, "message": f"required for kind {self.kind}"})
        if self.kind == Kind.HV:
            if self.voltage_kv not in HV_VOLTAGES:
                found.append(
                    {
                        "field": "voltage_kv",
                        "message": "high voltage needs a supply voltage of 10 kV or above "
                        f"({', '.join(f'{v:g}' for v in HV_VOLTAGES)})",
                    }
                )
            if self.supply is None:
                found.append(
                    {"field": "supply", "message": "high voltage needs supply 'single' or 'dual'"}
                )
        elif self.voltage_kv is not None and self.voltage_kv >= 10:
            found.append(
                {
                    "field": "voltage_kv",
                    "message": "low voltage applications are below 10 kV; use kind 'hv'",
                }
            )
        return found

    def command(self, company: str) -> NewApplication:
        """The intake command; raises InvalidApplication naming every field that is wrong."""
        found = self.problems()
        if company not in Company.codes():
            found.append({"field": "company", "message": f"must be one of {Company.codes()}"})
        if found:
            raise InvalidApplication(
                "invalid application: " + ", ".join(p["field"] for p in found), found
            )
        capacity = getattr(self, self.capacity_field)
        return NewApplication(
            kind=str(self.kind),
            company=company,
            city=str(self.city),
            area_class=str(self.area_class),
            address=self.address,
            customer=Customer(self.customer.name, self.customer.phone, self.customer.id_number),
            capacity=capacity,
            channel=str(self.channel),
            voltage_kv=self.voltage_kv,
            supply=str(self.supply) if self.supply is not None else None,
        )


def field_name(location: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in location) or "application"


def check(new: NewApplication) -> None:
    """Put a command built outside the API and the forms through the one intake model."""
    capacity = "capacity_kva" if new.kind == Kind.HV else "capacity_kw"
    data: dict[str, Any] = {
        "kind": new.kind,
        "customer": {
            "name": new.customer.name,
            "phone": new.customer.phone,
            "id_number": new.customer.id_number,
        },
        "address": new.address,
        "city": new.city,
        "area_class": new.area_class,
        capacity: new.capacity,
        "voltage_kv": new.voltage_kv,
        "supply": new.supply,
        "channel": new.channel,
    }
    try:
        intake = ApplicationIntake.model_validate(data)
    except ValidationError as exc:
        # the command has one `capacity` whatever its unit
        found = [
            {"field": field_name(e["loc"]).replace(capacity, "capacity"), "message": e["msg"]}
            for e in exc.errors(include_url=False)
        ]
        found += related_problems(data, {p["field"] for p in found} | {capacity, "capacity"})
        if new.company not in Company.codes():
            found.append({"field": "company", "message": f"must be one of {Company.codes()}"})
        raise InvalidApplication(
            "invalid application: " + ", ".join(p["field"] for p in found), found
        ) from None
    intake.command(new.company)


def related_problems(data: dict[str, Any], refused: set[str]) -> list[dict[str, str]]:
    """The rules that tie fields together, on fields that were not refused on their own (so
    that every wrong field is named at once, even when another one is of the wrong type)."""
    valid_alone = {key: None if key in refused else value for key, value in data.items()}
    unchecked = ApplicationIntake.model_construct(**valid_alone)
    return [p for p in unchecked.problems() if p["field"] not in refused]
