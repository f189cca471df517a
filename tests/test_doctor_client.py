"""The doctor's client signs like Kraken documents and names every transport failure."""

from __future__ import annotations

import threading

import requests
import urllib3

from doctor_support import Reply, free_port, stub_server
from kraken_doctor.doctor.client import (
    KrakenClient,
    MillisecondNonce,
    classify_exception,
    sign,
)


def test_signature_matches_krakens_published_example() -> None:
    # Kraken's Spot REST authentication guide (kraken-api.md section 5.2).
    secret = (
        "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg=="
    )
    body = "nonce=1616492376594&ordertype=limit&pair=XBTUSD&price=37500&type=buy&volume=1.25"
    assert sign(secret, "/0/private/AddOrder", 1616492376594, body) == (
        "4/dpxb3iT4tp/ZCVEwSnEsLxx0bqyhLpdfOpc6fn7OR8+UClSV5n9E6aSS8MPtnRfp32bAb0nmbRn6H8ndwLUQ=="
    )


def test_nonces_are_milliseconds_and_strictly_increasing_across_threads() -> None:
    nonce = MillisecondNonce()
    seen: list[int] = []
    lock = threading.Lock()

    def take() -> None:
        values = [nonce() for _ in range(200)]
        with lock:
            seen.extend(values)

    threads = [threading.Thread(target=take) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(seen)) == len(seen) == 800
    assert 10**12 < min(seen) < 10**13  # milliseconds, like krakenex: never a larger unit


def _one(reply: Reply, timeout: float = 2.0):
    with stub_server(lambda method, path, body: reply) as url:
        client = KrakenClient(url, timeout=timeout)
        try:
            return client.public("SystemStatus")
        finally:
            client.close()


def test_a_kraken_error_is_an_error_not_a_failure() -> None:
    ans = _one(Reply(body=b'{"error": ["EService:Unavailable"]}'))
    assert ans.failure is None and ans.errors == ["EService:Unavailable"]


def test_an_html_5xx_page_is_named() -> None:
    ans = _one(Reply(502, b"<!DOCTYPE html><html>Bad gateway</html>", "text/html"))
    assert ans.failure.kind == "http-5xx" and ans.failure.status == 502
    assert "HTML page" in ans.failure.detail


def test_an_html_page_with_status_200_is_named() -> None:
    ans = _one(Reply(200, b"<html><body>captive portal</body></html>", "text/html"))
    assert ans.failure.kind == "html-page"


def test_a_non_kraken_json_answer_is_named() -> None:
    assert _one(Reply(body=b"[1, 2, 3]")).failure.kind == "not-kraken"
    assert _one(Reply(403, b"Forbidden", "text/plain")).failure.kind == "http-status"


def test_a_timeout_is_named() -> None:
    assert _one(Reply(delay=1.0), timeout=0.2).failure.kind == "timeout"


def test_a_dropped_connection_is_named() -> None:
    assert _one(Reply(drop=True)).failure.kind == "dropped"


def test_a_refused_connection_is_named() -> None:
    client = KrakenClient(f"http://127.0.0.1:{free_port()}", timeout=2)
    assert client.public("Time").failure.kind == "refused"


def test_tls_to_a_plain_http_server_is_a_tls_failure() -> None:
    with stub_server(lambda m, p, b: Reply()) as url:
        client = KrakenClient(url.replace("http://", "https://"), timeout=2)
        assert client.public("Time").failure.kind == "tls"


def test_dns_failures_are_recognised_from_what_requests_raises() -> None:
    inner = urllib3.exceptions.NameResolutionError(
        "api.kraken.invalid", None, OSError("[Errno -2] Name or service not known")
    )
    exc = requests.exceptions.ConnectionError(
        urllib3.exceptions.MaxRetryError(None, "/0/public/Time", inner)
    )
    assert classify_exception(exc).kind == "dns"


def test_a_bad_url_is_named() -> None:
    assert KrakenClient("not a url", timeout=1).public("Time").failure.kind == "bad-url"


def test_private_calls_send_the_otp_but_the_client_never_shows_secrets() -> None:
    bodies: list[bytes] = []

    def capture(method: str, path: str, body: bytes) -> Reply:
        bodies.append(body)
        return Reply(body=b'{"error": [], "result": {"ok": true}}')

    with stub_server(capture) as url:
        client = KrakenClient(url, "KEY1234", "c2VjcmV0", otp="987654", timeout=2)
        ans = client.private("Balance")
        assert ans.ok and ans.result == {"ok": True}
        assert "KEY1234" not in repr(client) and "c2VjcmV0" not in repr(client)
    [body] = bodies
    assert b"otp=987654" in body and b"nonce=" in body and b"c2VjcmV0" not in body
