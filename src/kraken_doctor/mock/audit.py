"""The audit log: one record per request, so a test can prove a client changed nothing.

Records hold the key's account name, never the key or its secret.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class AuditRecord:
    time: float
    key_name: str | None
    method: str
    outcome: str  # "ok" or the Kraken error string (or "http-502", "dropped" for faults)
    state_changed: bool


class AuditLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[AuditRecord] = []

    def add(self, record: AuditRecord) -> None:
        with self._lock:
            self._records.append(record)

    def records(self) -> list[AuditRecord]:
        with self._lock:
            return list(self._records)

    def clear(self) -> None:
        with self._lock:
            self._records.clear()
