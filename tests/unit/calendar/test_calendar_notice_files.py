"""Notice files: a bad file is refused with every problem and its line; good ones load."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from gridconnect.bootstrap import calendar_source
from gridconnect.calendar import (
    DayKind,
    NoticeFileError,
    load_calendar,
    parse_notice,
    read_notice_file,
    save_notice,
)
from gridconnect.config.settings import Settings
from gridconnect.errors import GridconnectError

HEADER = """\
year = 2027
[notice]
title = "测试用通知"
published = 2026-11-05
"""


def _problems(text: str) -> list[dict[str, object]]:
    with pytest.raises(NoticeFileError) as caught:
        parse_notice(text)
    assert isinstance(caught.value, GridconnectError)
    assert (caught.value.status, caught.value.code) == (422, "invalid_notice_file")
    return caught.value.details


def test_a_well_formed_notice_is_parsed_with_every_day(fictional_2027):
    notice = parse_notice(fictional_2027)
    assert notice.year == 2027
    assert notice.title == "测试用：2027年部分节假日安排（虚构）"
    assert notice.published == date(2026, 11, 5)
    assert notice.holiday_names()[date(2027, 2, 5)] == "春节"
    assert notice.workday_names() == {date(2027, 2, 13): "春节"}


def test_every_shipped_file_parses_and_carries_its_notice_reference():
    for year in range(2020, 2027):
        path = Path(__file__).parents[3] / f"src/gridconnect/calendar/data/{year}.toml"
        notice = read_notice_file(path)
        assert notice.year == year
        assert notice.title == f"国务院办公厅关于{year}年部分节假日安排的通知"
        assert notice.published.year == year - 1


def test_an_adjusted_working_day_on_a_weekday_is_refused_with_its_line():
    text = HEADER + '[[holidays]]\nname = "元旦"\ndates = [2027-01-01]\n'
    text += '[[adjusted_workdays]]\ndate = 2027-02-08\nfor = "春节"\n'
    assert _problems(text) == [
        {
            "line": 9,
            "reason": "adjusted working day 2027-02-08 is a Monday, not a Saturday or Sunday",
        }
    ]


def test_a_date_outside_the_files_year_is_refused_with_its_line():
    text = HEADER + '[[holidays]]\nname = "元旦"\ndates = [2026-12-31,\n  2027-01-01]\n'
    assert _problems(text) == [{"line": 7, "reason": "2026-12-31 is outside the file's year 2027"}]


def test_a_day_that_is_both_holiday_and_working_day_is_refused_at_its_second_listing():
    text = HEADER + '[[holidays]]\nname = "春节"\ndates = [2027-02-06]\n'
    text += '\n[[adjusted_workdays]]\ndate = 2027-02-06\nfor = "春节"\n'
    (problem,) = _problems(text)
    assert problem["line"] == 10
    assert "both as a holiday (春节) and as an adjusted working day" in problem["reason"]


def test_duplicate_dates_are_refused_at_the_repeated_line():
    text = HEADER + '[[holidays]]\nname = "元旦"\ndates = [2027-01-01]\n'
    text += '[[holidays]]\nname = "又是元旦"\ndates = [2027-01-01]\n'
    text += '[[adjusted_workdays]]\ndate = 2027-02-13\nfor = "春节"\n'
    text += '[[adjusted_workdays]]\ndate = 2027-02-13\nfor = "春节"\n'
    assert _problems(text) == [
        {"line": 10, "reason": "2027-01-01 is listed twice as a holiday"},
        {"line": 15, "reason": "2027-02-13 is listed twice as an adjusted working day"},
    ]


def test_missing_keys_are_each_reported():
    problems = _problems('year = 2027\n[notice]\ntitle = "t"\n[[holidays]]\nname = "元旦"\n')
    reasons = [p["reason"] for p in problems]
    assert "missing key 'published' in notice.published" in reasons
    assert "missing key 'dates' in holidays" in reasons
    assert {p["line"] for p in problems} == {2, 4}


def test_an_empty_file_lists_every_required_key():
    reasons = [p["reason"] for p in _problems("")]
    assert reasons == [
        "missing key 'year'",
        "missing table [notice] (title, number, published)",
        "missing key 'holidays'",
    ]


def test_a_toml_syntax_error_is_refused_with_its_line():
    (problem,) = _problems('year = 2027\n[notice]\ntitle = "unterminated\n')
    assert problem["line"] == 3
    assert problem["reason"].startswith("TOML syntax error")


def test_a_misspelt_section_is_reported_rather_than_silently_ignored():
    text = HEADER + '[[holidays]]\nname = "元旦"\ndates = [2027-01-01]\n'
    text += "[[adjusted_workday]]\ndate = 2027-02-13\n"
    assert _problems(text) == [{"line": 8, "reason": "unknown key 'adjusted_workday' in the file"}]


def test_a_date_given_as_a_string_is_refused():
    text = HEADER + '[[holidays]]\nname = "元旦"\ndates = ["2027-01-01"]\n'
    (problem,) = _problems(text)
    assert "must be a TOML date" in problem["reason"]


def test_a_year_outside_the_supported_range_is_refused():
    (problem,) = _problems(
        HEADER.replace("2027", "2036", 1) + '[[holidays]]\nname = "x"\ndates = [2036-01-01]\n'
    )
    assert problem == {"line": 1, "reason": "year 2036 is outside the supported range 2020–2035"}


def test_a_date_in_a_comment_does_not_mislead_the_line_number():
    text = (
        "# 2027-02-08 was discussed\n"
        + HEADER
        + '[[holidays]]\nname = "元旦"\ndates = [2027-01-01]\n'
    )
    text += '[[adjusted_workdays]]\ndate = 2027-02-08\nfor = "春节"\n'
    assert _problems(text)[0]["line"] == 10


def test_read_notice_file_names_the_file_in_its_message(tmp_path):
    path = tmp_path / "2027.toml"
    path.write_text("year = 2027\n", encoding="utf-8")
    with pytest.raises(NoticeFileError, match=r"2027\.toml"):
        read_notice_file(path)


def test_save_notice_validates_and_writes_year_dot_toml(tmp_path, fictional_2027):
    target = save_notice(fictional_2027, tmp_path / "calendar")
    assert target == tmp_path / "calendar" / "2027.toml"
    assert target.read_text(encoding="utf-8") == fictional_2027


def test_save_notice_writes_nothing_for_a_bad_file(tmp_path):
    with pytest.raises(NoticeFileError):
        save_notice("year = 2027\n", tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_load_calendar_adds_the_notices_of_the_extra_directory(tmp_path, fictional_2027):
    save_notice(fictional_2027, tmp_path)
    calendar = load_calendar(tmp_path)
    assert not calendar.is_provisional_year(2027)
    assert calendar.kind(date(2027, 2, 13)).kind is DayKind.ADJUSTED_WORKDAY


def test_a_file_in_the_extra_directory_overrides_the_shipped_year(tmp_path):
    shipped = Path(__file__).parents[3] / "src/gridconnect/calendar/data/2026.toml"
    text = shipped.read_text(encoding="utf-8").replace(
        "[[adjusted_workdays]]\ndate = 2026-10-10", "[[adjusted_workdays]]\ndate = 2026-10-11"
    )
    (tmp_path / "2026-corrected.toml").write_text(text, encoding="utf-8")
    calendar = load_calendar(tmp_path)
    assert calendar.kind(date(2026, 10, 10)).kind is DayKind.WEEKEND
    assert calendar.kind(date(2026, 10, 11)).kind is DayKind.ADJUSTED_WORKDAY


def test_a_notice_placed_in_the_configured_directory_takes_effect_without_a_restart(
    tmp_path, fictional_2027
):
    current = calendar_source(Settings(calendar_dir=tmp_path))
    before = current()
    assert before.is_provisional_year(2027)
    assert current() is before  # unchanged directory: the same calendar, not rebuilt
    save_notice(fictional_2027, tmp_path)  # as another worker or the CLI would
    assert not current().is_provisional_year(2027)
