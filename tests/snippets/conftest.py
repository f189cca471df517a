"""Fixtures for the snippet tests: run a file from snippets/ as a user would, and check what
every run printed (no traceback, no secret, no whole key).

Snippets run through snippet_runs.execute, the function the site build uses too, in forks
of a warm Python that has imported their clients once (prefork.py: a ccxt run would
otherwise spend 1.5 s importing ccxt). test_snippet_runs.py checks that a warm run prints
what a new interpreter prints. `make test` measures their lines with coverage.py's own
subprocess and fork support (snippet_runs.clean_environ) and fails below 100 %.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from tests.snippets.support import assert_clean_output, master_env, stub_env

from doctor_support import Reply, Responder, free_port, stub_server
from kraken_doctor.mock import Account, MockKraken
from prefork import WarmPython
from snippet_runs import SnippetRun, execute, warm_python


@pytest.fixture(scope="session")
def warm() -> Iterator[WarmPython]:
    """One warm Python per test process, for every snippet run of the session."""
    python = warm_python()
    yield python
    python.close()


@pytest.fixture
def snippet(warm: WarmPython) -> Callable[..., SnippetRun]:
    """`snippet("connection_test", "--user", "x", env={...}, stdin="")`: run the file in
    snippets/ in a clean environment plus `env`; every run's output is checked."""

    def run(
        name: str, *args: str, env: dict[str, str] | None = None, stdin: str = ""
    ) -> SnippetRun:
        env = dict(env or {})
        result = execute(name, list(args), env, stdin=stdin, python=warm)
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
    return f"http://127.0.0.1:{free_port()}"


def queued_replies(replies: dict[str, list[Any]]) -> Responder:
    """A stub responder: each private method's next reply in its list (the last one
    repeats; a str is sent as an HTML page, as a proxy or a captive portal would answer);
    every other method gets EGeneral:Unknown method."""
    queues = {method: list(answers) for method, answers in replies.items()}
    lock = threading.Lock()

    def respond(_command: str, path: str, _body: bytes) -> Reply:
        with lock:
            queue = queues.get(path.rsplit("/", 1)[-1]) or [{"error": ["EGeneral:Unknown method"]}]
            body = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(body, str):
            return Reply(body=body.encode(), content_type="text/html")
        return Reply(body=json.dumps(body).encode())

    return respond


@pytest.fixture
def stub_kraken() -> Iterator[Callable[[dict[str, list[Any]]], str]]:
    """`url = stub_kraken({"Balance": [reply, reply, ...]})`: a server answering with
    `queued_replies`, for answers the mock has no fault for."""
    with ExitStack() as servers:
        yield lambda replies: servers.enter_context(stub_server(queued_replies(replies)))


@pytest.fixture
def snippet_on_stub(
    snippet: Callable[..., SnippetRun], stub_kraken: Callable[[dict[str, list[Any]]], str]
) -> Callable[..., SnippetRun]:
    """`snippet_on_stub(name, {"Balance": [reply, ...]}, *args)`: run a snippet with the stub
    credentials against a stub server answering those replies (see queued_replies)."""

    def run(name: str, replies: dict[str, list[Any]], *args: str) -> SnippetRun:
        return snippet(name, *args, env=stub_env(stub_kraken(replies)))

    return run


@pytest.fixture
def silent_server() -> Iterator[str]:
    """An address that takes connections and never answers (a hung proxy)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(8)
        yield f"http://127.0.0.1:{s.getsockname()[1]}"
