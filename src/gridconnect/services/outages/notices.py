"""Outage notices to customers (L50) and the ledger's alerts to supervisors, via the outbox.

A notice is queued in the same transaction as the change it announces, one outbox message
per (outage, notice, sequence, batch of at most `notice_batch_size` recipients) and customer
channel, under a dedup key unique to that batch: a retried request, a second dispatcher or
a second scheduler cannot queue it twice (the outbox's unique (dedup_key, channel)), and
delivery is the outbox's: claimed with a lease, retried with backoff, the dedup key sent as
`Idempotency-Key` so the gateway drops a repeat after a crash. Recipients are the registry's
accounts on the outage's feeders (or transformer areas) with a phone; the message names
the time window and the reason, in short Chinese, and carries the phones for the gateway.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from gridconnect.config.vocabulary import OutageKind, OutageNotice
from gridconnect.store import alerts as outbox_store
from gridconnect.store.outage_tables import (
    CustomerAccountRow,
    OutageAreaRow,
    OutageRow,
    ReliabilityAlertRow,
)
from gridconnect.timesource import SHANGHAI

NOTICE_TOPIC = "outage_notice"
ALERT_TOPIC = "reliability_alert"
ACCOUNT = cast(Any, CustomerAccountRow).__table__
AREA = cast(Any, OutageAreaRow).__table__
ALERT = cast(Any, ReliabilityAlertRow).__table__


def _local(moment: datetime | None) -> str:
    return "待定" if moment is None else moment.astimezone(SHANGHAI).strftime("%m月%d日%H:%M")


def notice_text(outage: OutageRow, notice: str, feeders: Sequence[str], note: str = "") -> str:
    """The short Chinese text of a notice, with the time window and the reason."""
    where = f"{outage.city}{'、'.join(feeders[:3])}{'等' if len(feeders) > 3 else ''}线路"
    if notice == OutageNotice.PLANNED:
        return (
            f"【停电通知】{where}计划于{_local(outage.start_at)}至{_local(outage.end_at)}停电，"
            f"原因：{outage.cause}。请提前做好准备。"
        )
    if notice == OutageNotice.FAULT:
        kind = "限电" if outage.kind == OutageKind.LIMITED else "故障停电"
        expected = _local(outage.expected_restoration_at)
        return (
            f"【{kind}】{where}于{_local(outage.start_at)}停电，原因：{outage.cause}，"
            f"正在抢修，预计恢复时间：{expected}。"
        )
    if notice == OutageNotice.PROGRESS:
        return (
            f"【抢修进度】{where}：{note or '抢修中'}，"
            f"预计{_local(outage.expected_restoration_at)}恢复送电。"
        )
    return f"【恢复送电】{where}已于{_local(outage.end_at or outage.updated_at)}恢复送电。{note}"


def recipients(session: Session, outage_id: int, feeders: Sequence[str] | None = None) -> list[str]:
    """Phones of the registry's accounts on the outage's areas (or only on `feeders`)."""
    areas = session.execute(
        select(AREA.c.feeder, AREA.c.transformer_area).where(AREA.c.outage_id == outage_id)
    ).all()
    if feeders is not None:
        areas = [a for a in areas if a.feeder in feeders]
    whole = sorted({a.feeder for a in areas if not a.transformer_area})
    parts = [(a.feeder, a.transformer_area) for a in areas if a.transformer_area]
    if not whole and not parts:
        return []
    conditions = []
    if whole:
        conditions.append(ACCOUNT.c.feeder.in_(whole))
    conditions += [(ACCOUNT.c.feeder == f) & (ACCOUNT.c.transformer_area == t) for f, t in parts]
    phones = session.execute(
        select(ACCOUNT.c.phone)
        .where(or_(*conditions), ACCOUNT.c.phone.is_not(None))
        .order_by(ACCOUNT.c.id)
    ).scalars()
    return list(dict.fromkeys(p for p in phones if p))


def queue_notice(
    session: Session,
    outage: OutageRow,
    notice: str,
    sequence: int,
    channels: Sequence[str],
    batch_size: int,
    at: datetime,
    note: str = "",
    feeders: Sequence[str] | None = None,
) -> int:
    """Queue one notice in batches (each once, by its dedup key); how many batches."""
    assert outage.id is not None
    phones = recipients(session, outage.id, feeders)
    names = list(feeders) if feeders is not None else _feeders(session, outage.id)
    text = notice_text(outage, notice, names, note)
    created = 0
    for index in range(0, max(len(phones), 1), batch_size):
        batch = phones[index : index + batch_size]
        if not batch:
            break
        created += 1 if channels else 0
        outbox_store.enqueue(
            session,
            channels=list(channels),
            topic=NOTICE_TOPIC,
            dedup_key=f"outage:{outage.id}:{notice}:{sequence}:{index // batch_size}",
            payload={
                "outage": outage.id,
                "notice": notice,
                "sequence": sequence,
                "batch": index // batch_size,
                "city": outage.city,
                "text": text,
                "recipients": batch,
            },
            at=at,
        )
    return created


def _feeders(session: Session, outage_id: int) -> list[str]:
    return list(
        dict.fromkeys(
            session.execute(
                select(AREA.c.feeder).where(AREA.c.outage_id == outage_id).order_by(AREA.c.id)
            ).scalars()
        )
    )


def raise_reliability_alert(
    session: Session,
    *,
    dedup_key: str,
    kind: str,
    company: str,
    city: str,
    area_class: str | None,
    outage_id: int | None,
    detail: dict[str, Any],
    channels: Sequence[str],
    at: datetime,
) -> int | None:
    """Raise the alert once (by `dedup_key`) and queue it to the supervisors' channels."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    new_id = session.execute(
        insert(ALERT)
        .values(
            dedup_key=dedup_key,
            kind=kind,
            company=company,
            city=city,
            area_class=area_class,
            outage_id=outage_id,
            detail=detail,
            raised_at=at,
        )
        .on_conflict_do_nothing(index_elements=["dedup_key"])
        .returning(ALERT.c.id)
    ).scalar_one_or_none()
    if new_id is None:
        return None
    outbox_store.enqueue(
        session,
        channels=list(channels),
        topic=ALERT_TOPIC,
        dedup_key=f"reliability-alert:{new_id}",
        payload={"kind": kind, "company": company, "city": city, "area_class": area_class} | detail,
        at=at,
    )
    return int(new_id)
