"""Benchmark (not a test): the mock's memory before and after 10,000 hostile requests.

The mock runs in its own process (`python -m kraken_doctor.mock --port 0`, on 127.0.0.1
only), so its resident memory is measured alone, from /proc. The requests mix the three
kinds of input that used to grow it without bound (fuzz findings F3, F8): a new 4 KB API
key on every call (the lockout table), a new 8 KB unknown path (the audit log), and JSON
nested 3,000 deep under a public demo key (the crash list). `make bench` prints `report()`;
run it alone with `python -m bench.mock_memory [requests]`.
"""

from __future__ import annotations

import re
import secrets
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests

from kraken_doctor.mock import demo_accounts

REQUESTS = 10_000
KINDS = ("new 4 KB key", "new 8 KB unknown path", "JSON 3,000 deep")


@dataclass
class Result:
    requests: int
    seconds: float
    rss_before_kib: int
    rss_after_kib: int
    peak_kib: int
    answers: Counter[str] = field(default_factory=Counter)


def _memory(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of `pid` in KiB, from /proc (Linux)."""
    status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    rss = int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1))  # type: ignore[union-attr]
    hwm = int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.M).group(1))  # type: ignore[union-attr]
    return rss, hwm


@contextmanager
def _mock_process() -> Iterator[tuple[subprocess.Popen[str], str]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "kraken_doctor.mock", "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        url = ""
        for _ in range(5):  # the first banner line names the URL
            m = re.search(r"listening on (http://127\.0\.0\.1:\d+)", proc.stdout.readline())
            if m:
                url = m.group(1)
                break
        if not url:
            raise RuntimeError("the mock did not start")
        yield proc, url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _send(session: requests.Session, url: str, i: int, demo_key: str) -> str:
    kind = i % len(KINDS)
    if kind == 0:
        headers = {"API-Key": secrets.token_urlsafe(3072), "API-Sign": "AAAA"}
        res = session.post(f"{url}/0/private/Balance", data="nonce=1", headers=headers, timeout=10)
    elif kind == 1:
        res = session.get(f"{url}/0/private/{secrets.token_hex(4096)}", timeout=10)
    else:
        body = '{"nonce": "1", "x": ' + "[" * 3000 + "]" * 3000 + "}"
        headers = {"API-Key": demo_key, "API-Sign": "AAAA", "Content-Type": "application/json"}
        res = session.post(f"{url}/0/private/Balance", data=body, headers=headers, timeout=10)
    try:
        return ",".join(res.json()["error"])
    except ValueError:
        return f"HTTP {res.status_code}"


def run(count: int = REQUESTS) -> Result:
    """Send `count` hostile requests to a fresh mock process; its memory before and after."""
    demo_key = demo_accounts()[0].key
    with _mock_process() as (proc, url), requests.Session() as session:
        for _ in range(20):  # warm up: the first answers load code, not state
            session.get(f"{url}/0/public/Time", timeout=10)
        before, _peak = _memory(proc.pid)
        answers: Counter[str] = Counter()
        started = time.perf_counter()
        for i in range(count):
            answers[_send(session, url, i, demo_key)] += 1
        seconds = time.perf_counter() - started
        after, peak = _memory(proc.pid)
    return Result(count, seconds, before, after, peak, answers)


def report(count: int = REQUESTS) -> str:
    r = run(count)
    lines = [
        f"{r.requests:,} requests ({', '.join(KINDS)}, in turn) in {r.seconds:.1f} s",
        f"mock RSS: {r.rss_before_kib / 1024:.1f} MiB before, {r.rss_after_kib / 1024:.1f} MiB "
        f"after ({(r.rss_after_kib - r.rss_before_kib) / 1024:+.1f} MiB); "
        f"peak {r.peak_kib / 1024:.1f} MiB",
        "answers: " + "; ".join(f"{n:,} x {a}" for a, n in r.answers.most_common()),
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(report(int(sys.argv[1]) if len(sys.argv) > 1 else REQUESTS), end="")
