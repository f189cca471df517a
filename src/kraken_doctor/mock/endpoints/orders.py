"""Order argument checks shared by AddOrder, AddOrderBatch and EditOrder.

Runs only after the permission check (Kraken checks permissions first, even with
validate=true). Checks what Kraken checks for a validate-only order: the fields, the pair,
the order minimum, the cost minimum and the tick size. Funds are checked only for real
orders (kraken-api.md section 3.2).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from kraken_doctor.mock import market
from kraken_doctor.mock.book import LOT_PLACES, fmt
from kraken_doctor.mock.endpoints.base import Call, KrakenError, fail
from kraken_doctor.mock.errors import error, invalid_arguments

ORDER_TYPES = (
    "market",
    "limit",
    "iceberg",
    "stop-loss",
    "take-profit",
    "stop-loss-limit",
    "take-profit-limit",
    "trailing-stop",
    "trailing-stop-limit",
    "settle-position",
)
NEEDS_PRICE = {t for t in ORDER_TYPES if t not in ("market", "settle-position")}
NEEDS_PRICE2 = {"stop-loss-limit", "take-profit-limit", "trailing-stop-limit"}
OFLAGS = {"post", "fcib", "fciq", "nompp", "viqc"}
#: Numbers of 10**15 and more, or below 10**-15, are refused as malformed: no pair trades
#: in such sizes or prices.
MAX_DIGITS = 15


def _text(spec: dict[str, Any], name: str) -> str | None:
    value = spec.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise KrakenError(invalid_arguments(name))
    return str(value).strip()


def _decimal(spec: dict[str, Any], name: str, required: bool) -> Decimal | None:
    text = _text(spec, name)
    if text is None:
        if required:
            raise KrakenError(invalid_arguments(name))
        return None
    # Relative prices (+5, -2%, #) of stop orders are accepted as given.
    stripped = text.lstrip("+-#").rstrip("%")
    try:
        value = Decimal(stripped)
    except InvalidOperation:
        raise KrakenError(invalid_arguments(name)) from None
    if not value.is_finite() or value <= 0 or not -MAX_DIGITS <= value.adjusted() < MAX_DIGITS:
        raise KrakenError(invalid_arguments(name))
    return value


def check_order(spec: dict[str, Any], pair_text: str | None) -> dict[str, Any]:
    """A validated order in the book's shape, or KrakenError naming the first bad field."""
    if pair_text is None:
        raise KrakenError(invalid_arguments("pair"))
    pair = market.pair_name(pair_text)
    if pair is None:
        raise fail("UNKNOWN_ASSET_PAIR")
    info = market.pair(pair)
    ordertype = _text(spec, "ordertype")
    if ordertype not in ORDER_TYPES:
        raise KrakenError(invalid_arguments("ordertype"))
    side = _text(spec, "type")
    if side not in ("buy", "sell"):
        raise KrakenError(invalid_arguments("type"))
    volume = _decimal(spec, "volume", required=True)
    assert volume is not None
    price = _decimal(spec, "price", required=ordertype in NEEDS_PRICE)
    price2 = _decimal(spec, "price2", required=ordertype in NEEDS_PRICE2)
    flags = [f for f in (_text(spec, "oflags") or "").split(",") if f]
    if any(f not in OFLAGS for f in flags) or ("post" in flags and ordertype != "limit"):
        raise KrakenError(invalid_arguments("oflags"))

    if "viqc" in flags:
        # Volume in quote currency is switched off on Kraken (kraken-api.md section 4.2).
        raise KrakenError(f"{error('FEATURE_DISABLED')}:viqc")
    if volume.as_tuple().exponent < -info["lot_decimals"]:  # type: ignore[operator]
        raise KrakenError(invalid_arguments("volume"))
    if volume < Decimal(info["ordermin"]):
        raise KrakenError(invalid_arguments("volume minimum not met"))
    tick = Decimal(info["tick_size"])
    plain_price = _text(spec, "price") or ""
    if price is not None and plain_price[:1] not in "+-#" and not plain_price.endswith("%"):
        if price % tick != 0:
            raise fail("TICK_SIZE")
    unit = price if ordertype in ("limit", "iceberg") and price else market.last_price(pair)
    cost = unit * volume
    if cost < Decimal(info["costmin"]):
        raise fail("COST_MINIMUM")

    pdec = info["pair_decimals"]
    vol_text = fmt(volume, LOT_PLACES)
    shown = f"{side} {vol_text} {info['altname']} @ {ordertype}"
    if price is not None and plain_price[:1] not in "+-#" and not plain_price.endswith("%"):
        shown += f" {fmt(price, pdec)}"
    elif price is not None:
        shown += f" {plain_price}"
    if price2 is not None:
        shown += f" -> limit {fmt(price2, pdec)}"
    order: dict[str, Any] = {
        "refid": None,
        "userref": _text(spec, "userref") or 0,
        "starttm": 0,
        "expiretm": 0,
        "descr": {
            "pair": info["altname"],
            "type": side,
            "ordertype": ordertype,
            "price": fmt(price, pdec) if price is not None else "0",
            "price2": fmt(price2, pdec) if price2 is not None else "0",
            "leverage": "none",
            "order": shown,
            "close": "",
        },
        "vol": vol_text,
        "vol_exec": fmt(Decimal(0), LOT_PLACES),
        "cost": "0.00000",
        "fee": "0.00000",
        "price": "0.00000",
        "stopprice": "0.00000",
        "limitprice": "0.00000",
        "misc": "",
        "oflags": ",".join(flags) or "fciq",
        "_pair": pair,
        "_reserve": cost if side == "buy" else Decimal(0),
        "_needs": (info["quote"], cost) if side == "buy" else (info["base"], volume),
    }
    cl_ord_id = _text(spec, "cl_ord_id")
    if cl_ord_id:
        order["cl_ord_id"] = cl_ord_id
    return order


def check_market_mode(call: Call, order: dict[str, Any]) -> None:
    """In post_only mode (SystemStatus), only post-only limit orders are accepted.

    The app refuses every order call in maintenance and new orders in cancel_only mode
    before the handler runs; post_only depends on the order's flags, so it is checked here.
    """
    key_name = call.account.name if call.account else None
    fault = call.faults.get("maintenance", key_name)
    if fault and fault.opts["status"] == "post_only":
        if "post" not in order["oflags"].split(","):
            raise fail("POST_ONLY")


def check_funds(call: Call, order: dict[str, Any]) -> None:
    assert call.book is not None
    asset, needed = order["_needs"]
    if call.book.available(asset) < needed:
        raise fail("INSUFFICIENT_FUNDS")
