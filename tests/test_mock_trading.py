"""Order life cycle on the mock: queries by id, edit, amend, batch, the cancel family."""

from __future__ import annotations

import pytest

from kraken_doctor.catalog import load_catalog
from mock_client import PLACED_ORDER, client

CAT = load_catalog()
UNKNOWN_ORDER = CAT.error("eorder-unknown-order").string


@pytest.fixture
def api(kraken_mock):
    return client(kraken_mock, "trader")


def place(api, **extra) -> str:
    res = api.query_private("AddOrder", {**PLACED_ORDER, **extra})
    assert res["error"] == [], res
    return res["result"]["txid"][0]


def test_query_orders_needs_txid_and_knows_unknown_ids(api):
    # Kraken's support article's own example of the plain string: QueryOrders without txid.
    assert api.query_private("QueryOrders") == {"error": ["EGeneral:Invalid arguments"]}
    res = api.query_private("QueryOrders", {"txid": "OAAAAA-AAAAA-AAAAAA"})
    assert res == {"error": [CAT.error("eorder-invalid-order").string]}


def test_query_orders_by_userref_and_several_ids(api):
    a = place(api, userref="42")
    b = place(api)
    assert set(api.query_private("QueryOrders", {"txid": f"{a},{b}"})["result"]) == {a, b}
    assert list(api.query_private("QueryOrders", {"txid": "42"})["result"]) == [a]


def test_trades_and_ledgers_by_id(api):
    market = {"pair": "XBTUSD", "type": "buy", "ordertype": "market", "volume": "0.001"}
    assert api.query_private("AddOrder", market)["error"] == []
    (tid,) = api.query_private("TradesHistory")["result"]["trades"]
    assert tid in api.query_private("QueryTrades", {"txid": tid})["result"]
    bad = api.query_private("QueryTrades", {"txid": "TNOPE0-AAAAA-AAAAAA"})
    assert bad == {"error": [CAT.error("eorder-invalid-order").string]}
    assert api.query_private("QueryTrades") == {"error": ["EGeneral:Invalid arguments"]}


def test_ledgers_after_a_fill(kraken_mock, make_account):
    acc = make_account(permissions=["modify-trades", "query-ledger"], balances={"ZUSD": "500"})
    api = client(kraken_mock, acc)
    market = {"pair": "XBTUSD", "type": "buy", "ordertype": "market", "volume": "0.001"}
    assert api.query_private("AddOrder", market)["error"] == []
    ledger = api.query_private("Ledgers")["result"]
    assert ledger["count"] == 2 and {e["asset"] for e in ledger["ledger"].values()} == {
        "ZUSD",
        "XXBT",
    }
    lid = next(iter(ledger["ledger"]))
    assert list(api.query_private("QueryLedgers", {"id": lid})["result"]) == [lid]
    assert api.query_private("QueryLedgers", {"id": "LNOPE"})["error"] == [
        "EGeneral:Invalid arguments"
    ]


def test_edit_order_replaces_it(api, kraken_mock):
    txid = place(api)
    res = api.query_private("EditOrder", {"txid": txid, "pair": "XBTUSD", "price": "11"})
    assert res["error"] == [] and res["result"]["originaltxid"] == txid
    new = res["result"]["txid"]
    open_orders = api.query_private("OpenOrders")["result"]["open"]
    assert list(open_orders) == [new] and open_orders[new]["descr"]["price"] == "11.0"
    gone = api.query_private("EditOrder", {"txid": txid, "pair": "XBTUSD", "price": "12"})
    assert gone == {"error": [UNKNOWN_ORDER]}


def test_edit_order_validate_changes_nothing(api, kraken_mock):
    txid = place(api)
    before = len(kraken_mock.state_changes())
    res = api.query_private(
        "EditOrder", {"txid": txid, "pair": "XBTUSD", "price": "11", "validate": "true"}
    )
    assert res["error"] == [] and "txid" not in res["result"]
    assert len(kraken_mock.state_changes()) == before


def test_amend_order_keeps_the_txid(api):
    txid = place(api, cl_ord_id="my-order-1")
    res = api.query_private("AmendOrder", {"cl_ord_id": "my-order-1", "limit_price": "12"})
    assert res["error"] == [] and res["result"]["amend_id"]
    assert api.query_private("OpenOrders")["result"]["open"][txid]["descr"]["price"] == "12.0"
    assert api.query_private("AmendOrder", {"txid": "ONOPE0-AAAAA-AAAAAA"}) == {
        "error": [UNKNOWN_ORDER]
    }
    # The history holds the original order and the amend; count includes the original.
    history = api.query_private("OrderAmends", {"order_id": txid})["result"]
    assert history["count"] == 2
    assert [a["amend_type"] for a in history["amends"]] == ["original", "user"]
    assert history["amends"][1]["amend_id"] == res["result"]["amend_id"]
    assert history["amends"][1]["limit_price"] == "12.0"


def test_batch_places_each_order(api):
    orders = '[{"ordertype":"limit","type":"buy","price":"10","volume":"10"},' + (
        '{"ordertype":"limit","type":"sell","price":"90000","volume":"0.001"}]'
    )
    res = api.query_private("AddOrderBatch", {"pair": "XBTUSD", "orders": orders})
    results = res["result"]["orders"]
    assert results[0]["txid"] and results[1] == {"error": "EOrder:Insufficient funds"}
    assert len(api.query_private("OpenOrders")["result"]["open"]) == 1


ONE_ORDER = '[{"ordertype":"limit","type":"buy","price":"10","volume":"10"}]'


@pytest.mark.parametrize("orders", ["", "not json", "[]", '[{"ordertype":"limit"}]', ONE_ORDER])
def test_batch_with_bad_orders(api, orders):
    res = api.query_private("AddOrderBatch", {"pair": "XBTUSD", "orders": orders, "validate": 1})
    assert res["error"] and res["error"][0].startswith("EGeneral:Invalid arguments")


def test_cancel_all_and_batch(api, kraken_mock):
    a, b, c = place(api), place(api), place(api)
    res = api.query_private("CancelOrderBatch", {"orders": f'["{a}", "ONOPE0-AAAAA-AAAAAA"]'})
    assert res["result"] == {"count": 1}
    assert api.query_private("CancelAll")["result"] == {"count": 2}
    assert api.query_private("OpenOrders")["result"]["open"] == {}
    assert {b, c} <= set(api.query_private("ClosedOrders")["result"]["closed"])


def test_cancel_all_orders_after(api):
    res = api.query_private("CancelAllOrdersAfter", {"timeout": "60"})
    assert res["error"] == [] and res["result"]["triggerTime"] != "0"
    assert (
        api.query_private("CancelAllOrdersAfter", {"timeout": "0"})["result"]["triggerTime"] == "0"
    )
    assert api.query_private("CancelAllOrdersAfter") == {"error": ["EGeneral:Invalid arguments"]}


def test_cancel_needs_a_txid(api):
    assert api.query_private("CancelOrder") == {"error": ["EGeneral:Invalid arguments"]}


def test_sell_needs_the_base_asset(kraken_mock):
    bob = client(kraken_mock, "user-bob")
    sell = {
        "pair": "XBTUSD",
        "type": "sell",
        "ordertype": "limit",
        "price": "90000",
        "volume": "0.01",
    }
    assert bob.query_private("AddOrder", sell)["error"] == []
    assert bob.query_private("AddOrder", sell) == {"error": ["EOrder:Insufficient funds"]}


def _filled(api) -> str:
    market = {"pair": "XBTUSD", "type": "buy", "ordertype": "market", "volume": "0.001"}
    res = api.query_private("AddOrder", market)
    assert res["error"] == [], res
    return res["result"]["txid"][0]


@pytest.mark.parametrize("method", ["QueryOrders", "OrderAmends"])
def test_reading_an_order_needs_the_permission_for_its_status(kraken_mock, make_account, method):
    # Kraken's spec: open or closed orders permission, "depending on status of order".
    acc = make_account(
        permissions=["modify-trades", "query-open-trades"], balances={"ZUSD": "1000"}
    )
    api = client(kraken_mock, acc)
    key = "txid" if method == "QueryOrders" else "order_id"
    resting, filled = place(api), _filled(api)
    assert api.query_private(method, {key: resting})["error"] == []
    denied = CAT.error("egeneral-permission-denied").string
    assert api.query_private(method, {key: filled}) == {"error": [denied]}
    closed_only = client(
        kraken_mock, make_account(permissions=["query-closed-trades"], name="closed-only")
    )
    kraken_mock.app.state("closed-only").book.orders.update(
        kraken_mock.app.state(acc.name).book.orders
    )
    assert closed_only.query_private(method, {key: filled})["error"] == []
    assert closed_only.query_private(method, {key: resting}) == {"error": [denied]}


def test_ledger_fees_are_in_their_own_field(kraken_mock, make_account):
    # Kraken's spec example: "amount": "-24.5000", "fee": "0.0490" for a trade entry.
    acc = make_account(permissions=["modify-trades", "query-ledger"], balances={"ZUSD": "500"})
    api = client(kraken_mock, acc)
    _filled(api)
    entries = api.query_private("Ledgers")["result"]["ledger"].values()
    usd = next(e for e in entries if e["asset"] == "ZUSD")
    assert usd["amount"] == "-87.5000" and usd["fee"] == "0.3500"
    assert usd["balance"] == "412.1500"  # 500 - 87.50 - 0.35
