"""The `kraken-doctor` command line: check, explain, demo, mock; exit codes and output."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from doctor_support import assert_no_secrets, check_schema, env_for
from kraken_doctor.catalog import load_catalog
from kraken_doctor.cli import main
from kraken_doctor.doctor.auth import OTP_ENV
from kraken_doctor.doctor.report import JSON_SCHEMA
from kraken_doctor.links import docs_url
from kraken_doctor.mock import demo_accounts

CAT = load_catalog()


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def bot_env(monkeypatch, tmp_path, kraken_mock):
    """`bot_env("trader", someone="no-query-funds")`: the process environment of a bot using
    `account` as its master and each user id's account as that user's, on the mock; cwd
    without a .env."""
    monkeypatch.chdir(tmp_path)
    for name in (CAT.env_vars.master.key, CAT.env_vars.master.secret, "NO_COLOR", OTP_ENV):
        monkeypatch.delenv(name, raising=False)

    def use(account: str, **users: str) -> None:
        acc = kraken_mock.accounts[account]
        for k, v in env_for(acc.key, acc.secret, kraken_mock.url).items():
            monkeypatch.setenv(k, v)
        for user_id, user_account in users.items():
            user = kraken_mock.accounts[user_account]
            key_var, secret_var = CAT.env_vars.for_user(user_id)
            monkeypatch.setenv(key_var, user.key)
            monkeypatch.setenv(secret_var, user.secret)

    return use


def _secrets(srv) -> dict[str, list[str]]:
    accs = list(srv.accounts.values())
    return {"keys": [a.key for a in accs], "secrets": [a.secret for a in accs]}


def test_explain_a_log_line(capsys) -> None:
    line = "2026-01-11 | ERROR | Kraken connection test failed (MASTER): ['EAPI:Invalid nonce']"
    assert main(["explain", line]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Invalid nonce (EAPI:Invalid nonce)")
    assert docs_url("EAPI:Invalid nonce") in out and "Fix:" in out and "Meaning:" in out


def test_explain_json_and_detail_suffixes(capsys) -> None:
    assert main(["explain", "--json", "EGeneral:Invalid arguments:volume"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["error"] == "EGeneral:Invalid arguments" and data["found"]


@pytest.mark.parametrize(
    ("error", "lockout"), [("EAPI:Invalid key", True), ("EOrder:Unknown order", False)]
)
def test_explain_warns_of_lockout_only_for_authentication_errors(capsys, error, lockout) -> None:
    """Kraken locks a key after repeated authentication failures, not repeated order errors."""
    assert main(["explain", "--json", error]) == 0
    data = json.loads(capsys.readouterr().out)
    assert CAT.error(error).retry == "never"
    assert ("lock the key out" in data["retry"]) is lockout


def test_explain_unknown_points_to_the_index(capsys) -> None:
    assert main(["explain", "the bot crashed"]) == 1
    captured = capsys.readouterr()
    assert CAT.site.base_url + CAT.site.errors_path in captured.err
    assert captured.out == ""


def test_check_all_well(bot_env, kraken_mock, capsys) -> None:
    bot_env("trader")
    assert main(["check"]) == 0
    captured = capsys.readouterr()
    assert "Result: all well (exit 0)." in captured.out
    assert "\x1b[" not in captured.out  # not a terminal: no colour
    assert captured.err == ""  # no progress when stderr is not a terminal
    assert_no_secrets(captured.out + captured.err, **_secrets(kraken_mock))
    assert kraken_mock.state_changes() == []


def test_check_json_follows_the_schema(bot_env, kraken_mock, capsys) -> None:
    bot_env("view-only")
    assert main(["check", "--json", "--account", "master"]) == 1
    out = capsys.readouterr().out
    data = json.loads(out)
    check_schema(JSON_SCHEMA, data)
    assert data["exit_code"] == 1 and data["accounts"][0]["checklist"]
    assert_no_secrets(out, **_secrets(kraken_mock))


def test_json_schema_is_printed(capsys) -> None:
    assert main(["check", "--json-schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"].startswith("https://json-schema.org/")


def test_progress_on_a_terminal_and_colour_unless_no_color(
    bot_env, kraken_mock, monkeypatch
) -> None:
    bot_env("trader")
    out, err = _Tty(), _Tty()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    assert main(["check"]) == 0
    assert "\x1b[" in out.getvalue()
    assert "GetApiKeyInfo" in err.getvalue() and "SystemStatus" in err.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    out2 = _Tty()
    monkeypatch.setattr(sys, "stdout", out2)
    assert main(["check", "--quiet"]) == 0
    assert "\x1b[" not in out2.getvalue()
    assert_no_secrets(out.getvalue() + err.getvalue(), **_secrets(kraken_mock))


def test_otp_from_the_environment_is_used_and_never_printed(
    bot_env, kraken_mock, monkeypatch, capsys
) -> None:
    bot_env("two-factor")
    otp = kraken_mock.accounts["two-factor"].otp
    assert main(["check"]) == 1
    monkeypatch.setenv(OTP_ENV, otp)
    assert main(["check", "--json"]) == 0
    text = capsys.readouterr()
    assert otp not in text.out + text.err
    assert_no_secrets(text.out + text.err, **_secrets(kraken_mock))


def test_a_missing_variable_exits_1_and_names_it(monkeypatch, tmp_path, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    for name in (CAT.env_vars.master.key, CAT.env_vars.master.secret) + (
        CAT.env_vars.legacy.key,
        CAT.env_vars.legacy.secret,
    ):
        monkeypatch.delenv(name, raising=False)
    assert main(["check"]) == 1
    assert CAT.env_vars.master.key in capsys.readouterr().out


def test_a_bad_api_url_exits_2_and_names_the_variable(bot_env, monkeypatch, capsys) -> None:
    bot_env("trader")
    monkeypatch.setenv(CAT.env_vars.api_url, "api.kraken.com")
    assert main(["check"]) == 2
    assert CAT.env_vars.api_url in capsys.readouterr().out


def test_bad_arguments_exit_2_without_a_traceback(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["check", "--timeout", "soon"])
    assert exc.value.code == 2
    assert "Traceback" not in capsys.readouterr().err
    assert main([]) == 2


def test_demo_list_scenario_and_unknown(capsys) -> None:
    assert main(["demo", "--list"]) == 0
    assert "nonce-trap" in capsys.readouterr().out
    assert main(["demo", "--scenario", "withdraw-enabled"]) == 1
    out = capsys.readouterr().out
    assert "DANGER" in out
    demo = demo_accounts()
    assert_no_secrets(out, keys=[a.key for a in demo], secrets=[a.secret for a in demo])
    assert main(["demo", "--scenario", "nope"]) == 2
    assert "all-good" in capsys.readouterr().err


def test_mock_is_wired_in(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["mock", "--help"])
    assert exc.value.code == 0
    assert "--accounts" in capsys.readouterr().out


def test_the_console_entry_point_runs() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "kraken_doctor.cli", "explain", "EService: Throttled: 1700000000"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0 and docs_url("EService:Throttled") in proc.stdout


def test_an_internal_error_is_a_message_without_values(monkeypatch, capsys) -> None:
    import kraken_doctor.doctor.check as check

    def broken(opts):
        raise RuntimeError("secret-value-XYZ")

    monkeypatch.setattr(check, "run_check", broken)
    assert main(["check"]) == 2
    err = capsys.readouterr().err
    assert "internal error (RuntimeError)" in err and "secret-value-XYZ" not in err


def test_the_docs_page_lists_every_check_option_with_its_defaults() -> None:
    """docs/doctor.md types the options, the OTP variable and the timeout: they must be the
    CLI's own."""
    from pathlib import Path

    from kraken_doctor.cli import build_parser
    from kraken_doctor.doctor.client import DEFAULT_TIMEOUT

    page = (Path(__file__).resolve().parents[1] / "docs" / "doctor.md").read_text("utf-8")
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    check = sub.choices["check"]
    options = {a.option_strings[-1] for a in check._actions if a.option_strings} - {"--help"}
    for option in sorted(options - {"--json-schema"}):  # --json's row names --json-schema
        assert f"| `{option}" in page, option
    assert "`--json-schema`" in page
    assert f"Also read from `{OTP_ENV}`" in page
    assert f"(default {DEFAULT_TIMEOUT:g})" in page


def test_plain_check_names_the_failing_user_and_its_label_works(
    bot_env, kraken_mock, capsys
) -> None:
    """Master fine, one user lacking Query: plain `check` must not say "all well"."""
    bot_env("trader", someone="no-query-funds")
    query = CAT.permission("query-funds")
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    [line] = [x for x in out.splitlines() if x.startswith("  USER:someone")]
    assert f"tick {CAT.group(query.group).label} > {query.label}" in line
    assert "all well (exit 0)" not in out
    assert main(["check", "--account", "USER:someone", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [a["label"] for a in data["accounts"]] == ["USER:someone"]
    assert main(["check", "--account", "MASTER"]) == 0
    assert_no_secrets(capsys.readouterr().out, **_secrets(kraken_mock))


WALKTHROUGH_LINE = (
    "2026-01-10 11:47:26 | ERROR | Kraken connection test failed (USER:someone): "
    "EGeneral:Permission denied"
)


def test_explain_speaks_to_the_holder_of_the_log_line(capsys) -> None:
    """The account in the line, the boxes to tick and to leave off, the command to check it."""
    assert main(["explain", WALKTHROUGH_LINE]) == 0
    out = capsys.readouterr().out
    key_var, secret_var = CAT.env_vars.for_user("someone")
    flat = " ".join(out.split())
    assert "Account: USER:someone is" in flat and "someone's own Kraken login" in flat
    assert key_var in flat and secret_var in flat
    for p in CAT.required_permissions:
        [line] = [x for x in out.splitlines() if f"> {p.label} (" in x or x.endswith(p.label)]
        assert line.split()[0] == "tick" and all(old in line for old in p.old_labels[:1])
    for p in CAT.forbidden_permissions:
        [line] = [x for x in out.splitlines() if f"> {p.label}" in x]
        assert line.lstrip().startswith("leave off")
    assert "Command: kraken-doctor check --account USER:someone" in out.splitlines()
    assert main(["explain", "--json", WALKTHROUGH_LINE]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["account"]["label"] == "USER:someone"
    assert data["account"]["key_variable"] == key_var
    assert data["command"] == "kraken-doctor check --account USER:someone"
    assert [b["permission"] for b in data["boxes"]["tick"]] == [
        p.id for p in CAT.required_permissions
    ]
    assert [b["permission"] for b in data["boxes"]["leave_off"]] == [
        p.id for p in CAT.forbidden_permissions
    ]


def test_explain_without_an_account_checks_every_account(capsys) -> None:
    assert main(["explain", "--json", "EAPI:Invalid key"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["account"] is None and data["command"] == "kraken-doctor check"
    assert data["boxes"] is None  # not a permission error
    assert main(["explain", "(MASTER): EAPI:Invalid key"]) == 0
    out = capsys.readouterr().out
    assert CAT.env_vars.master.key in out
    assert "Command: kraken-doctor check --account MASTER" in out


@pytest.mark.parametrize("entry", CAT.errors, ids=lambda e: e.slug)
def test_explain_has_no_web_page_wording(entry, capsys) -> None:
    """The terminal has no "below", no snippet, no page around it."""
    assert main(["explain", f"x (MASTER): {entry.string}"]) == 0
    out = capsys.readouterr().out.lower()
    for words in ("list below", "see below", "above", "the snippet", "this page"):
        assert words not in out, words


def test_the_command_explain_prints_checks_that_account(bot_env, capsys) -> None:
    bot_env("trader", someone="no-query-funds")
    main(["explain", "--json", WALKTHROUGH_LINE])
    command = json.loads(capsys.readouterr().out)["command"].split()
    assert command[:2] == ["kraken-doctor", "check"]
    assert main([*command[1:], "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    [acc] = data["accounts"]
    assert acc["label"] == "USER:someone"
    assert [i["permission"] for i in acc["checklist"]] == ["query-funds"]


@pytest.mark.parametrize("argv", [["--version"], ["--help"]])
def test_version_and_help_load_neither_catalog_nor_doctor_nor_mock(argv) -> None:
    """They answer before any command's arguments are built: nothing heavy is imported."""
    code = (
        "import sys\n"
        "from kraken_doctor.cli import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ('kraken_doctor.catalog', 'kraken_doctor.doctor', 'kraken_doctor.mock', "
        "'pydantic', 'yaml', 'requests')\n"
        "sys.stderr.write(repr(sorted(m for m in heavy if m in sys.modules)))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "kraken-doctor" in proc.stdout
    assert proc.stderr == "[]"


def test_the_lazy_parser_lists_the_commands_as_the_built_one_does() -> None:
    """`main` builds a command's arguments only when it runs; its `--help` must not drift."""
    from kraken_doctor.cli import build_parser

    assert build_parser(lazy=True).format_help() == build_parser().format_help()


def test_a_command_built_late_has_all_its_options(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["check", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "--account" in out and CAT.env_vars.master.key in out and "--tier" in out
