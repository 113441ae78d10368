"""Sliding-window attempt limits in the database, checked and recorded in one atomic step.

Why atomic: counting the recent attempts and then inserting one are two statements; thirty
parallel guesses could all count four and all be let through (15 evaluated against
a limit of 5). `check_and_record` first takes a lock that every check of the same subjects
must take too, then counts and inserts, in the caller's transaction:

* PostgreSQL: `pg_advisory_xact_lock(hashtext(subject))` per subject, in sorted order (no
  deadlock between two requests naming the same subjects), freed at commit or rollback;
* SQLite: `BEGIN IMMEDIATE`, the database write lock, taken before the count.

An attempt is recorded when it is made, before the password or code is checked, so the
(limit + 1)-th try is refused whatever it contains; a success may `forget` the subject.
Tested by `tests/security/test_access_code_race.py` (real threads on PostgreSQL) and
`tests/security/test_login_limits.py`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Select, Table, and_, bindparam, delete, func, or_, text
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from gridconnect.errors import GridconnectError
from gridconnect.store.auth_tables import AttemptRow
from gridconnect.timesource import as_utc

ATTEMPT: Table = AttemptRow.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Limit:
    """At most `max_attempts` attempts on `subject` within any `window`."""

    subject: str
    max_attempts: int
    window: timedelta


class TooManyAttempts(GridconnectError):
    """429; `details["retry_after_seconds"]` becomes the Retry-After header."""

    status = 429
    code = "too_many_attempts"


def begin_locked(session: Session, subjects: Sequence[str]) -> None:
    """Start the session's transaction holding the lock of each subject (see the module doc)."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        for subject in sorted(set(subjects)):
            connection.execute(
                text("SELECT pg_advisory_xact_lock(hashtext(:subject))"), {"subject": subject}
            )
    else:
        # pysqlite has not begun a transaction yet (it does so lazily before a write).
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def check_and_record(
    session: Session, limits: Sequence[Limit], moment: datetime, message: str
) -> list[int]:
    """Record one attempt on every subject (their ids), or raise TooManyAttempts.

    Call first thing in a fresh session; the caller commits (also after a failed check of
    the password or code, so that the attempt counts).
    """
    check_locked(session, limits, moment, message)
    return record(session, limits, moment)


def check_locked(session: Session, limits: Sequence[Limit], moment: datetime, message: str) -> None:
    """Take the subjects' lock for the session's transaction, then raise TooManyAttempts
    (after a rollback) if any subject is at its limit.

    Everything decided while the lock is held is as atomic as a recorded attempt: a caller
    that evaluates a secret under it and records a wrong one (`record`) before answering
    lets no more guesses through than `check_and_record`.
    """
    begin_locked(session, [limit.subject for limit in limits])
    recent = recent_attempts(session.connection(), limits, moment)
    try:
        refuse_over_limit(limits, recent, moment, message)
    except TooManyAttempts:
        session.rollback()
        raise


def recent_attempts(
    connection: Connection, limits: Sequence[Limit], moment: datetime
) -> dict[str, tuple[int, datetime]]:
    """Each subject's attempts within its window: how many, and the oldest (one SELECT)."""
    keys: dict[str, Any] = {}
    for n, limit in enumerate(limits):
        keys[f"subject_{n}"], keys[f"since_{n}"] = limit.subject, moment - limit.window
    rows = connection.execute(_recent_statement(len(limits)), keys).all()
    return {subject: (int(count), as_utc(oldest)) for subject, count, oldest in rows}


@functools.cache
def _recent_statement(subjects: int) -> Select[Any]:
    # Built once per number of subjects: building it per call was a third of a status read.
    within = or_(
        *(
            and_(
                ATTEMPT.c.subject == bindparam(f"subject_{n}"),
                ATTEMPT.c.at > bindparam(f"since_{n}"),
            )
            for n in range(subjects)
        )
    )
    return (
        sa_select(ATTEMPT.c.subject, func.count(), func.min(ATTEMPT.c.at))
        .where(within)
        .group_by(ATTEMPT.c.subject)
    )


def refuse_over_limit(
    limits: Sequence[Limit],
    recent: dict[str, tuple[int, datetime]],
    moment: datetime,
    message: str,
) -> None:
    """TooManyAttempts (with the wait) if any subject has used up its limit."""
    wait = 0.0
    for limit in limits:
        count, oldest = recent.get(limit.subject, (0, None))
        if count >= limit.max_attempts and oldest is not None:
            wait = max(wait, (oldest + limit.window - moment).total_seconds())
    if wait > 0:
        retry = max(1, math.ceil(wait))
        raise TooManyAttempts(
            f"{message}; try again in {retry} seconds", {"retry_after_seconds": retry}
        )


def record(session: Session, limits: Sequence[Limit], moment: datetime) -> list[int]:
    """Record one attempt on every subject (their ids), dropping those out of every window;
    under the lock `check_locked` took, in the caller's transaction."""
    for limit in limits:
        session.execute(
            delete(AttemptRow).where(
                col(AttemptRow.subject) == limit.subject,
                col(AttemptRow.at) <= moment - limit.window,
            )
        )
    rows = [AttemptRow(subject=limit.subject, at=moment) for limit in limits]
    session.add_all(rows)
    session.flush()
    return [row.id for row in rows if row.id is not None]


def forget(session: Session, subject: str) -> None:
    """Clear a subject's attempts (after a success), in the caller's transaction."""
    session.execute(delete(AttemptRow).where(col(AttemptRow.subject) == subject))


def withdraw(session: Session, attempt_ids: Sequence[int]) -> None:
    """Remove these attempts (a success that should not count), in the caller's transaction."""
    session.execute(delete(AttemptRow).where(col(AttemptRow.id).in_(list(attempt_ids))))
