"""Kraken's API-Sign: base64(HMAC-SHA512(uri_path + SHA256(nonce + postdata), b64decode(secret))).

The mock checks signatures exactly as Kraken documents them, so a client that passes here
signs the way the real API expects. `postdata` is the body exactly as sent (form-encoded or
JSON); `nonce` is the nonce's text as it appears in that body.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac


class SecretError(ValueError):
    """The secret is not valid base64 (Kraken secrets are base64 of 64 random bytes)."""


def decode_secret(secret: str) -> bytes:
    """The secret's raw bytes; strict, so a secret that lost its `==` is refused here."""
    try:
        return base64.b64decode(secret, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SecretError(f"the secret is not valid base64: {exc}") from None


def sign(secret: str, uri_path: str, nonce: str, postdata: bytes | str) -> str:
    """The API-Sign value a correct client sends for this request."""
    body = postdata.encode() if isinstance(postdata, str) else postdata
    inner = hashlib.sha256(nonce.encode() + body).digest()
    mac = hmac.new(decode_secret(secret), uri_path.encode() + inner, hashlib.sha512)
    return base64.b64encode(mac.digest()).decode()


def signature_bytes(api_sign: str) -> bytes | None:
    """The decoded API-Sign header, or None if it is not base64 (then the signature is invalid)."""
    try:
        return base64.b64decode(api_sign.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None


def verify(secret: str, uri_path: str, nonce: str, postdata: bytes | str, api_sign: str) -> bool:
    """Whether `api_sign` is the signature of this request, compared in constant time."""
    given = signature_bytes(api_sign)
    if given is None:
        return False
    expected = base64.b64decode(sign(secret, uri_path, nonce, postdata))
    return hmac.compare_digest(given, expected)
