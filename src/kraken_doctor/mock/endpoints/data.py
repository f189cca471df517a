"""Ledger and export endpoints: Ledgers, QueryLedgers, AddExport, ExportStatus,
RetrieveExport, RemoveExport."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from kraken_doctor.mock.book import new_id
from kraken_doctor.mock.endpoints.base import Call, KrakenError, by_ids, private, with_count
from kraken_doctor.mock.errors import invalid_arguments

REPORTS = ("trades", "ledgers")


@private("Ledgers")
def ledgers(call: Call) -> dict[str, Any]:
    return with_count(call, "ledger", lambda book: book.ledger)


@private("QueryLedgers")
def query_ledgers(call: Call) -> dict[str, Any]:
    return by_ids(call, "id", lambda book: book.ledger, KrakenError(invalid_arguments("id")))


def _report(call: Call) -> str:
    report = call.text("report", required=True)
    if report not in REPORTS:
        raise KrakenError(invalid_arguments("report"))
    return report


@private("AddExport")
def add_export(call: Call) -> dict[str, str]:
    assert call.book is not None
    report = _report(call)
    description = call.text("description", required=True)
    rid = new_id("")[:4] + new_id("")[6:10]
    with call.book.lock:
        call.book.exports[rid] = {
            "id": rid,
            "descr": description,
            "format": call.text("format") or "CSV",
            "report": report,
            "subtype": "all",
            "status": "Processed",
            "flags": "0",
            "fields": "all",
            "createdtm": str(int(call.now)),
            "expiretm": str(int(call.now) + 14 * 86400),
            "starttm": str(int(call.now)),
            "completedtm": str(int(call.now)),
            "datastarttm": "0",
            "dataendtm": str(int(call.now)),
            "aclass": "forex",
            "asset": "all",
        }
    call.changed = True
    return {"id": rid}


@private("ExportStatus")
def export_status(call: Call) -> list[dict[str, Any]]:
    assert call.book is not None
    report = _report(call)
    with call.book.lock:
        return [e for e in call.book.exports.values() if e["report"] == report]


@private("RetrieveExport")
def retrieve_export(call: Call) -> None:
    assert call.book is not None
    rid = call.text("id", required=True)
    with call.book.lock:
        export = call.book.exports.get(rid or "")
    if export is None:
        raise KrakenError(invalid_arguments("id"))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        header = (
            "txid,refid,time,type,asset,amount\n"
            if export["report"] == "ledgers"
            else ("txid,ordertxid,pair,time,type,ordertype,price,cost,fee,vol\n")
        )
        zf.writestr(f"{export['report']}.csv", header)
    # The spec's media type for the report: application/octet-stream (a zip archive).
    call.raw = ("application/octet-stream", buf.getvalue())


@private("RemoveExport")
def remove_export(call: Call) -> dict[str, bool]:
    assert call.book is not None
    rid = call.text("id", required=True)
    kind = call.text("type", required=True)
    if kind not in ("cancel", "delete"):
        raise KrakenError(invalid_arguments("type"))
    with call.book.lock:
        if call.book.exports.pop(rid or "", None) is None:
            raise KrakenError(invalid_arguments("id"))
    call.changed = True
    return {kind: True}
