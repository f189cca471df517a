"""Funding, export and Earn endpoints: they answer, and money never leaves an account."""

from __future__ import annotations

import io
import zipfile

import pytest

from kraken_doctor.catalog import load_catalog
from mock_client import client

CAT = load_catalog()


@pytest.fixture
def api(kraken_mock, make_account):
    everything = [p.id for p in CAT.permissions]
    acc = make_account(permissions=everything, balances={"ZUSD": "100.00", "XXBT": "0.5"})
    return client(kraken_mock, acc)


def test_withdrawals_never_leave(api, kraken_mock):
    res = api.query_private("Withdraw", {"asset": "XBT", "key": "my-wallet", "amount": "0.1"})
    assert res == {"error": ["EFunding:Unknown withdraw key"]}
    info = api.query_private("WithdrawInfo", {"asset": "XBT", "key": "x", "amount": "0.1"})
    assert info == {"error": ["EFunding:Unknown withdraw key"]}
    assert api.query_private("Withdraw", {"asset": "XBT"}) == {
        "error": ["EGeneral:Invalid arguments"]
    }
    assert api.query_private("WithdrawStatus")["result"] == []
    assert api.query_private("WithdrawCancel", {"asset": "XBT", "refid": "FTQcuak-V6Za8"}) == {
        "error": ["EFunding:Unknown reference id"]
    }
    assert api.query_private("Balance")["result"]["XXBT"] == "0.5000000000"
    assert kraken_mock.state_changes() == []


def test_deposit_addresses_new_changes_state(api, kraken_mock):
    params = {"asset": "XBT", "method": "Bitcoin"}
    assert api.query_private("DepositAddresses", params)["result"] == []
    assert kraken_mock.state_changes() == []
    made = api.query_private("DepositAddresses", {**params, "new": "true"})["result"]
    assert len(made) == 1 and made[0]["new"] is True
    assert [r.method for r in kraken_mock.state_changes()] == ["DepositAddresses"]
    assert api.query_private("DepositAddresses", {"asset": "XBT", "method": "Carrier pigeon"}) == {
        "error": ["EFunding:No funding method"]
    }
    assert api.query_private("DepositStatus", {"asset": "XBT"})["result"] == []
    assert api.query_private("DepositMethods", {"asset": "DOGECOINZ"}) == {
        "error": [CAT.error("equery-unknown-asset").string]
    }


def test_wallet_transfer_moves_funds_out_of_spot(api, kraken_mock):
    params = {"asset": "ZUSD", "from": "Spot Wallet", "to": "Futures Wallet", "amount": "40"}
    assert api.query_private("WalletTransfer", params)["result"]["refid"]
    assert api.query_private("Balance")["result"]["ZUSD"] == "60.0000"
    too_much = api.query_private("WalletTransfer", {**params, "amount": "100"})
    assert too_much == {"error": ["EFunding:Invalid amount"]}


@pytest.mark.parametrize("method", ["CreateSubaccount", "AccountTransfer"])
def test_institutional_only(api, method):
    assert api.query_private(method, {"username": "x", "email": "x@example.com"}) == {
        "error": [CAT.error("egeneral-permission-denied").string]
    }


def test_export_life_cycle(api, kraken_mock):
    rid = api.query_private("AddExport", {"report": "trades", "description": "mine"})["result"][
        "id"
    ]
    status = api.query_private("ExportStatus", {"report": "trades"})["result"]
    assert [e["id"] for e in status] == [rid]
    raw = api.api.query_private  # RetrieveExport answers a zip file, not JSON
    with pytest.raises(ValueError):
        raw("RetrieveExport", {"id": rid})
    data = api.api.response.content
    assert zipfile.ZipFile(io.BytesIO(data)).namelist() == ["trades.csv"]
    assert api.query_private("RemoveExport", {"id": rid, "type": "delete"})["result"] == {
        "delete": True
    }
    assert api.query_private("ExportStatus", {"report": "trades"})["result"] == []
    assert [r.method for r in kraken_mock.state_changes()] == ["AddExport", "RemoveExport"]


def test_earn(api):
    assert api.query_private("Earn/Strategies")["result"]["items"] == []
    assert api.query_private("Earn/Allocations")["result"]["items"] == []
    assert api.query_private("Earn/AllocateStatus", {"strategy_id": "S"})["result"] == {
        "pending": False
    }
    assert api.query_private("Earn/Allocate", {"strategy_id": "S", "amount": "1"}) == {
        "error": ["EGeneral:Invalid arguments"]
    }


def test_credit_lines_and_trade_volume(api):
    assert api.query_private("CreditLines") == {"error": [], "result": None}
    assert api.query_private("TradeVolume")["result"]["currency"] == "ZUSD"
