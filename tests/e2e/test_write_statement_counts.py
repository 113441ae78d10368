"""How many SQL statements registering an application costs, pinned: a change that goes
back to flushing the rows one by one through the ORM, reads the chain's tail before
appending to it, or updates the row just inserted fails here before it shows in a
benchmark. What the registration writes is the other tests' job."""

from __future__ import annotations

from typing import Any

from api_helpers import hv_body, lv_body
from freezegun import freeze_time
from sqlalchemy import Engine
from test_statement_counts import counting

APPS = "/api/v1/applications"
# SQLite: the token's user; the number and the row's id; the row (already anchored to its
# chain); its first stage visit; its clocks, all in one statement; its audit event; the
# approval mode of its connection works. PostgreSQL: the token's user; the ids of the row
# and its children from their sequences; then the number, the row and all the rows that
# come with it in one statement.
CREATE_STATEMENTS = {"sqlite": 7, "postgresql": 3}


@freeze_time("2026-09-28 02:00:00")
def test_registering_an_application_costs_a_fixed_number_of_statements(
    client: Any, as_user: Any, engine: Engine
) -> None:
    clerk = as_user("clerk_xa")
    client.post(APPS, json=lv_body(), headers=clerk)  # the year's number counter exists
    for body in (lv_body(), hv_body()):
        with counting(engine) as statements:
            response = client.post(APPS, json=body, headers=clerk)
        assert response.status_code == 201
        assert len(response.json()["clocks"]) >= 1
        assert len(statements) == CREATE_STATEMENTS[engine.dialect.name], statements


# the token's user; the application with its stage visits; its documents; its clocks with
# their pauses; the versioned UPDATE (which hands back the chain's anchor); the document;
# the event; the anchor. The rows read are changed in place, not read again.
DOCUMENT_STATEMENTS = 8


@freeze_time("2026-09-28 02:00:00")
def test_recording_a_document_costs_a_fixed_number_of_statements(
    client: Any, as_user: Any, engine: Engine
) -> None:
    clerk = as_user("clerk_xa")
    app = client.post(APPS, json=hv_body(), headers=clerk).json()
    url = f"{APPS}/{app['id']}/documents"
    for reference in ("EL-1", "EL-2"):
        body = {"doc_type": app["missing_documents"][0]["doc_type"], "source": "e_license"}
        with counting(engine) as statements:
            response = client.post(url, json={**body, "reference": reference}, headers=clerk)
        assert response.status_code == 201, response.text
        assert len(statements) == DOCUMENT_STATEMENTS, statements
