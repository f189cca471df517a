"""`kraken-doctor mock`: run the mock Kraken API in the foreground until Ctrl+C.

The main CLI (kraken_doctor.cli) calls `register(subparsers)`; `python -m kraken_doctor.mock`
uses the same code. The demo keys are fake and printed in full so a person can paste them
into a script; keys from a user's own accounts file are shown by their last 4 characters.
"""

from __future__ import annotations

import argparse
import errno
import ipaddress
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import TextIO

from kraken_doctor.catalog import load_catalog
from kraken_doctor.mock.accounts import Account, AccountsFileError, demo_accounts
from kraken_doctor.mock.accounts import load_accounts as _load_accounts
from kraken_doctor.mock.server import MockKraken
from kraken_doctor.protocol import mask_key

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the `mock` subcommand; its handler is in the parser's defaults as `func`."""
    parser = subparsers.add_parser(
        "mock",
        help="run a mock Kraken API on this machine (fake keys, no real money)",
        description=(
            "Run a Kraken-compatible REST API on this machine. It checks signatures, nonces "
            "and permissions like Kraken does. Without --accounts it uses the built-in demo "
            "keys and prints them. Stop it with Ctrl+C."
        ),
    )
    parser.add_argument(
        "--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST})"
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 = any)"
    )
    parser.add_argument(
        "--accounts", metavar="FILE", help="YAML accounts file (see the mock page of the docs)"
    )
    parser.set_defaults(func=run)
    return parser


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _stop_on_signals() -> None:
    """Ctrl+C (SIGINT) and SIGTERM (docker stop, kill) both arrive as KeyboardInterrupt, which
    `run` catches. Set before the banner: whoever reads "Press Ctrl+C" may send one at once."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started ignoring it
        signal.signal(signal.SIGTERM, _interrupt)


def _wait_for_ctrl_c() -> None:
    """Serve until a signal stops the process (see `_stop_on_signals`)."""
    while True:
        time.sleep(3600)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _banner(srv: MockKraken, accounts: list[Account], demo: bool, out: TextIO) -> None:
    cat = load_catalog()
    env = cat.env_vars
    forbidden = {p.id: p for p in cat.forbidden_permissions}
    w = out.write
    w(f"Mock Kraken API listening on {srv.url}\n")
    w(f"Every key below works only against this mock, never against {env.default_api_url}.\n\n")
    for acc in accounts:
        slugs = ", ".join(acc.permissions) or "(none)"
        w(f"  {acc.name}\n")
        if acc.about:
            w(f"    {acc.about}\n")
        if demo:
            w(f"    API key:     {acc.key}\n")
            w(f"    Private key: {acc.secret}\n")
        else:
            w(f"    API key:     {mask_key(acc.key)} (the secret stays in your accounts file)\n")
        w(f"    Permissions: {slugs}\n")
        for pid in (p for p in acc.permissions if p in forbidden):
            label = f"{cat.group(forbidden[pid].group).label} - {forbidden[pid].label}"
            w(f"    Warning:     {pid} ({label}) is on; no bot key should have it\n")
        if acc.otp is not None and demo:
            w(f"    2FA:         send otp={acc.otp} with every private call\n")
        w("\n")
    w("Point a client at it, for example krakenex:\n")
    w(f"    api = krakenex.API(key, secret); api.uri = '{srv.url}'\n")
    w(f"or set {env.api_url}={srv.url} for Kraken Doctor's snippets and checks.\n")
    w("Press Ctrl+C to stop.\n")
    out.flush()


def run(
    args: argparse.Namespace,
    out: TextIO | None = None,
    err: TextIO | None = None,
    wait: Callable[[MockKraken], None] | None = None,
) -> int:
    """Start the mock, print how to use it, serve until Ctrl+C; the exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    demo = args.accounts is None
    try:
        accounts = demo_accounts() if demo else _load_accounts(args.accounts)
    except AccountsFileError as exc:
        err.write(f"kraken-doctor mock: {exc}\n")
        return 2
    if not 0 <= args.port <= 65535:
        err.write(f"kraken-doctor mock: --port {args.port} is not a port (0-65535)\n")
        return 2
    srv = MockKraken(accounts, host=args.host, port=args.port)
    try:
        srv.start()
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            hint = "Is another mock already running? Try --port 0 for any free port."
        else:
            hint = f"Check --host: use {DEFAULT_HOST} (the default) or an address of this machine."
        err.write(
            f"kraken-doctor mock: cannot listen on {args.host}:{args.port}: {exc.strerror}. "
            f"{hint}\n"
        )
        return 1
    try:
        if not _is_loopback(args.host):
            err.write(
                f"Warning: listening on {args.host}, not only on this machine; anyone who can "
                "reach it can use these keys (they are fake, but the mock is not hardened).\n"
            )
        if wait is None:
            _stop_on_signals()
        _banner(srv, accounts, demo, out)
        (wait or (lambda _srv: _wait_for_ctrl_c()))(srv)
    except KeyboardInterrupt:
        pass  # Ctrl+C or SIGTERM, whenever it comes once the server is up: a clean stop
    finally:
        srv.stop()
    out.write("Mock Kraken API stopped.\n")
    out.flush()
    return 0


def main(argv: list[str] | None = None) -> int:
    """`python -m kraken_doctor.mock [--host H] [--port P] [--accounts FILE]`."""
    parser = argparse.ArgumentParser(prog="kraken-doctor")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["mock", *(sys.argv[1:] if argv is None else argv)])
    return int(args.func(args))
