"""A lead as the application form it becomes: what the lead knows, pre-filled."""

from __future__ import annotations

from typing import Any

from gridconnect.store.gov_tables import GovLeadRow

# Low voltage up to 160 kW (三零 scope, L6); above it, high voltage on a 10 kV single supply.
LOW_VOLTAGE_UP_TO_KW = 160.0


def draft_from_lead(lead: GovLeadRow) -> dict[str, Any]:
    capacity = lead.expected_capacity_kw
    high = capacity is not None and capacity > LOW_VOLTAGE_UP_TO_KW
    draft: dict[str, Any] = {
        "kind": "hv" if high else "lv_nonresidential",
        "city": lead.city,
        "area_class": "urban",
        "address": lead.address,
        "customer": {
            "name": lead.name,
            "phone": lead.contact_phone or "",
            "id_number": lead.certificate_number or "",
        },
    }
    if high:
        draft.update(capacity_kva=capacity, voltage_kv=10.0, supply="single")
    else:
        draft["capacity_kw"] = capacity
    return draft
