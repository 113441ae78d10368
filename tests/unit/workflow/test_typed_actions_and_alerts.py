"""Actions, events and alert levels are typed, each declared once; every table follows them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from gridconnect.api.pages.labels import ACTION_NAMES
from gridconnect.errors import GridconnectError
from gridconnect.services.alert_raising import AlertSubject, raise_alert
from gridconnect.services.alert_routing import AlertRecipients
from gridconnect.services.applications import OPERATIONS, parse_action
from gridconnect.workflow.clocks import mark_breached, stop_clock
from gridconnect.workflow.events import AlertLevel
from gridconnect.workflow.machine import Action
from gridconnect.workflow.model import Clock, ClockState

DUE = datetime(2026, 10, 23, 16, 0, tzinfo=UTC)


def test_every_action_has_one_operation_and_one_label() -> None:
    assert set(OPERATIONS) == set(Action)
    assert set(ACTION_NAMES) == set(Action)
    assert ACTION_NAMES["advance"] == ACTION_NAMES[Action.ADVANCE]  # plain strings still look up


def test_an_unknown_action_is_refused_naming_it() -> None:
    assert parse_action("suspend") is Action.SUSPEND
    with pytest.raises(GridconnectError) as refused:
        parse_action("approve_everything")
    assert refused.value.status == 422
    assert refused.value.details == {"action": "approve_everything"}


def clock() -> Clock:
    return Clock("full_process", "r", 15, DUE - timedelta(days=20), DUE, DUE, False)


def test_a_stop_after_the_due_is_the_same_breach_the_scan_writes() -> None:
    by_stop, by_scan = clock(), clock()
    at = DUE + timedelta(hours=1)
    assert stop_clock(by_stop, at) is True
    mark_breached(by_scan, at)
    for late in (by_stop, by_scan):
        assert (late.state, late.breached_at) == (ClockState.BREACHED, at)


@dataclass
class Recording:
    """An alert store that remembers what it was asked to write."""

    alerts: dict[tuple[int, str], int] = field(default_factory=dict)
    outbox: list[dict[str, Any]] = field(default_factory=list)

    def raise_alert(self, *, clock_id: int, level: str, **_: Any) -> tuple[int, int] | None:
        if (clock_id, level) in self.alerts:
            return None
        self.alerts[(clock_id, level)] = len(self.alerts) + 1
        return self.alerts[(clock_id, level)], 1

    def enqueue(self, **message: Any) -> int:
        self.outbox.append(message)
        return len(message["channels"])


def test_an_alert_is_raised_once_and_queued_to_its_company_and_city_robots() -> None:
    store = Recording()
    subject = AlertSubject(7, "full_process", DUE, 3, "GC-1", "sgcc", "西安")
    recipients = AlertRecipients(("https://all",), {"sgcc/西安": ("https://xian",)})
    at = DUE + timedelta(hours=3)
    raised = raise_alert(store, subject, AlertLevel.BREACH, at, recipients)
    assert raised is not None
    alert_id, payload = raised
    assert payload["late_hours"] == 3.0
    assert payload["level"] == "breach"
    assert store.outbox[0]["channels"] == ["https://all", "https://xian"]
    assert store.outbox[0]["dedup_key"] == f"alert:{alert_id}"
    assert raise_alert(store, subject, AlertLevel.BREACH, at, recipients) is None
    assert len(store.outbox) == 1
