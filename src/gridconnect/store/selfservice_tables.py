"""Customers' self-service: one-time codes that prove the phone, satisfaction ratings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from gridconnect.store.tables import utc_column


class RecoveryChallengeRow(SQLModel, table=True):
    """A one-time code sent to the phone of an application, to replace a lost access code.

    The id is random and handed only to the client that asked, so wrong guesses made by
    anyone else never touch it. A challenge for an unknown number is stored too (with no
    code anyone received), so the answers do not reveal which numbers exist.
    """

    __tablename__ = "recovery_challenge"

    id: str = Field(primary_key=True, max_length=64)
    number: str = Field(max_length=32, index=True)
    code_hash: str = Field(max_length=200)
    created_at: datetime = utc_column()
    expires_at: datetime = utc_column()
    used_at: datetime | None = utc_column(nullable=True)


class SatisfactionRow(SQLModel, table=True):
    """The customer's rating of a connected application (好差评), one per application."""

    __tablename__ = "satisfaction_rating"
    __table_args__ = (UniqueConstraint("application_id", name="uq_satisfaction_application"),)

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id")
    company: str = Field(max_length=16)
    city: str = Field(max_length=16)
    score: int  # 5 非常满意 … 1 非常不满意
    comment: str | None = Field(default=None, max_length=500)
    rated_at: datetime = utc_column()


class HelpTicketRow(SQLModel, table=True):
    """A customer's help request or complaint about an application, for the city's supervisors.

    `due_at` and `warn_at` come from the policy's working days at creation; `warned_at` and
    `breached_at` are set once each by the ticket scan, in the transaction that queues the
    alert, so each alert goes out once.
    """

    __tablename__ = "help_ticket"
    __table_args__ = (Index("ix_help_ticket_open", "answered_at", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    number: str = Field(max_length=32)
    company: str = Field(max_length=16)
    city: str = Field(max_length=16)
    category: str = Field(max_length=16)
    text: str = Field(max_length=500)
    created_at: datetime = utc_column()
    warn_at: datetime = utc_column()
    due_at: datetime = utc_column()
    warned_at: datetime | None = utc_column(nullable=True)
    breached_at: datetime | None = utc_column(nullable=True)
    answered_at: datetime | None = utc_column(nullable=True)
    answered_by: str | None = Field(default=None, max_length=64)
    answer: str | None = Field(default=None, max_length=1000)
