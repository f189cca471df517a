"""Public market-data endpoints (GET only since 2024-01-31): Time, SystemStatus, Assets,
AssetPairs, Ticker, and flat OHLC, Depth, Trades and Spread."""

from __future__ import annotations

import email.utils
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from kraken_doctor.mock import market
from kraken_doctor.mock.book import fmt
from kraken_doctor.mock.endpoints.base import Call, KrakenError, fail, named_pairs, public
from kraken_doctor.mock.errors import invalid_arguments


@public("Time")
def time_(call: Call) -> dict[str, Any]:
    now = int(call.now)
    # Kraken's rfc1123 field uses a two-digit year: "Sun, 21 Mar 21 14:23:14 +0000".
    stamp = email.utils.formatdate(now, usegmt=False).replace("-0000", "+0000")
    day, rest = stamp.split(", ", 1)
    d, mon, year, clock, zone = rest.split(" ")
    return {"unixtime": now, "rfc1123": f"{day}, {d} {mon} {year[2:]} {clock} {zone}"}


@public("SystemStatus")
def system_status(call: Call) -> dict[str, Any]:
    fault = call.faults.get("maintenance")
    status = fault.opts["status"] if fault else "online"
    stamp = datetime.fromtimestamp(int(call.now), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"status": status, "timestamp": stamp}


@public("Assets")
def assets(call: Call) -> dict[str, Any]:
    all_assets = market.assets()
    wanted = call.ids("asset")
    if not wanted:
        return all_assets
    out: dict[str, Any] = {}
    for name in wanted:
        code = market.asset_code(name)
        if code is None:
            raise fail("UNKNOWN_ASSET")
        out[code] = all_assets[code]
    return out


def _pairs(call: Call) -> list[str]:
    """The pairs asked for, or every pair when none is named."""
    return named_pairs(call) or market.pair_names()


@public("AssetPairs")
def asset_pairs(call: Call) -> dict[str, Any]:
    return {name: market.pair(name) for name in _pairs(call)}


@public("Ticker")
def ticker(call: Call) -> dict[str, Any]:
    return {name: market.ticker(name) for name in _pairs(call)}


# -- market data over time: flat, because the mock's prices never move -----------------------

OHLC_INTERVALS = (1, 5, 15, 30, 60, 240, 1440, 10080, 21600)


def _one_pair(call: Call) -> str:
    name = call.required("pair")
    code = market.pair_name(name)
    if code is None:
        raise fail("UNKNOWN_ASSET_PAIR")
    return code


def _bounded(call: Call, name: str, default: int, low: int, high: int) -> int:
    value = call.int_param(name, default)
    assert value is not None
    if not low <= value <= high:
        raise KrakenError(invalid_arguments(name))
    return value


@public("OHLC")
def ohlc(call: Call) -> dict[str, Any]:
    pair = _one_pair(call)
    interval = call.int_param("interval", 1)
    if interval not in OHLC_INTERVALS:
        raise KrakenError(invalid_arguments("interval"))
    step = interval * 60
    last = int(call.now) // step * step
    price = market.ticker(pair)["c"][0]
    rows = [
        [t, price, price, price, price, price, "0.10000000", 3]
        for t in range(last - 9 * step, last + 1, step)
    ]
    return {pair: rows, "last": last - step}


@public("Depth")
def depth(call: Call) -> dict[str, Any]:
    pair = _one_pair(call)
    count = _bounded(call, "count", 100, 1, 500)
    info = market.pair(pair)
    tick = Decimal(info["tick_size"])
    places = info["pair_decimals"]
    ask = Decimal(market.ticker(pair)["a"][0])
    bid = Decimal(market.ticker(pair)["b"][0])
    now = int(call.now)
    shown = min(count, 10)
    return {
        pair: {
            "asks": [[fmt(ask + i * tick, places), "1.000", now] for i in range(shown)],
            "bids": [[fmt(bid - i * tick, places), "1.000", now] for i in range(shown)],
        }
    }


@public("Trades")
def trades(call: Call) -> dict[str, Any]:
    pair = _one_pair(call)
    count = _bounded(call, "count", 1000, 1, 1000)
    price = market.ticker(pair)["c"][0]
    now = call.now
    rows = [
        [price, "0.01000000", round(now - i, 4), "b" if i % 2 else "s", "l", "", 1000 - i]
        for i in range(min(count, 5))
    ]
    return {pair: rows, "last": str(int(now * 1_000_000_000))}


@public("Spread")
def spread(call: Call) -> dict[str, Any]:
    pair = _one_pair(call)
    tick = market.ticker(pair)
    now = int(call.now)
    return {pair: [[now - i, tick["b"][0], tick["a"][0]] for i in range(3)], "last": now}
