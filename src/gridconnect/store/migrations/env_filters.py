"""What autogenerate compares: everything modelled, nothing kept out of the models on purpose."""

from __future__ import annotations

# PostgreSQL only, read with raw SQL by the regulator export (see migration 0002).
UNMODELLED = {("column", "xact_id"), ("index", "ix_event_xact_id")}
# outages capability: outage events in the regulator export (migration 0013)
UNMODELLED |= {("index", "ix_outage_event_xact_id")}


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    return (type_, name) not in UNMODELLED
