"""`kraken-doctor`: check a bot's Kraken key, explain an error, run a demo, run the mock.

The console script. Argument errors exit 2 with argparse's usage message; everything else
ends with a message that names what to fix, never with a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from kraken_doctor import __version__

# The doctor, the mock and the catalog are imported by the command that runs, never here:
# `kraken-doctor --version` and `--help` answer before any of them is loaded.

#: each command's line in `kraken-doctor --help` (the mock's is its own register()'s: a test
#: compares the lazy parser's help with the fully built one)
HELP = {
    "check": "diagnose the bot's Kraken key(s): credentials, network, auth, permissions",
    "explain": "explain a Kraken error or a whole log line: meaning, fix, URL",
    "demo": "run the check against a built-in mock Kraken in a chosen scenario (no key needed)",
    "mock": "run a mock Kraken API on this machine (fake keys, no real money)",
}
Builder = Callable[[Any], argparse.ArgumentParser]


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= 300:
        raise argparse.ArgumentTypeError("give a number of seconds between 0 and 300")
    return value


def _add_check(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from kraken_doctor.catalog import load_catalog
    from kraken_doctor.doctor import auth
    from kraken_doctor.doctor.client import DEFAULT_TIMEOUT
    from kraken_doctor.doctor.credentials import ALL, MASTER, MASTER_LABEL, label

    cat = load_catalog()
    env = cat.env_vars
    p = sub.add_parser(
        "check",
        help=HELP["check"],
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
    return p


def _accounts(values: list[str] | None) -> list[str]:
    """The names given to --account; none means every account the bot would load."""
    from kraken_doctor.doctor.credentials import ALL

    out: list[str] = []
    for v in values or []:
        out.extend(a.strip() for a in v.split(",") if a.strip())
    return out or [ALL]


def _run_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from kraken_doctor.doctor import auth, check
    from kraken_doctor.doctor import report as report_mod

    if args.json_schema:
        out.write(json.dumps(report_mod.JSON_SCHEMA, indent=2) + "\n")
        return 0
    show_progress = not args.quiet and report_mod.is_terminal(err)

    def progress(line: str) -> None:
        err.write(line + "\n")
        err.flush()

    opts = check.CheckOptions(
        accounts=_accounts(args.account),
        api_url=args.url,
        otp=args.otp or os.environ.get(auth.OTP_ENV) or None,
        timeout=args.timeout,
        tier=args.tier,
        progress=progress if show_progress else None,
    )
    rep = check.run_check(opts)
    out.write(report_mod.render(rep, args.json, report_mod.use_color(out)))
    return rep.exit_code


def _add_explain(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from kraken_doctor.catalog import load_catalog

    p = sub.add_parser(
        "explain",
        help=HELP["explain"],
        description="Paste a Kraken error or the whole log line; exit 1 if no known error.",
    )
    example = load_catalog().errors[0].string
    p.add_argument("text", nargs="+", help=f'e.g. "{example}" (quote it)')
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_run_explain)
    return p


def _run_explain(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from kraken_doctor.doctor import explain as explain_mod

    data, code = explain_mod.explain(" ".join(args.text))
    (out if code == 0 or args.json else err).write(explain_mod.render(data, args.json))
    return code


def _add_demo(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from kraken_doctor.demo import DEFAULT_SCENARIO, SCENARIOS

    lines = "\n".join(f"  {name:<18} {s.about}" for name, s in SCENARIOS.items())
    p = sub.add_parser(
        "demo",
        help=HELP["demo"],
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
    return p


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


def _add_mock(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from kraken_doctor.mock.cli import register

    return register(sub)


#: what adds each command's parser, in the order `--help` lists them
BUILDERS: dict[str, Builder] = {
    "check": _add_check,
    "explain": _add_explain,
    "demo": _add_demo,
    "mock": _add_mock,
}


class _LazyCommands(argparse._SubParsersAction):
    """Commands whose arguments are added only once the command is chosen.

    Building a command's arguments reads the catalog (variable names, tiers, scenarios) and
    imports the doctor or the mock; `kraken-doctor --version` and `--help` need none of it.
    Until chosen, a command is a placeholder that carries only its line of help.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.builders: dict[str, Builder] = {}

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        build = self.builders.pop(values[0], None)
        if build is not None:
            scratch = argparse.ArgumentParser(prog=parser.prog).add_subparsers()
            self.choices[values[0]] = build(scratch)
        super().__call__(parser, namespace, values, option_string)


def build_parser(lazy: bool = False) -> argparse.ArgumentParser:
    """The CLI's parser; `lazy` leaves each command's arguments until that command runs
    (`main` does), else every command is built (the docs' tests read its options)."""
    parser = argparse.ArgumentParser(
        prog="kraken-doctor",
        description="Find out why a trading bot's Kraken API key fails, and how to fix it.",
    )
    parser.add_argument("--version", action="version", version=f"kraken-doctor {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", action=_LazyCommands)
    for name, build in BUILDERS.items():
        if lazy:
            sub.add_parser(name, help=HELP[name], add_help=False)
            sub.builders[name] = build
        else:
            build(sub)
    return parser


def _failed(exc: Exception, err: TextIO) -> int:
    """Exit 2 with a message: the catalog's own (it names what to fix), else a bug of ours,
    said without any value (they may be keys)."""
    from kraken_doctor.catalog import CatalogError

    if isinstance(exc, CatalogError):
        err.write(f"kraken-doctor: {exc}\n")
    else:
        err.write(
            f"kraken-doctor: internal error ({type(exc).__name__}); please report it with the "
            "command you ran (never include your keys).\n"
        )
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    out, err = sys.stdout, sys.stderr
    parser = build_parser(lazy=True)
    try:
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            parser.print_help(err)
            return 2
        return int(args.func(args, out, err) or 0)
    except KeyboardInterrupt:
        err.write("kraken-doctor: interrupted\n")
        return 130
    except Exception as exc:
        return _failed(exc, err)


if __name__ == "__main__":
    sys.exit(main())
