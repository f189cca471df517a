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


def _usd_value(asset: str, amount: Decimal) -> Decimal:
    if asset == "ZUSD":
        return amount
    for name in market.pair_names():
        p = market.pair(name)
        if p["base"] == asset and p["quote"] == "ZUSD":
            return amount * market.last_price(name)
    return Decimal(0)


@private("TradeBalance")
def trade_balance(call: Call) -> dict[str, str]:
    assert call.book is not None
    asset = call.text("asset") or "ZUSD"
    if market.asset_code(asset) != "ZUSD":
        # Only USD valuation is modelled; say so instead of inventing exchange rates.
        if market.asset_code(asset) is None:
            raise fail("UNKNOWN_ASSET")
    with call.book.lock:
        total = sum((_usd_value(a, v) for a, v in call.book.balances.items()), start=Decimal(0))
    eb = fmt(total, 4)
    zero = "0.0000"
    return {
        "eb": eb,
        "tb": eb,
        "m": zero,
        "n": zero,
        "c": zero,
        "v": zero,
        "e": eb,
        "mf": eb,
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
