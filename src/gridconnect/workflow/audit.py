"""The audit trail's hash chain: each event stores its predecessor's hash."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

GENESIS = "0" * 64


def event_hash(
    *,
    application_id: int,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    stage_before: str | None,
    stage_after: str | None,
    details: dict[str, Any],
    prev_hash: str,
) -> str:
    """SHA-256 over a canonical JSON of every field of the event."""
    payload = json.dumps(
        {
            "application_id": application_id,
            "seq": seq,
            "at": at.isoformat(timespec="microseconds"),
            "actor": actor,
            "action": action,
            "stage_before": stage_before,
            "stage_after": stage_after,
            "details": details,
            "prev_hash": prev_hash,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()
