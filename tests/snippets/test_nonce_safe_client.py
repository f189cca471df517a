"""snippets/nonce_safe_client*.py: nonces that strictly increase across threads and calls, in
each client's version (krakenex, python-kraken-sdk, ccxt) with the same assertions.

krakenex's nonce is the clock in milliseconds. With the clock frozen (every call inside one
millisecond, the worst case) krakenex repeats its nonce and Kraken refuses the repeat;
the nonce-safe clients, the very classes on the page, do not.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import krakenex
import pytest
from tests.snippets.support import (
    ENV,
    NOT_KRAKEN,
    STUB_KEY,
    load_snippet,
    main_with_short_timeout,
    user_env,
    versions,
)

from kraken_doctor.links import docs_url
from kraken_doctor.mock import MockKraken

name = versions("nonce_safe_client")


def balance_caller(name: str, snip, key: str, secret: str, url: str):
    """A function making one Balance call through that version's nonce-safe class, giving
    Kraken's error list."""
    if name.endswith("_kraken_sdk"):
        client = snip.NonceSafeClient(key=key, secret=secret, url=url, use_custom_exceptions=False)
        return lambda: client.request("POST", "/0/private/Balance").json()["error"]
    if name.endswith("_ccxt"):
        # ccxt's own rate limiter would space the calls 3 s apart (Balance costs 3 of its
        # points): off here, so the threads really race for nonces.
        kraken = snip.NonceSafeKraken({"apiKey": key, "secret": secret, "enableRateLimit": False})
        kraken.urls["api"]["private"] = url
        return lambda: kraken.private_post_balance()["error"]
    api = snip.NonceSafeAPI(key, secret)
    api.uri = url
    return lambda: api.query_private("Balance")["error"]


FROZEN_NS = 1_767_225_600_000 * 1_000_000  # a fixed instant, in nanoseconds


class FrozenClock:
    """Stands in for the `time` module: every call happens in the same millisecond."""

    @staticmethod
    def time() -> float:
        return FROZEN_NS / 1e9

    @staticmethod
    def time_ns() -> int:
        return FROZEN_NS


@pytest.fixture
def server():
    with MockKraken(rate_limits=False) as srv:
        yield srv


def test_krakenex_repeats_its_nonce_within_a_millisecond(server, monkeypatch):
    monkeypatch.setattr(krakenex.api, "time", FrozenClock)
    trader = server.accounts["trader"]
    api = krakenex.API(trader.key, trader.secret)
    api.uri = server.url
    assert api.query_private("Balance")["error"] == []
    assert api.query_private("Balance")["error"] == ["EAPI:Invalid nonce"]


def test_the_nonce_never_repeats_across_threads_and_instances(name, server, monkeypatch):
    snip = load_snippet(name)
    monkeypatch.setattr(snip, "time", FrozenClock)
    trader = server.accounts["trader"]
    calls = [balance_caller(name, snip, trader.key, trader.secret, server.url) for _ in range(2)]
    results = []
    for call in calls:
        with ThreadPoolExecutor(max_workers=4) as pool:
            results += list(pool.map(lambda _, call=call: call(), range(12)))
    results += [calls[0]() for _ in range(3)]  # back to back
    assert results == [[]] * 27
    sent = [r for r in server.audit if r.method == "Balance"]
    assert len(sent) == 27 and all(r.outcome == "ok" for r in sent)


def test_the_demo_fires_calls_from_threads(name, snippet, kraken_mock, as_master):
    run = snippet(name, env=as_master("trader"))
    assert run.returncode == 0, run.output
    assert run.output.splitlines() == [
        f"10 Balance calls from 5 threads (MASTER, key …{kraken_mock.accounts['trader'].key[-4:]})",
        "  10 succeeded",
    ]
    assert [r.outcome for r in kraken_mock.audit] == ["ok"] * 11


def test_a_key_with_a_larger_nonce_stops_after_one_call(name, snippet, kraken_mock, as_master):
    run = snippet(name, env=as_master("nonce-trap"))
    assert run.returncode == 1
    assert f"❌ EAPI:Invalid nonce (so no calls were fired): {docs_url('EAPI:Invalid nonce')}" in (
        run.output
    )
    assert len(kraken_mock.audit) == 1, "a broken key must not be hammered into a lockout"


OK = {"error": [], "result": {"ZUSD": "1.00"}}


def test_failed_calls_are_counted_with_their_page(name, snippet_on_stub):
    replies = {"Balance": [OK, OK, {"error": ["EAPI:Rate limit exceeded"]}]}
    run = snippet_on_stub(name, replies, "--threads", "2", "--calls", "4")
    assert run.returncode == 1
    error = "EAPI:Rate limit exceeded"
    assert run.output.splitlines()[1:] == [
        "  1 succeeded",
        f"  3 failed with {error}: {docs_url(error)}",
    ]


def test_a_user_and_an_unreachable_server(name, snippet, kraken_mock, closed_port_url):
    env = {
        ENV.api_url: closed_port_url,
        **user_env("alice_example", kraken_mock.accounts["trader"]),
    }
    run = snippet(name, "--user", "alice_example", env=env)
    assert run.returncode == 1
    assert f"Could not reach Kraken at {closed_port_url} (" in run.output


def test_missing_variables_and_an_unknown_error(name, snippet, snippet_on_stub):
    run = snippet(name, env={ENV.master.key: STUB_KEY})
    assert run.returncode == 1
    assert f"{ENV.master.secret} is not set (or blank) for MASTER" in run.output
    run = snippet(name)
    assert run.returncode == 1
    assert f"not configured for MASTER: set {ENV.master.key} and {ENV.master.secret}" in run.output

    run = snippet_on_stub(name, {"Balance": [{"error": ["EFuture:Something new"]}]})
    assert run.returncode == 1
    assert f"(so no calls were fired): {docs_url('EFuture:Something new')}\n" in run.output


@pytest.mark.parametrize("value", ["0", "-3", "many"])
def test_a_bad_count_is_named(name, snippet, value):
    run = snippet(name, "--threads", value)
    assert run.returncode == 2
    assert f"argument --threads: {value!r} is not a whole number of 1 or more" in run.output


#: Balance's answers from something that is not Kraken: to the first call, or, after a good
#: first answer, while the calls are fired.
NOT_BALANCE = [[answer] for answer in NOT_KRAKEN] + [[OK, {}]]


@pytest.mark.parametrize("answers", NOT_BALANCE, ids=repr)
def test_an_answer_not_shaped_like_krakens(name, snippet_on_stub, answers):
    """A proxy, a login page or another server answered: a clear line, exit 1, no crash."""
    run = snippet_on_stub(name, {"Balance": answers}, "--threads", "1", "--calls", "2")
    assert run.returncode == 1
    assert "The answer is not Kraken's (no error list)" in run.output


def test_a_server_that_never_answers(name, monkeypatch, silent_server):
    """Run in this process with a short wait: the snippet's own TIMEOUT, made smaller."""
    code = main_with_short_timeout(name, silent_server, monkeypatch)
    assert f"Could not reach Kraken at {silent_server} (" in str(code)


def test_a_server_error(name, snippet, kraken_mock, as_master):
    kraken_mock.set_fault("http-5xx")
    run = snippet(name, env=as_master("trader"))
    assert run.returncode == 1
    assert f"Could not reach Kraken at {kraken_mock.url} (" in run.output
