"""Customers without an account: apply online, then read their status with an access code.

The access code is random (16 characters from a 32-letter alphabet: 80 bits), shown once and
stored only as HMAC-SHA256 keyed by the server secret. A slow hash (argon2) buys nothing for
a secret this long, while the key means a copied database alone cannot test guesses; the
price is that rotating the secret voids codes already handed out.

Wrong codes are counted in the `attempt` log, in the database, so the limits hold across
several API workers; the count and the record are one atomic step (`services/attempts.py`),
so parallel guesses cannot slip past them. Two limits:

* per guessing client (its address): 5 in 15 minutes, then 429 for that client only; a
  stranger guessing someone's number locks out himself, not the owner elsewhere;
* per number: 20 in an hour from all clients together, which bounds a guesser with many
  addresses. This one can be run into by a stranger, so it never blocks the way back in:
  the owner who proves the phone with a one-time code (`selfservice/recovery.py`) gets a
  new code and a session at once, and that success clears the number's count.

A right code does not count (only wrong ones are recorded) and clears the number's count. An
unknown number counts and answers exactly like a wrong code, so the answers reveal nothing
about which numbers exist.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, select

from gridconnect.errors import NotFound
from gridconnect.services.applications import receive_application
from gridconnect.services.attempts import (
    Limit,
    check_locked,
    forget,
    recent_attempts,
    record,
    refuse_over_limit,
)
from gridconnect.services.attempts import TooManyAttempts as TooManyAttempts  # re-exported
from gridconnect.services.context import Services
from gridconnect.services.selfservice.guidance import hall_contact, next_step, suspension_text
from gridconnect.services.views import (
    clock_view,
    mask_name,
    mask_phone,
    not_applicable_view,
    notice_view,
    stages_view,
)
from gridconnect.store.reading import application_head, complete_head, read_application, read_only
from gridconnect.store.tables import ApplicationRow
from gridconnect.workflow.intake import NewApplication
from gridconnect.workflow.model import Application

MAX_WRONG_CODES = 5  # per client
WINDOW = timedelta(minutes=15)
MAX_WRONG_CODES_PER_NUMBER = 20
NUMBER_WINDOW = timedelta(hours=1)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by people
CODE_LENGTH = 16
ACTOR = "customer"
TOO_MANY = "too many wrong access codes"
_APPLICATION = ApplicationRow.__table__  # type: ignore[attr-defined]
ACCESS_CODE_OF = select(_APPLICATION.c.access_code_hash).where(
    _APPLICATION.c.number == bindparam("number")
)


class StatusNotFound(NotFound):
    code = "application_not_found"


def new_access_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def _normalise(code: str) -> str:
    return code.replace("-", "").replace(" ", "").upper()


def hash_access_code(secret_key: str, code: str) -> str:
    digest = hmac.new(secret_key.encode(), _normalise(code).encode(), hashlib.sha256).hexdigest()
    return f"hmac-sha256${digest}"


def apply_online(svc: Services, new: NewApplication, secret_key: str) -> tuple[Application, str]:
    """Receive an online application (any hour); the application and its one-time code."""
    code = new_access_code()
    app = receive_application(svc, new, ACTOR, access_code_hash=hash_access_code(secret_key, code))
    return app, code


def code_limits(number: str, client: str) -> list[Limit]:
    """The wrong-code limits of one try: the guessing client's and the number's."""
    return [
        Limit(f"code-client:{client[:100]}", MAX_WRONG_CODES, WINDOW),
        Limit(number_subject(number), MAX_WRONG_CODES_PER_NUMBER, NUMBER_WINDOW),
    ]


def number_subject(number: str) -> str:
    return f"code:{number}"


def public_status(
    svc: Services, number: str, code: str | None, secret_key: str, client: str = "unknown"
) -> dict[str, Any]:
    """The masked status of `number` for whoever holds its code; 404 and 429 otherwise.
    (The API's route runs the same steps, the reads as point reads.)"""
    verdict, app = judge_and_read(svc, number, code, secret_key, client)
    if app is None:  # a write: a wrong code under the limits' lock, or clearing the count
        settle(svc, verdict)
        app = read_proven(svc, number)
    return masked_view(svc, app)


def check_access_code(
    svc: Services, number: str, code: str | None, secret_key: str, client: str = "unknown"
) -> None:
    """Pass if `code` is the access code of `number`; StatusNotFound or TooManyAttempts."""
    with read_only(svc.engine) as connection:
        verdict = judge_code(connection, svc.now(), number, code, secret_key, client)
    settle(svc, verdict)


@dataclass(frozen=True)
class Verdict:
    """What `judge_code` found; `settle` does the writing it calls for."""

    number: str
    client: str
    right: bool
    clear_number: bool = False  # a right code, and the number has wrong ones to clear


def judge_code(
    connection: Connection,
    moment: datetime,
    number: str,
    code: str | None,
    secret_key: str,
    client: str,
) -> Verdict:
    """Compare the code and read the recent wrong ones; only reads (TooManyAttempts if a
    right code comes after the limit is used up).

    A right code needs no lock: the wrong codes already answered were committed before
    their answers went out, so this read counts every one of them, and a right code
    answered now is as if it had come before any wrong one still in flight. The wrong ones
    are serialised by `settle`, which records each before it is answered.
    """
    stored = connection.execute(ACCESS_CODE_OF, {"number": number}).scalar_one_or_none()
    return _verdict(connection, moment, number, stored, code, secret_key, client)


def judge_and_read(
    svc: Services, number: str, code: str | None, secret_key: str, client: str = "unknown"
) -> tuple[Verdict, Application | None]:
    """`judge_code`, and the application when a right code needs nothing written: one
    connection and four statements for the common case (the row holds the code's hash)."""
    with read_only(svc.engine) as connection:
        head = application_head(connection, number)
        stored = head[0].access_code_hash if head is not None else None
        verdict = _verdict(connection, svc.now(), number, stored, code, secret_key, client)
        if head is None or not verdict.right or verdict.clear_number:
            return verdict, None
        return verdict, complete_head(connection, head)


def _verdict(
    connection: Connection,
    moment: datetime,
    number: str,
    stored: str | None,
    code: str | None,
    secret_key: str,
    client: str,
) -> Verdict:
    given = hash_access_code(secret_key, code or "")
    if not stored or not code or not hmac.compare_digest(stored, given):
        return Verdict(number, client, right=False)
    limits = code_limits(number, client)
    recent = recent_attempts(connection, limits, moment)
    refuse_over_limit(limits, recent, moment, TOO_MANY)
    return Verdict(number, client, right=True, clear_number=number_subject(number) in recent)


def settle(svc: Services, verdict: Verdict) -> None:
    """Record a wrong code under the limits' lock (StatusNotFound, or TooManyAttempts when
    it comes after the limit); clear the number's count after a right one that needs it."""
    if verdict.right and not verdict.clear_number:
        return
    moment = svc.now()
    with svc.unit_of_work() as uow:
        if verdict.right:
            forget(uow.session, number_subject(verdict.number))
            uow.commit()
            return
        limits = code_limits(verdict.number, verdict.client)
        check_locked(uow.session, limits, moment, TOO_MANY)
        record(uow.session, limits, moment)
        uow.commit()  # the wrong code stays counted
    raise StatusNotFound(
        f"no application {verdict.number!r} with this access code", {"number": verdict.number}
    )


def read_proven(svc: Services, number: str) -> Application:
    """The application whose code `check_access_code` has just accepted."""
    with read_only(svc.engine) as connection:
        app = read_application(connection, number)
    assert app is not None  # the code matched its row a moment ago; applications stay
    return app


def masked_view(svc: Services, app: Application) -> dict[str, Any]:
    """What a customer sees: stages, missing documents and deadlines; name and phone masked."""
    policy, calendar, moment = svc.policy, svc.calendar, svc.now()
    shown = (
        "kind",
        "limit_working_days",
        "due_at",
        "due_date",
        "state",
        "working_days_left",
        "provisional",
    )
    notice = notice_view(policy, app)
    deadlines = [
        {key: view[key] for key in shown}
        for view in (clock_view(calendar, clock, moment) for clock in app.clocks)
    ]
    return {
        "number": app.number,
        "kind": str(app.kind),
        "city": app.city,
        "customer_name": mask_name(app.customer.name),
        "customer_phone": mask_phone(app.customer.phone),
        "stage": app.stage,
        "status": str(app.status),
        "suspended": app.suspended,
        "received_at": app.received_at.isoformat(),
        "stages": stages_view(policy, app),
        **notice,
        "not_applicable_documents": [
            {key: d[key] for key in ("doc_type", "name", "stage", "reason_code", "reason")}
            for d in not_applicable_view(policy, app)
        ],
        "deadlines": deadlines,
        # selfservice: why it is paused, what to do now, whom to call
        "suspension_reason_text": "",
        "suspension_what_to_do": "",
        **(suspension_text(app.suspension_reason) if app.suspended else {}),
        "what_to_do_now": next_step(app, notice["missing_documents"]),
        **hall_contact(app),
    }
