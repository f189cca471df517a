"""krakenex, unmodified, pointed at a MockKraken, for the mock's tests.

krakenex's nonce is the time in milliseconds, so two calls in the same millisecond carry
the same nonce and the second is refused, on Kraken as on the mock. `Paced` waits (at most
about a millisecond) until the clock is past the millisecond of the key's last call, so
sequential tests never trip over that; the concurrency tests show the collision on purpose.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import krakenex

from kraken_doctor.mock import Account, MockKraken

#: A validate-only limit buy (10 XBT at 10 USD): passes Kraken's minimums, places nothing.
VALIDATE_ORDER = {
    "pair": "XBTUSD",
    "type": "buy",
    "ordertype": "limit",
    "price": "10",
    "volume": "10",
    "validate": "true",
}
#: The same order without validate: the mock adds it as an open order.
PLACED_ORDER = {k: v for k, v in VALIDATE_ORDER.items() if k != "validate"}

_lock = threading.Lock()
_last_ms: dict[str, int] = {}  # API key -> the millisecond of its last nonce


def _wait_for_new_millisecond(key: str) -> None:
    while True:
        with _lock:
            now = int(time.time() * 1000)
            if now > _last_ms.get(key, 0):
                _last_ms[key] = now
                return
        time.sleep(0.0002)


class Paced:
    """A krakenex.API whose private calls with one key start in distinct milliseconds."""

    def __init__(self, api: krakenex.API) -> None:
        self.api = api

    def query_private(self, method: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
        _wait_for_new_millisecond(self.api.key)
        return self.api.query_private(method, dict(data or {}), **kw)

    def query_public(self, method: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
        return self.api.query_public(method, data, **kw)


def client(srv: MockKraken, who: str | Account, secret: str | None = None) -> Paced:
    """krakenex for the account `who` (a name on `srv` or an Account); `secret` overrides."""
    acc = srv.accounts[who] if isinstance(who, str) else who
    api = krakenex.API(acc.key, secret if secret is not None else acc.secret)
    api.uri = srv.url
    return Paced(api)


def keyless(srv: MockKraken) -> krakenex.API:
    api = krakenex.API()
    api.uri = srv.url
    return api
