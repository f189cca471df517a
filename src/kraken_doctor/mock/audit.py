"""The audit log: one record per request, so a test can prove a client changed nothing.

Records hold the key's account name, never the key or its secret. Memory stays bounded: the
log keeps the latest `MAX_RECORDS` records, and every state-changing record apart (up to
`MAX_RECORDS` of them too), so "nothing changed" cannot be lost to eviction; `dropped` says
how many records were evicted. A method name longer than `MAX_METHOD` (an unknown path) is cut.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass

MAX_RECORDS = 10_000
MAX_METHOD = 100


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
        self._records: deque[AuditRecord] = deque(maxlen=MAX_RECORDS)
        self._changes: deque[AuditRecord] = deque(maxlen=MAX_RECORDS)
        self.dropped = 0

    def add(self, record: AuditRecord) -> None:
        if len(record.method) > MAX_METHOD:
            record = AuditRecord(
                record.time,
                record.key_name,
                record.method[:MAX_METHOD] + "...",
                record.outcome,
                record.state_changed,
            )
        with self._lock:
            if len(self._records) == MAX_RECORDS:
                self.dropped += 1
            self._records.append(record)
            if record.state_changed:
                self._changes.append(record)

    def records(self) -> list[AuditRecord]:
        with self._lock:
            return list(self._records)

    def changes(self) -> list[AuditRecord]:
        """Every state-changing record kept (also those evicted from `records`)."""
        with self._lock:
            return list(self._changes)

    def __len__(self) -> int:
        with self._lock:
            return len(self._records)

    def clear(self) -> None:
        with self._lock:
            self._records.clear()
            self._changes.clear()
            self.dropped = 0
