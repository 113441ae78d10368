"""Every suspension reason of the rules has a plain-Chinese reason and an
instruction for the customer (a reason added without them fails here)."""

from __future__ import annotations

from gridconnect.config.vocabulary import SuspensionReasonCode
from gridconnect.services.selfservice.guidance import SUSPENSION_GUIDANCE, suspension_text


def test_every_suspension_reason_says_why_and_what_to_do() -> None:
    assert set(SUSPENSION_GUIDANCE) == set(SuspensionReasonCode.codes())
    for code in SuspensionReasonCode.codes():
        text = suspension_text(code)
        assert text["suspension_reason_text"].endswith("。")
        assert text["suspension_what_to_do"].endswith("。")


def test_no_reason_means_no_text() -> None:
    assert suspension_text(None) == {}
