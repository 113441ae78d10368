"""`gridconnect calendar ...` commands, driven through typer's CliRunner."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from datetime import date, timedelta

import chinese_calendar
import pytest
from typer.testing import CliRunner

from gridconnect.calendar import WorkingCalendar
from gridconnect.commands.calendar import calendar_app
from gridconnect.config.settings import get_settings
from gridconnect.services.calendar_source import NoticeDirectoryCalendar

runner = CliRunner()

NOTICE_2027 = """\
year = 2027
[notice]
title = "测试用：2027年部分节假日安排（虚构）"
number = ""
published = 2026-11-05
[[holidays]]
name = "元旦"
dates = [2027-01-01, 2027-01-02, 2027-01-03]
"""


@pytest.fixture(autouse=True)
def fresh_caches(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("GRIDCONNECT_CALENDAR_DIR", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def calendar_of(directory) -> WorkingCalendar:  # type: ignore[no-untyped-def]
    return NoticeDirectoryCalendar(directory)()


def _use_calendar_dir(monkeypatch: pytest.MonkeyPatch, path) -> None:
    monkeypatch.setenv("GRIDCONNECT_CALENDAR_DIR", str(path))
    get_settings.cache_clear()


def test_add_prints_the_due_date():
    result = runner.invoke(calendar_app, ["add", "2026-09-28", "15"])
    assert result.exit_code == 0, result.output
    assert result.output == "2026-10-23\n"


def test_add_flags_a_provisional_result():
    result = runner.invoke(calendar_app, ["add", "2026-11-26", "30"])
    assert result.output == "2027-01-08 provisional\n"


def test_count_prints_the_number_of_working_days():
    result = runner.invoke(calendar_app, ["count", "2026-09-28", "2026-10-23"])
    assert (result.exit_code, result.output) == (0, "15\n")


def test_export_prints_one_line_per_day_matching_chinesecalendar():
    result = runner.invoke(calendar_app, ["export", "--start", "2020-01-01", "--end", "2026-12-31"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == 2557
    day = date(2020, 1, 1)
    for line in lines:
        text, kind = line.split("\t")
        assert text == day.isoformat()
        assert (kind in ("workday", "adjusted_workday")) == chinese_calendar.is_workday(day)
        day += timedelta(days=1)


def test_export_marks_estimated_days_provisional():
    result = runner.invoke(calendar_app, ["export", "--start", "2026-12-31", "--end", "2027-01-01"])
    assert result.output == "2026-12-31\tworkday\n2027-01-01\tholiday\tprovisional\n"


def test_years_lists_each_year_with_its_source_and_title():
    lines = runner.invoke(calendar_app, ["years"]).output.splitlines()
    assert len(lines) == 16
    assert lines[6].startswith(
        "2026\tnotice\t国务院办公厅关于2026年部分节假日安排的通知\t国办发明电〔2025〕7号"
    )
    assert lines[7].startswith("2027\testimate")


def test_a_malformed_date_exits_with_code_2_naming_the_argument():
    result = runner.invoke(calendar_app, ["add", "2026-13-01", "15"])
    assert result.exit_code == 2
    assert "Invalid value for 'day'" in result.output
    assert "'2026-13-01' is not a date" in result.output


def test_a_malformed_end_date_of_count_names_end():
    result = runner.invoke(calendar_app, ["count", "2026-01-01", "31.12.2026"])
    assert result.exit_code == 2
    assert "Invalid value for 'end'" in result.output


def test_a_non_integer_number_of_days_exits_with_code_2_naming_n():
    result = runner.invoke(calendar_app, ["add", "2026-01-01", "fifteen"])
    assert result.exit_code == 2
    assert "Invalid value for 'n'" in result.output


def test_a_malformed_option_date_names_the_option():
    result = runner.invoke(calendar_app, ["export", "--start", "yesterday", "--end", "2026-01-01"])
    assert result.exit_code == 2
    assert "Invalid value for '--start'" in result.output


def test_a_date_out_of_range_is_an_error_naming_the_supported_range():
    result = runner.invoke(calendar_app, ["add", "2019-06-01", "1"])
    assert result.exit_code == 1
    assert "2020-01-01..2035-12-31" in result.output


def test_load_without_a_calendar_directory_says_which_variable_to_set(tmp_path):
    path = tmp_path / "2027.toml"
    path.write_text(NOTICE_2027, encoding="utf-8")
    result = runner.invoke(calendar_app, ["load", str(path)])
    assert result.exit_code == 1
    assert "GRIDCONNECT_CALENDAR_DIR" in result.output


def test_load_copies_the_notice_and_makes_the_year_official(tmp_path, monkeypatch):
    _use_calendar_dir(monkeypatch, tmp_path / "calendar")
    # Recompute needs a database; a stand-in keeps this test to loading alone.
    stand_in = types.ModuleType("gridconnect.services.sla_recompute")
    stand_in.recompute_services = lambda svc: "nothing to recompute"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "gridconnect.services.sla_recompute", stand_in)
    assert calendar_of(tmp_path / "calendar").is_provisional_year(2027)
    source = tmp_path / "incoming.toml"
    source.write_text(NOTICE_2027, encoding="utf-8")
    result = runner.invoke(calendar_app, ["load", str(source)])
    assert result.exit_code == 0, result.output
    assert "loaded 2027" in result.output
    assert "SLA clocks: recomputed" in result.output
    assert (tmp_path / "calendar" / "2027.toml").read_text(encoding="utf-8") == NOTICE_2027
    assert not calendar_of(tmp_path / "calendar").is_provisional_year(2027)


def test_load_calls_the_sla_recompute_hook_when_present(tmp_path, monkeypatch):
    _use_calendar_dir(monkeypatch, tmp_path / "calendar")
    calls = []
    hook = types.ModuleType("gridconnect.services.sla_recompute")
    hook.recompute_services = lambda svc: calls.append("recompute") or 7  # type: ignore[attr-defined]
    monkeypatch.setitem(
        sys.modules, "gridconnect.services", types.ModuleType("gridconnect.services")
    )
    monkeypatch.setitem(sys.modules, "gridconnect.services.sla_recompute", hook)
    source = tmp_path / "incoming.toml"
    source.write_text(NOTICE_2027, encoding="utf-8")
    result = runner.invoke(calendar_app, ["load", str(source)])
    assert result.exit_code == 0, result.output
    assert calls == ["recompute"]
    assert "SLA clocks: recomputed (7)" in result.output


def test_load_refuses_a_bad_file_listing_its_problems_and_copies_nothing(tmp_path, monkeypatch):
    _use_calendar_dir(monkeypatch, tmp_path / "calendar")
    source = tmp_path / "bad.toml"
    source.write_text(NOTICE_2027 + '[[adjusted_workdays]]\ndate = 2027-01-04\nfor = "元旦"\n')
    result = runner.invoke(calendar_app, ["load", str(source)])
    assert result.exit_code == 1
    assert "line 10: adjusted working day 2027-01-04 is a Monday" in result.output
    assert not (tmp_path / "calendar").exists()
