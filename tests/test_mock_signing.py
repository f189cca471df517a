"""Kraken's published signature test vectors (kraken-api.md section 5.2) verify with the
mock's checker, and a one-byte change to any input is refused."""

from __future__ import annotations

import base64

import pytest

from kraken_doctor.catalog import load_catalog
from kraken_doctor.mock.signing import sign, verify

KRAKEN_DOCS = {
    "secret": (
        "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg=="
    ),
    "nonce": "1616492376594",
    "body": "nonce=1616492376594&ordertype=limit&pair=XBTUSD&price=37500&type=buy&volume=1.25",
    "path": "/0/private/AddOrder",
    "expected": (
        "4/dpxb3iT4tp/ZCVEwSnEsLxx0bqyhLpdfOpc6fn7OR8+UClSV5n9E6aSS8MPtnRfp32bAb0nmbRn6H8ndwLUQ=="
    ),
}
RUST_SDK = {
    "secret": base64.b64encode(bytes([1]) * 32).decode(),
    "nonce": "1700000000000000000",
    "body": "nonce=1700000000000000000",
    "path": "/0/private/Balance",
    "expected": (
        "6i7+cpXVLDDnDOekgsRcgFQhkYFyPDSSxhSVA8OrA6vjziXcy2K1DP3n7f9B/Kgni71WjBSQusZKxduRsdF20Q=="
    ),
}
VECTORS = [KRAKEN_DOCS, RUST_SDK]


def test_the_catalogs_secret_size_is_that_of_krakens_example() -> None:
    """The catalog's source for `kraken.secret_bytes`: the secret of Kraken's worked example."""
    kraken = load_catalog().kraken
    secret = KRAKEN_DOCS["secret"]
    assert len(base64.b64decode(secret, validate=True)) == kraken.secret_bytes
    assert len(secret) == kraken.secret_length and secret.endswith(kraken.secret_padding)


def _flip(text: str, index: int = -1) -> str:
    """`text` with one character changed (a different byte at `index`)."""
    chars = list(text)
    chars[index] = "A" if chars[index] != "A" else "B"
    return "".join(chars)


@pytest.mark.parametrize("v", VECTORS, ids=["kraken-docs", "kraken-rust-sdk"])
def test_vector_signs_and_verifies(v):
    assert sign(v["secret"], v["path"], v["nonce"], v["body"]) == v["expected"]
    assert verify(v["secret"], v["path"], v["nonce"], v["body"].encode(), v["expected"])


@pytest.mark.parametrize("v", VECTORS, ids=["kraken-docs", "kraken-rust-sdk"])
@pytest.mark.parametrize("field", ["body", "path", "nonce"])
def test_one_byte_change_is_refused(v, field):
    changed = dict(v)
    changed[field] = _flip(v[field])
    assert not verify(
        changed["secret"], changed["path"], changed["nonce"], changed["body"], v["expected"]
    )


@pytest.mark.parametrize("v", VECTORS, ids=["kraken-docs", "kraken-rust-sdk"])
def test_one_byte_change_to_secret_is_refused(v):
    raw = bytearray(base64.b64decode(v["secret"]))
    raw[0] ^= 0x01
    other = base64.b64encode(bytes(raw)).decode()
    assert not verify(other, v["path"], v["nonce"], v["body"], v["expected"])


def test_changed_signature_is_refused():
    v = KRAKEN_DOCS
    assert not verify(v["secret"], v["path"], v["nonce"], v["body"], _flip(v["expected"], 5))
    assert not verify(v["secret"], v["path"], v["nonce"], v["body"], "not base64 at all!")
    assert not verify(v["secret"], v["path"], v["nonce"], v["body"], "")
