"""Benchmark (not a test): what the doctor costs a key, per demo scenario, on both paths.

For each scenario the check runs twice against a fresh mock: as the scenario is (the
GetApiKeyInfo path) and with GetApiKeyInfo removed (the fallback probe plan). Printed per
run: private calls, REST counter points, wall time, exit code, and the state changes the
mock's audit log recorded (always 0). `make bench` calls `bench()`; run it alone with
`python -m bench.doctor`.
"""

from __future__ import annotations

from typing import Any

from kraken_doctor.demo import SCENARIOS, run_in_mock


def bench(scenarios: list[str] | None = None) -> list[dict[str, Any]]:
    rows = []
    for name in scenarios or list(SCENARIOS):
        for fallback in (False, True):
            run = run_in_mock(name, fallback=fallback)
            acc = run.report.accounts[0] if run.report.accounts else None
            rows.append(
                {
                    "scenario": name,
                    "path": "fallback" if fallback else "GetApiKeyInfo",
                    "permission_method": acc.permission_method if acc else None,
                    "private_calls": acc.private_calls if acc else 0,
                    "counter_points": acc.counter_points if acc else 0,
                    "wall_ms": round(run.seconds * 1000, 1),
                    "exit_code": run.report.exit_code,
                    "state_changes": len(run.state_changes),
                }
            )
    return rows


def format_table(rows: list[dict[str, Any]]) -> str:
    head = (
        "scenario",
        "path",
        "read with",
        "private calls",
        "points",
        "wall ms",
        "exit",
        "changes",
    )
    body = [
        (
            r["scenario"],
            r["path"],
            r["permission_method"] or "-",
            str(r["private_calls"]),
            str(r["counter_points"]),
            f"{r['wall_ms']:.1f}",
            str(r["exit_code"]),
            str(r["state_changes"]),
        )
        for r in rows
    ]
    widths = [max(len(x) for x in col) for col in zip(head, *body, strict=False)]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)).rstrip()
        for row in [head, *body]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "Kraken Doctor: calls per scenario against the mock\n" + "\n".join(lines) + "\n"


def main() -> int:
    print(format_table(bench()), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
