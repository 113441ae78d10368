"""Chinese words for codes the policy does not name (kinds of day, clocks, states, actions)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from gridconnect.config.policy_model import STAGE_PREFIX, Policy
from gridconnect.config.standards import CLOCK_NAMES
from gridconnect.config.vocabulary import AreaClass, Channel, Company, DocumentSource, Supply
from gridconnect.services.flow_diagram import flow_svg
from gridconnect.services.supply_plans.upgrade_scan import GRID_UPGRADE
from gridconnect.workflow.machine import CANCELLED, CONNECTED, Action

# The domain's own words come with their names from the vocabulary (one source each).
COMPANY_NAMES: Mapping[str, str] = Company.names()
AREA_NAMES = AreaClass.names()
CHANNEL_NAMES = Channel.names()
SUPPLY_NAMES = Supply.names()
STATUS_NAMES = MappingProxyType(
    {"open": "办理中", "connected": "已送电", "cancelled": "已撤销", "suspended": "已暂停"}
)
SOURCE_NAMES = DocumentSource.names()
DAY_KIND_NAMES = MappingProxyType(
    {
        "workday": "工作日",
        "weekend": "休息日",
        "holiday": "法定节假日",
        "adjusted_workday": "调休上班日",
    }
)
YEAR_SOURCE_NAMES = MappingProxyType({"notice": "国务院通知", "estimate": "按法定规则估算"})
CLOCK_STATE_NAMES = MappingProxyType(
    {
        "running": "计时中",
        "paused": "已暂停计时",
        "met": "按期完成",
        "breached": "已超期",
        "cancelled": "已取消",
    }
)
URGENCY_NAMES = MappingProxyType(
    {"on_time": "正常", "warning": "预警", "breached": "超期", "none": "无时限"}
)
ACTION_NAMES: Mapping[Action, str] = MappingProxyType(
    {
        Action.ADVANCE: "办结本环节，进入下一环节",
        Action.SUSPEND: "暂停（客户原因）",
        Action.RESUME: "恢复办理",
        Action.CANCEL: "撤销申请（客户要求）",
        Action.START_GOV_APPROVAL: "登记报送政府审批",
        Action.COMPLETE_GOV_APPROVAL: "登记政府审批完成",
    }
)
EVENT_NAMES = MappingProxyType(
    {
        "received": "受理申请",
        "document_recorded": "登记资料",
        "advanced": "进入下一环节",
        "connected": "装表接电，已送电",
        "suspended": "暂停",
        "resumed": "恢复",
        "cancelled": "撤销",
        "gov_approval_started": "报送政府审批",
        "gov_approval_completed": "政府审批完成",
        "deadline_recomputed": "时限重算",
        "document_not_applicable": "资料不适用",
        "missing_documents_notified": "一次性告知缺件",
        "site_survey_recorded": "现场勘查",
        # supply plans, cost and capacity
        "supply_plan_answered": "答复供电方案",
        "supply_plan_chosen": "选定供电方案",
        "charge_recorded": "登记收费",
        "grid_upgrade_completed": "电网升级改造完成",
        "order_issued": "下达督办单",
        "order_answered": "答复督办单",
        # selfservice
        "access_code_issued": "重新发放查询码",
    }
)
ROLE_NAMES = MappingProxyType(
    {"clerk": "受理员", "supervisor": "主管", "admin": "管理员", "dispatcher": "调度员"}
)
CAPACITY_UNIT_NAMES = MappingProxyType({"kW": "千瓦", "kVA": "千伏安"})
ALERT_LEVEL_NAMES = MappingProxyType(
    {
        "warning": "预警",
        "breach": "超期",
        "stall": "停滞",
        "at_risk": "超期风险",
        "upgrade_overdue": "升级改造逾期",  # (L27)
        "licence_mismatch": "电子证照不符",  # govlink
        "ticket_warning": "诉求预警",  # selfservice tickets
        "ticket_breach": "诉求超期",  # selfservice tickets
    }
)


def clock_label(policy: Policy, kind: str, clock: str) -> str:
    """A clock's Chinese name for an application kind (a stage clock is named by its stage)."""
    if clock.startswith(STAGE_PREFIX):
        code = clock[len(STAGE_PREFIX) :]
        for spec in policy.kind(kind).stages:
            if spec.code == code:
                return f"{spec.name}环节"
        return code
    if clock == "stall":  # a stall alert is about the application, not one clock
        return "停滞（无人办理）"
    if clock == GRID_UPGRADE:  # (L27): a transitional plan's tracked upgrade
        return "过渡方案电网升级改造"
    if clock == "licence_mismatch":  # govlink: about a document, not a clock
        return "电子证照核验不符"
    return CLOCK_NAMES.get(clock, clock)


def stage_label(policy: Policy, kind: str, stage: str) -> str:
    if stage in ("connected", "cancelled"):
        return STATUS_NAMES[stage]
    for spec in policy.kind(kind).stages:
        if spec.code == stage:
            return spec.name
    return stage


def all_stage_names(policy: Policy) -> dict[str, str]:
    """Every stage code of every kind with its name (the workbench's stage filter)."""
    names: dict[str, str] = {}
    for kind in policy.kinds.values():
        for spec in kind.stages:
            names.setdefault(spec.code, spec.name)
    return names


def flow_diagrams(policy: Policy) -> dict[str, str]:
    """Each kind's flow as SVG, drawn from the machine the engine runs (issue: L33–L35)."""
    diagrams = {}
    for code, kind in policy.kinds.items():
        names = {stage.code: stage.name for stage in kind.stages}
        names.update({CONNECTED: "装表接电完成，送电", CANCELLED: STATUS_NAMES["cancelled"]})
        stages = tuple(stage.code for stage in kind.stages)
        actions = {str(action): name for action, name in ACTION_NAMES.items()}
        diagrams[code] = flow_svg(stages, names, actions, f"{kind.name}办理流程")
    return diagrams
