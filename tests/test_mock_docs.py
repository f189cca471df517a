"""docs/mock.md describes the mock as it is: its options, fields, faults and defaults."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from kraken_doctor.mock import FAULT_KINDS, LockoutPolicy
from kraken_doctor.mock.accounts import _FIELDS
from kraken_doctor.mock.cli import DEFAULT_HOST, DEFAULT_PORT, register

PAGE = (Path(__file__).resolve().parents[1] / "docs" / "mock.md").read_text(encoding="utf-8")


def _table_first_column(after: str) -> list[str]:
    """The backticked first cells of the body of the first table after the text `after`."""
    lines = PAGE.split(after, 1)[1].splitlines()
    begin = next(i for i, line in enumerate(lines) if line.startswith("|"))
    table = []
    for line in lines[begin:]:
        if not line.startswith("|"):
            break
        table.append(line)
    cells = [re.match(r"\| `([^`]+)`", row) for row in table[2:]]
    return [c.group(1) for c in cells if c]


def test_fault_table_lists_every_fault_kind():
    assert sorted(set(_table_first_column("## Faults"))) == sorted(FAULT_KINDS)


def test_accounts_table_lists_every_field():
    assert sorted(set(_table_first_column("## The accounts file"))) == sorted(_FIELDS)


def test_cli_options_and_defaults():
    parser = argparse.ArgumentParser()
    sub = register(parser.add_subparsers())
    options = {a.option_strings[0] for a in sub._actions if a.option_strings} - {"-h"}
    for option in options:
        assert f"| `{option}" in PAGE, option
    assert f"| `--host` | `{DEFAULT_HOST}` |" in PAGE
    assert f"| `--port` | `{DEFAULT_PORT}` |" in PAGE
    assert f"http://127.0.0.1:{DEFAULT_PORT}" in PAGE


def test_lockout_numbers():
    policy = LockoutPolicy()
    words = {5: "Five", 60: "60 seconds", 900: "15 minutes"}
    assert words[policy.failures] in PAGE
    assert words[int(policy.window)] in PAGE
    assert words[int(policy.duration)] in PAGE


def test_memory_bounds_are_the_codes():
    from kraken_doctor.mock import app, audit, lockout, nonces, server
    from kraken_doctor.mock.accounts import MAX_NONCE_WINDOW

    line = PAGE.split("memory stays bounded", 1)[1].split("\n- ", 1)[0]
    for n in (lockout.MAX_STATES, audit.MAX_RECORDS, nonces.MAX_RECENT, app.MAX_CRASHES):
        assert f"{n:,}" in line
    assert f"idle for {server.IDLE_TIMEOUT:g} seconds" in " ".join(line.split())
    assert f"at most {MAX_NONCE_WINDOW:,}" in PAGE
