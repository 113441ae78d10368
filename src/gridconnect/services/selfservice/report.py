"""Satisfaction and customers' tickets per city for a report period (L10, L57).

Ratings count in the period they were given, tickets in the period they were opened; a
ticket counts as answered on time when its answer came before its due. Per city (within
the caller's scope), plus the total.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from gridconnect.services.context import EVERYTHING, Scope
from gridconnect.services.reports.periods import Period
from gridconnect.store.selfservice_tables import HelpTicketRow, SatisfactionRow
from gridconnect.timesource import as_utc

SATISFIED = 4  # 满意 and 非常满意


def _blank() -> dict[str, Any]:
    return {
        "ratings": 0,
        "score_total": 0,
        "satisfied": 0,
        "tickets": 0,
        "complaints": 0,
        "answered": 0,
        "answered_on_time": 0,
    }


def _finish(city: str, f: dict[str, Any]) -> dict[str, Any]:
    ratings, tickets = f["ratings"], f["tickets"]
    return {
        "city": city,
        "ratings": ratings,
        "mean_score": round(f["score_total"] / ratings, 2) if ratings else None,
        "satisfied_share": round(f["satisfied"] / ratings, 4) if ratings else None,
        "tickets": tickets,
        "complaints": f["complaints"],
        "answered": f["answered"],
        "answered_on_time_rate": round(f["answered_on_time"] / tickets, 4) if tickets else None,
    }


def satisfaction_and_tickets(
    engine: Engine, period: Period, scope: Scope = EVERYTHING
) -> list[dict[str, Any]]:
    """One row per city with ratings or tickets in the period, then the total."""
    per_city: dict[str, dict[str, Any]] = {}
    total = _blank()
    with Session(engine) as session:
        ratings = session.exec(
            select(SatisfactionRow).where(
                col(SatisfactionRow.rated_at) >= period.start,
                col(SatisfactionRow.rated_at) < period.end,
            )
        ).all()
        tickets = session.exec(
            select(HelpTicketRow).where(
                col(HelpTicketRow.created_at) >= period.start,
                col(HelpTicketRow.created_at) < period.end,
            )
        ).all()
    for rating in ratings:
        if not scope.admits(rating.company, rating.city):
            continue
        for figures in (per_city.setdefault(rating.city, _blank()), total):
            figures["ratings"] += 1
            figures["score_total"] += rating.score
            figures["satisfied"] += rating.score >= SATISFIED
    for ticket in tickets:
        if not scope.admits(ticket.company, ticket.city):
            continue
        on_time = ticket.answered_at is not None and as_utc(ticket.answered_at) <= as_utc(
            ticket.due_at
        )
        for figures in (per_city.setdefault(ticket.city, _blank()), total):
            figures["tickets"] += 1
            figures["complaints"] += ticket.category == "complaint"
            figures["answered"] += ticket.answered_at is not None
            figures["answered_on_time"] += on_time
    rows = [_finish(city, figures) for city, figures in sorted(per_city.items())]
    return [*rows, _finish("合计", total)]
