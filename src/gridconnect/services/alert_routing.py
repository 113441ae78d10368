"""Which channels an alert goes to: everyone's, plus its company's and its city's.

A province runs one supervision centre per company and city; each has its own chat robot.
`GRIDCONNECT_ALERT_ROUTES` maps `"sgcc"` or `"sgcc/西安"` to webhook URLs, on top of the
channels of `GRIDCONNECT_ALERT_WEBHOOKS`, which get every alert.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class AlertRecipients:
    everyone: tuple[str, ...] = ()
    by_scope: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, channels: Sequence[str] | AlertRecipients) -> AlertRecipients:
        """A plain list of channels means: every alert to each of them."""
        return channels if isinstance(channels, AlertRecipients) else cls(tuple(channels))

    @classmethod
    def from_settings(
        cls, webhooks: Sequence[str], routes: Mapping[str, Sequence[str]]
    ) -> AlertRecipients:
        return cls(tuple(webhooks), {key: tuple(urls) for key, urls in routes.items()})

    def channels_for(self, company: str, city: str) -> list[str]:
        """The channels of one alert, each once, in a stable order."""
        found = [
            *self.everyone,
            *self.by_scope.get(company, ()),
            *self.by_scope.get(f"{company}/{city}", ()),
        ]
        return list(dict.fromkeys(found))
