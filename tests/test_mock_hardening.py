"""The mock under hostile input: Kraken-style answers, never an internal error, and memory
that stays bounded whatever arrives (fuzz findings F3, F8)."""

from __future__ import annotations

import json
import socket
import time

import pytest
import requests

from kraken_doctor.mock import MockKraken, sign
from kraken_doctor.mock import app as app_module
from kraken_doctor.mock import audit as audit_module
from kraken_doctor.mock import lockout as lockout_module
from kraken_doctor.mock import nonces as nonces_module
from kraken_doctor.mock.audit import AuditLog, AuditRecord
from kraken_doctor.mock.lockout import LockoutPolicy, Lockouts
from kraken_doctor.mock.nonces import NonceTracker, parse_nonce

BAD_REQUEST = "EAPI:Bad request"


def _signed_post(srv: MockKraken, body: str, nonce: str, content_type: str) -> dict:
    acc = srv.accounts["trader"]
    path = "/0/private/Balance"
    headers = {
        "API-Key": acc.key,
        "API-Sign": sign(acc.secret, path, nonce, body),
        "Content-Type": content_type,
    }
    return requests.post(srv.url + path, data=body, headers=headers, timeout=10).json()


@pytest.mark.parametrize("depth", [3000, 100_000])
def test_deep_json_is_a_bad_request(kraken_mock, depth):
    nonce = str(time.time_ns() // 1000)
    body = json.dumps({"nonce": nonce})[:-1] + ', "x": ' + "[" * depth + "]" * depth + "}"
    answer = _signed_post(kraken_mock, body, nonce, "application/json")
    assert answer == {"error": [BAD_REQUEST]}


def test_a_5000_digit_nonce_is_an_invalid_nonce(kraken_mock):
    nonce = "9" * 5000
    answer = _signed_post(kraken_mock, f"nonce={nonce}", nonce, "application/x-www-form-urlencoded")
    assert answer == {"error": ["EAPI:Invalid nonce"]}
    assert parse_nonce(nonce) is None and parse_nonce("0" * 30 + "5") == 5


def test_a_5000_digit_json_nonce_is_a_bad_request(kraken_mock):
    nonce = "9" * 5000
    answer = _signed_post(kraken_mock, '{"nonce": ' + nonce + "}", nonce, "application/json")
    assert answer == {"error": [BAD_REQUEST]}


def test_an_oversize_chunked_body_is_a_bad_request(kraken_mock):
    acc = kraken_mock.accounts["trader"]
    nonce = str(time.time_ns() // 1000)
    body = f"nonce={nonce}&pad={'a' * 100_000}".encode()
    headers = {
        "API-Key": acc.key,
        "API-Sign": sign(acc.secret, "/0/private/Balance", nonce, body.decode()),
        "Content-Type": "application/x-www-form-urlencoded",
    }
    chunks = (body[i : i + 4096] for i in range(0, len(body), 4096))  # no Content-Length
    res = requests.post(
        kraken_mock.url + "/0/private/Balance", data=chunks, headers=headers, timeout=10
    )
    assert res.json() == {"error": [BAD_REQUEST]}
    assert res.headers.get("Connection") == "close"


def test_idle_connections_are_closed():
    with MockKraken(idle_timeout=0.2) as srv:
        with socket.create_connection((srv.host, srv.port), timeout=10) as idle:
            assert idle.recv(1) == b""  # the server closed it; the client sent nothing
        with socket.create_connection((srv.host, srv.port), timeout=10) as half:
            half.sendall(b"POST /0/private/Balance HTTP/1.1\r\nHost: x\r\n")  # never ends
            assert half.recv(1024) == b""


def test_the_lockout_table_is_bounded(monkeypatch):
    monkeypatch.setattr(lockout_module, "MAX_STATES", 50)
    clock = [1000.0]
    table = Lockouts(LockoutPolicy(), lambda: clock[0])
    for i in range(500):
        table.failed(f"key-{i}-" + "x" * 1000)
    assert len(table) <= 50
    # A key locked a moment ago is still locked; memory holds digests, not 1 KB keys.
    for _ in range(5):
        table.failed("hammering")
    assert table.is_locked("hammering")


def test_the_audit_log_is_bounded_and_keeps_state_changes(monkeypatch):
    monkeypatch.setattr(audit_module, "MAX_RECORDS", 100)
    log = AuditLog()
    log.add(AuditRecord(0.0, "trader", "AddOrder", "ok", True))
    for i in range(1000):
        log.add(AuditRecord(float(i), None, "/" + "p" * 60_000, "EGeneral:Unknown method", False))
    assert len(log) == 100 and log.dropped == 901
    assert all(len(r.method) <= audit_module.MAX_METHOD + 3 for r in log.records())
    assert [r.method for r in log.changes()] == ["AddOrder"]


def test_state_changes_survive_eviction(monkeypatch):
    monkeypatch.setattr(audit_module, "MAX_RECORDS", 20)
    with MockKraken(rate_limits=False) as srv:
        api_key = srv.accounts["trader"].key
        srv.app.audit.add(AuditRecord(0.0, "trader", "AddOrder", "ok", True))
        for _ in range(50):
            requests.post(srv.url + "/0/private/Nope", headers={"API-Key": api_key}, timeout=5)
        assert len(srv.audit) == 20
        assert [r.method for r in srv.state_changes()] == ["AddOrder"]


def test_the_crash_list_is_bounded(kraken_mock):
    assert kraken_mock.app.crashes.maxlen is not None


def test_every_crash_is_counted_even_past_the_kept_tracebacks(monkeypatch):
    """A bug answers EGeneral:Internal error; `crashes` keeps only the latest tracebacks, so
    `crash_count` is what tells how many requests hit a bug."""
    monkeypatch.setattr(app_module, "MAX_CRASHES", 1)
    with MockKraken() as srv:

        def bug(*_args):
            raise RuntimeError("a bug in the mock")

        monkeypatch.setattr(srv.app, "_handle", bug)
        for _ in range(2):
            res = requests.post(srv.url + "/0/public/Time", timeout=5)
            assert res.json() == {"error": ["EGeneral:Internal error"]}
            assert "Traceback" not in res.text
        assert srv.app.crash_count == 2
        assert len(srv.crashes) == 1


def test_nonces_kept_inside_a_huge_window_are_bounded(monkeypatch):
    monkeypatch.setattr(nonces_module, "MAX_RECENT", 100)
    tracker = NonceTracker()
    window = 10**10
    for n in range(1, 1001):
        assert tracker.accept(n * 10, window)
    assert len(tracker._recent) <= 100
    assert not tracker.accept(10, window)  # forgotten for space: refused, never reused
    assert tracker.accept(9995, window)  # inside the kept part of the window: once
    assert not tracker.accept(9995, window)


def test_the_memory_benchmark_gets_kraken_style_answers():
    from bench import mock_memory

    result = mock_memory.run(30)
    assert sum(result.answers.values()) == 30
    assert set(result.answers) == {
        "EAPI:Invalid key",
        "EGeneral:Unknown method",
        BAD_REQUEST,
    }
    assert result.rss_before_kib > 0 and result.peak_kib >= result.rss_after_kib
