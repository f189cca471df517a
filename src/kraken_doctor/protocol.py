"""What both ends of Kraken's private API share: the signature, how a key is shown, error names.

The doctor signs requests with `sign` and the mock checks them with it; both show keys with
`mask_key`; both name the errors their code refers to with `KnownError`. Neither imports the
other, so this small module sits under both, beside the catalog.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from enum import StrEnum

#: a key is shown by its last characters only, and only when it is long enough that they
#: say little about the rest (Kraken's are longer: the catalog's `kraken.api_key_length`)
SHOWN = 4
SHORTEST_SHOWN = 9


class SecretError(ValueError):
    """The secret is not valid base64 (Kraken secrets are base64 of random bytes)."""


def decode_secret(secret: str) -> bytes:
    """The secret's raw bytes; strict, so a secret that lost its `==` is refused here."""
    try:
        return base64.b64decode(secret, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SecretError(f"the secret is not valid base64: {exc}") from None


def sign(secret: str, uri_path: str, nonce: int | str, postdata: bytes | str) -> str:
    """Kraken's API-Sign: base64(HMAC-SHA512(uri_path + SHA256(nonce + postdata), secret)).

    `secret` is the base64 text Kraken hands out (decoded here); `postdata` is the body
    exactly as sent (form-encoded or JSON) and `nonce` the nonce as it appears in it.
    """
    body = postdata.encode() if isinstance(postdata, str) else postdata
    inner = hashlib.sha256(str(nonce).encode() + body).digest()
    mac = hmac.new(decode_secret(secret), uri_path.encode() + inner, hashlib.sha512)
    return base64.b64encode(mac.digest()).decode()


def mask_key(key: str) -> str:
    """How a key is shown anywhere a person reads it: its last four characters, never more.

    A value too short to be a real key is shown as `...` alone: four characters of an
    eight-character value would give half of it away.
    """
    key = key.strip()
    return f"...{key[-SHOWN:]}" if len(key) >= SHORTEST_SHOWN else "..."


class KnownError(StrEnum):
    """The errors code refers to by name, each the slug of its catalog entry.

    The one name -> slug registry: the mock answers with these and the doctor sorts by them;
    the text, meaning and advice of each stay in catalog.yml (a test checks every slug is
    there).
    """

    INVALID_KEY = "eapi-invalid-key"
    INVALID_SIGNATURE = "eapi-invalid-signature"
    INVALID_NONCE = "eapi-invalid-nonce"
    PERMISSION_DENIED = "egeneral-permission-denied"
    TEMPORARY_LOCKOUT = "egeneral-temporary-lockout"
    RATE_LIMIT = "eapi-rate-limit-exceeded"
    UNKNOWN_METHOD = "egeneral-unknown-method"
    INVALID_ARGUMENTS = "egeneral-invalid-arguments"
    UNAVAILABLE = "eservice-unavailable"
    BUSY = "eservice-busy"
    UNKNOWN_ORDER = "eorder-unknown-order"
    FEATURE_DISABLED = "eapi-feature-disabled"
    BAD_REQUEST = "eapi-bad-request"
    INTERNAL_ERROR = "egeneral-internal-error"
    INVALID_ORDER = "eorder-invalid-order"
    UNKNOWN_ASSET_PAIR = "equery-unknown-asset-pair"
    UNKNOWN_ASSET = "equery-unknown-asset"
    INSUFFICIENT_FUNDS = "eorder-insufficient-funds"
    COST_MINIMUM = "eorder-cost-minimum-not-met"
    TICK_SIZE = "eorder-tick-size-check-failed"
    CANCEL_ONLY = "eservice-market-in-cancel-only-mode"
    POST_ONLY = "eservice-market-in-post-only-mode"
    UNKNOWN_WITHDRAW_KEY = "efunding-unknown-withdraw-key"
    UNKNOWN_REFERENCE_ID = "efunding-unknown-reference-id"
    INVALID_AMOUNT = "efunding-invalid-amount"
    NO_FUNDING_METHOD = "efunding-no-funding-method"
    INVALID_PERMISSIONS = "eaccount-invalid-permissions"
