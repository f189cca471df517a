"""The mock's check of Kraken's API-Sign header, with the signing the doctor uses too.

`sign` is `protocol.sign`, the one implementation of Kraken's documented signature; the mock
recomputes it and compares, so a client that passes here signs the way the real API expects.
"""

from __future__ import annotations

import base64
import binascii
import hmac

from kraken_doctor.protocol import SecretError, decode_secret, sign

__all__ = ["SecretError", "decode_secret", "sign", "signature_bytes", "verify"]


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
