"""CSV and XLSX renderings of a report: Chinese headers, one table (sheet) per breakdown.

The figures are the JSON report's, flattened; nothing is recomputed here.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

Row = dict[str, Any]
Column = tuple[str, Callable[[Row], Any]]

NAMES = {
    "sgcc": "国网陕西省电力公司",
    "local": "陕西省地方电力公司",
    "lv_residential": "低压居民",
    "lv_nonresidential": "低压非居民",
    "hv": "高压",
    "acceptance": "业务受理",
    "supply_plan": "供电方案答复",
    "design_review": "设计审查",
    "mid_inspection": "中间检查",
    "completion_inspection": "竣工检验",
    "meter_install": "装表接电",
    "full_process": "全过程",
    "gov_approval": "电力接入工程审批",
    "customer_construction": "客户自身工程施工",
    "customer_requested_wait": "客户要求暂缓",
    "customer_unreachable": "客户无法联系",
    "force_majeure": "不可抗力",
    "total": "合计",
}
BREAKDOWN_SHEETS = {"total": "合计", "company": "按公司", "city": "按城市", "kind": "按类型"}
DIMENSIONS = {"company": "公司", "city": "城市", "kind": "类型"}


def name(value: Any) -> Any:
    if isinstance(value, str) and value.startswith("stage:"):
        return "环节:" + NAMES.get(value[6:], value[6:])
    return NAMES.get(value, value) if isinstance(value, str) else value


def _get(*path: str) -> Callable[[Row], Any]:
    def read(row: Row) -> Any:
        value: Any = row
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        return value

    return read


SUMMARY: list[Column] = [
    ("受理数", _get("received")),
    ("送电数", _get("connected")),
    ("撤销数", _get("cancelled")),
    ("期末在途数", _get("open_at_end")),
    ("三零服务户数", _get("three_zero")),
    ("三零占比", _get("three_zero_share")),
    ("全过程完成数", _get("full_process", "count")),
    ("全过程平均(工作日)", _get("full_process", "working_days", "mean")),
    ("全过程中位数(工作日)", _get("full_process", "working_days", "median")),
    ("全过程90分位(工作日)", _get("full_process", "working_days", "p90")),
    ("全过程平均(自然日)", _get("full_process", "calendar_days", "mean")),
    ("全过程中位数(自然日)", _get("full_process", "calendar_days", "median")),
    ("全过程90分位(自然日)", _get("full_process", "calendar_days", "p90")),
    ("时限考核完成数", _get("clocks_finished")),
    ("按时率", _get("on_time_rate")),
    ("预警数", _get("warnings")),
    ("超期数", _get("breaches")),
    ("中止次数", _get("suspensions")),
    ("中止工作日", _get("suspended_working_days")),
    ("政府审批完成数", _get("gov_approval", "count")),
    ("政府审批按时率", _get("gov_approval", "on_time_rate")),
    ("政府审批平均(工作日)", _get("gov_approval", "mean_working_days")),
    ("政府审批平均(自然日)", _get("gov_approval", "mean_calendar_days")),
]
STAGES: list[Column] = [
    ("环节", lambda r: name(r["stage"])),
    ("完成数", _get("completed")),
    ("平均(工作日)", _get("mean_working_days")),
    ("平均(自然日)", _get("mean_calendar_days")),
]
CLOCKS: list[Column] = [
    ("时限", lambda r: name(r["clock"])),
    ("完成数", _get("finished")),
    ("按时数", _get("on_time")),
    ("超期数", _get("late")),
    ("按时率", _get("on_time_rate")),
    ("平均(工作日)", _get("mean_working_days")),
    ("平均(自然日)", _get("mean_calendar_days")),
]
SUSPENSIONS: list[Column] = [
    ("中止原因", lambda r: name(r["reason"])),
    ("次数", _get("count")),
    ("中止工作日", _get("working_days")),
]
TREND: list[Column] = [
    ("指标", _get("figure")),
    ("本季度", _get("value")),
    ("上季度", _get("previous_quarter")),
    ("环比变化", _get("vs_previous", "change")),
    ("去年同期", _get("same_quarter_last_year")),
    ("同比变化", _get("vs_last_year", "change")),
]
LONGEST: list[Column] = [
    ("申请编号", _get("number")),
    ("公司", lambda r: name(r["company"])),
    ("城市", _get("city")),
    ("类型", lambda r: name(r["kind"])),
    ("期末环节", lambda r: name(r["stage"])),
    ("受理时间", _get("received_at")),
    ("已用工作日", _get("working_days")),
    ("已用自然日", _get("calendar_days")),
]
BREACHES: list[Column] = [
    *LONGEST[:4],
    ("时限", lambda r: name(r["clock"])),
    ("环节", lambda r: name(r["stage"])),
    ("期限", _get("due_at")),
    ("超期发现时间", _get("raised_at")),
    ("超期自然日", _get("days_late")),
    ("中止工作日", _get("paused_working_days")),
    ("中止原因", lambda r: "、".join(name(x) for x in r["suspension_reasons"])),
]
DUE: list[Column] = [
    ("报送截止日", _get("due_on")),
    ("规则", lambda r: "次季度前10日内（自然日）"),
    ("是否逾期", lambda r: "是" if r["late"] else "否"),
    ("逾期天数", _get("days_late")),
]
TABLES = {"stages": ("环节时长", STAGES), "clocks": ("时限达标", CLOCKS)}
TABLES["suspensions"] = ("中止原因", SUSPENSIONS)


def _with_dimension(columns: list[Column], breakdown: str) -> list[Column]:
    if breakdown == "total":
        return [("范围", lambda r: "合计"), *columns]

    def value(row: Row) -> Any:
        return name(row[breakdown])

    return [(DIMENSIONS[breakdown], value), *columns]


def sheets(report: dict[str, Any]) -> list[tuple[str, list[str], list[list[Any]]]]:
    """Every table of the report as (sheet title, headers, rows)."""
    out = []

    def add(title: str, columns: list[Column], rows: list[Row]) -> None:
        out.append((title, [h for h, _ in columns], [[f(r) for _, f in columns] for r in rows]))

    for breakdown, title in BREAKDOWN_SHEETS.items():
        add(title, _with_dimension(SUMMARY, breakdown), report["summary"][breakdown])
    for key, (title, columns) in TABLES.items():
        for breakdown, suffix in BREAKDOWN_SHEETS.items():
            add(f"{title}-{suffix}", _with_dimension(columns, breakdown), report[key][breakdown])
    if "trend" in report:
        add("趋势", TREND, report["trend"])
        add("最长在途", LONGEST, report["longest_open"])
        add("超期原因", BREACHES, report["breaches"])
        add("报送期限", DUE, [report["due"]])
    return out


def to_xlsx(report: dict[str, Any]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])
    for title, headers, rows in sheets(report):
        sheet = workbook.create_sheet(title)
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
        for index, header in enumerate(headers, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(10, 2 * len(header) + 2)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_csv(report: dict[str, Any]) -> str:
    """The summary breakdowns stacked in one table (first column: the breakdown), with a BOM
    so that spreadsheet programs read the Chinese headers as UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["分组", "分组值", *[h for h, _ in SUMMARY]])
    for breakdown, title in BREAKDOWN_SHEETS.items():
        for row in report["summary"][breakdown]:
            value = "合计" if breakdown == "total" else name(row[breakdown])
            writer.writerow([title, value, *[f(row) for _, f in SUMMARY]])
    return "\ufeff" + buffer.getvalue()


def filename(report: dict[str, Any], extension: str) -> str:
    kind = "monthly" if report["period"]["kind"] == "month" else "quarterly"
    return f"gridconnect-{kind}-{report['period']['label']}.{extension}"
