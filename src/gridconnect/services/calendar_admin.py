"""Loading a year's holiday notice: validate, save, and recompute the deadlines it moves."""

from __future__ import annotations

from pathlib import Path

from gridconnect.calendar import Notice, parse_notice, save_notice
from gridconnect.services.context import Services
from gridconnect.services.sla_recompute import RecomputeResult, recompute_all


def load_notice(text: str, directory: Path, svc: Services) -> tuple[Notice, RecomputeResult]:
    """Refuse a bad file (NoticeFileError, line by line) or save it and recompute clocks.

    Deadlines computed from this year's estimate become official ones; every moved due
    gets an audit event with its old and new value.
    """
    notice = parse_notice(text)
    save_notice(text, directory)  # every process's calendar notices the new file
    result = recompute_all(
        engine=svc.engine,
        calendar=svc.calendar,
        policy=svc.policy,
        now=svc.now(),
        alert_channels=svc.alert_channels,
    )
    return notice, result
