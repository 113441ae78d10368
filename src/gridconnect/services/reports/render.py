"""CSV and XLSX renderings of a report: Chinese headers, one table (sheet) per breakdown.

The figures are the JSON report's, flattened; nothing is recomputed here. The workbook is
read by people in LibreOffice and Excel, so it is typed for them: rates stay fractions
formatted as percentages, instants become Beijing-time date cells, columns are as wide as
their contents (CJK characters count double) and the header row is bold and frozen.
`tests/integration/test_reports_libreoffice.py` opens the workbooks in LibreOffice and
compares every figure with the JSON.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Font
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
    # The clock (时限达标 sheets), not the connected applications of the summary's 全过程.
    "full_process": "全过程办电时限",
    "gov_approval": "电力接入工程审批",
    "customer_construction": "客户自身工程施工",
    "customer_requested_wait": "客户要求暂缓",
    "customer_unreachable": "客户无法联系",
    "force_majeure": "不可抗力",
    "total": "合计",
}
BREAKDOWN_SHEETS = {"total": "合计", "company": "按公司", "city": "按城市", "kind": "按类型"}
DIMENSIONS = {"company": "公司", "city": "城市", "kind": "类型"}


BEIJING = ZoneInfo("Asia/Shanghai")
PERCENT_FORMAT = "0.00%"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"


class Percent(float):
    """A rate (a fraction): written as a number with a percentage format."""


def _percent(read: Callable[[Row], Any]) -> Callable[[Row], Any]:
    def wrapped(row: Row) -> Any:
        value = read(row)
        return Percent(value) if isinstance(value, int | float) else value

    return wrapped


def _beijing(read: Callable[[Row], Any]) -> Callable[[Row], Any]:
    """An ISO instant in UTC as the Beijing wall-clock time (spreadsheets have no zones)."""

    def wrapped(row: Row) -> Any:
        value = read(row)
        if not value:
            return None
        return datetime.fromisoformat(value).astimezone(BEIJING).replace(tzinfo=None)

    return wrapped


def _date(read: Callable[[Row], Any]) -> Callable[[Row], Any]:
    def wrapped(row: Row) -> Any:
        value = read(row)
        return date.fromisoformat(value) if value else None

    return wrapped


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


# The summary's full-process figures count the applications connected in the period
# (送电户); the 时限达标 sheets count full-process clocks, a different population.
FIGURES: dict[str, str] = {
    "received": "受理数",
    "connected": "送电数",
    "cancelled": "撤销数",
    "open_at_end": "期末在途数",
    "three_zero": "三零服务户数",
    "three_zero_share": "三零占比",
    "full_process_count": "送电户数(全过程)",
    "full_process_mean_working_days": "送电户全过程平均(工作日)",
    "full_process_median_working_days": "送电户全过程中位数(工作日)",
    "full_process_p90_working_days": "送电户全过程90分位(工作日)",
    "full_process_mean_calendar_days": "送电户全过程平均(自然日)",
    "full_process_median_calendar_days": "送电户全过程中位数(自然日)",
    "full_process_p90_calendar_days": "送电户全过程90分位(自然日)",
    "clocks_finished": "时限考核完成数",
    "on_time_rate": "按时率",
    "warnings": "预警数",
    "breaches": "超期数",
    "suspensions": "中止次数",
    "suspended_working_days": "中止工作日",
    "gov_approval_count": "政府审批完成数",
    "gov_approval_on_time_rate": "政府审批按时率",
    "gov_approval_mean_working_days": "政府审批平均(工作日)",
    "gov_approval_mean_calendar_days": "政府审批平均(自然日)",
}
RATE_FIGURES = {"three_zero_share", "on_time_rate", "gov_approval_on_time_rate"}
SUMMARY_PATHS: dict[str, tuple[str, ...]] = {
    "full_process_count": ("full_process", "count"),
    "gov_approval_count": ("gov_approval", "count"),
    "gov_approval_on_time_rate": ("gov_approval", "on_time_rate"),
    "gov_approval_mean_working_days": ("gov_approval", "mean_working_days"),
    "gov_approval_mean_calendar_days": ("gov_approval", "mean_calendar_days"),
}
for _stat in ("mean", "median", "p90"):
    for _days in ("working_days", "calendar_days"):
        SUMMARY_PATHS[f"full_process_{_stat}_{_days}"] = ("full_process", _days, _stat)


def _figure(key: str) -> Column:
    read = _get(*SUMMARY_PATHS.get(key, (key,)))
    return FIGURES[key], _percent(read) if key in RATE_FIGURES else read


SUMMARY: list[Column] = [_figure(key) for key in FIGURES]
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
    ("按时率", _percent(_get("on_time_rate"))),
    ("平均(工作日)", _get("mean_working_days")),
    ("平均(自然日)", _get("mean_calendar_days")),
]
SUSPENSIONS: list[Column] = [
    ("中止原因", lambda r: name(r["reason"])),
    ("次数", _get("count")),
    ("中止工作日", _get("working_days")),
]


def _trend_value(*path: str) -> Callable[[Row], Any]:
    read = _get(*path)

    def value(row: Row) -> Any:
        found = read(row)
        rate = row["figure"] in RATE_FIGURES and isinstance(found, int | float)
        return Percent(found) if rate else found

    return value


TREND: list[Column] = [
    ("指标", lambda r: FIGURES.get(r["figure"], r["figure"])),
    ("本季度", _trend_value("value")),
    ("上季度", _trend_value("previous_quarter")),
    ("环比变化", _trend_value("vs_previous", "change")),
    ("环比变化率", _percent(_get("vs_previous", "change_ratio"))),
    ("去年同期", _trend_value("same_quarter_last_year")),
    ("同比变化", _trend_value("vs_last_year", "change")),
    ("同比变化率", _percent(_get("vs_last_year", "change_ratio"))),
]
LONGEST: list[Column] = [
    ("申请编号", _get("number")),
    ("公司", lambda r: name(r["company"])),
    ("城市", _get("city")),
    ("类型", lambda r: name(r["kind"])),
    ("期末环节", lambda r: name(r["stage"])),
    ("受理时间", _beijing(_get("received_at"))),
    ("已用工作日", _get("working_days")),
    ("已用自然日", _get("calendar_days")),
]
BREACHES: list[Column] = [
    *LONGEST[:4],
    ("时限", lambda r: name(r["clock"])),
    ("环节", lambda r: name(r["stage"])),
    ("期限", _beijing(_get("due_at"))),
    ("超期发现时间", _beijing(_get("raised_at"))),
    ("超期自然日", _get("days_late")),
    ("中止工作日", _get("paused_working_days")),
    ("中止原因", lambda r: "、".join(name(x) for x in r["suspension_reasons"])),
]
DUE: list[Column] = [
    ("报送截止日", _date(_get("due_on"))),
    ("规则", lambda r: "次季度前10日内（自然日）"),
    ("是否逾期", lambda r: "是" if r["late"] else "否"),
    ("逾期天数", _get("days_late")),
]
# charges recorded against the catalogue (L42), the cost to connect
CHARGES: list[Column] = [
    ("收费笔数", _get("charges")),
    ("收费户数", _get("applications")),
    ("收费合计(元)", _get("total_yuan")),
    ("户均收费(元)", _get("mean_per_application_yuan")),
]
TABLES = {"stages": ("环节时长", STAGES), "clocks": ("时限达标", CLOCKS)}
TABLES["suspensions"] = ("中止原因", SUSPENSIONS)


# govlink: each approval department's decisions and own working days in the month.
GOV_DEPARTMENTS: list[Column] = [
    ("部门", lambda r: r["name"]),
    ("办结数", lambda r: r["decided"]),
    ("不予许可", lambda r: r["refused"]),
    ("平均用时(工作日)", lambda r: r["mean_working_days"]),
    ("最长用时(工作日)", lambda r: r["longest_working_days"]),
]


def _with_dimension(columns: list[Column], breakdown: str) -> list[Column]:
    if breakdown == "total":
        return [("范围", lambda r: "合计"), *columns]

    def value(row: Row) -> Any:
        return name(row[breakdown])

    return [(DIMENSIONS[breakdown], value), *columns]


# selfservice: 好差评 and customers' tickets per city
SATISFACTION: list[Column] = [
    ("城市", _get("city")),
    ("评价数", _get("ratings")),
    ("平均分（5分制）", _get("mean_score")),
    ("满意率", _percent(_get("satisfied_share"))),
    ("诉求数", _get("tickets")),
    ("其中投诉", _get("complaints")),
    ("已答复", _get("answered")),
    ("按时答复率", _percent(_get("answered_on_time_rate"))),
]


# command centre: supervision orders (督办) per city
SUPERVISION_ORDERS: list[Column] = [
    ("城市", _get("city")),
    ("督办下发数", _get("issued")),
    ("督办已答复数", _get("answered")),
    ("督办按时答复数", _get("answered_on_time")),
    ("督办按时答复率", _percent(_get("answered_on_time_rate"))),
]
ORDER_CSV_FIGURES = SUPERVISION_ORDERS[1:4]


def definitions(report: dict[str, Any]) -> list[Row]:
    """How each rate of the workbook is defined: the texts the pages show."""
    from gridconnect.services.orders.report import ORDER_ON_TIME_DEFINITION
    from gridconnect.services.rates import ON_TIME_DEFINITION

    rows = [
        {"figure": "按时率（按期率）", "definition": ON_TIME_DEFINITION},
        {"figure": "政府审批按时率", "definition": ON_TIME_DEFINITION},
        {"figure": "三零占比", "definition": "三零服务户数 ÷ 本期受理数"},
    ]
    if "satisfaction_and_tickets" in report:
        rows.append({"figure": "满意率", "definition": "4分及以上的评价 ÷ 本期评价数"})
        rows.append({"figure": "按时答复率", "definition": "期限内答复的诉求 ÷ 本期提出的诉求"})
    if "supervision_orders" in report:
        rows.append({"figure": "督办按时答复率", "definition": ORDER_ON_TIME_DEFINITION})
    return rows


DEFINITIONS: list[Column] = [("指标", _get("figure")), ("定义", _get("definition"))]
DEFINITIONS_SHEET = "说明"


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
    for breakdown, rows in report.get("charges", {}).items():  # cost to connect
        add(f"收费-{BREAKDOWN_SHEETS[breakdown]}", _with_dimension(CHARGES, breakdown), rows)
    if "gov_departments" in report:  # govlink
        add("审批部门用时", GOV_DEPARTMENTS, report["gov_departments"])
    if "satisfaction_and_tickets" in report:  # selfservice
        add("满意度与诉求-按城市", SATISFACTION, report["satisfaction_and_tickets"])
    if "trend" in report:
        add("趋势", TREND, report["trend"])
        add("最长在途", LONGEST, report["longest_open"])
        add("超期原因", BREACHES, report["breaches"])
        add("报送期限", DUE, [report["due"]])
    # outages capability: 停电次数和时间 (L55), the outage ledger's figures
    if "outages" in report:
        from gridconnect.services.outages.render import outage_sheets

        out.extend(outage_sheets(report["outages"]))
    out.extend(_orders_and_definitions(report))
    return out


def _table_of(
    title: str, columns: list[Column], rows: list[Row]
) -> tuple[str, list[str], list[list[Any]]]:
    return title, [h for h, _ in columns], [[f(r) for _, f in columns] for r in rows]


def _orders_and_definitions(report: dict[str, Any]) -> list[tuple[str, list[str], list[list[Any]]]]:
    """command centre: the orders per city; then, last, how each rate is defined."""
    out = []
    if "supervision_orders" in report:
        out.append(_table_of("督办-按城市", SUPERVISION_ORDERS, report["supervision_orders"]))
    out.append(_table_of(DEFINITIONS_SHEET, DEFINITIONS, definitions(report)))
    return out


def _display_width(value: Any) -> int:
    """Roughly how many character cells a value takes on screen (East Asian wide = 2)."""
    if isinstance(value, datetime):
        return len("2026-10-28 19:17")
    if isinstance(value, date):
        return len("2026-10-28")
    if isinstance(value, Percent):
        return len(f"{value:.2%}")
    text = str(value) if value is not None else ""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _format(value: Any) -> str | None:
    if isinstance(value, Percent):
        return PERCENT_FORMAT
    if isinstance(value, datetime):
        return DATETIME_FORMAT
    if isinstance(value, date):
        return DATE_FORMAT
    return None


def to_xlsx(report: dict[str, Any]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])
    bold = Font(bold=True)
    for title, headers, rows in sheets(report):
        sheet = workbook.create_sheet(title)
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = bold
        widths = [_display_width(h) for h in headers]
        for row in rows:
            sheet.append([float(v) if isinstance(v, Percent) else v for v in row])
            for index, (cell, value) in enumerate(zip(sheet[sheet.max_row], row, strict=True)):
                number_format = _format(value)
                if number_format:
                    cell.number_format = number_format
                widths[index] = max(widths[index], _display_width(value))
        for index, width in enumerate(widths, start=1):
            # +3: bold glyphs, the cell padding and the autofilter-free header's margin.
            sheet.column_dimensions[get_column_letter(index)].width = max(8, width + 3)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_csv(report: dict[str, Any]) -> str:
    """The summary breakdowns stacked in one table (first column: the breakdown), with a BOM
    so that spreadsheet programs read the Chinese headers as UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    orders = {row["city"]: row for row in report.get("supervision_orders", [])}
    order_columns = ORDER_CSV_FIGURES if orders else []
    writer.writerow(["分组", "分组值", *[h for h, _ in SUMMARY], *[h for h, _ in order_columns]])
    for breakdown, title in BREAKDOWN_SHEETS.items():
        for row in report["summary"][breakdown]:
            value = "合计" if breakdown == "total" else name(row[breakdown])
            # command centre: supervision orders are counted per city and in all
            key = (
                "合计" if breakdown == "total" else row.get("city") if breakdown == "city" else None
            )
            found = orders.get(key) if key is not None else None
            extra = [f(found) if found else None for _, f in order_columns]
            writer.writerow([title, value, *[f(row) for _, f in SUMMARY], *extra])
    return "\ufeff" + buffer.getvalue()


def filename(report: dict[str, Any], extension: str) -> str:
    kind = "monthly" if report["period"]["kind"] == "month" else "quarterly"
    return f"gridconnect-{kind}-{report['period']['label']}.{extension}"
