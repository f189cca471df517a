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


#: The fields Kraken is reported to name after `EGeneral:Invalid arguments:` (order fields
#: only: npm-kraken-api #36, pykrakenapi #9, Kraken.Net #3). Kraken documents no such rule,
#: and its support article shows the plain string for QueryOrders without txid.
NAMED_FIELDS = frozenset({"volume", "ordertype", "type", "price", "volume minimum not met"})


def invalid_arguments(field: str) -> str:
    """`EGeneral:Invalid arguments`, with `:<field>` only where Kraken is seen to add it."""
    plain = error("INVALID_ARGUMENTS")
    return f"{plain}:{field}" if field in NAMED_FIELDS else plain
