"""Bad requests get a Kraken-style answer: never a crash, never a traceback."""

from __future__ import annotations

import os
import socket
import time

import pytest
import requests

from kraken_doctor.catalog import load_catalog
from kraken_doctor.mock import sign

CAT = load_catalog()
INVALID_KEY = CAT.error("eapi-invalid-key").string
INVALID_SIGNATURE = CAT.error("eapi-invalid-signature").string
UNKNOWN_METHOD = CAT.error("egeneral-unknown-method").string
BAD_REQUEST = "EAPI:Bad request"


def post(srv, path, body, headers=None, **kw):
    res = requests.post(srv.url + path, data=body, headers=headers or {}, timeout=5, **kw)
    assert "Traceback" not in res.text and 'File "' not in res.text
    return res


def signed_headers(srv, path, body, nonce, name="trader", **extra):
    acc = srv.accounts[name]
    return {"API-Key": acc.key, "API-Sign": sign(acc.secret, path, nonce, body), **extra}


def test_missing_headers(kraken_mock):
    assert post(kraken_mock, "/0/private/Balance", "nonce=1").json() == {"error": [INVALID_KEY]}
    acc = kraken_mock.accounts["trader"]
    res = post(kraken_mock, "/0/private/Balance", "nonce=1", {"API-Key": acc.key})
    assert res.json() == {"error": [INVALID_SIGNATURE]}


@pytest.mark.parametrize("api_sign", ["%%%not-base64%%%", "abc", "é", "A" * 5000])
def test_api_sign_not_base64(kraken_mock, api_sign):
    acc = kraken_mock.accounts["trader"]
    headers = {"API-Key": acc.key, "API-Sign": api_sign}
    res = post(kraken_mock, "/0/private/Balance", "nonce=1", headers)
    assert res.status_code == 200 and res.json() == {"error": [INVALID_SIGNATURE]}


def test_body_not_utf8(kraken_mock):
    body = os.urandom(64) + b"\xff\xfe"
    res = post(
        kraken_mock,
        "/0/private/Balance",
        body,
        signed_headers(kraken_mock, "/0/private/Balance", body, ""),
    )
    assert res.json() == {"error": [BAD_REQUEST]}


@pytest.mark.parametrize("body", ["{not json", "[1, 2, 3]", '"text"'])
def test_json_body_that_is_not_an_object(kraken_mock, body):
    headers = signed_headers(
        kraken_mock, "/0/private/Balance", body, "", **{"Content-Type": "application/json"}
    )
    res = post(kraken_mock, "/0/private/Balance", body, headers)
    assert res.json() == {"error": [BAD_REQUEST]}


def test_garbage_form_body(kraken_mock):
    body = "&&&===%%%;;;nonce"
    headers = signed_headers(kraken_mock, "/0/private/Balance", body, "")
    res = post(kraken_mock, "/0/private/Balance", body, headers)
    assert res.status_code == 200 and res.json()["error"][0].startswith("E")


def test_huge_body(kraken_mock):
    nonce = str(int(time.time() * 1000))
    body = f"nonce={nonce}&pad=" + "x" * (200 * 1024)
    headers = signed_headers(kraken_mock, "/0/private/Balance", body, nonce)
    res = post(kraken_mock, "/0/private/Balance", body, headers)
    assert res.status_code == 200 and res.json() == {"error": [BAD_REQUEST]}
    # The server is still fine afterwards.
    nonce2 = str(int(nonce) + 1)
    ok = post(
        kraken_mock,
        "/0/private/Balance",
        f"nonce={nonce2}",
        signed_headers(kraken_mock, "/0/private/Balance", f"nonce={nonce2}", nonce2),
    )
    assert ok.json()["error"] == []


def test_post_to_a_public_endpoint_is_refused_like_kraken(kraken_mock):
    res = post(kraken_mock, "/0/public/Time", "")
    assert res.status_code == 405 and "Not Allowed" in res.text


@pytest.mark.parametrize("verb", ["GET", "PUT", "DELETE", "PATCH"])
def test_wrong_method_on_a_private_endpoint(kraken_mock, verb):
    res = requests.request(verb, kraken_mock.url + "/0/private/Balance", timeout=5)
    assert res.status_code == 200 and res.json() == {"error": [UNKNOWN_METHOD]}


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/0/private/",
        "/0/public",
        "/1/private/Balance",
        "/0/private/Balance/x",
        "/0/secret/Balance",
        "/../etc/passwd",
        "/0/private/Bal%00ance",
    ],
)
def test_unknown_paths(kraken_mock, path):
    for res in (
        requests.get(kraken_mock.url + path, timeout=5),
        requests.post(kraken_mock.url + path, data="nonce=1", timeout=5),
    ):
        assert res.status_code == 200 and res.json() == {"error": [UNKNOWN_METHOD]}


def test_garbage_on_the_socket(kraken_mock):
    with socket.create_connection(("127.0.0.1", kraken_mock.port), timeout=5) as sock:
        sock.sendall(b"\x00\x01GARBAGE \xff\xfe\r\n\r\n")
        data = b""
        while chunk := sock.recv(4096):
            data += chunk
    # Not even HTTP: the HTTP layer answers 400 (an HTTP/0.9-style page, no status line).
    assert b"Traceback" not in data and b"400" in data


def test_the_server_keeps_working_after_bad_requests(kraken_mock):
    post(kraken_mock, "/0/private/Balance", os.urandom(300))
    requests.get(kraken_mock.url + "/0/private/", timeout=5)
    res = requests.get(kraken_mock.url + "/0/public/Time", timeout=5)
    assert res.json()["error"] == []
    assert kraken_mock.crashes == []
