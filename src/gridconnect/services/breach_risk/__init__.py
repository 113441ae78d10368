"""Breach risk: the probability that a running clock will breach, from finished clocks.

`estimate` is the statistics (Kaplan–Meier over working days taken, pure Python),
`history` reads finished and running clocks from the database, `risk_scan` stores each
running clock's risk and raises the "at risk" alert, `backtest` replays a history day by
day and measures the forecast against what happened, `generated` makes such a history.
"""
