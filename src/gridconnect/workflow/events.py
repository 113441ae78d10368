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
    # selfservice: a new access code replaced the old one (hall reissue, phone recovery)
    ACCESS_CODE_ISSUED = "access_code_issued"


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
