"""The words of the domain that are code, not policy: each list written once, with its names.

Every other place (the policy checks, the API's types, the forms' option lists, the page
labels, the intake model) derives from these enums; `tests/unit/config/test_vocabulary.py`
fails when a copy drifts. What an administrator may change (stages, documents, limits,
thresholds, the on-site-reply scope) lives in the policy file instead.

Each member carries its Chinese name as `.label`, so a code and its name cannot part.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Annotated, Self

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError


class Labelled(StrEnum):
    """A StrEnum whose members are declared as (code, Chinese name)."""

    label: str

    def __new__(cls, code: str, label: str = "") -> Self:
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label or code
        return member

    @classmethod
    def codes(cls) -> tuple[str, ...]:
        return tuple(member.value for member in cls)

    @classmethod
    def names(cls) -> Mapping[str, str]:
        """code -> Chinese name, in declaration order."""
        return MappingProxyType({member.value: member.label for member in cls})


class Kind(Labelled):
    LV_RESIDENTIAL = "lv_residential", "低压居民用户"
    LV_NONRESIDENTIAL = "lv_nonresidential", "低压非居民用户（小微企业）"
    HV = "hv", "高压用户"


class City(Labelled):
    XIAN = "西安", "西安"
    BAOJI = "宝鸡", "宝鸡"
    XIANYANG = "咸阳", "咸阳"
    TONGCHUAN = "铜川", "铜川"
    WEINAN = "渭南", "渭南"
    YANAN = "延安", "延安"
    YULIN = "榆林", "榆林"
    HANZHONG = "汉中", "汉中"
    ANKANG = "安康", "安康"
    SHANGLUO = "商洛", "商洛"
    YANGLING = "杨凌示范区", "杨凌示范区"


class AreaClass(Labelled):
    CITY_CENTER = "city_center", "市中心"
    URBAN = "urban", "市区"
    TOWN = "town", "城镇"
    RURAL = "rural", "农村"


class Supply(Labelled):
    SINGLE = "single", "单电源"
    DUAL = "dual", "双电源"


class Company(Labelled):
    SGCC = "sgcc", "国网陕西省电力公司"
    LOCAL = "local", "陕西省地方电力（集团）有限公司"


class Channel(Labelled):
    HALL = "hall", "营业厅"
    ONLINE = "online", "网上国网/网站"
    APP = "app", "手机应用"


class DocumentSource(Labelled):
    UPLOAD = "upload", "上传文件"
    E_LICENSE = "e_license", "电子证照（数据共享）"


class SuspensionReasonCode(Labelled):
    """Customer-caused time that does not count against the utility (fixed by the rules)."""

    CUSTOMER_CONSTRUCTION = "customer_construction", "客户自身工程施工"
    CUSTOMER_REQUESTED_WAIT = "customer_requested_wait", "客户要求暂缓"
    CUSTOMER_UNREACHABLE = "customer_unreachable", "客户无法联系"
    FORCE_MAJEURE = "force_majeure", "不可抗力"


class OrderAssignee(Labelled):
    """Whom a supervision order (督办) is addressed to (command centre)."""

    CLERK = "clerk", "经办人员"
    HALL = "hall", "营业厅"


#: Standard HV supply voltages (kV) a customer may apply for (GB/T 156).
HV_VOLTAGES: tuple[float, ...] = (10.0, 20.0, 35.0, 66.0, 110.0, 220.0, 330.0, 750.0)
#: A mobile number, or a landline with its area code.
PHONE_PATTERN = r"^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$"
#: An 18-character resident identity number or unified social credit code, or a 15-digit old ID.
ID_NUMBER_PATTERN = r"^([0-9A-Za-z]{18}|[0-9]{15})$"


# -- text as every input may carry it ---------------------------------------------------
#: C0 controls (tab, line feed and carriage return excepted), DEL and the C1 controls.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def refuse_control_characters(value: str) -> str:
    """A NUL byte makes PostgreSQL fail and other controls hide text: refuse them by name."""
    if CONTROL_CHARACTERS.search(value):
        raise PydanticCustomError("control_character", "must not contain control characters")
    return value


#: Put on every text field: `Annotated[str, NoControl, Field(max_length=...)]`.
NoControl = AfterValidator(refuse_control_characters)
#: Text of any input that names no limit of its own.
Text = Annotated[str, NoControl, Field(max_length=200)]


# -- govlink: the government link's words ------------------------------------------
class Department(Labelled):
    """Departments that decide a parallel approval of connection works (L13)."""

    PLANNING = "planning", "规划"
    HOUSING = "housing", "住建"
    TRANSPORT = "transport", "交通/路政"
    CITY_MANAGEMENT = "city_management", "城管"
    LANDSCAPING = "landscaping", "园林绿化"


class ApprovalMode(Labelled):
    PARALLEL = "parallel", "并联审批"
    NOTICE_COMMITMENT = "notice_commitment", "告知承诺"
    FILING = "filing", "备案"
    NONE = "none", "免于审批"
    MANUAL = "manual", "人工登记"  # no mode configured, or no platform


class DepartmentDecision(Labelled):
    APPROVED = "approved", "同意"
    APPROVED_WITH_CONDITIONS = "approved_with_conditions", "附条件同意"
    REFUSED = "refused", "不予许可"
    MORE_INFORMATION = "more_information", "需补正材料"


class LicenceType(Labelled):
    BUSINESS_LICENCE = "business_licence", "营业执照"
    IDENTITY_CARD = "identity_card", "身份证"
    REAL_ESTATE = "real_estate", "不动产权证"


class LeadSource(Labelled):
    MARKET_REGISTRATION = "market_registration", "新登记企业（市场监管）"
    PROJECT_APPROVAL = "project_approval", "立项审批项目"


# -- outages capability ----------------------------------------------------------------
class OutageKind(Labelled):
    PLANNED = "planned", "计划停电"
    FAULT = "fault", "故障停电"
    LIMITED = "limited", "限电"


class OutageNotice(Labelled):
    """What a notice to the customers of an outage says (L50)."""

    PLANNED = "planned", "停电计划"
    FAULT = "fault", "故障停电"
    PROGRESS = "progress", "抢修进度"
    RESTORED = "restored", "恢复送电"


#: The dispatcher (调度/运维) role: records outages, scoped to a company and cities.
DISPATCHER_ROLE = "dispatcher"
