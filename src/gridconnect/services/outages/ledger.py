"""The live outage ledger: register, post progress, restore (partly), correct.

Each command is one transaction: the outage row (saved with `UPDATE ... WHERE version =`
the version the caller read: a stale one is a 409), its appended event, its notices to
customers and any alert commit together or not at all. A planned outage registered with
less lead time than the policy asks records a breach and alerts the supervisor (once);
a fault's first notice is queued the moment it is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import select, update
from sqlmodel import Session, col

from gridconnect.config.vocabulary import OutageKind, OutageNotice
from gridconnect.errors import InvalidInput, NotFound
from gridconnect.services.alert_routing import AlertRecipients
from gridconnect.services.context import EVERYTHING, Scope, Services
from gridconnect.services.outages.notices import queue_notice, raise_reliability_alert
from gridconnect.store.outage_tables import (
    CustomerAccountRow,
    OutageAreaRow,
    OutageEventRow,
    OutageRow,
)
from gridconnect.timesource import as_utc
from gridconnect.workflow.errors import VersionConflict

OUTAGE = cast(Any, OutageRow).__table__
AREA = cast(Any, OutageAreaRow).__table__
ACCOUNT = cast(Any, CustomerAccountRow).__table__


class OutageNotFound(NotFound):
    code = "outage_not_found"


class InvalidOutage(InvalidInput):
    code = "invalid_outage"


def _refuse(field_name: str, message: str) -> InvalidOutage:
    return InvalidOutage(f"{field_name}: {message}", [{"field": field_name, "message": message}])


@dataclass(frozen=True)
class AreaInput:
    feeder: str
    transformer_area: str = ""
    customers: int | None = None


@dataclass(frozen=True)
class NewOutage:
    company: str
    city: str
    area_class: str
    kind: str
    cause: str
    start: datetime
    end: datetime | None = None
    areas: tuple[AreaInput, ...] = ()
    customers: int | None = None
    temporary: bool = False  # temporary maintenance: the shorter notice lead time
    restricted_share: float = 1.0
    expected_restoration: datetime | None = None


@dataclass
class Change:
    """What a command did, for the caller to show."""

    outage: OutageRow
    notices: int = 0
    alerts: list[str] = field(default_factory=list)


def _channels(svc: Services, company: str, city: str) -> list[str]:
    return AlertRecipients.of(svc.alert_channels).channels_for(company, city)


def _event(
    session: Session, outage_id: int, what: str, at: datetime, actor: str, **detail: Any
) -> None:
    session.add(OutageEventRow(outage_id=outage_id, kind=what, at=at, actor=actor, detail=detail))


def _count_area(session: Session, area: AreaInput) -> int:
    statement = select(ACCOUNT.c.id).where(ACCOUNT.c.feeder == area.feeder)
    if area.transformer_area:
        statement = statement.where(ACCOUNT.c.transformer_area == area.transformer_area)
    return len(session.execute(statement).all())


def _areas_with_customers(session: Session, new: NewOutage) -> list[tuple[AreaInput, int]]:
    counted = [
        (area, area.customers if area.customers is not None else _count_area(session, area))
        for area in new.areas
    ]
    if new.customers is None and not counted:
        raise _refuse("customers", "give the customers interrupted, or the feeders to count them")
    if new.customers is None and sum(n for _, n in counted) == 0:
        raise _refuse("areas", "the registry has no customer on these feeders: give customers")
    return counted


def _check_times(new: NewOutage, at: datetime) -> None:
    if new.end is not None and new.end < new.start:
        raise _refuse("end", "is before start")
    if new.kind != OutageKind.PLANNED:
        if new.start > at:
            raise _refuse("start", "is in the future (record a fault when it has begun)")
        if new.end is not None and new.end > at:
            raise _refuse("end", "is in the future (a restoration is recorded when it happens)")
    elif new.end is None:
        raise _refuse("end", "a planned outage needs its planned end")
    if not 0 < new.restricted_share <= 1:
        raise _refuse("restricted_share", "must be more than 0 and at most 1")


def register(svc: Services, new: NewOutage, actor: str, scope: Scope = EVERYTHING) -> Change:
    """A planned outage ahead of time, or a fault / limited supply as it starts."""
    at = svc.now()
    if not scope.admits(new.company, new.city):
        raise _refuse("city", "outside the cities you may record outages for")
    _check_times(new, at)
    policy = svc.policy.reliability
    with Session(svc.engine, expire_on_commit=False) as session:
        counted = _areas_with_customers(session, new)
        customers = new.customers if new.customers is not None else sum(n for _, n in counted)
        lead = new.start - at
        required = (
            timedelta(hours=policy.temporary_notice_hours)
            if new.temporary
            else timedelta(days=policy.planned_notice_days)
        )
        breach = new.kind == OutageKind.PLANNED and lead < required
        row = OutageRow(
            company=new.company,
            city=new.city,
            area_class=new.area_class,
            kind=new.kind,
            cause=new.cause,
            customers=customers,
            start_at=new.start,
            end_at=new.end,
            restricted_share=new.restricted_share,
            announced_at=at if new.kind == OutageKind.PLANNED else None,
            notice_breach=breach,
            expected_restoration_at=new.expected_restoration,
            created_by=actor,
            created_at=at,
            updated_at=at,
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        for area, n in counted:
            session.add(
                OutageAreaRow(
                    outage_id=row.id,
                    feeder=area.feeder,
                    transformer_area=area.transformer_area,
                    customers=n,
                )
            )
        session.flush()
        _event(session, row.id, "registered", at, actor, kind=new.kind, customers=customers)
        change = Change(row)
        notice = OutageNotice.PLANNED if new.kind == OutageKind.PLANNED else OutageNotice.FAULT
        change.notices = queue_notice(
            session, row, notice, 0, svc.customer_channels, policy.notice_batch_size, at
        )
        if breach:
            raise_reliability_alert(
                session,
                dedup_key=f"late-notice:{row.id}",
                kind="late_notice",
                company=row.company,
                city=row.city,
                area_class=row.area_class,
                outage_id=row.id,
                detail={
                    "outage": row.id,
                    "lead_hours": round(lead.total_seconds() / 3600, 1),
                    "required_hours": round(required.total_seconds() / 3600, 1),
                },
                channels=_channels(svc, row.company, row.city),
                at=at,
            )
            change.alerts.append("late_notice")
        if new.end is not None and new.kind != OutageKind.PLANNED:
            change.notices += queue_notice(
                session, row, OutageNotice.RESTORED, 0, svc.customer_channels,
                policy.notice_batch_size, at,
            )  # fmt: skip
        session.commit()
    return change


def get_outage(svc: Services, outage_id: int, scope: Scope = EVERYTHING) -> OutageRow:
    with Session(svc.engine) as session:
        row = session.get(OutageRow, outage_id)
        if row is None or not scope.admits(row.company, row.city):
            raise OutageNotFound(f"no outage {outage_id}")
        return row


def _load(session: Session, outage_id: int, scope: Scope, version: int) -> OutageRow:
    row = session.get(OutageRow, outage_id)
    if row is None or not scope.admits(row.company, row.city):
        raise OutageNotFound(f"no outage {outage_id}")
    if row.version != version:
        raise VersionConflict(
            f"outage {outage_id} changed meanwhile (version {row.version}, you had {version})",
            {"version": row.version},
        )
    return row


def _save(session: Session, row: OutageRow, version: int, at: datetime, **values: Any) -> None:
    done = session.execute(
        update(OUTAGE)
        .where(OUTAGE.c.id == row.id, OUTAGE.c.version == version)
        .values(version=version + 1, updated_at=at, **values)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise VersionConflict(f"outage {row.id} changed meanwhile", {"version": version})
    for key, value in values.items():
        setattr(row, key, value)
    row.version, row.updated_at = version + 1, at


def post_progress(
    svc: Services,
    outage_id: int,
    version: int,
    note: str,
    expected_restoration: datetime | None,
    actor: str,
    scope: Scope = EVERYTHING,
) -> Change:
    """Repair progress and the expected restoration time, pushed to the customers."""
    at = svc.now()
    with Session(svc.engine, expire_on_commit=False) as session:
        row = _load(session, outage_id, scope, version)
        if row.end_at is not None:
            raise _refuse("outage", "is already restored")
        if expected_restoration is not None and expected_restoration < row.start_at:
            raise _refuse("expected_restoration", "is before the outage's start")
        sequence = row.progress_count + 1
        _save(
            session, row, version, at,
            progress_count=sequence, expected_restoration_at=expected_restoration,
        )  # fmt: skip
        _event(
            session, outage_id, "progress", at, actor, note=note,
            expected_restoration=None if expected_restoration is None
            else as_utc(expected_restoration).isoformat(),
        )  # fmt: skip
        notices = queue_notice(
            session, row, OutageNotice.PROGRESS, sequence, svc.customer_channels,
            svc.policy.reliability.notice_batch_size, at, note=note,
        )  # fmt: skip
        session.commit()
    return Change(row, notices)


def restore(
    svc: Services,
    outage_id: int,
    version: int,
    restored_at: datetime,
    actor: str,
    feeders: list[str] | None = None,
    scope: Scope = EVERYTHING,
) -> Change:
    """Power back on all areas, or (with `feeders`) on some: a partial restoration."""
    at = svc.now()
    restored_at = as_utc(restored_at)
    with Session(svc.engine, expire_on_commit=False) as session:
        row = _load(session, outage_id, scope, version)
        if row.end_at is not None:
            raise _refuse("outage", "is already restored")
        if restored_at > at:
            raise _refuse("restored_at", "is in the future")
        if restored_at < row.start_at:
            raise _refuse("restored_at", "is before the outage's start")
        areas = (
            session.execute(select(OutageAreaRow).where(col(OutageAreaRow.outage_id) == outage_id))
            .scalars()
            .all()
        )
        open_areas = [a for a in areas if a.restored_at is None]
        names = {a.feeder for a in areas}
        unknown = sorted(set(feeders or []) - names)
        if unknown:
            raise _refuse("feeders", f"not in this outage: {', '.join(unknown)}")
        chosen = [a for a in open_areas if feeders is None or a.feeder in feeders]
        partial = feeders is not None and len(chosen) < len(open_areas)
        for area in chosen:
            area.restored_at = restored_at
            session.add(area)
        values: dict[str, Any] = {} if partial else {"end_at": restored_at}
        _save(session, row, version, at, **values)
        _event(
            session, outage_id, "restored_partly" if partial else "restored", at, actor,
            restored_at=restored_at.isoformat(), feeders=sorted(a.feeder for a in chosen),
        )  # fmt: skip
        notices = queue_notice(
            session, row, OutageNotice.RESTORED, row.version, svc.customer_channels,
            svc.policy.reliability.notice_batch_size, at,
            feeders=sorted({a.feeder for a in chosen}) if partial else None,
        )  # fmt: skip
        session.commit()
    return Change(row, notices)


CORRECTABLE = ("cause", "customers", "start_at", "end_at", "restricted_share")


def correct(
    svc: Services,
    outage_id: int,
    version: int,
    changes: dict[str, Any],
    reason: str,
    actor: str,
    scope: Scope = EVERYTHING,
) -> Change:
    """A correction: an audited event with the values before and after, never a silent edit."""
    at = svc.now()
    unknown = sorted(set(changes) - set(CORRECTABLE))
    if unknown:
        raise _refuse(unknown[0], "cannot be corrected")
    if not changes:
        raise _refuse("changes", "nothing to correct")
    with Session(svc.engine, expire_on_commit=False) as session:
        row = _load(session, outage_id, scope, version)
        start = changes.get("start_at", row.start_at)
        end = changes.get("end_at", row.end_at)
        if end is not None and end < start:
            raise _refuse("end_at", "is before start")
        if end is not None and end > at:
            raise _refuse("end_at", "is in the future")
        if changes.get("customers", 0) < 0:
            raise _refuse("customers", "must not be negative")
        before = {k: _plain(getattr(row, k)) for k in changes}
        _save(session, row, version, at, **changes)
        _event(
            session, outage_id, "corrected", at, actor, reason=reason, before=before,
            after={k: _plain(v) for k, v in changes.items()},
        )  # fmt: skip
        session.commit()
    return Change(row)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value
