"""The composition root builds everything from the Settings it is given, nothing else."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from gridconnect.bootstrap import build_services
from gridconnect.config.policy import default_policy_text
from gridconnect.config.settings import Settings, get_settings
from gridconnect.services.alert_routing import AlertRecipients

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

XIAN_RULE = """
[[rules]]
id = "full_process.lv_nonres.xian.bootstrap"
clock = "full_process"
kinds = ["lv_nonresidential"]
city = "西安"
limit_working_days = 9
in_force_from = 2024-01-01
source = "bootstrap test"
"""


def test_build_services_uses_the_policy_file_and_calendar_dir_it_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy_file = tmp_path / "policy.toml"
    policy_file.write_text(default_policy_text() + XIAN_RULE, encoding="utf-8")
    calendar_dir = tmp_path / "calendar"
    calendar_dir.mkdir()
    (calendar_dir / "2027.toml").write_text(NOTICE_2027, encoding="utf-8")
    # The process's own settings point elsewhere: they must not leak in.
    monkeypatch.setenv("GRIDCONNECT_POLICY_FILE", str(tmp_path / "absent.toml"))
    monkeypatch.delenv("GRIDCONNECT_CALENDAR_DIR", raising=False)
    get_settings.cache_clear()
    try:
        settings = Settings(
            policy_file=policy_file,
            calendar_dir=calendar_dir,
            files_dir=tmp_path / "files",
            alert_webhooks=["https://robot.example/all"],
        )
        svc = build_services(create_engine("sqlite://"), settings)
        rule_ids = {rule.id for rule in svc.policy.rules}
        assert "full_process.lv_nonres.xian.bootstrap" in rule_ids
        assert not svc.calendar.is_provisional_year(2027)
        assert not svc.calendar.kind(date(2027, 1, 1)).is_workday
        assert svc.files.root == tmp_path / "files"
        assert AlertRecipients.of(svc.alert_channels).channels_for("sgcc", "西安") == [
            "https://robot.example/all"
        ]
    finally:
        get_settings.cache_clear()


def test_services_built_from_default_settings_have_the_shipped_policy_and_estimates(
    tmp_path: Path,
) -> None:
    svc = build_services(create_engine("sqlite://"), Settings(files_dir=tmp_path))
    assert "full_process.lv_nonres.xian.bootstrap" not in {r.id for r in svc.policy.rules}
    assert svc.calendar.is_provisional_year(2027)
    assert svc.policy is svc.policy  # read once, not per use
