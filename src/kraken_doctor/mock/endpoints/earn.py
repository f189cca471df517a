"""Earn endpoints. The mock offers no Earn strategies, so nothing can be allocated."""

from __future__ import annotations

from typing import Any

from kraken_doctor.mock.endpoints.base import Call, KrakenError, private
from kraken_doctor.mock.errors import invalid_arguments


@private("Earn/Strategies")
def strategies(call: Call) -> dict[str, Any]:
    return {"items": [], "next_cursor": None}


@private("Earn/Allocations")
def allocations(call: Call) -> dict[str, Any]:
    return {
        "converted_asset": call.text("converted_asset") or "USD",
        "total_allocated": "0.0000",
        "total_rewarded": "0.0000",
        "next_cursor": None,
        "items": [],
    }


@private("Earn/AllocateStatus", "Earn/DeallocateStatus")
def allocate_status(call: Call) -> dict[str, bool]:
    call.text("strategy_id", required=True)
    return {"pending": False}


@private("Earn/Allocate", "Earn/Deallocate")
def allocate(call: Call) -> None:
    call.text("strategy_id", required=True)
    call.text("amount", required=True)
    raise KrakenError(invalid_arguments("Invalid strategy ID"))
