"""Loading and saving applications (with their stages, documents, clocks and events)."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
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


class ApplicationRepository:
    """Applications in one session; `save` is an optimistic, versioned update."""

    def __init__(self, session: Session) -> None:
        self.session = session

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
    def add(self, app: Application, access_code_hash: str | None = None) -> None:
        """Insert a new application, giving it its number (unique per company and year)."""
        year = local_date(app.received_at).year
        serial = self._next_serial(app.company, year)
        app.number = f"{app.company.upper()}-{year}-{serial:06d}"
        received_on = local_date(app.received_at)
        row = ApplicationRow(
            year=year,
            serial=serial,
            received_on=received_on,
            version=1,
            updated_at=app.received_at,
            access_code_hash=access_code_hash,
            **application_values(app),
        )
        self.session.add(row)
        self.session.flush()
        app.id = row.id
        app.version = 1
        self._save_children(app)

    def save(self, app: Application, expected_version: int) -> None:
        """Write the application back; VersionConflict if someone else saved it meanwhile."""
        assert app.id is not None
        everything = application_values(app)
        changeable = (
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
        values: dict[str, Any] = {name: everything[name] for name in changeable}
        values["updated_at"] = self._now_of(app)
        values["version"] = expected_version + 1
        result = self.session.execute(
            update(ApplicationRow)
            .where(
                col(ApplicationRow.id) == app.id, col(ApplicationRow.version) == expected_version
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise VersionConflict(
                f"application {app.number} was changed by someone else; reload and try again",
                {"expected_version": expected_version},
            )
        app.version = expected_version + 1
        self._save_children(app)

    @staticmethod
    def _now_of(app: Application) -> Any:
        return app.events[-1].at if app.events else app.received_at

    def _save_children(self, app: Application) -> None:
        assert app.id is not None
        for visit in app.visits:
            visit.id = self._upsert(
                StageVisitRow, visit.id, field_values(visit, VISIT_FIELDS), application_id=app.id
            )
        for document in app.documents:
            if document.id is None:  # documents are never changed once recorded
                document.id = self._upsert(
                    DocumentRow,
                    None,
                    field_values(document, DOCUMENT_FIELDS),
                    application_id=app.id,
                )
        for clock in app.clocks:
            clock.id = self._upsert(ClockRow, clock.id, clock_values(clock), application_id=app.id)
            for pause in clock.pauses:
                pause.id = self._upsert(
                    ClockPauseRow, pause.id, field_values(pause, PAUSE_FIELDS), clock_id=clock.id
                )
        self._append_events(app)

    def _upsert(
        self, model: type[Any], row_id: int | None, values: dict[str, Any], **parent: Any
    ) -> int:
        """Update the loaded row, or insert a new one and return its id."""
        row = self.session.get(model, row_id) if row_id is not None else None
        if row is None:
            row = model(**parent, **values)
            self.session.add(row)
            self.session.flush()  # the domain object needs the new id (a pause its clock's)
        else:
            assign(row, values)
        return int(row.id)

    def _append_events(self, app: Application) -> None:
        if not app.events:
            return
        assert app.id is not None
        last = self.session.exec(
            select(EventRow)
            .where(EventRow.application_id == app.id)
            .order_by(col(EventRow.seq).desc())
            .limit(1)
        ).first()
        seq, prev = (last.seq, last.hash) if last else (0, GENESIS)
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
            self.session.add(
                EventRow(
                    application_id=app.id,
                    seq=seq,
                    at=at,
                    actor=event.actor,
                    action=event.action,
                    stage_before=event.stage_before,
                    stage_after=event.stage_after,
                    details=event.details,
                    prev_hash=prev,
                    hash=digest,
                )
            )
            prev = digest
        # Anchor the chain in the same transaction: `audit verify` checks that it ends here.
        self.session.execute(
            update(ApplicationRow)
            .where(col(ApplicationRow.id) == app.id)
            .values(audit_length=seq, audit_head=prev)
            .execution_options(synchronize_session=False)
        )
        self.session.flush()
        app.events.clear()

    def _next_serial(self, company: str, year: int) -> int:
        dialect = self.session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        statement = (
            insert(NumberCounterRow)
            .values(company=company, year=year, last_serial=1)
            .on_conflict_do_update(
                index_elements=["company", "year"],
                set_={"last_serial": NumberCounterRow.__table__.c.last_serial + 1},  # type: ignore[attr-defined]
            )
            .returning(NumberCounterRow.__table__.c.last_serial)  # type: ignore[attr-defined]
        )
        return int(self.session.execute(statement).scalar_one())

    def events(self, application_id: int) -> list[EventRow]:
        return list(
            self.session.exec(
                select(EventRow)
                .where(EventRow.application_id == application_id)
                .order_by(col(EventRow.seq))
            )
        )
