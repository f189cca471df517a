"""Temporary lockout after repeated authentication failures (kraken-api.md section 4.2).

Kraken pauses a key after too many failed calls in a row (invalid key, signature, nonce).
The mock counts failures per API-Key header value (known or not), so one broken client does
not lock out the other keys on the same machine. A successful call resets the count.
Kraken's own texts differ on the scope (IP address or account) and give no threshold; these
are the mock's settings (docs/mock.md).

Memory stays bounded whatever keys arrive: states are kept by a digest of the header value
(not the value, which may be 60 KB), expired states are dropped, and past `MAX_STATES` the
oldest state is evicted.
"""

from __future__ import annotations

import hashlib
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


#: The most keys whose failures are remembered at once.
MAX_STATES = 10_000


def _id(api_key: str) -> bytes:
    return hashlib.sha256(api_key.encode("utf-8", "surrogateescape")).digest()


class Lockouts:
    def __init__(self, policy: LockoutPolicy, clock: Callable[[], float]) -> None:
        self.policy = policy
        self._clock = clock
        self._lock = threading.Lock()
        self._states: dict[bytes, _State] = {}

    def __len__(self) -> int:
        return len(self._states)

    def is_locked(self, api_key: str) -> bool:
        with self._lock:
            state = self._states.get(_id(api_key))
            return bool(state and self._clock() < state.locked_until)

    def failed(self, api_key: str) -> None:
        """Count one authentication failure; the last one that crosses the limit locks."""
        with self._lock:
            now = self._clock()
            key = _id(api_key)
            state = self._states.pop(key, None) or _State()
            state.failures = [t for t in state.failures if now - t < self.policy.window]
            state.failures.append(now)
            if len(state.failures) >= self.policy.failures:
                state.locked_until = now + self.policy.duration
                state.failures.clear()
            self._states[key] = state  # most recent last: eviction takes the oldest first
            if len(self._states) > MAX_STATES:
                self._evict(now)

    def succeeded(self, api_key: str) -> None:
        with self._lock:
            self._states.pop(_id(api_key), None)

    def _evict(self, now: float) -> None:
        """Drop states that no longer matter, then the oldest until the table fits."""
        stale = [
            k
            for k, s in self._states.items()
            if now >= s.locked_until and all(now - t >= self.policy.window for t in s.failures)
        ]
        for k in stale:
            del self._states[k]
        while len(self._states) > MAX_STATES:
            del self._states[next(iter(self._states))]
