"""Checking the audit trail's hash chains."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, and_, or_
from sqlmodel import Session, col, select

from gridconnect.store.tables import EventRow
from gridconnect.workflow.audit import GENESIS, event_hash


@dataclass(frozen=True)
class ChainBreak:
    application_id: int
    seq: int
    event_id: int
    reason: str


def verify_chains(engine: Engine, batch: int = 5000) -> tuple[int, list[ChainBreak]]:
    """Walk every application's events in order; (events checked, first break per chain)."""
    breaks: list[ChainBreak] = []
    checked = 0
    broken: set[int] = set()
    expected: dict[int, tuple[int, str]] = {}
    with Session(engine) as session:
        last = (0, 0)
        while True:
            # Keyset pagination on (application, seq): constant cost per page.
            rows = session.exec(
                select(EventRow)
                .where(
                    or_(
                        col(EventRow.application_id) > last[0],
                        and_(col(EventRow.application_id) == last[0], col(EventRow.seq) > last[1]),
                    )
                )
                .order_by(col(EventRow.application_id), col(EventRow.seq))
                .limit(batch)
            ).all()
            if not rows:
                break
            for row in rows:
                checked += 1
                app_id = row.application_id
                if app_id in broken:
                    continue
                seq, prev = expected.get(app_id, (0, GENESIS))
                reason = None
                if row.seq != seq + 1:
                    reason = f"sequence jumps from {seq} to {row.seq}"
                elif row.prev_hash != prev:
                    reason = "previous-hash does not match the event before it"
                else:
                    digest = event_hash(
                        application_id=app_id,
                        seq=row.seq,
                        at=row.at,
                        actor=row.actor,
                        action=row.action,
                        stage_before=row.stage_before,
                        stage_after=row.stage_after,
                        details=row.details,
                        prev_hash=row.prev_hash,
                    )
                    if digest != row.hash:
                        reason = "content does not match its hash (changed after it was written)"
                if reason is not None:
                    assert row.id is not None
                    breaks.append(ChainBreak(app_id, row.seq, row.id, reason))
                    broken.add(app_id)
                else:
                    expected[app_id] = (row.seq, row.hash)
            last = (rows[-1].application_id, rows[-1].seq)
    return checked, breaks
