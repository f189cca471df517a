"""The Kraken error strings the mock answers with, read from the catalog by slug.

The mock names its errors (e.g. "PERMISSION_DENIED") so endpoint code reads well; the text
itself is typed once, in catalog.yml. A name whose slug the catalog lacks fails at import,
not in the middle of a request.
"""

from __future__ import annotations

from kraken_doctor.catalog import load_catalog

#: name used in the mock -> catalog slug
_SLUGS = {
    "INVALID_KEY": "eapi-invalid-key",
    "INVALID_SIGNATURE": "eapi-invalid-signature",
    "INVALID_NONCE": "eapi-invalid-nonce",
    "PERMISSION_DENIED": "egeneral-permission-denied",
    "TEMPORARY_LOCKOUT": "egeneral-temporary-lockout",
    "RATE_LIMIT": "eapi-rate-limit-exceeded",
    "UNKNOWN_METHOD": "egeneral-unknown-method",
    "INVALID_ARGUMENTS": "egeneral-invalid-arguments",
    "UNAVAILABLE": "eservice-unavailable",
    "BUSY": "eservice-busy",
    "UNKNOWN_ORDER": "eorder-unknown-order",
    "FEATURE_DISABLED": "eapi-feature-disabled",
    "BAD_REQUEST": "eapi-bad-request",
    "INTERNAL_ERROR": "egeneral-internal-error",
    "INVALID_ORDER": "eorder-invalid-order",
    "UNKNOWN_ASSET_PAIR": "equery-unknown-asset-pair",
    "UNKNOWN_ASSET": "equery-unknown-asset",
    "INSUFFICIENT_FUNDS": "eorder-insufficient-funds",
    "COST_MINIMUM": "eorder-cost-minimum-not-met",
    "TICK_SIZE": "eorder-tick-size-check-failed",
    "CANCEL_ONLY": "eservice-market-in-cancel-only-mode",
    "POST_ONLY": "eservice-market-in-post-only-mode",
    "UNKNOWN_WITHDRAW_KEY": "efunding-unknown-withdraw-key",
    "UNKNOWN_REFERENCE_ID": "efunding-unknown-reference-id",
    "INVALID_AMOUNT": "efunding-invalid-amount",
    "NO_FUNDING_METHOD": "efunding-no-funding-method",
}

_STRINGS = {name: load_catalog().error(slug).string for name, slug in _SLUGS.items()}

NAMES = frozenset(_STRINGS)


def error(name: str) -> str:
    """The exact Kraken string for the mock's error `name` (e.g. "PERMISSION_DENIED")."""
    return _STRINGS[name]


#: The fields Kraken is reported to name after `EGeneral:Invalid arguments:` (order fields
#: only: npm-kraken-api #36, pykrakenapi #9, Kraken.Net #3). Kraken documents no such rule,
#: and its support article shows the plain string for QueryOrders without txid.
NAMED_FIELDS = frozenset({"volume", "ordertype", "type", "price", "volume minimum not met"})


def invalid_arguments(field: str) -> str:
    """`EGeneral:Invalid arguments`, with `:<field>` only where Kraken is seen to add it."""
    plain = error("INVALID_ARGUMENTS")
    return f"{plain}:{field}" if field in NAMED_FIELDS else plain
