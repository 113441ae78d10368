"""Recompute every open clock after a calendar year is loaded or the policy changes.

A first pass reads the open clocks' rows alone and recomputes each schedule (cheap: the
calendar is an index); only applications with a clock whose due, warning instant or
provisional flag changed are then loaded, changed and saved through the repository, so
each change is versioned and lands in the application's hash-chained audit trail as a
`deadline_recomputed` event with the old and new due.

After a policy change the limit itself may move (one reading of every completion date
put 2022 receipts under L3's 20 days, not L6's 15): each open clock's rule is looked up
again for its application, as at receipt, and a clock whose rule now gives another limit
takes that rule's id, limit and target before it is rescheduled; the event records the old
and new limit. A clock whose rule no longer applies at all keeps its limit (nothing is
stopped behind a supervisor's back); a clock the new policy would add is not started.

Each pending stall instant (when an untouched application counts as stalled) is counted
again from the application's last action (`services.stall_recompute`).

Alerts follow the new due: a warning whose warning instant is now in the future, or a
breach whose due is now in the future, is withdrawn (the alert row keeps its history and
gets `cleared_at`); the scan that runs at the end raises whatever the new dues call for,
re-raising a withdrawn alert if its level is reached again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Engine, select, update
from sqlmodel import Session

from gridconnect.calendar import WorkingCalendar
from gridconnect.config.policy_model import ApplicationFacts, Policy, SlaRule
from gridconnect.services.alert_routing import AlertRecipients
from gridconnect.services.context import Services
from gridconnect.services.sla_scan import scan
from gridconnect.services.stall_recompute import recompute_stalls
from gridconnect.store.tables import AlertRow, ApplicationRow, ClockRow
from gridconnect.store.uow import UnitOfWork
from gridconnect.timesource import as_utc, local_date
from gridconnect.timesource import now as system_now
from gridconnect.workflow.application import facts as application_facts
from gridconnect.workflow.clocks import reschedule, schedule
from gridconnect.workflow.errors import VersionConflict
from gridconnect.workflow.events import AlertLevel, Event
from gridconnect.workflow.model import Application, Clock, ClockState, DomainEvent

log = logging.getLogger(__name__)

CLOCKS = cast(Any, ClockRow).__table__
ALERTS = cast(Any, AlertRow).__table__
APPLICATIONS = cast(Any, ApplicationRow).__table__
OPEN_STATES = (ClockState.RUNNING, ClockState.PAUSED, ClockState.BREACHED)
ACTOR = "system:recompute"
RETRIES = 3


@dataclass
class RecomputeResult:
    clocks_checked: int = 0
    clocks_changed: int = 0
    applications_changed: int = 0
    warnings_cleared: int = 0
    breaches_cleared: int = 0
    stalls_moved: int = 0
    warned: int = 0  # by the scan that follows
    breached: int = 0

    def summary(self) -> dict[str, int]:
        return dict(self.__dict__)

    def __str__(self) -> str:
        return (
            f"{self.clocks_changed} of {self.clocks_checked} open clocks changed in "
            f"{self.applications_changed} applications; {self.warnings_cleared} warnings and "
            f"{self.breaches_cleared} breaches withdrawn; {self.stalls_moved} stall instants "
            f"moved; {self.warned} warned, "
            f"{self.breached} breached"
        )


def recompute_services(svc: Services, now: datetime | None = None) -> RecomputeResult:
    """Recompute every open clock with the services' calendar, policy and alert channels."""
    return recompute_all(
        svc.engine, svc.calendar, svc.policy, now=now, alert_channels=svc.alert_channels
    )


def recompute_all(
    engine: Engine,
    calendar: WorkingCalendar,
    policy: Policy,
    now: datetime | None = None,
    alert_channels: Sequence[str] | AlertRecipients = (),
) -> RecomputeResult:
    """Recompute every open clock at `now`, then scan for what the new dues call for."""
    at = as_utc(now) if now is not None else system_now()
    result = RecomputeResult()
    for app_id in _applications_to_change(engine, calendar, policy, result):
        _recompute_application(engine, app_id, calendar, policy, at, result)
    result.stalls_moved = recompute_stalls(engine, calendar, policy.stall_working_days)
    scanned = scan(engine, at, alert_channels)
    result.warned, result.breached = scanned.warned, scanned.breached
    log.info("SLA recompute: %s", result)
    return result


def _applications_to_change(
    engine: Engine, calendar: WorkingCalendar, policy: Policy, result: RecomputeResult
) -> list[int]:
    """Ids of applications with an open clock whose schedule differs (keyset pages by id)."""
    columns = [
        CLOCKS.c.id,
        CLOCKS.c.application_id,
        CLOCKS.c.started_at,
        CLOCKS.c.limit_working_days,
        CLOCKS.c.paused_working_days,
        CLOCKS.c.due_at,
        CLOCKS.c.warn_at,
        CLOCKS.c.provisional,
        CLOCKS.c.kind.label("clock"),
        CLOCKS.c.rule_id,
        *(APPLICATIONS.c[name] for name in FACT_COLUMNS),
    ]
    changed: set[int] = set()
    last = 0
    with Session(engine) as session:
        while True:
            rows = session.execute(
                select(*columns)
                .join(APPLICATIONS, APPLICATIONS.c.id == CLOCKS.c.application_id)
                .where(
                    CLOCKS.c.id > last,
                    CLOCKS.c.stopped_at.is_(None),
                    CLOCKS.c.state.in_(OPEN_STATES),
                )
                .order_by(CLOCKS.c.id)
                .limit(5000)
            ).all()
            if not rows:
                break
            last = rows[-1].id
            for row in rows:
                result.clocks_checked += 1
                rule = _rule_now(policy, row.clock, _row_facts(row))
                if rule is not None and _identity(rule) != (row.rule_id, row.limit_working_days):
                    changed.add(row.application_id)
                    continue
                plan = schedule(
                    calendar,
                    as_utc(row.started_at),
                    row.limit_working_days,
                    row.paused_working_days,
                    policy.warn_working_days,
                )
                stored = (as_utc(row.due_at), as_utc(row.warn_at), row.provisional)
                if (plan.due_at, plan.warn_at, plan.provisional) != stored:
                    changed.add(row.application_id)
    return sorted(changed)


FACT_COLUMNS = (
    "kind",
    "city",
    "received_at",
    "capacity",
    "voltage_kv",
    "supply",
    "three_zero",
    "on_site_reply",
    "company",
)


def _row_facts(row: Any) -> ApplicationFacts:
    """The same facts `workflow.application.facts` gives, from the joined row."""
    return ApplicationFacts(
        kind=row.kind,
        city=row.city,
        received_on=local_date(as_utc(row.received_at)),
        capacity=row.capacity,
        voltage_kv=row.voltage_kv,
        supply=row.supply,
        three_zero=row.three_zero,
        on_site_reply=row.on_site_reply,
        company=row.company,
    )


def _rule_now(policy: Policy, clock: str, facts: ApplicationFacts) -> SlaRule | None:
    """The rule the policy now gives this clock, if it gives one with a limit."""
    rule = policy.rule_for(clock, facts)
    return rule if rule is not None and rule.limit_working_days is not None else None


def _identity(rule: SlaRule) -> tuple[str, int | None]:
    return rule.id, rule.limit_working_days


def _take_rule(clock: Clock, rule: SlaRule | None) -> dict[str, Any]:
    """Give the clock the policy's current rule; what changed, for the audit event."""
    if rule is None or _identity(rule) == (clock.rule_id, clock.limit_working_days):
        return {}
    assert rule.limit_working_days is not None
    moved = {
        "old_rule_id": clock.rule_id,
        "new_rule_id": rule.id,
        "old_limit_working_days": clock.limit_working_days,
        "new_limit_working_days": rule.limit_working_days,
    }
    clock.rule_id = rule.id
    clock.limit_working_days = rule.limit_working_days
    clock.target_working_days = rule.target_working_days
    return moved


def _recompute_application(
    engine: Engine,
    app_id: int,
    calendar: WorkingCalendar,
    policy: Policy,
    at: datetime,
    result: RecomputeResult,
) -> None:
    for attempt in range(RETRIES):
        try:
            with UnitOfWork(engine) as uow:
                app = uow.applications.get(app_id)
                if app is None:
                    return
                counts = _reschedule(uow.session, app, calendar, policy, at)
                if counts[0]:
                    uow.applications.save(app, app.version)
                    uow.commit()
                    result.applications_changed += 1
                    result.clocks_changed += counts[0]
                    result.warnings_cleared += counts[1]
                    result.breaches_cleared += counts[2]
                return
        except VersionConflict:
            # A clerk (or the scan) saved it meanwhile: reload and do it again.
            if attempt == RETRIES - 1:
                raise


def _reschedule(
    session: Session, app: Application, calendar: WorkingCalendar, policy: Policy, at: datetime
) -> tuple[int, int, int]:
    """Reschedule the open clocks in memory; (clocks changed, warnings, breaches withdrawn)."""
    changed = warnings = breaches = 0
    facts = application_facts(policy, app)
    for clock in app.open_clocks():
        old_due, old_warn, old_provisional = clock.due_at, clock.warn_at, clock.provisional
        moved = _take_rule(clock, _rule_now(policy, clock.kind, facts))
        reschedule(calendar, clock, policy.warn_working_days)
        if not moved and (clock.due_at, clock.warn_at, clock.provisional) == (
            old_due,
            old_warn,
            old_provisional,
        ):
            continue
        changed += 1
        app.events.append(
            DomainEvent(
                action=Event.DEADLINE_RECOMPUTED,
                actor=ACTOR,
                at=at,
                stage_before=app.stage,
                stage_after=app.stage,
                details={
                    "clock": clock.kind,
                    "old_due": old_due.isoformat(),
                    "new_due": clock.due_at.isoformat(),
                    "old_due_date": _due_date(old_due),
                    "new_due_date": _due_date(clock.due_at),
                    "provisional": clock.provisional,
                    "was_provisional": old_provisional,
                    **moved,
                },
            )
        )
        if clock.warned_at is not None and clock.warn_at > at:
            clock.warned_at = None
            warnings += _withdraw(session, clock, AlertLevel.WARNING, at)
        if clock.state == ClockState.BREACHED and clock.due_at > at:
            clock.state = ClockState.PAUSED if clock.paused_at else ClockState.RUNNING
            clock.breached_at = None
            breaches += _withdraw(session, clock, AlertLevel.BREACH, at)
    return changed, warnings, breaches


def _due_date(due_at: datetime) -> str:
    """The day a person reads as the due: a due at 24:00 is that day, not the next."""
    return local_date(due_at - timedelta(seconds=1)).isoformat()


def _withdraw(session: Session, clock: Clock, level: AlertLevel, at: datetime) -> int:
    outcome = session.execute(
        update(ALERTS)
        .where(
            ALERTS.c.clock_id == clock.id,
            ALERTS.c.level == level,
            ALERTS.c.cleared_at.is_(None),
        )
        .values(cleared_at=at)
    )
    return 1 if outcome.rowcount else 0  # type: ignore[attr-defined]
