"""Funding endpoints. The mock's accounts hold no withdrawal keys, so nothing can leave them:
Withdraw and WithdrawInfo answer EFunding:Unknown withdraw key."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from kraken_doctor.mock import market
from kraken_doctor.mock.book import fmt_asset, new_id
from kraken_doctor.mock.endpoints.base import Call, KrakenError, fail, private
from kraken_doctor.mock.errors import invalid_arguments

_METHODS = {
    "XXBT": ("Bitcoin", "Bitcoin", "0.00010000", "0.00015000"),
    "XETH": ("Ether (Hex)", "Ethereum", "0.00500000", "0.00250000"),
    "USDT": ("Tether USD (ERC20)", "Ethereum", "5.00000000", "2.50000000"),
    "SOL": ("Solana", "Solana", "0.05000000", "0.00250000"),
}


def _asset(call: Call, required: bool = True) -> str | None:
    name = call.text("asset", required=required)
    if name is None:
        return None
    code = market.asset_code(name)
    if code is None:
        raise fail("UNKNOWN_ASSET")
    return code


@private("DepositMethods")
def deposit_methods(call: Call) -> list[dict[str, Any]]:
    code = _asset(call)
    assert code is not None
    if code not in _METHODS:
        return []
    method, _network, minimum, _fee = _METHODS[code]
    return [
        {
            "method": method,
            "limit": False,
            "fee": "0.0000000000",
            "gen-address": True,
            "minimum": minimum,
        }
    ]


@private("DepositAddresses")
def deposit_addresses(call: Call) -> list[dict[str, Any]]:
    assert call.book is not None
    code = _asset(call)
    assert code is not None
    method = call.text("method", required=True)
    if code not in _METHODS or method != _METHODS[code][0]:
        raise fail("NO_FUNDING_METHOD")
    with call.book.lock:
        known = call.book.deposit_addresses.setdefault(code, [])
        if call.flag("new"):
            known.append({"address": f"mock-{new_id('').lower()}", "expiretm": "0", "new": True})
            call.changed = True
        return [dict(a) for a in known]


@private("DepositStatus")
def deposit_status(call: Call) -> list[Any]:
    _asset(call, required=False)
    return []


@private("WithdrawMethods")
def withdraw_methods(call: Call) -> list[dict[str, Any]]:
    code = _asset(call, required=False)
    return [
        {"asset": a, "method": m, "network": n, "minimum": minimum}
        for a, (m, n, minimum, _fee) in _METHODS.items()
        if code is None or a == code
    ]


@private("WithdrawAddresses")
def withdraw_addresses(call: Call) -> list[Any]:
    _asset(call, required=False)
    return []  # no withdrawal address is ever set up on a mock account


def _amount(call: Call) -> Decimal:
    text = call.text("amount", required=True)
    try:
        value = Decimal(text or "")
    except InvalidOperation:
        raise KrakenError(invalid_arguments("amount")) from None
    if not value.is_finite() or value <= 0:
        raise fail("INVALID_AMOUNT")
    return value


@private("WithdrawInfo", "Withdraw")
def withdraw(call: Call) -> None:
    _asset(call)
    call.text("key", required=True)
    _amount(call)
    raise fail("UNKNOWN_WITHDRAW_KEY")


@private("WithdrawStatus")
def withdraw_status(call: Call) -> list[Any]:
    _asset(call, required=False)
    return []


@private("WithdrawCancel")
def withdraw_cancel(call: Call) -> None:
    _asset(call)
    call.text("refid", required=True)
    raise fail("UNKNOWN_REFERENCE_ID")


@private("WalletTransfer")
def wallet_transfer(call: Call) -> dict[str, str]:
    assert call.book is not None
    code = _asset(call)
    assert code is not None
    source = call.text("from", required=True)
    target = call.text("to", required=True)
    if source != "Spot Wallet" or target != "Futures Wallet":
        raise KrakenError(invalid_arguments("from"))
    amount = _amount(call)
    with call.book.lock:
        if call.book.available(code) < amount:
            raise fail("INVALID_AMOUNT")
        call.book.balances[code] = call.book.balances.get(code, Decimal(0)) - amount
        refid = new_id("F")
        call.book.ledger[new_id("L")] = {
            "refid": refid,
            "time": call.now,
            "type": "transfer",
            "subtype": "spottofutures",
            "aclass": "currency",
            "asset": code,
            "amount": fmt_asset(code, -amount),
            "fee": fmt_asset(code, Decimal(0)),
            "balance": fmt_asset(code, call.book.balances[code]),
        }
    call.changed = True
    return {"refid": refid}


@private("CreateSubaccount", "AccountTransfer")
def institutional_only(call: Call) -> None:
    # Institutional clients only (kraken-api.md section 2); no mock account is one.
    raise fail("PERMISSION_DENIED")
