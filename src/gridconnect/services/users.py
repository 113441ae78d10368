"""Staff accounts: add, list, sign in, deactivate, reactivate, new password, end sessions.

Passwords are stored as argon2 hashes. Every token names the user's `session_generation`;
raising it (sign-out, deactivation, a new password) ends every session of that user at once.
Sign-in attempts are limited per account and per client address in the database
(`services/attempts.py`), recorded before the password is checked. The last active
administrator cannot be deactivated (409 `last_admin`): the check and the change run under
one lock, so two administrators deactivating each other cannot both succeed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.profiles import RFC_9106_LOW_MEMORY
from sqlalchemy import Connection, Engine, bindparam, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from gridconnect.errors import Conflict, InvalidInput, NotFound
from gridconnect.services.attempts import Limit, begin_locked, check_and_record, forget, withdraw
from gridconnect.store.auth_tables import UserRow
from gridconnect.store.reading import read_only
from gridconnect.timesource import now
from gridconnect.workflow.model import CITIES, COMPANIES

# dispatcher (outages capability): records outages, scoped to a company and cities like a clerk
ROLES = ("clerk", "supervisor", "admin", "dispatcher")
MIN_PASSWORD_LENGTH = 8
# argon2id at t=3, m=64 MiB, p=4 (RFC 9106's low-memory profile), named so no library default
# can lower it. The test suite swaps in a cheap hasher (tests/fast_hashing.py); nothing here can.
_hasher = PasswordHasher.from_parameters(RFC_9106_LOW_MEMORY)
# Verified against when the user does not exist, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


class UserExists(Conflict):
    code = "user_exists"


class UserNotFound(NotFound):
    code = "user_not_found"


class InvalidUser(InvalidInput):
    code = "invalid_user"


class LastAdmin(Conflict):
    code = "last_admin"


# Token subjects are signed, but a forged-looking id must not reach an INTEGER column.
MAX_USER_ID = 2_147_483_647
ADMINS_LOCK = "app_user:admins"


@dataclass(frozen=True)
class LoginLimits:
    """Failed sign-ins allowed per account and per client address within `window`."""

    per_account: int = 5
    per_client: int = 20
    window: timedelta = timedelta(minutes=15)


@dataclass(frozen=True)
class AuthUser:
    """A signed-in member of staff: who, what role, which company and cities they serve."""

    id: int
    username: str
    role: str
    company: str | None
    cities: tuple[str, ...]
    active: bool = True
    session_generation: int = 0


def user_view(user: AuthUser) -> dict[str, Any]:
    """A user as the API shows it (never the password hash)."""
    return {
        "id": user.id,
        "username": user.username,
        "role": user.role,
        "company": user.company,
        "cities": list(user.cities),
        "active": user.active,
    }


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _user(row: UserRow) -> AuthUser:
    assert row.id is not None
    return AuthUser(
        row.id,
        row.username,
        row.role,
        row.company,
        tuple(row.cities),
        row.active,
        row.session_generation,
    )


def _check(username: str, password: str, role: str, company: str | None, cities: list[str]) -> None:
    problems: list[dict[str, str]] = []
    if not username.strip() or len(username) > 64:
        problems.append({"field": "username", "message": "1 to 64 characters"})
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(
            {"field": "password", "message": f"at least {MIN_PASSWORD_LENGTH} characters"}
        )
    if role not in ROLES:
        problems.append({"field": "role", "message": f"must be one of {', '.join(ROLES)}"})
    if role != "admin":
        if company not in COMPANIES:
            problems.append(
                {"field": "company", "message": f"must be one of {', '.join(COMPANIES)}"}
            )
        if not cities:
            problems.append({"field": "cities", "message": "a clerk or supervisor serves a city"})
    unknown = [c for c in cities if c not in CITIES]
    if unknown:
        problems.append({"field": "cities", "message": f"unknown: {'、'.join(unknown)}"})
    if problems:
        raise InvalidUser("invalid user: " + ", ".join(p["field"] for p in problems), problems)


def add_user(
    engine: Engine,
    username: str,
    password: str,
    role: str,
    company: str | None = None,
    cities: list[str] | tuple[str, ...] = (),
) -> AuthUser:
    """Create an active user; UserExists when the name is taken."""
    city_list = list(dict.fromkeys(cities))
    _check(username, password, role, company, city_list)
    row = UserRow(
        username=username.strip(),
        password_hash=hash_password(password),
        role=role,
        company=company,
        cities=city_list,
        active=True,
        created_at=now(),
    )
    with Session(engine, expire_on_commit=False) as session:
        session.add(row)
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            raise UserExists(f"user {username!r} already exists", {"username": username}) from None
        return _user(row)


def list_users(engine: Engine) -> list[AuthUser]:
    with Session(engine) as session:
        rows = session.exec(select(UserRow).order_by(col(UserRow.username)))
        return [_user(row) for row in rows]


_USER_TABLE = UserRow.__table__  # type: ignore[attr-defined]
_USER_BY_ID = select(_USER_TABLE).where(_USER_TABLE.c.id == bindparam("user_id"))


def get_user(source: Engine | Connection, user_id: int) -> AuthUser | None:
    """An active user by id (what a token names); None when missing or deactivated. On a
    connection already open when the caller reads more with it (one checkout, not two)."""
    if not 1 <= user_id <= MAX_USER_ID:
        return None
    # Every request asks this: a prebuilt Core statement, no ORM session.
    if isinstance(source, Connection):
        row = source.execute(_USER_BY_ID, {"user_id": user_id}).first()
    else:
        with read_only(source) as connection:
            row = connection.execute(_USER_BY_ID, {"user_id": user_id}).first()
    return _user(row) if row is not None and row.active else None  # type: ignore[arg-type]


def authenticate(engine: Engine, username: str, password: str) -> AuthUser | None:
    """The active user with this name and password, or None (no hint which one was wrong)."""
    with Session(engine) as session:
        row = session.exec(select(UserRow).where(UserRow.username == username)).first()
        try:
            _hasher.verify(row.password_hash if row is not None else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return None
        if row is None or not row.active:
            return None
        if _hasher.check_needs_rehash(row.password_hash):
            row.password_hash = hash_password(password)
            session.add(row)
            session.commit()
        return _user(row)


def sign_in(
    engine: Engine, username: str, password: str, client: str, limits: LoginLimits
) -> AuthUser | None:
    """`authenticate` behind the per-account and per-client limits (TooManyAttempts, 429).

    The attempt is recorded and committed before argon2 runs, so the lock is not held
    during the slow check; a success clears the account's count and withdraws this
    attempt from the client's, so an office behind one address is not locked out by
    its own successful sign-ins.
    """
    account = f"login-user:{username.strip().lower()[:100]}"
    by_client = f"login-client:{client[:100]}"
    with Session(engine) as session:
        ids = check_and_record(
            session,
            [
                Limit(account, limits.per_account, limits.window),
                Limit(by_client, limits.per_client, limits.window),
            ],
            now(),
            "too many sign-in attempts",
        )
        session.commit()
    user = authenticate(engine, username, password)
    if user is not None:
        with Session(engine) as session:
            forget(session, account)
            withdraw(session, ids)
            session.commit()
    return user


def _row(session: Session, username: str) -> UserRow:
    row = session.exec(select(UserRow).where(UserRow.username == username)).first()
    if row is None:
        raise UserNotFound(f"no user {username!r}", {"username": username})
    return row


def _end_sessions(row: UserRow) -> None:
    row.session_generation = (row.session_generation or 0) + 1


def deactivate(engine: Engine, username: str) -> AuthUser:
    """Stop a user from signing in; their tokens stop working at once.

    LastAdmin (409) for the last active administrator: nobody could administer after.
    """
    with Session(engine, expire_on_commit=False) as session:
        begin_locked(session, [ADMINS_LOCK])
        row = _row(session, username)
        if row.role == "admin" and row.active:
            admins = session.exec(
                select(func.count())
                .select_from(UserRow)
                .where(UserRow.role == "admin", col(UserRow.active).is_(True))
            ).one()
            if admins <= 1:
                raise LastAdmin(
                    f"{username} is the last active administrator; "
                    "make or reactivate another administrator first",
                    {"username": username},
                )
        row.active = False
        _end_sessions(row)
        session.add(row)
        session.commit()
        return _user(row)


def reactivate(engine: Engine, username: str) -> AuthUser:
    """Let a deactivated user sign in again (old tokens stay void: they must sign in)."""
    with Session(engine, expire_on_commit=False) as session:
        row = _row(session, username)
        row.active = True
        session.add(row)
        session.commit()
        return _user(row)


def set_password(engine: Engine, username: str, password: str) -> AuthUser:
    """A new password; every session of the user ends."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidUser(
            "invalid user: password",
            [{"field": "password", "message": f"at least {MIN_PASSWORD_LENGTH} characters"}],
        )
    with Session(engine, expire_on_commit=False) as session:
        row = _row(session, username)
        row.password_hash = hash_password(password)
        _end_sessions(row)
        session.add(row)
        session.commit()
        return _user(row)


def end_sessions(engine: Engine, user_id: int) -> None:
    """Sign-out: every token of this user stops working."""
    with Session(engine) as session:
        row = session.get(UserRow, user_id)
        if row is not None:
            _end_sessions(row)
            session.add(row)
            session.commit()
