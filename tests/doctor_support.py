"""Helpers shared by the doctor's tests: a leak check, a JSON Schema check, a stub server.

The stub answers every request with whatever a test hands it (any status, body, delay, or a
dropped connection), so the doctor can be fed answers the mock would never give.
"""

from __future__ import annotations

import http.server
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import jsonschema

from kraken_doctor.catalog import load_catalog


def assert_no_secrets(
    text: str,
    keys: list[str] = (),  # type: ignore[assignment]
    secrets: list[str] = (),  # type: ignore[assignment]
    key_window: int = 5,
    secret_window: int = 8,
) -> None:
    """No secret, no part of one, and no more than the last 4 characters of a key in `text`.

    A key may show only its last 4 characters, so no `key_window` (5) characters of it in a
    row may appear; no `secret_window` characters of a secret may.
    """
    for secret in secrets:
        s = secret.strip()
        for i in range(max(0, len(s) - secret_window + 1)):
            assert s[i : i + secret_window] not in text, "part of a secret appears in the output"
    for key in keys:
        k = key.strip()
        for i in range(max(0, len(k) - key_window + 1)):
            assert k[i : i + key_window] not in text, (
                "more than the last 4 characters of a key appear in the output"
            )


def env_for(key: str, secret: str, url: str, account: str = "master") -> dict[str, str]:
    env = load_catalog().env_vars
    if account == "master":
        k, s = env.master.key, env.master.secret
    else:
        k, s = env.for_user(account)
    return {k: key, s: secret, env.api_url: url}


def check_schema(schema: dict[str, Any], value: Any) -> None:
    """`value` is valid under `schema` (itself valid JSON Schema draft 2020-12)."""
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(value)


@dataclass
class Reply:
    status: int = 200
    body: bytes = b'{"error": [], "result": {}}'
    content_type: str = "application/json"
    delay: float = 0.0
    drop: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    drip: float = 0.0  # seconds between single bytes of the body (a slow-drip server)
    finished: threading.Event | None = None  # set once the whole body has been sent


Responder = Callable[[str, str, bytes], Reply]  # (HTTP method, path, body) -> Reply
Seen = list[tuple[str, str, dict[str, str]]]  # (HTTP method, path, headers) of each request


@contextmanager
def stub_server(responder: Responder, seen: Seen | None = None) -> Iterator[str]:
    """An HTTP server on 127.0.0.1 answering with `responder`; yields its base URL.

    Every request's method, path and headers are appended to `seen` when it is given.
    """

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if seen is not None:
                seen.append((self.command, self.path, dict(self.headers)))
            reply = responder(self.command, self.path, body)
            if reply.delay:
                time.sleep(reply.delay)
            if reply.drop:
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
                return
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(reply.body)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if reply.drip:
                    for i in range(len(reply.body)):
                        self.wfile.write(reply.body[i : i + 1])
                        self.wfile.flush()
                        time.sleep(reply.drip)
                else:
                    self.wfile.write(reply.body)
                if reply.finished is not None:
                    reply.finished.set()
            except OSError:
                pass  # the client gave up (timeout): nothing to do

        do_GET = _answer
        do_POST = _answer

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    thread = threading.Thread(target=srv.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}"
    finally:
        srv.shutdown()
        srv.server_close()


def free_port() -> int:
    """A port nothing listens on (closed right after it was picked)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
