"""The government link's settings, approval modes in the policy, and signatures (no I/O)."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from gridconnect.bootstrap import build_services
from gridconnect.config.gov_modes import approval_mode_for
from gridconnect.config.policy import PolicyError, default_policy_text, load_policy, parse_policy
from gridconnect.config.settings import Settings
from gridconnect.scheduler.jobs import GOV_RETRY_JOB, build_scheduler
from gridconnect.services.govlink.signing import (
    SignatureMissing,
    SignatureRefused,
    TimestampOutOfWindow,
    signed_headers,
    verify,
)
from gridconnect.store.db import make_engine

SECRET = "a-shared-secret-of-forty-characters-000000"


def test_a_platform_url_needs_a_long_secret() -> None:
    with pytest.raises(ValidationError, match="gov_platform_secret"):
        Settings(gov_platform_url="http://gov.example")
    with pytest.raises(ValidationError, match="gov_platform_secret"):
        Settings(gov_platform_url="http://gov.example", gov_platform_secret=SecretStr("short"))
    with pytest.raises(ValidationError, match="http"):
        Settings(gov_platform_url="ftp://gov.example", gov_platform_secret=SecretStr(SECRET))


def test_without_a_url_the_link_is_off_and_no_retry_job_is_scheduled(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path}/x.db")
    off = Settings(database_url=f"sqlite:///{tmp_path}/x.db")
    on = off.model_copy(
        update={"gov_platform_url": "http://gov.example/", "gov_platform_secret": SecretStr(SECRET)}
    )
    assert build_services(engine, off).gov_platform is None
    platform = build_services(engine, on).gov_platform
    assert platform is not None
    assert platform.base_url == "http://gov.example"
    assert GOV_RETRY_JOB not in {job.id for job in build_scheduler(engine, off).get_jobs()}
    assert GOV_RETRY_JOB in {job.id for job in build_scheduler(engine, on).get_jobs()}
    engine.dispose()


@pytest.mark.parametrize(
    ("city", "kind", "capacity", "mode", "departments"),
    [
        ("西安", "lv_residential", 8, "none", ()),  # short LV works (L14)
        ("西安", "lv_nonresidential", 150, "notice_commitment", ()),
        ("榆林", "lv_nonresidential", 150, "filing", ()),
        (
            "西安",
            "hv",
            800,
            "parallel",
            ("planning", "housing", "transport", "city_management", "landscaping"),
        ),
        ("咸阳", "hv", 800, "parallel", ("planning", "housing", "transport")),
    ],
)
def test_the_shipped_policy_chooses_the_mode_by_city_kind_and_capacity(
    city: str, kind: str, capacity: float, mode: str, departments: tuple[str, ...]
) -> None:
    chosen = approval_mode_for(load_policy().gov_approval_modes, city, kind, capacity)
    assert (chosen.mode, chosen.departments) == (mode, departments)


def test_no_matching_entry_means_manual() -> None:
    assert approval_mode_for((), "西安", "hv", 800).mode == "manual"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('kinds = ["hv"]\nmode = "parallel"', "must name its departments"),
        ('kinds = ["hv"]\nmode = "filing"\ndepartments = ["planning"]', "only a parallel"),
        ('kinds = ["hv"]\nmode = "parallel"\ndepartments = ["police"]', "police"),
        ('kinds = ["hv"]\nmode = "sometimes"', "sometimes"),
    ],
)
def test_a_bad_approval_mode_is_refused_naming_it(entry: str, message: str) -> None:
    text = default_policy_text() + "\n[[gov_approval_modes]]\n" + entry + "\n"
    with pytest.raises(PolicyError) as refused:
        parse_policy(text, "test.toml")
    assert message in "\n".join(refused.value.details)


def test_a_signature_is_checked_over_the_exact_bytes_and_the_window() -> None:
    body = b'{"a": 1}'
    headers = signed_headers(SECRET, 1_000_000, body, "m-1")
    assert verify(SECRET, headers, body, 1_000_000 + 300).message_id == "m-1"
    with pytest.raises(TimestampOutOfWindow):
        verify(SECRET, headers, body, 1_000_000 + 301)
    with pytest.raises(SignatureRefused):
        verify(SECRET, headers, b'{"a":1}', 1_000_000)
    with pytest.raises(SignatureMissing):
        verify(SECRET, {k: v for k, v in headers.items() if k != "X-Gov-Message-Id"}, body, 1)
