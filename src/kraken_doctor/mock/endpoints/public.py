"""Public market-data endpoints (GET only since 2024-01-31): Time, SystemStatus, Assets,
AssetPairs, Ticker."""

from __future__ import annotations

import email.utils
from datetime import UTC, datetime
from typing import Any

from kraken_doctor.mock import market
from kraken_doctor.mock.endpoints.base import Call, fail, public


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
    wanted = call.ids("pair")
    if not wanted:
        return market.pair_names()
    names = []
    for name in wanted:
        code = market.pair_name(name)
        if code is None:
            raise fail("UNKNOWN_ASSET_PAIR")
        names.append(code)
    return names


@public("AssetPairs")
def asset_pairs(call: Call) -> dict[str, Any]:
    return {name: market.pair(name) for name in _pairs(call)}


@public("Ticker")
def ticker(call: Call) -> dict[str, Any]:
    return {name: market.ticker(name) for name in _pairs(call)}
