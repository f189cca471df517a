"""The doctor finds an account's variables the way the bot does, and names what is missing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from doctor_support import assert_no_secrets
from kraken_doctor.catalog import load_catalog
from kraken_doctor.doctor import credentials
from kraken_doctor.doctor.check import CheckOptions, run_check
from kraken_doctor.doctor.dotenv import DotenvFile, parse_dotenv, read_dotenv
from kraken_doctor.doctor.report import render

CAT = load_catalog()
ENV = CAT.env_vars
MASTER_KEY, MASTER_SECRET = ENV.master.key, ENV.master.secret
LEGACY_KEY, LEGACY_SECRET = ENV.legacy.key, ENV.legacy.secret


def _resolve(account: str, environ: dict[str, str], dotenv: dict[str, str] | None = None):
    return credentials.resolve(CAT, account, environ, dotenv or {})


def test_master_uses_the_master_names() -> None:
    c = _resolve("master", {MASTER_KEY: "k", MASTER_SECRET: "s"})
    assert (c.key.name, c.secret.name, c.legacy) == (MASTER_KEY, MASTER_SECRET, False)


def test_user_names_follow_the_first_name_rule() -> None:
    user = ENV.example_users[0]
    c = _resolve(user, {})
    assert (c.key.name, c.secret.name) == ENV.for_user(user)
    first = user.split("_", 1)[0].upper()
    assert first in c.key.name and first in c.secret.name


def test_legacy_names_only_when_the_master_pair_is_empty() -> None:
    legacy = {LEGACY_KEY: "old-k", LEGACY_SECRET: "old-s"}
    c = _resolve("master", legacy)
    assert c.legacy and c.key.name == LEGACY_KEY
    findings = credentials.check(CAT, c, None)
    assert [f.code for f in findings] == ["legacy-names"]
    assert MASTER_KEY in findings[0].fix
    both = _resolve("master", {**legacy, MASTER_KEY: "k", MASTER_SECRET: "s"})
    assert not both.legacy
    # The legacy pair is never used for a user.
    assert not _resolve(ENV.example_users[0], legacy).key.usable


@pytest.mark.parametrize(
    ("environ", "code", "variable"),
    [
        ({}, "variable-missing", MASTER_KEY),
        ({MASTER_KEY: "abc"}, "variable-missing", MASTER_SECRET),
        ({MASTER_KEY: "", MASTER_SECRET: "s"}, "variable-empty", MASTER_KEY),
        ({MASTER_KEY: "k", MASTER_SECRET: " \t\r\n"}, "variable-empty", MASTER_SECRET),
    ],
)
def test_missing_or_empty_names_the_exact_variable(environ, code, variable) -> None:
    findings = credentials.check(CAT, _resolve("master", environ), None)
    hit = [f for f in findings if f.variable == variable]
    assert hit and hit[0].code == code and hit[0].status == "fail"
    assert variable in hit[0].message and variable in hit[0].fix
    # A variable to set: the environment-variables guide, not a page about a refused key.
    assert hit[0].url.endswith("/guides/environment-variables/")


def test_environment_wins_over_dotenv_and_an_empty_value_hides_the_file() -> None:
    dotenv = {MASTER_KEY: "from-file", MASTER_SECRET: "file-secret"}
    c = _resolve("master", {MASTER_KEY: "from-env"}, dotenv)
    assert (c.key.value, c.key.source) == ("from-env", "environment")
    assert (c.secret.value, c.secret.source) == ("file-secret", ".env")
    hidden = _resolve("master", {MASTER_KEY: ""}, dotenv)
    [f] = [f for f in credentials.check(CAT, hidden, None) if f.variable == MASTER_KEY]
    assert f.code == "variable-empty" and "hides the value in .env" in f.message


def test_dotenv_parsing_follows_python_dotenv_for_common_lines(tmp_path: Path) -> None:
    text = (
        "# a comment\n"
        "export A=plain\n"
        "B = 'single quoted # not a comment'\n"
        'C="double \\"inner\\""\n'
        "D=value # trailing comment\n"
        "E=\n"
        "not a line\n"
        "A=later wins\r\n"
    )
    parsed = parse_dotenv(text, {})
    assert parsed == {
        "A": "later wins",
        "B": "single quoted # not a comment",
        "C": 'double "inner"',
        "D": "value",
        "E": "",
    }
    (tmp_path / ".env").write_text(text, encoding="utf-8")
    found = read_dotenv(tmp_path, {})
    assert found.values == parsed and found.path == tmp_path / ".env"
    assert found.problems == []
    assert read_dotenv(tmp_path / "missing") == DotenvFile()


def test_check_reads_dotenv_in_the_working_directory(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"{MASTER_KEY}=\n", encoding="utf-8")
    rep = run_check(CheckOptions(environ={}, cwd=tmp_path))
    acc = rep.accounts[0]
    assert acc.exit_code == 1 and rep.exit_code == 1
    codes = {(f.variable, f.code) for f in acc.findings}
    assert (MASTER_KEY, "variable-empty") in codes
    assert (MASTER_SECRET, "variable-missing") in codes
    assert str(tmp_path / ".env") in " ".join(f.message for f in acc.findings)
    assert not acc.calls  # nothing to check: no request at all


def test_users_come_from_env_names_and_the_bots_config(tmp_path: Path) -> None:
    user_key = ENV.for_user("carol")[0]
    assert credentials.users_in_env(CAT, {user_key: "x", "OTHER": "y"}, {}) == ["carol"]
    users = tmp_path / "config" / "users"
    users.mkdir(parents=True)
    (users / "retail_kraken.json").write_text(
        json.dumps(
            [
                {"user_id": "john_smith", "broker_type": "kraken"},
                {"user_id": "off_user", "broker_type": "kraken", "enabled": False},
                {"user_id": "alpaca_user", "broker_type": "alpaca"},
            ]
        )
    )
    (users / "john_doe.json").write_text(json.dumps({"broker": "kraken", "name": "J"}))
    (users / "broken.json").write_text("{not json")
    configs = credentials.read_user_configs(tmp_path)
    assert configs.ids == ["john_doe", "john_smith"]
    assert [f.code for f in configs.problems] == ["user-config-unreadable"]  # broken.json


def test_all_checks_master_and_every_user_and_reports_collisions(tmp_path: Path) -> None:
    users = tmp_path / "config" / "users"
    users.mkdir(parents=True)
    (users / "retail_kraken.json").write_text(
        json.dumps(
            [
                {"user_id": "john_smith", "broker_type": "kraken"},
                {"user_id": "john_doe", "broker_type": "kraken"},
            ]
        )
    )
    rep = run_check(CheckOptions(accounts=["all"], environ={}, cwd=tmp_path))
    assert [a.account for a in rep.accounts] == ["master", "john_smith", "john_doe"]
    for acc in rep.accounts[1:]:
        [f] = [f for f in acc.findings if f.code == "first-name-collision"]
        assert "john_smith" in f.message and "john_doe" in f.message
        assert f.variable == ENV.for_user("john")[0]
    assert rep.exit_code == 1


def test_a_bad_account_name_is_refused_with_a_message() -> None:
    rep = run_check(CheckOptions(accounts=["no such/user!"], environ={}, cwd="/nonexistent"))
    assert rep.exit_code == 2
    assert rep.findings[0].code == "bad-account" and "--account" in rep.findings[0].fix


def test_plain_http_to_another_machine_is_warned_about() -> None:
    url_var = ENV.api_url
    rep = run_check(CheckOptions(environ={url_var: "http://example.invalid"}, cwd="/nonexistent"))
    [f] = rep.findings
    assert (f.code, f.status, f.variable) == ("plain-http", "warn", url_var)
    assert rep.exit_code == 1  # the missing variables; the warning alone changes nothing
    local = run_check(CheckOptions(environ={url_var: "http://127.0.0.1:9"}, cwd="/nonexistent"))
    assert local.findings == []


KEY = "K" * 52 + "WXYZ"
SECRET = "c2VjcmV0" * 10 + "AA=="


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (KEY, "is not an http(s) URL"),  # the key pasted into the URL variable
        ("http://[::1", "is not an http(s) URL"),
        ("http://127.0.0.1:99999", "is not an http(s) URL"),
        ("http://127.0.0.1:port", "is not an http(s) URL"),
        ("https://", "is not an http(s) URL"),
        (f"https://bot:{SECRET}@api.example.invalid", "carries a user name or password"),
    ],
)
def test_a_bad_api_url_is_refused_without_showing_it(value: str, problem: str) -> None:
    env = {ENV.api_url: value, ENV.master.key: KEY, ENV.master.secret: SECRET}
    rep = run_check(CheckOptions(environ=env, cwd="/nonexistent"))
    [f] = rep.findings
    assert (f.code, f.status, f.variable) == ("bad-api-url", "error", ENV.api_url)
    assert problem in f.message and rep.exit_code == 2
    shown = render(rep) + render(rep, as_json=True)
    assert_no_secrets(shown, keys=[KEY], secrets=[SECRET])


def test_unreadable_user_config_files_are_named_and_skipped(tmp_path: Path) -> None:
    """A deeply nested file or a FIFO in config/users must not stop (or hang) the check."""
    import os

    users = tmp_path / "config" / "users"
    users.mkdir(parents=True)
    (users / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    os.mkfifo(users / "pipe.json")
    (users / "retail_kraken.json").write_text(
        json.dumps([{"user_id": "john_smith", "broker_type": "kraken"}])
    )
    configs = credentials.read_user_configs(tmp_path)
    assert configs.ids == ["john_smith"]
    problems = {f.message.split(" ", 1)[0]: f.message for f in configs.problems}
    assert "nested too deeply" in problems[str(users / "deep.json")]
    assert "not a regular file" in problems[str(users / "pipe.json")]
    rep = run_check(CheckOptions(environ={}, cwd=tmp_path))
    assert [a.label for a in rep.accounts] == ["MASTER", "USER:john_smith"]
    assert [f.code for f in rep.findings] == ["user-config-unreadable"] * 2


def test_a_config_file_that_is_not_utf8_is_named_and_the_next_files_are_still_read(
    tmp_path: Path,
) -> None:
    """One bad file (here Latin-1 text) must cost only its own users, not the files after it."""
    users = tmp_path / "config" / "users"
    users.mkdir(parents=True)
    (users / "a_latin1.json").write_bytes(
        '{"broker": "kraken", "name": "Jos\u00e9"}'.encode("latin-1")
    )
    (users / "zoe.json").write_text(json.dumps({"broker": "kraken"}))
    configs = credentials.read_user_configs(tmp_path)
    assert configs.ids == ["zoe"]
    assert len(configs.problems) == 1
    assert "not UTF-8" in configs.problems[0].message
    assert str(users / "a_latin1.json") in configs.problems[0].message


def test_a_key_passed_as_an_account_name_is_not_repeated() -> None:
    key = "TtJy2AawU4M32ABcR1Zpj3pcNUdd7Zbnrnc4dAgzOZML5Rs/MPVyXmKZ"
    rep = run_check(CheckOptions(accounts=[key], environ={}, cwd="/nonexistent"))
    [f] = rep.findings
    assert f.code == "bad-account" and rep.exit_code == 2
    assert_no_secrets(render(rep) + render(rep, as_json=True), keys=[key])
