"""Static market data for the public endpoints: a few assets, pairs and prices.

Illustrative values in Kraken's response shapes; the pairs carry `ordermin`, `costmin` and
`tick_size` so order-minimum checks behave as on Kraken. Prices never move.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

# code -> (altname, decimals, display_decimals)
_ASSETS: dict[str, tuple[str, int, int]] = {
    "XXBT": ("XBT", 10, 5),
    "XETH": ("ETH", 10, 5),
    "ZUSD": ("USD", 4, 2),
    "ZEUR": ("EUR", 4, 2),
    "USDT": ("USDT", 8, 4),
    "SOL": ("SOL", 10, 5),
}

# name -> (altname, base, quote, pair_decimals, cost_decimals, ordermin, costmin, tick_size, last)
_PAIRS: dict[str, tuple[str, str, str, int, int, str, str, str, str]] = {
    "XXBTZUSD": ("XBTUSD", "XXBT", "ZUSD", 1, 5, "0.00005", "0.5", "0.1", "87500.0"),
    "XXBTZEUR": ("XBTEUR", "XXBT", "ZEUR", 1, 5, "0.00005", "0.45", "0.1", "81200.0"),
    "XETHZUSD": ("ETHUSD", "XETH", "ZUSD", 2, 5, "0.002", "0.5", "0.01", "3150.00"),
    "USDTZUSD": ("USDTUSD", "USDT", "ZUSD", 4, 5, "5", "0.5", "0.0001", "1.0002"),
    "SOLUSD": ("SOLUSD", "SOL", "ZUSD", 2, 5, "0.02", "0.5", "0.01", "142.35"),
}

LOT_DECIMALS = 8
TAKER_FEE_PERCENT = Decimal("0.40")
MAKER_FEE_PERCENT = Decimal("0.25")


def _wsname(altname: str, base: str, quote: str) -> str:
    b = _ASSETS[base][0]
    q = _ASSETS[quote][0]
    return f"{b}/{q}"


def asset_code(name: str) -> str | None:
    """The Kraken asset code for a code or altname (`XBT` -> `XXBT`), or None."""
    for code, (alt, _d, _dd) in _ASSETS.items():
        if name in (code, alt):
            return code
    return None


def asset_decimals(code: str) -> int | None:
    info = _ASSETS.get(code)
    return info[1] if info else None


def assets() -> dict[str, dict[str, Any]]:
    return {
        code: {
            "aclass": "currency",
            "altname": alt,
            "decimals": dec,
            "display_decimals": disp,
            "status": "enabled",
        }
        for code, (alt, dec, disp) in _ASSETS.items()
    }


#: Other names of an asset in pair names: Kraken's spec writes `BTC/USD` (AssetPairs' `pair`
#: example, AddOrderBatch's example), beside Kraken's own `XBT/USD`.
_PAIR_ALIASES = {"XBT": "BTC"}


def pair_name(name: str) -> str | None:
    """The pair's Kraken name for its name, altname or wsname (`XBT/USD`, `BTC/USD` ->
    `XXBTZUSD`)."""
    for code, row in _PAIRS.items():
        ws = _wsname(row[0], row[1], row[2])
        base, _, quote = ws.partition("/")
        alias = f"{_PAIR_ALIASES.get(base, base)}/{quote}"
        if name in (code, row[0], ws, alias):
            return code
    return None


def pair(name: str) -> dict[str, Any]:
    """AssetPairs' entry for a known pair name (see `pair_name`)."""
    alt, base, quote, pdec, cdec, ordermin, costmin, tick, _last = _PAIRS[name]
    return {
        "altname": alt,
        "wsname": _wsname(alt, base, quote),
        "aclass_base": "currency",
        "base": base,
        "aclass_quote": "currency",
        "quote": quote,
        "lot": "unit",
        "cost_decimals": cdec,
        "pair_decimals": pdec,
        "lot_decimals": LOT_DECIMALS,
        "lot_multiplier": 1,
        "leverage_buy": [],
        "leverage_sell": [],
        "fees": [[0, float(TAKER_FEE_PERCENT)], [10000, 0.35], [50000, 0.24]],
        "fees_maker": [[0, float(MAKER_FEE_PERCENT)], [10000, 0.2], [50000, 0.14]],
        "fee_volume_currency": "ZUSD",
        "margin_call": 80,
        "margin_stop": 40,
        "ordermin": ordermin,
        "costmin": costmin,
        "tick_size": tick,
        "status": "online",
    }


def pair_names() -> list[str]:
    return list(_PAIRS)


def last_price(name: str) -> Decimal:
    return Decimal(_PAIRS[name][8])


def ticker(name: str) -> dict[str, Any]:
    """Ticker's entry: a = ask, b = bid, c = last trade, v/p/t/l/h = today and 24h, o = open."""
    last = last_price(name)
    tick = Decimal(_PAIRS[name][7])
    places = Decimal(1).scaleb(-_PAIRS[name][3])
    ask = (last + tick).quantize(places)
    bid = (last - tick).quantize(places)
    low = (last * Decimal("0.98")).quantize(places)
    high = (last * Decimal("1.02")).quantize(places)
    return {
        "a": [str(ask), "1", "1.000"],
        "b": [str(bid), "2", "2.000"],
        "c": [str(last.quantize(places)), "0.01000000"],
        "v": ["1250.50000000", "2731.11000000"],
        "p": [str(last.quantize(places)), str(last.quantize(places))],
        "t": [14012, 30255],
        "l": [str(low), str(low)],
        "h": [str(high), str(high)],
        "o": str(last.quantize(places)),
    }
