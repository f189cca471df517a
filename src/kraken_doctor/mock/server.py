"""MockKraken: the Kraken-compatible HTTP server on a loopback port, in a background thread.

Built on werkzeug's threaded server, so many clients can call it at once. Port 0 picks a
free port; `url` tells which. Use it as a context manager, or call start() and stop().
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from werkzeug.serving import (
    BaseWSGIServer,
    WSGIRequestHandler,
    get_sockaddr,
    make_server,
    select_address_family,
)

from kraken_doctor.mock.accounts import Account, demo_accounts
from kraken_doctor.mock.app import KrakenApp
from kraken_doctor.mock.audit import AuditRecord
from kraken_doctor.mock.faults import make_fault
from kraken_doctor.mock.lockout import LockoutPolicy

#: Seconds a connection may sit idle (between requests, or inside one) before it is closed.
IDLE_TIMEOUT = 30.0


class _QuietHandler(WSGIRequestHandler):
    """No request log lines (they would name paths to stderr on every call) and connection
    tracking, so stop() also closes keep-alive connections."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass

    def log(self, type: str, message: str, *args: Any) -> None:
        pass

    def setup(self) -> None:
        # An idle connection (no request, or a request that stops arriving) is closed after
        # the server's idle timeout, so idle clients cannot hold threads and memory forever.
        self.timeout = getattr(self.server, "kd_idle_timeout", None)
        super().setup()
        conns = getattr(self.server, "kd_connections", None)
        if conns is not None:
            with self.server.kd_lock:  # type: ignore[attr-defined]
                conns.add(self.connection)

    def finish(self) -> None:
        conns = getattr(self.server, "kd_connections", None)
        if conns is not None:
            with self.server.kd_lock:  # type: ignore[attr-defined]
                conns.discard(self.connection)
        super().finish()


class MockKraken:
    """A Kraken REST API double. See docs/mock.md for the behaviour and the accounts file."""

    def __init__(
        self,
        accounts: list[Account] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        clock: Callable[[], float] = time.time,
        lockout: LockoutPolicy | None = None,
        rate_limits: bool = True,
        missing_otp: str = "invalid-signature",
        idle_timeout: float = IDLE_TIMEOUT,
    ) -> None:
        self.host = host
        self.port = port
        self.idle_timeout = idle_timeout
        self._stopping = threading.Event()
        self.app = KrakenApp(
            demo_accounts() if accounts is None else list(accounts),
            clock=clock,
            lockout=lockout or LockoutPolicy(),
            rate_limits=rate_limits,
            missing_otp=missing_otp,
            stopping=self._stopping,
        )
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------------
    def start(self) -> MockKraken:
        if self._server is not None:
            return self
        self._stopping.clear()
        # Bind here, not in werkzeug: werkzeug reports a busy port with sys.exit(1); we want
        # an OSError the caller can turn into a clear message.
        family = select_address_family(self.host, self.port)
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(get_sockaddr(self.host, self.port, family))
            sock.listen(128)
            server = make_server(
                self.host,
                self.port,
                self.app,
                threaded=True,
                request_handler=_QuietHandler,
                fd=sock.fileno(),
            )
        finally:
            sock.close()  # werkzeug holds its own duplicate of the descriptor
        server.kd_idle_timeout = self.idle_timeout  # type: ignore[attr-defined]
        server.kd_connections = set()  # type: ignore[attr-defined]
        server.kd_lock = threading.Lock()  # type: ignore[attr-defined]
        self._server = server
        self.port = server.server_address[1]
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.01},
            daemon=True,
            name=f"kraken-mock-{self.port}",
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        server.server_close()
        with server.kd_lock:  # type: ignore[attr-defined]
            conns = list(server.kd_connections)  # type: ignore[attr-defined]
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> MockKraken:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The base URL for clients, e.g. krakenex's `api.uri` (no trailing slash)."""
        host = self.host if ":" not in self.host else f"[{self.host}]"
        return f"http://{host}:{self.port}"

    # -- accounts ---------------------------------------------------------------------------
    @property
    def accounts(self) -> dict[str, Account]:
        return self.app.accounts

    def add_account(self, account: Account) -> Account:
        self.app.add_account(account)
        return account

    # -- faults -----------------------------------------------------------------------------
    def set_fault(self, kind: str, key_name: str | None = None, **opts: Any) -> None:
        """Inject a fault (kinds in kraken_doctor.mock.FAULT_KINDS) for one key or all."""
        if key_name is not None and key_name not in self.app.accounts:
            raise ValueError(f"no account named {key_name!r}; known: {', '.join(self.accounts)}")
        self.app.faults.set(make_fault(kind, **opts), key_name)

    def clear_faults(self) -> None:
        self.app.faults.clear()

    # -- audit ------------------------------------------------------------------------------
    @property
    def audit(self) -> list[AuditRecord]:
        return self.app.audit.records()

    def state_changes(self) -> list[AuditRecord]:
        return self.app.audit.changes()

    @property
    def crashes(self) -> list[str]:
        """Tracebacks of bugs in the mock (the client saw EGeneral:Internal error)."""
        return list(self.app.crashes)

    def rate_counter(self, key_name: str) -> float:
        """The key's REST call counter now."""
        account = self.app.accounts[key_name]
        tier = self.app.catalog.tier(account.tier)
        return self.app.rate.level(account.name, tier.decay_per_second)
