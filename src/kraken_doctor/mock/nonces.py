"""Per-key nonce bookkeeping, as Kraken describes it (kraken-api.md sections 6.1, 6.2).

A nonce is accepted when it is above the highest nonce the key has used. With a nonce window
of N, a nonce up to N below the highest is still accepted once (to absorb network
reordering); the window is counted in nonce units, not seconds. Check and update happen
under the key's lock so two threads cannot both use the same nonce.
"""

from __future__ import annotations

import heapq
import threading

MAX_NONCE = 2**64 - 1
#: 2**64 - 1 has 20 digits: longer digit strings are refused before int() reads them.
_MAX_DIGITS = len(str(MAX_NONCE))
#: The most nonces one key keeps inside its window; past that the lowest are forgotten and
#: refused, as if they had left the window, so memory stays bounded whatever the window.
MAX_RECENT = 10_000


def parse_nonce(text: str | None) -> int | None:
    """The nonce as an unsigned 64-bit integer, or None if it is missing or not one."""
    if text is None:
        return None
    text = text.strip()
    if not text.isdigit() or not text.isascii() or len(text.lstrip("0")) > _MAX_DIGITS:
        return None
    value = int(text)
    return value if value <= MAX_NONCE else None


class NonceTracker:
    """The nonce state of one key: highest accepted nonce and the ones used inside the window."""

    def __init__(self, last_nonce: int = 0) -> None:
        self._lock = threading.Lock()
        self.highest = last_nonce
        self._recent: set[int] = set()
        self._heap: list[int] = []  # the same nonces, lowest first, for pruning
        self._forgotten_below = 0  # nonces below this were pruned for space: refused

    def accept(self, nonce: int, window: int) -> bool:
        """Record `nonce` and return True, or return False if Kraken would refuse it."""
        with self._lock:
            if nonce > self.highest:
                self.highest = nonce
            elif not (
                window > 0
                and nonce >= max(self.highest - window, self._forgotten_below)
                and nonce not in self._recent
            ):
                return False
            self._recent.add(nonce)
            heapq.heappush(self._heap, nonce)
            self._prune(window)
            return True

    def _prune(self, window: int) -> None:
        floor = self.highest - window if window > 0 else self.highest
        while self._heap and (self._heap[0] < floor or len(self._heap) > MAX_RECENT):
            n = heapq.heappop(self._heap)
            self._recent.discard(n)
            if n >= floor:
                self._forgotten_below = max(self._forgotten_below, n + 1)
