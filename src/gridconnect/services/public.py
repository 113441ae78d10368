"""Customers without an account: apply online, then read their status with an access code.

The access code is random (16 characters from a 32-letter alphabet: 80 bits), shown once and
stored only as HMAC-SHA256 keyed by the server secret. A slow hash (argon2) buys nothing for
a secret this long, while the key means a copied database alone cannot test guesses; the
price is that rotating the secret voids codes already handed out.

Attempts are counted per application number in the `attempt` log, in the database, so the
limit (5 in 15 minutes, then 429) holds across several API workers; the count and the record
are one atomic step (`services/attempts.py`), so parallel guesses cannot slip past it. A
right code clears the count. An unknown number counts
and answers exactly like a wrong code, so the answers reveal nothing about which numbers exist.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from sqlmodel import select

from gridconnect.errors import NotFound
from gridconnect.services.applications import receive_application
from gridconnect.services.attempts import Limit, check_and_record, forget
from gridconnect.services.attempts import TooManyAttempts as TooManyAttempts  # re-exported
from gridconnect.services.context import Services
from gridconnect.services.views import (
    clock_view,
    mask_name,
    mask_phone,
    not_applicable_view,
    notice_view,
    stages_view,
)
from gridconnect.store.reading import read_application
from gridconnect.store.tables import ApplicationRow
from gridconnect.workflow.intake import NewApplication
from gridconnect.workflow.model import Application

MAX_WRONG_CODES = 5
WINDOW = timedelta(minutes=15)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by people
CODE_LENGTH = 16
ACTOR = "customer"


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


def public_status(svc: Services, number: str, code: str | None, secret_key: str) -> dict[str, Any]:
    """The masked status of `number` for whoever holds its code; 404 and 429 otherwise."""
    moment = svc.now()
    not_found = StatusNotFound(
        f"no application {number!r} with this access code", {"number": number}
    )
    with svc.unit_of_work() as uow:
        session = uow.session
        limit = Limit(f"code:{number}", MAX_WRONG_CODES, WINDOW)
        check_and_record(session, [limit], moment, f"too many wrong access codes for {number}")
        stored = session.exec(
            select(ApplicationRow.access_code_hash).where(ApplicationRow.number == number)
        ).first()
        given = hash_access_code(secret_key, code or "")
        if not stored or not code or not hmac.compare_digest(stored, given):
            uow.commit()  # the wrong code stays counted
            raise not_found
        forget(session, limit.subject)
        uow.commit()
        app = read_application(session.connection(), number)
    assert app is not None
    return masked_view(svc, app)


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
        **notice_view(policy, app),
        "not_applicable_documents": [
            {key: d[key] for key in ("doc_type", "name", "stage", "reason_code", "reason")}
            for d in not_applicable_view(policy, app)
        ],
        "deadlines": deadlines,
    }
