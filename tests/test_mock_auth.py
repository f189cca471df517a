"""Authentication as Kraken does it: key, signature, nonce, otp, permission, in that order."""

from __future__ import annotations

import json
import time
import urllib.parse

import krakenex
import pytest
import requests

from kraken_doctor.catalog import load_catalog
from kraken_doctor.mock import Account, MockKraken, bot_permissions, sign
from mock_client import VALIDATE_ORDER, client

CAT = load_catalog()
INVALID_KEY = CAT.error("eapi-invalid-key").string
INVALID_SIGNATURE = CAT.error("eapi-invalid-signature").string
INVALID_NONCE = CAT.error("eapi-invalid-nonce").string
PERMISSION_DENIED = CAT.error("egeneral-permission-denied").string


def test_unknown_key(kraken_mock):
    other = Account.generate("not-on-the-server", bot_permissions())
    api = client(kraken_mock, other)
    assert api.query_private("Balance") == {"error": [INVALID_KEY]}
    assert kraken_mock.audit[-1].key_name is None


def test_wrong_secret(kraken_mock):
    trader = kraken_mock.accounts["trader"]
    api = client(kraken_mock, trader, kraken_mock.accounts["user-bob"].secret)
    assert api.query_private("Balance") == {"error": [INVALID_SIGNATURE]}


def test_key_and_secret_swapped(kraken_mock):
    trader = kraken_mock.accounts["trader"]
    api = krakenex.API(trader.secret, trader.key)
    api.uri = kraken_mock.url
    assert api.query_private("Balance") == {"error": [INVALID_KEY]}


def test_expired_key(kraken_mock, make_account):
    acc = make_account(permissions=["query-funds"], valid_until=int(time.time()) - 10)
    api = client(kraken_mock, acc)
    assert api.query_private("Balance") == {"error": [INVALID_KEY]}


def test_nonce_trap_always_refuses_millisecond_nonces(kraken_mock):
    api = client(kraken_mock, "nonce-trap")
    for _ in range(3):
        assert api.query_private("Balance") == {"error": [INVALID_NONCE]}


def test_repeated_nonce_is_refused(kraken_mock):
    acc = kraken_mock.accounts["trader"]
    body = "nonce=1000"
    headers = {"API-Key": acc.key, "API-Sign": sign(acc.secret, "/0/private/Balance", "1000", body)}
    url = kraken_mock.url + "/0/private/Balance"
    ok = requests.post(url, data=body, headers=headers, timeout=5).json()
    assert ok["error"] == []
    again = requests.post(url, data=body, headers=headers, timeout=5).json()
    assert again == {"error": [INVALID_NONCE]}


@pytest.mark.parametrize("nonce", ["", "abc", "-5", "18446744073709551616"])
def test_malformed_nonce(kraken_mock, nonce):
    acc = kraken_mock.accounts["trader"]
    body = f"nonce={nonce}"
    headers = {"API-Key": acc.key, "API-Sign": sign(acc.secret, "/0/private/Balance", nonce, body)}
    res = requests.post(
        kraken_mock.url + "/0/private/Balance", data=body, headers=headers, timeout=5
    )
    assert res.json() == {"error": [INVALID_NONCE]}


def test_nonce_window(kraken_mock, make_account):
    acc = make_account(permissions=["query-funds"], nonce_window=100)
    url = kraken_mock.url + "/0/private/Balance"

    def call(nonce: int) -> list[str]:
        body = f"nonce={nonce}"
        sig = sign(acc.secret, "/0/private/Balance", str(nonce), body)
        return requests.post(
            url, data=body, headers={"API-Key": acc.key, "API-Sign": sig}, timeout=5
        ).json()["error"]

    assert call(1000) == []
    assert call(950) == []  # inside the window, not used yet
    assert call(950) == [INVALID_NONCE]  # used
    # A window of N lets a nonce up to N below the highest through: 900 is exactly on the edge.
    assert call(900) == []
    assert call(899) == [INVALID_NONCE]  # below the window
    assert call(1001) == []


def test_two_factor_without_otp(kraken_mock):
    assert client(kraken_mock, "two-factor").query_private("Balance") == {
        "error": [INVALID_SIGNATURE]
    }


def test_two_factor_with_wrong_and_right_otp(kraken_mock):
    api = client(kraken_mock, "two-factor")
    assert api.query_private("Balance", {"otp": "000000"}) == {"error": [INVALID_SIGNATURE]}
    otp = kraken_mock.accounts["two-factor"].otp
    assert api.query_private("Balance", {"otp": otp})["error"] == []


def test_two_factor_missing_otp_as_permission_denied():
    with MockKraken(missing_otp="permission-denied") as srv:
        assert client(srv, "two-factor").query_private("Balance") == {"error": [PERMISSION_DENIED]}


def test_otp_for_a_key_without_two_factor(kraken_mock):
    res = client(kraken_mock, "trader").query_private("Balance", {"otp": "123456"})
    assert res == {"error": [INVALID_SIGNATURE]}


@pytest.mark.parametrize(
    ("account", "method", "params"),
    [
        ("view-only", "AddOrder", VALIDATE_ORDER),
        ("view-only", "AddOrder", {"volume": "not even a number", "validate": "true"}),
        ("view-only", "CancelOrder", {"txid": "OAAAAA-AAAAA-AAAAAA"}),
        ("view-only", "ClosedOrders", {}),
        ("no-query-funds", "Balance", {}),
        ("trader", "WithdrawMethods", {}),
        ("trader", "Ledgers", {}),
    ],
)
def test_permission_denied_before_arguments(kraken_mock, account, method, params):
    assert client(kraken_mock, account).query_private(method, params) == {
        "error": [PERMISSION_DENIED]
    }


def test_any_of_rule(kraken_mock, make_account):
    """CancelOrder needs modify-trades OR close-trades (catalog), AddOrderBatch needs both."""
    for perms in (["modify-trades"], ["close-trades"]):
        acc = make_account(permissions=perms)
        api = client(kraken_mock, acc)
        res = api.query_private("CancelOrder", {"txid": "OAAAAA-AAAAA-AAAAAA"})
        assert res == {"error": [CAT.error("eorder-unknown-order").string]}
        batch = api.query_private(
            "AddOrderBatch",
            {
                "pair": "XBTUSD",
                "validate": "true",
                "orders": '[{"ordertype":"limit","type":"buy","price":"10","volume":"10"}]',
            },
        )
        assert batch == {"error": [PERMISSION_DENIED]}


def test_withdraw_enabled_key_can_list_withdraw_methods(kraken_mock):
    assert client(kraken_mock, "withdraw-enabled").query_private("WithdrawMethods")["error"] == []


def test_json_body_is_signed_and_accepted(kraken_mock):
    acc = kraken_mock.accounts["trader"]
    nonce = str(int(time.time() * 1000))
    body = json.dumps(
        {
            "nonce": nonce,
            "pair": "XBTUSD",
            "validate": True,
            "orders": [{"ordertype": "limit", "type": "buy", "price": "10", "volume": "10"}] * 2,
        }
    )
    path = "/0/private/AddOrderBatch"
    headers = {
        "API-Key": acc.key,
        "API-Sign": sign(acc.secret, path, nonce, body),
        "Content-Type": "application/json",
    }
    res = requests.post(kraken_mock.url + path, data=body, headers=headers, timeout=5).json()
    assert res["error"] == [] and res["result"]["orders"][0]["descr"]["order"]


def test_json_body_with_integer_nonce(kraken_mock):
    acc = kraken_mock.accounts["trader"]
    nonce = int(time.time() * 1000)
    body = json.dumps({"nonce": nonce})
    path = "/0/private/Balance"
    headers = {
        "API-Key": acc.key,
        "API-Sign": sign(acc.secret, path, str(nonce), body),
        "Content-Type": "application/json",
    }
    res = requests.post(kraken_mock.url + path, data=body, headers=headers, timeout=5).json()
    assert res["error"] == []


def test_signed_body_differs_from_sent_body(kraken_mock):
    acc = kraken_mock.accounts["trader"]
    nonce = str(int(time.time() * 1000))
    signed = urllib.parse.urlencode({"nonce": nonce, "asset": "ZUSD"})
    sent = urllib.parse.urlencode({"nonce": nonce, "asset": "XXBT"})
    headers = {
        "API-Key": acc.key,
        "API-Sign": sign(acc.secret, "/0/private/TradeBalance", nonce, signed),
    }
    res = requests.post(
        kraken_mock.url + "/0/private/TradeBalance", data=sent, headers=headers, timeout=5
    ).json()
    assert res == {"error": [INVALID_SIGNATURE]}


def test_check_order_signature_before_nonce(kraken_mock):
    """A bad signature wins over a bad nonce: nonce-trap with a wrong secret says signature."""
    trap = kraken_mock.accounts["nonce-trap"]
    api = client(kraken_mock, trap, kraken_mock.accounts["trader"].secret)
    assert api.query_private("Balance") == {"error": [INVALID_SIGNATURE]}


def test_nonce_checked_before_permission(kraken_mock, make_account):
    acc = make_account(permissions=[], last_nonce=10**19)
    api = client(kraken_mock, acc)
    assert api.query_private("Balance") == {"error": [INVALID_NONCE]}


def test_ip_allowlist(kraken_mock, make_account):
    inside = make_account(permissions=["query-funds"], ip_allowlist=["127.0.0.0/8"])
    outside = make_account(permissions=["query-funds"], ip_allowlist=["203.0.113.7"])
    assert client(kraken_mock, inside).query_private("Balance")["error"] == []
    assert client(kraken_mock, outside).query_private("Balance") == {"error": [PERMISSION_DENIED]}
    info = client(kraken_mock, outside).query_private("GetApiKeyInfo")
    assert info == {"error": [PERMISSION_DENIED]}


def test_last_nonce_is_reported_and_kept(kraken_mock):
    api = client(kraken_mock, "trader")
    api.query_private("Balance")
    first = kraken_mock.accounts["trader"].last_nonce
    info = api.query_private("GetApiKeyInfo")["result"]
    assert int(info["nonce"]) > first > 0


@pytest.mark.parametrize("padding", [" ", "\t", "  "])
def test_spaces_around_the_key_header_are_not_part_of_the_key(kraken_mock, padding):
    # HTTP excludes them from a header's value; Kraken does not say (catalog: uncertain).
    acc = kraken_mock.accounts["trader"]
    api = krakenex.API(acc.key + padding, acc.secret)
    api.uri = kraken_mock.url
    assert api.query_private("Balance")["error"] == []
