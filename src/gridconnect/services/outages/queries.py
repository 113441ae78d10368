"""Reading the outage ledger: staff lists, one outage with its story, the public view.

The public view carries no personal data: outages (place, window, reason, state) of a city,
never an account or a phone. Staff see phones masked (138****0000).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import and_, func, or_, select
from sqlmodel import Session

from gridconnect.config.vocabulary import OutageKind
from gridconnect.errors import NotFound
from gridconnect.services.context import EVERYTHING, Scope, Services
from gridconnect.services.outages.ledger import OutageNotFound
from gridconnect.services.outages.periods import year as year_period
from gridconnect.store.outage_tables import (
    CustomerAccountRow,
    OutageAreaRow,
    OutageEventRow,
    OutageRow,
    ReliabilityAlertRow,
)

OUTAGE = cast(Any, OutageRow).__table__
AREA = cast(Any, OutageAreaRow).__table__
EVENT = cast(Any, OutageEventRow).__table__
ACCOUNT = cast(Any, CustomerAccountRow).__table__
ALERT = cast(Any, ReliabilityAlertRow).__table__
STATES = ("current", "planned", "restored", "all")


def mask_phone(phone: str | None) -> str | None:
    if not phone:
        return None
    return phone[:3] + "****" + phone[-4:] if len(phone) > 7 else "****"


def state_of(row: Any, at: datetime) -> str:
    if row.end_at is not None and row.end_at <= at:
        return "restored"
    if row.start_at > at:
        return "planned"
    return "current"


def _state_filter(state: str, at: datetime) -> Any:
    if state == "current":
        return and_(OUTAGE.c.start_at <= at, or_(OUTAGE.c.end_at.is_(None), OUTAGE.c.end_at > at))
    if state == "planned":
        return OUTAGE.c.start_at > at
    if state == "restored":
        return and_(OUTAGE.c.end_at.is_not(None), OUTAGE.c.end_at <= at)
    return OUTAGE.c.id.is_not(None)


def outage_item(row: Any, at: datetime, feeders: list[str] | None = None) -> dict[str, Any]:
    return {
        "id": row.id,
        "external_id": row.external_id,
        "company": row.company,
        "city": row.city,
        "area_class": row.area_class,
        "kind": row.kind,
        "kind_name": OutageKind(row.kind).label,
        "cause": row.cause,
        "customers": row.customers,
        "start_at": row.start_at,
        "end_at": row.end_at,
        "expected_restoration_at": row.expected_restoration_at,
        "announced_at": row.announced_at,
        "notice_breach": row.notice_breach,
        "restricted_share": row.restricted_share,
        "state": state_of(row, at),
        "feeders": feeders or [],
        "version": row.version,
    }


def _feeders_of(session: Session, ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {i: [] for i in ids}
    if ids:
        for outage_id, feeder in session.execute(
            select(AREA.c.outage_id, AREA.c.feeder)
            .where(AREA.c.outage_id.in_(ids))
            .order_by(AREA.c.id)
        ).all():
            if feeder not in found[outage_id]:
                found[outage_id].append(feeder)
    return found


def list_outages(
    svc: Services,
    scope: Scope = EVERYTHING,
    state: str = "all",
    city: str | None = None,
    kind: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """Outages of the scope, newest first."""
    at = svc.now()
    where = [_state_filter(state, at)]
    if scope.company is not None:
        where.append(OUTAGE.c.company == scope.company)
    if scope.cities is not None:
        where.append(OUTAGE.c.city.in_(scope.cities))
    if city is not None:
        where.append(OUTAGE.c.city == city)
    if kind is not None:
        where.append(OUTAGE.c.kind == kind)
    with Session(svc.engine) as session:
        total = session.execute(select(func.count()).select_from(OUTAGE).where(*where)).scalar()
        rows = session.execute(
            select(OUTAGE)
            .where(*where)
            .order_by(OUTAGE.c.start_at.desc(), OUTAGE.c.id.desc())
            .limit(limit)
            .offset(offset)
        ).all()
        feeders = _feeders_of(session, [r.id for r in rows])
    return [outage_item(r, at, feeders[r.id]) for r in rows], int(total or 0)


def outage_detail(svc: Services, outage_id: int, scope: Scope = EVERYTHING) -> dict[str, Any]:
    """One outage with its areas and its events, oldest first."""
    at = svc.now()
    with Session(svc.engine) as session:
        row = session.execute(select(OUTAGE).where(OUTAGE.c.id == outage_id)).first()
        if row is None or not scope.admits(row.company, row.city):
            raise OutageNotFound(f"no outage {outage_id}")
        areas = session.execute(
            select(AREA).where(AREA.c.outage_id == outage_id).order_by(AREA.c.id)
        ).all()
        events = session.execute(
            select(EVENT).where(EVENT.c.outage_id == outage_id).order_by(EVENT.c.id)
        ).all()
    item = outage_item(row, at, list(dict.fromkeys(a.feeder for a in areas)))
    item["areas"] = [
        {
            "feeder": a.feeder,
            "transformer_area": a.transformer_area or None,
            "customers": a.customers,
            "restored_at": a.restored_at,
        }
        for a in areas
    ]
    item["events"] = [
        {"kind": e.kind, "at": e.at, "actor": e.actor, "detail": e.detail} for e in events
    ]
    return item


def public_outages(svc: Services, city: str | None = None) -> list[dict[str, Any]]:
    """Current and planned outages, without personal data (the 停电信息 page)."""
    at = svc.now()
    where = [or_(_state_filter("current", at), _state_filter("planned", at))]
    if city is not None:
        where.append(OUTAGE.c.city == city)
    with Session(svc.engine) as session:
        rows = session.execute(
            select(OUTAGE).where(*where).order_by(OUTAGE.c.start_at).limit(500)
        ).all()
        feeders = _feeders_of(session, [r.id for r in rows])
    return [public_item(r, at, feeders[r.id]) for r in rows]


def public_item(row: Any, at: datetime, feeders: list[str]) -> dict[str, Any]:
    return {
        "city": row.city,
        "area_class": row.area_class,
        "kind": row.kind,
        "kind_name": OutageKind(row.kind).label,
        "cause": row.cause,
        "feeders": feeders,
        "start_at": row.start_at,
        "end_at": row.end_at,
        "expected_restoration_at": row.expected_restoration_at,
        "state": state_of(row, at),
    }


def outages_of_account(svc: Services, account: str) -> list[dict[str, Any]]:
    """This year's outages on the account's feeder (or its transformer area)."""
    at = svc.now()
    this_year = year_period(at.year)
    with Session(svc.engine) as session:
        customer = session.execute(select(ACCOUNT).where(ACCOUNT.c.account == account)).first()
        if customer is None:
            raise NotFound("no such account")
        touching = (
            select(AREA.c.outage_id)
            .where(
                AREA.c.feeder == customer.feeder,
                or_(
                    AREA.c.transformer_area == "",
                    AREA.c.transformer_area == (customer.transformer_area or ""),
                ),
            )
            .scalar_subquery()
        )
        rows = session.execute(
            select(OUTAGE)
            .where(OUTAGE.c.id.in_(touching), OUTAGE.c.start_at >= this_year.start)
            .order_by(OUTAGE.c.start_at.desc())
        ).all()
        feeders = _feeders_of(session, [r.id for r in rows])
    return [public_item(r, at, feeders[r.id]) for r in rows]


def list_customers(
    svc: Services,
    scope: Scope,
    feeder: str | None = None,
    account: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    where = []
    if scope.company is not None:
        where.append(ACCOUNT.c.company == scope.company)
    if scope.cities is not None:
        where.append(ACCOUNT.c.city.in_(scope.cities))
    if feeder:
        where.append(ACCOUNT.c.feeder == feeder)
    if account:
        where.append(ACCOUNT.c.account == account)
    with Session(svc.engine) as session:
        total = session.execute(select(func.count()).select_from(ACCOUNT).where(*where)).scalar()
        rows = session.execute(
            select(ACCOUNT).where(*where).order_by(ACCOUNT.c.account).limit(limit).offset(offset)
        ).all()
    items = [
        {
            "account": r.account,
            "company": r.company,
            "city": r.city,
            "area_class": r.area_class,
            "feeder": r.feeder,
            "transformer_area": r.transformer_area,
            "phone": mask_phone(r.phone),
            "connected_on": r.connected_on,
        }
        for r in rows
    ]
    return items, int(total or 0)


def list_reliability_alerts(svc: Services, scope: Scope) -> list[dict[str, Any]]:
    where = []
    if scope.company is not None:
        where.append(ALERT.c.company == scope.company)
    if scope.cities is not None:
        where.append(ALERT.c.city.in_(scope.cities))
    with Session(svc.engine) as session:
        rows = session.execute(
            select(ALERT).where(*where).order_by(ALERT.c.raised_at.desc()).limit(200)
        ).all()
    return [
        {
            "id": r.id,
            "kind": r.kind,
            "company": r.company,
            "city": r.city,
            "area_class": r.area_class,
            "outage_id": r.outage_id,
            "detail": r.detail,
            "raised_at": r.raised_at,
            "acknowledged_at": r.acknowledged_at,
        }
        for r in rows
    ]


def notice_failures(svc: Services, scope: Scope, limit: int = 200) -> list[dict[str, Any]]:
    """Outage notices the gateway refused: given up, or still retrying after an error."""
    from gridconnect.services.outages.notices import NOTICE_TOPIC
    from gridconnect.store.tables import OutboxRow

    box = cast(Any, OutboxRow).__table__
    with Session(svc.engine) as session:
        rows = session.execute(
            select(box)
            .where(
                box.c.topic == NOTICE_TOPIC,
                or_(box.c.state == "failed", box.c.last_error.is_not(None)),
                box.c.state != "delivered",
            )
            .order_by(box.c.id.desc())
            .limit(limit * 4)
        ).all()
    found = []
    for row in rows:
        payload = row.payload or {}
        outage_id = payload.get("outage")
        city = payload.get("city", "")
        if scope.cities is not None and city not in scope.cities:
            continue
        found.append(
            {
                "outage_id": outage_id,
                "notice": payload.get("notice"),
                "batch": payload.get("batch"),
                "recipients": len(payload.get("recipients", [])),
                "city": city,
                "state": row.state,
                "attempts": row.attempts,
                "last_error": row.last_error,
                "next_attempt_at": row.next_attempt_at,
            }
        )
    return found[:limit]
