"""Fixtures for the snippet tests: run a file from snippets/ as a user would, and check what
every run printed (no traceback, no secret, no whole key).

Snippets run as subprocesses through snippet_runs.execute, the function the
site build uses too, with coverage switched on inside them (see coverage_plugin.py).
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from tests.snippets.coverage_plugin import coverage_env
from tests.snippets.support import assert_clean_output, master_env

from kraken_doctor.mock import Account, MockKraken
from snippet_runs import SnippetRun, execute


@pytest.fixture
def snippet() -> Callable[..., SnippetRun]:
    """`snippet("connection_test", "--user", "x", env={...}, stdin="")`: run the file in
    snippets/ in a clean environment plus `env`; every run's output is checked."""

    def run(
        name: str, *args: str, env: dict[str, str] | None = None, stdin: str = ""
    ) -> SnippetRun:
        env = dict(env or {})
        result = execute(name, list(args), {**env, **coverage_env()}, stdin=stdin)
        assert_clean_output(result, env)
        return result

    return run


@pytest.fixture
def as_master(kraken_mock: MockKraken) -> Callable[[str | Account], dict[str, str]]:
    """`as_master("trader")` or `as_master(account)`: env for that key as the master's."""

    def env(account: str | Account) -> dict[str, str]:
        acc = kraken_mock.accounts[account] if isinstance(account, str) else account
        return master_env(acc, kraken_mock.url)

    return env


@pytest.fixture
def closed_port_url() -> str:
    """An address where nothing listens: the port was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


class _Stub(BaseHTTPRequestHandler):
    """Answers POST /0/private/<Method> from a table; for replies the mock never gives."""

    replies: dict[str, list[Any]] = {}

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        method = self.path.rsplit("/", 1)[-1]
        queue = self.replies.get(method) or [{"error": ["EGeneral:Unknown method"]}]
        body = queue.pop(0) if len(queue) > 1 else queue[0]
        # A str is sent as it is, as a web page (a proxy or a captive portal answering).
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(200)
        self.send_header(
            "Content-Type", "text/html" if isinstance(body, str) else "application/json"
        )
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def stub_kraken() -> Iterator[Callable[[dict[str, list[Any]]], str]]:
    """`url = stub_kraken({"Balance": [reply, reply, ...]})`: a server that answers each
    private method with the next reply in its list (the last one repeats; a str is sent
    as an HTML page), and every
    other method with EGeneral:Unknown method. For answers the mock has no fault for."""
    servers: list[ThreadingHTTPServer] = []

    def start(replies: dict[str, list[Any]]) -> str:
        handler = type("Stub", (_Stub,), {"replies": {k: list(v) for k, v in replies.items()}})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def silent_server() -> Iterator[str]:
    """An address that takes connections and never answers (a hung proxy)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(8)
        yield f"http://127.0.0.1:{s.getsockname()[1]}"
