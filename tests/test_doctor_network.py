"""Nothing leaves for another host: no redirects followed, a deadline for the whole call,
no credential-shaped URL used or shown, and a server's escape sequences shown harmlessly."""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path

import pytest

from doctor_support import Reply, assert_no_secrets, env_for, stub_server
from kraken_doctor.catalog import load_catalog
from kraken_doctor.cli import main
from kraken_doctor.doctor.check import CheckOptions, run_check
from kraken_doctor.doctor.client import KrakenClient, harmless
from kraken_doctor.doctor.report import render

CAT = load_catalog()
ENV = CAT.env_vars
KEY = "TtJy2AawU4M32ABcR1Zpj3pcNUdd7Zbnrnc4dAgzOZML5Rs/MPVyXmKZ"
SECRET = "GlsDKN4AgodngXpQ/DghMRclGNG52FxDQccK609iRNZ6N6sdPTNv+ckxInJKlQeG5d7dfte1iXA20yvQbKP9WA=="
ONLINE = b'{"error": [], "result": {"status": "online", "timestamp": "x"}}'


def _online(path: str) -> Reply | None:
    if path.startswith("/0/public/SystemStatus"):
        return Reply(body=ONLINE)
    if path.startswith("/0/public/Time"):
        return Reply(body=b'{"error": [], "result": {"unixtime": 1}}')
    return None


def _shown(rep) -> str:
    return render(rep) + render(rep, as_json=True)


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_a_failure_and_nothing_reaches_the_other_host(status: int) -> None:
    other: list = []
    with stub_server(lambda m, p, b: Reply(), seen=other) as elsewhere:
        target = elsewhere + "/0/private/GetApiKeyInfo"

        def respond(method: str, path: str, body: bytes) -> Reply:
            return _online(path) or Reply(status=status, headers={"Location": target})

        with stub_server(respond) as url:
            rep = run_check(CheckOptions(environ=env_for(KEY, SECRET, url), cwd="/nonexistent"))
    assert other == []  # not one request, so no API-Key, API-Sign or body, went there
    acc = rep.accounts[0]
    [f] = [f for f in acc.findings if f.code == "transport-redirect"]
    host = elsewhere.removeprefix("http://")
    assert host in f.message and "never follows a redirect" in f.message
    assert f.variable == ENV.api_url and rep.exit_code == 2
    assert_no_secrets(_shown(rep), keys=[KEY], secrets=[SECRET])


def test_a_redirect_of_the_public_calls_stops_the_check_before_any_key_is_sent() -> None:
    seen: list = []
    with stub_server(lambda m, p, b: Reply(), seen=seen) as elsewhere:
        redirect = Reply(status=302, headers={"Location": elsewhere + "/0/public/Time"})
        mine: list = []
        with stub_server(lambda m, p, b: redirect, seen=mine) as url:
            rep = run_check(CheckOptions(environ=env_for(KEY, SECRET, url), cwd="/nonexistent"))
    assert seen == [] and all("API-Key" not in h for _, _, h in mine)
    assert "transport-redirect" in {f.code for f in rep.accounts[0].findings}


def test_a_slow_drip_answer_ends_at_the_deadline() -> None:
    """A server that sends its answer a byte at a time is cut off at --timeout; before the
    deadline covered the whole call, each byte reset the timer and the check hung."""
    finished = threading.Event()
    body = b'{"error": [], "result": {"status": "online", "timestamp": "' + b"x" * 400 + b'"}}'
    drip = Reply(body=body, drip=0.05, finished=finished)  # 20 s for the whole answer
    with stub_server(lambda m, p, b: drip) as url:
        client = KrakenClient(url, timeout=0.5)
        ans = client.public("SystemStatus")
        ended_first = not finished.is_set()
        client.close()
    assert ans.failure is not None and ans.failure.kind == "timeout"
    assert ended_first  # the call ended while the server was still sending


def test_the_cli_timeout_bounds_a_slow_drip_check(monkeypatch, tmp_path, capsys) -> None:
    finished = threading.Event()
    drip = Reply(body=ONLINE + b" " * 400, drip=0.05, finished=finished)
    monkeypatch.chdir(tmp_path)
    with stub_server(lambda m, p, b: drip) as url:
        for name, value in env_for(KEY, SECRET, url).items():
            monkeypatch.setenv(name, value)
        assert main(["check", "--timeout", "0.5", "--account", "MASTER"]) == 2
        assert not finished.is_set()
    out = capsys.readouterr().out
    assert "within 0.5 s" in out
    assert_no_secrets(out, keys=[KEY], secrets=[SECRET])


SLASH_KEY = KEY  # holds a "/", which ends the host part early in a URL parser
URLS = {
    "key-before-at": f"http://{SLASH_KEY}@127.0.0.1:9",
    "key-and-secret-before-at": f"https://{KEY}:{SECRET}@api.kraken.com",
    "key-in-path": f"http://127.0.0.1:9/{KEY}",
    "secret-in-query": f"http://127.0.0.1:9/?secret={SECRET}",
    "key-as-host": f"https://{KEY.replace('/', '')}",
    "escape-in-url": "http://127.0.0.1:9/\x1b[2J",
}


@pytest.mark.parametrize("where", ["environment", ".env", "--url"])
@pytest.mark.parametrize("url", URLS.values(), ids=URLS.keys())
def test_a_credential_shaped_url_is_refused_unshown_and_unresolved(
    monkeypatch, tmp_path: Path, url: str, where: str
) -> None:
    looked_up: list[str] = []

    def no_dns(host, *args, **kwargs):
        looked_up.append(host)
        raise OSError("no DNS in this test")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    environ = {ENV.master.key: KEY, ENV.master.secret: SECRET}
    opts = {}
    if where == "environment":
        environ[ENV.api_url] = url
    elif where == ".env":
        (tmp_path / ".env").write_text(f"{ENV.api_url}='{url}'\n", encoding="utf-8")
    else:
        opts["api_url"] = url
    rep = run_check(CheckOptions(environ=environ, cwd=tmp_path, **opts))
    [f] = [f for f in rep.findings if f.code == "bad-api-url"]
    assert rep.exit_code == 2 and rep.accounts == []
    assert looked_up == []
    shown = _shown(rep)
    assert_no_secrets(shown, keys=[KEY], secrets=[SECRET])
    assert "\x1b" not in shown and "127.0.0.1:9" not in shown


def test_the_real_api_url_and_a_local_mock_are_accepted() -> None:
    for url in ("https://api.kraken.com", "http://127.0.0.1:8330", "http://[::1]:8330/"):
        rep = run_check(CheckOptions(environ={ENV.api_url: url}, cwd="/nonexistent", timeout=1))
        assert "bad-api-url" not in {f.code for f in rep.findings}, url


def test_escape_sequences_in_a_servers_answer_are_shown_harmlessly() -> None:
    hostile = "EGeneral:Internal error\x1b[2J\x1b]0;PWNED\x07\x9b31m\u202e"
    body = json.dumps({"error": [hostile]}).encode()

    def respond(method: str, path: str, b: bytes) -> Reply:
        if path.startswith("/0/public/SystemStatus"):
            return Reply(body=body)
        return _online(path) or Reply(body=json.dumps({"error": ["EFoo:" + hostile]}).encode())

    with stub_server(respond) as url:
        rep = run_check(CheckOptions(environ=env_for(KEY, SECRET, url), cwd="/nonexistent"))
    shown = _shown(rep)
    for raw in ("\x1b", "\x07", "\x9b", "\u202e"):
        assert raw not in shown and "\\u001b" not in shown
    assert "\\x1b[2J" in render(rep)  # still visible, as text
    assert harmless("ok\x1b") == "ok\\x1b"
