"""What customers (no account) send and see, and the alerts supervisors see."""

from __future__ import annotations

from pydantic import BaseModel, Field

from gridconnect.api.schemas.applications import MissingDocument
from gridconnect.workflow.events import AlertLevel


# -- customers (public) -------------------------------------------------------------------
class PublicReceipt(BaseModel):
    number: str
    access_code: str = Field(description="shown once; needed to read the status")
    status_url: str


class PublicStage(BaseModel):
    stage: str
    name: str
    state: str
    entered_at: str | None
    left_at: str | None


class PublicDeadline(BaseModel):
    kind: str
    limit_working_days: int
    due_at: str | None
    due_date: str | None
    state: str
    working_days_left: int | None
    provisional: bool


class PublicNotApplicable(BaseModel):
    doc_type: str
    name: str
    stage: str
    reason_code: str
    reason: str = Field(description="why the document is not asked of this customer")


class PublicStatus(BaseModel):
    number: str
    kind: str
    city: str
    customer_name: str
    customer_phone: str
    stage: str
    status: str
    suspended: bool
    received_at: str
    stages: list[PublicStage]
    missing_documents: list[MissingDocument] = Field(description="须提供 (one-time notice)")
    documents_if_applicable: list[MissingDocument] = Field(
        description="如适用: only where they apply to this customer"
    )
    not_applicable_documents: list[PublicNotApplicable]
    deadlines: list[PublicDeadline]
    # selfservice
    suspension_reason_text: str = Field(description="why it is paused, in plain Chinese")
    suspension_what_to_do: str = Field(description="what the customer does to resume")
    what_to_do_now: str = Field(description="the customer's next step; empty when closed")
    hall_name: str = Field(description="the service hall that handles the application")
    hotline: str = Field(description="the company's customer service number, if any")


# -- alerts -------------------------------------------------------------------------------
class AlertOut(BaseModel):
    id: int
    application_id: int
    number: str
    company: str
    city: str
    level: AlertLevel
    clock: str
    due_at: str
    raised_at: str
    acknowledged_by: str | None
    acknowledged_at: str | None
    cleared_at: str | None = None  # withdrawn by a recompute (the deadline moved out)
    times_raised: int = 1
    # selfservice tickets: the customer's ticket of a ticket alert, and its page
    ticket_id: int | None = None
    link: str | None = None
