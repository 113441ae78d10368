"""Checking the audit trail: every chain intact, anchored, and (optionally) past a checkpoint.

What each check catches:
- the hash chain (each event stores its predecessor's hash) catches an event changed or
  removed from the middle of a chain;
- the anchor (`application.audit_length` / `audit_head`, written in the transaction that
  appends events) catches what the chain alone cannot: its tail cut off, a whole chain
  deleted, `TRUNCATE event` (which passes row triggers). Every application has a chain,
  since receiving one records its first event;
- a signed checkpoint (`services/audit_checkpoint.py`) catches someone who lifted the
  triggers and rewrote the anchors to match: every chain must still extend the head it
  had when the checkpoint was taken.

Both walks are keyset-paginated, so memory is one (length, head) pair per application.
Tested in `tests/security/test_audit_anchor.py` and `tests/integration/test_audit_cli.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, and_, or_
from sqlmodel import Session, col, select

from gridconnect.store.tables import ApplicationRow, EventRow
from gridconnect.workflow.audit import GENESIS, event_hash

Heads = dict[int, tuple[int, str]]  # application id -> (chain length, hash of its last event)


@dataclass(frozen=True)
class ChainBreak:
    application_id: int
    seq: int
    event_id: int | None  # None when the break is a missing tail or a whole chain
    reason: str


def verify_chains(
    engine: Engine, batch: int = 5000, checkpoint: Heads | None = None
) -> tuple[int, list[ChainBreak]]:
    """Walk every application's events in order, then compare each chain's end with its
    anchor and with `checkpoint`; (events checked, first break per chain)."""
    walk = _ChainWalk(checkpoint or {})
    suspects: list[int] = []  # events walked; ends to re-read before reporting
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
                walk.event(row)
            last = (rows[-1].application_id, rows[-1].seq)
        after = 0
        while True:
            anchors = session.exec(
                select(ApplicationRow.id, ApplicationRow.audit_length, ApplicationRow.audit_head)
                .where(col(ApplicationRow.id) > after)
                .order_by(col(ApplicationRow.id))
                .limit(batch)
            ).all()
            if not anchors:
                break
            for app_id, length, head in anchors:
                assert app_id is not None
                if walk.anchor(app_id, length, head) is not None:
                    suspects.append(app_id)
            after = anchors[-1][0] or 0
        for app_id in suspects:
            confirmed = _recheck(session, app_id, walk.checkpoint)
            if confirmed is not None:
                walk.breaks.append(confirmed)
    walk.vanished()
    walk.breaks.sort(key=lambda item: item.application_id)
    return walk.checked, walk.breaks


def _recheck(session: Session, app_id: int, checkpoint: Heads) -> ChainBreak | None:
    """Re-read one chain that did not end at its anchor, between two reads of the anchor.

    The service keeps running while verify walks: an application received or changed after
    its events were walked has an anchor ahead of the walk. Every append changes the anchor
    in the same commit, so when the anchor reads the same before and after the chain, no
    append landed in between and a mismatch is real (a seqlock, without a long snapshot)."""
    for _ in range(5):
        before = session.exec(
            select(ApplicationRow.audit_length, ApplicationRow.audit_head).where(
                col(ApplicationRow.id) == app_id
            )
        ).first()
        if before is None:
            return None  # deleted with its events; only a checkpoint can tell (vanished)
        walk = _ChainWalk(checkpoint)
        for row in session.exec(
            select(EventRow).where(EventRow.application_id == app_id).order_by(col(EventRow.seq))
        ):
            walk.event(row)
        after = session.exec(
            select(ApplicationRow.audit_length, ApplicationRow.audit_head).where(
                col(ApplicationRow.id) == app_id
            )
        ).first()
        if after == before:
            return walk.breaks[0] if walk.breaks else walk.anchor(app_id, *before)
    return ChainBreak(app_id, 0, None, "kept changing while verified; run verify again")


class _ChainWalk:
    def __init__(self, checkpoint: Heads) -> None:
        self.checkpoint = checkpoint
        self.checked = 0
        self.breaks: list[ChainBreak] = []
        self.broken: set[int] = set()
        self.walked: Heads = {}
        self.anchored: set[int] = set()

    def _break(self, app_id: int, seq: int, event_id: int | None, reason: str) -> None:
        self.breaks.append(ChainBreak(app_id, seq, event_id, reason))
        self.broken.add(app_id)

    def event(self, row: EventRow) -> None:
        self.checked += 1
        app_id = row.application_id
        if app_id in self.broken:
            return
        seq, prev = self.walked.get(app_id, (0, GENESIS))
        reason = None
        if row.seq != seq + 1:
            reason = f"sequence jumps from {seq} to {row.seq}"
        elif row.prev_hash != prev:
            reason = "previous-hash does not match the event before it"
        elif _digest(row) != row.hash:
            reason = "content does not match its hash (changed after it was written)"
        else:
            kept = self.checkpoint.get(app_id)
            if kept is not None and kept[0] == row.seq and kept[1] != row.hash:
                reason = "differs from the checkpoint's head at this event (chain rewritten)"
        if reason is not None:
            assert row.id is not None
            self._break(app_id, row.seq, row.id, reason)
        else:
            self.walked[app_id] = (row.seq, row.hash)

    def anchor(self, app_id: int, length: int, head: str) -> ChainBreak | None:
        """The walked chain's end against the application's anchor and the checkpoint: a
        break to re-check (the service may have appended since the walk), or None."""
        self.anchored.add(app_id)
        if app_id in self.broken:
            return None
        seq, last = self.walked.get(app_id, (0, GENESIS))
        reason = None
        if length == 0:
            reason = "no audit trail recorded (every application has one)"
        elif seq < length:
            reason = (
                f"chain ends at event {seq} but the application records {length} events "
                "(events deleted)"
            )
        elif seq > length or last != head:
            reason = (
                "chain does not end at the head the application records "
                f"({length} events, head {head[:12]}…)"
            )
        else:
            kept = self.checkpoint.get(app_id)
            if kept is not None and seq < kept[0]:
                reason = (
                    f"chain has {seq} events, fewer than the {kept[0]} in the checkpoint "
                    "(events deleted, anchor rewritten)"
                )
        return None if reason is None else ChainBreak(app_id, seq, None, reason)

    def vanished(self) -> None:
        for app_id in sorted(set(self.checkpoint) - self.anchored):
            self._break(app_id, 0, None, "application in the checkpoint no longer exists")


def _digest(row: EventRow) -> str:
    return event_hash(
        application_id=row.application_id,
        seq=row.seq,
        at=row.at,
        actor=row.actor,
        action=row.action,
        stage_before=row.stage_before,
        stage_after=row.stage_after,
        details=row.details,
        prev_hash=row.prev_hash,
    )
