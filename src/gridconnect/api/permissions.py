"""Who may do what: one table read by the JSON API and by the pages alike.

The pages used to list roles of their own and granted more than the API (an administrator
cancelled and registered applications through /workbench, a supervisor registered one; the
API refused each, issue 11.12). Now a route names a permission, never roles, and both
`api.auth.require` and `api.pages.session.staff` look it up here.
`tests/security/test_permissions.py` walks every API route and every page action for every
role and checks the answers against this table and against each other.
"""

from __future__ import annotations

from enum import StrEnum

ROLES = ("clerk", "supervisor", "admin")


class Permission(StrEnum):
    READ_APPLICATIONS = "applications.read"  # queue, one application, its audit trail
    REGISTER_APPLICATIONS = "applications.register"  # a hall application, in one's own cities
    WORK_APPLICATIONS = "applications.work"  # documents, advance, suspend, resume, cancel...
    HANDLE_ALERTS = "alerts.handle"  # read and acknowledge warnings and breaches
    READ_REPORTS = "reports.read"  # monthly and quarterly figures
    MANAGE_CALENDAR = "calendar.manage"  # load next year's holiday notice
    READ_POLICY = "policy.read"
    MANAGE_USERS = "users.manage"
    EXPORT_REGULATOR = "exports.regulator"
    # issue 16: the network's open capacity and restricted areas (L52)
    MANAGE_CAPACITY = "capacity.manage"
    # command centre: supervision orders (督办)
    ISSUE_ORDERS = "orders.issue"  # order an action on an application, by a deadline
    ANSWER_ORDERS = "orders.answer"  # answer an order on the application


ROLES_FOR: dict[Permission, frozenset[str]] = {
    Permission.READ_APPLICATIONS: frozenset({"clerk", "supervisor", "admin"}),
    Permission.REGISTER_APPLICATIONS: frozenset({"clerk"}),
    Permission.WORK_APPLICATIONS: frozenset({"clerk", "supervisor"}),
    Permission.HANDLE_ALERTS: frozenset({"supervisor", "admin"}),
    Permission.READ_REPORTS: frozenset({"supervisor", "admin"}),
    Permission.MANAGE_CALENDAR: frozenset({"admin"}),
    Permission.READ_POLICY: frozenset({"admin"}),
    Permission.MANAGE_USERS: frozenset({"admin"}),
    Permission.EXPORT_REGULATOR: frozenset({"admin"}),
    # issue 16: supervisors within their company and cities, administrators everywhere
    Permission.MANAGE_CAPACITY: frozenset({"supervisor", "admin"}),
    # command centre: supervision orders (督办)
    Permission.ISSUE_ORDERS: frozenset({"supervisor"}),
    Permission.ANSWER_ORDERS: frozenset({"clerk"}),
}


def allows(role: str, permission: Permission) -> bool:
    return role in ROLES_FOR[permission]


def permissions_of(role: str) -> frozenset[Permission]:
    """What a role may do (templates show only those actions)."""
    return frozenset(p for p, roles in ROLES_FOR.items() if role in roles)
