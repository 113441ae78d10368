"""Tables of the government link: e-licence checks, approvals, callbacks, leads.

Every row is written by the service layer in the transaction of the change it records: a
department's decision, the message id that carried it and the stop of the approval clock
commit together, so a repeated or interrupted callback never doubles or loses one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from gridconnect.store.tables import utc_column


class GovLicenceCheckRow(SQLModel, table=True):
    """One e-licence given for an application, and what the platform said about it."""

    __tablename__ = "gov_licence_check"
    __table_args__ = (Index("ix_gov_licence_check_due", "state", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    # The document row recorded for it (None for a mismatch: it is not counted).
    document_id: int | None = Field(default=None, foreign_key="document.id")
    doc_type: str = Field(max_length=64)
    licence_type: str = Field(max_length=32)
    certificate_number: str = Field(max_length=64)
    holder_name: str = Field(max_length=100)
    licence_number: str | None = Field(default=None, max_length=64)
    message_id: str = Field(max_length=64, unique=True)
    state: str = Field(max_length=16)  # verified / mismatch / pending
    differences: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    attempts: int = 0
    next_attempt_at: datetime | None = utc_column(nullable=True)
    last_error: str | None = Field(default=None, max_length=500)
    recorded_by: str = Field(max_length=100)
    created_at: datetime = utc_column()
    checked_at: datetime | None = utc_column(nullable=True)


class GovApprovalRow(SQLModel, table=True):
    """The approval mode chosen at receipt and, for a parallel one, its submission."""

    __tablename__ = "gov_approval"
    __table_args__ = (Index("ix_gov_approval_due", "state", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", unique=True)
    mode: str = Field(max_length=24)
    departments: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # chosen / submitting / submitted / acknowledged / decided
    state: str = Field(max_length=16)
    case_id: str | None = Field(default=None, max_length=64)
    attempts: int = 0
    next_attempt_at: datetime | None = utc_column(nullable=True)
    last_error: str | None = Field(default=None, max_length=500)
    chosen_at: datetime = utc_column()
    submitted_at: datetime | None = utc_column(nullable=True)
    accepted_at: datetime | None = utc_column(nullable=True)
    acknowledged_at: datetime | None = utc_column(nullable=True)
    decided_at: datetime | None = utc_column(nullable=True)


class GovDepartmentRow(SQLModel, table=True):
    """One department's part in a parallel approval: its state and its own elapsed time."""

    __tablename__ = "gov_department"
    __table_args__ = (UniqueConstraint("approval_id", "department", name="uq_gov_department"),)

    id: int | None = Field(default=None, primary_key=True)
    approval_id: int = Field(foreign_key="gov_approval.id", index=True)
    department: str = Field(max_length=32)
    state: str = Field(max_length=24)
    reason: str | None = Field(default=None, max_length=500)
    conditions: str | None = Field(default=None, max_length=500)
    decided_at: datetime | None = utc_column(nullable=True)
    working_days: int | None = None


class GovInboundMessageRow(SQLModel, table=True):
    """A callback accepted once: a repeat of its message id gets this answer again."""

    __tablename__ = "gov_inbound_message"

    message_id: str = Field(primary_key=True, max_length=64)
    kind: str = Field(max_length=32)
    received_at: datetime = utc_column()
    status_code: int
    response: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class GovLeadRow(SQLModel, table=True):
    """Demand known before the application (L18, L23): pushed by the platform."""

    __tablename__ = "gov_lead"
    __table_args__ = (Index("ix_gov_lead_scope", "city", "state"),)

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=32)
    reference: str = Field(max_length=64)
    name: str = Field(max_length=100)
    city: str = Field(max_length=16)
    address: str = Field(max_length=200)
    contact_phone: str | None = Field(default=None, max_length=32)
    certificate_number: str | None = Field(default=None, max_length=64)
    expected_capacity_kw: float | None = None
    state: str = Field(max_length=16)  # open / converted / closed
    received_at: datetime = utc_column(index=True)
    application_id: int | None = Field(default=None, foreign_key="application.id")
    converted_at: datetime | None = utc_column(nullable=True)
    closed_reason: str | None = Field(default=None, max_length=200)
    handled_by: str | None = Field(default=None, max_length=100)
