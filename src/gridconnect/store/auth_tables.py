"""Users and the attempt log behind every sign-in and access-code limit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from gridconnect.store.tables import utc_column


class UserRow(SQLModel, table=True):
    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, max_length=64)
    password_hash: str = Field(max_length=255)
    role: str = Field(max_length=16)
    company: str | None = Field(default=None, max_length=16)
    cities: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    active: bool = True
    created_at: datetime = utc_column()
    # Named in every token; raising it (sign-out, deactivation, new password) voids them all.
    session_generation: int = Field(default=0)


class AttemptRow(SQLModel, table=True):
    """One attempt against a limited subject ("login-user:wang", "code:SG-2026-000001"...).

    Kept in the database so that a limit holds across several API workers.
    """

    __tablename__ = "attempt"
    __table_args__ = (Index("ix_attempt_subject_at", "subject", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    subject: str = Field(max_length=200)
    at: datetime = utc_column()
