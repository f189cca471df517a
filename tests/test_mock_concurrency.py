"""Many clients at once: no false rejections on separate keys, and the real Invalid nonce
when two threads share one key with krakenex's millisecond nonce."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import krakenex

from kraken_doctor.catalog import load_catalog
from kraken_doctor.mock import Account, MockKraken, bot_permissions
from mock_client import client

CAT = load_catalog()
INVALID_NONCE = CAT.error("eapi-invalid-nonce").string


def test_16_threads_50_calls_each_on_separate_keys():
    accounts = [Account.generate(f"worker-{i}", bot_permissions()) for i in range(16)]
    methods = ["Balance", "OpenOrders", "GetApiKeyInfo", "ClosedOrders", "TradeBalance"]
    with MockKraken(accounts, rate_limits=False) as srv:

        def work(acc: Account) -> list[list[str]]:
            api = client(srv, acc)
            return [api.query_private(methods[i % len(methods)])["error"] for i in range(50)]

        with ThreadPoolExecutor(max_workers=16) as pool:
            results = list(pool.map(work, accounts))
        assert srv.crashes == []
        audit = srv.audit
    errors = [e for per_thread in results for e in per_thread if e]
    assert errors == []
    assert sum(len(r) for r in results) == 800
    assert len(audit) == 800 and {r.outcome for r in audit} == {"ok"}
    assert {r.key_name for r in audit} == {a.name for a in accounts}


def test_two_threads_sharing_a_key_get_invalid_nonce(kraken_mock):
    """Two krakenex.API objects on one key, released together: they send the same
    millisecond nonce (or arrive out of order), and Kraken's answer is EAPI:Invalid nonce."""
    acc = kraken_mock.accounts["trader"]
    apis = [krakenex.API(acc.key, acc.secret) for _ in range(2)]
    for api in apis:
        api.uri = kraken_mock.url
    barrier = threading.Barrier(2)
    outcomes: list[list[str]] = []

    def one_round(api: krakenex.API, start_ms: list[int]) -> list[str]:
        barrier.wait()
        # Both threads spin to the same millisecond boundary, then call at once.
        while int(time.time() * 1000) <= start_ms[0]:
            pass
        return api.query_private("Balance")["error"]

    for _ in range(30):  # bounded; a collision is all but certain in the first rounds
        start = [int(time.time() * 1000)]
        with ThreadPoolExecutor(max_workers=2) as pool:
            pair = list(pool.map(one_round, apis, [start, start]))
        outcomes.append([e for errs in pair for e in errs])
        if any(INVALID_NONCE in o for o in outcomes):
            break
    flat = [e for o in outcomes for e in o]
    assert INVALID_NONCE in flat
    assert set(flat) == {INVALID_NONCE}  # nothing but nonce errors, never a crash
    # In a colliding round one of the two calls still went through.
    assert any(len(o) == 1 for o in outcomes)


def test_one_key_many_threads_keeps_balances_consistent(kraken_mock):
    """Orders placed concurrently on one key (with distinct nonces) all land exactly once."""
    acc = kraken_mock.accounts["trader"]
    api = client(kraken_mock, acc)
    order = {"pair": "XBTUSD", "type": "buy", "ordertype": "limit", "price": "10", "volume": "1"}

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: api.query_private("AddOrder", order), range(24)))
    placed = [r for r in results if r["error"] == []]
    refused = [r for r in results if r["error"]]
    assert all(r["error"] == [INVALID_NONCE] for r in refused)  # out-of-order arrivals
    open_orders = client(kraken_mock, acc).query_private("OpenOrders")["result"]["open"]
    assert len(open_orders) == len(placed) > 0
    held = client(kraken_mock, acc).query_private("BalanceEx")["result"]["ZUSD"]["hold_trade"]
    assert float(held) == 10.0 * len(placed)
