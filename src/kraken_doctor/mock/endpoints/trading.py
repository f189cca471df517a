"""Order and trade endpoints: queries (OpenOrders ... QueryTrades) and the state-changing
calls (AddOrder, AddOrderBatch, EditOrder, AmendOrder, Cancel*)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from kraken_doctor.mock.book import public as public_order
from kraken_doctor.mock.endpoints.base import Call, KrakenError, by_ids, fail, private, with_count
from kraken_doctor.mock.endpoints.orders import check_funds, check_market_mode, check_order
from kraken_doctor.mock.errors import invalid_arguments

# -- queries ---------------------------------------------------------------------------------


@private("OpenOrders")
def open_orders(call: Call) -> dict[str, Any]:
    assert call.book is not None
    with call.book.lock:
        return {"open": call.book.open_orders()}


@private("ClosedOrders")
def closed_orders(call: Call) -> dict[str, Any]:
    return with_count(call, "closed", lambda book: book.closed_orders())


def _may_read(call: Call, order: dict[str, Any]) -> None:
    """QueryOrders and OrderAmends need the permission for the order's status (Kraken's spec:
    "Query open orders & trades or Query closed orders & trades, depending on status of
    order"); the app has already checked that the key holds one of the two."""
    assert call.account is not None
    needed = "query-open-trades" if order["status"] == "open" else "query-closed-trades"
    if needed not in call.account.permissions:
        raise fail("PERMISSION_DENIED")


@private("QueryOrders")
def query_orders(call: Call) -> dict[str, Any]:
    assert call.book is not None
    wanted = call.ids("txid", required=True)
    with call.book.lock:
        out = {}
        for ref in wanted:
            txid = call.book.find(ref)
            if txid is None:
                raise fail("INVALID_ORDER")
            _may_read(call, call.book.orders[txid])
            out[txid] = public_order(call.book.orders[txid])
    return out


@private("OrderAmends")
def order_amends(call: Call) -> dict[str, Any]:
    assert call.book is not None
    ref = call.required("order_id")
    with call.book.lock:
        txid = call.book.find(ref)
        if txid is None:
            raise fail("UNKNOWN_ORDER")
        _may_read(call, call.book.orders[txid])
        amends = [dict(a) for a in call.book.amends.get(txid, [])]
    # `count` includes the original order (Kraken's spec).
    return {"amends": amends, "count": len(amends)}


@private("TradesHistory")
def trades_history(call: Call) -> dict[str, Any]:
    return with_count(call, "trades", lambda book: book.trades)


@private("QueryTrades")
def query_trades(call: Call) -> dict[str, Any]:
    return by_ids(call, "txid", lambda book: book.trades, fail("INVALID_ORDER"))


@private("OpenPositions")
def open_positions(call: Call) -> dict[str, Any]:
    return {}  # the mock's accounts never trade on margin


# -- new orders ------------------------------------------------------------------------------


@private("AddOrder")
def add_order(call: Call) -> dict[str, Any]:
    assert call.book is not None
    order = check_order(call.params, call.text("pair"))
    check_market_mode(call, order)
    if call.flag("validate"):
        return {"descr": {"order": order["descr"]["order"]}}  # no txid: nothing was placed
    with call.book.lock:
        check_funds(call, order)
        txid = call.book.place(order, call.now)
    call.changed = True
    return {"descr": {"order": order["descr"]["order"]}, "txid": [txid]}


def _batch_orders(call: Call) -> list[dict[str, Any]]:
    """`orders` as a JSON list (JSON body), a JSON string (form body) or orders[i][field]."""
    value = call.params.get("orders")
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise KrakenError(invalid_arguments("orders")) from None
    if value is None:
        indexed: dict[int, dict[str, Any]] = {}
        for key, v in call.params.items():
            if key.startswith("orders[") and "][" in key and key.endswith("]"):
                idx, field = key[len("orders[") : -1].split("][", 1)
                if idx.isdigit():
                    indexed.setdefault(int(idx), {})[field] = v
        value = [indexed[i] for i in sorted(indexed)] or None
    if not isinstance(value, list) or not value or not all(isinstance(o, dict) for o in value):
        raise KrakenError(invalid_arguments("orders"))
    if not 2 <= len(value) <= 15:  # Kraken's spec: "minimum of 2 and maximum 15"
        raise KrakenError(invalid_arguments("orders"))
    return value


@private("AddOrderBatch")
def add_order_batch(call: Call) -> dict[str, Any]:
    assert call.book is not None
    pair = call.text("pair")
    orders = [check_order(spec, pair) for spec in _batch_orders(call)]
    for order in orders:
        check_market_mode(call, order)
    if call.flag("validate"):
        return {"orders": [{"descr": {"order": o["descr"]["order"]}} for o in orders]}
    results = []
    with call.book.lock:
        for order in orders:
            try:
                check_funds(call, order)
            except KrakenError as exc:
                results.append({"error": exc.string})
                continue
            txid = call.book.place(order, call.now)
            call.changed = True
            results.append({"descr": {"order": order["descr"]["order"]}, "txid": txid})
    return {"orders": results}


def _open_order(call: Call, ref: str) -> tuple[str, dict[str, Any]]:
    """The open order `ref` names (txid, userref or cl_ord_id), or EOrder:Unknown order.

    Call it under the book's lock, like every other look-up in the book.
    """
    assert call.book is not None
    txid = call.book.find(ref)
    if txid is None or call.book.orders[txid]["status"] != "open":
        raise fail("UNKNOWN_ORDER")
    return txid, call.book.orders[txid]


def _changed(old: dict[str, Any], volume: Any, price: Any) -> dict[str, Any]:
    """An order spec like `old`, with a new volume and price where they are given."""
    return {
        "ordertype": old["descr"]["ordertype"],
        "type": old["descr"]["type"],
        "volume": volume or old["vol"],
        "price": price or old["descr"]["price"],
        "oflags": old["oflags"],
    }


@private("EditOrder")
def edit_order(call: Call) -> dict[str, Any]:
    assert call.book is not None
    ref = call.required("txid")
    with call.book.lock:
        txid, old = _open_order(call, ref)
        spec = _changed(old, call.params.get("volume"), call.params.get("price"))
        spec["price2"] = call.params.get("price2") or (
            old["descr"]["price2"] if old["descr"]["price2"] != "0" else None
        )
        spec["oflags"] = call.params.get("oflags") or old["oflags"]
        order = check_order(spec, old["descr"]["pair"])
        check_market_mode(call, order)
        if call.flag("validate"):
            return {"descr": {"order": order["descr"]["order"]}, "status": "ok"}
        call.book.cancel(txid, call.now)
        try:
            check_funds(call, order)
        except KrakenError:
            old.update(status="open", closetm=None, reason=None)
            raise
        new_txid = call.book.place(order, call.now)
    call.changed = True
    return {
        "descr": {"order": order["descr"]["order"]},
        "txid": new_txid,
        "originaltxid": txid,
        "volume": order["vol"],
        "price": order["descr"]["price"],
        "price2": order["descr"]["price2"],
        "orders_cancelled": 1,
        "status": "ok",
    }


def _order_ref(call: Call) -> str:
    """The order a call names: its txid, or the client order id Kraken also accepts."""
    ref = call.text("txid") or call.text("cl_ord_id")
    if ref is None:
        raise KrakenError(invalid_arguments("txid"))
    return ref


@private("AmendOrder")
def amend_order(call: Call) -> dict[str, Any]:
    assert call.book is not None
    ref = _order_ref(call)
    with call.book.lock:
        txid, old = _open_order(call, ref)
        spec = _changed(old, call.params.get("order_qty"), call.params.get("limit_price"))
        order = check_order(spec, old["descr"]["pair"])
        old["vol"] = order["vol"]
        old["descr"] = order["descr"]
        old["_reserve"] = order["_reserve"]
        amend_id = call.book.record_amend(txid, "user", call.now)
    call.changed = True
    return {"amend_id": amend_id}


# -- cancels ---------------------------------------------------------------------------------


@private("CancelOrder")
def cancel_order(call: Call) -> dict[str, Any]:
    assert call.book is not None
    ref = _order_ref(call)
    with call.book.lock:
        txid = call.book.find(ref)
        if txid is None or not call.book.cancel(txid, call.now):
            raise fail("UNKNOWN_ORDER")
    call.changed = True
    return {"count": 1}


@private("CancelAll")
def cancel_all(call: Call) -> dict[str, Any]:
    assert call.book is not None
    with call.book.lock:
        count = sum(call.book.cancel(t, call.now) for t in list(call.book.open_orders()))
    call.changed = count > 0
    return {"count": count}


@private("CancelAllOrdersAfter")
def cancel_all_orders_after(call: Call) -> dict[str, Any]:
    timeout = call.int_param("timeout")
    if timeout is None or timeout < 0 or timeout > 86400:
        raise KrakenError(invalid_arguments("timeout"))
    now = datetime.fromtimestamp(int(call.now), UTC)
    trigger = datetime.fromtimestamp(int(call.now) + timeout, UTC) if timeout else None
    call.changed = True  # arms (or disarms, with 0) the dead man's switch
    return {
        "currentTime": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "triggerTime": trigger.strftime("%Y-%m-%dT%H:%M:%SZ") if trigger else "0",
    }


@private("CancelOrderBatch")
def cancel_order_batch(call: Call) -> dict[str, Any]:
    assert call.book is not None
    value = call.params.get("orders")
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = value.split(",")
    if not isinstance(value, list) or not value:
        raise KrakenError(invalid_arguments("orders"))
    refs = [
        str(v.get("txid") or v.get("cl_ord_id")) if isinstance(v, dict) else str(v) for v in value
    ]
    with call.book.lock:
        count = 0
        for ref in refs:
            txid = call.book.find(ref)
            if txid is not None and call.book.cancel(txid, call.now):
                count += 1
    call.changed = count > 0
    return {"count": count}
