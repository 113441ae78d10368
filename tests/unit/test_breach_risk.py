"""The breach forecast's statistics, its fallback, and its backtest on a generated history."""

from __future__ import annotations

import pytest

from gridconnect.config.policy import PolicyError, default_policy_text, parse_policy
from gridconnect.services.breach_risk.backtest import backtest
from gridconnect.services.breach_risk.estimate import Finished, Forecaster, GroupKey, Survival
from gridconnect.services.breach_risk.generated import SLOW, generate

XIAN = GroupKey("hv", "stage:supply_plan", "西安", "sgcc")
XIAN_LOCAL = GroupKey("hv", "stage:supply_plan", "西安", "local")
BAOJI = GroupKey("hv", "stage:supply_plan", "宝鸡", "sgcc")


def survival(*taken: int, cancelled: tuple[int, ...] = ()) -> Survival:
    group = Survival()
    for days in taken:
        group.add(days, completed=True)
    for days in cancelled:
        group.add(days, completed=False)
    return group


def test_the_probability_is_the_share_that_ran_over_the_limit() -> None:
    group = survival(2, 4, 6, 8)
    assert group.breach_probability(0, 5) == pytest.approx(0.5)


def test_a_clock_already_slow_is_riskier_than_a_fresh_one_of_the_same_group() -> None:
    group = survival(2, 4, 6, 8)
    # Three working days used: of the three that ran that long, two went over 5.
    assert group.breach_probability(3, 5) == pytest.approx(2 / 3)
    assert group.breach_probability(5, 5) == pytest.approx(1.0)
    assert group.breach_probability(6, 5) == 1.0  # past its limit already


def test_a_cancelled_clock_counts_only_while_it_ran() -> None:
    # Without the censored clock: 1 of 2 over the limit; it left at day 1, before anyone
    # finished, so it changes nothing.
    assert survival(2, 8, cancelled=(1,)).breach_probability(0, 5) == pytest.approx(0.5)
    # Cancelled at day 3: at day 2 three are at risk and one finishes, then 1 of 1 goes over.
    assert survival(2, 8, cancelled=(3,)).breach_probability(0, 5) == pytest.approx(2 / 3)


def test_a_small_group_falls_back_to_a_coarser_one_and_says_so() -> None:
    history = [Finished(XIAN, 10, True) for _ in range(3)]
    history += [Finished(BAOJI, 2, True) for _ in range(30)]
    forecast = Forecaster(20, history).forecast(XIAN, 0, 5)
    assert forecast.cases == 33
    assert forecast.basis == "同城市同公司（3 例）、同城市（3 例）样本不足，按全省同公司同类 33 例"
    assert forecast.probability == pytest.approx(3 / 33)


def test_a_large_group_uses_its_own_history() -> None:
    history = [Finished(XIAN, 10, True) for _ in range(25)]
    history += [Finished(XIAN_LOCAL, 2, True) for _ in range(30)]
    forecast = Forecaster(20, history).forecast(XIAN, 0, 5)
    assert forecast == forecast.__class__(1.0, 25, "按同城市同公司同类 25 例")


def test_without_comparable_history_there_is_no_probability() -> None:
    other_clock = GroupKey("hv", "gov_approval", "西安", "sgcc")
    forecast = Forecaster(20, [Finished(XIAN, 3, True)]).forecast(other_clock, 0, 5)
    assert forecast.probability is None
    assert forecast.basis == "无同类历史"


def test_the_slow_city_of_a_generated_history_is_forecast_riskiest_at_every_age() -> None:
    history = generate(seed=7, clocks=4000, days=500)
    forecaster = Forecaster(
        20,
        (Finished(c.key, c.elapsed_at(c.end), c.completed) for c in history.cases if c.end),
    )
    slow_city, slow_clock = SLOW
    for elapsed in range(12):
        risks = {
            city: forecaster.forecast(GroupKey("hv", slow_clock, city, "sgcc"), elapsed, 15)
            for city in ("西安", "宝鸡", "咸阳", "渭南", "榆林", "汉中")
        }
        slowest = max(risks, key=lambda city: risks[city].probability or 0.0)
        assert slowest == slow_city, (elapsed, risks)


def test_the_backtest_flags_the_slow_city_most_and_is_reproducible() -> None:
    history = generate(seed=7, clocks=4000, days=500)
    first = backtest(history.cases, 250, 499, 0.4, 20, 1)
    again = backtest(generate(seed=7, clocks=4000, days=500).cases, 250, 499, 0.4, 20, 1)
    assert first == again
    assert first.summary() == {
        "days": 250,
        "clocks_judged": 1905,
        "breached": 81,
        "flagged": 67,
        "flagged_and_breached": 30,
        "precision": 0.448,
        "recall": 0.37,
        "median_working_days_gained": 1.0,
        "fixed_warning_precision": 0.195,
    }
    # Better than the fixed warning at picking the clocks that will breach, and earlier.
    assert first.precision is not None
    assert first.warning_precision is not None
    assert first.precision > 2 * first.warning_precision
    assert min(first.notice_gained) >= 1


def test_the_policy_refuses_a_threshold_that_is_not_a_share() -> None:
    text = default_policy_text().replace("threshold = 0.4", "threshold = 1.5")
    with pytest.raises(PolicyError) as refused:
        parse_policy(text, "edited.toml")
    assert any(
        "breach_risk" in problem and "threshold" in problem for problem in refused.value.details
    )


def test_the_shipped_policy_sets_the_forecast() -> None:
    risk = parse_policy(default_policy_text()).breach_risk
    assert (risk.threshold, risk.min_cases, risk.history_days) == (0.4, 20, 365)
