"""What a customer reads: why the application is paused, what to do now, whom to call.

Each suspension reason of the rules (`config.vocabulary.SuspensionReasonCode`) has one
plain-Chinese explanation and one instruction here; a test fails when a reason is added
without them. The same text goes on the status page and into the suspension notice.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from gridconnect.config.vocabulary import Company, SuspensionReasonCode
from gridconnect.workflow.model import Application

#: reason code -> (why it is paused, what the customer needs to do)
SUSPENSION_GUIDANCE: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        SuspensionReasonCode.CUSTOMER_CONSTRUCTION: (
            "您的用电工程（如内部线路、配电设施）正在施工，施工期间暂停计时。",
            "施工完成后请联系营业厅或在本页告知，我们将立即恢复办理。",
        ),
        SuspensionReasonCode.CUSTOMER_REQUESTED_WAIT: (
            "按您的要求暂缓办理，暂缓期间暂停计时。",
            "需要继续办理时，请联系营业厅，我们将立即恢复办理。",
        ),
        SuspensionReasonCode.CUSTOMER_UNREACHABLE: (
            "我们多次未能联系到您，办理暂停，暂停期间不计时。",
            "请尽快拨打营业厅电话与我们联系；联系电话有变化的，请一并告知。",
        ),
        SuspensionReasonCode.FORCE_MAJEURE: (
            "因自然灾害等不可抗力暂时无法办理，暂停期间不计时。",
            "无需您操作，条件恢复后我们将立即继续办理并通知您。",
        ),
    }
)
#: The customer service hotline of each supply company (State Grid's is 95598).
HOTLINES: Mapping[str, str] = MappingProxyType({"sgcc": "95598"})


def suspension_text(reason_code: str | None) -> dict[str, str]:
    """The suspension's reason and instruction, in the customer's words ({} if none)."""
    if not reason_code:
        return {}
    why, todo = SUSPENSION_GUIDANCE.get(
        reason_code, ("办理暂停，暂停期间不计时。", "请联系营业厅了解详情。")
    )
    return {"suspension_reason_text": why, "suspension_what_to_do": todo}


def next_step(app: Application, missing: list[dict[str, Any]]) -> str:
    """What the customer must do now, in one sentence ("" when nothing)."""
    if not app.is_open:
        return ""
    if app.suspended:
        return suspension_text(app.suspension_reason).get("suspension_what_to_do", "")
    if missing:
        names = "、".join(d["name"] for d in missing)
        return f"请提交：{names}（可在本页上传，或提供电子证照编号）。"
    return "目前无需您操作，请等待办理，进展将以短信通知您。"


def hall_contact(app: Application) -> dict[str, str]:
    """Whom the customer calls: the city's hall of the company, and its hotline."""
    company = Company.names().get(app.company, app.company)
    return {
        "hall_name": f"{company}{app.city}供电营业厅",
        "hotline": HOTLINES.get(app.company, ""),
    }
