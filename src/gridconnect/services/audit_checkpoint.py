"""A signed checkpoint of every audit chain's head (`gridconnect audit checkpoint`).

The anchors on the application rows catch a deleted tail, chain or table, but an
administrator who can lift the triggers can also rewrite the anchors to match. A checkpoint
taken daily and kept away from the database (the operator's archive) closes that: it lists
every application's (chain length, head hash) and carries one HMAC-SHA256, keyed with the
service secret, over the whole sorted list. `audit verify --checkpoint FILE` then reports
every chain shorter than its checkpointed length or not passing through its checkpointed
head, and every application that vanished. Forging a checkpoint needs the secret key, which
the database does not hold.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from gridconnect.errors import InvalidInput
from gridconnect.services.audit import Heads
from gridconnect.store.tables import ApplicationRow

FORMAT = "gridconnect-audit-checkpoint/1"


class CheckpointRefused(InvalidInput):
    code = "checkpoint_refused"


@dataclass(frozen=True)
class Checkpoint:
    created_at: datetime
    heads: Heads


def current_heads(engine: Engine) -> Heads:
    """Every application's anchor, read in one statement (one consistent snapshot)."""
    with Session(engine) as session:
        rows = session.exec(
            select(
                ApplicationRow.id, ApplicationRow.audit_length, ApplicationRow.audit_head
            ).order_by(col(ApplicationRow.id))
        ).all()
    return {app_id: (length, head) for app_id, length, head in rows if app_id is not None}


def _signed_part(created_at: str, heads: list[list[Any]]) -> bytes:
    body = {"format": FORMAT, "created_at": created_at, "heads": heads}
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def _signature(secret: str, created_at: str, heads: list[list[Any]]) -> str:
    return hmac.new(secret.encode(), _signed_part(created_at, heads), hashlib.sha256).hexdigest()


def write_checkpoint(path: Path, heads: Heads, created_at: datetime, secret: str) -> None:
    rows = [[app_id, length, head] for app_id, (length, head) in sorted(heads.items())]
    stamp = created_at.isoformat()
    document = {
        "format": FORMAT,
        "created_at": stamp,
        "applications": len(rows),
        "heads": rows,
        "signature": _signature(secret, stamp, rows),
    }
    path.write_text(json.dumps(document, separators=(",", ":")) + "\n", encoding="utf-8")


def read_checkpoint(path: Path, secret: str) -> Checkpoint:
    """Load and check the signature; CheckpointRefused if unreadable, altered or foreign."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        stamp, rows, signature = document["created_at"], document["heads"], document["signature"]
        if document.get("format") != FORMAT:
            raise ValueError(f"format is not {FORMAT}")
        heads = {int(a): (int(n), str(h)) for a, n, h in rows}
        created_at = datetime.fromisoformat(stamp)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CheckpointRefused(
            f"checkpoint {path} cannot be read: {exc}", {"field": "checkpoint"}
        ) from None
    if not hmac.compare_digest(str(signature), _signature(secret, stamp, rows)):
        raise CheckpointRefused(
            f"checkpoint {path} is not signed with this service's secret key "
            "(altered, or from another installation)",
            {"field": "checkpoint"},
        )
    return Checkpoint(created_at, heads)
