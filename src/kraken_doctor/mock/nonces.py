"""Per-key nonce bookkeeping, as Kraken describes it (kraken-api.md sections 6.1, 6.2).

A nonce is accepted when it is above the highest nonce the key has used. With a nonce window
of N, a nonce up to N below the highest is still accepted once (to absorb network
reordering); the window is counted in nonce units, not seconds. Check and update happen
under the key's lock so two threads cannot both use the same nonce.
"""

from __future__ import annotations

import threading

MAX_NONCE = 2**64 - 1


def parse_nonce(text: str | None) -> int | None:
    """The nonce as an unsigned 64-bit integer, or None if it is missing or not one."""
    if text is None:
        return None
    text = text.strip()
    if not text.isdigit() or not text.isascii():
        return None
    value = int(text)
    return value if value <= MAX_NONCE else None


class NonceTracker:
    """The nonce state of one key: highest accepted nonce and the ones used inside the window."""

    def __init__(self, last_nonce: int = 0) -> None:
        self._lock = threading.Lock()
        self.highest = last_nonce
        self._recent: set[int] = set()

    def accept(self, nonce: int, window: int) -> bool:
        """Record `nonce` and return True, or return False if Kraken would refuse it."""
        with self._lock:
            if nonce > self.highest:
                self.highest = nonce
                self._recent.add(nonce)
                if window > 0:
                    floor = self.highest - window
                    self._recent = {n for n in self._recent if n >= floor}
                else:
                    self._recent = {nonce}
                return True
            if window > 0 and nonce >= self.highest - window and nonce not in self._recent:
                self._recent.add(nonce)
                return True
            return False
