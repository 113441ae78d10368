"""Raising an alert and queueing its deliveries: one function for the workflow and the scan.

A clerk's late stop (`services.applications`) and the set-based scan (`services.sla_scan`)
both end here, inside their own transaction: the (clock, level) alert is raised once (or
raised again after `sla recompute` withdrew it) and one outbox message per channel is
queued under a key unique to that raising, so neither path can deliver twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from gridconnect.services.alert_routing import AlertRecipients
from gridconnect.store.alerts import alert_dedup_key
from gridconnect.workflow.events import AlertLevel

ALERT_TOPIC = "alert"


class AlertStore(Protocol):
    """Where alerts and outbox rows are written: a unit of work (or a fake of one)."""

    def raise_alert(self, **alert: Any) -> tuple[int, int] | None: ...

    def enqueue(self, **message: Any) -> int: ...


@dataclass(frozen=True)
class AlertSubject:
    """The clock an alert is about, with what the alert names of its application."""

    clock_id: int
    clock_kind: str
    due_at: datetime
    application_id: int
    number: str
    company: str
    city: str


def alert_payload(subject: AlertSubject, level: AlertLevel, at: datetime) -> dict[str, Any]:
    """The message the supervisors' robots receive."""
    late = max((at - subject.due_at).total_seconds(), 0) if level == AlertLevel.BREACH else 0
    return {
        "application": subject.number,
        "company": subject.company,
        "city": subject.city,
        "clock": subject.clock_kind,
        "level": str(level),
        "due_at": subject.due_at.isoformat(),
        "late_hours": round(late / 3600, 1),
    }


def raise_alert(
    store: AlertStore,
    subject: AlertSubject,
    level: AlertLevel,
    at: datetime,
    recipients: AlertRecipients,
) -> tuple[int, dict[str, Any]] | None:
    """Raise the alert and queue its deliveries: (alert id, payload), or None if it stands."""
    raised = store.raise_alert(
        clock_id=subject.clock_id,
        application_id=subject.application_id,
        company=subject.company,
        city=subject.city,
        level=str(level),
        due_at=subject.due_at,
        at=at,
    )
    if raised is None:
        return None
    alert_id, times = raised
    payload = alert_payload(subject, level, at)
    store.enqueue(
        channels=recipients.channels_for(subject.company, subject.city),
        topic=ALERT_TOPIC,
        dedup_key=alert_dedup_key(alert_id, times),
        payload=payload,
        at=at,
    )
    return alert_id, payload
