"""Bulk imports of the outage ledger: customer accounts, month-end counts, outages.

Each import validates the whole file first (`csv_lines`), then writes it in one
transaction, in chunks of set-based INSERT ... ON CONFLICT statements, so a 200,000-line
file is a few hundred statements, not 200,000 round trips. Idempotent: customers by
account and counts by key are upserted; an outage already imported under its external id
with the same content is skipped, with other content it is refused (line-numbered), since
a correction is an audited event, never a silent edit. On PostgreSQL the filled tables are
ANALYZEd afterwards so the planner sees their new size.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, TypeVar, cast

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError
from sqlalchemy import JSON, Engine, func, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from gridconnect.config.vocabulary import (
    PHONE_PATTERN,
    AreaClass,
    City,
    Company,
    NoControl,
    OutageKind,
)
from gridconnect.services.outages.csv_lines import ImportRefused, parse_lines, read_lines
from gridconnect.store.db import is_postgres
from gridconnect.store.outage_tables import (
    CustomerAccountRow,
    CustomerCountRow,
    OutageAreaRow,
    OutageEventRow,
    OutageRow,
)
from gridconnect.timesource import SHANGHAI, as_utc

ACCOUNT = cast(Any, CustomerAccountRow).__table__
COUNT = cast(Any, CustomerCountRow).__table__
OUTAGE = cast(Any, OutageRow).__table__
AREA = cast(Any, OutageAreaRow).__table__
EVENT = cast(Any, OutageEventRow).__table__

CUSTOMER_COLUMNS = (
    "account", "company", "city", "area_class", "feeder", "transformer_area", "phone",
    "connected_on",
)  # fmt: skip
COUNT_COLUMNS = ("company", "city", "area_class", "month", "customers")
OUTAGE_COLUMNS = (
    "external_id", "company", "city", "area_class", "kind", "start", "end", "customers",
    "cause", "feeder",
)  # fmt: skip
CHUNK = 2000
T = TypeVar("T")
Code = Annotated[str, NoControl, Field(min_length=1, max_length=64, pattern=r"^[^\s;]+$")]


class _Line(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _now(info: ValidationInfo) -> datetime:
    return cast(datetime, (info.context or {})["now"])


def local_instant(value: datetime) -> datetime:
    """An ISO time without an offset is Asia/Shanghai."""
    return as_utc(value.replace(tzinfo=SHANGHAI) if value.tzinfo is None else value)


class CustomerLine(_Line):
    account: Annotated[str, NoControl, Field(min_length=1, max_length=32, pattern=r"^\S+$")]
    company: Company
    city: City
    area_class: AreaClass
    feeder: Code
    transformer_area: Code | None = None
    phone: Annotated[str, Field(pattern=PHONE_PATTERN)] | None = None
    connected_on: date

    @field_validator("connected_on")
    @classmethod
    def _not_future(cls, value: date, info: ValidationInfo) -> date:
        if value > _now(info).astimezone(SHANGHAI).date():
            raise PydanticCustomError("future", "is in the future")
        return value


class CountLine(_Line):
    company: Company
    city: City
    area_class: AreaClass
    month: Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
    customers: Annotated[int, Field(ge=0)]


class OutageLine(_Line):
    external_id: Annotated[str, NoControl, Field(min_length=1, max_length=64)]
    company: Company
    city: City
    area_class: AreaClass
    kind: OutageKind
    start: datetime
    end: datetime | None = None
    customers: Annotated[int, Field(ge=0)] | None = None
    cause: Annotated[str, NoControl, Field(min_length=1, max_length=200)]
    feeder: Annotated[str, NoControl, Field(max_length=500)] | None = None
    _fingerprint: str | None = PrivateAttr(default=None)

    @field_validator("start", "end")
    @classmethod
    def _local_and_not_future(cls, value: datetime | None, info: ValidationInfo) -> Any:
        if value is None:
            return None
        value = local_instant(value)
        if value > _now(info):
            raise PydanticCustomError("future", "is in the future (a recorded outage has begun)")
        return value

    @field_validator("end")
    @classmethod
    def _after_start(cls, value: datetime | None, info: ValidationInfo) -> datetime | None:
        start = info.data.get("start")
        if value is not None and start is not None and value < start:
            raise PydanticCustomError("end_before_start", "is before start")
        return value

    def feeders(self) -> list[str]:
        return list(dict.fromkeys(f.strip() for f in (self.feeder or "").split(";") if f.strip()))

    def fingerprint(self) -> str:
        """The content's hash: the same external id with another hash is refused."""
        if self._fingerprint is None:
            parts = (
                self.external_id, self.company, self.city, self.area_class, self.kind,
                self.start.isoformat(), self.end.isoformat() if self.end else "",
                "" if self.customers is None else str(self.customers), self.cause,
                ";".join(self.feeders()),
            )  # fmt: skip
            self._fingerprint = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
        return self._fingerprint


@dataclass
class ImportResult:
    lines: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def summary(self, noun: str) -> str:
        return (
            f"{self.lines} line(s): {self.created} {noun} created, {self.updated} updated, "
            f"{self.unchanged} unchanged"
        )


def _chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for first in range(0, len(items), size):
        yield items[first : first + size]


def _insert(session: Session) -> Any:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def _analyze(engine: Engine, tables: Iterable[str]) -> None:
    if is_postgres(engine):
        with engine.begin() as connection:
            for table in tables:
                connection.execute(text(f"ANALYZE {table}"))


def _distinct(lines: list[tuple[int, T]], key: Callable[[T], Any], name: str) -> None:
    seen: dict[Any, int] = {}
    problems = []
    for number, line in lines:
        k = key(line)
        if k in seen:
            problems.append(f"line {number}: {name}: repeats line {seen[k]}")
        else:
            seen[k] = number
    if problems:
        raise ImportRefused(problems)


Progress = Callable[[int], None]


def _tick(progress: Progress | None, n: int) -> None:
    if progress is not None:
        progress(n)


def import_customers(
    engine: Engine, text_: str, now: datetime, progress: Progress | None = None
) -> ImportResult:
    """Upsert customer accounts by account number."""
    lines = read_lines(text_, CUSTOMER_COLUMNS, CustomerLine, {"now": now}, progress)
    _distinct(lines, lambda line: line.account, "account")
    result = ImportResult(lines=len(lines))
    with Session(engine) as session:
        insert = _insert(session)
        for chunk in _chunks(lines):
            accounts = [line.account for _, line in chunk]
            known = set(
                session.execute(select(ACCOUNT.c.account).where(ACCOUNT.c.account.in_(accounts)))
                .scalars()
                .all()
            )
            values = [line.model_dump(mode="python") | {"updated_at": now} for _, line in chunk]
            for value in values:
                for field in ("company", "city", "area_class"):
                    value[field] = str(value[field])
            statement = insert(ACCOUNT).values(values)
            statement = statement.on_conflict_do_update(
                index_elements=["account"],
                set_={c: statement.excluded[c] for c in (*CUSTOMER_COLUMNS[1:], "updated_at")},
            )
            session.execute(statement)
            result.updated += len(known)
            result.created += len(chunk) - len(known)
            _tick(progress, len(chunk))
        session.commit()
    _analyze(engine, ["customer_account"])
    return result


def import_counts(
    engine: Engine, text_: str, now: datetime, progress: Progress | None = None
) -> ImportResult:
    """Upsert month-end counts by (company, city, area class, month)."""
    lines = read_lines(text_, COUNT_COLUMNS, CountLine, {"now": now}, progress)
    _distinct(lines, lambda line: (line.company, line.city, line.area_class, line.month), "key")
    result = ImportResult(lines=len(lines))
    with Session(engine) as session:
        insert = _insert(session)
        for chunk in _chunks(lines):
            values = [
                {
                    "company": str(line.company), "city": str(line.city),
                    "area_class": str(line.area_class), "month": line.month,
                    "customers": line.customers, "updated_at": now,
                }
                for _, line in chunk
            ]  # fmt: skip
            statement = insert(COUNT).values(values)
            statement = statement.on_conflict_do_update(
                index_elements=["company", "city", "area_class", "month"],
                set_={"customers": statement.excluded.customers, "updated_at": now},
            )
            session.execute(statement)
            result.created += len(chunk)
            _tick(progress, len(chunk))
        session.commit()
    _analyze(engine, ["customer_count"])
    return result


def registry_counts(session: Session, feeders: Iterable[str]) -> dict[str, int]:
    """Customers per feeder in the registry."""
    wanted = sorted(set(feeders))
    counts: dict[str, int] = {}
    for chunk in _chunks(wanted):
        for feeder, n in session.execute(
            select(ACCOUNT.c.feeder, func.count())
            .where(ACCOUNT.c.feeder.in_(chunk))
            .group_by(ACCOUNT.c.feeder)
        ).all():
            counts[feeder] = n
    return counts


def _existing(session: Session, ids: list[str]) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for chunk in _chunks(ids):
        for external_id, fingerprint in session.execute(
            select(OUTAGE.c.external_id, OUTAGE.c.content_hash).where(
                OUTAGE.c.external_id.in_(chunk)
            )
        ).all():
            found[external_id] = fingerprint
    return found


def _customers_per_feeder(
    lines: list[tuple[int, OutageLine]], registry: dict[str, int]
) -> tuple[dict[int, list[tuple[str, int]]], list[str]]:
    """Per line, its areas with their customers; lines that cannot be counted, named."""
    areas: dict[int, list[tuple[str, int]]] = {}
    problems = []
    for number, line in lines:
        feeders = line.feeders()
        if line.customers is not None:
            if len(feeders) == 1:
                areas[number] = [(feeders[0], line.customers)]
            else:
                areas[number] = [(f, registry.get(f, 0)) for f in feeders]
            continue
        counted = [(f, registry.get(f, 0)) for f in feeders]
        if not feeders or sum(n for _, n in counted) == 0:
            problems.append(
                f"line {number}: customers: empty, and the registry has no customer on "
                f"feeder {line.feeder or '(none given)'}"
            )
        areas[number] = counted
    return areas, problems


def import_outages(
    engine: Engine, text_: str, now: datetime, actor: str, progress: Progress | None = None
) -> ImportResult:
    """Insert outages by external id: same content skipped, other content refused."""
    lines, bad = parse_lines(text_, OUTAGE_COLUMNS, OutageLine, {"now": now}, progress)
    result = ImportResult(lines=len(lines) + len({p.split(":")[0] for p in bad}))
    with Session(engine) as session:
        fresh, problems = _new_outages(session, lines, result)
        # Only lines without customers, or with several feeders, need the registry.
        to_count = (
            f
            for _, line in fresh
            if line.customers is None or len(line.feeders()) > 1
            for f in line.feeders()
        )
        registry = registry_counts(session, to_count)
        areas, counting = _customers_per_feeder(fresh, registry)
        if bad or problems or counting:
            everything = bad + problems + counting
            everything.sort(key=lambda p: int(p.split(":")[0].removeprefix("line ")))
            raise ImportRefused(everything)
        for chunk in _chunks(fresh):
            _insert_outages(session, chunk, areas, now, actor)
            _tick(progress, len(chunk))
        result.created = len(fresh)
        session.commit()
    _analyze(engine, ["outage", "outage_area", "outage_event"])
    return result


def _new_outages(
    session: Session, lines: list[tuple[int, OutageLine]], result: ImportResult
) -> tuple[list[tuple[int, OutageLine]], list[str]]:
    stored = _existing(session, [line.external_id for _, line in lines])
    seen: dict[str, tuple[int, str]] = {}
    fresh, problems = [], []
    for number, line in lines:
        fingerprint = line.fingerprint()
        earlier = seen.get(line.external_id)
        if earlier is not None:
            if earlier[1] != fingerprint:
                problems.append(
                    f"line {number}: external_id: {line.external_id} repeats line "
                    f"{earlier[0]} with different content"
                )
            continue
        seen[line.external_id] = (number, fingerprint)
        if line.external_id in stored:
            if stored[line.external_id] != fingerprint:
                problems.append(
                    f"line {number}: external_id: {line.external_id} was imported before "
                    "with different content (record a correction instead)"
                )
            else:
                result.unchanged += 1
            continue
        fresh.append((number, line))
    return fresh, problems


def _bulk_insert(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """Many rows at once: COPY on PostgreSQL (no per-row SQL to build), else executemany."""
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql":
        session.execute(table.insert(), rows)
        return
    columns = list(rows[0])
    json_columns = {c.name for c in table.columns if isinstance(c.type, JSON)}
    driver = session.connection().connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor:
        names = ", ".join(columns)
        with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(
                    [json.dumps(row[c]) if c in json_columns else row[c] for c in columns]
                )


def _insert_outages(
    session: Session,
    chunk: Sequence[tuple[int, OutageLine]],
    areas: dict[int, list[tuple[str, int]]],
    now: datetime,
    actor: str,
) -> None:
    values = []
    for number, line in chunk:
        customers = line.customers
        if customers is None:
            customers = sum(n for _, n in areas[number])
        values.append(
            {
                "external_id": line.external_id,
                "company": str(line.company),
                "city": str(line.city),
                "area_class": str(line.area_class),
                "kind": str(line.kind),
                "cause": line.cause,
                "customers": customers,
                "start_at": line.start,
                "end_at": line.end,
                "restricted_share": 1.0,
                "announced_at": None,
                "notice_breach": False,
                "progress_count": 0,
                "content_hash": line.fingerprint(),
                "created_by": actor,
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
        )
    _bulk_insert(session, OUTAGE, values)
    external = [line.external_id for _, line in chunk]
    ids = dict(
        session.execute(
            select(OUTAGE.c.external_id, OUTAGE.c.id).where(OUTAGE.c.external_id.in_(external))
        ).all()
    )
    area_values, event_values = [], []
    for number, line in chunk:
        outage_id = ids[line.external_id]
        for feeder, customers in areas[number]:
            area_values.append(
                {"outage_id": outage_id, "feeder": feeder, "transformer_area": "",
                 "customers": customers, "restored_at": None}
            )  # fmt: skip
        event_values.append(
            {"outage_id": outage_id, "kind": "imported", "at": now, "actor": actor,
             "detail": {"line": number}}
        )  # fmt: skip
    _bulk_insert(session, AREA, area_values)
    _bulk_insert(session, EVENT, event_values)
