"""Finished clocks written straight to the database: the history the breach forecast reads."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from gridconnect.services.context import Services
from gridconnect.store.tables import ClockRow
from gridconnect.timesource import SHANGHAI, as_utc
from gridconnect.workflow.model import Application


def local(moment: str) -> datetime:
    return as_utc(datetime.fromisoformat(moment).replace(tzinfo=SHANGHAI))


def finished_history(services: Services, app: Application, taken_calendar_days: int) -> None:
    """30 full-process clocks of `app`'s group that ran `taken_calendar_days` from a Monday."""
    assert app.id is not None
    with Session(services.engine) as session:
        for week in range(30):
            started = local("2026-03-02 09:00") + timedelta(weeks=week)
            stopped = started + timedelta(days=taken_calendar_days)
            session.add(
                ClockRow(
                    application_id=app.id,
                    kind="full_process",
                    rule_id="history",
                    limit_working_days=15,
                    started_at=started,
                    due_at=started + timedelta(days=21),
                    warn_at=started + timedelta(days=20),
                    state="breached" if taken_calendar_days > 21 else "met",
                    stopped_at=stopped,
                    late=taken_calendar_days > 21,
                )
            )
        session.commit()
