"""Bodies shared by every router: the error body, tokens, users, administration."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from gridconnect.config.vocabulary import City, Company, NoControl


class FieldError(BaseModel):
    """One bad field: `field` names it (dotted for nested ones), `message` says what fits."""

    model_config = ConfigDict(extra="allow")

    field: str
    message: str


class LineError(BaseModel):
    """One bad line of an uploaded file (a holiday notice)."""

    model_config = ConfigDict(extra="allow")

    line: int
    reason: str


class ErrorBody(BaseModel):
    code: str = Field(description="stable, machine-readable: invalid_input, not_found, ...")
    message: str
    details: list[FieldError | LineError | dict[str, Any]] | dict[str, Any] | None = Field(
        default=None,
        description="a list of bad fields (input) or bad lines (an uploaded file), "
        "facts about a refused action (an object), or null",
    )


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- authentication -----------------------------------------------------------------------
class Token(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


# -- users and administration -------------------------------------------------------------
class UserCreate(Strict):
    username: Annotated[str, NoControl, Field(min_length=1, max_length=64)]
    password: Annotated[str, NoControl, Field(min_length=8, max_length=200)]
    role: Literal["clerk", "supervisor", "admin", "dispatcher"]
    company: Company | None = None
    cities: list[City] = Field(default_factory=list, max_length=len(City))


class UserPublic(BaseModel):
    id: int
    username: str
    role: str
    company: str | None
    cities: list[str]
    active: bool


class CalendarYear(BaseModel):
    year: int
    source: Literal["notice", "estimate"]
    title: str | None
    number: str | None
    published: str | None


class CalendarLoaded(BaseModel):
    year: int
    title: str
    published: str
    days_off: int
    adjusted_workdays: int
