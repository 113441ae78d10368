"""HMAC-SHA256 signatures of the government link, the same both ways (docs/gov-platform.md).

The signature covers `timestamp + "." + raw body`: the receiver checks the bytes it got, so
re-serialised JSON can never be confused with what was signed, and the timestamp bounds
how long a captured request can be replayed (5 minutes; inside that window the message id
makes a replay a harmless repeat).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass

from gridconnect.errors import GridconnectError

TIMESTAMP_HEADER = "X-Gov-Timestamp"
SIGNATURE_HEADER = "X-Gov-Signature"
MESSAGE_ID_HEADER = "X-Gov-Message-Id"
WINDOW_SECONDS = 300
PREFIX = "sha256="


class SignatureRefused(GridconnectError):
    status = 401
    code = "gov_signature_invalid"


class SignatureMissing(SignatureRefused):
    code = "gov_signature_missing"


class TimestampOutOfWindow(SignatureRefused):
    code = "gov_timestamp_out_of_window"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return PREFIX + mac.hexdigest()


def signed_headers(secret: str, timestamp: int, body: bytes, message_id: str) -> dict[str, str]:
    return {
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(secret, timestamp, body),
        MESSAGE_ID_HEADER: message_id,
    }


@dataclass(frozen=True)
class SignedMessage:
    message_id: str
    timestamp: int


def _header(headers: Mapping[str, str], name: str) -> str:
    value = headers.get(name) or headers.get(name.lower())
    if not value:
        raise SignatureMissing(f"the {name} header is missing", {"header": name})
    return value


def verify(secret: str, headers: Mapping[str, str], body: bytes, now: float) -> SignedMessage:
    """The message's id and time, or SignatureRefused naming what is wrong."""
    stamp_text = _header(headers, TIMESTAMP_HEADER)
    given = _header(headers, SIGNATURE_HEADER)
    message_id = _header(headers, MESSAGE_ID_HEADER)
    if len(message_id) > 64:
        raise SignatureRefused(
            "the message id is longer than 64 characters", {"header": MESSAGE_ID_HEADER}
        )
    try:
        timestamp = int(stamp_text)
    except ValueError:
        raise SignatureRefused(
            "the timestamp is not whole seconds", {"header": TIMESTAMP_HEADER}
        ) from None
    if not hmac.compare_digest(given.encode(), signature(secret, timestamp, body).encode()):
        raise SignatureRefused(
            "the signature does not match the body", {"header": SIGNATURE_HEADER}
        )
    if abs(now - timestamp) > WINDOW_SECONDS:
        raise TimestampOutOfWindow(
            f"the timestamp is more than {WINDOW_SECONDS} seconds off",
            {"header": TIMESTAMP_HEADER, "window_seconds": WINDOW_SECONDS},
        )
    return SignedMessage(message_id, timestamp)
