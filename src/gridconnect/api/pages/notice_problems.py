"""The holiday notice file's problems in Chinese, for the admin page (command centre).

The calendar checker (`calendar/notice.py`) words each problem in English for the command
line and logs; the page translates them here, one pattern per kind of problem, keeping the
quoted values. A problem no pattern knows is shown as it is rather than hidden.
"""

from __future__ import annotations

import re
from collections.abc import Callable

WEEKDAYS = {
    "Monday": "星期一",
    "Tuesday": "星期二",
    "Wednesday": "星期三",
    "Thursday": "星期四",
    "Friday": "星期五",
    "Saturday": "星期六",
    "Sunday": "星期日",
}

Translate = Callable[[re.Match[str]], str]
PATTERNS: tuple[tuple[re.Pattern[str], Translate], ...] = tuple(
    (re.compile(pattern + r"$"), translate)
    for pattern, translate in (
        (
            r"adjusted working day (\S+) is a (\w+), not a Saturday or Sunday",
            lambda m: f"调休上班日 {m[1]} 是{WEEKDAYS.get(m[2], m[2])}，不是星期六或星期日",
        ),
        (r"(\S+) is listed twice as a holiday", lambda m: f"{m[1]} 重复列为节假日"),
        (
            r"(\S+) is listed twice as an adjusted working day",
            lambda m: f"{m[1]} 重复列为调休上班日",
        ),
        (
            r"(\S+) is listed both as a holiday \((.*)\) and as an adjusted working day",
            lambda m: f"{m[1]} 既列为节假日（{m[2]}）又列为调休上班日",
        ),
        (r"(\S+) is outside the file's year (\d+)", lambda m: f"{m[1]} 不在本文件的年份 {m[2]} 内"),
        (r"unknown key '(.*)' in (.+)", lambda m: f"{m[2]} 中有未知的键“{m[1]}”"),
        (r"missing key '(.*)' in (.+)", lambda m: f"{m[2]} 缺少键“{m[1]}”"),
        (r"missing key '(.*)'", lambda m: f"缺少键“{m[1]}”"),
        (r"(.+) must be a non-empty string", lambda m: f"{m[1]} 必须是非空文字"),
        (
            r"(.+) must be a TOML date like 2026-01-01, not (.*)",
            lambda m: f"{m[1]} 必须是 2026-01-01 这样的 TOML 日期，而不是 {m[2]}",
        ),
        (
            r"(.+) must be a table with title, number and published",
            lambda m: f"{m[1]} 必须是含 title（标题）、number（文号）、published（发布日期）的表",
        ),
        (
            r"(.+)\.number must be a string \(may be empty\)",
            lambda m: f"{m[1]}.number 必须是文字（可为空）",
        ),
        (
            r"each \[\[holidays\]\] entry must be a table with name and dates",
            lambda m: "每个 [[holidays]] 条目必须是含 name（名称）和 dates（日期）的表",
        ),
        (
            r"each \[\[adjusted_workdays\]\] entry must be a table",
            lambda m: "每个 [[adjusted_workdays]] 条目必须是表",
        ),
        (r"holidays\.dates must be a list", lambda m: "holidays.dates 必须是日期列表"),
        (r"'(.*)' must be a list of tables", lambda m: f"“{m[1]}”必须是表的数组（[[{m[1]}]]）"),
        (r"year must be an integer such as 2027", lambda m: "year 必须是整数，如 2027"),
        (
            r"year (\d+) is outside the supported range (.+)",
            lambda m: f"年份 {m[1]} 超出支持的范围 {m[2]}",
        ),
        (
            r"missing table \[notice\] \(title, number, published\)",
            lambda m: "缺少 [notice] 表（title、number、published）",
        ),
        (r"TOML syntax error: (.*)", lambda m: f"TOML 语法错误（{m[1]}）"),
    )
)


def in_chinese(reason: str) -> str:
    """One problem of a notice file, in Chinese."""
    for pattern, translate in PATTERNS:
        found = pattern.match(reason)
        if found:
            return translate(found)
    return reason
