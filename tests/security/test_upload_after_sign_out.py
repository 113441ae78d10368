"""A signed-out session's upload is refused before its file is read: the token's signature
is still good, so only the user's row tells, and it is read first."""

from __future__ import annotations

from api_helpers import sign_in

from factories import receive


def test_an_upload_with_a_signed_out_token_is_refused_before_the_file_is_looked_at(
    client, staff, services
):
    application = receive(services, "lv_nonresidential", city="西安")
    headers = sign_in(client, "clerk_xa")
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    # No doc_type: read first, this upload would be a 422.
    files = {"file": ("plan.pdf", b"%PDF-1.4 not looked at", "application/pdf")}
    url = f"/api/v1/applications/{application.id}/documents"
    answer = client.post(url, files=files, headers=headers)
    assert answer.status_code == 401
    fresh = sign_in(client, "clerk_xa")
    assert client.post(url, files=files, headers=fresh).status_code == 422
