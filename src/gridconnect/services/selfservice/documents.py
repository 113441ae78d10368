"""Customers send documents and cancel from the phone; staff and customers open stored files.

A customer's upload goes through the clerks' own path (`record_document`: the current
stage's whitelist, the sniffed type and the size limit, the audit event) as actor
`customer`; what is new is a limit per application per day (`UPLOADS_PER_DAY`), counted in
the `attempt` log whether or not the file is accepted, so a script cannot fill the disk.

A stored file is found from the document's id within one application the caller may see
(staff: their scope; a customer: the number proven with the code), and its path comes from
the document's recorded hash, never from the request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from gridconnect.errors import NotFound
from gridconnect.services.applications import (
    DocumentInput,
    get_application,
    perform,
    record_document,
)
from gridconnect.services.attempts import Limit, check_and_record
from gridconnect.services.context import EVERYTHING, Scope, Services
from gridconnect.workflow.errors import ApplicationNotFound, InvalidApplication
from gridconnect.workflow.machine import Action
from gridconnect.workflow.model import Application

ACTOR = "customer"
UPLOADS_PER_DAY = 10
UPLOAD_WINDOW = timedelta(days=1)
INLINE_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})


class DocumentFileNotFound(NotFound):
    code = "document_not_found"


@dataclass(frozen=True)
class StoredDocument:
    path: Path
    file_name: str
    content_type: str

    @property
    def inline(self) -> bool:
        return self.content_type in INLINE_TYPES


def application_of(svc: Services, number: str) -> Application:
    """The application a customer proved the code of (404 if it vanished)."""
    with svc.unit_of_work() as uow:
        app = uow.applications.get_by_number(number)
    if app is None or app.id is None:
        raise ApplicationNotFound(f"application {number} not found", {"number": number})
    return app


def customer_upload(svc: Services, number: str, document: DocumentInput) -> Application:
    """Record a document of the current stage sent by the customer (limited per day)."""
    app = application_of(svc, number)
    assert app.id is not None
    with svc.unit_of_work() as uow:
        limit = Limit(f"customer-upload:{number}", UPLOADS_PER_DAY, UPLOAD_WINDOW)
        check_and_record(uow.session, [limit], svc.now(), "too many documents sent today")
        uow.commit()
    return record_document(svc, app.id, document, ACTOR)


def customer_cancel(svc: Services, number: str, reason: str) -> Application:
    """The customer withdraws the application, saying why (audited, the clocks stop)."""
    if not reason.strip():
        raise InvalidApplication(
            "a cancellation needs its reason", [{"field": "reason", "message": "required"}]
        )
    app = application_of(svc, number)
    assert app.id is not None
    return perform(svc, app.id, Action.CANCEL, ACTOR, note=reason.strip())


def stored_document(
    svc: Services, application_id: int, document_id: int, scope: Scope = EVERYTHING
) -> StoredDocument:
    """The file of one uploaded document of an application in `scope`."""
    app = get_application(svc, application_id, scope)
    for document in app.documents:
        if document.id == document_id and document.sha256:
            path = svc.files.path_of(document.sha256)
            if path.is_file():
                return StoredDocument(
                    path=path,
                    file_name=document.file_name or f"{document.doc_type}",
                    content_type=document.content_type or "application/octet-stream",
                )
    raise DocumentFileNotFound(
        f"no stored file for document {document_id}", {"document_id": document_id}
    )
