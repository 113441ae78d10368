"""Chinese words for codes the policy does not name (kinds of day, clocks, states, actions)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from gridconnect.config.policy_model import STAGE_PREFIX, Policy
from gridconnect.config.standards import CLOCK_NAMES
from gridconnect.config.vocabulary import AreaClass, Channel, Company, DocumentSource, Supply
from gridconnect.services.flow_diagram import flow_svg
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
    }
)
ROLE_NAMES = MappingProxyType(
    {"clerk": "受理员", "supervisor": "主管", "admin": "管理员", "dispatcher": "调度员"}
)
ALERT_LEVEL_NAMES = MappingProxyType({"warning": "预警", "breach": "超期", "stall": "停滞"})


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
