"""The application form: read the posted fields, check them as the API does, say it in Chinese.

The rules are the API's own (`gridconnect.workflow.intake.check`); this module only turns
each refused field into a sentence a customer understands, shown next to that field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gridconnect.workflow.errors import InvalidApplication
from gridconnect.workflow.intake import HV_VOLTAGES, NewApplication, check
from gridconnect.workflow.model import Customer

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

#: One Chinese sentence per field the intake check can refuse (same rule, customer's words).
MESSAGES: Mapping[str, str] = {
    "kind": "请选择申请类别（居民或低压非居民）",
    "company": "请选择供电企业",
    "city": "请选择用电地址所在的地市",
    "area_class": "请选择地区类别（市中心、市区、城镇或农村）",
    "channel": "申请渠道无效",
    "address": "请填写用电地址",
    "customer.name": "请填写用电人姓名或单位名称",
    "customer.phone": "请填写11位手机号码，或带区号的固定电话（如 029-12345678）",
    "customer.id_number": "请填写18位身份证号码或统一社会信用代码（15位旧身份证号亦可）",
    "capacity": "报装容量须为大于0的数字",
    "voltage_kv": "高压用户请选择10千伏及以上的供电电压（"
    + "、".join(f"{v:g}" for v in HV_VOLTAGES)
    + "千伏）",
    "supply": "高压用户请选择单电源或双电源",
}
LV_VOLTAGE_MESSAGE = "低压用户的供电电压低于10千伏；10千伏及以上请按高压用户申请"


def _number(text: str) -> float | None:
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if value == value and value not in (float("inf"), float("-inf")) else None


def read_application(
    form: Mapping[str, Any], channel: str, kinds: tuple[str, ...]
) -> tuple[NewApplication | None, dict[str, str], dict[str, str]]:
    """(the application or None, field -> Chinese message, the values as typed)."""
    values = {name: str(form.get(name, "") or "").strip() for name in FIELDS}
    errors: dict[str, str] = {}
    if values["kind"] not in kinds:
        errors["kind"] = MESSAGES["kind"]
    capacity = _number(values["capacity"])
    if capacity is None:
        errors["capacity"] = MESSAGES["capacity"]
    hv = values["kind"] == "hv"
    voltage = _number(values["voltage_kv"]) if hv and values["voltage_kv"] else None
    new = NewApplication(
        kind=values["kind"] or "-",
        company=values["company"],
        city=values["city"],
        area_class=values["area_class"],
        address=values["address"],
        customer=Customer(
            values["customer.name"], values["customer.phone"], values["customer.id_number"]
        ),
        capacity=capacity if capacity is not None else 0.0,
        channel=channel,
        voltage_kv=voltage,
        supply=(values["supply"] or None) if hv else None,
    )
    try:
        check(new)
    except InvalidApplication as exc:
        for problem in exc.details or []:
            field = problem["field"]
            if field == "voltage_kv" and not hv:
                errors.setdefault(field, LV_VOLTAGE_MESSAGE)
            else:
                errors.setdefault(field, MESSAGES.get(field, problem["message"]))
    if errors:
        return None, errors, values
    return new, {}, values
