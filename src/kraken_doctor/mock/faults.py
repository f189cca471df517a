"""Fault injection: the failures a bot meets in production, on demand.

A fault is set server-wide (key_name None) or for one account; a per-key fault applies to
requests whose API-Key header names that account. `FAULT_KINDS` lists the kinds and what
each does; `set_fault` refuses anything else with a message naming the valid kinds.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

FAULT_KINDS: dict[str, str] = {
    "unavailable": "every call answers EService:Unavailable",
    "busy": "every call answers EService:Busy",
    "http-5xx": "HTTP 502 (opts: status=502|503|520|...) with an HTML page, like a CDN error",
    "slow": "wait before answering (opts: seconds=float), to test client timeouts",
    "drop": "close the connection without sending a response",
    "no-getapikeyinfo": "GetApiKeyInfo answers EGeneral:Unknown method, like an older server",
    "maintenance": (
        "SystemStatus reports a status (opts: status=maintenance|cancel_only|post_only); "
        "private calls follow it (maintenance: EService:Unavailable; cancel_only: no new "
        "orders; post_only: only post-only limit orders)"
    ),
}

MAINTENANCE_STATUSES = ("maintenance", "cancel_only", "post_only")


class FaultError(ValueError):
    """An unknown fault kind or a bad option; the message says what is allowed."""


@dataclass(frozen=True)
class Fault:
    kind: str
    opts: dict[str, Any] = field(default_factory=dict)


def make_fault(kind: str, **opts: Any) -> Fault:
    """Validate a fault's kind and options."""
    if kind not in FAULT_KINDS:
        raise FaultError(f"unknown fault kind {kind!r}; choose one of: {', '.join(FAULT_KINDS)}")
    allowed = {"http-5xx": {"status"}, "slow": {"seconds"}, "maintenance": {"status"}}
    extra = set(opts) - allowed.get(kind, set())
    if extra:
        raise FaultError(f"fault {kind!r} takes no option(s) {sorted(extra)}")
    if kind == "http-5xx":
        status = int(opts.get("status", 502))
        if not 500 <= status <= 599:
            raise FaultError(f"fault 'http-5xx': status must be 500-599, not {status}")
        opts = {"status": status}
    elif kind == "slow":
        seconds = float(opts.get("seconds", 5.0))
        if seconds < 0:
            raise FaultError("fault 'slow': seconds must be 0 or more")
        opts = {"seconds": seconds}
    elif kind == "maintenance":
        status = opts.get("status", "maintenance")
        if status not in MAINTENANCE_STATUSES:
            raise FaultError(
                f"fault 'maintenance': status must be one of {', '.join(MAINTENANCE_STATUSES)}"
            )
        opts = {"status": status}
    return Fault(kind, opts)


class Faults:
    """The active faults: server-wide ones under None, per-key ones under the account name."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._active: dict[str | None, dict[str, Fault]] = {}

    def set(self, fault: Fault, key_name: str | None = None) -> None:
        with self._lock:
            self._active.setdefault(key_name, {})[fault.kind] = fault

    def clear(self) -> None:
        with self._lock:
            self._active.clear()

    def get(self, kind: str, key_name: str | None = None) -> Fault | None:
        """The fault of this kind for the key (a per-key fault wins), or the server-wide one."""
        with self._lock:
            if key_name is not None and kind in self._active.get(key_name, {}):
                return self._active[key_name][kind]
            return self._active.get(None, {}).get(kind)
