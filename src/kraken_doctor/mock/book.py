"""One account's trading state: balances, orders, trades, ledger entries, exports.

The mock has no matching engine: market orders fill at once at the ticker price, limit and
stop orders rest until cancelled. Every method runs under the book's lock, so concurrent
calls on one key keep balances consistent.
"""

from __future__ import annotations

import secrets
import string
import threading
from decimal import Decimal, localcontext
from typing import Any

from kraken_doctor.mock import market

_ID_CHARS = string.ascii_uppercase + string.digits
LOT_PLACES = market.LOT_DECIMALS


def new_id(prefix: str) -> str:
    """A Kraken-style id such as `OQCLML-BW3P3-BUCMWZ`."""

    def part(n: int) -> str:
        return "".join(secrets.choice(_ID_CHARS) for _ in range(n))

    return f"{prefix}{part(5)}-{part(5)}-{part(6)}"


def fmt(value: Decimal, places: int) -> str:
    """`value` with exactly `places` decimals, as Kraken writes amounts."""
    with localcontext() as ctx:
        ctx.prec = 100  # amounts are bounded on input; this only keeps quantize from failing
        return format(value.quantize(Decimal(1).scaleb(-places)), "f")


def fmt_asset(code: str, value: Decimal) -> str:
    dec = market.asset_decimals(code)
    return fmt(value, dec) if dec is not None else format(value, "f")


class Book:
    def __init__(self, balances: dict[str, str]) -> None:
        self.lock = threading.RLock()
        self.balances: dict[str, Decimal] = {a: Decimal(v) for a, v in balances.items()}
        self.orders: dict[str, dict[str, Any]] = {}  # txid -> order, open and closed
        self.trades: dict[str, dict[str, Any]] = {}
        self.ledger: dict[str, dict[str, Any]] = {}
        self.exports: dict[str, dict[str, Any]] = {}
        self.deposit_addresses: dict[str, list[dict[str, Any]]] = {}
        #: txid -> the order's amend history (OrderAmends), oldest first
        self.amends: dict[str, list[dict[str, Any]]] = {}

    # -- balances ---------------------------------------------------------------------------
    def held(self, asset: str) -> Decimal:
        """What open orders reserve of `asset` (buy: quote cost; sell: base volume)."""
        total = Decimal(0)
        for o in self.orders.values():
            if o["status"] != "open":
                continue
            p = market.pair(o["_pair"])
            if o["descr"]["type"] == "buy" and p["quote"] == asset:
                total += o["_reserve"]
            elif o["descr"]["type"] == "sell" and p["base"] == asset:
                total += Decimal(o["vol"])
        return total

    def available(self, asset: str) -> Decimal:
        return self.balances.get(asset, Decimal(0)) - self.held(asset)

    def _move(
        self,
        asset: str,
        amount: Decimal,
        kind: str,
        refid: str,
        now: float,
        fee: Decimal = Decimal(0),
    ) -> None:
        """Book `amount` and, in its own field as Kraken's ledger does, the `fee` paid."""
        self.balances[asset] = self.balances.get(asset, Decimal(0)) + amount - fee
        lid = new_id("L")
        self.ledger[lid] = {
            "refid": refid,
            "time": now,
            "type": kind,
            "subtype": "",
            "aclass": "currency",
            "asset": asset,
            "amount": fmt_asset(asset, amount),
            "fee": fmt_asset(asset, fee),
            "balance": fmt_asset(asset, self.balances[asset]),
        }

    # -- orders -----------------------------------------------------------------------------
    def place(self, order: dict[str, Any], now: float) -> str:
        """Store a validated order (see endpoints.orders) and fill it if it is a market order."""
        txid = new_id("O")
        order = dict(order, opentm=now, status="open")
        self.orders[txid] = order
        self.record_amend(txid, "original", now)
        if order["descr"]["ordertype"] == "market":
            self._fill(txid, market.last_price(order["_pair"]), now)
        return txid

    def _fill(self, txid: str, price: Decimal, now: float) -> None:
        o = self.orders[txid]
        p = market.pair(o["_pair"])
        vol = Decimal(o["vol"])
        cost = price * vol
        fee = cost * market.TAKER_FEE_PERCENT / 100
        tid = new_id("T")
        side = o["descr"]["type"]
        if side == "buy":
            self._move(p["quote"], -cost, "trade", tid, now, fee)
            self._move(p["base"], vol, "trade", tid, now)
        else:
            self._move(p["base"], -vol, "trade", tid, now)
            self._move(p["quote"], cost, "trade", tid, now, fee)
        cdec = p["cost_decimals"]
        o.update(
            status="closed",
            closetm=now,
            reason=None,
            vol_exec=o["vol"],
            cost=fmt(cost, cdec),
            fee=fmt(fee, cdec),
            price=fmt(price, p["pair_decimals"]),
            _reserve=Decimal(0),
        )
        self.trades[tid] = {
            "ordertxid": txid,
            "postxid": new_id("T"),
            "pair": o["_pair"],
            "time": now,
            "type": side,
            "ordertype": o["descr"]["ordertype"],
            "price": fmt(price, p["pair_decimals"]),
            "cost": fmt(cost, cdec),
            "fee": fmt(fee, cdec),
            "vol": o["vol"],
            "margin": fmt(Decimal(0), cdec),
            "leverage": "0",
            "misc": "",
            "trade_id": len(self.trades) + 1,
            "maker": False,
        }

    def record_amend(self, txid: str, kind: str, now: float) -> str:
        """Add the order's current values to its amend history (`original` or `user`)."""
        o = self.orders[txid]
        amend_id = new_id("T")
        entry: dict[str, Any] = {
            "amend_id": amend_id,
            "amend_type": kind,
            "order_qty": o["vol"],
            "remaining_qty": fmt(Decimal(o["vol"]) - Decimal(o["vol_exec"]), LOT_PLACES),
            "post_only": "post" in o["oflags"].split(","),
            "timestamp": int(now * 1000),
        }
        if o["descr"]["price"] != "0":
            entry["limit_price"] = o["descr"]["price"]
        if kind == "user":
            entry["reason"] = "User requested"
        self.amends.setdefault(txid, []).append(entry)
        return amend_id

    def find(self, ref: str) -> str | None:
        """The txid of an order by txid, userref or cl_ord_id, or None."""
        if ref in self.orders:
            return ref
        for txid, o in self.orders.items():
            if ref in (str(o.get("userref")), o.get("cl_ord_id")):
                return txid
        return None

    def cancel(self, txid: str, now: float) -> bool:
        """Cancel an open order; False if it is not open (unknown, filled or cancelled)."""
        o = self.orders.get(txid)
        if not o or o["status"] != "open":
            return False
        o.update(status="canceled", closetm=now, reason="User requested", _reserve=Decimal(0))
        return True

    def open_orders(self) -> dict[str, dict[str, Any]]:
        return {t: public(o) for t, o in self.orders.items() if o["status"] == "open"}

    def closed_orders(self) -> dict[str, dict[str, Any]]:
        return {t: public(o) for t, o in self.orders.items() if o["status"] != "open"}


def public(order: dict[str, Any]) -> dict[str, Any]:
    """The order as Kraken shows it (without the mock's private bookkeeping fields)."""
    return {k: v for k, v in order.items() if not k.startswith("_")}
