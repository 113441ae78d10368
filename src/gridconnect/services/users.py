"""Staff accounts: add, list, authenticate, deactivate. Passwords are stored as argon2 hashes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.profiles import RFC_9106_LOW_MEMORY
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from gridconnect.errors import Conflict, InvalidInput, NotFound
from gridconnect.store.auth_tables import UserRow
from gridconnect.timesource import now
from gridconnect.workflow.model import CITIES, COMPANIES

ROLES = ("clerk", "supervisor", "admin")
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


@dataclass(frozen=True)
class AuthUser:
    """A signed-in member of staff: who, what role, which company and cities they serve."""

    id: int
    username: str
    role: str
    company: str | None
    cities: tuple[str, ...]
    active: bool = True


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
    return AuthUser(row.id, row.username, row.role, row.company, tuple(row.cities), row.active)


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


def get_user(engine: Engine, user_id: int) -> AuthUser | None:
    """An active user by id (what a token names); None when missing or deactivated."""
    with Session(engine) as session:
        row = session.get(UserRow, user_id)
        return _user(row) if row is not None and row.active else None


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


def deactivate(engine: Engine, username: str) -> AuthUser:
    """Stop a user from signing in; their tokens stop working at once."""
    with Session(engine, expire_on_commit=False) as session:
        row = session.exec(select(UserRow).where(UserRow.username == username)).first()
        if row is None:
            raise UserNotFound(f"no user {username!r}", {"username": username})
        row.active = False
        session.add(row)
        session.commit()
        return _user(row)
