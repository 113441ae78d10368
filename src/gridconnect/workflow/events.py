"""The workflow's vocabularies as types: what happened to an application, alert levels.

Each is declared once here and used by the domain, the scan, the audit trail and the
pages' label tables (a test fails when a label table misses a member).
"""

from __future__ import annotations

from enum import StrEnum


class Event(StrEnum):
    """Something that happened to an application: one audit-trail entry (past tense)."""

    RECEIVED = "received"
    DOCUMENT_RECORDED = "document_recorded"
    ADVANCED = "advanced"
    CONNECTED = "connected"
    SUSPENDED = "suspended"
    RESUMED = "resumed"
    CANCELLED = "cancelled"
    GOV_APPROVAL_STARTED = "gov_approval_started"
    GOV_APPROVAL_COMPLETED = "gov_approval_completed"
    DEADLINE_RECOMPUTED = "deadline_recomputed"
    DOCUMENT_NOT_APPLICABLE = "document_not_applicable"
    MISSING_DOCUMENTS_NOTIFIED = "missing_documents_notified"
    SITE_SURVEY_RECORDED = "site_survey_recorded"
    # supply plans, cost and capacity
    SUPPLY_PLAN_ANSWERED = "supply_plan_answered"
    SUPPLY_PLAN_CHOSEN = "supply_plan_chosen"
    CHARGE_RECORDED = "charge_recorded"
    GRID_UPGRADE_COMPLETED = "grid_upgrade_completed"
    # command centre: supervision orders (督办)
    ORDER_ISSUED = "order_issued"
    ORDER_ANSWERED = "order_answered"
    # selfservice: a new access code replaced the old one (hall reissue, phone recovery)
    ACCESS_CODE_ISSUED = "access_code_issued"


# Events the system records that are not actions on the application: they do not restart
# its quiet period (the stall rule counts from the last action).
QUIET_EVENTS = frozenset({Event.DEADLINE_RECOMPUTED})

# The events the customer is told of (L50: progress notices by SMS, WeChat, app).
NOTIFIED_EVENTS = frozenset(
    {
        Event.RECEIVED,
        Event.ADVANCED,
        Event.CONNECTED,
        Event.CANCELLED,
        Event.SUSPENDED,
        Event.RESUMED,
        Event.MISSING_DOCUMENTS_NOTIFIED,
    }
)


class AlertLevel(StrEnum):
    """How far a clock has gone: near its due (warning) or past it (breach)."""

    WARNING = "warning"
    BREACH = "breach"
    STALL = "stall"  # no action on an open application for the policy's working days
    # (L27): a transitional plan's grid upgrade passed its planned completion
    UPGRADE_OVERDUE = "upgrade_overdue"
    # govlink: a pending e-licence check came back a mismatch (no clock)
    LICENCE_MISMATCH = "licence_mismatch"
    # command centre: the forecast puts the clock's breach probability over the threshold
    AT_RISK = "at_risk"
    # selfservice tickets: a customer's help request or complaint near / past its answer due
    TICKET_WARNING = "ticket_warning"
    TICKET_BREACH = "ticket_breach"
