"""`kraken-doctor`: check a bot's Kraken key, explain an error, run a demo, run the mock.

The console script. Argument errors exit 2 with argparse's usage message; everything else
ends with a message that names what to fix, never with a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from kraken_doctor import __version__
from kraken_doctor.catalog import CatalogError, load_catalog
from kraken_doctor.doctor import auth
from kraken_doctor.doctor import explain as explain_mod
from kraken_doctor.doctor import report as report_mod
from kraken_doctor.doctor.check import ALL, CheckOptions, run_check
from kraken_doctor.doctor.client import DEFAULT_TIMEOUT
from kraken_doctor.doctor.credentials import MASTER, MASTER_LABEL, label


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= 300:
        raise argparse.ArgumentTypeError("give a number of seconds between 0 and 300")
    return value


def _add_check(sub: argparse._SubParsersAction) -> None:
    cat = load_catalog()
    env = cat.env_vars
    p = sub.add_parser(
        "check",
        help="diagnose the bot's Kraken key(s): credentials, network, auth, permissions",
        description=(
            "Run the troubleshooting guide against Kraken: find the bot's variables, check "
            "their values, reach Kraken, authenticate, read the key's permissions, and say "
            "which boxes to tick or untick, for every account the bot would load (or the ones "
            "--account names). It never places an order or moves money. "
            "Exit 0: every account is well; 1: problems found; 2: the check could not run."
        ),
    )
    user = env.example_users[0]
    p.add_argument(
        "--account",
        action="append",
        metavar="NAME",
        help=(
            f"the account as the bot's log names it: {MASTER_LABEL} ({env.master.key}) or "
            f"{label(user)} ({env.for_user(user)[0]}); '{MASTER}' and '{user}' work too; repeat "
            f"or separate with commas (default '{ALL}': every account the bot would load)"
        ),
    )
    p.add_argument("--json", action="store_true", help="print JSON (schema: --json-schema)")
    p.add_argument("--json-schema", action="store_true", help="print the JSON schema and exit")
    p.add_argument(
        "--otp",
        metavar="CODE",
        help=f"one-time password for a key with API 2FA (or set {auth.OTP_ENV}); never printed",
    )
    p.add_argument(
        "--url",
        metavar="URL",
        help=f"API base URL (default: {env.api_url}, else {env.default_api_url})",
    )
    p.add_argument(
        "--timeout",
        type=_positive,
        metavar="SECONDS",
        default=DEFAULT_TIMEOUT,
        help=f"deadline in seconds for each call, its whole answer included "
        f"(default {DEFAULT_TIMEOUT:g})",
    )
    p.add_argument(
        "--tier",
        choices=[t.id for t in cat.rate_tiers],
        default="starter",
        help="the account's verification tier, for the rate-limit budget (default starter)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    p.set_defaults(func=_run_check)


def _accounts(values: list[str] | None) -> list[str]:
    """The names given to --account; none means every account the bot would load."""
    out: list[str] = []
    for v in values or []:
        out.extend(a.strip() for a in v.split(",") if a.strip())
    return out or [ALL]


def _run_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.json_schema:
        out.write(json.dumps(report_mod.JSON_SCHEMA, indent=2) + "\n")
        return 0
    show_progress = not args.quiet and report_mod.is_terminal(err)

    def progress(line: str) -> None:
        err.write(line + "\n")
        err.flush()

    opts = CheckOptions(
        accounts=_accounts(args.account),
        api_url=args.url,
        otp=args.otp or os.environ.get(auth.OTP_ENV) or None,
        timeout=args.timeout,
        tier=args.tier,
        progress=progress if show_progress else None,
    )
    rep = run_check(opts)
    out.write(report_mod.render(rep, args.json, report_mod.use_color(out)))
    return rep.exit_code


def _add_explain(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "explain",
        help="explain a Kraken error or a whole log line: meaning, fix, URL",
        description="Paste a Kraken error or the whole log line; exit 1 if no known error.",
    )
    example = load_catalog().errors[0].string
    p.add_argument("text", nargs="+", help=f'e.g. "{example}" (quote it)')
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_run_explain)


def _run_explain(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    data, code = explain_mod.explain(" ".join(args.text))
    (out if code == 0 or args.json else err).write(explain_mod.render(data, args.json))
    return code


def _add_demo(sub: argparse._SubParsersAction) -> None:
    from kraken_doctor.demo import DEFAULT_SCENARIO, SCENARIOS

    lines = "\n".join(f"  {name:<18} {s.about}" for name, s in SCENARIOS.items())
    p = sub.add_parser(
        "demo",
        help="run the check against a built-in mock Kraken in a chosen scenario (no key needed)",
        description="Start an embedded mock Kraken API, set up a scenario and run the check "
        "against it. Scenarios:\n" + lines,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--scenario",
        default=DEFAULT_SCENARIO,
        metavar="NAME",
        help=f"one of: {', '.join(SCENARIOS)} (default {DEFAULT_SCENARIO})",
    )
    p.add_argument("--json", action="store_true", help="print the check's JSON")
    p.add_argument("--list", action="store_true", help="list the scenarios and exit")
    p.set_defaults(func=_run_demo)


def _run_demo(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from kraken_doctor.demo import SCENARIOS, run_scenario

    if args.list:
        for name, s in SCENARIOS.items():
            out.write(f"{name:<18} {s.about}\n")
        return 0
    if args.scenario not in SCENARIOS:
        err.write(
            f"kraken-doctor demo: unknown scenario {args.scenario[:40]!r}; "
            f"choose one of: {', '.join(SCENARIOS)}\n"
        )
        return 2
    text, code = run_scenario(args.scenario, json=args.json)
    out.write(text)
    return code


def _add_mock(sub: argparse._SubParsersAction) -> None:
    try:
        from kraken_doctor.mock.cli import register
    except ImportError:  # an install without the mock: the other commands still work
        return
    register(sub)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kraken-doctor",
        description="Find out why a trading bot's Kraken API key fails, and how to fix it.",
    )
    parser.add_argument("--version", action="version", version=f"kraken-doctor {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_check(sub)
    _add_explain(sub)
    _add_demo(sub)
    _add_mock(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    out, err = sys.stdout, sys.stderr
    try:
        parser = build_parser()
    except CatalogError as exc:
        err.write(f"kraken-doctor: {exc}\n")
        return 2
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(err)
        return 2
    try:
        return int(args.func(args, out, err) or 0)
    except KeyboardInterrupt:
        err.write("kraken-doctor: interrupted\n")
        return 130
    except CatalogError as exc:
        err.write(f"kraken-doctor: {exc}\n")
        return 2
    except Exception as exc:  # a bug of ours: say so, but never dump values (they may be keys)
        err.write(
            f"kraken-doctor: internal error ({type(exc).__name__}); please report it with the "
            "command you ran (never include your keys).\n"
        )
        return 2


if __name__ == "__main__":
    sys.exit(main())
