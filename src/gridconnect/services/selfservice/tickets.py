"""Customers' help requests and complaints (ledger L57): a ticket for the city's supervisors.

A ticket has its own clock: answered within the policy's `ticket_answer_working_days`
working days (the day it is asked not counted), warned `warn_working_days` before. The scan
(`scan_tickets`, in the same scheduler job as the SLA scan, and `gridconnect tickets scan`)
claims each ticket's warning and breach with a conditional UPDATE (`warned_at IS NULL`) in
the transaction that queues the alert (topic `alert`, clock `ticket`) to the supervisors'
channels of that company and city, so each alert goes out once even with several
schedulers. The same transaction writes the warning's or the breach's alert row
(`ticket_alerts`), so the supervisors' alert inbox lists it too, once. An answer stops the
clock; the customer sees it on the status page. The tickets are listed, with their warning
and breach badges, on `/supervisor/tickets`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any

from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from gridconnect.errors import GridconnectError, NotFound
from gridconnect.services.alert_raising import ALERT_TOPIC
from gridconnect.services.alert_routing import AlertRecipients
from gridconnect.services.attempts import Limit, check_and_record
from gridconnect.services.context import EVERYTHING, Scope, Services
from gridconnect.services.selfservice.documents import application_of
from gridconnect.services.selfservice.ticket_alerts import raise_ticket_alert
from gridconnect.store.alerts import enqueue
from gridconnect.store.selfservice_tables import HelpTicketRow
from gridconnect.timesource import as_utc
from gridconnect.timesource import now as system_now
from gridconnect.workflow.errors import InvalidApplication

CATEGORIES: Mapping[str, str] = MappingProxyType(
    {"help": "咨询求助", "complaint": "投诉", "suggestion": "意见建议"}
)
TICKETS_PER_DAY = 5
TICKET_TOPIC = ALERT_TOPIC  # the supervisors' robots read them like any other alert
ANSWER_TOPIC = "ticket_answer"


class TicketNotFound(NotFound):
    code = "ticket_not_found"


class TicketAlreadyAnswered(GridconnectError):
    status = 409
    code = "ticket_already_answered"


@dataclass
class TicketScanResult:
    warned: int = 0
    breached: int = 0


def _invalid(field: str, message: str) -> InvalidApplication:
    return InvalidApplication(f"invalid {field}: {message}", [{"field": field, "message": message}])


def open_ticket(svc: Services, number: str, category: str, text: str) -> HelpTicketRow:
    """The customer asks for help or complains; the city's supervisors answer in N days."""
    if category not in CATEGORIES:
        raise _invalid("category", f"one of {', '.join(CATEGORIES)}")
    text = text.strip()
    if not 0 < len(text) <= 500:
        raise _invalid("text", "1 to 500 characters")
    app = application_of(svc, number)
    assert app.id is not None
    moment, policy, calendar = svc.now(), svc.policy, svc.calendar
    limit_days = policy.ticket_answer_working_days
    due = calendar.deadline(moment, limit_days).value
    warn_days = limit_days - policy.warn_working_days
    warn = calendar.deadline(moment, warn_days).value if warn_days > 0 else moment
    row = HelpTicketRow(
        application_id=app.id,
        number=app.number,
        company=app.company,
        city=app.city,
        category=category,
        text=text,
        created_at=moment,
        warn_at=warn,
        due_at=due,
    )
    with svc.unit_of_work() as uow:
        limit = Limit(f"ticket:{number}", TICKETS_PER_DAY, timedelta(days=1))
        check_and_record(uow.session, [limit], moment, "too many requests today")
        uow.session.add(row)
        uow.commit()
    return row


def _view(row: HelpTicketRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "number": row.number,
        "city": row.city,
        "category": row.category,
        "category_name": CATEGORIES.get(row.category, row.category),
        "text": row.text,
        "created_at": as_utc(row.created_at),
        "due_at": as_utc(row.due_at),
        "warned": row.warned_at is not None,
        "breached": row.breached_at is not None,
        "answered_at": as_utc(row.answered_at) if row.answered_at else None,
        "answered_by": row.answered_by,
        "answer": row.answer,
    }


def tickets_of(svc: Services, application_id: int) -> list[dict[str, Any]]:
    """One application's tickets, newest first (the customer's page)."""
    with svc.unit_of_work() as uow:
        rows = uow.session.exec(
            select(HelpTicketRow)
            .where(HelpTicketRow.application_id == application_id)
            .order_by(col(HelpTicketRow.id).desc())
        ).all()
        return [_view(row) for row in rows]


def open_tickets(svc: Services, scope: Scope = EVERYTHING) -> list[dict[str, Any]]:
    """Unanswered tickets within `scope`, the most urgent first (the supervisors' page)."""
    with svc.unit_of_work() as uow:
        rows = uow.session.exec(
            select(HelpTicketRow)
            .where(col(HelpTicketRow.answered_at).is_(None))
            .order_by(col(HelpTicketRow.due_at), col(HelpTicketRow.id))
        ).all()
        return [_view(row) for row in rows if scope.admits(row.company, row.city)]


def answer_ticket(
    svc: Services, ticket_id: int, answer: str, actor: str, scope: Scope = EVERYTHING
) -> dict[str, Any]:
    """A supervisor answers; the clock stops and the customer's phone is told."""
    answer = answer.strip()
    if not 0 < len(answer) <= 1000:
        raise _invalid("answer", "1 to 1000 characters")
    moment = svc.now()
    with svc.unit_of_work() as uow:
        row = uow.session.get(HelpTicketRow, ticket_id)
        if row is None or not scope.admits(row.company, row.city):
            raise TicketNotFound(f"ticket {ticket_id} not found", {"ticket_id": ticket_id})
        claimed = uow.session.execute(
            update(HelpTicketRow)
            .where(col(HelpTicketRow.id) == ticket_id, col(HelpTicketRow.answered_at).is_(None))
            .values(answered_at=moment, answered_by=actor, answer=answer)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            raise TicketAlreadyAnswered(f"ticket {ticket_id} is already answered", {})
        app = uow.applications.get(row.application_id)
        if app is not None:
            uow.enqueue(
                channels=svc.customer_channels,
                topic=ANSWER_TOPIC,
                dedup_key=f"{ANSWER_TOPIC}:{ticket_id}",
                payload={
                    "application": row.number,
                    "phone": app.customer.phone,
                    "text": f"您关于用电申请 {row.number} 的{CATEGORIES.get(row.category, '')}"
                    "已答复，请凭申请编号和查询码查看。",
                },
                at=moment,
            )
        uow.commit()
        uow.session.refresh(row)
        return _view(row)


def scan_tickets(
    engine: Engine, alert_channels: AlertRecipients | Sequence[str], at: datetime | None = None
) -> TicketScanResult:
    """Warn and breach every unanswered ticket that reached its instant, once each."""
    moment = as_utc(at) if at is not None else system_now()
    recipients = AlertRecipients.of(alert_channels)
    result = TicketScanResult()
    for level, reached, stamp in (
        ("warning", HelpTicketRow.warn_at, HelpTicketRow.warned_at),
        ("breach", HelpTicketRow.due_at, HelpTicketRow.breached_at),
    ):
        with Session(engine) as session:
            due = session.exec(
                select(HelpTicketRow.id).where(
                    col(HelpTicketRow.answered_at).is_(None),
                    col(stamp).is_(None),
                    col(reached) <= moment,
                )
            ).all()
        for ticket_id in due:
            if ticket_id is not None and _claim(
                engine, ticket_id, level, stamp, moment, recipients
            ):
                if level == "warning":
                    result.warned += 1
                else:
                    result.breached += 1
    return result


def _claim(
    engine: Engine,
    ticket_id: int,
    level: str,
    stamp: Any,
    moment: datetime,
    recipients: AlertRecipients,
) -> bool:
    with Session(engine) as session:
        claimed = session.execute(
            update(HelpTicketRow)
            .where(col(HelpTicketRow.id) == ticket_id, col(stamp).is_(None))
            .values({stamp.key: moment})
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return False
        row = session.get(HelpTicketRow, ticket_id)
        assert row is not None
        due = as_utc(row.warn_at if level == "warning" else row.due_at)
        alert_id = raise_ticket_alert(session, row, level, due, moment)
        enqueue(
            session,
            channels=recipients.channels_for(row.company, row.city),
            topic=TICKET_TOPIC,
            dedup_key=f"ticket:{ticket_id}:{level}",
            payload={
                "application": row.number,
                "company": row.company,
                "city": row.city,
                "clock": "ticket",
                "ticket": ticket_id,
                "category": row.category,
                "level": level,
                "due_at": as_utc(row.due_at).isoformat(),
                "alert_id": alert_id,
            },
            at=moment,
        )
        session.commit()
    return True
