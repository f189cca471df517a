"""Kraken's REST call counter (kraken-api.md section 6.3), one per key.

Each call adds its endpoint's catalog `cost` (0 for the calls the trading engine limits
instead); the counter drains at the tier's decay rate. A call that would take the counter
over the tier's maximum is refused with EAPI:Rate limit exceeded and adds nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Counter:
    level: float = 0.0
    updated: float = 0.0


class RateLimiter:
    """Counters for every key; `clock` returns seconds (injected so tests need no sleeps)."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._counters: dict[str, _Counter] = {}

    def _drained(self, key: str, decay_per_second: float) -> _Counter:
        now = self._clock()
        c = self._counters.setdefault(key, _Counter(0.0, now))
        c.level = max(0.0, c.level - (now - c.updated) * decay_per_second)
        c.updated = now
        return c

    def spend(self, key: str, cost: int, max_counter: int, decay_per_second: float) -> bool:
        """Add `cost` to the key's counter and return True, or False if that would exceed it."""
        with self._lock:
            c = self._drained(key, decay_per_second)
            if cost and c.level + cost > max_counter:
                return False
            c.level += cost
            return True

    def level(self, key: str, decay_per_second: float) -> float:
        """The key's counter now (for tests and the audit of a demo)."""
        with self._lock:
            return self._drained(key, decay_per_second).level
