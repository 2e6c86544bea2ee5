"""Injected failures: latency, 5xx and 429, so clients can prove their retries and breakers.

Rules are consumed in the order they were added; a rule with ``path`` only matches requests
whose path starts with it, so a test can break the fulfillment API while the catalog works.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass
class Fault:
    """What the server answers instead of the real response."""

    status: int
    retry_after: float | None = None


@dataclass
class _Rule:
    status: int
    path: str | None
    remaining: int | None = None  # None → rate-based
    rate: float = 0.0
    retry_after: float | None = None

    def matches(self, path: str) -> bool:
        return self.path is None or path.startswith(self.path)


class FaultInjector:
    """Decides per request whether to delay and whether to fail it."""

    def __init__(
        self, *, latency: float = 0.0, seed: int = 1, simulation_item_latency: float = 0.0
    ) -> None:
        self.latency = latency
        self.simulation_item_latency = simulation_item_latency
        """Seconds added to a fulfillment simulation per item it asks about, on top of
        `latency`: a simulation of many items costs more than one of a single item."""
        self._rules: list[_Rule] = []
        self._random = random.Random(seed)

    def fail_next(self, n: int, status: int = 503, *, path: str | None = None) -> None:
        """The next ``n`` matching requests answer ``status``."""
        self._rules.append(_Rule(status=status, path=path, remaining=n))

    def fail_rate(self, rate: float, status: int = 500, *, path: str | None = None) -> None:
        """Each matching request fails with probability ``rate`` (seeded, reproducible)."""
        self._rules.append(_Rule(status=status, path=path, rate=rate))

    def throttle_next(self, n: int, retry_after: float = 1.0, *, path: str | None = None) -> None:
        """The next ``n`` matching requests answer 429 with ``Retry-After``."""
        self._rules.append(_Rule(status=429, path=path, remaining=n, retry_after=retry_after))

    def clear(self) -> None:
        """Remove every rule and the latency."""
        self._rules.clear()
        self.latency = 0.0
        self.simulation_item_latency = 0.0

    def pick(self, path: str) -> Fault | None:
        for rule in self._rules:
            if not rule.matches(path):
                continue
            if rule.remaining is not None:
                if rule.remaining <= 0:
                    continue
                rule.remaining -= 1
                return Fault(rule.status, rule.retry_after)
            if self._random.random() < rule.rate:
                return Fault(rule.status, rule.retry_after)
        self._rules = [r for r in self._rules if r.remaining is None or r.remaining > 0]
        return None
