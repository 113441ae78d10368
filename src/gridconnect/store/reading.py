"""Applications for reading only: prebuilt Core statements, no ORM session.

A read has nothing to save, so it needs neither the ORM's identity map nor its unit of
work; building the statements once (with bind parameters) also skips their construction
and compilation on every request. Together that was most of a single read's time. The
rows go through the same `application_from_rows` as the repository's, so a read shows
exactly what a write path loads. Three statements per page, whatever its size: the
applications with their stage visits, their documents, their clocks with their pauses.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, Engine, Select, Table, bindparam, select

from gridconnect.store.mapping import application_from_rows
from gridconnect.store.tables import (
    ApplicationRow,
    ClockPauseRow,
    ClockRow,
    DocumentRow,
    StageVisitRow,
)
from gridconnect.workflow.model import Application

APPLICATION: Table = ApplicationRow.__table__  # type: ignore[attr-defined]
VISIT: Table = StageVisitRow.__table__  # type: ignore[attr-defined]
DOCUMENT: Table = DocumentRow.__table__  # type: ignore[attr-defined]
CLOCK: Table = ClockRow.__table__  # type: ignore[attr-defined]
PAUSE: Table = ClockPauseRow.__table__  # type: ignore[attr-defined]
VISIT_PREFIX, PAUSE_PREFIX = "visit__", "pause__"


def _prefixed(table: Table, prefix: str) -> list[Any]:
    return [column.label(prefix + column.name) for column in table.c]


def _with_visits(where: Any) -> Select[Any]:
    return (
        select(APPLICATION, *_prefixed(VISIT, VISIT_PREFIX))
        .outerjoin(VISIT, VISIT.c.application_id == APPLICATION.c.id)
        .where(where)
    )


BY_ID = _with_visits(APPLICATION.c.id == bindparam("key"))
BY_NUMBER = _with_visits(APPLICATION.c.number == bindparam("key"))
VISITS_OF = select(VISIT).where(VISIT.c.application_id.in_(bindparam("ids", expanding=True)))
DOCUMENTS_OF = select(DOCUMENT).where(
    DOCUMENT.c.application_id.in_(bindparam("ids", expanding=True))
)
CLOCKS_OF = (
    select(CLOCK, *_prefixed(PAUSE, PAUSE_PREFIX))
    .outerjoin(PAUSE, PAUSE.c.clock_id == CLOCK.c.id)
    .where(CLOCK.c.application_id.in_(bindparam("ids", expanding=True)))
)
# For one application: `= :id` rather than an IN list, whose SQL is rewritten on every
# execution (and, on PostgreSQL, cannot be prepared once for all lengths).
DOCUMENTS_OF_ONE = select(DOCUMENT).where(DOCUMENT.c.application_id == bindparam("id"))
CLOCKS_OF_ONE = (
    select(CLOCK, *_prefixed(PAUSE, PAUSE_PREFIX))
    .outerjoin(PAUSE, PAUSE.c.clock_id == CLOCK.c.id)
    .where(CLOCK.c.application_id == bindparam("id"))
)


def read_only(engine: Engine) -> Connection:
    """A connection for reading; on PostgreSQL in autocommit mode, so no BEGIN and ROLLBACK
    round trips.

    Nothing is lost by it: at READ COMMITTED (PostgreSQL's default, ours) every statement
    sees its own snapshot inside a transaction too. pysqlite begins no transaction for a
    SELECT, so SQLite has nothing to skip, and switching its isolation level there (set at
    checkout, reset at checkin) cost more than the three statements of a read.
    """
    connection = engine.connect()
    if engine.dialect.name == "sqlite":
        return connection
    return connection.execution_options(isolation_level="AUTOCOMMIT")


def _part(row: Any, table: Table, prefix: str) -> SimpleNamespace | None:
    mapping = row._mapping
    if mapping[prefix + "id"] is None:
        return None
    return SimpleNamespace(**{c.name: mapping[prefix + c.name] for c in table.c})


def read_application(connection: Connection, key: int | str) -> Application | None:
    """The application with this id (int) or number (str), or None."""
    head = application_head(connection, key)
    return None if head is None else complete_head(connection, head)


def application_head(connection: Connection, key: int | str) -> list[Any] | None:
    """The application's row joined with its stage visits (one row per visit), or None: the
    first statement of `read_application`, for a caller that looks at the row first."""
    statement = BY_ID if isinstance(key, int) else BY_NUMBER
    rows = connection.execute(statement, {"key": key}).all()
    return list(rows) or None


def complete_head(connection: Connection, head: list[Any]) -> Application:
    """The application of `application_head`'s rows, with its documents and clocks."""
    visits = [v for v in (_part(r, VISIT, VISIT_PREFIX) for r in head) if v is not None]
    return _complete(connection, [head[0]], {head[0].id: visits}, one=True)[0]


def read_applications(connection: Connection, rows: Sequence[Any]) -> list[Application]:
    """The applications of application rows already read (a page of a list), in order."""
    if not rows:
        return []
    visits: dict[int, list[Any]] = {}
    for visit in connection.execute(VISITS_OF, {"ids": [r.id for r in rows]}):
        visits.setdefault(visit.application_id, []).append(visit)
    return _complete(connection, rows, visits)


def _complete(
    connection: Connection, rows: Sequence[Any], visits: dict[int, list[Any]], one: bool = False
) -> list[Application]:
    ids = [r.id for r in rows]
    documents_of, clocks_of = (
        (DOCUMENTS_OF_ONE, CLOCKS_OF_ONE) if one else (DOCUMENTS_OF, CLOCKS_OF)
    )
    keys = {"id": ids[0]} if one else {"ids": ids}
    documents: dict[int, list[Any]] = {}
    for document in connection.execute(documents_of, keys):
        documents.setdefault(document.application_id, []).append(document)
    clocks: dict[int, dict[int, Any]] = {}
    pauses: dict[int, list[Any]] = {}
    for row in connection.execute(clocks_of, keys):
        clocks.setdefault(row.application_id, {}).setdefault(row.id, row)
        pause = _part(row, PAUSE, PAUSE_PREFIX)
        if pause is not None:
            pauses.setdefault(row.application_id, []).append(pause)
    return [
        application_from_rows(
            row,
            visits.get(row.id, []),
            documents.get(row.id, []),
            list(clocks.get(row.id, {}).values()),
            pauses.get(row.id, []),
        )
        for row in rows
    ]
