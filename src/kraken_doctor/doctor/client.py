"""A small signed Kraken REST client that tells transport failures apart.

The doctor cannot use krakenex: it needs to know *why* a call failed (a CDN error page, a
timeout, a DNS or TLS failure, a dropped connection) instead of getting an exception, and it
must never end in a traceback. Nonces are milliseconds, made strictly increasing: the same
size krakenex (the bot's library) uses, so running the doctor can never push the key's nonce
above what the bot sends next, which would lock the bot out (the "larger nonce" trap).

Nothing leaves for another host: a redirect is reported, never followed (following one would
re-send the key, a valid signature and the body elsewhere). Each call has one deadline for
the whole exchange, so a server that answers a byte at a time cannot hold the check. A
server's words are escaped before anyone prints them. And every private call passes the
catalog's state-change rule before it is signed (`UnsafeCall`).
"""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests

from kraken_doctor.catalog import Catalog, load_catalog
from kraken_doctor.protocol import sign

DEFAULT_TIMEOUT = 10.0
USER_AGENT = "kraken-doctor (+https://github.com/kraken-doctor/kraken-doctor)"


@dataclass
class Failure:
    """Why no Kraken answer arrived. `kind` is stable (JSON); `detail` is for people."""

    kind: str
    detail: str
    status: int | None = None


@dataclass
class Answer:
    method: str
    private: bool
    result: Any = None
    errors: list[str] = field(default_factory=list)
    failure: Failure | None = None
    status: int | None = None
    elapsed_ms: float = 0.0

    @property
    def ok(self) -> bool:
        return self.failure is None and not self.errors

    @property
    def outcome(self) -> str:
        """One short word or the Kraken error, for call logs."""
        if self.failure:
            return f"transport:{self.failure.kind}"
        return self.errors[0] if self.errors else "ok"


class MillisecondNonce:
    """Unix time in milliseconds, bumped by one when the clock has not moved on."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last = 0

    def __call__(self) -> int:
        with self._lock:
            self._last = max(int(time.time() * 1000), self._last + 1)
            return self._last


def _chain(exc: BaseException) -> str:
    """The text of an exception and everything it wraps (urllib3 hides the real cause)."""
    parts = []
    seen: set[int] = set()
    node: BaseException | None = exc
    while node is not None and id(node) not in seen:
        seen.add(id(node))
        parts.append(f"{type(node).__name__}: {node}")
        node = node.__cause__ or node.__context__
    for arg in getattr(exc, "args", ()):
        parts.append(f"{type(arg).__name__}: {arg}")
        reason = getattr(arg, "reason", None)
        if reason is not None:
            parts.append(f"{type(reason).__name__}: {reason}")
    return " | ".join(parts)


def classify_exception(exc: BaseException) -> Failure:
    """Name a transport failure in words a bot operator can act on."""
    text = _chain(exc)
    low = text.lower()
    if isinstance(exc, requests.exceptions.SSLError) or "ssl" in low or "certificate" in low:
        return Failure(
            "tls", "the TLS (HTTPS) handshake failed: a proxy, an old CA bundle or a wrong clock"
        )
    if isinstance(exc, requests.exceptions.Timeout) or "timed out" in low:
        return Failure("timeout", "no answer before the timeout")
    if isinstance(exc, requests.exceptions.InvalidHeader):
        return Failure(
            "bad-header", "the key cannot be sent as an HTTP header (spaces or line breaks)"
        )
    if isinstance(
        exc,
        requests.exceptions.MissingSchema
        | requests.exceptions.InvalidSchema
        | requests.exceptions.InvalidURL,
    ):
        return Failure("bad-url", "the API URL is not a valid http(s) URL")
    if any(
        s in low
        for s in (
            "nameresolution",
            "gaierror",
            "name or service not known",
            "failed to resolve",
            "nodename nor servname",
            "temporary failure in name resolution",
            "no address associated",
        )
    ):
        return Failure("dns", "the host name could not be resolved (DNS)")
    if "refused" in low:
        return Failure("refused", "the server refused the connection (nothing listens there)")
    if any(
        s in low
        for s in (
            "remotedisconnected",
            "connection aborted",
            "connectionreset",
            "reset by peer",
            "protocolerror",
            "chunkedencodingerror",
            "incompleteread",
            "badstatusline",
            "connection broken",
        )
    ):
        return Failure("dropped", "the connection was closed before a complete answer arrived")
    if isinstance(exc, requests.exceptions.ConnectionError):
        return Failure("connection", "the connection failed")
    return Failure("transport", f"the request failed ({type(exc).__name__})")


def _looks_html(resp: requests.Response, text: str) -> bool:
    ctype = resp.headers.get("content-type", "").lower()
    head = text.lstrip()[:200].lower()
    return "html" in ctype or head.startswith("<!doctype html") or head.startswith("<html")


#: an answer longer than this is not Kraken's (its largest answers are a few hundred KiB)
MAX_ANSWER_BYTES = 16 * 1024 * 1024
_UNSAFE_TEXT = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def harmless(text: str, limit: int = 200) -> str:
    """A server's text made safe to print: control and bidi characters shown as escapes.

    A hostile server could otherwise clear the screen, set the window title or reorder what
    the reader sees; what it sent stays visible, escaped.
    """
    shown = _UNSAFE_TEXT.sub(lambda m: ascii(m.group())[1:-1], text)
    return shown if len(shown) <= limit else shown[:limit] + "..."


def _redirect_target(resp: requests.Response) -> str:
    """The host a redirect points to, for the message; never the full address it gives."""
    location = resp.headers.get("location", "")
    try:
        parts = urllib.parse.urlsplit(location)
        host, port = parts.hostname, parts.port
    except ValueError:
        return "an address that is not a valid URL"
    if not host:
        return "another path on the same server"
    return harmless(f"{host}:{port}" if port else host, 80)


def interpret(method: str, private: bool, resp: requests.Response, text: str) -> Answer:
    """Turn an HTTP response and its text into Kraken's `error`/`result`, or a named failure."""
    ans = Answer(method, private, status=resp.status_code)
    if resp.is_redirect or 300 <= resp.status_code < 400:
        ans.failure = Failure(
            "redirect",
            f"HTTP {resp.status_code}, a redirect to {_redirect_target(resp)}; the doctor never "
            "follows a redirect, so nothing was sent there",
            resp.status_code,
        )
        return ans
    try:
        data = json.loads(text) if text.strip() else None
    except (ValueError, RecursionError):
        data = None
    if isinstance(data, dict) and isinstance(data.get("error"), list):
        ans.errors = [harmless(str(e)) for e in data["error"] if str(e).strip()]
        ans.result = data.get("result")
        if resp.status_code == 200 or ans.errors:
            return ans
    html = _looks_html(resp, text)
    if resp.status_code != 200:
        page = "an HTML page (a CDN or proxy error page)" if html else "no Kraken answer"
        kind = "http-5xx" if resp.status_code >= 500 else "http-status"
        ans.failure = Failure(kind, f"HTTP {resp.status_code} with {page}", resp.status_code)
    elif html:
        ans.failure = Failure("html-page", "an HTML page instead of Kraken's JSON", 200)
    else:
        what = "not JSON" if data is None else "JSON without Kraken's 'error' list"
        ans.failure = Failure("not-kraken", f"an answer that is {what}", 200)
    return ans


class _Cancelled(Exception):
    """The caller's deadline passed while the answer was still arriving."""


class _TooLarge(Exception):
    """The answer went past MAX_ANSWER_BYTES."""


def _read_text(resp: requests.Response, cancelled: threading.Event) -> str:
    """The whole body, read as it arrives so that a deadline can stop a slow drip."""
    chunks: list[bytes] = []
    size = 0
    while True:
        if cancelled.is_set():
            raise _Cancelled
        chunk = resp.raw.read1(65536, decode_content=True)
        if not chunk:
            break
        size += len(chunk)
        if size > MAX_ANSWER_BYTES:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks).decode(resp.encoding or "utf-8", errors="replace")


Observer = Callable[[str, Answer | None], None]


class UnsafeCall(ValueError):
    """A private call that could change the account; the client refused to send it."""


class KrakenClient:
    """Public (GET) and signed private (POST) calls against `base_url`."""

    def __init__(
        self,
        base_url: str,
        key: str = "",
        secret: str = "",
        otp: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        observer: Observer | None = None,
        nonce: Callable[[], int] | None = None,
        catalog: Catalog | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._key = key
        self._secret = secret
        self._otp = otp
        self.timeout = timeout
        self._observer = observer
        self._nonce = nonce or MillisecondNonce()
        self._catalog = catalog or load_catalog()  # the run-time guard's rule
        self._session = requests.Session()
        self._session.headers["User-Agent"] = USER_AGENT

    def close(self) -> None:
        self._session.close()

    def __repr__(self) -> str:  # never the key or the secret
        return f"KrakenClient({self.base_url!r})"

    def _exchange(
        self, method: str, private: bool, params: dict[str, str], cancelled: threading.Event
    ) -> Answer:
        """One HTTP request and its whole answer. Never follows a redirect."""
        if private:
            path = f"/0/private/{method}"
            nonce = self._nonce()
            fields = {"nonce": str(nonce), **params}
            if self._otp:
                fields["otp"] = self._otp
            body = urllib.parse.urlencode(fields)
            headers = {
                "API-Key": self._key,
                "API-Sign": sign(self._secret, path, nonce, body),
                "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            }
            resp = self._session.post(
                self.base_url + path,
                data=body,
                headers=headers,
                timeout=self.timeout,
                allow_redirects=False,
                stream=True,
            )
        else:
            resp = self._session.get(
                f"{self.base_url}/0/public/{method}",
                params=params,
                timeout=self.timeout,
                allow_redirects=False,
                stream=True,
            )
        with resp:
            if resp.is_redirect or 300 <= resp.status_code < 400:
                return interpret(method, private, resp, "")
            return interpret(method, private, resp, _read_text(resp, cancelled))

    def _send(self, method: str, private: bool, params: dict[str, str]) -> Answer:
        """The call, bounded as a whole by `timeout`: a server that sends its answer a byte at
        a time is cut off at the deadline, not after each slow read.

        A private call the catalog says could change the account is refused before anything
        is signed or sent (UnsafeCall): the second guard, whatever the catalog file says.
        """
        if private:
            unsafe = self._catalog.unsafe_call(method, params)
            if unsafe:
                raise UnsafeCall(f"{method} was not sent, because {unsafe}")
        if self._observer:
            self._observer(method, None)
        started = time.perf_counter()
        outcome: dict[str, Answer] = {}
        cancelled = threading.Event()

        def work() -> None:
            try:
                outcome["answer"] = self._exchange(method, private, params, cancelled)
            except _Cancelled:
                pass
            except _TooLarge:
                outcome["answer"] = Answer(
                    method,
                    private,
                    failure=Failure("too-large", "an answer far larger than any of Kraken's"),
                )
            except Exception as exc:  # every transport failure becomes a diagnosis
                outcome["answer"] = Answer(method, private, failure=classify_exception(exc))

        worker = threading.Thread(target=work, name=f"kraken-doctor {method}", daemon=True)
        worker.start()
        worker.join(self.timeout)
        if worker.is_alive() or "answer" not in outcome:
            cancelled.set()  # the worker stops at the next piece of the answer
            ans = Answer(
                method,
                private,
                failure=Failure("timeout", f"no complete answer within {self.timeout:g} s"),
            )
        else:
            ans = outcome["answer"]
        ans.elapsed_ms = (time.perf_counter() - started) * 1000
        if self._observer:
            self._observer(method, ans)
        return ans

    def public(self, method: str, params: dict[str, str] | None = None) -> Answer:
        return self._send(method, False, dict(params or {}))

    def private(self, method: str, params: dict[str, str] | None = None) -> Answer:
        return self._send(method, True, dict(params or {}))
