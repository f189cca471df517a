"""The Kraken error strings the mock answers with.

A string the catalog knows is read from the catalog (looked up by slug, so the text is typed
once, in catalog.yml). Kraken strings the catalog has no page for yet are written here; once
the catalog gains an entry with the same string, the catalog's copy is used.
"""

from __future__ import annotations

from functools import cache

from kraken_doctor.catalog import load_catalog

#: name used in the mock -> catalog slug
_FROM_CATALOG = {
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
}

#: Kraken strings (kraken-api.md section 4) that the catalog does not list yet.
_NOT_IN_CATALOG = {
    "BAD_REQUEST": "EAPI:Bad request",
    "INTERNAL_ERROR": "EGeneral:Internal error",
    "INVALID_ORDER": "EOrder:Invalid order",
    "UNKNOWN_ASSET_PAIR": "EQuery:Unknown asset pair",
    "UNKNOWN_ASSET": "EQuery:Unknown asset",
    "INSUFFICIENT_FUNDS": "EOrder:Insufficient funds",
    "COST_MINIMUM": "EOrder:Cost minimum not met",
    "TICK_SIZE": "EOrder:Tick size check failed",
    "CANCEL_ONLY": "EService:Market in cancel_only mode",
    "POST_ONLY": "EService:Market in post_only mode",
    "UNKNOWN_WITHDRAW_KEY": "EFunding:Unknown withdraw key",
    "UNKNOWN_REFERENCE_ID": "EFunding:Unknown reference id",
    "INVALID_AMOUNT": "EFunding:Invalid amount",
    "NO_FUNDING_METHOD": "EFunding:No funding method",
}

NAMES = frozenset(_FROM_CATALOG) | frozenset(_NOT_IN_CATALOG)


@cache
def error(name: str) -> str:
    """The exact Kraken string for the mock's error `name` (e.g. "PERMISSION_DENIED")."""
    cat = load_catalog()
    if name in _FROM_CATALOG:
        return cat.error(_FROM_CATALOG[name]).string
    literal = _NOT_IN_CATALOG[name]
    try:
        return cat.error(literal).string
    except KeyError:
        return literal


def invalid_arguments(field: str) -> str:
    """`EGeneral:Invalid arguments:<field>`, the form Kraken uses to name the bad field."""
    return f"{error('INVALID_ARGUMENTS')}:{field}"


def not_in_catalog() -> list[str]:
    """Strings the mock answers with that the catalog has no entry for (for the report/test)."""
    cat = load_catalog()
    known = {e.string for e in cat.errors}
    return sorted(s for s in _NOT_IN_CATALOG.values() if s not in known)
