"""Temporary lockout after repeated authentication failures (kraken-api.md section 4.2).

Kraken pauses a key after too many failed calls in a row (invalid key, signature, nonce).
The mock counts failures per API-Key header value (known or not), so one broken client does
not lock out the other keys on the same machine. A successful call resets the count.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class LockoutPolicy:
    """`failures` failed calls within `window` seconds lock the key for `duration` seconds."""

    failures: int = 5
    window: float = 60.0
    duration: float = 900.0


@dataclass
class _State:
    failures: list[float] = field(default_factory=list)
    locked_until: float = 0.0


class Lockouts:
    def __init__(self, policy: LockoutPolicy, clock: Callable[[], float]) -> None:
        self.policy = policy
        self._clock = clock
        self._lock = threading.Lock()
        self._states: dict[str, _State] = {}

    def is_locked(self, api_key: str) -> bool:
        with self._lock:
            state = self._states.get(api_key)
            return bool(state and self._clock() < state.locked_until)

    def failed(self, api_key: str) -> None:
        """Count one authentication failure; the last one that crosses the limit locks."""
        with self._lock:
            now = self._clock()
            state = self._states.setdefault(api_key, _State())
            state.failures = [t for t in state.failures if now - t < self.policy.window]
            state.failures.append(now)
            if len(state.failures) >= self.policy.failures:
                state.locked_until = now + self.policy.duration
                state.failures.clear()

    def succeeded(self, api_key: str) -> None:
        with self._lock:
            self._states.pop(api_key, None)
