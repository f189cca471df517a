"""snippets/balance_check*.py: master and users side by side; two accounts sharing one key; in
each client's version (krakenex, python-kraken-sdk, ccxt) with the same assertions."""

from __future__ import annotations

import os
from decimal import Decimal

import pytest
from tests.snippets.support import (
    ENV,
    NOT_KRAKEN,
    load_snippet,
    main_with_short_timeout,
    stub_env,
    user_env,
    versions,
)

from kraken_doctor.links import docs_url
from kraken_doctor.mock import Account

name = versions("balance_check")


def row(output: str, account: str) -> list[str]:
    """The table row of one account, split into its columns."""
    line = next(line for line in output.splitlines() if line.startswith(account + "  "))
    return line[len(account) :].split()


def figures(acc: Account) -> list[str]:
    usd, usdt = Decimal(acc.balances.get("ZUSD", "0")), Decimal(acc.balances.get("USDT", "0"))
    return [f"…{acc.key[-4:]}", f"{usd:.2f}", f"{usdt:.2f}", f"{usd + usdt:.2f}"]


def test_master_and_users_side_by_side(name, snippet, kraken_mock, as_master):
    trader, bob = kraken_mock.accounts["trader"], kraken_mock.accounts["user-bob"]
    env = {**as_master("trader"), **user_env("bob_example", bob)}
    run = snippet(name, env=env)
    assert run.returncode == 0, run.output
    assert run.output.splitlines()[0].split() == ["Account", "Key", "USD", "USDT", "Total"]
    assert row(run.output, "MASTER") == figures(trader)
    assert row(run.output, "USER BOB") == figures(bob)
    assert "same API key" not in run.output


def test_two_accounts_with_one_key_are_flagged(name, snippet, kraken_mock, as_master):
    trader = kraken_mock.accounts["trader"]
    env = {**as_master("trader"), **user_env("alice_example", trader)}
    run = snippet(name, env=env)
    assert run.returncode == 1
    assert row(run.output, "USER ALICE") == row(run.output, "MASTER") == figures(trader)
    assert f"MASTER and USER ALICE use the same API key (…{trader.key[-4:]})" in run.output
    assert "Give each account its own key" in run.output


def test_legacy_names_and_a_user_without_secret(name, snippet, kraken_mock):
    trader = kraken_mock.accounts["trader"]
    key_name, secret_name = ENV.for_user("carol_example")
    env = {
        ENV.legacy.key: trader.key,
        ENV.legacy.secret: trader.secret,
        ENV.api_url: kraken_mock.url,
        key_name: kraken_mock.accounts["user-bob"].key,
    }
    run = snippet(name, env=env)
    assert run.returncode == 1
    assert row(run.output, "MASTER") == figures(trader)
    assert f"not configured: set {key_name} and {secret_name}" in run.output


def test_no_master_configured(name, snippet, kraken_mock):
    run = snippet(name, env={ENV.api_url: kraken_mock.url})
    assert run.returncode == 1
    assert row(run.output, "MASTER") == [
        "not",
        "configured:",
        "set",
        ENV.master.key,
        "and",
        ENV.master.secret,
    ]


def test_an_account_error_shows_its_page(name, snippet, kraken_mock, as_master):
    env = {
        **as_master("trader"),
        **user_env("dave_example", kraken_mock.accounts["no-query-funds"]),
    }
    run = snippet(name, env=env)
    assert run.returncode == 1
    error = "EGeneral:Permission denied"
    assert row(run.output, "USER DAVE")[1:] == [*error.split(), docs_url(error)]


def test_unreachable_and_unknown_errors(name, snippet, snippet_on_stub, closed_port_url):
    run = snippet_on_stub(name, {"Balance": [{"error": ["EFuture:Something new"]}]})
    assert row(run.output, "MASTER")[1:] == ["EFuture:Something", "new", docs_url("EFuture:x")]
    run = snippet(name, env=stub_env(closed_port_url))
    assert run.returncode == 1
    assert f"cannot reach {closed_port_url} (" in run.output


def test_its_variable_names_are_the_catalogs(name, monkeypatch):
    snip = load_snippet(name)
    for name in [n for n in os.environ if n.upper().startswith("KRAKEN")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv(ENV.for_user("erin_example")[0], "a-key")
    assert snip.accounts() == [
        ("MASTER", ENV.master.key, ENV.master.secret),
        ("USER ERIN", *ENV.for_user("erin_example")),
    ]
    monkeypatch.setenv(ENV.legacy.key, "a-key")
    assert snip.accounts()[0] == ("MASTER", ENV.legacy.key, ENV.legacy.secret)
    monkeypatch.setenv(ENV.master.secret, "a-secret")
    assert snip.accounts()[0] == ("MASTER", ENV.master.key, ENV.master.secret)


NOT_BALANCES = [
    *NOT_KRAKEN,
    {"error": [], "result": None},
    {"error": [], "result": {"ZUSD": "not an amount"}},
]


@pytest.mark.parametrize("answer", NOT_BALANCES, ids=repr)
def test_an_answer_not_shaped_like_krakens(name, snippet_on_stub, answer):
    """A proxy, a login page or another server answered: a clear row, exit 1, no crash."""
    run = snippet_on_stub(name, {"Balance": [answer]})
    assert run.returncode == 1
    assert row(run.output, "MASTER")[1:4] == ["the", "answer", "is"]
    assert "is not Kraken's: check KRAKEN_API_URL" in run.output


def test_an_unfunded_account_without_a_result(name, snippet_on_stub):
    run = snippet_on_stub(name, {"Balance": [{"error": []}]})
    assert run.returncode == 0, run.output
    assert row(run.output, "MASTER")[1:] == ["0.00", "0.00", "0.00"]


def test_a_server_error(name, snippet, kraken_mock, as_master):
    kraken_mock.set_fault("http-5xx")
    run = snippet(name, env=as_master("trader"))
    assert run.returncode == 1
    assert f"cannot reach {kraken_mock.url} (" in run.output


def test_a_server_that_never_answers(name, monkeypatch, capsys, silent_server):
    """Run in this process with a short wait: the snippet's own TIMEOUT, made smaller."""
    assert main_with_short_timeout(name, silent_server, monkeypatch) == 1
    assert f"cannot reach {silent_server} (" in capsys.readouterr().out
