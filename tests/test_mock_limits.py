"""The REST call counter and the temporary lockout, with an injected clock (no sleeps)."""

from __future__ import annotations

import time

import pytest

from kraken_doctor.catalog import load_catalog
from kraken_doctor.mock import Account, LockoutPolicy, MockKraken, bot_permissions
from mock_client import VALIDATE_ORDER, client

CAT = load_catalog()
RATE_LIMIT = CAT.error("eapi-rate-limit-exceeded").string
LOCKOUT = CAT.error("egeneral-temporary-lockout").string
INVALID_KEY = CAT.error("eapi-invalid-key").string
INVALID_SIGNATURE = CAT.error("eapi-invalid-signature").string


class FakeClock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def srv(clock):
    with MockKraken(clock=clock, lockout=LockoutPolicy(failures=5, window=60, duration=30)) as s:
        yield s


def every_permission() -> list[str]:
    return [p.id for p in CAT.permissions]


@pytest.mark.parametrize("tier", [t.id for t in CAT.rate_tiers])
def test_counter_reaches_the_tiers_maximum(srv, clock, tier):
    acc = srv.add_account(Account.generate("counted", bot_permissions(), tier=tier))
    api = client(srv, acc)
    limit = CAT.tier(tier).max_counter
    for _ in range(limit):
        assert api.query_private("Balance")["error"] == []
    assert api.query_private("Balance") == {"error": [RATE_LIMIT]}
    # The counter drains at the tier's rate: after enough seconds one more call fits.
    clock.advance(1.0 / CAT.tier(tier).decay_per_second + 0.01)
    assert api.query_private("Balance")["error"] == []
    assert api.query_private("Balance") == {"error": [RATE_LIMIT]}


def test_history_calls_cost_two(srv):
    acc = srv.add_account(Account.generate("ledger", every_permission()))
    api = client(srv, acc)
    costs = {e.name: e.cost for e in CAT.endpoints}
    assert costs["Ledgers"] == 2
    api.query_private("Ledgers")
    assert srv.rate_counter("ledger") == pytest.approx(2, abs=0.01)


def test_add_and_cancel_order_are_not_counted(srv):
    api = client(srv, "trader")
    for _ in range(CAT.tier("starter").max_counter):
        api.query_private("Balance")
    assert api.query_private("Balance") == {"error": [RATE_LIMIT]}
    assert api.query_private("AddOrder", VALIDATE_ORDER)["error"] == []
    res = api.query_private("CancelOrder", {"txid": "OAAAAA-AAAAA-AAAAAA"})
    assert res == {"error": [CAT.error("eorder-unknown-order").string]}


def test_counters_are_per_key(srv):
    api = client(srv, "trader")
    for _ in range(CAT.tier("starter").max_counter + 1):
        api.query_private("Balance")
    assert client(srv, "user-bob").query_private("Balance")["error"] == []


def test_rate_limits_can_be_switched_off():
    with MockKraken(rate_limits=False) as s:
        api = client(s, "trader")
        for _ in range(CAT.tier("starter").max_counter + 5):
            assert api.query_private("Balance")["error"] == []


def test_repeated_invalid_signatures_lock_the_key(srv, clock):
    trader = srv.accounts["trader"]
    bad = client(srv, trader, srv.accounts["user-bob"].secret)
    for _ in range(5):
        assert bad.query_private("Balance") == {"error": [INVALID_SIGNATURE]}
    assert bad.query_private("Balance") == {"error": [LOCKOUT]}
    good = client(srv, "trader")
    assert good.query_private("Balance") == {"error": [LOCKOUT]}  # the key is paused
    assert client(srv, "user-bob").query_private("Balance")["error"] == []  # others are not
    clock.advance(31)
    assert good.query_private("Balance")["error"] == []


def test_repeated_unknown_keys_lock_that_key(srv):
    stranger = Account.generate("stranger", bot_permissions())
    api = client(srv, stranger)
    for _ in range(5):
        assert api.query_private("Balance") == {"error": [INVALID_KEY]}
    assert api.query_private("Balance") == {"error": [LOCKOUT]}


def test_failures_outside_the_window_do_not_add_up(srv, clock):
    trader = srv.accounts["trader"]
    bad = client(srv, trader, srv.accounts["user-bob"].secret)
    for _ in range(4):
        bad.query_private("Balance")
    clock.advance(61)
    assert bad.query_private("Balance") == {"error": [INVALID_SIGNATURE]}


def test_success_resets_the_failure_count(srv):
    trader = srv.accounts["trader"]
    bad = client(srv, trader, srv.accounts["user-bob"].secret)
    good = client(srv, "trader")
    for _ in range(4):
        bad.query_private("Balance")
    assert good.query_private("Balance")["error"] == []
    for _ in range(4):
        assert bad.query_private("Balance") == {"error": [INVALID_SIGNATURE]}


def test_lockout_outcome_is_audited(srv):
    stranger = Account.generate("stranger", bot_permissions())
    api = client(srv, stranger)
    for _ in range(6):
        api.query_private("Balance")
    assert [r.outcome for r in srv.audit][-2:] == [INVALID_KEY, LOCKOUT]


@pytest.mark.parametrize(
    "method", ["AddOrderBatch", "EditOrder", "AmendOrder", "CancelAll", "CancelAllOrdersAfter"]
)
def test_other_order_calls_are_counted(srv, method):
    # Kraken: "All other API calls increase this counter by 1 (except AddOrder, CancelOrder)".
    assert CAT.endpoint(method).cost == 1
    api = client(srv, "trader")
    for _ in range(CAT.tier("starter").max_counter):
        api.query_private("Balance")
    assert api.query_private(method) == {"error": [RATE_LIMIT]}
