"""Loading and saving applications (with their stages, documents, clocks and events).

Writing goes through Core statements built once, in the unit of work's transaction, so a
change, its audit events and its clocks commit together or not at all. The audit chain
stays whole under concurrent writers: a receipt starts a chain nobody else can see yet,
and a save appends after the anchor its versioned UPDATE returns, the row held until the
commit (a writer that read an older version gets VersionConflict). Numbers stay gap-free:
the counter is allocated in the transaction and given back by a rollback. Tested in
`tests/integration/test_concurrent_writes.py`, `test_application_numbers.py` and
`tests/security/test_audit_anchor.py`; statement counts in
`tests/e2e/test_write_statement_counts.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from functools import cache, lru_cache
from typing import Any, cast

from sqlalchemy import Connection, Table, Text, bindparam, func, insert, text, update
from sqlalchemy import cast as sql_cast
from sqlalchemy import select as core_select
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from gridconnect.store.mapping import (
    DOCUMENT_FIELDS,
    PAUSE_FIELDS,
    VISIT_FIELDS,
    application_from_rows,
    application_values,
    assign,
    clock_values,
    field_values,
)
from gridconnect.store.tables import (
    ApplicationRow,
    ClockPauseRow,
    ClockRow,
    DocumentRow,
    EventRow,
    NumberCounterRow,
    StageVisitRow,
)
from gridconnect.timesource import local_date
from gridconnect.workflow.audit import GENESIS, event_hash
from gridconnect.workflow.errors import VersionConflict
from gridconnect.workflow.model import Application


def _table(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


APPLICATION = _table(ApplicationRow)
VISITS = _table(StageVisitRow)
DOCUMENTS = _table(DocumentRow)
CLOCKS = _table(ClockRow)
PAUSES = _table(ClockPauseRow)
EVENTS = _table(EventRow)
COUNTERS = _table(NumberCounterRow)
# Built once: the statements of every registration and save, their values bound at run time.
_SAVE = (
    update(APPLICATION)
    .where(APPLICATION.c.id == bindparam("b_id"), APPLICATION.c.version == bindparam("b_version"))
    .returning(APPLICATION.c.audit_length, APPLICATION.c.audit_head)
)
_ANCHOR = update(APPLICATION).where(APPLICATION.c.id == bindparam("b_id"))
# How a new application gets its id and its number (the counter is gap-free, so its row
# is locked from the number's allocation until the transaction ends, and registrations of
# one company wait for each other there).
# SQLite, whose one writer holds the database from its first write on (and this process's
# units of work queue before that): one statement takes the next serial and the id SQLite's
# own rowid choice would give, one above the largest.
_ALLOCATE_FIRST = (
    sqlite_insert(COUNTERS)
    .values(company=bindparam("company"), year=bindparam("year"), last_serial=1)
    .on_conflict_do_update(
        index_elements=["company", "year"], set_={"last_serial": COUNTERS.c.last_serial + 1}
    )
    .returning(
        COUNTERS.c.last_serial,
        core_select(func.coalesce(func.max(APPLICATION.c.id), 0) + 1).scalar_subquery(),
    )
)
# PostgreSQL runs registrations side by side, and each statement is a round trip that cost
# a quarter of a millisecond of the API process's CPU under load (a registration is
# otherwise about three): the ids of the row and of its children come from their sequences
# first (no lock), then the counter, the row with its number, its children, its events
# and the rows added with it go in as one statement of data-modifying CTEs
# (`_registration`), so the counter's lock is held for that statement and the commit.
_NEXT_IDS = text(
    f"SELECT nextval(pg_get_serial_sequence('{APPLICATION.name}', 'id')), "
    + ", ".join(
        f"ARRAY(SELECT nextval(pg_get_serial_sequence('{table.name}', 'id'))"
        f" FROM generate_series(1, :{count}))"
        for table, count in (
            (VISITS, "visits"),
            (DOCUMENTS, "documents"),
            (CLOCKS, "clocks"),
            (PAUSES, "pauses"),
        )
    )
)


def number_prefix(company: str, year: int) -> str:
    """How the numbers of a company's applications of a year begin: `SGCC-2026-`."""
    return f"{company.upper()}-{year}-"


def application_number(company: str, year: int, serial: int) -> str:
    """`SGCC-2026-000211`: the prefix and the serial, at least six digits (PostgreSQL's
    registration statement pads it the same way)."""
    return f"{number_prefix(company, year)}{serial:06d}"


@dataclass(frozen=True)
class RowToAdd:
    """A row registered with a new application, in the same statement on PostgreSQL (its
    `application_id` is filled in by `ApplicationRepository.add`)."""

    model: type[Any]
    values: dict[str, Any]


# A group of rows inserted together: the table and, per row, its bound values.
_Group = tuple[Table, list[dict[str, Any]]]


@lru_cache(maxsize=64)  # a shape per kind of application, in practice a handful
def _registration(
    row_columns: tuple[str, ...], shape: tuple[tuple[Table, tuple[str, ...], int], ...]
) -> Any:
    """The statement that writes a new application on PostgreSQL, built once per shape
    (the children's tables, columns and counts): the number counter's upsert, the row
    with the number it gives, then every other group of rows; it returns the number.

    The row's parameters are named `a_<column>`, row i of group g `g<g>_<i>_<column>`,
    the counter's `n_company`, `n_year` and the number's prefix `n_prefix`. A foreign key
    to the new row is checked at the end of the statement, when the row is in."""
    counter = (
        postgres_insert(COUNTERS)
        .values(company=bindparam("n_company"), year=bindparam("n_year"), last_serial=1)
        .on_conflict_do_update(
            index_elements=["company", "year"], set_={"last_serial": COUNTERS.c.last_serial + 1}
        )
        .returning(COUNTERS.c.last_serial)
        .cte("n")
    )
    serial = core_select(counter.c.last_serial).scalar_subquery()
    digits = sql_cast(serial, Text)
    number = bindparam("n_prefix", type_=Text) + func.lpad(
        digits, func.greatest(6, func.length(digits)), "0"
    )
    row = (
        insert(APPLICATION)
        .values(**_bound(APPLICATION, row_columns, "a_"), serial=serial, number=number)
        .returning(APPLICATION.c.number)
        .cte("a")
    )
    # One single-row INSERT each: SQLAlchemy caches the compiled form of those, not of a
    # multi-row VALUES, and compiling this statement costs more than the round trips saved.
    inserts = [
        insert(table).values(**_bound(table, columns, f"g{g}_{i}_")).cte(f"g{g}_{i}")
        for g, (table, columns, count) in enumerate(shape)
        for i in range(count)
    ]
    return core_select(row.c.number).add_cte(*inserts)


def _bound(table: Table, columns: tuple[str, ...], prefix: str) -> dict[str, Any]:
    """A parameter per column, typed as the column (JSON, UTC times) so values convert."""
    return {name: bindparam(prefix + name, type_=table.c[name].type) for name in columns}


# What a command may change on the application row (the rest is fixed at receipt).
_CHANGEABLE = (
    "stage",
    "status",
    "suspended",
    "suspension_reason",
    "suspension_note",
    "gov_approval",
    "closed_at",
    "stalls_at",
    "stalled_since",
    "site_surveyed_at",
    "customer_name",
    "customer_phone",
    "customer_id_number",
    "address",
)


@cache
def _returning(table: Table, *columns: str, in_order: bool = False) -> Any:
    """An INSERT into `table` returning `columns`, built once."""
    returned = [table.c[name] for name in columns]
    return insert(table).returning(*returned, sort_by_parameter_order=in_order)


_INSERT_APPLICATION = insert(APPLICATION)
_INSERT_EVENTS = insert(EVENTS)


class ApplicationRepository:
    """Applications in one session; `save` is an optimistic, versioned update."""

    def __init__(self, session: Session) -> None:
        self.session = session
        # application id -> (length, head) of its audit chain, as this transaction's
        # versioned UPDATE found it and its appends left it.
        self._chains: dict[int, tuple[int, str]] = {}
        # (table model, id) -> the row as loaded in this session, for a save to change.
        self._loaded: dict[tuple[type[Any], int | None], Any] = {}

    # -- reading -------------------------------------------------------------------
    def get(self, application_id: int) -> Application | None:
        """One application: its row and stage visits in one query, then its documents,
        then its clocks with their pauses (three round trips)."""
        found = self.session.exec(
            select(ApplicationRow, StageVisitRow)
            .outerjoin(StageVisitRow, col(StageVisitRow.application_id) == ApplicationRow.id)
            .where(ApplicationRow.id == application_id)
            .order_by(col(StageVisitRow.id))
        ).all()
        if not found:
            return None
        visits = [visit for _, visit in found if visit is not None]
        return self._load_all([found[0][0]], {application_id: visits})[0]

    def get_by_number(self, number: str) -> Application | None:
        row = self.session.exec(
            select(ApplicationRow).where(ApplicationRow.number == number)
        ).first()
        return self._load(row) if row is not None else None

    def get_many(self, application_ids: list[int]) -> list[Application]:
        """Applications in the order of `application_ids` (missing ones left out), loaded
        with five queries whatever their number: a page of a list, not one by one."""
        if not application_ids:
            return []
        rows = self.session.exec(
            select(ApplicationRow).where(col(ApplicationRow.id).in_(application_ids))
        ).all()
        loaded = {app.id: app for app in self._load_all(list(rows))}
        return [loaded[i] for i in application_ids if i in loaded]

    def load_rows(self, rows: list[ApplicationRow]) -> list[Application]:
        """The applications of rows already read (a page of a list), in their order."""
        return self._load_all(rows)

    def _load(self, row: ApplicationRow) -> Application:
        return self._load_all([row])[0]

    def _load_all(
        self, rows: list[ApplicationRow], visits: dict[int, list[StageVisitRow]] | None = None
    ) -> list[Application]:
        ids = [row.id for row in rows]

        def children(model: Any, key: Any, keys: list[Any]) -> dict[int, list[Any]]:
            grouped: dict[int, list[Any]] = {}
            if keys:
                for child in self.session.exec(select(model).where(col(key).in_(keys))):
                    grouped.setdefault(getattr(child, key.key), []).append(child)
            return grouped

        if visits is None:
            visits = children(StageVisitRow, StageVisitRow.application_id, ids)
        documents = children(DocumentRow, DocumentRow.application_id, ids)
        clocks, pauses = self._clocks_with_pauses(ids)
        # Held here: the session's identity map only holds them weakly, and a save that
        # compares them after the domain objects are built would read them all again.
        for model, groups in ((StageVisitRow, visits), (ClockRow, clocks), (ClockPauseRow, pauses)):
            for group in groups.values():
                for child in group:
                    self._loaded[(model, child.id)] = child
        loaded = []
        for row in rows:
            assert row.id is not None
            own_clocks = clocks.get(row.id, [])
            own_pauses = [p for c in own_clocks if c.id is not None for p in pauses.get(c.id, [])]
            loaded.append(
                application_from_rows(
                    row, visits.get(row.id, []), documents.get(row.id, []), own_clocks, own_pauses
                )
            )
        return loaded

    def _clocks_with_pauses(
        self, ids: list[Any]
    ) -> tuple[dict[int, list[ClockRow]], dict[int, list[ClockPauseRow]]]:
        """The clocks of applications `ids` and their pauses, in one query (an outer join)."""
        clocks: dict[int, list[ClockRow]] = {}
        pauses: dict[int, list[ClockPauseRow]] = {}
        if not ids:
            return clocks, pauses
        seen: set[int] = set()
        found = self.session.exec(
            select(ClockRow, ClockPauseRow)
            .outerjoin(ClockPauseRow, col(ClockPauseRow.clock_id) == ClockRow.id)
            .where(col(ClockRow.application_id).in_(ids))
            .order_by(col(ClockRow.id), col(ClockPauseRow.id))
        )
        for clock, pause in found:
            assert clock.id is not None
            if clock.id not in seen:
                seen.add(clock.id)
                clocks.setdefault(clock.application_id, []).append(clock)
            if pause is not None:
                pauses.setdefault(clock.id, []).append(pause)
        return clocks, pauses

    # -- writing -------------------------------------------------------------------
    def add(
        self,
        app: Application,
        access_code_hash: str | None = None,
        with_rows: Sequence[RowToAdd] = (),
    ) -> None:
        """Insert a new application, giving it its number (unique per company and year),
        with `with_rows` (rows of other tables that belong to it from its receipt).

        The row's id is known before the row is written, so the receipt's events are
        hashed first and the row goes in already anchored to its chain: no UPDATE after,
        and nothing to read, a new chain starting at the genesis hash."""
        year = local_date(app.received_at).year
        if self._db.dialect.name == "postgresql":
            prefix = number_prefix(app.company, year)
            self._add_in_one_statement(app, year, prefix, access_code_hash, with_rows)
            return
        # SQLite: one statement takes the number and the id, then one insert per table.
        serial, app.id = self._allocate_first(app.company, year)
        app.number = application_number(app.company, year, serial)
        events, length, head = self._hashed(app, 0, GENESIS)
        values = self._row_values(app, year, access_code_hash, length, head)
        values.update(serial=serial)
        db = self._db
        db.execute(_INSERT_APPLICATION, values)
        app.version = 1
        self._write_children(app)
        if events:
            db.execute(_INSERT_EVENTS, events)
        app.events.clear()
        for extra in with_rows:
            db.execute(insert(_table(extra.model)), dict(extra.values, application_id=app.id))

    def _add_in_one_statement(
        self,
        app: Application,
        year: int,
        prefix: str,
        access_code_hash: str | None,
        with_rows: Sequence[RowToAdd],
    ) -> None:
        """PostgreSQL: the ids first, then everything in one statement (`_registration`)."""
        db = self._db
        clocks = app.clocks
        pauses = [pause for clock in clocks for pause in clock.pauses]
        counts = {
            "visits": len(app.visits),
            "documents": len(app.documents),
            "clocks": len(clocks),
            "pauses": len(pauses),
        }
        first = db.execute(_NEXT_IDS, counts).one()
        app.id = int(first[0])
        children: tuple[list[Any], ...] = (app.visits, app.documents, clocks, pauses)
        for items, ids in zip(children, first[1:], strict=True):
            for item, new_id in zip(items, ids, strict=True):
                item.id = int(new_id)
        events, length, head = self._hashed(app, 0, GENESIS)
        values = self._row_values(app, year, access_code_hash, length, head)
        del values["number"]  # given by the counter, in the statement
        owner = {"application_id": app.id}
        groups: list[_Group] = [
            (VISITS, [dict(field_values(v, VISIT_FIELDS), id=v.id, **owner) for v in app.visits]),
            (
                DOCUMENTS,
                [dict(field_values(d, DOCUMENT_FIELDS), id=d.id, **owner) for d in app.documents],
            ),
            (CLOCKS, [dict(clock_values(c), id=c.id, **owner) for c in clocks]),
            (
                PAUSES,
                [
                    dict(field_values(p, PAUSE_FIELDS), id=p.id, clock_id=c.id)
                    for c in clocks
                    for p in c.pauses
                ],
            ),
            (EVENTS, events),
        ]
        groups += [(_table(extra.model), [dict(extra.values, **owner)]) for extra in with_rows]
        groups = [(table, rows) for table, rows in groups if rows]
        params: dict[str, Any] = {f"a_{name}": value for name, value in values.items()}
        params.update(n_company=app.company, n_year=year, n_prefix=prefix)
        shape = []
        for g, (table, rows) in enumerate(groups):
            columns = tuple(rows[0])
            shape.append((table, columns, len(rows)))
            for i, row in enumerate(rows):
                params.update({f"g{g}_{i}_{name}": row[name] for name in columns})
        statement = _registration(tuple(values), tuple(shape))
        app.number = str(db.execute(statement, params).scalar_one())
        app.version = 1
        app.events.clear()

    @staticmethod
    def _row_values(
        app: Application, year: int, access_code_hash: str | None, length: int, head: str
    ) -> dict[str, Any]:
        values = application_values(app)
        values.update(
            id=app.id,
            year=year,
            received_on=local_date(app.received_at),
            version=1,
            updated_at=app.received_at,
            access_code_hash=access_code_hash,
            audit_length=length,
            audit_head=head,
        )
        return values

    def save(self, app: Application, expected_version: int) -> None:
        """Write the application back; VersionConflict if someone else saved it meanwhile.

        The versioned UPDATE also hands back the chain's anchor: it holds the row, so no
        other transaction can append to the chain until this one ends, and the new events
        follow that anchor without reading the chain's last event."""
        assert app.id is not None
        everything = application_values(app)
        values: dict[str, Any] = {name: everything[name] for name in _CHANGEABLE}
        values["updated_at"] = self._now_of(app)
        values["version"] = expected_version + 1
        values.update(b_id=app.id, b_version=expected_version)
        anchor = self._db.execute(_SAVE, values).first()
        if anchor is None:
            raise VersionConflict(
                f"application {app.number} was changed by someone else; reload and try again",
                {"expected_version": expected_version},
            )
        self._chains[app.id] = (int(anchor[0]), str(anchor[1]))
        app.version = expected_version + 1
        self._write_children(app)
        self._append_events(app)
        # The loaded rows that changed are written now, as every other row of the save:
        # Core statements that follow in this transaction do not flush the session.
        self.session.flush()

    @property
    def _db(self) -> Connection:
        """The session's connection: Core statements, no unit-of-work flush around them."""
        return self.session.connection()

    @staticmethod
    def _now_of(app: Application) -> Any:
        return app.events[-1].at if app.events else app.received_at

    def _write_children(self, app: Application) -> None:
        """Update what was loaded and changed, insert what is new (Core, ids returned)."""
        assert app.id is not None
        for visit in app.visits:
            if visit.id is not None:
                self._update_loaded(StageVisitRow, visit.id, field_values(visit, VISIT_FIELDS))
        self._insert_new(VISITS, app.visits, VISIT_FIELDS, application_id=app.id)
        # documents are never changed once recorded
        self._insert_new(DOCUMENTS, app.documents, DOCUMENT_FIELDS, application_id=app.id)
        for clock in app.clocks:
            if clock.id is not None:
                self._update_loaded(ClockRow, clock.id, clock_values(clock))
        new_clocks = [c for c in app.clocks if c.id is None]
        clock_rows = [dict(clock_values(c), application_id=app.id) for c in new_clocks]
        self._insert_rows(CLOCKS, new_clocks, clock_rows, key="kind")
        for clock in app.clocks:
            assert clock.id is not None
            for pause in clock.pauses:
                if pause.id is not None:
                    values = field_values(pause, PAUSE_FIELDS)
                    self._update_loaded(ClockPauseRow, pause.id, values)
            self._insert_new(PAUSES, clock.pauses, PAUSE_FIELDS, clock_id=clock.id)

    def _insert_new(
        self, table: Table, items: list[Any], names: tuple[str, ...], **parent: Any
    ) -> None:
        """Insert those of `items` that have no id yet."""
        new = [item for item in items if item.id is None]
        self._insert_rows(table, new, [dict(field_values(n, names), **parent) for n in new])

    def _insert_rows(
        self, table: Table, new: list[Any], rows: list[dict[str, Any]], key: str | None = None
    ) -> None:
        """Insert `rows` in one statement and give each domain object in `new` its id.

        PostgreSQL returns the ids in the rows' order (SQLAlchemy sorts them by a sentinel).
        SQLite does not promise an order, and SQLAlchemy would then insert row by row: when
        the rows differ in `key`, each returned id is matched to its row by that column."""
        if not rows:
            return
        db = self._db
        if len(rows) == 1:
            new[0].id = int(db.execute(_returning(table, "id"), rows[0]).scalar_one())
            return
        keys = [row[key] for row in rows] if key is not None else []
        if key is not None and db.dialect.name == "sqlite" and len(set(keys)) == len(rows):
            ids = {k: i for i, k in db.execute(_returning(table, "id", key), rows)}
            for item, k in zip(new, keys, strict=True):
                item.id = int(ids[k])
            return
        found = db.execute(_returning(table, "id", in_order=True), rows).scalars()
        for item, row_id in zip(new, found, strict=True):
            item.id = int(row_id)

    def _update_loaded(self, model: type[Any], row_id: int | None, values: dict[str, Any]) -> None:
        """Change a row loaded in this session; the session writes what differs at flush."""
        if row_id is None:
            return
        row = self._loaded.get((model, row_id))
        if row is None:
            row = self.session.get(model, row_id)
        if row is not None:
            assign(row, values)

    def _append_events(self, app: Application) -> None:
        """Append the new events to the chain and move its anchor, in this transaction."""
        if not app.events:
            return
        assert app.id is not None
        events, length, head = self._hashed(app, *self._chains[app.id])
        db = self._db
        db.execute(_INSERT_EVENTS, events)
        # Anchor the chain in the same transaction: `audit verify` checks that it ends here.
        db.execute(_ANCHOR, {"b_id": app.id, "audit_length": length, "audit_head": head})
        self._chains[app.id] = (length, head)
        app.events.clear()

    @staticmethod
    def _hashed(app: Application, seq: int, prev: str) -> tuple[list[dict[str, Any]], int, str]:
        """Event rows of `app.events`, chained after (seq, prev); the chain's new (length,
        head)."""
        assert app.id is not None
        rows = []
        for event in app.events:
            seq += 1
            at = event.at.astimezone(UTC)
            digest = event_hash(
                application_id=app.id,
                seq=seq,
                at=at,
                actor=event.actor,
                action=event.action,
                stage_before=event.stage_before,
                stage_after=event.stage_after,
                details=event.details,
                prev_hash=prev,
            )
            rows.append(
                {
                    "application_id": app.id,
                    "seq": seq,
                    "at": at,
                    "actor": event.actor,
                    "action": str(event.action),
                    "stage_before": event.stage_before,
                    "stage_after": event.stage_after,
                    "details": event.details,
                    "prev_hash": prev,
                    "hash": digest,
                }
            )
            prev = digest
        return rows, seq, prev

    def _allocate_first(self, company: str, year: int) -> tuple[int, int]:
        """SQLite: the next serial of (company, year) and the new row's id, one statement."""
        found = self._db.execute(_ALLOCATE_FIRST, {"company": company, "year": year}).one()
        return int(found[0]), int(found[1])

    def events(self, application_id: int) -> list[EventRow]:
        return list(
            self.session.exec(
                select(EventRow)
                .where(EventRow.application_id == application_id)
                .order_by(col(EventRow.seq))
            )
        )
