"""The Kraken error strings the mock answers with, read from the catalog by slug.

The mock names its errors (e.g. "PERMISSION_DENIED") so endpoint code reads well: the names
are `protocol.KnownError`, the registry the doctor uses too; the text itself is typed once, in
catalog.yml. A name whose slug the catalog lacks fails at import, not in the middle of a
request.
"""

from __future__ import annotations

from kraken_doctor.catalog import load_catalog
from kraken_doctor.protocol import KnownError

_STRINGS = {e.name: load_catalog().error(e).string for e in KnownError}

NAMES = frozenset(_STRINGS)


def error(name: str) -> str:
    """The exact Kraken string for the mock's error `name` (e.g. "PERMISSION_DENIED")."""
    return _STRINGS[name]


def invalid_arguments(field: str) -> str:
    """`EGeneral:Invalid arguments:<field>`, the form Kraken uses to name the bad field."""
    return f"{error('INVALID_ARGUMENTS')}:{field}"
