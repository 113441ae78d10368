"""Documents of an application: an uploaded file (multipart) or an e-licence (JSON).

Each format has its own operation in the OpenAPI description (`upload_document`,
`add_e_licence_document`) so that client generators cope; the upload path still takes the
JSON body too, as it always did.
"""

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.responses import Response

from gridconnect.api.auth import AuthUser, SignedIn, as_user, user_of, user_scope
from gridconnect.api.content import InvalidBody, MalformedJson, is_json, media_type, require_json
from gridconnect.api.deps import ServicesDep
from gridconnect.api.error_statuses import errors
from gridconnect.api.point_reads import point_read
from gridconnect.api.routers.applications import AppId, SignedWorker, view
from gridconnect.api.schemas.applications import (
    ApplicationPublic,
    ELicenseDocumentIn,
    NotApplicableIn,
)
from gridconnect.config.vocabulary import CONTROL_CHARACTERS
from gridconnect.services.applications import (
    DocumentInput,
    record_document,
    record_not_applicable,
)
from gridconnect.services.context import Services
from gridconnect.store.files import FileRefused
from gridconnect.workflow.errors import (
    DocumentAlwaysRequired,
    DocumentNotAllowed,
    InvalidTransition,
    UnknownNotApplicableReason,
    VersionConflict,
)
from gridconnect.workflow.model import Application

router = APIRouter(prefix="/api/v1/applications", tags=["documents"])


MULTIPART_SCHEMA = {
    "type": "object",
    "required": ["doc_type", "file"],
    "properties": {
        "doc_type": {"type": "string", "minLength": 1, "maxLength": 64},
        "file": {"type": "string", "format": "binary", "description": "PDF, JPEG or PNG"},
        "expected_version": {"type": "integer", "minimum": 1, "maximum": 2_147_483_647},
    },
}
REQUEST_BODY = {"required": True, "content": {"multipart/form-data": {"schema": MULTIPART_SCHEMA}}}


def _invalid(field: str, message: str) -> InvalidBody:
    return InvalidBody(f"invalid value for: {field}", [{"field": field, "message": message}])


async def _from_json(request: Request) -> tuple[DocumentInput, int | None]:
    try:
        body = ELicenseDocumentIn.model_validate_json(await request.body())
    except ValidationError as exc:
        if any(e["type"] == "json_invalid" for e in exc.errors()):
            raise MalformedJson("the request body is not valid JSON", None) from None
        details = [
            {"field": ".".join(str(p) for p in e["loc"]) or "body", "message": e["msg"]}
            for e in exc.errors()
        ]
        fields = ", ".join(sorted({d["field"] for d in details}))
        raise InvalidBody(f"invalid value for: {fields}", details) from None
    document = DocumentInput(body.doc_type, "e_license", reference=body.reference)
    return document, body.expected_version


async def _from_form(request: Request) -> tuple[DocumentInput, int | None]:
    # Closing the form closes the upload's spooled temporary file now, not at garbage collection.
    async with request.form() as form:
        return await _document_from(form)


async def _document_from(form: FormData) -> tuple[DocumentInput, int | None]:
    doc_type, upload = form.get("doc_type"), form.get("file")
    if not isinstance(doc_type, str) or not 0 < len(doc_type) <= 64:
        raise _invalid("doc_type", "required, 1 to 64 characters")
    if CONTROL_CHARACTERS.search(doc_type):
        raise _invalid("doc_type", "must not contain control characters")
    if not isinstance(upload, UploadFile):
        raise _invalid("file", "required: the document as a file part")
    if CONTROL_CHARACTERS.search(upload.filename or ""):
        raise _invalid("file", "the file name must not contain control characters")
    expected = form.get("expected_version")
    version: int | None = None
    if isinstance(expected, str) and expected != "":
        if not expected.isdigit() or not 1 <= int(expected) <= 2_147_483_647:
            raise _invalid("expected_version", "a positive integer")
        version = int(expected)
    content = await upload.read()
    document = DocumentInput(
        doc_type,
        "upload",
        content=content,
        declared_type=upload.content_type,
        file_name=(upload.filename or "")[:255] or None,
    )
    return document, version


async def document_from(request: Request) -> tuple[DocumentInput, int | None]:
    """The document of an upload request: a multipart file or a JSON e-licence (else 415)."""
    kind = media_type(request)
    if kind == "multipart/form-data":
        return await _from_form(request)
    if is_json(kind):
        return await _from_json(request)
    raise HTTPException(
        status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
        "send multipart/form-data (doc_type, file) or application/json (e-licence)",
    )


@router.post(
    "/{application_id}/documents",
    status_code=status.HTTP_201_CREATED,
    response_model=ApplicationPublic,
    openapi_extra={"requestBody": REQUEST_BODY},
    # The body is read here, not by FastAPI, so its errors are named rather than derived.
    responses=errors(
        400,
        413,
        415,
        MalformedJson,
        InvalidBody,
        FileRefused,
        DocumentNotAllowed,
        VersionConflict,
        InvalidTransition,
    ),
)
async def upload_document(
    application_id: AppId, request: Request, signed: SignedWorker, svc: ServicesDep
) -> Response:
    """Record a document of the current stage: upload a file."""
    # The user first: a signed-out or deactivated session is refused before its file is
    # read and spooled.
    user = await point_read(svc.engine, as_user, svc.engine, signed)
    document, version = await document_from(request)
    app = await run_in_threadpool(_record_as, svc, user, application_id, document, version)
    return view(svc, app, status.HTTP_201_CREATED)  # CPU only: in the event loop


@router.post(
    "/{application_id}/documents/e-licence",
    status_code=status.HTTP_201_CREATED,
    response_model=ApplicationPublic,
    dependencies=[Depends(require_json)],
    responses=errors(DocumentNotAllowed, VersionConflict, InvalidTransition),
)
async def add_e_licence_document(
    application_id: AppId, body: ELicenseDocumentIn, signed: SignedWorker, svc: ServicesDep
) -> Response:
    """Record a document of the current stage as an e-licence from the government platform."""
    document = DocumentInput(body.doc_type, "e_license", reference=body.reference)
    app = await run_in_threadpool(
        _record_as, svc, signed, application_id, document, body.expected_version
    )
    return view(svc, app, status.HTTP_201_CREATED)


def _record_as(
    svc: Services,
    who: AuthUser | SignedIn,
    application_id: int,
    document: DocumentInput,
    version: int | None,
) -> Application:
    """The user (401, 403), then the document, in the request's one thread hand-off."""
    user = user_of(svc.engine, who)
    return record_document(svc, application_id, document, user.username, user_scope(user), version)


@router.post(
    "/{application_id}/documents/not-applicable",
    status_code=status.HTTP_201_CREATED,
    response_model=ApplicationPublic,
    dependencies=[Depends(require_json)],
    responses=errors(
        DocumentNotAllowed,
        DocumentAlwaysRequired,
        UnknownNotApplicableReason,
        VersionConflict,
        InvalidTransition,
    ),
)
def mark_not_applicable(
    application_id: AppId, body: NotApplicableIn, signed: SignedWorker, svc: ServicesDep
) -> Response:
    """Record a where-applicable document as not applicable, with a reason from the policy."""
    user = as_user(svc.engine, signed)
    app = record_not_applicable(
        svc,
        application_id,
        body.doc_type,
        body.reason_code,
        user.username,
        note=body.note,
        scope=user_scope(user),
        expected_version=body.expected_version,
    )
    return view(svc, app, status.HTTP_201_CREATED)
