"""The export cursor: which audit events are safe to hand out, in which order.

See `gridconnect.services.export` and docs/regulator-export.md for why the cursor is a
(transaction id, event id) pair on PostgreSQL and an event id on SQLite.

Outage events (`outage_event`) are a second stream with its own (transaction id, event id)
position, appended to the cursor only once an outage event has been handed out:
`<xact>.<event>` before, `<xact>.<event>.<outage xact>.<outage event>` after. A cursor
handed out before outages were exported is therefore still valid and means "no outage
event yet".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, BigInteger, Connection, Engine, Integer, String, column, text

from gridconnect.errors import InvalidInput
from gridconnect.store.types import UtcDateTime

# Exactly what `str(Cursor)` writes: ASCII digits, no sign, no leading zero, no space.
_NUMBER = r"(0|[1-9][0-9]{0,19})"
_CURSOR = re.compile(rf"{_NUMBER}\.{_NUMBER}(?:\.{_NUMBER}\.{_NUMBER})?", re.ASCII)


class InvalidCursor(InvalidInput):
    code = "invalid_cursor"


@dataclass(frozen=True, order=True)
class Cursor:
    xact: int = 0
    event_id: int = 0
    # the outage-event stream's position (0, 0: no outage event handed out yet)
    outage_xact: int = 0
    outage_event_id: int = 0

    def __str__(self) -> str:
        applications = f"{self.xact}.{self.event_id}"
        if (self.outage_xact, self.outage_event_id) == (0, 0):
            return applications
        return f"{applications}.{self.outage_xact}.{self.outage_event_id}"


def _refuse(value: str, field: str, why: str) -> InvalidCursor:
    return InvalidCursor(
        f"{field} {value!r} is not a cursor this export handed out: {why}",
        [{"field": field, "message": "expected the next_cursor of an earlier export"}],
    )


def parse_cursor(value: str | None, field: str = "cursor") -> Cursor:
    """'' or None is the beginning; otherwise '<transaction>.<event>' written exactly as
    handed out (no spaces, no leading zeros, ASCII digits): a receiver whose stored cursor
    got corrupted is told so instead of silently getting nothing or the wrong batch."""
    if value is None or value == "":
        return Cursor()
    match = _CURSOR.fullmatch(value)
    if not match:
        raise _refuse(value, field, "expected <digits>.<digits>")
    numbers = [int(part) for part in match.groups() if part is not None]
    cursor = Cursor(*numbers)
    if str(cursor) != value:  # "<x>.<e>.0.0": the export writes no empty outage part
        raise _refuse(value, field, "not written as the export writes it")
    for xact, event_id in ((cursor.xact, cursor.event_id), _outage_part(cursor)):
        if xact >= 2**64 or event_id >= 2**63:  # beyond xid8 and bigint
            raise _refuse(value, field, "out of range")
    return cursor


def _outage_part(cursor: Cursor) -> tuple[int, int]:
    return cursor.outage_xact, cursor.outage_event_id


def check_handed_out(connection: Connection, cursor: Cursor, field: str = "cursor") -> None:
    """Refuse a well-formed cursor no export can have handed out: every cursor but the
    beginning names an existing event (events are never deleted) written by that
    transaction; on SQLite the transaction part is always 0. The same holds for the
    outage-event part in `outage_event`."""
    parts = (("event", cursor.xact, cursor.event_id), ("outage_event", *_outage_part(cursor)))
    for table, xact, event_id in parts:
        if (xact, event_id) == (0, 0):
            continue
        if connection.dialect.name == "postgresql":
            sql = f"""SELECT 1 FROM {table} WHERE id = :event_id
                     AND xact_id = CAST(CAST(:xact AS text) AS xid8)"""
        elif xact != 0:
            raise _refuse(str(cursor), field, "the transaction part is always 0 on this database")
        else:
            sql = f"SELECT 1 FROM {table} WHERE id = :event_id"
        params = {"event_id": event_id, "xact": xact}
        if connection.execute(text(sql), params).first() is None:
            raise _refuse(str(cursor), field, f"no such {table.replace('_', ' ')}")


_EVENT_COLUMNS = (
    column("xact", BigInteger()),
    column("id", Integer()),
    column("application_id", Integer()),
    column("seq", Integer()),
    column("at", UtcDateTime()),
    column("action", String()),
    column("stage_before", String()),
    column("stage_after", String()),
    column("details", JSON()),
)


_XID_SPAN = 2**32


def _widen(xid: int, near: int) -> int:
    """The 64-bit id of a 32-bit transaction id (as `pg_locks` shows them) that lies within
    2^31 of the 64-bit id `near` (ids of running transactions may be above or below it)."""
    ahead = (xid - near) % _XID_SPAN
    return near + ahead if ahead < _XID_SPAN // 2 else near + ahead - _XID_SPAN


def horizon(engine: Engine) -> int:
    """The lowest transaction id that may still add events to this database (PostgreSQL).

    Every event below it was written by a finished transaction. It is the smaller of the
    snapshot's xmax (one past the highest finished transaction id, read first) and the ids
    of transactions still running in this database (read afterwards, in a fresh transaction
    so that `pg_stat_activity` is not a cached copy): a transaction that got its id before
    the first read and still runs at the second is seen there; one that got its id later
    has an id above every id handed out before, so at or above xmax. Transactions in other
    databases of the cluster do not hold the export back.
    """
    with engine.connect() as connection:
        xmax = connection.execute(
            text("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint")
        ).scalar_one()
        connection.commit()
        running = connection.execute(
            text(
                """SELECT l.transactionid::text::bigint FROM pg_locks l
                JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE l.locktype = 'transactionid' AND l.mode = 'ExclusiveLock' AND l.granted
                  AND a.datname = current_database()"""
            )
        ).scalars()
        full = [_widen(int(xid), int(xmax)) for xid in running]
        connection.commit()
    return int(min([int(xmax), *full]))


def events_after(connection: Connection, since: Cursor, limit: int, horizon: int) -> list[Any]:
    """Events after `since`, in cursor order, of finished transactions only."""
    if connection.dialect.name == "postgresql":
        sql = """
            SELECT e.xact_id::text::bigint, e.id, e.application_id, e.seq, e.at, e.action,
                   e.stage_before, e.stage_after, e.details
            FROM event e
            WHERE (e.xact_id, e.id) > (CAST(CAST(:xact AS text) AS xid8), :event_id)
              AND e.xact_id < CAST(CAST(:horizon AS text) AS xid8)
            ORDER BY e.xact_id, e.id LIMIT :limit"""
    else:
        sql = """
            SELECT 0, e.id, e.application_id, e.seq, e.at, e.action,
                   e.stage_before, e.stage_after, e.details
            FROM event e WHERE e.id > :event_id ORDER BY e.id LIMIT :limit"""
    statement = text(sql).columns(*_EVENT_COLUMNS)
    params = {"xact": since.xact, "event_id": since.event_id, "limit": limit, "horizon": horizon}
    return list(connection.execute(statement, params))


# Outage events a regulator sees; "noticed" (the notice batches) and "imported" stay inside.
EXPORTED_OUTAGE_EVENTS = ("registered", "progress", "restored", "restored_partly", "corrected")

_OUTAGE_EVENT_COLUMNS = (
    column("xact", BigInteger()),
    column("id", Integer()),
    column("outage_id", Integer()),
    column("at", UtcDateTime()),
    column("kind", String()),
    column("detail", JSON()),
)


def outage_events_after(
    connection: Connection, since: Cursor, limit: int, horizon: int
) -> list[Any]:
    """Outage events after the cursor's outage part, in cursor order, of finished
    transactions only (the same horizon as the application events)."""
    kinds = ", ".join(f"'{kind}'" for kind in EXPORTED_OUTAGE_EVENTS)
    if connection.dialect.name == "postgresql":
        sql = f"""
            SELECT e.xact_id::text::bigint, e.id, e.outage_id, e.at, e.kind, e.detail
            FROM outage_event e
            WHERE (e.xact_id, e.id) > (CAST(CAST(:xact AS text) AS xid8), :event_id)
              AND e.xact_id < CAST(CAST(:horizon AS text) AS xid8)
              AND e.kind IN ({kinds})
            ORDER BY e.xact_id, e.id LIMIT :limit"""
    else:
        sql = f"""
            SELECT 0, e.id, e.outage_id, e.at, e.kind, e.detail
            FROM outage_event e WHERE e.id > :event_id AND e.kind IN ({kinds})
            ORDER BY e.id LIMIT :limit"""
    statement = text(sql).columns(*_OUTAGE_EVENT_COLUMNS)
    params = {
        "xact": since.outage_xact,
        "event_id": since.outage_event_id,
        "limit": limit,
        "horizon": horizon,
    }
    return list(connection.execute(statement, params))
