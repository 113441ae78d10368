"""Recovering a lost access code by proving the phone on the application.

1. `request_recovery(number)`: a 6-digit one-time code goes to the application's phone
   through the customer gateway (outbox), valid 10 minutes; the caller gets a random
   challenge id. The answer is the same whether or not the number exists (a challenge is
   stored for an unknown number too, with a code nobody received), so it reveals nothing.
2. `verify_recovery(challenge, code)`: the right code, unused and unexpired, gives the
   application a new access code (`codes.replace_code`: the old one void, audited, the phone
   told) and clears the number's wrong-code count; the challenge is then used up, so a
   replayed code fails.

Why the challenge id: wrong one-time codes are counted per challenge (5, then that challenge
is dead), per client, never per number, so a stranger guessing against a number burns only
his own challenges and never the owner's. Five tries at a 6-digit code is a 1 in 200,000
chance per challenge, and challenges are rationed: 3 an hour per client, 10 a day per
number (which also bounds the messages a stranger can send to someone's phone).

Limits are the `attempt` log's (`services/attempts.py`), atomic under parallel requests.
Tested in `tests/security/test_selfservice_recovery.py`.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete
from sqlmodel import col

from gridconnect.errors import NotFound
from gridconnect.services.attempts import Limit, check_and_record, forget, withdraw
from gridconnect.services.context import Services
from gridconnect.services.public import hash_access_code, number_subject
from gridconnect.services.selfservice.codes import replace_code
from gridconnect.store.selfservice_tables import RecoveryChallengeRow
from gridconnect.timesource import as_utc

ONE_TIME_DIGITS = 6
ONE_TIME_VALID = timedelta(minutes=10)
SENDS_PER_CLIENT = 3
SEND_CLIENT_WINDOW = timedelta(hours=1)
SENDS_PER_NUMBER = 10
SEND_NUMBER_WINDOW = timedelta(days=1)
TRIES_PER_CHALLENGE = 5
TRIES_PER_CLIENT = 10
TRY_CLIENT_WINDOW = timedelta(minutes=15)
RECOVERY_TOPIC = "access_code_recovery"
ACTOR = "customer"


class RecoveryFailed(NotFound):
    """Wrong, used, expired or unknown: one answer for all, naming nothing."""

    code = "recovery_code_invalid"


@dataclass(frozen=True)
class Recovered:
    number: str
    access_code: str


def _one_time_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(ONE_TIME_DIGITS))


def request_recovery(svc: Services, number: str, client: str, secret_key: str) -> str:
    """Send a one-time code to the phone of `number` (if it exists); the challenge id."""
    moment = svc.now()
    number = number.strip().upper()
    code = _one_time_code()
    challenge = secrets.token_urlsafe(24)
    with svc.unit_of_work() as uow:
        check_and_record(
            uow.session,
            [
                Limit(f"otp-send-client:{client[:100]}", SENDS_PER_CLIENT, SEND_CLIENT_WINDOW),
                Limit(f"otp-send:{number}", SENDS_PER_NUMBER, SEND_NUMBER_WINDOW),
            ],
            moment,
            "too many one-time codes asked for",
        )
        # Spent challenges are kept a day (to answer a replay like any wrong code), then go.
        uow.session.execute(
            delete(RecoveryChallengeRow).where(
                col(RecoveryChallengeRow.expires_at) < moment - timedelta(days=1)
            )
        )
        uow.session.add(
            RecoveryChallengeRow(
                id=challenge,
                number=number,
                code_hash=hash_access_code(secret_key, f"otp:{challenge}:{code}"),
                created_at=moment,
                expires_at=moment + ONE_TIME_VALID,
            )
        )
        app = uow.applications.get_by_number(number)
        if app is not None and app.customer.phone:
            uow.enqueue(
                channels=svc.customer_channels,
                topic=RECOVERY_TOPIC,
                dedup_key=f"{RECOVERY_TOPIC}:{challenge}",
                payload={
                    "application": app.number,
                    "phone": app.customer.phone,
                    "one_time_code": code,
                    "text": f"您正在找回用电申请 {app.number} 的查询码，验证码 {code}，"
                    "10分钟内有效。如非本人操作请忽略。",
                },
                at=moment,
            )
        uow.commit()
    return challenge


def verify_recovery(
    svc: Services, challenge: str, code: str, client: str, secret_key: str
) -> Recovered:
    """A new access code for whoever gives the one-time code of `challenge` (once)."""
    moment = svc.now()
    challenge = challenge.strip()[:64]
    failed = RecoveryFailed("the one-time code is wrong, used or expired", {})
    with svc.unit_of_work() as uow:
        session = uow.session
        attempts = check_and_record(
            session,
            [
                Limit(f"otp-check:{challenge}", TRIES_PER_CHALLENGE, ONE_TIME_VALID),
                Limit(f"otp-check-client:{client[:100]}", TRIES_PER_CLIENT, TRY_CLIENT_WINDOW),
            ],
            moment,
            "too many wrong one-time codes",
        )
        row = session.get(RecoveryChallengeRow, challenge) if challenge else None
        given = hash_access_code(secret_key, f"otp:{challenge}:{code.strip()}")
        usable = (
            row is not None
            and row.used_at is None
            and moment < as_utc(row.expires_at)
            and hmac.compare_digest(row.code_hash, given)
        )
        app = uow.applications.get_by_number(row.number) if row is not None and usable else None
        if row is None or app is None:
            uow.commit()  # the wrong code stays counted
            raise failed
        row.used_at = moment
        session.add(row)
        withdraw(session, attempts)
        forget(session, number_subject(app.number))
        new_code = replace_code(svc, uow, app, ACTOR, "phone", secret_key)
        uow.commit()
    return Recovered(app.number, new_code)
