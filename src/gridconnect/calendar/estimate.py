"""Estimate a year's days off when its State Council notice is not out yet.

The estimate follows 《全国年节及纪念日放假办法》 as amended in 2024 (in force 2025):
元旦 1 day, 春节 4 days (除夕 and 初一..初三), 清明节 1, 劳动节 2 (May 1-2), 端午节 1,
中秋节 1, 国庆节 3 (Oct 1-3). Lunar and solar-term dates come from the `holidays` package.

The same law (Art. 6 of the 2024 text) says a holiday for all citizens falling on a Saturday
or Sunday is made up on a working day (补假); `holidays` applies that as "the next weekday not
already off", which is what each notice has done in practice, so those days are estimated too.

Adjusted working weekend days (调休上班日) are NOT estimated: no rule fixes them. Each
notice chooses them to build long weekends, and guessing wrong would turn a rest day into a
working day and make a deadline earlier than the one the notice will set. Every answer that
touches an estimated year is flagged provisional and is recomputed once the notice is loaded.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

_FESTIVALS = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")


def _festival(label: str) -> str:
    """Map a `holidays` label (e.g. '农历除夕（补假）', '中秋节; 国庆节') to festival names."""
    names = []
    for part in label.split(";"):
        part = part.strip()
        if "除夕" in part:
            part = "春节"
        for festival in _FESTIVALS:
            if part.startswith(festival) and festival not in names:
                names.append(festival)
    return "、".join(names) or label


@lru_cache(maxsize=32)
def estimated_holidays(year: int) -> dict[date, str]:
    """Days off of `year` estimated from the statutory rules, each with its festival name.

    In-lieu days (补假) are named with a "（补假）" suffix. The dict is cached: do not mutate.
    """
    from holidays.countries.china import China  # imported on first use: it is heavy

    calendar = China(  # type: ignore[no-untyped-call]
        years=year, language="zh_CN", observed=True
    )
    result: dict[date, str] = {}
    for day, raw in sorted(calendar.items()):
        label = str(raw)
        # Up to the years it knows, `holidays` also carries each notice's swapped days
        # ("休息日（由 … 调休）") and the 2020 extension: those are not statutory rules.
        if day.year != year or "调休" in label or "延长" in label:
            continue
        name = _festival(label)
        result[day] = f"{name}（补假）" if "补假" in label else name
    # When 中秋节 falls on 国庆节 (2028-10-03, 2031-10-01) one statutory day is lost; the
    # notices have given it back (2020: both on 10-01, holiday 10-01..10-08), so the
    # estimate adds a 补假 on the first weekday after the festival that is not yet off.
    for day, name in sorted(result.items()):
        given_back = f"{name.split('、')[0]}（补假）"
        if "、" in name and "补假" not in name and given_back not in result.values():
            spare = day + timedelta(days=1)
            while spare.weekday() >= 5 or spare in result:
                spare += timedelta(days=1)
            result[spare] = given_back
    return dict(sorted(result.items()))
