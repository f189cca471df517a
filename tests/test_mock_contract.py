"""The mock against Kraken's own spec: every endpoint it serves, called as a bot calls it.

Each call goes through python-kraken-sdk (signed, its own nonce and encoding; the raw HTTP
answer is kept), and the whole answer, `error` and `result`, is validated with jsonschema
against that endpoint's 200 response schema in Kraken's Spot REST OpenAPI spec, a field the
spec does not document included (tests/spec_schemas.py closes its objects). The spec is
found through one setting, $KRAKEN_SPEC_DIR (default: the pinned copy in
../shared/kraken-spec/spot-rest); when it is missing every test here fails and says so.

GetApiKeyInfo is newer than the spec: its answer is held against the fields Kraken's docs
page documents (listed in the pinned copy's README). Where the spec itself is wrong, or has
no schema, the exception is named in `SPEC_EXCEPTIONS` with the reason, and the answer is
still validated against what the spec does say; nothing is skipped.
"""

from __future__ import annotations

import io
import json
import re
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from kraken.spot import SpotClient
from tools.spec_check import ENV_VAR, SpecMissing

from kraken_doctor.catalog import load_catalog
from kraken_doctor.mock import Account, MockKraken
from kraken_doctor.mock.endpoints import PRIVATE, PUBLIC
from spec_schemas import Spec, pinned_spec, schema_of_example

CAT = load_catalog()

#: Where the spec is wrong or silent, and what the answer is validated against instead.
SPEC_EXCEPTIONS = {
    # The spec describes QueryOrders' `result` as one order, `oneOf` an open or a closed order,
    # but Kraken answers a map from txid to order, as ClosedOrders does (the spec's own example
    # shows two txids); and since neither order schema requires a field, a real order matches
    # both, which `oneOf` forbids. Each value of the map is validated against the spec's
    # open-order or closed-order schema (anyOf).
    "QueryOrders": "result is a txid -> order map; each order valid as an open or closed order",
    # The spec gives CancelOrderBatch only an example (`{"error": [], "result": {"count": 2}}`)
    # and no schema: the answer is validated against the shape of that example.
    "CancelOrderBatch": "no schema in the spec; validated against the spec's example",
    # A closed order's `reason` is typed string, not nullable, but the spec's own QueryOrders
    # example shows `"reason": null` for filled orders (only cancelled ones have a reason).
    # The closed-order schema is read with `reason` nullable, for ClosedOrders and QueryOrders.
    "closed-order reason": "null for a filled order, as the spec's own example shows",
    # BalanceEx's `result` is described as an object with one property literally named
    # `asset`; Kraken answers a map from asset to its extended balance (the spec's example:
    # `{"ZUSD": {...}, "XXBT": {...}}`). Each asset's entry is validated as that property.
    "BalanceEx": "result is an asset -> extended balance map",
    # TradeVolume's fee object names min_fee, max_fee, next_fee, tier_volume and next_volume;
    # the spec's own example (as Kraken answers) says minfee, maxfee, nextfee, tiervolume and
    # nextvolume. The fee object is read with the example's names.
    "TradeVolume fee fields": "the names of the spec's own example",
    # OrderAmends' response schema lists only `result`; every Kraken answer has `error`.
    "OrderAmends error": "the error array every answer has",
    # Earn/Allocations' schema omits `next_cursor`, which its own example shows (and
    # Earn/Strategies' schema types as a nullable string): read with that field.
    "Earn/Allocations next_cursor": "as the spec's example and Earn/Strategies have it",
}

#: Objects the spec lists `properties` of allow no others (tests/spec_schemas.py): the mock
#: may not answer a field Kraken does not document. These exceptions patch the spec's files
#: as they are read; the others are in `_schema`.
FEE_NAMES = {
    "min_fee": "minfee",
    "max_fee": "maxfee",
    "next_fee": "nextfee",
    "tier_volume": "tiervolume",
    "next_volume": "nextvolume",
}


def _reason_may_be_null(closed_order: dict[str, Any]) -> None:
    closed_order["properties"]["reason"]["nullable"] = True


def _assets_map(balance_ex: dict[str, Any]) -> None:
    result = balance_ex["properties"]["result"]
    result["additionalProperties"] = result.pop("properties")["asset"]


def _example_fee_names(fees: dict[str, Any]) -> None:
    fees["properties"] = {FEE_NAMES.get(k, k): v for k, v in fees["properties"].items()}


def _with_error(amends: dict[str, Any]) -> None:
    amends["properties"]["error"] = {"$ref": "../../../../schemas/objects/errors/error.yaml"}


def _allocations_cursor(openapi: dict[str, Any]) -> None:
    def result(path: str) -> dict[str, Any]:
        content = openapi["paths"][path]["post"]["responses"]["200"]["content"]
        return content["application/json"]["schema"]["properties"]["result"]

    cursor = result("/private/Earn/Strategies")["properties"]["next_cursor"]
    result("/private/Earn/Allocations")["properties"]["next_cursor"] = cursor


SPEC_PATCHES = (
    ("schemas/objects/user/orders/closed.yaml", _reason_may_be_null),
    ("schemas/responses/user/account/balanceex.yaml", _assets_map),
    ("schemas/objects/user/volume/fees.yaml", _example_fee_names),
    ("schemas/responses/user/orders/amends.yaml", _with_error),
    ("openapi_v3.yaml", _allocations_cursor),
)

#: Endpoints the mock answers only with an error, and the error (no mock account can
#: withdraw, is institutional, or has an Earn strategy). The error answer is validated too.
ERROR_ONLY = {
    "Withdraw": "EFunding:Unknown withdraw key",
    "WithdrawInfo": "EFunding:Unknown withdraw key",
    "WithdrawCancel": "EFunding:Unknown reference id",
    "CreateSubaccount": "EGeneral:Permission denied",
    "AccountTransfer": "EGeneral:Permission denied",
    "Earn/Allocate": "EGeneral:Invalid arguments",
    "Earn/Deallocate": "EGeneral:Invalid arguments",
}

#: GetApiKeyInfo's fields and their types, from Kraken's docs page "Get API Key Info"
#: (docs.kraken.com/api-reference/account-data/get-api-key-info): numbers are strings except
#: nonceWindow; lastUsed is "string, nullable (null if never used)".
API_KEY_INFO_TYPES: dict[str, Any] = {
    "apiKeyName": "string",
    "apiKey": "string",
    "nonce": "string",
    "nonceWindow": "integer",
    "permissions": "array",
    "iban": "string",
    "validUntil": "string",
    "queryFrom": "string",
    "queryTo": "string",
    "createdTime": "string",
    "modifiedTime": "string",
    "ipAllowlist": "array",
    "lastUsed": ["string", "null"],
}


@pytest.fixture(scope="module")
def spec() -> Spec:
    try:
        return pinned_spec(SPEC_PATCHES)
    except SpecMissing as exc:
        pytest.fail(str(exc))


@dataclass
class Bot:
    """python-kraken-sdk on the mock, as a bot uses it, keeping each raw HTTP answer."""

    client: SpotClient
    srv: MockKraken
    filled_txid: str = ""  # a market order the fixture filled: a closed order

    def call(self, name: str, params: dict[str, Any] | None = None) -> requests.Response:
        if name in PUBLIC:
            return self.client.request(
                "GET", f"/0/public/{name}", params=params, auth=False, return_raw=True
            )
        time.sleep(0.001)  # the SDK's nonce is the clock: keep two calls apart
        as_json = any(isinstance(v, list | dict) for v in (params or {}).values())
        return self.client.request(
            "POST", f"/0/private/{name}", params=params, do_json=as_json, return_raw=True
        )

    def result(self, name: str, params: dict[str, Any] | None = None) -> Any:
        answer = self.call(name, params).json()
        assert answer["error"] == [], (name, answer)
        return answer["result"]

    def open_order(self) -> str:
        """A new open order (a limit buy far below the market): its txid."""
        order = {"pair": "XBTUSD", "type": "buy", "ordertype": "limit"}
        return self.result("AddOrder", {**order, "price": "10", "volume": "10"})["txid"][0]


@pytest.fixture(scope="module")
def bot() -> Iterator[Bot]:
    every = [p.id for p in CAT.permissions]
    acc = Account.generate("contract", every, balances={"ZUSD": "100000", "XXBT": "10"}, tier="pro")
    # The REST counter is not under test here; every endpoint is, one after another.
    with MockKraken([acc], rate_limits=False) as srv:
        client = SpotClient(key=acc.key, secret=acc.secret, url=srv.url)
        b = Bot(client, srv)
        filled = b.result(
            "AddOrder", {"pair": "XBTUSD", "type": "buy", "ordertype": "market", "volume": "0.01"}
        )
        b.filled_txid = filled["txid"][0]
        yield b
    assert not srv.crashes, "the mock hit a bug:\n" + "\n".join(srv.crashes)


Params = Callable[[Bot], dict[str, Any]]


def _export(b: Bot) -> str:
    return b.result("AddExport", {"report": "trades", "description": "contract"})["id"]


def _with_open_order(params: dict[str, Any]) -> Params:
    """`params`, called after placing an open order (so the answer lists one)."""

    def call(b: Bot) -> dict[str, Any]:
        b.open_order()
        return params

    return call


def _with_export(params: dict[str, Any]) -> Params:
    def call(b: Bot) -> dict[str, Any]:
        _export(b)
        return params

    return call


def _orders(*count: int) -> dict[str, Any]:
    one = {"ordertype": "limit", "type": "buy", "price": "10", "volume": "10"}
    return {"pair": "XBTUSD", "validate": True, "orders": [one] * (count[0] if count else 2)}


#: How a bot calls each endpoint the mock serves: its parameters, from the account's state.
CALLS: dict[str, Params] = {
    "Time": lambda b: {},
    "SystemStatus": lambda b: {},
    "Assets": lambda b: {"asset": "XBT,ETH"},
    "AssetPairs": lambda b: {"pair": "XBTUSD"},
    "Ticker": lambda b: {"pair": "XBTUSD"},
    "OHLC": lambda b: {"pair": "XBTUSD", "interval": 60},
    "Depth": lambda b: {"pair": "XBTUSD", "count": 5},
    "Trades": lambda b: {"pair": "XBTUSD", "count": 5},
    "Spread": lambda b: {"pair": "XBTUSD"},
    "GetApiKeyInfo": lambda b: {},
    "Balance": lambda b: {},
    "BalanceEx": lambda b: {},
    "CreditLines": lambda b: {},
    "TradeBalance": lambda b: {"asset": "ZUSD"},
    "OpenOrders": _with_open_order({"trades": True}),
    "ClosedOrders": lambda b: {},
    "QueryOrders": lambda b: {"txid": f"{b.open_order()},{b.filled_txid}"},
    "OrderAmends": lambda b: {"order_id": b.open_order()},
    "TradesHistory": lambda b: {},
    "QueryTrades": lambda b: {"txid": next(iter(b.result("TradesHistory")["trades"]))},
    "OpenPositions": lambda b: {},
    "Ledgers": lambda b: {},
    "QueryLedgers": lambda b: {"id": next(iter(b.result("Ledgers")["ledger"]))},
    "TradeVolume": lambda b: {"pair": "XBTUSD"},
    "AddExport": lambda b: {"report": "ledgers", "description": "contract"},
    "ExportStatus": _with_export({"report": "trades"}),
    "RetrieveExport": lambda b: {"id": _export(b)},
    "RemoveExport": lambda b: {"id": _export(b), "type": "delete"},
    "AddOrder": lambda b: {
        "pair": "XBTUSD",
        "type": "buy",
        "ordertype": "limit",
        "price": "10",
        "volume": "10",
    },
    "AddOrderBatch": lambda b: _orders(2),
    "EditOrder": lambda b: {"txid": b.open_order(), "pair": "XBTUSD", "volume": "11"},
    "AmendOrder": lambda b: {"txid": b.open_order(), "order_qty": "12"},
    "CancelOrder": lambda b: {"txid": b.open_order()},
    "CancelAll": _with_open_order({}),
    "CancelAllOrdersAfter": lambda b: {"timeout": 60},
    "CancelOrderBatch": lambda b: {"orders": [b.open_order(), b.open_order()]},
    "GetWebSocketsToken": lambda b: {},
    "DepositMethods": lambda b: {"asset": "XBT"},
    "DepositAddresses": lambda b: {"asset": "XBT", "method": "Bitcoin", "new": True},
    "DepositStatus": lambda b: {"asset": "XBT"},
    "WithdrawMethods": lambda b: {"asset": "XBT"},
    "WithdrawAddresses": lambda b: {"asset": "XBT"},
    "WithdrawInfo": lambda b: {"asset": "XBT", "key": "my-wallet", "amount": "0.1"},
    "Withdraw": lambda b: {"asset": "XBT", "key": "my-wallet", "amount": "0.1"},
    "WithdrawStatus": lambda b: {"asset": "XBT"},
    "WithdrawCancel": lambda b: {"asset": "XBT", "refid": "FTQcuak-V6Za8qrWnhzTx67yYHz8Tg"},
    "WalletTransfer": lambda b: {
        "asset": "XBT",
        "from": "Spot Wallet",
        "to": "Futures Wallet",
        "amount": "0.001",
    },
    "CreateSubaccount": lambda b: {"username": "sub1", "email": "sub1@example.org"},
    "AccountTransfer": lambda b: {
        "asset": "XBT",
        "amount": "0.001",
        "from": "ABCD 1234 EFGH 5678",
        "to": "IJKL 9012 MNOP 3456",
    },
    "Earn/Allocate": lambda b: {"strategy_id": "ESRFUO3-Q62XD-WIOIL7", "amount": "1"},
    "Earn/Deallocate": lambda b: {"strategy_id": "ESRFUO3-Q62XD-WIOIL7", "amount": "1"},
    "Earn/AllocateStatus": lambda b: {"strategy_id": "ESRFUO3-Q62XD-WIOIL7"},
    "Earn/DeallocateStatus": lambda b: {"strategy_id": "ESRFUO3-Q62XD-WIOIL7"},
    "Earn/Strategies": lambda b: {},
    "Earn/Allocations": lambda b: {"converted_asset": "USD"},
}

SERVED = sorted(PUBLIC) + sorted(PRIVATE)


def _path(name: str) -> str:
    return f"/0/public/{name}" if name in PUBLIC else f"/0/private/{name}"


def test_every_endpoint_the_mock_serves_has_a_call():
    assert sorted(CALLS) == sorted(SERVED), "add a call for each endpoint to CALLS"


def test_every_endpoint_the_mock_serves_is_in_the_spec_or_documented(spec):
    in_spec = set(spec.openapi["paths"])
    missing = [n for n in SERVED if _path(n).removeprefix("/0") not in in_spec]
    assert missing == ["GetApiKeyInfo"]  # newer than the spec; validated against its docs


def test_exceptions_are_real(spec):
    # Each named exception must still be needed: the defect it works around is in the spec.
    assert len(SPEC_EXCEPTIONS) == 7
    balance_ex = spec.example("schemas/responses/user/account/balanceex.yaml")
    assert list(balance_ex["properties"]["result"]["properties"]) == ["asset"]
    fees = spec.example("schemas/objects/user/volume/fees.yaml")
    assert set(FEE_NAMES) <= set(fees["properties"])
    volume = spec.openapi["paths"]["/private/TradeVolume"]["post"]["responses"]["200"]
    shown = volume["content"]["application/json"]["schema"]["example"]["result"]["fees"]
    assert set(FEE_NAMES.values()) & set(next(iter(shown.values())))
    amends = spec.example("schemas/responses/user/orders/amends.yaml")
    assert "error" not in amends["properties"]
    earn = spec.example("openapi_v3.yaml")["paths"]["/private/Earn/Allocations"]["post"]
    schema = earn["responses"]["200"]["content"]["application/json"]["schema"]
    assert "next_cursor" not in schema["properties"]["result"]["properties"]
    assert "next_cursor" in schema["example"]["result"]
    query = spec.example("schemas/responses/user/orders/query.yaml")
    assert "oneOf" in query["properties"]["result"]
    assert "additionalProperties" not in query["properties"]["result"]
    assert not spec.has_schema("/private/CancelOrderBatch")
    closed = spec.example("schemas/objects/user/orders/closed.yaml")
    assert closed["properties"]["reason"] == {
        "description": "Additional info on status (if any)",
        "type": "string",
    }
    example = spec.openapi["paths"]["/private/QueryOrders"]["post"]["responses"]["200"]
    shown = example["content"]["application/json"]["schema"]["example"]["result"]
    assert [o["reason"] for o in shown.values()] == [None, None]


def _schema(spec: Spec, name: str) -> dict[str, Any]:
    """The schema `name`'s whole answer must match (the spec's, or a named exception's)."""
    if name == "GetApiKeyInfo":
        return {
            "type": "object",
            "properties": {
                "error": {"type": "array", "items": {"type": "string"}},
                "result": {
                    "type": "object",
                    "properties": {k: {"type": t} for k, t in API_KEY_INFO_TYPES.items()},
                    "required": list(API_KEY_INFO_TYPES),
                    "additionalProperties": False,
                },
            },
            "required": ["error", "result"],
        }
    path = _path(name).removeprefix("/0")
    if name == "QueryOrders":
        kinds = ("open", "closed")
        order = {
            "anyOf": [
                {"$ref": spec.file_ref(f"schemas/objects/user/orders/{k}.yaml")} for k in kinds
            ]
        }
        return {
            "type": "object",
            "properties": {
                "error": {"$ref": spec.file_ref("schemas/objects/errors/error.yaml")},
                "result": {"type": "object", "additionalProperties": order},
            },
        }
    if name == "CancelOrderBatch":
        example = spec.example("examples/responses/trading/orders/batchcancel.yaml")
        return schema_of_example(example)
    return {"$ref": spec.ref(path)}


@pytest.mark.parametrize("name", SERVED)
def test_the_answer_matches_krakens_spec(spec, bot, name):
    params = CALLS[name](bot)
    response = bot.call(name, params)
    assert response.status_code == 200, (name, response.status_code, response.text[:200])
    kind = response.headers["Content-Type"].split(";")[0]
    if name == "RetrieveExport":
        # The spec's answer is the report itself: "Binary zip archive containing the report".
        assert kind in spec.media_types("/private/RetrieveExport")
        assert zipfile.is_zipfile(io.BytesIO(response.content))
        return
    assert kind == "application/json"
    answer = json.loads(response.content)
    problems = spec.errors(_schema(spec, name), answer)
    assert problems == [], f"{name}: the mock's answer breaks Kraken's spec:\n" + "\n".join(
        problems
    )
    if name in ERROR_ONLY:
        assert answer["error"] and answer["error"][0].startswith(ERROR_ONLY[name]), answer
        assert "result" not in answer
    else:
        assert answer["error"] == [] and "result" in answer, answer


def test_get_api_key_info_fields_are_the_documented_ones(spec):
    readme = (spec.folder.parent / "README.md").read_text(encoding="utf-8")
    listed = re.search(r'"Get API Key Info":(.*?)\)', readme, re.S)
    assert listed, "the spec's README no longer lists GetApiKeyInfo's documented fields"
    assert re.findall(r"`(\w+)`", listed.group(1)) == list(API_KEY_INFO_TYPES)


def test_the_schemas_catch_a_wrong_answer(spec):
    # The validation can fail: a wrong type, a wrong field name and a missing error array.
    balance = {"$ref": spec.ref("/private/Balance")}
    assert spec.errors(balance, {"error": [], "result": {"ZUSD": 12.5}})
    info = _schema(spec, "GetApiKeyInfo")
    good = {
        k: ([] if t == "array" else 0 if t == "integer" else "x")
        for k, t in API_KEY_INFO_TYPES.items()
    }
    assert spec.errors(info, {"error": [], "result": good}) == []
    renamed = {("name" if k == "apiKeyName" else k): v for k, v in good.items()}
    assert spec.errors(info, {"error": [], "result": renamed})
    assert spec.errors(_schema(spec, "QueryOrders"), {"error": "none", "result": {}})
    # A field the spec does not document is an error (objects are closed).
    trade_balance = {"$ref": spec.ref("/private/TradeBalance")}
    assert spec.errors(trade_balance, {"error": [], "result": {"eb": "1.0"}}) == []
    assert spec.errors(trade_balance, {"error": [], "result": {"eb": "1.0", "name": "x"}})
    nullable = {"$ref": spec.ref("/private/Earn/Allocate")}
    assert spec.errors(nullable, {"error": [], "result": None}) == []


def test_a_missing_spec_fails_naming_the_setting(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "spot-rest"))
    with pytest.raises(SpecMissing, match=ENV_VAR):
        pinned_spec(SPEC_PATCHES)
