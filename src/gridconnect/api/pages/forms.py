"""The application form: read the posted fields, check them with the API's own model, say it
in Chinese.

The rules are the intake model's (`gridconnect.workflow.intake.ApplicationIntake`, the same
the API validates with, lengths and all); this module only maps the form's fields onto it
and turns each refused field into a sentence a customer understands, shown next to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from gridconnect.config.vocabulary import Company
from gridconnect.workflow.errors import InvalidApplication
from gridconnect.workflow.intake import (
    HV_VOLTAGES,
    ApplicationIntake,
    NewApplication,
    related_problems,
)

FIELDS = (
    "kind",
    "company",
    "city",
    "area_class",
    "address",
    "customer.name",
    "customer.phone",
    "customer.id_number",
    "capacity",
    "voltage_kv",
    "supply",
)
#: What a browser may send in one field; longer is refused unread (the model's limits are
#: lower still, this only keeps a megabyte out of the page that echoes the values back).
MAX_FIELD = 1000

#: One Chinese sentence per field the intake model can refuse (same rule, customer's words).
MESSAGES: Mapping[str, str] = {
    "kind": "请选择申请类别（居民、低压非居民或高压）",
    "company": "请选择供电企业",
    "city": "请选择用电地址所在的地市",
    "area_class": "请选择地区类别（市中心、市区、城镇或农村）",
    "channel": "申请渠道无效",
    "address": "请填写用电地址（200字以内）",
    "customer.name": "请填写用电人姓名或单位名称（100字以内）",
    "customer.phone": "请填写11位手机号码，或带区号的固定电话（如 029-12345678）",
    "customer.id_number": "请填写18位身份证号码或统一社会信用代码（15位旧身份证号亦可）",
    "capacity": "报装容量须为大于0的数字（低压不超过100万千瓦）",
    "voltage_kv": "高压用户请选择10千伏及以上的供电电压（"
    + "、".join(f"{v:g}" for v in HV_VOLTAGES)
    + "千伏）",
    "supply": "高压用户请选择单电源或双电源",
}
LV_VOLTAGE_MESSAGE = "低压用户的供电电压低于10千伏；10千伏及以上请按高压用户申请"
CONTROL_MESSAGE = "不能包含控制字符"


def _number(text: str) -> float | str:
    """A number typed in the form; text that is not one is left for the model to refuse."""
    try:
        return float(text)
    except ValueError:
        return text


def _form_field(location: tuple[int | str, ...]) -> str:
    name = ".".join(str(part) for part in location)
    return "capacity" if name in ("capacity_kw", "capacity_kva") else name


def _related_message(field: str, hv: bool) -> str:
    return LV_VOLTAGE_MESSAGE if field == "voltage_kv" and not hv else MESSAGES[field]


def read_application(
    form: Mapping[str, Any], channel: str, kinds: tuple[str, ...]
) -> tuple[NewApplication | None, dict[str, str], dict[str, str]]:
    """(the application or None, field -> Chinese message, the values as typed)."""
    values = {name: str(form.get(name, "") or "").strip()[:MAX_FIELD] for name in FIELDS}
    errors: dict[str, str] = {}
    if values["kind"] not in kinds:
        errors["kind"] = MESSAGES["kind"]
    hv = values["kind"] == "hv"
    data: dict[str, Any] = {
        "kind": values["kind"],
        "customer": {
            "name": values["customer.name"],
            "phone": values["customer.phone"],
            "id_number": values["customer.id_number"],
        },
        "address": values["address"],
        "city": values["city"],
        "area_class": values["area_class"],
        "capacity_kva" if hv else "capacity_kw": _number(values["capacity"]),
        "voltage_kv": _number(values["voltage_kv"]) if hv and values["voltage_kv"] else None,
        "supply": (values["supply"] or None) if hv else None,
        "channel": channel,
    }
    new: NewApplication | None = None
    try:
        new = ApplicationIntake.model_validate(data).command(values["company"])
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            field = _form_field(error["loc"])
            message = CONTROL_MESSAGE if error["type"] == "control_character" else None
            errors.setdefault(field, message or MESSAGES.get(field, str(error["msg"])))
        refused = set(errors) | {"capacity_kw", "capacity_kva"}
        for problem in related_problems(data, refused):
            errors.setdefault(problem["field"], _related_message(problem["field"], hv))
        if values["company"] not in Company.codes():
            errors["company"] = MESSAGES["company"]
    except InvalidApplication as exc:
        for problem in exc.details or []:
            field = _form_field((problem["field"],))
            errors.setdefault(field, _related_message(field, hv))
    if errors:
        return None, errors, values
    return new, {}, values
