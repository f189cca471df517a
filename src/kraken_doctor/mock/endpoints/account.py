"""Account-data endpoints: GetApiKeyInfo, balances, trade balance and volume, WS token."""

from __future__ import annotations

import hashlib
import secrets
from decimal import Decimal
from typing import Any

from kraken_doctor.mock import market
from kraken_doctor.mock.book import fmt, fmt_asset
from kraken_doctor.mock.endpoints.base import Call, fail, named_pairs, private


@private("GetApiKeyInfo")
def get_api_key_info(call: Call) -> dict[str, Any]:
    acc = call.account
    assert acc is not None
    # Kraken's field names and types (docs page "Get API Key Info"): numbers as strings,
    # except nonceWindow; lastUsed is null when the key was never used before this call.
    digest = hashlib.sha256(acc.name.encode()).hexdigest().upper()
    return {
        "apiKeyName": acc.name,
        "apiKey": acc.key,
        "nonce": str(acc.last_nonce),
        "nonceWindow": acc.nonce_window,
        "permissions": list(acc.permissions),
        "iban": f"AA{digest[:2]} {digest[2:6]} {digest[6:10]} {digest[10:14]}",
        "validUntil": str(acc.valid_until),
        "queryFrom": "0",
        "queryTo": "0",
        "createdTime": "1767225600",
        "modifiedTime": "1767225600",
        "ipAllowlist": list(acc.ip_allowlist),
        "lastUsed": None if call.last_used is None else str(int(call.last_used)),
    }


@private("Balance")
def balance(call: Call) -> dict[str, str]:
    assert call.book is not None
    with call.book.lock:
        return {a: fmt_asset(a, v) for a, v in call.book.balances.items()}


@private("BalanceEx")
def balance_ex(call: Call) -> dict[str, dict[str, str]]:
    assert call.book is not None
    with call.book.lock:
        return {
            a: {"balance": fmt_asset(a, v), "hold_trade": fmt_asset(a, call.book.held(a))}
            for a, v in call.book.balances.items()
        }


@private("CreditLines")
def credit_lines(call: Call) -> None:
    # Kraken returns no result for accounts without credit lines (none of the mock's have one).
    return None


def _usd_value(asset: str, amount: Decimal) -> Decimal | None:
    """`amount` of `asset` in USD at the mock's prices; None when no pair prices it."""
    if asset == "ZUSD":
        return amount
    for name in market.pair_names():
        p = market.pair(name)
        if p["base"] == asset and p["quote"] == "ZUSD":
            return amount * market.last_price(name)
    for name in market.pair_names():  # a quote asset: through its pair's base (EUR via XBT)
        p = market.pair(name)
        if p["quote"] == asset and p["base"] != asset:
            base_usd = _usd_value(p["base"], Decimal(1))
            if base_usd is not None:
                return amount * base_usd / market.last_price(name)
    return None


@private("TradeBalance")
def trade_balance(call: Call) -> dict[str, str]:
    """The account's value in the asking asset (`asset`, default ZUSD), as Kraken values it.

    Totals are summed in USD at the mock's prices, then converted to the valuation asset
    through its USD pair. The mock's accounts hold no margin positions, so margin, cost,
    value and unrealised P&L are 0; `ml` (margin level) is in Kraken's schema and example,
    and is reported as 0 with no margin used.
    """
    assert call.book is not None
    asset = market.asset_code(call.text("asset") or "ZUSD")
    if asset is None:
        raise fail("UNKNOWN_ASSET")
    rate = _usd_value(asset, Decimal(1))
    if not rate:
        raise fail("UNKNOWN_ASSET")  # no price to value the account in this asset
    with call.book.lock:
        usd = sum(
            (_usd_value(a, v) or Decimal(0) for a, v in call.book.balances.items()),
            start=Decimal(0),
        )
    places = market.asset_decimals(asset) or 4
    eb = fmt(usd / rate, places)
    zero = fmt(Decimal(0), places)
    return {
        "eb": eb,
        "tb": eb,
        "m": zero,
        "n": zero,
        "c": zero,
        "v": zero,
        "e": eb,
        "mf": eb,
        "ml": "0.00",
        "uv": zero,
    }


@private("TradeVolume")
def trade_volume(call: Call) -> dict[str, Any]:
    assert call.book is not None
    with call.book.lock:
        volume = sum((Decimal(t["cost"]) for t in call.book.trades.values()), start=Decimal(0))
    out: dict[str, Any] = {"currency": "ZUSD", "volume": fmt(volume, 4)}
    names = named_pairs(call)
    if names:
        out["fees"] = {
            n: {
                "fee": str(market.TAKER_FEE_PERCENT),
                "minfee": "0.1000",
                "maxfee": str(market.TAKER_FEE_PERCENT),
                "nextfee": "0.3500",
                "tiervolume": "0.0000",
                "nextvolume": "10000.0000",
            }
            for n in names
        }
        out["fees_maker"] = {
            n: {
                "fee": str(market.MAKER_FEE_PERCENT),
                "minfee": "0.0000",
                "maxfee": str(market.MAKER_FEE_PERCENT),
                "nextfee": "0.2000",
                "tiervolume": "0.0000",
                "nextvolume": "10000.0000",
            }
            for n in names
        }
    return out


@private("GetWebSocketsToken")
def get_websockets_token(call: Call) -> dict[str, Any]:
    # The token must be used within 15 minutes (kraken-api.md section 2).
    return {"token": secrets.token_urlsafe(32), "expires": 900}
