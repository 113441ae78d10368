"""Request and response bodies of the government link (docs/gov-platform.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from gridconnect.config.vocabulary import (
    City,
    Department,
    DepartmentDecision,
    LeadSource,
    LicenceType,
    NoControl,
)

Short = Annotated[str, NoControl, Field(min_length=1, max_length=64, pattern=r"\S")]
Name = Annotated[str, NoControl, Field(min_length=1, max_length=100, pattern=r"\S")]
Long = Annotated[str, NoControl, Field(max_length=500)]
Version = Annotated[int, Field(strict=True, ge=1, le=2**31 - 1)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- platform -> gridconnect ------------------------------------------------------------
class AcknowledgementIn(Strict):
    application_number: Short
    case_id: Short
    departments: list[Department] = []


class DecisionIn(Strict):
    application_number: Short
    department: Department
    decision: DepartmentDecision
    reason: Long | None = None
    conditions: Long | None = None
    decided_at: datetime | None = None


class LeadIn(Strict):
    source: LeadSource
    reference: Short
    name: Name
    city: City
    address: Annotated[str, NoControl, Field(min_length=1, max_length=200, pattern=r"\S")]
    contact_phone: Annotated[str, NoControl, Field(max_length=32)] | None = None
    certificate_number: Short | None = None
    expected_capacity_kw: Annotated[float, Field(ge=0, le=1e7)] | None = None


class CallbackAnswer(BaseModel):
    model_config = ConfigDict(extra="allow")


# -- staff ------------------------------------------------------------------------------
class LicenceIn(Strict):
    licence_type: LicenceType
    certificate_number: Short
    holder_name: Name
    expected_version: Version | None = None


class PullIn(Strict):
    certificate_number: Short
    expected_version: Version | None = None


class SubmitIn(Strict):
    expected_version: Version | None = None


class CloseLeadIn(Strict):
    reason: Annotated[str, NoControl, Field(min_length=1, max_length=200, pattern=r"\S")]


class LicenceCheckOut(BaseModel):
    id: int
    doc_type: str
    licence_type: str
    certificate_number: str
    holder_name: str
    licence_number: str | None
    state: str
    differences: list[dict[str, Any]]
    counted: bool
    checked_at: datetime | None


class DepartmentOut(BaseModel):
    department: str
    state: str
    reason: str | None
    conditions: str | None
    decided_at: datetime | None
    working_days: int | None


class ApprovalOut(BaseModel):
    mode: str
    state: str
    case_id: str | None
    submitted_at: datetime | None
    decided_at: datetime | None
    last_error: str | None
    departments: list[DepartmentOut]


class LeadOut(BaseModel):
    id: int
    source: str
    reference: str
    name: str
    city: str
    address: str
    contact_phone: str | None
    certificate_number: str | None
    expected_capacity_kw: float | None
    state: str
    received_at: datetime
    application_id: int | None
    converted_at: datetime | None
    closed_reason: str | None


class LinkStatusOut(BaseModel):
    connected: bool
    message: str
