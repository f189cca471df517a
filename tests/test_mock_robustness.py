"""Any request, however odd, gets a Kraken-shaped answer: never a crash, never a traceback.

Hypothesis sends every catalog endpoint (and unknown ones) arbitrary JSON and form bodies,
correctly signed, so they get past authentication into the endpoint's own checks.
"""

from __future__ import annotations

import itertools
import json
import time
import urllib.parse

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kraken_doctor.catalog import load_catalog
from kraken_doctor.mock import Account, MockKraken, sign

CAT = load_catalog()
METHODS = [e.name for e in CAT.endpoints] + ["Nope", "Balance/Extra"]
FIELDS = [
    "pair",
    "type",
    "ordertype",
    "price",
    "price2",
    "volume",
    "txid",
    "validate",
    "orders",
    "asset",
    "amount",
    "key",
    "id",
    "report",
    "timeout",
    "oflags",
    "userref",
    "cl_ord_id",
    "method",
    "new",
    "from",
    "to",
    "strategy_id",
    "description",
    "otp",
    "order_qty",
    "limit_price",
    "order_id",
    "type",
    "format",
]
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(FIELDS), inner, max_size=3)
    ),
    max_leaves=6,
)
TEXT_VALUES = st.text(max_size=30) | st.sampled_from(
    ["10", "0", "-1", "1e400", "NaN", "true", "XBTUSD", "buy", "limit", "[]", "[{}]", ","]
)
_nonces = itertools.count(time.time_ns())


@pytest.fixture(scope="module")
def srv():
    acc = Account.generate(
        "fuzz", [p.id for p in CAT.permissions], balances={"ZUSD": "100000000000", "XXBT": "1000"}
    )
    with MockKraken([acc], rate_limits=False) as s:
        yield s
    assert not s.crashes, "\n".join(s.crashes)


def _check(res: requests.Response, srv: MockKraken) -> None:
    assert "Traceback" not in res.text and 'File "' not in res.text
    assert not srv.crashes, srv.crashes[-1]
    if res.headers.get("Content-Type", "").startswith("application/octet-stream"):
        return
    assert res.status_code == 200
    body = res.json()
    assert isinstance(body["error"], list) and all(isinstance(e, str) for e in body["error"])
    assert ("result" in body) == (body["error"] == [])


def _post(
    srv: MockKraken,
    method: str,
    body: str,
    content_type: str,
    nonce: str,
    acc: Account | None = None,
):
    acc = acc or srv.accounts["fuzz"]
    path = f"/0/private/{method}"
    headers = {
        "API-Key": acc.key,
        "API-Sign": sign(acc.secret, path, nonce, body),
        "Content-Type": content_type,
    }
    return requests.post(srv.url + path, data=body.encode(), headers=headers, timeout=10)


#: The two bodies Kraken takes: JSON, whose values may be any JSON, and a form, whose are text.
BODIES = {
    "json": (JSON_VALUES, json.dumps, "application/json"),
    "form": (TEXT_VALUES, urllib.parse.urlencode, "application/x-www-form-urlencoded"),
}


@pytest.mark.parametrize("values,encode,content_type", BODIES.values(), ids=BODIES.keys())
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(method=st.sampled_from(METHODS), data=st.data())
def test_any_body(srv, values, encode, content_type, method, data):
    params = data.draw(st.dictionaries(st.sampled_from(FIELDS), values, max_size=6), "params")
    params.pop("otp", None)
    nonce = str(next(_nonces))
    body = encode({**params, "nonce": nonce})
    _check(_post(srv, method, body, content_type, nonce), srv)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    method=st.sampled_from(
        [
            "Time",
            "SystemStatus",
            "Assets",
            "AssetPairs",
            "Ticker",
            "OHLC",
            "Depth",
            "Trades",
            "Spread",
            "X",
        ]
    ),
    params=st.dictionaries(
        st.sampled_from(["pair", "asset", "info", "interval", "count"]), TEXT_VALUES, max_size=3
    ),
)
def test_any_public_query(srv, method, params):
    _check(requests.get(f"{srv.url}/0/public/{method}", params=params, timeout=10), srv)


NUMBERS = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(str),
    st.integers().map(str),
    st.sampled_from(["1e400", "1e-400", "1e30", "0.000000001", "+5", "-2%", "#3", "1,5", ""]),
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    method=st.sampled_from(["AddOrder", "AddOrderBatch", "EditOrder", "AmendOrder"]),
    order=st.fixed_dictionaries(
        {
            "pair": st.sampled_from(["XBTUSD", "XXBTZUSD", "ETHUSD", "USDTZUSD", "NOPE"]),
            "type": st.sampled_from(["buy", "sell", "hold"]),
            "ordertype": st.sampled_from(["market", "limit", "stop-loss-limit", "iceberg", "x"]),
            "volume": NUMBERS,
            "price": NUMBERS,
            "price2": NUMBERS,
            "validate": st.sampled_from(["true", "false", ""]),
            "oflags": st.sampled_from(["", "post", "fciq,post", "zzz"]),
        }
    ),
)
def test_orders_with_odd_numbers(srv, method, order):
    """Mostly valid orders with odd numbers reach the order checks; none may crash them."""
    if method == "AddOrderBatch":
        params = {
            "pair": order.pop("pair"),
            "validate": order.pop("validate"),
            "orders": json.dumps([order]),
        }
    elif method in ("EditOrder", "AmendOrder"):
        # A fresh account per example, so earlier examples cannot have spent its funds.
        acc = srv.add_account(
            Account.generate(
                f"edit-{next(_nonces)}",
                ["modify-trades", "close-trades"],
                balances={"ZUSD": "1000"},
            )
        )
        placed = _post_form(
            srv,
            "AddOrder",
            {"pair": "XBTUSD", "type": "buy", "ordertype": "limit", "price": "10", "volume": "1"},
            acc,
        ).json()
        assert placed["error"] == [], placed
        params = {
            **order,
            "txid": placed["result"]["txid"][0],
            "order_qty": order["volume"],
            "limit_price": order["price"],
        }
        _check(_post_form(srv, method, params, acc), srv)
        return
    else:
        params = order
    _check(_post_form(srv, method, params), srv)


def _post_form(
    srv: MockKraken, method: str, params: dict[str, str], acc: Account | None = None
) -> requests.Response:
    nonce = str(next(_nonces))
    body = urllib.parse.urlencode({**params, "nonce": nonce})
    return _post(srv, method, body, "application/x-www-form-urlencoded", nonce, acc)
