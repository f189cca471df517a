"""The mock's public and private endpoints, called with krakenex unmodified."""

from __future__ import annotations

import pytest

from kraken_doctor.catalog import load_catalog
from kraken_doctor.mock import bot_permissions
from kraken_doctor.mock.endpoints import PRIVATE
from mock_client import PLACED_ORDER, VALIDATE_ORDER, client, keyless

CAT = load_catalog()


def test_time_and_system_status(kraken_mock):
    api = keyless(kraken_mock)
    t = api.query_public("Time")
    assert t["error"] == [] and isinstance(t["result"]["unixtime"], int)
    assert t["result"]["rfc1123"].endswith("+0000")
    s = api.query_public("SystemStatus")
    assert s["result"]["status"] == "online"


@pytest.mark.parametrize(
    ("pair", "name", "ordermin"),
    [
        ("XBTUSD", "XXBTZUSD", "0.00005"),
        ("XXBTZUSD", "XXBTZUSD", "0.00005"),
        ("ETHUSD", "XETHZUSD", "0.002"),
        ("USDTZUSD", "USDTZUSD", "5"),
    ],
)
def test_asset_pairs_have_minimums(kraken_mock, pair, name, ordermin):
    api = keyless(kraken_mock)
    res = api.query_public("AssetPairs", {"pair": pair})
    info = res["result"][name]
    assert info["ordermin"] == ordermin
    assert {"costmin", "tick_size", "altname", "wsname", "base", "quote"} <= set(info)


def test_assets_ticker_and_unknown_pair(kraken_mock):
    api = keyless(kraken_mock)
    assert "XXBT" in api.query_public("Assets")["result"]
    assert api.query_public("Assets", {"asset": "XBT,ETH"})["result"].keys() == {"XXBT", "XETH"}
    tick = api.query_public("Ticker", {"pair": "XBTUSD"})["result"]["XXBTZUSD"]
    assert float(tick["a"][0]) > float(tick["b"][0])
    assert api.query_public("Ticker", {"pair": "NOPE"}) == {"error": ["EQuery:Unknown asset pair"]}


def test_unknown_public_method(kraken_mock):
    api = keyless(kraken_mock)
    assert api.query_public("Nope") == {"error": [CAT.error("egeneral-unknown-method").string]}


def test_get_api_key_info(kraken_mock):
    api = client(kraken_mock, "trader")
    res = api.query_private("GetApiKeyInfo")
    info = res["result"]
    acc = kraken_mock.accounts["trader"]
    # Kraken's documented names (docs page "Get API Key Info"), not `name`/`key`.
    assert info["apiKeyName"] == "trader" and info["apiKey"] == acc.key
    assert "name" not in info and "key" not in info
    assert info["permissions"] == bot_permissions()
    assert isinstance(info["nonceWindow"], int)
    assert info["nonce"] == str(acc.last_nonce)
    assert info["validUntil"] == "0" and info["ipAllowlist"] == []


def test_get_api_key_info_last_used_is_null_until_the_key_is_used(kraken_mock, make_account):
    api = client(kraken_mock, make_account(permissions=[]))
    first = api.query_private("GetApiKeyInfo")["result"]
    assert first["lastUsed"] is None
    second = api.query_private("GetApiKeyInfo")["result"]
    assert isinstance(second["lastUsed"], str) and second["lastUsed"].isdigit()


def test_get_api_key_info_needs_no_permission(kraken_mock, make_account):
    acc = make_account(permissions=[])
    api = client(kraken_mock, acc)
    assert api.query_private("GetApiKeyInfo")["result"]["permissions"] == []
    assert api.query_private("Balance") == {
        "error": [CAT.error("egeneral-permission-denied").string]
    }


def test_balances(kraken_mock):
    api = client(kraken_mock, "trader")
    bal = api.query_private("Balance")["result"]
    assert float(bal["ZUSD"]) == 1250.0 and float(bal["USDT"]) == 300.0
    ex = api.query_private("BalanceEx")["result"]
    assert float(ex["ZUSD"]["balance"]) == 1250.0 and float(ex["ZUSD"]["hold_trade"]) == 0
    tb = api.query_private("TradeBalance")["result"]
    assert float(tb["eb"]) > 1250
    bob = client(kraken_mock, "user-bob").query_private("Balance")["result"]
    assert float(bob["ZUSD"]) == 480.0 and "XXBT" in bob


@pytest.mark.parametrize(
    ("method", "params", "key"),
    [
        ("OpenOrders", {}, "open"),
        ("ClosedOrders", {}, "closed"),
        ("TradesHistory", {}, "trades"),
        ("TradeVolume", {"pair": "XBTUSD"}, "fees"),
    ],
)
def test_order_queries(kraken_mock, method, params, key):
    assert key in client(kraken_mock, "trader").query_private(method, params)["result"]


def test_open_positions_is_empty(kraken_mock):
    assert client(kraken_mock, "trader").query_private("OpenPositions") == {
        "error": [],
        "result": {},
    }


def test_add_order_validate_returns_only_descr(kraken_mock):
    api = client(kraken_mock, "trader")
    res = api.query_private("AddOrder", {**VALIDATE_ORDER, "pair": "XXBTZUSD"})
    assert res == {
        "error": [],
        "result": {"descr": {"order": "buy 10.00000000 XBTUSD @ limit 10.0"}},
    }
    assert kraken_mock.state_changes() == []
    assert api.query_private("OpenOrders")["result"]["open"] == {}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"volume": "0.00001"}, "EGeneral:Invalid arguments:volume minimum not met"),
        ({"volume": "abc"}, "EGeneral:Invalid arguments:volume"),
        # zero is not a size or a price: refused as malformed, not as below a minimum
        ({"volume": "0"}, "EGeneral:Invalid arguments:volume"),
        ({"price": "0"}, "EGeneral:Invalid arguments:price"),
        ({"ordertype": "best"}, "EGeneral:Invalid arguments:ordertype"),
        ({"type": "hold"}, "EGeneral:Invalid arguments:type"),
        ({"price": None}, "EGeneral:Invalid arguments:price"),
        ({"pair": "NOPEUSD"}, "EQuery:Unknown asset pair"),
        ({"price": "10.05"}, "EOrder:Tick size check failed"),
        ({"price": "0.1", "volume": "1"}, "EOrder:Cost minimum not met"),
    ],
)
def test_add_order_validate_checks_arguments(kraken_mock, params, expected):
    base = {**VALIDATE_ORDER, "pair": "XXBTZUSD", **params}
    body = {k: v for k, v in base.items() if v is not None}
    assert client(kraken_mock, "trader").query_private("AddOrder", body) == {"error": [expected]}


def test_add_then_cancel_order(kraken_mock):
    api = client(kraken_mock, "trader")
    res = api.query_private("AddOrder", PLACED_ORDER)
    (txid,) = res["result"]["txid"]
    assert txid in api.query_private("OpenOrders")["result"]["open"]
    assert txid in api.query_private("QueryOrders", {"txid": txid})["result"]
    hold = api.query_private("BalanceEx")["result"]["ZUSD"]["hold_trade"]
    assert float(hold) == 100.0
    assert api.query_private("CancelOrder", {"txid": txid}) == {"error": [], "result": {"count": 1}}
    assert api.query_private("OpenOrders")["result"]["open"] == {}
    assert txid in api.query_private("ClosedOrders")["result"]["closed"]
    again = api.query_private("CancelOrder", {"txid": txid})
    assert again == {"error": [CAT.error("eorder-unknown-order").string]}
    changes = [(r.method, r.key_name) for r in kraken_mock.state_changes()]
    assert changes == [("AddOrder", "trader"), ("CancelOrder", "trader")]


def test_cancel_unknown_order(kraken_mock):
    res = client(kraken_mock, "trader").query_private(
        "CancelOrder", {"txid": "OAAAAA-AAAAA-AAAAAA"}
    )
    assert res == {"error": [CAT.error("eorder-unknown-order").string]}


def test_market_order_fills_and_moves_funds(kraken_mock):
    api = client(kraken_mock, "trader")
    res = api.query_private(
        "AddOrder", {"pair": "XBTUSD", "type": "buy", "ordertype": "market", "volume": "0.001"}
    )
    assert res["error"] == []
    bal = api.query_private("Balance")["result"]
    assert float(bal["XXBT"]) == 0.001 and float(bal["ZUSD"]) < 1250 - 87
    assert len(api.query_private("TradesHistory")["result"]["trades"]) == 1


def test_insufficient_funds_only_without_validate(kraken_mock):
    api = client(kraken_mock, "trader")
    big = {"pair": "XBTUSD", "type": "buy", "ordertype": "limit", "price": "80000", "volume": "1"}
    assert api.query_private("AddOrder", {**big, "validate": "true"})["error"] == []
    assert api.query_private("AddOrder", big) == {"error": ["EOrder:Insufficient funds"]}


def test_websocket_token_needs_its_permission(kraken_mock, make_account):
    assert client(kraken_mock, "trader").query_private("GetWebSocketsToken") == {
        "error": [CAT.error("egeneral-permission-denied").string]
    }
    acc = make_account(permissions=["create-ws-token"])
    api = client(kraken_mock, acc)
    res = api.query_private("GetWebSocketsToken")["result"]
    assert res["expires"] == 900 and len(res["token"]) > 20


def test_funding_and_export_endpoints(kraken_mock, make_account):
    acc = make_account(
        permissions=["query-funds", "add-funds", "withdraw-funds", "export-data", "query-ledger"]
    )
    api = client(kraken_mock, acc)
    assert api.query_private("DepositMethods", {"asset": "XBT"})["result"][0]["method"]
    assert api.query_private("WithdrawMethods")["result"]
    assert api.query_private("WithdrawAddresses")["result"] == []
    assert api.query_private("ExportStatus", {"report": "trades"})["result"] == []
    assert api.query_private("Ledgers")["result"] == {"ledger": {}, "count": 0}
    assert api.query_private("ExportStatus", {"report": "x"})["error"] == [
        "EGeneral:Invalid arguments"
    ]
    assert kraken_mock.state_changes() == []


def test_unknown_private_method(kraken_mock):
    res = client(kraken_mock, "trader").query_private("FlyToTheMoon")
    assert res == {"error": [CAT.error("egeneral-unknown-method").string]}


def test_every_catalog_endpoint_has_a_handler():
    assert {e.name for e in CAT.endpoints} <= set(PRIVATE)


@pytest.mark.parametrize("probe", CAT.probes, ids=lambda p: p.endpoint)
def test_catalog_probes_change_nothing(kraken_mock, make_account, probe):
    """Every probe answers (descr, a result or Unknown order) and changes no state."""
    every = [p.id for p in CAT.permissions]
    acc = make_account(permissions=every)
    api = client(kraken_mock, acc)
    res = api.query_private(probe.endpoint, dict(probe.params))
    assert res["error"] in ([], [CAT.error("eorder-unknown-order").string]), res
    assert kraken_mock.state_changes() == []


@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("OHLC", {"pair": "XBTUSD", "interval": "60"}),
        ("Depth", {"pair": "XBTUSD", "count": "3"}),
        ("Trades", {"pair": "ETHUSD"}),
        ("Spread", {"pair": "XBTUSD"}),
    ],
)
def test_market_history(kraken_mock, method, params):
    res = keyless(kraken_mock).query_public(method, params)
    pair = "XETHZUSD" if params["pair"] == "ETHUSD" else "XXBTZUSD"
    assert res["error"] == [] and res["result"][pair]


@pytest.mark.parametrize(
    ("method", "params", "expected"),
    [
        ("OHLC", {"pair": "XBTUSD", "interval": "7"}, "EGeneral:Invalid arguments"),
        ("Depth", {}, "EGeneral:Invalid arguments"),
        ("Depth", {"pair": "XBTUSD", "count": "0"}, "EGeneral:Invalid arguments"),
        ("Trades", {"pair": "NOPE"}, "EQuery:Unknown asset pair"),
    ],
)
def test_market_history_arguments(kraken_mock, method, params, expected):
    assert keyless(kraken_mock).query_public(method, params) == {"error": [expected]}


def test_volume_with_too_many_decimals_and_viqc(kraken_mock):
    api = client(kraken_mock, "trader")
    base = VALIDATE_ORDER
    assert api.query_private("AddOrder", {**base, "volume": "10.000000001"}) == {
        "error": ["EGeneral:Invalid arguments:volume"]
    }
    assert api.query_private("AddOrder", {**base, "volume": "10.00000001"})["error"] == []
    viqc = api.query_private("AddOrder", {**base, "volume": "100", "oflags": "viqc"})
    assert viqc == {"error": [CAT.error("eapi-feature-disabled").string + ":viqc"]}


@pytest.mark.parametrize("name", ["BTC/USD", "XBT/USD", "XBTUSD", "XXBTZUSD"])
def test_pairs_by_the_specs_names(kraken_mock, name):
    # Kraken's spec gives `BTC/USD,ETH/BTC` as AssetPairs' example input.
    api = keyless(kraken_mock)
    assert list(api.query_public("AssetPairs", {"pair": name})["result"]) == ["XXBTZUSD"]


def test_trade_balance_is_valued_in_the_asked_asset(kraken_mock):
    api = client(kraken_mock, "trader")
    usd = api.query_private("TradeBalance")["result"]
    xbt = api.query_private("TradeBalance", {"asset": "XBT"})["result"]
    eur = api.query_private("TradeBalance", {"asset": "ZEUR"})["result"]
    assert "ml" in usd and "uv" in usd
    assert float(xbt["eb"]) == pytest.approx(float(usd["eb"]) / 87500, rel=1e-6)
    assert float(eur["eb"]) == pytest.approx(float(usd["eb"]) * 81200 / 87500, rel=1e-3)
    assert api.query_private("TradeBalance", {"asset": "NOPE"}) == {
        "error": [CAT.error("equery-unknown-asset").string]
    }


def test_deposit_addresses_with_new_changes_state(kraken_mock, make_account):
    # Kraken's spec: `new` "Whether or not to generate a new address".
    assert CAT.endpoint("DepositAddresses").changes_state
    api = client(kraken_mock, make_account(permissions=["query-funds", "add-funds"]))
    ask = {"asset": "XBT", "method": "Bitcoin"}
    before = len(kraken_mock.state_changes())
    assert api.query_private("DepositAddresses", ask)["result"] == []
    assert len(kraken_mock.state_changes()) == before
    assert len(api.query_private("DepositAddresses", {**ask, "new": "true"})["result"]) == 1
    assert len(kraken_mock.state_changes()) == before + 1
