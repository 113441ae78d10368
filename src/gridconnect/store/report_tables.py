"""Tables for statistics and the regulator export.

`calendar_day` mirrors the working-day calendar in the database so that reports count
working days with SQL (a running ordinal per day: working days between two dates is the
difference of their ordinals). `export_log` is the audit record of regulator exports: the
per-application hash chain in `event` records changes to applications, not reads of them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Table, text
from sqlmodel import Field, SQLModel

from gridconnect.store.tables import (
    AlertRow,
    ApplicationRow,
    ClockRow,
    EventRow,
    StageVisitRow,
    utc_column,
)


class CalendarDayRow(SQLModel, table=True):
    __tablename__ = "calendar_day"

    day: date = Field(primary_key=True)
    is_workday: bool
    # Working days from the start of the supported range up to and including this day.
    workday_ordinal: int
    provisional: bool


class CalendarSyncRow(SQLModel, table=True):
    """Which calendar `calendar_day` was filled from (a fingerprint of every day's kind)."""

    __tablename__ = "calendar_sync"

    id: int = Field(default=1, primary_key=True)
    fingerprint: str = Field(max_length=64)
    synced_at: datetime = utc_column()


class ExportLogRow(SQLModel, table=True):
    """One regulator export: who ran it, when, and which cursor range it covered."""

    __tablename__ = "export_log"

    id: int | None = Field(default=None, primary_key=True)
    actor: str = Field(max_length=100)
    at: datetime = utc_column(index=True)
    cursor_from: str = Field(max_length=64)
    cursor_to: str = Field(max_length=64)
    applications: int
    events: int
    lines: int
    channel: str = Field(max_length=8)  # "api" or "cli"


class DashboardSnapshotRow(SQLModel, table=True):
    """The supervisor's dashboard figures of one scope and month, as the report computed
    them at `computed_at` (`services.dashboard_snapshot`): read while younger than the
    breach-scan interval, recomputed after; the refresh job keeps viewed scopes young."""

    __tablename__ = "dashboard_snapshot"

    scope_key: str = Field(primary_key=True, max_length=400)
    company: str | None = Field(default=None, max_length=16)
    cities: list[str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    period: str = Field(max_length=16)
    computed_at: datetime = utc_column()
    viewed_at: datetime = utc_column()
    figures: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


def _table(model: type[SQLModel]) -> Table:
    return model.__table__  # type: ignore[attr-defined,no-any-return]


# Indexes the period reports and the export filter on. Declared here, on the existing tables,
# so that the models and migration 0002 stay in step without touching `tables.py`.
REPORT_INDEXES = (
    Index("ix_application_closed_at", _table(ApplicationRow).c.closed_at),
    Index("ix_stage_visit_left_at", _table(StageVisitRow).c.left_at),
    Index("ix_sla_clock_kind_stopped", _table(ClockRow).c.kind, _table(ClockRow).c.stopped_at),
    Index("ix_alert_level_raised", _table(AlertRow).c.level, _table(AlertRow).c.raised_at),
    Index("ix_event_action_at", _table(EventRow).c.action, _table(EventRow).c.at),
)

# The supervisor's dashboard on a large database: each figure of the current month reads an
# index range instead of the whole table. The applications still open (the month's "open at
# its end") are a partial index covering the breakdown; clocks are found by when they stopped,
# and the open ones by their due; open alerts are paged oldest first from their own index.
OPEN_APPLICATIONS = "closed_at IS NULL"
OPEN_CLOCKS = "stopped_at IS NULL"
OPEN_ALERTS = "acknowledged_at IS NULL AND cleared_at IS NULL"
DASHBOARD_INDEXES = (
    Index(
        "ix_application_open",
        *(_table(ApplicationRow).c[name] for name in ("company", "city", "kind", "received_at")),
        sqlite_where=text(OPEN_APPLICATIONS),
        postgresql_where=text(OPEN_APPLICATIONS),
    ),
    Index("ix_sla_clock_stopped", _table(ClockRow).c.stopped_at),
    Index(
        "ix_sla_clock_open_due",
        _table(ClockRow).c.due_at,
        sqlite_where=text(OPEN_CLOCKS),
        postgresql_where=text(OPEN_CLOCKS),
    ),
    Index(
        "ix_alert_open_raised",
        _table(AlertRow).c.raised_at,
        _table(AlertRow).c.id,
        sqlite_where=text(OPEN_ALERTS),
        postgresql_where=text(OPEN_ALERTS),
    ),
)
