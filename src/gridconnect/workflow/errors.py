"""Errors the workflow raises; each has a stable code the API returns."""

from __future__ import annotations

from gridconnect.errors import Conflict, GridconnectError, InvalidInput, NotFound


class ApplicationNotFound(NotFound):
    code = "application_not_found"


class InvalidTransition(Conflict):
    code = "invalid_transition"


class VersionConflict(Conflict):
    code = "version_conflict"


class MissingDocuments(InvalidInput):
    code = "missing_documents"


class DocumentNotAllowed(InvalidInput):
    code = "document_not_allowed"


class DocumentAlwaysRequired(InvalidInput):
    code = "document_always_required"


class UnknownNotApplicableReason(InvalidInput):
    code = "unknown_not_applicable_reason"


class InvalidApplication(InvalidInput):
    code = "invalid_application"


class UnknownSuspensionReason(InvalidInput):
    code = "unknown_suspension_reason"


__all__ = [
    "ApplicationNotFound",
    "DocumentAlwaysRequired",
    "DocumentNotAllowed",
    "GridconnectError",
    "InvalidApplication",
    "InvalidTransition",
    "MissingDocuments",
    "UnknownNotApplicableReason",
    "UnknownSuspensionReason",
    "VersionConflict",
]
