"""Fault injection, server-wide and per key, seen through krakenex."""

from __future__ import annotations

import pytest
import requests

from kraken_doctor.catalog import load_catalog
from kraken_doctor.mock import FAULT_KINDS, FaultError
from mock_client import VALIDATE_ORDER, client, keyless

CAT = load_catalog()


@pytest.mark.parametrize(
    ("kind", "slug"), [("unavailable", "eservice-unavailable"), ("busy", "eservice-busy")]
)
def test_service_errors_server_wide(kraken_mock, kind, slug):
    kraken_mock.set_fault(kind)
    expected = {"error": [CAT.error(slug).string]}
    assert client(kraken_mock, "trader").query_private("Balance") == expected
    assert keyless(kraken_mock).query_public("Time") == expected
    kraken_mock.clear_faults()
    assert client(kraken_mock, "trader").query_private("Balance")["error"] == []


def test_fault_for_one_key_only(kraken_mock):
    kraken_mock.set_fault("unavailable", key_name="trader")
    assert client(kraken_mock, "trader").query_private("Balance") == {
        "error": [CAT.error("eservice-unavailable").string]
    }
    assert client(kraken_mock, "user-bob").query_private("Balance")["error"] == []
    assert keyless(kraken_mock).query_public("Time")["error"] == []


# 500 and 599 are the edges of the documented 500-599 range: both must be served as asked.
@pytest.mark.parametrize("status", [500, 502, 503, 520, 599])
def test_http_5xx_with_an_html_page(kraken_mock, status):
    kraken_mock.set_fault("http-5xx", status=status)
    with pytest.raises(requests.HTTPError) as info:
        client(kraken_mock, "trader").query_private("Balance")
    response = info.value.response
    assert response.status_code == status
    assert response.headers["Content-Type"].startswith("text/html")
    assert "<html" in response.text and str(status) in response.text
    assert kraken_mock.audit[-1].outcome == f"http-{status}"


def test_slow_response_times_out(kraken_mock):
    kraken_mock.set_fault("slow", seconds=2)
    with pytest.raises(requests.exceptions.ReadTimeout):
        client(kraken_mock, "trader").query_private("Balance", timeout=0.2)


def test_dropped_connection(kraken_mock):
    kraken_mock.set_fault("drop", key_name="trader")
    with pytest.raises(requests.exceptions.ConnectionError):
        client(kraken_mock, "trader").query_private("Balance")
    assert kraken_mock.audit[-1].outcome == "dropped"
    assert client(kraken_mock, "user-bob").query_private("Balance")["error"] == []


def test_server_without_get_api_key_info(kraken_mock):
    kraken_mock.set_fault("no-getapikeyinfo")
    res = client(kraken_mock, "trader").query_private("GetApiKeyInfo")
    assert res == {"error": [CAT.error("egeneral-unknown-method").string]}
    assert client(kraken_mock, "trader").query_private("Balance")["error"] == []


def test_maintenance(kraken_mock):
    kraken_mock.set_fault("maintenance")
    assert keyless(kraken_mock).query_public("SystemStatus")["result"]["status"] == "maintenance"
    api = client(kraken_mock, "trader")
    assert api.query_private("AddOrder", VALIDATE_ORDER) == {
        "error": [CAT.error("eservice-unavailable").string]
    }
    assert api.query_private("Balance")["error"] == []


def test_cancel_only(kraken_mock):
    kraken_mock.set_fault("maintenance", status="cancel_only")
    assert keyless(kraken_mock).query_public("SystemStatus")["result"]["status"] == "cancel_only"
    api = client(kraken_mock, "trader")
    assert api.query_private("AddOrder", VALIDATE_ORDER) == {
        "error": ["EService:Market in cancel_only mode"]
    }
    res = api.query_private("CancelOrder", {"txid": "OAAAAA-AAAAA-AAAAAA"})
    assert res == {"error": [CAT.error("eorder-unknown-order").string]}


def test_post_only(kraken_mock):
    kraken_mock.set_fault("maintenance", status="post_only")
    api = client(kraken_mock, "trader")
    assert api.query_private("AddOrder", VALIDATE_ORDER) == {
        "error": ["EService:Market in post_only mode"]
    }
    assert api.query_private("AddOrder", {**VALIDATE_ORDER, "oflags": "post"})["error"] == []


def test_permission_still_checked_in_maintenance(kraken_mock):
    kraken_mock.set_fault("maintenance")
    res = client(kraken_mock, "view-only").query_private("AddOrder", VALIDATE_ORDER)
    assert res == {"error": [CAT.error("egeneral-permission-denied").string]}


@pytest.mark.parametrize(
    ("kind", "opts", "message"),
    [
        ("meteor", {}, "unknown fault kind"),
        ("http-5xx", {"status": 404}, "500-599"),
        ("http-5xx", {"status": 499}, "500-599"),
        ("http-5xx", {"status": 600}, "500-599"),
        ("maintenance", {"status": "closed"}, "maintenance, cancel_only, post_only"),
        ("busy", {"seconds": 1}, "takes no option"),
    ],
)
def test_bad_fault_is_refused_with_a_clear_message(kraken_mock, kind, opts, message):
    with pytest.raises(FaultError, match=message):
        kraken_mock.set_fault(kind, **opts)


def test_fault_for_unknown_key_is_refused(kraken_mock):
    with pytest.raises(ValueError, match="no account named 'nobody'"):
        kraken_mock.set_fault("busy", key_name="nobody")


def test_fault_kinds_are_the_contracts():
    assert set(FAULT_KINDS) == {
        "unavailable",
        "busy",
        "http-5xx",
        "slow",
        "drop",
        "no-getapikeyinfo",
        "maintenance",
    }
