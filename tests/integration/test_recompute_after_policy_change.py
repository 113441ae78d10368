"""`sla recompute` after a policy change moves the clocks the change touches, with events.

The applications are received under the old reading of the completion dates (L6's 15
working days from 2022-01-01); the shipped policy reads "by end 2022" as binding from
2023-01-01, so a 2022 receipt falls under L3's 20 days instead.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from freezegun import freeze_time
from sqlmodel import Session, col, select

from factories import receive
from gridconnect.calendar import WorkingCalendar
from gridconnect.config.policy import Policy, default_policy_text, load_policy, parse_policy
from gridconnect.services.applications import get_application
from gridconnect.services.context import Services
from gridconnect.services.sla_recompute import recompute_all
from gridconnect.store.tables import EventRow
from gridconnect.timesource import SHANGHAI
from gridconnect.workflow.model import Application, Clock


def old_reading() -> Policy:
    """The shipped policy as it read before: L6's 15 days already from 2022-01-01."""
    text = default_policy_text()
    start = text.index('[[rules]]\nid = "full_process.lv_nonresidential.three_zero.2022"')
    end = text.index("[[rules]]", start + 1)
    text = text[:start] + text[end:]
    text = text.replace(
        "limit_working_days = 15\nin_force_from = 2023-01-01",
        "limit_working_days = 15\nin_force_from = 2022-01-01",
        1,
    )
    return parse_policy(text, "old.toml")


@pytest.fixture(scope="module")
def policy() -> Policy:
    """What the services receive applications with: the old reading."""
    return old_reading()


def local(moment: str) -> datetime:
    return datetime.fromisoformat(moment).replace(tzinfo=SHANGHAI)


def received(services: Services, moment: str) -> Application:
    with freeze_time(local(moment)):
        return receive(services)


def full_process(services: Services, app: Application) -> Clock:
    clock = get_application(services, app.id or 0).clock("full_process")
    assert clock is not None
    return clock


def recompute_events(services: Services, app: Application) -> list[EventRow]:
    with Session(services.engine) as session:
        return list(
            session.exec(
                select(EventRow)
                .where(EventRow.application_id == app.id, EventRow.action == "deadline_recomputed")
                .order_by(col(EventRow.seq))
            )
        )


def test_a_2022_receipt_moves_from_15_to_20_working_days_with_an_audit_event(
    services: Services, calendar: WorkingCalendar
) -> None:
    app = received(services, "2022-06-01 10:00")
    before = full_process(services, app)
    assert (before.rule_id, before.limit_working_days) == (
        "full_process.lv_nonresidential.three_zero.2023",
        15,
    )
    assert before.due_at == local("2022-06-24 00:00")  # Dragon Boat Festival 06-03 skipped

    result = recompute_all(services.engine, calendar, load_policy(), now=local("2022-06-02 09:00"))

    after = full_process(services, app)
    assert (after.rule_id, after.limit_working_days) == (
        "full_process.lv_nonresidential.three_zero.2022",
        20,
    )
    assert after.due_at == local("2022-07-01 00:00")  # five working days later
    assert (result.clocks_changed, result.applications_changed) == (1, 1)
    [event] = recompute_events(services, app)
    assert event.actor == "system:recompute"
    assert event.details["clock"] == "full_process"
    assert (event.details["old_due_date"], event.details["new_due_date"]) == (
        "2022-06-23",
        "2022-06-30",
    )
    assert (
        event.details["old_limit_working_days"],
        event.details["new_limit_working_days"],
    ) == (15, 20)
    assert event.details["new_rule_id"] == "full_process.lv_nonresidential.three_zero.2022"


def test_a_receipt_the_change_does_not_touch_keeps_its_clock_and_gets_no_event(
    services: Services, calendar: WorkingCalendar
) -> None:
    app = received(services, "2023-03-01 10:00")
    before = full_process(services, app)

    result = recompute_all(services.engine, calendar, load_policy(), now=local("2023-03-02 09:00"))

    after = full_process(services, app)
    assert (after.rule_id, after.limit_working_days, after.due_at) == (
        before.rule_id,
        before.limit_working_days,
        before.due_at,
    )
    assert result.clocks_changed == 0
    assert recompute_events(services, app) == []


def test_recomputing_twice_moves_nothing_the_second_time(
    services: Services, calendar: WorkingCalendar
) -> None:
    app = received(services, "2022-06-01 10:00")
    shipped = load_policy()
    recompute_all(services.engine, calendar, shipped, now=local("2022-06-02 09:00"))
    again = recompute_all(services.engine, calendar, shipped, now=local("2022-06-02 09:05"))
    assert again.clocks_changed == 0
    assert len(recompute_events(services, app)) == 1
