"""The network's open capacity and restricted areas (可开放容量, L52).

Import is all-or-nothing: every line of the CSV is validated by one pydantic model and
every problem is reported with its line number before anything is written; a valid file
is then upserted (key: company, substation, feeder) in one transaction. The public view
shows city and area always, and each other field only where the policy's
`[capacity_publication]` switch publishes it. A clerk sees the rows of the application's
city whose area its address names; a restricted one flags a likely transitional plan (L27).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlmodel import col, select

from gridconnect.config.vocabulary import City, Company, NoControl
from gridconnect.errors import InvalidInput, NotFound
from gridconnect.services.context import EVERYTHING, Scope, Services
from gridconnect.store.plan_tables import NetworkCapacityRow
from gridconnect.workflow.model import Application

COLUMNS = (
    "company",
    "city",
    "area",
    "substation",
    "feeder",
    "available_kva",
    "restricted",
    "restriction_reason",
    "expected_relief_on",
)
MAX_LINES = 20_000
YES = {"1", "true", "yes", "y", "是"}
NO = {"", "0", "false", "no", "n", "否"}


class InvalidCapacityFile(InvalidInput):
    code = "invalid_capacity_file"


class CapacityNotFound(NotFound):
    code = "capacity_not_found"


Name = Annotated[str, NoControl, Field(min_length=1, max_length=100, pattern=r"\S")]


class CapacityLine(BaseModel):
    """One substation and feeder: what it can still take and whether its area is restricted."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    company: Company
    city: City
    area: Name
    substation: Name
    feeder: Name
    available_kva: float = Field(ge=0, le=1e7, allow_inf_nan=False)
    restricted: bool = False
    restriction_reason: Annotated[str, NoControl, Field(max_length=200)] | None = None
    expected_relief_on: date | None = None

    @field_validator("restricted", mode="before")
    @classmethod
    def _yes_no(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip().lower()
            if text in YES:
                return True
            if text in NO:
                return False
        return value

    @field_validator("restriction_reason", "expected_relief_on", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    def problems(self) -> list[tuple[str, str]]:
        if self.restricted and not self.restriction_reason:
            return [("restriction_reason", "a restricted area needs its reason")]
        if not self.restricted and (self.restriction_reason or self.expected_relief_on):
            return [("restricted", "a reason or relief date is given but restricted is no")]
        return []


def _check_header(fieldnames: list[str] | None) -> None:
    header = [h.strip() for h in fieldnames or []]
    missing = [c for c in COLUMNS if c not in header]
    unknown = [h for h in header if h not in COLUMNS]
    if missing or unknown:
        raise InvalidCapacityFile(
            "line 1: the header must be " + ",".join(COLUMNS),
            [{"line": 1, "field": "header", "message": f"missing {missing}, unknown {unknown}"}],
        )


def _read_line(
    number: int, raw: dict[Any, Any]
) -> tuple[CapacityLine | None, list[dict[str, Any]]]:
    if None in raw:
        return None, [{"line": number, "field": "line", "message": "more values than columns"}]
    values = {k.strip(): (v or "") for k, v in raw.items()}
    try:
        line = CapacityLine.model_validate(values)
    except ValidationError as exc:
        return None, [
            {
                "line": number,
                "field": ".".join(str(p) for p in e["loc"]) or "line",
                "message": e["msg"],
            }
            for e in exc.errors(include_url=False)
        ]
    return line, [{"line": number, "field": f, "message": m} for f, m in line.problems()]


def parse_capacity_csv(text: str) -> list[CapacityLine]:
    """Every line validated; InvalidCapacityFile lists each problem with its line number."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    _check_header(list(reader.fieldnames or []))
    lines: list[CapacityLine] = []
    found: list[dict[str, Any]] = []
    seen: dict[tuple[str, str, str], int] = {}
    for number, raw in enumerate(reader, start=2):
        if number > MAX_LINES + 1:
            found.append({"line": number, "field": "file", "message": f"over {MAX_LINES} lines"})
            break
        line, problems = _read_line(number, raw)
        found += problems
        if line is None:
            continue
        key = (str(line.company), line.substation, line.feeder)
        if key in seen:
            found.append(
                {"line": number, "field": "feeder", "message": f"repeats line {seen[key]}"}
            )
        seen[key] = number
        lines.append(line)
    if not lines and not found:
        found.append({"line": 2, "field": "file", "message": "no data lines"})
    if found:
        summary = "; ".join(f"line {p['line']} {p['field']}: {p['message']}" for p in found[:20])
        raise InvalidCapacityFile(f"capacity file refused, nothing imported: {summary}", found)
    return lines


def _refuse_outside(scope: Scope, lines: list[CapacityLine]) -> None:
    outside = [
        {"line": n, "field": "city", "message": "outside your company and cities"}
        for n, line in enumerate(lines, start=2)
        if not scope.admits(str(line.company), str(line.city))
    ]
    if outside:
        raise InvalidCapacityFile(
            "capacity file refused, nothing imported: lines outside scope", outside
        )


def save_capacity(
    svc: Services,
    lines: list[CapacityLine],
    actor: str,
    scope: Scope = EVERYTHING,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Upsert every line in one transaction: all or nothing."""
    _refuse_outside(scope, lines)
    now = svc.now()
    added = updated = 0
    with svc.unit_of_work() as uow:
        session = uow.session
        existing = {
            (r.company, r.substation, r.feeder): r
            for r in session.exec(select(NetworkCapacityRow)).all()
        }
        for line in lines:
            values = line.model_dump()
            values["company"], values["city"] = str(line.company), str(line.city)
            row = existing.get((values["company"], line.substation, line.feeder))
            if row is None:
                row = NetworkCapacityRow(**values, updated_at=now, updated_by=actor)
                added += 1
            else:
                for key, value in values.items():
                    setattr(row, key, value)
                row.updated_at, row.updated_by = now, actor
                updated += 1
            session.add(row)
            if progress is not None:
                progress(1)
        uow.commit()
    return {"lines": len(lines), "added": added, "updated": updated}


def import_capacity_csv(
    svc: Services,
    text: str,
    actor: str,
    scope: Scope = EVERYTHING,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    return save_capacity(svc, parse_capacity_csv(text), actor, scope, progress)


def row_view(row: NetworkCapacityRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "company": row.company,
        "city": row.city,
        "area": row.area,
        "substation": row.substation,
        "feeder": row.feeder,
        "available_kva": row.available_kva,
        "restricted": row.restricted,
        "restriction_reason": row.restriction_reason,
        "expected_relief_on": row.expected_relief_on,
        "updated_at": row.updated_at,
    }


def list_capacity(
    svc: Services, scope: Scope = EVERYTHING, city: str | None = None, area: str | None = None
) -> list[dict[str, Any]]:
    """Every row in the scope (staff), by city, area, substation and feeder."""
    statement = select(NetworkCapacityRow).order_by(
        col(NetworkCapacityRow.city),
        col(NetworkCapacityRow.area),
        col(NetworkCapacityRow.substation),
        col(NetworkCapacityRow.feeder),
    )
    if city is not None:
        statement = statement.where(NetworkCapacityRow.city == city)
    if area is not None:
        statement = statement.where(NetworkCapacityRow.area == area)
    with svc.unit_of_work() as uow:
        rows = uow.session.exec(statement).all()
        return [row_view(r) for r in rows if scope.admits(r.company, r.city)]


def public_capacity(
    svc: Services, city: str | None = None, area: str | None = None
) -> list[dict[str, Any]]:
    """What the public sees (L52): city, area and company always; the rest per the policy."""
    shown = svc.policy.capacity_publication.published
    return [
        {
            "company": row["company"],
            "city": row["city"],
            "area": row["area"],
            **{k: row[k] for k in sorted(shown)},
        }
        for row in list_capacity(svc, EVERYTHING, city, area)
    ]


def update_capacity(
    svc: Services, capacity_id: int, line: CapacityLine, actor: str, scope: Scope = EVERYTHING
) -> dict[str, Any]:
    """Edit one row (its key may change too); scope-checked like the import."""
    for field, message in line.problems():
        raise InvalidCapacityFile(message, [{"field": field, "message": message}])
    _refuse_outside(scope, [line])
    with svc.unit_of_work() as uow:
        row = uow.session.get(NetworkCapacityRow, capacity_id)
        if row is None or not scope.admits(row.company, row.city):
            raise CapacityNotFound(f"no capacity row {capacity_id}", {"id": capacity_id})
        values = line.model_dump()
        values["company"], values["city"] = str(line.company), str(line.city)
        for key, value in values.items():
            setattr(row, key, value)
        row.updated_at, row.updated_by = svc.now(), actor
        uow.session.add(row)
        uow.commit()
        return row_view(row)


def capacity_at(svc: Services, app: Application) -> dict[str, Any]:
    """The rows of the application's company and city whose area its address names, and
    whether one is restricted (then a transitional plan is likely, L27)."""
    rows = [
        r
        for r in list_capacity(svc, Scope(company=app.company, cities=(app.city,)), app.city)
        if r["area"] in app.address
    ]
    return {
        "rows": rows,
        "restricted": any(r["restricted"] for r in rows),
        "likely_transitional_plan": any(r["restricted"] for r in rows),
    }
