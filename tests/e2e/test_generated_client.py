"""A Python client generated from /openapi.json by openapi-python-client drives the main
flow against a real server: sign in, register, record documents, advance to connection,
read by number, fetch a report. A generator that cannot cope with the description (two
request formats under one operation, untyped bodies) fails here, not at a customer's."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from api_helpers import PASSWORD, PDF, lv_body
from test_api_uvicorn import base_url  # noqa: F401  (the live-server fixture)

pytestmark = pytest.mark.slow
GENERATOR = Path(sys.executable).parent / "openapi-python-client"


def _generate(server: str, folder: Path) -> Any:
    spec = folder / "openapi.json"
    spec.write_bytes(httpx.get(f"{server}/openapi.json", timeout=60).content)
    package = folder / "gridconnect_client"
    env = {**os.environ, "PATH": f"{GENERATOR.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    command = [str(GENERATOR), "generate", "--path", str(spec), "--meta", "none"]
    done = subprocess.run(
        [*command, "--output-path", str(package)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    sys.path.insert(0, str(folder))
    importlib.invalidate_caches()
    return importlib.import_module("gridconnect_client")


def test_a_generated_client_drives_the_main_flow(
    base_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    _generate(base_url, tmp_path)
    opened: list[Any] = []  # every generated client, closed at the end (no socket left open)
    try:
        from gridconnect_client import AuthenticatedClient, Client
        from gridconnect_client.api.applications import (
            advance_application,
            create_application,
            list_applications,
            read_application,
        )
        from gridconnect_client.api.auth import log_in
        from gridconnect_client.api.documents import add_e_licence_document, upload_document
        from gridconnect_client.api.reports import read_monthly_report
        from gridconnect_client.models import (
            ActionIn,
            ApplicationCreate,
            ApplicationPublic,
            BodyLogIn,
            ELicenseDocumentIn,
            Token,
            UploadDocumentBody,
        )
        from gridconnect_client.types import File

        def signed_in(username: str) -> AuthenticatedClient:
            form = BodyLogIn(username=username, password=PASSWORD)
            anonymous = Client(base_url, timeout=httpx.Timeout(60))
            opened.append(anonymous)
            token = log_in.sync(client=anonymous, body=form)
            assert isinstance(token, Token)
            client = AuthenticatedClient(
                base_url, token=token.access_token, timeout=httpx.Timeout(60)
            )
            opened.append(client)
            return client

        api = signed_in("clerk_xa")
        created = create_application.sync(client=api, body=ApplicationCreate.from_dict(lv_body()))
        assert isinstance(created, ApplicationPublic)
        assert created.stage == "acceptance"
        number = created.number
        cited = add_e_licence_document.sync(
            number,
            client=api,
            body=ELicenseDocumentIn(
                doc_type="identity_document", source="e_license", reference="EL-1"
            ),
        )
        assert isinstance(cited, ApplicationPublic)
        upload = UploadDocumentBody(
            doc_type="property_certificate",
            file=File(payload=PDF, file_name="deed.pdf", mime_type="application/pdf"),
        )
        uploaded = upload_document.sync(number, client=api, body=upload)
        assert isinstance(uploaded, ApplicationPublic)
        assert uploaded.missing_documents == []
        # The body is optional; the generated code sends UNSET as JSON when it is left out
        # (openapi-python-client 0.29), so a client passes the version it read, as it should.
        meter = advance_application.sync(
            number, client=api, body=ActionIn(expected_version=uploaded.version)
        )
        assert isinstance(meter, ApplicationPublic)
        assert meter.stage == "meter_install"
        connected = advance_application.sync(
            number, client=api, body=ActionIn(expected_version=meter.version)
        )
        assert isinstance(connected, ApplicationPublic)
        assert connected.status == "connected"
        again = read_application.sync(number, client=api)
        assert isinstance(again, ApplicationPublic)
        assert again.id == created.id
        page = list_applications.sync(client=api, number=number)
        assert page is not None
        assert [item.number for item in page.items] == [number]
        report = read_monthly_report.sync_detailed(client=signed_in("supervisor_xa"))
        assert report.status_code == 200
        assert report.parsed is not None
        assert report.parsed.to_dict()["summary"]["total"][0]["connected"] == 1
    finally:
        for client in opened:
            client.get_httpx_client().close()
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m.split(".")[0] == "gridconnect_client"]:
            del sys.modules[name]
