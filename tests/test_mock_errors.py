"""The mock's error strings come from the catalog wherever the catalog has them."""

from __future__ import annotations

from kraken_doctor.catalog import ERROR_STRING, load_catalog
from kraken_doctor.links import find_error
from kraken_doctor.mock.errors import NAMES, error, not_in_catalog

CAT = load_catalog()


def test_every_mock_error_is_a_kraken_string():
    for name in NAMES:
        assert ERROR_STRING.match(error(name)), name


def test_catalog_strings_are_used_verbatim():
    known = {e.string for e in CAT.errors}
    for name in NAMES:
        s = error(name)
        if s in known:
            assert CAT.error(s).string == s
    assert set(not_in_catalog()) == {error(n) for n in NAMES} - known


def test_the_auth_family_is_in_the_catalog():
    """The errors a bot operator sees first must have pages (and so links)."""
    for name in (
        "INVALID_KEY",
        "INVALID_SIGNATURE",
        "INVALID_NONCE",
        "PERMISSION_DENIED",
        "TEMPORARY_LOCKOUT",
        "RATE_LIMIT",
        "UNKNOWN_METHOD",
        "UNKNOWN_ORDER",
    ):
        entry = find_error(error(name))
        assert entry is not None and entry.string == error(name)
