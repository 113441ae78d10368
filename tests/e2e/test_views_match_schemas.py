"""Application views go out without FastAPI's response check (`api/shaped.py`): this pins
that nothing changed by it. For applications of every shape (LV and HV, documents uploaded,
by e-licence and recorded not applicable, suspended and resumed, cancelled, connected,
several stages behind them), the bytes of a single read, of list pages in every sort and
of the answers to a registration, a document and a stage action are the bytes the checked
model gives: no field more or less, none of another type, none in another order."""

from __future__ import annotations

from typing import Any

from api_helpers import hv_body, lv_body
from freezegun import freeze_time
from pydantic import BaseModel
from test_not_applicable_http import apply_hv, mark, staff_id
from test_statement_counts import _worked_application

from factories import advance_to_end, provide_all_documents, receive
from gridconnect.api.schemas.applications import ApplicationPage, ApplicationPublic
from gridconnect.services.applications import perform
from gridconnect.services.context import Services

APPS = "/api/v1/applications"


def _as_checked(model: type[BaseModel], body: bytes) -> bytes:
    """What FastAPI sent for `body` when it checked it against `model` first."""
    return model.model_validate_json(body).model_dump_json().encode()


def _applications_of_every_shape(client: Any, clerk: dict[str, str], services: Services) -> None:
    _worked_application(client, clerk)  # HV, documents, two stages, a paused-and-resumed clock
    receipt = apply_hv(client)  # online, with a document recorded not applicable
    mark(
        client,
        clerk,
        staff_id(client, clerk, receipt["number"]),
        doc_type="project_approval",
        reason_code="temporary_supply",
    )
    cancelled = client.post(APPS, json=lv_body(), headers=clerk).json()
    assert client.post(f"{APPS}/{cancelled['id']}/cancel", headers=clerk).status_code == 200
    with freeze_time("2026-10-12 02:00:00"):
        advance_to_end(services, receive(services, "lv_nonresidential"))
        advance_to_end(services, receive(services, "hv"))
        partly = provide_all_documents(services, receive(services, "lv_residential"))
        assert partly.id is not None
        perform(services, partly.id, "advance", actor="clerk1")
        client.post(APPS, json=lv_body(capacity_kw=8), headers=clerk)  # a whole number


def test_reads_and_pages_are_the_bytes_the_checked_models_give(
    client: Any, as_user: Any, services: Services
) -> None:
    clerk = as_user("clerk_xa")
    _applications_of_every_shape(client, clerk, services)
    items = []
    for sort in ("newest", "oldest", "due", "risk"):
        response = client.get(f"{APPS}?limit=200&sort={sort}", headers=clerk)
        assert response.status_code == 200
        assert response.content == _as_checked(ApplicationPage, response.content)
        items = response.json()["items"]
    shapes = {
        "hv": any(a["kind"] == "hv" for a in items),
        "not applicable": any(a["not_applicable_documents"] for a in items),
        "cancelled": any(a["status"] == "cancelled" for a in items),
        "connected": any(a["status"] == "connected" for a in items),
        "paused": any(c["pauses"] for a in items for c in a["clocks"]),
        "e-licence": any(d["source"] == "e_license" for a in items for d in a["documents"]),
    }
    assert all(shapes.values()), shapes
    for item in items:
        response = client.get(f"{APPS}/{item['id']}", headers=clerk)
        assert response.status_code == 200
        assert response.content == _as_checked(ApplicationPublic, response.content)


def test_the_answers_to_writes_are_the_bytes_the_checked_model_gives(
    client: Any, as_user: Any
) -> None:
    clerk = as_user("clerk_xa")
    created = client.post(APPS, json=hv_body(), headers=clerk)
    assert created.status_code == 201
    app = created.json()
    url = f"{APPS}/{app['id']}"
    documented = client.post(
        f"{url}/documents/e-licence",
        json={"doc_type": "identity_document", "source": "e_license", "reference": "EL-1"},
        headers=clerk,
    )
    assert documented.status_code == 201, documented.text
    suspended = client.post(
        f"{url}/suspend", json={"reason_code": "customer_requested_wait"}, headers=clerk
    )
    assert suspended.status_code == 200, suspended.text
    for response in (created, documented, suspended):
        assert response.content == _as_checked(ApplicationPublic, response.content)
