"""A spot check that the snippet tests bite: break one line of a snippet, in a copy, and the
same expectation the snippet tests hold must no longer be met.

Coverage proves every line ran; these prove a few lines that matter most are also judged.
"""

from __future__ import annotations

import importlib.util
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from tests.snippets.support import ENV, master_env, user_env

from kraken_doctor.catalog import load_catalog
from kraken_doctor.links import find_error
from kraken_doctor.snippet_runs import PROJECT_DIR, execute

CAT = load_catalog()


def broken_copy(tmp_path: Path, name: str, line: str, replacement: str) -> Path:
    """A project directory whose snippets/<name>.py has `line` replaced (it must exist once)."""
    shutil.copytree(PROJECT_DIR / "snippets", tmp_path / "snippets")
    path = tmp_path / "snippets" / f"{name}.py"
    text = path.read_text(encoding="utf-8")
    assert text.count(line) == 1, f"the line to break is not in {name}.py once: {line!r}"
    path.write_text(text.replace(line, replacement), encoding="utf-8")
    return tmp_path


def load(project: Path, name: str):
    spec = importlib.util.spec_from_file_location(
        f"broken_{name}", project / "snippets" / f"{name}.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_wrong_usdt_figure_is_caught(tmp_path, kraken_mock):
    project = broken_copy(
        tmp_path, "connection_test", 'Decimal(balances.get("USDT", "0"))', 'Decimal("0")'
    )
    trader = kraken_mock.accounts["trader"]
    run = execute("connection_test", [], master_env(trader, kraken_mock.url), project)
    usdt = Decimal(trader.balances["USDT"])
    assert run.returncode == 0 and f"USDT Balance: ${usdt:.2f}" not in run.output


def test_a_shared_key_that_is_not_flagged_is_caught(tmp_path, kraken_mock):
    project = broken_copy(tmp_path, "balance_check", "if len(sharing) > 1:", "if len(sharing) > 2:")
    trader = kraken_mock.accounts["trader"]
    env = {**master_env(trader, kraken_mock.url), **user_env("alice_example", trader)}
    run = execute("balance_check", [], env, project)
    assert "use the same API key" not in run.output and run.returncode == 0


def test_probing_cancel_through_cancelorder_alone_is_caught(tmp_path, kraken_mock, make_account):
    project = broken_copy(
        tmp_path,
        "permission_check",
        'if permission == "close-trades" and found["modify-trades"]:',
        "if False:",
    )
    kraken_mock.set_fault("no-getapikeyinfo")
    key = make_account([p.id for p in CAT.required_permissions if p.id != "close-trades"])
    run = execute("permission_check", [], master_env(key, kraken_mock.url), project)
    assert "[x] Orders and trades > Cancel & close orders" in run.output  # wrongly ticked


def test_a_padding_check_that_misses_is_caught(tmp_path):
    project = broken_copy(tmp_path, "env_check", "len(value) % 4:", "len(value) % 2:")
    secret = "A" * 86  # 64 bytes of base64 without its "=="
    run = execute("env_check", [], {ENV.master.key: "K" * 56, ENV.master.secret: secret}, project)
    assert "is cut short" not in run.output


def test_a_nonce_that_can_repeat_is_caught(tmp_path):
    project = broken_copy(
        tmp_path, "nonce_safe_client", "max(NonceSafeAPI._last + 1,", "max(NonceSafeAPI._last,"
    )
    snip = load(project, "nonce_safe_client")

    class Frozen:
        time_ns = staticmethod(lambda: 1_767_225_600_000_000_000)

    snip.time = Frozen
    api = snip.NonceSafeAPI("k", "c2VjcmV0")
    assert api._nonce() == api._nonce(), "the broken copy repeats its nonce"


@pytest.mark.parametrize("text", ["EGeneral:Invalid arguments:Index unavailable"])
def test_matching_a_short_spelling_first_is_caught(tmp_path, text):
    project = broken_copy(
        tmp_path,
        "error_link",
        "spellings.sort(key=lambda pair: len(pair[0]), reverse=True)",
        "spellings.sort(key=lambda pair: len(pair[0]))",
    )
    assert load(project, "error_link").find(text) != find_error(text).string
