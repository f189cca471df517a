"""`kraken-doctor mock`, through register() on our own parser and as a real process."""

from __future__ import annotations

import argparse
import io
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from doctor_support import assert_no_secrets
from kraken_doctor.catalog import load_catalog
from kraken_doctor.mock import MockKraken, demo_accounts
from kraken_doctor.mock.cli import DEFAULT_HOST, DEFAULT_PORT, register
from mock_client import client


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="kraken-doctor")
    register(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(["mock", *argv])


def test_defaults_bind_loopback():
    args = parse()
    assert (args.host, args.port, args.accounts) == (DEFAULT_HOST, DEFAULT_PORT, None)
    assert DEFAULT_HOST == "127.0.0.1" and DEFAULT_PORT == 8765


def test_demo_banner_and_a_working_server():
    out, err = io.StringIO(), io.StringIO()
    seen = {}

    def use(srv: MockKraken) -> None:
        seen["url"] = srv.url
        seen["balance"] = client(srv, "trader").query_private("Balance")

    code = parse("--port", "0").func(parse("--port", "0"), out=out, err=err, wait=use)
    text = out.getvalue()
    assert code == 0 and err.getvalue() == ""
    assert seen["balance"]["error"] == []
    assert f"listening on {seen['url']}" in text
    assert f"set {load_catalog().env_vars.api_url}={seen['url']} for" in text
    for acc in demo_accounts():
        assert acc.name in text and acc.key in text and acc.secret in text and acc.about in text
    assert "Ctrl+C" in text and text.rstrip().endswith("stopped.")


def banner_for_one_key(tmp_path: Path, permissions: str) -> str:
    """Start the mock on an accounts file holding one key, named "mine", with the first demo
    account's key and secret and these permissions, and return the banner it prints."""
    acc = demo_accounts()[0]
    path = tmp_path / "accounts.yml"
    path.write_text(
        f'keys:\n  - {{name: mine, key: "{acc.key}", secret: "{acc.secret}", '
        f"permissions: [{permissions}]}}\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    args = parse("--port", "0", "--accounts", str(path))
    assert args.func(args, out=out, err=io.StringIO(), wait=lambda srv: None) == 0
    return out.getvalue()


def test_accounts_file_keys_are_shown_by_last_four(tmp_path):
    acc = demo_accounts()[0]
    text = banner_for_one_key(tmp_path, "query-funds")
    assert "mine" in text and acc.key[-4:] in text
    assert_no_secrets(text, keys=[acc.key], secrets=[acc.secret])


def test_bad_accounts_file_names_entry_and_field(tmp_path):
    path = tmp_path / "accounts.yml"
    path.write_text("keys:\n  - {name: a, key: K, secret: 'AAAA', permissions: [fly]}\n")
    err = io.StringIO()
    args = parse("--accounts", str(path))
    assert args.func(args, out=io.StringIO(), err=err, wait=lambda srv: None) == 2
    message = err.getvalue()
    assert "keys[0] (name 'a'), field 'permissions': unknown permission 'fly'" in message
    assert "Traceback" not in message


def test_busy_port_is_a_clear_error():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        err = io.StringIO()
        args = parse("--port", str(port))
        assert args.func(args, out=io.StringIO(), err=err, wait=lambda srv: None) == 1
    assert f"cannot listen on 127.0.0.1:{port}" in err.getvalue()
    assert "--port 0" in err.getvalue()


def test_a_host_that_is_not_this_machine_is_named():
    err = io.StringIO()
    args = parse("--host", "192.0.2.1", "--port", "0")
    assert args.func(args, out=io.StringIO(), err=err, wait=lambda srv: None) == 1
    assert "cannot listen on 192.0.2.1:0" in err.getvalue()
    assert "Check --host" in err.getvalue() and "another mock" not in err.getvalue()


def test_port_out_of_range():
    err = io.StringIO()
    args = parse("--port", "70000")
    assert args.func(args, out=io.StringIO(), err=err, wait=lambda srv: None) == 2
    assert "--port 70000" in err.getvalue()


@pytest.mark.skipif(os.name != "posix", reason="sends signals")
@pytest.mark.parametrize(
    "sig,call_first",
    [(signal.SIGINT, True), (signal.SIGINT, False), (signal.SIGTERM, False)],
    ids=["ctrl-c-after-a-call", "ctrl-c-right-after-the-banner", "sigterm"],
)
def test_ctrl_c_stops_the_process_cleanly(sig, call_first):
    src = Path(__file__).resolve().parents[1] / "src"
    env = {**os.environ, "PYTHONPATH": str(src), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "kraken_doctor.mock", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("Press Ctrl+C"):
                break
        if call_first:
            url = lines[0].split("listening on ", 1)[1].strip()
            accounts = {a.name: a for a in demo_accounts()}
            srv_like = type("S", (), {"url": url, "accounts": accounts})
            assert client(srv_like, "trader").query_private("Balance")["error"] == []
        # The banner's last line comes once the server is up, and from then on the signal
        # stops it cleanly whenever it arrives: wait for the exit itself, however loaded the
        # machine is (the long timeout only keeps a hung process from hanging the suite).
        proc.send_signal(sig)
        rest, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert "stopped" in rest
    assert "Traceback" not in err


def test_forbidden_permissions_are_flagged_in_the_banner(tmp_path):
    text = banner_for_one_key(tmp_path, "query-funds, withdraw-funds, add-withdraw-address")
    warnings = [line for line in text.splitlines() if "Warning:" in line]
    forbidden = {p.id for p in load_catalog().forbidden_permissions}
    assert {w.split()[1] for w in warnings} == {"withdraw-funds", "add-withdraw-address"} & (
        forbidden
    )
    assert any("Funds permissions - Withdraw" in w for w in warnings)
