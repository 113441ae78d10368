"""The HTTP client of the government platform: signed requests, and one way to fail.

Anything but a clear answer (refused connection, timeout, 5xx, a body that is not the
documented JSON) is `PlatformUnavailable`: the caller records the request as pending and
retries it later; the hall never waits on the platform longer than the timeout.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from gridconnect.config.settings import Settings
from gridconnect.services.govlink.signing import signed_headers


class PlatformUnavailable(RuntimeError):
    """The platform gave no usable answer; the request stays pending."""


@dataclass(frozen=True)
class Verification:
    result: str  # verified / mismatch
    licence_number: str | None
    differences: list[dict[str, Any]]


@dataclass
class GovPlatform:
    base_url: str
    secret: str
    timeout_seconds: float = 5.0
    wall_clock: Callable[[], float] = time.time
    transport: httpx.BaseTransport | None = field(default=None, repr=False)

    def _request(self, method: str, path: str, message_id: str, payload: Any = None) -> Any:
        body = b"" if payload is None else json.dumps(payload, ensure_ascii=False).encode()
        headers = signed_headers(self.secret, int(self.wall_clock()), body, message_id)
        headers["Content-Type"] = "application/json"
        try:
            with httpx.Client(
                base_url=self.base_url, timeout=self.timeout_seconds, transport=self.transport
            ) as http:
                response = http.request(method, path, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise PlatformUnavailable(f"{exc.__class__.__name__}: {exc}"[:300]) from None
        if response.status_code >= 500 or response.status_code in (401, 429):
            raise PlatformUnavailable(f"HTTP {response.status_code}: {response.text[:200]}")
        try:
            return response.status_code, response.json()
        except ValueError:
            raise PlatformUnavailable(f"HTTP {response.status_code}: not JSON") from None

    def verify_licence(
        self, message_id: str, licence_type: str, certificate_number: str, holder_name: str
    ) -> Verification:
        status, answer = self._request(
            "POST",
            "/api/v1/licences/verify",
            message_id,
            {
                "message_id": message_id,
                "licence_type": licence_type,
                "certificate_number": certificate_number,
                "holder_name": holder_name,
            },
        )
        result = answer.get("result") if isinstance(answer, dict) else None
        if status != 200 or result not in ("verified", "mismatch"):
            raise PlatformUnavailable(f"HTTP {status}: unexpected answer {str(answer)[:200]}")
        differences = answer.get("differences") or []
        return Verification(str(result), answer.get("licence_number"), list(differences))

    def list_licences(self, certificate_number: str, message_id: str) -> list[dict[str, Any]]:
        status, answer = self._request(
            "GET", f"/api/v1/licences?certificate_number={certificate_number}", message_id
        )
        licences = answer.get("licences") if isinstance(answer, dict) else None
        if status != 200 or not isinstance(licences, list):
            raise PlatformUnavailable(f"HTTP {status}: unexpected answer {str(answer)[:200]}")
        return [item for item in licences if isinstance(item, dict)]

    def submit_approval(self, message_id: str, submission: dict[str, Any]) -> None:
        status, _ = self._request(
            "POST", "/api/v1/approvals", message_id, {"message_id": message_id, **submission}
        )
        if status not in (200, 202):
            raise PlatformUnavailable(f"HTTP {status}: submission not accepted")


def gov_platform(settings: Settings) -> GovPlatform | None:
    """The platform of `settings`, or None: the link is off and staff enter things by hand."""
    if not settings.gov_platform_url:
        return None
    secret = settings.gov_platform_secret
    return GovPlatform(
        base_url=settings.gov_platform_url.rstrip("/"),
        secret=secret.get_secret_value() if secret is not None else "",
        timeout_seconds=settings.gov_platform_timeout_seconds,
    )
