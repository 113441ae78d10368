"""The monthly workbook a supervisor downloads defines the on-time rate in the very words
of the supervisor's page, and counts the month's supervision orders in a sheet."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
from freezegun import freeze_time
from page_helpers import page_sign_in


def test_the_workbook_note_is_the_definition_the_page_shows(client: Any, as_user: Any) -> None:
    with freeze_time("2026-12-01 02:00:00"):
        xlsx = client.get(
            "/api/v1/reports/monthly?month=2026-11&format=xlsx", headers=as_user("supervisor_xa")
        )
        page_sign_in(client, "supervisor_xa")
        page = client.get("/supervisor").text
    assert xlsx.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert "督办-按城市" in book.sheetnames
    notes = dict(book["说明"].iter_rows(min_row=2, values_only=True))
    assert notes["按时率（按期率）"] in page
    assert book["督办-按城市"]["A2"].value == "合计"  # no order this month: the total alone
