"""Users and the failed-access counter of the public status page."""

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


class AccessAttemptRow(SQLModel, table=True):
    """A wrong access code given for an application number (rate limit across workers)."""

    __tablename__ = "access_attempt"
    __table_args__ = (Index("ix_access_attempt_number_at", "number", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=32)
    at: datetime = utc_column()
