"""Staff open and download the stored file of a document, within their scope."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import FileResponse

from gridconnect.api.auth import AuthUser, require, user_scope
from gridconnect.api.deps import ServicesDep
from gridconnect.api.error_statuses import errors
from gridconnect.api.permissions import Permission
from gridconnect.api.routers.applications import AppId
from gridconnect.services.selfservice.documents import DocumentFileNotFound, stored_document

router = APIRouter(prefix="/api/v1/applications", tags=["documents"])

Reader = Annotated[AuthUser, Depends(require(Permission.READ_APPLICATIONS))]


@router.get(
    "/{application_id}/documents/{document_id}/file",
    response_class=FileResponse,
    responses={
        200: {
            "description": "the stored file, inline for PDF and images",
            "content": {
                media: {"schema": {"type": "string", "format": "binary"}}
                for media in ("application/pdf", "image/jpeg", "image/png")
            },
        },
        **errors(DocumentFileNotFound),
    },
)
def download_document(
    application_id: AppId,
    document_id: Annotated[int, Path(ge=1, le=2_147_483_647)],
    user: Reader,
    svc: ServicesDep,
) -> FileResponse:
    """The uploaded file: inline for PDF and images, under its original name."""
    stored = stored_document(svc, application_id, document_id, user_scope(user))
    return FileResponse(
        stored.path,
        media_type=stored.content_type,
        filename=stored.file_name,
        content_disposition_type="inline" if stored.inline else "attachment",
        headers={"Cache-Control": "private, no-store"},
    )
