"""The WSGI application: Kraken's request pipeline, in Kraken's order.

Private calls: key, signature, nonce, otp (then IP allowlist), REST call counter,
permission, then the endpoint's own argument checks. Every answer is HTTP 200 with
`{"error": [...]}` and no `result` on failure, as Kraken does; only faults (CDN pages) and
POSTs to public endpoints (405, as since 2024-01-31) use other statuses. No exception ever
reaches the client: a bug answers EGeneral:Internal error and is kept in `crashes`.
"""

from __future__ import annotations

import ipaddress
import json
import re
import socket
import threading
import traceback
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from kraken_doctor.catalog import load_catalog
from kraken_doctor.mock.accounts import Account
from kraken_doctor.mock.audit import AuditLog, AuditRecord
from kraken_doctor.mock.book import Book
from kraken_doctor.mock.endpoints import PRIVATE, PUBLIC, Call, KrakenError
from kraken_doctor.mock.errors import error
from kraken_doctor.mock.faults import Faults
from kraken_doctor.mock.lockout import LockoutPolicy, Lockouts
from kraken_doctor.mock.nonces import NonceTracker, parse_nonce
from kraken_doctor.mock.ratelimit import RateLimiter
from kraken_doctor.mock.request import DRAIN_LIMIT, MAX_BODY, BadBody, parse_body
from kraken_doctor.mock.signing import signature_bytes, verify

#: The most tracebacks kept in `crashes` (the latest); `crash_count` counts them all.
MAX_CRASHES = 100

_PATH = re.compile(r"^/0/(public|private)/([A-Za-z]+(?:/[A-Za-z]+)?)$")
_ORDER_CHANGES = {"AddOrder", "AddOrderBatch", "EditOrder", "AmendOrder"}
_CANCELS = {"CancelOrder", "CancelAll", "CancelAllOrdersAfter", "CancelOrderBatch"}

#: What a key with API 2FA gets when its otp is missing or wrong (see docs/mock.md).
OTP_ANSWERS = {"invalid-signature": "INVALID_SIGNATURE", "permission-denied": "PERMISSION_DENIED"}

_CDN_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>api.kraken.com | {status}: {reason}</title>
</head><body><div id="cf-error-details"><h1>{reason}</h1>
<p>Error code {status}</p><p>The web server reported an error. (Kraken Doctor mock: an
injected <code>http-5xx</code> fault.)</p></div></body></html>
"""
_NOT_ALLOWED_PAGE = (
    "<html><head><title>405 Not Allowed</title></head><body>405 Not Allowed</body></html>"
)
_REASONS = {
    502: "Bad gateway",
    503: "Service unavailable",
    504: "Gateway time-out",
    520: "Web server is returning an unknown error",
}


@dataclass
class KeyState:
    account: Account
    nonces: NonceTracker
    book: Book
    #: when the key last passed authentication (GetApiKeyInfo's `lastUsed`); None: never
    last_used: float | None = None


class _Dropped(Exception):
    """The `drop` fault: close the connection without an answer."""


class KrakenApp:
    def __init__(
        self,
        accounts: list[Account],
        clock: Callable[[], float],
        lockout: LockoutPolicy,
        rate_limits: bool,
        missing_otp: str,
        stopping: threading.Event,
    ) -> None:
        if missing_otp not in OTP_ANSWERS:
            raise ValueError(f"missing_otp must be one of {', '.join(OTP_ANSWERS)}")
        self.catalog = load_catalog()
        self.clock = clock
        self.faults = Faults()
        self.audit = AuditLog()
        self.lockouts = Lockouts(lockout, clock)
        self.rate = RateLimiter(clock)
        self.rate_limits = rate_limits
        self.missing_otp = missing_otp
        self.stopping = stopping
        self.crashes: deque[str] = deque(maxlen=MAX_CRASHES)
        self.crash_count = 0
        self._lock = threading.Lock()
        self._by_name: dict[str, KeyState] = {}
        self._by_key: dict[str, KeyState] = {}
        for acc in accounts:
            self.add_account(acc)

    # -- accounts ---------------------------------------------------------------------------
    def add_account(self, account: Account) -> None:
        with self._lock:
            if account.name in self._by_name:
                raise ValueError(f"an account named {account.name!r} already exists")
            if account.key in self._by_key:
                raise ValueError(f"account {account.name!r}: its key is already in use")
            state = KeyState(account, NonceTracker(account.last_nonce), Book(account.balances))
            # Copy on write: request threads read these dicts without the lock.
            self._by_name = {**self._by_name, account.name: state}
            self._by_key = {**self._by_key, account.key: state}

    @property
    def accounts(self) -> dict[str, Account]:
        return {name: s.account for name, s in self._by_name.items()}

    def state(self, name: str) -> KeyState:
        return self._by_name[name]

    # -- WSGI -------------------------------------------------------------------------------
    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        request = Request(environ)
        request.max_content_length = MAX_BODY
        record: dict[str, Any] = {"key_name": None, "method": request.path, "changed": False}
        try:
            response, outcome = self._handle(request, record)
        except _Dropped:
            self._audit(record, "dropped")  # before the client can see the connection close
            self._drop(environ)
            return []
        except Exception:  # a bug in the mock must never show a traceback to the client
            self.crash_count += 1
            self.crashes.append(traceback.format_exc(limit=20)[-20_000:])
            response, outcome = self._error(error("INTERNAL_ERROR")), error("INTERNAL_ERROR")
        self._audit(record, outcome)
        return response(environ, start_response)

    def _audit(self, record: dict[str, Any], outcome: str) -> None:
        self.audit.add(
            AuditRecord(
                self.clock(), record["key_name"], record["method"], outcome, record["changed"]
            )
        )

    @staticmethod
    def _drop(environ: dict[str, Any]) -> None:
        sock = environ.get("werkzeug.socket")
        if isinstance(sock, socket.socket):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    @staticmethod
    def _json(payload: dict[str, Any], status: int = 200) -> Response:
        return Response(json.dumps(payload), status=status, content_type="application/json")

    def _error(self, string: str) -> Response:
        return self._json({"error": [string]})

    # -- the pipeline -----------------------------------------------------------------------
    def _handle(self, request: Request, record: dict[str, Any]) -> tuple[Response, str]:
        # HTTP (RFC 9110 5.5): spaces and tabs around a header's value are not part of it.
        # Whether Kraken trims them is not documented (catalog: eapi-invalid-key, uncertain).
        api_key = request.headers.get("API-Key", "").strip(" \t")
        matched = self._by_key.get(api_key)
        key_name = matched.account.name if matched else None
        record["key_name"] = key_name

        fault_answer = self._fault(key_name)
        if fault_answer is not None:
            return fault_answer

        match = _PATH.match(request.path)
        if not match:
            return self._error(error("UNKNOWN_METHOD")), error("UNKNOWN_METHOD")
        kind, method = match.groups()
        record["method"] = method
        if kind == "public":
            return self._public(request, method)
        try:
            return self._private(request, method, api_key, matched, record)
        except KrakenError as exc:
            return self._error(exc.string), exc.string

    def _fault(self, key_name: str | None) -> tuple[Response, str] | None:
        if self.faults.get("drop", key_name):
            raise _Dropped
        slow = self.faults.get("slow", key_name)
        if slow:
            self.stopping.wait(slow.opts["seconds"])
        http = self.faults.get("http-5xx", key_name)
        if http:
            status = http.opts["status"]
            page = _CDN_PAGE.format(status=status, reason=_REASONS.get(status, "Server error"))
            return Response(page, status=status, content_type="text/html"), f"http-{status}"
        for kind, name in (("unavailable", "UNAVAILABLE"), ("busy", "BUSY")):
            if self.faults.get(kind, key_name):
                return self._error(error(name)), error(name)
        return None

    def _public(self, request: Request, method: str) -> tuple[Response, str]:
        if request.method not in ("GET", "HEAD"):
            # Since 2024-01-31 Kraken answers POSTs to public endpoints with HTTP 405.
            return Response(_NOT_ALLOWED_PAGE, status=405, content_type="text/html"), "http-405"
        handler = PUBLIC.get(method)
        if handler is None:
            return self._error(error("UNKNOWN_METHOD")), error("UNKNOWN_METHOD")
        call = Call(method, dict(request.args), self.clock(), self.faults)
        try:
            result = handler(call)
        except KrakenError as exc:
            return self._error(exc.string), exc.string
        return self._json({"error": [], "result": result}), "ok"

    def _private(
        self,
        request: Request,
        method: str,
        api_key: str,
        state: KeyState | None,
        record: dict[str, Any],
    ) -> tuple[Response, str]:
        if request.method != "POST":
            raise KrakenError(error("UNKNOWN_METHOD"))
        try:
            endpoint = self.catalog.endpoint(method)
        except KeyError:
            raise KrakenError(error("UNKNOWN_METHOD")) from None
        if method == "GetApiKeyInfo" and self.faults.get("no-getapikeyinfo", record["key_name"]):
            raise KrakenError(error("UNKNOWN_METHOD"))

        # 1. the key
        if self.lockouts.is_locked(api_key):
            raise KrakenError(error("TEMPORARY_LOCKOUT"))
        now = self.clock()
        if state is None or (state.account.valid_until and now >= state.account.valid_until):
            self.lockouts.failed(api_key)
            raise KrakenError(error("INVALID_KEY"))
        account = state.account

        # the body (the signature covers it byte for byte)
        try:
            raw = request.get_data(cache=True)
        except HTTPException:
            self._drain(request)
            raise KrakenError(error("BAD_REQUEST")) from None
        if request.content_length is None and len(raw) >= MAX_BODY and self._more(request):
            # A chunked body longer than MAX_BODY arrives cut at MAX_BODY: refuse it as too
            # large (not as a bad signature). The server closes the connection after the
            # answer, as the body was not read to its end.
            raise KrakenError(error("BAD_REQUEST"))
        try:
            body = parse_body(raw, request.content_type)
        except BadBody:
            raise KrakenError(error("BAD_REQUEST")) from None

        # 2. the signature
        api_sign = request.headers.get("API-Sign", "")
        if (
            not api_sign
            or signature_bytes(api_sign) is None
            or not verify(account.secret, request.path, body.nonce_text or "", raw, api_sign)
        ):
            self.lockouts.failed(api_key)
            raise KrakenError(error("INVALID_SIGNATURE"))

        # 3. the nonce, checked and recorded under the key's lock
        nonce = parse_nonce(body.nonce_text)
        if nonce is None or not state.nonces.accept(nonce, account.nonce_window):
            self.lockouts.failed(api_key)
            raise KrakenError(error("INVALID_NONCE"))
        account.last_nonce = state.nonces.highest

        # 4. the one-time password
        otp = body.params.get("otp")
        if account.otp is not None:
            if otp is None or str(otp) != account.otp:
                self.lockouts.failed(api_key)
                raise KrakenError(error(OTP_ANSWERS[self.missing_otp]))
        elif otp is not None:
            self.lockouts.failed(api_key)
            raise KrakenError(error("INVALID_SIGNATURE"))
        self.lockouts.succeeded(api_key)
        last_used, state.last_used = state.last_used, now

        # the IP allowlist (which error Kraken gives is not documented; see docs/mock.md)
        if account.ip_allowlist and not _allowed(request.remote_addr, account.ip_allowlist):
            raise KrakenError(error("PERMISSION_DENIED"))

        # 5. the REST call counter
        if self.rate_limits:
            tier = self.catalog.tier(account.tier)
            if not self.rate.spend(
                account.name, endpoint.cost, tier.max_counter, tier.decay_per_second
            ):
                raise KrakenError(error("RATE_LIMIT"))

        # 6. the permission, before any argument is looked at
        if not endpoint.needs.satisfied_by(frozenset(account.permissions)):
            raise KrakenError(error("PERMISSION_DENIED"))

        # the market's mode (SystemStatus) for order calls
        mode = self.faults.get("maintenance", account.name)
        if mode and method in _ORDER_CHANGES | _CANCELS:
            if mode.opts["status"] == "maintenance":
                raise KrakenError(error("UNAVAILABLE"))
            if mode.opts["status"] == "cancel_only" and method in _ORDER_CHANGES:
                raise KrakenError(error("CANCEL_ONLY"))

        # 7. the endpoint's own arguments
        call = Call(method, body.params, now, self.faults, account, state.book, last_used=last_used)
        try:
            result = PRIVATE[method](call)
        finally:
            record["changed"] = call.changed
        if call.raw is not None:
            content_type, data = call.raw
            return Response(data, content_type=content_type), "ok"
        return self._json({"error": [], "result": result}), "ok"

    @staticmethod
    def _more(request: Request) -> bool:
        """Whether the (chunked) body goes on past what was read; reads at most DRAIN_LIMIT."""
        stream = request.environ.get("wsgi.input")
        if stream is None:
            return False
        seen = 0
        try:
            while seen < DRAIN_LIMIT:
                chunk = stream.read(65536)
                if not chunk:
                    break
                seen += len(chunk)
        except OSError:
            return True
        return seen > 0

    @staticmethod
    def _drain(request: Request) -> None:
        stream = request.environ.get("wsgi.input")
        length = request.content_length or 0
        if stream is None or length > DRAIN_LIMIT:
            return
        try:
            while length > 0:
                chunk = stream.read(min(65536, length))
                if not chunk:
                    break
                length -= len(chunk)
        except OSError:
            pass


def _allowed(remote: str | None, allowlist: list[str]) -> bool:
    if not remote:
        return False
    try:
        addr = ipaddress.ip_address(remote)
    except ValueError:
        return False
    for entry in allowlist:
        try:
            if addr in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False
