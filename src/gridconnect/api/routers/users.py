"""Staff accounts, managed by administrators."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, status
from starlette.concurrency import run_in_threadpool

from gridconnect.api.auth import AuthUser, require
from gridconnect.api.content import require_json
from gridconnect.api.deps import EngineDep
from gridconnect.api.error_statuses import errors
from gridconnect.api.permissions import Permission
from gridconnect.api.schemas.common import UserCreate, UserPublic
from gridconnect.services.users import (
    InvalidUser,
    LastAdmin,
    UserExists,
    UserNotFound,
    add_user,
    deactivate,
    list_users,
    reactivate,
    user_view,
)

router = APIRouter(prefix="/api/v1/users", tags=["users"])

Admin = Annotated[AuthUser, Depends(require(Permission.MANAGE_USERS))]


@router.get("", response_model=list[UserPublic])
def list_user_accounts(_user: Admin, engine: EngineDep) -> list[dict[str, Any]]:
    """Every account, active or not."""
    return [user_view(u) for u in list_users(engine)]


@router.post(
    "",
    response_model=UserPublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require_json)],
    responses=errors(UserExists, InvalidUser),
)
async def create_user(body: UserCreate, _user: Admin, engine: EngineDep) -> dict[str, Any]:
    """Add an account (clerks and supervisors need a company and their cities)."""
    user = await run_in_threadpool(
        add_user, engine, body.username, body.password, body.role, body.company, [*body.cities]
    )
    return user_view(user)


@router.post(
    "/{username}/deactivate",
    response_model=UserPublic,
    responses=errors(UserNotFound, LastAdmin),
)
def deactivate_user(
    username: Annotated[str, Path(max_length=64)], _user: Admin, engine: EngineDep
) -> dict[str, Any]:
    """Stop an account from signing in; its tokens stop working at once (not the last admin)."""
    return user_view(deactivate(engine, username))


@router.post("/{username}/reactivate", response_model=UserPublic, responses=errors(UserNotFound))
def reactivate_user(
    username: Annotated[str, Path(max_length=64)], _user: Admin, engine: EngineDep
) -> dict[str, Any]:
    """Let a deactivated account sign in again."""
    return user_view(reactivate(engine, username))
