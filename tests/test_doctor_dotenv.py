"""`.env` as the bot reads it: python-dotenv's `load_dotenv()`, line for line.

The parity test runs the bot's own loader in a child process with a known environment and
compares what it put in `os.environ` with what the doctor reads, on the lines that trip up
hand-written parsers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kraken_doctor.catalog import load_catalog
from kraken_doctor.doctor.check import CheckOptions, run_check
from kraken_doctor.doctor.dotenv import parse_dotenv, read_dotenv

CAT = load_catalog()
MASTER_KEY, MASTER_SECRET = CAT.env_vars.master.key, CAT.env_vars.master.secret

TRICKY = {
    "export": "export A=plain\n",
    "export-spaces": "export   B = spaced  \n",
    "inline-comment": "C=value # a comment\n",
    "only-a-comment": "D=  # only a comment\n",
    "hash-without-space": "E=abc#def\n",
    "single-quotes": "F='single # kept'\n",
    "double-quotes-escapes": 'G="a \\"quoted\\" word\\nnext"\n',
    "quoted-then-comment": 'H="quoted" # note\n',
    "multi-line": 'I="first\nsecond"\n',
    "interpolation-file": "J=one\nK=${J}-two\n",
    "interpolation-env": "L=${PRESET}/x\n",
    "interpolation-missing": "M=${NOT_SET_ANYWHERE}end\n",
    "env-wins": "PRESET=from-file\n",
    "bare-name": "N\n",
    "empty": "O=\n",
    "crlf": "P=crlf\r\nQ=next\r\n",
    "bom": "\ufeffR=after-bom\nS=second\n",
    "unterminated-quote": "T='never closed\nU=after\n",
    "digit-first-name": "1V=digit\n",
    "later-wins": "W=first\nW=second\n",
    "key-shaped": f"{MASTER_KEY}=abc/def+ghi==\n",
}


def _bot_loads(tmp_path: Path, text: str) -> dict[str, str]:
    """What python-dotenv's load_dotenv() adds to a process environment, as the bot runs it."""
    (tmp_path / ".env").write_bytes(text.encode("utf-8"))
    script = (
        "import json, os\n"
        "before = dict(os.environ)\n"
        "from dotenv import load_dotenv\n"
        "load_dotenv(os.path.join(os.getcwd(), '.env'))\n"
        "print(json.dumps({k: v for k, v in os.environ.items() if before.get(k) != v}))\n"
    )
    env = {"PATH": os.environ.get("PATH", ""), "PRESET": "from-env"}
    proc = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(proc.stdout)


@pytest.mark.parametrize("text", TRICKY.values(), ids=TRICKY.keys())
def test_the_doctor_reads_dotenv_as_the_bots_loader_does(tmp_path: Path, text: str) -> None:
    environ = {"PRESET": "from-env"}
    bot = _bot_loads(tmp_path, text)
    doctor = read_dotenv(tmp_path, environ).values
    # What the bot sees: the file's values for every name not already in the environment.
    seen = {k: v for k, v in doctor.items() if k not in environ}
    assert seen == bot


def test_an_export_line_alone_sets_the_variable(tmp_path: Path) -> None:
    """M06: `export NAME=value` on its own line (no later plain line to hide it)."""
    assert parse_dotenv("export A=plain\n", {}) == {"A": "plain"}
    (tmp_path / ".env").write_text(
        f"export {MASTER_KEY}=k\nexport {MASTER_SECRET}=s\n", encoding="utf-8"
    )
    rep = run_check(CheckOptions(accounts=["MASTER"], environ={}, cwd=tmp_path))
    codes = {f.code for f in rep.accounts[0].findings}
    assert "variables-found" in codes and "variable-missing" not in codes


def test_a_byte_order_mark_is_read_past_as_the_bot_does(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"\ufeff{MASTER_KEY}=k\n", encoding="utf-8")
    found = read_dotenv(tmp_path, {})
    assert found.values == {MASTER_KEY: "k"} and found.problems == []


def test_a_dotenv_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    (tmp_path / ".env").write_bytes(b"A=caf\xe9\n")
    assert [f.code for f in read_dotenv(tmp_path, {}).problems] == ["dotenv-not-utf8"]


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_dotenv_that_is_a_fifo_or_a_device_is_not_read(tmp_path: Path, kind: str) -> None:
    """Reading a FIFO blocks forever and /dev/zero never ends: the check names the file."""
    path = tmp_path / ".env"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    rep = run_check(CheckOptions(accounts=["MASTER"], environ={}, cwd=tmp_path))
    [f] = [f for f in rep.findings if f.code == "dotenv-not-a-file"]
    assert str(path) in f.message and f.status == "fail"
    assert rep.exit_code == 1
