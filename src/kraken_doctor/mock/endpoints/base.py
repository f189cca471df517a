"""What every endpoint handler gets (a `Call`) and how it fails (`KrakenError`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kraken_doctor.mock import market
from kraken_doctor.mock.errors import error, invalid_arguments

if TYPE_CHECKING:
    from kraken_doctor.mock.accounts import Account
    from kraken_doctor.mock.book import Book
    from kraken_doctor.mock.faults import Faults


class KrakenError(Exception):
    """Answer the request with `{"error": [string]}` (HTTP 200), as Kraken does."""

    def __init__(self, string: str) -> None:
        super().__init__(string)
        self.string = string


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    now: float
    faults: Faults
    account: Account | None = None
    book: Book | None = None
    changed: bool = False
    #: when the key's previous authenticated call arrived (None: this is its first)
    last_used: float | None = None
    #: set by a handler whose answer is not JSON (RetrieveExport): (content type, bytes)
    raw: tuple[str, bytes] | None = field(default=None)

    def text(self, name: str, required: bool = False) -> str | None:
        """A parameter as text; a missing required one is `EGeneral:Invalid arguments`."""
        value = self.params.get(name)
        if value is None or value == "":
            if required:
                raise KrakenError(invalid_arguments(name))
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float | str):
            return str(value)
        raise KrakenError(invalid_arguments(name))

    def flag(self, name: str) -> bool:
        """A boolean parameter (`true`/`1` in a form, true in JSON)."""
        value = self.params.get(name)
        if isinstance(value, bool):
            return value
        return str(value).strip().lower() in ("true", "1", "yes") if value is not None else False

    def ids(self, name: str, required: bool = False) -> list[str]:
        """A comma-separated list (or a JSON list) of ids."""
        value = self.params.get(name)
        if isinstance(value, list):
            out = [str(v).strip() for v in value if str(v).strip()]
        elif value is None:
            out = []
        else:
            out = [v.strip() for v in str(value).split(",") if v.strip()]
        if required and not out:
            raise KrakenError(invalid_arguments(name))
        return out

    def required(self, name: str) -> str:
        """A parameter the call cannot do without, as text (`text` with required=True, typed
        as never None: it raises instead)."""
        value = self.text(name, required=True)
        assert value is not None
        return value

    def int_param(self, name: str, default: int | None = None) -> int | None:
        value = self.text(name)
        if value is None:
            return default
        try:
            return int(value)
        except ValueError:
            raise KrakenError(invalid_arguments(name)) from None


Handler = Callable[[Call], Any]

PUBLIC: dict[str, Handler] = {}
PRIVATE: dict[str, Handler] = {}


def public(name: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        PUBLIC[name] = fn
        return fn

    return register


def private(*names: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        for name in names:
            PRIVATE[name] = fn
        return fn

    return register


def fail(name: str) -> KrakenError:
    """A KrakenError for one of the mock's named errors (see kraken_doctor.mock.errors)."""
    return KrakenError(error(name))


#: Which of the account's tables an endpoint reads, from the account's book.
Table = Callable[["Book"], dict[str, Any]]


def with_count(call: Call, key: str, table: Table) -> dict[str, Any]:
    """`{key: the table, "count": its length}`, as Kraken lists closed orders, trades and
    ledger entries; a copy, taken under the book's lock, like every book access."""
    assert call.book is not None
    with call.book.lock:
        entries = dict(table(call.book))
    return {key: entries, "count": len(entries)}


def by_ids(call: Call, name: str, table: Table, unknown: KrakenError) -> dict[str, Any]:
    """The entries of one of the account's tables named by the ids in parameter `name`.

    One unknown id fails the whole call with `unknown`, as Kraken does for QueryTrades and
    QueryLedgers; the table is read under the book's lock, like every book access.
    """
    assert call.book is not None
    wanted = call.ids(name, required=True)
    with call.book.lock:
        entries = table(call.book)
        if any(i not in entries for i in wanted):
            raise unknown
        return {i: entries[i] for i in wanted}


def named_pairs(call: Call) -> list[str]:
    """The pairs listed in `pair`, by Kraken's names ([] when none is given).

    One name the market does not know fails the call with EQuery:Unknown asset pair.
    """
    names = []
    for name in call.ids("pair"):
        code = market.pair_name(name)
        if code is None:
            raise fail("UNKNOWN_ASSET_PAIR")
        names.append(code)
    return names
