"""snippets/connection_test*.py: the bot's Balance call, its success block, its failures, in
each client's version (krakenex, python-kraken-sdk, ccxt) with the same assertions."""

from __future__ import annotations

from decimal import Decimal

import krakenex
import pytest
from tests.snippets.support import (
    ENV,
    NOT_KRAKEN,
    STUB_SECRET,
    main_with_short_timeout,
    user_env,
    versions,
)

from kraken_doctor.links import docs_url
from kraken_doctor.mock import Account

name = versions("connection_test")


def expected_block(label: str, balances: dict[str, str]) -> str:
    """The bot's success block (nija-bot.md section 3), from the account's balances."""
    usd, usdt = Decimal(balances.get("ZUSD", "0")), Decimal(balances.get("USDT", "0"))
    return (
        "=" * 70
        + f"\n✅ KRAKEN PRO CONNECTED ({label})\nAccount: {label}\n"
        + f"USD Balance: ${usd:.2f}\nUSDT Balance: ${usdt:.2f}\nTotal: ${usd + usdt:.2f}\n"
    )


def test_connected_prints_the_bots_success_block(name, snippet, kraken_mock, as_master):
    run = snippet(name, env=as_master("trader"))
    assert run.returncode == 0, run.output
    assert run.output.endswith(expected_block("MASTER", kraken_mock.accounts["trader"].balances))
    assert "key ending " + kraken_mock.accounts["trader"].key[-4:] in run.output


def test_a_user_is_chosen_by_its_user_id(name, snippet, kraken_mock):
    bob = kraken_mock.accounts["user-bob"]
    env = {ENV.api_url: kraken_mock.url, **user_env("alice_example", bob)}
    run = snippet(name, "--user", "alice_example", env=env)
    assert run.returncode == 0, run.output
    assert run.output.endswith(expected_block("USER:alice_example", bob.balances))


def test_legacy_names_are_the_masters_fallback(name, snippet, kraken_mock):
    trader = kraken_mock.accounts["trader"]
    env = {
        ENV.legacy.key: trader.key,
        ENV.legacy.secret: trader.secret,
        ENV.api_url: kraken_mock.url,
    }
    run = snippet(name, env=env)
    assert run.returncode == 0, run.output
    assert "KRAKEN PRO CONNECTED (MASTER)" in run.output


def kraken_error(run, error: str) -> None:
    """A failure the page discusses: Kraken's error, the page that fixes it, exit 1."""
    assert run.returncode == 1, run.output
    assert f"❌ Kraken connection test failed (MASTER): {error}\n" in run.output
    assert f"How to fix it: {docs_url(error)}\n" in run.output
    assert "KRAKEN PRO CONNECTED" not in run.output


def test_permission_denied_without_query_funds(name, snippet, as_master):
    kraken_error(snippet(name, env=as_master("no-query-funds")), "EGeneral:Permission denied")


def test_invalid_key(name, snippet, kraken_mock, as_master):
    stranger = Account.generate("not-on-the-server", [])
    kraken_error(snippet(name, env=as_master(stranger)), "EAPI:Invalid key")


def test_invalid_signature_with_another_keys_secret(name, snippet, kraken_mock, as_master):
    env = {**as_master("trader"), ENV.master.secret: kraken_mock.accounts["user-bob"].secret}
    kraken_error(snippet(name, env=env), "EAPI:Invalid signature")


def test_invalid_nonce_after_a_nanosecond_client(name, snippet, as_master):
    kraken_error(snippet(name, env=as_master("nonce-trap")), "EAPI:Invalid nonce")


def test_a_locked_out_key(name, snippet, kraken_mock, as_master):
    trap = kraken_mock.accounts["nonce-trap"]
    api = krakenex.API(trap.key, trap.secret)
    api.uri = kraken_mock.url
    # Like Kraken, the mock pauses a key after a few failed calls in a row.
    answers = [api.query_private("Balance")["error"] for _ in range(6)]
    assert answers[-1] == ["EGeneral:Temporary lockout"]
    kraken_error(snippet(name, env=as_master("nonce-trap")), "EGeneral:Temporary lockout")


def test_a_two_factor_key_without_its_password(name, snippet, as_master):
    kraken_error(snippet(name, env=as_master("two-factor")), "EAPI:Invalid signature")


@pytest.mark.parametrize(
    "fault,error", [("unavailable", "EService:Unavailable"), ("busy", "EService:Busy")]
)
def test_kraken_is_down_or_busy(name, snippet, kraken_mock, as_master, fault, error):
    kraken_mock.set_fault(fault)
    kraken_error(snippet(name, env=as_master("trader")), error)


def test_an_error_without_a_page_links_to_the_error_list(name, snippet_on_stub):
    run = snippet_on_stub(name, {"Balance": [{"error": ["EFuture:Something new"]}]})
    assert run.returncode == 1
    assert f"How to fix it: {docs_url('EFuture:Something new')}\n" in run.output


@pytest.mark.parametrize("fault", ["http-5xx", "drop"])
def test_server_errors_end_with_a_message(name, snippet, kraken_mock, as_master, fault):
    kraken_mock.set_fault(fault)
    run = snippet(name, env=as_master("trader"))
    assert run.returncode == 1
    assert "Kraken connection failed - network issue or API unavailable" in run.output
    if fault == "http-5xx":
        assert "(HTTP 502)" in run.output


NOT_BALANCES = [
    *NOT_KRAKEN,
    {"error": [], "result": None},
    {"error": [], "result": []},
    {"error": [], "result": {"ZUSD": "not an amount"}},
    {"result": {"ZUSD": "1.00"}},
]


def test_an_unfunded_account_without_a_result(name, snippet_on_stub):
    """Reported for unfunded accounts (krakenex issue 131): {"error": []} and no result."""
    run = snippet_on_stub(name, {"Balance": [{"error": []}]})
    assert run.returncode == 0, run.output
    assert run.output.endswith(expected_block("MASTER", {}))


@pytest.mark.parametrize("answer", NOT_BALANCES, ids=repr)
def test_an_answer_not_shaped_like_krakens(name, snippet_on_stub, answer):
    """A proxy, a login page or another server answered: a clear line, exit 1, no crash."""
    run = snippet_on_stub(name, {"Balance": [answer]})
    assert run.returncode == 1
    assert "is not Kraken's (no error list and balances)" in run.output
    assert "KRAKEN PRO CONNECTED" not in run.output


def test_a_server_that_never_answers(name, monkeypatch, capsys, silent_server):
    """Run in this process with a short wait: the snippet's own TIMEOUT, made smaller."""
    code = str(main_with_short_timeout(name, silent_server, monkeypatch))
    assert "network issue or API unavailable" in code
    assert STUB_SECRET[:8] not in code + capsys.readouterr().out


def test_unreachable_server(name, snippet, as_master, closed_port_url):
    run = snippet(name, env={**as_master("trader"), ENV.api_url: closed_port_url})
    assert run.returncode == 1
    assert f"Check KRAKEN_API_URL ({closed_port_url})" in run.output


def test_missing_variables_are_named(name, snippet):
    run = snippet(name)
    assert run.returncode == 1
    assert "not configured for MASTER" in run.output
    assert f"set {ENV.master.key} and {ENV.master.secret}" in run.output


def test_a_half_set_pair_names_the_missing_variable(name, snippet, as_master):
    env = {**as_master("trader"), ENV.master.secret: "   "}
    run = snippet(name, env=env)
    assert run.returncode == 1
    assert f"{ENV.master.secret} is not set (or blank) for MASTER" in run.output
