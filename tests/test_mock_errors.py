"""The mock's error strings come from the catalog, and only from the catalog."""

from __future__ import annotations

import re
from pathlib import Path

from kraken_doctor.catalog import load_catalog
from kraken_doctor.links import find_error
from kraken_doctor.mock import errors as mock_errors
from kraken_doctor.mock.errors import NAMES, error

CAT = load_catalog()
MOCK_DIR = Path(mock_errors.__file__).parent

#: A quoted Kraken error string, as it would appear if typed into code.
TYPED_ERROR = re.compile(r"""["'][EW][A-Z][A-Za-z]+:""")


def test_every_mock_error_is_a_catalog_entry():
    """Each name resolves to an entry's own string (not an alias), so each has a page."""
    for name in NAMES:
        entry = find_error(error(name))
        assert entry is not None and entry.string == error(name), name


def test_no_error_string_is_typed_in_the_mock():
    """Kraken strings are read from the catalog; a literal in the mock's code would drift."""
    typed = [
        f"{path.relative_to(MOCK_DIR)}:{n}: {line.strip()}"
        for path in sorted(MOCK_DIR.rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if TYPED_ERROR.search(line)
    ]
    assert typed == []
