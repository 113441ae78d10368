"""The customer rates the service once a connection is made (好差评, ledger L10).

One rating per application, enforced by a unique constraint in the database, so two
submissions racing each other store one; the second is told it was already rated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from gridconnect.errors import GridconnectError
from gridconnect.services.context import Services
from gridconnect.services.selfservice.documents import application_of
from gridconnect.store.selfservice_tables import SatisfactionRow
from gridconnect.workflow.errors import InvalidApplication

#: The 好差评 scale, best first.
SCORES: Mapping[int, str] = MappingProxyType(
    {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
)


class AlreadyRated(GridconnectError):
    status = 409
    code = "already_rated"


class NotYetConnected(GridconnectError):
    status = 409
    code = "not_connected"


@dataclass(frozen=True)
class Rating:
    score: int
    comment: str | None


def rating_of(svc: Services, application_id: int) -> Rating | None:
    with svc.unit_of_work() as uow:
        row = uow.session.exec(
            select(SatisfactionRow).where(SatisfactionRow.application_id == application_id)
        ).first()
        return Rating(row.score, row.comment) if row is not None else None


def rate(svc: Services, number: str, score: int, comment: str | None) -> Rating:
    """Store the customer's rating of a connected application (once)."""
    if score not in SCORES:
        raise InvalidApplication(
            "score must be 1 to 5", [{"field": "score", "message": "1 (worst) to 5 (best)"}]
        )
    app = application_of(svc, number)
    assert app.id is not None
    if str(app.status) != "connected":
        raise NotYetConnected("only a connected application can be rated", {"number": number})
    text = (comment or "").strip()[:500] or None
    row = SatisfactionRow(
        application_id=app.id,
        company=app.company,
        city=app.city,
        score=score,
        comment=text,
        rated_at=svc.now(),
    )
    with svc.unit_of_work() as uow:
        uow.session.add(row)
        try:
            uow.commit()
        except IntegrityError:
            raise AlreadyRated("this application is already rated", {"number": number}) from None
    return Rating(score, text)
