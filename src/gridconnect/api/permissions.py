"""Who may do what: one table read by the JSON API and by the pages alike.

The pages used to list roles of their own and granted more than the API (an administrator
cancelled and registered applications through /workbench, a supervisor registered one; the
API refused each). Now a route names a permission, never roles, and both
`api.auth.require` and `api.pages.session.staff` look it up here.
`tests/security/test_permissions.py` walks every API route and every page action for every
role and checks the answers against this table and against each other.
"""

from __future__ import annotations

from enum import StrEnum

# dispatcher (outages capability): records outages, scoped to a company and cities like a clerk
ROLES = ("clerk", "supervisor", "admin", "dispatcher")


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
    # the network's open capacity and restricted areas (L52)
    MANAGE_CAPACITY = "capacity.manage"
    # command centre: supervision orders (督办)
    ISSUE_ORDERS = "orders.issue"  # order an action on an application, by a deadline
    ANSWER_ORDERS = "orders.answer"  # answer an order on the application
    # outages capability
    READ_OUTAGES = "outages.read"  # the outage ledger of one's company and cities
    RECORD_OUTAGES = "outages.record"  # register, progress, restore, correct (dispatchers)
    READ_CUSTOMERS = "customers.read"  # the customer registry (phones masked)
    RECORD_CONNECTIONS = "customers.connect"  # a connected application's feeder (装表接电)


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
    # supervisors within their company and cities, administrators everywhere
    Permission.MANAGE_CAPACITY: frozenset({"supervisor", "admin"}),
    # command centre: supervision orders (督办)
    Permission.ISSUE_ORDERS: frozenset({"supervisor"}),
    Permission.ANSWER_ORDERS: frozenset({"clerk"}),
    # outages capability
    Permission.READ_OUTAGES: frozenset({"dispatcher", "supervisor", "admin"}),
    Permission.RECORD_OUTAGES: frozenset({"dispatcher"}),
    Permission.READ_CUSTOMERS: frozenset({"dispatcher", "supervisor", "admin"}),
    Permission.RECORD_CONNECTIONS: frozenset({"clerk", "dispatcher"}),
}


def allows(role: str, permission: Permission) -> bool:
    return role in ROLES_FOR[permission]


def permissions_of(role: str) -> frozenset[Permission]:
    """What a role may do (templates show only those actions)."""
    return frozenset(p for p, roles in ROLES_FOR.items() if role in roles)
