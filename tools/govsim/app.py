"""The simulated platform: the documented protocol, plus /sim/* controls for tests and demos.

Protocol endpoints (signed requests from gridconnect, checked like the real platform does):
`POST /api/v1/licences/verify`, `GET /api/v1/licences`, `POST /api/v1/approvals`.
Controls (unsigned, for the tests): `POST /sim/faults` (down, slow, fail the next n
requests), `POST /sim/licences` (register an e-licence), `GET /sim/approvals` (what was
submitted), `POST /sim/send` (send a signed callback to gridconnect, repeated, with a bad
signature or an old timestamp, retried until a 2xx/4xx like the real platform).
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from gridconnect.services.govlink.signing import SignatureRefused, signed_headers, verify

DEMO_LICENCES = [
    {
        "licence_type": "business_licence",
        "licence_number": "BL-610100-000123",
        "certificate_number": "91610000MA6TG1234X",
        "holder_name": "西安秦川机械有限公司",
    },
    {
        "licence_type": "real_estate",
        "licence_number": "RE-610100-2024-0042",
        "certificate_number": "91610000MA6TG1234X",
        "holder_name": "西安秦川机械有限公司",
    },
    {
        "licence_type": "identity_card",
        "licence_number": "ID-610102199001011234",
        "certificate_number": "610102199001011234",
        "holder_name": "王小明",
    },
]


@dataclass
class SimState:
    secret: str
    callback_url: str | None = None
    down: bool = False
    delay_seconds: float = 0.0
    fail_next: int = 0
    licences: list[dict[str, Any]] = field(default_factory=lambda: [dict(x) for x in DEMO_LICENCES])
    approvals: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests_seen: int = 0


class Faults(BaseModel):
    down: bool | None = None
    delay_seconds: float | None = None
    fail_next: int | None = None
    callback_url: str | None = None


class Send(BaseModel):
    path: str  # approval-acknowledged / department-decisions / leads
    body: dict[str, Any]
    message_id: str | None = None
    times: int = 1
    signature: str = "good"  # good / bad / none
    age_seconds: int = 0
    retry_attempts: int = 1
    retry_delay_seconds: float = 0.2


router = APIRouter()


def _state(request: Request) -> SimState:
    state: SimState = request.app.state.sim
    return state


async def _gate(request: Request) -> JSONResponse | dict[str, Any]:
    """Faults first (slow, down, failing), then the signature, like the real platform."""
    state = _state(request)
    state.requests_seen += 1
    if state.delay_seconds:
        await asyncio.sleep(state.delay_seconds)
    if state.down:
        return JSONResponse({"error": "platform down"}, status_code=503)
    if state.fail_next > 0:
        state.fail_next -= 1
        return JSONResponse({"error": "temporary failure"}, status_code=500)
    body = await request.body()
    try:
        verify(state.secret, dict(request.headers), body, time.time())
    except SignatureRefused as exc:
        return JSONResponse({"error": exc.code}, status_code=401)
    parsed: dict[str, Any] = json.loads(body) if body else {}
    return parsed


def _verdict(state: SimState, asked: dict[str, Any]) -> dict[str, Any]:
    number, holder = asked.get("certificate_number"), asked.get("holder_name")
    for licence in state.licences:
        if licence["certificate_number"] != number:
            continue
        if licence["licence_type"] != asked.get("licence_type"):
            continue
        differences = []
        if licence["holder_name"] != holder:
            differences.append(
                {"field": "holder_name", "given": holder, "registered": licence["holder_name"]}
            )
        return {
            "result": "mismatch" if differences else "verified",
            "licence_number": licence["licence_number"],
            "differences": differences,
        }
    difference = {"field": "certificate_number", "given": number, "registered": None}
    return {"result": "mismatch", "licence_number": None, "differences": [difference]}


@router.post("/api/v1/licences/verify")
async def verify_licence(request: Request) -> Any:
    gate = await _gate(request)
    return gate if isinstance(gate, JSONResponse) else _verdict(_state(request), gate)


@router.get("/api/v1/licences")
async def list_licences(request: Request, certificate_number: str) -> Any:
    gate = await _gate(request)
    if isinstance(gate, JSONResponse):
        return gate
    held = [x for x in _state(request).licences if x["certificate_number"] == certificate_number]
    return {"licences": held}


@router.post("/api/v1/approvals", status_code=202)
async def submit_approval(request: Request) -> Any:
    gate = await _gate(request)
    if isinstance(gate, JSONResponse):
        return gate
    # A repeated message id is the same submission (idempotent).
    _state(request).approvals.setdefault(str(gate.get("message_id")), gate)
    return {"accepted": True}


@router.post("/sim/faults")
async def set_faults(request: Request, faults: Faults) -> dict[str, Any]:
    state = _state(request)
    for name, value in faults.model_dump(exclude_none=True).items():
        setattr(state, name, value)
    return {"down": state.down, "delay": state.delay_seconds, "fail_next": state.fail_next}


@router.post("/sim/reset")
async def reset(request: Request) -> dict[str, bool]:
    """Back to a healthy platform with the demo licences and nothing submitted."""
    state = _state(request)
    request.app.state.sim = SimState(secret=state.secret, callback_url=state.callback_url)
    return {"reset": True}


@router.post("/sim/licences")
async def add_licence(request: Request, licence: dict[str, Any]) -> dict[str, int]:
    state = _state(request)
    state.licences.append(licence)
    return {"licences": len(state.licences)}


@router.get("/sim/approvals")
async def approvals(request: Request) -> list[dict[str, Any]]:
    return list(_state(request).approvals.values())


@router.get("/sim/requests")
async def requests_seen(request: Request) -> dict[str, int]:
    return {"requests": _state(request).requests_seen}


@router.post("/sim/send")
async def send(request: Request, order: Send) -> list[dict[str, Any]]:
    """Deliver one callback `times` times (same message id), retrying on 5xx or no answer."""
    state = _state(request)
    if not state.callback_url:
        return [{"status": None, "body": "no callback_url set"}]
    message_id = order.message_id or f"sim-{uuid.uuid4().hex[:16]}"
    body = json.dumps(order.body, ensure_ascii=False).encode()
    answers = []
    async with httpx.AsyncClient(timeout=10) as http:
        for _ in range(order.times):
            answers.append(await _deliver(http, state, order, message_id, body))
    return answers


def create_sim(secret: str, callback_url: str | None = None) -> FastAPI:
    sim = FastAPI(title="govsim")
    sim.state.sim = SimState(secret=secret, callback_url=callback_url)
    sim.include_router(router)
    return sim


async def _deliver(
    http: httpx.AsyncClient, state: SimState, order: Send, message_id: str, body: bytes
) -> dict[str, Any]:
    url = f"{state.callback_url}/api/v1/gov/callbacks/{order.path}"
    answer: dict[str, Any] = {"status": None, "body": None, "attempts": 0}
    for attempt in range(1, order.retry_attempts + 1):
        stamp = int(time.time()) - order.age_seconds
        headers = signed_headers(state.secret, stamp, body, message_id)
        if order.signature == "bad":
            headers["X-Gov-Signature"] = "sha256=" + "0" * 64
        elif order.signature == "none":
            del headers["X-Gov-Signature"]
        headers["Content-Type"] = "application/json"
        answer["attempts"] = attempt
        try:
            response = await http.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            answer.update(status=None, body=f"{exc.__class__.__name__}")
        else:
            try:
                answered: Any = response.json()
            except ValueError:
                answered = response.text[:200]
            answer.update(status=response.status_code, body=answered)
            if response.status_code < 500:
                break
        await asyncio.sleep(order.retry_delay_seconds)
    return answer
