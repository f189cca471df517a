"""The client tabs and the client error table on the pages (macros.py), from the catalog's
`clients` and the pins in pyproject.toml."""

from __future__ import annotations

from importlib.metadata import version

import pytest

from kraken_doctor.catalog import load_catalog
from kraken_doctor.links import client_classes
from macros import client_error_table, pinned_version, snippet_tabs

CAT = load_catalog()


@pytest.mark.parametrize("client", CAT.clients, ids=lambda c: c.name)
def test_the_pages_pin_is_the_installed_version(client):
    """CI runs the snippets with the version the install line shows."""
    assert pinned_version(client.name) == version(client.name)


def test_an_unpinned_package_is_an_error():
    with pytest.raises(ValueError, match="requests is not pinned"):
        pinned_version("requests")


def test_one_tab_per_client_with_its_install_line_above_its_file():
    tabs = snippet_tabs(CAT, "connection_test.py")
    for client in CAT.clients:
        title = f'=== "{client.name}"'
        file = f"connection_test{client.snippet_suffix}.py"
        install = f"    pip install {client.name}=={pinned_version(client.name)}\n    python {file}"
        assert tabs.count(title) == 1
        start = tabs.index(title)
        tab = tabs[start : tabs.find('=== "', start + 1) % (len(tabs) + 1)]
        assert install in tab
        assert tab.index(install) < tab.index(f'??? example "{file}: the whole script"')
        assert f'        --8<-- "{file}"' in tab


def test_a_section_without_a_fold():
    tabs = snippet_tabs(CAT, "connection_test.py:connect", fold=False)
    assert "??? example" not in tabs
    assert '    --8<-- "connection_test_ccxt.py:connect"' in tabs


def test_the_client_error_table_has_every_error_and_bolds_the_classes_alone():
    table = client_error_table(CAT, "guides/link-errors.md").splitlines()
    # krakenex raises nothing (the page says it returns the answer): no column of its own.
    assert table[0] == "| Kraken error (its page) | python-kraken-sdk | ccxt |"
    rows = table[2:]
    assert len(rows) == len(CAT.errors)
    pd = next(r for r in rows if "`EGeneral:Permission denied`" in r)
    assert "**`KrakenPermissionDeniedError`**" in pd and "**`PermissionDenied`**" in pd
    sig = next(r for r in rows if "`EAPI:Invalid signature`" in r)
    assert "| `ExchangeError` |" in sig and "ExchangeError" not in client_classes()
    busy = next(r for r in rows if "`EService:Busy`" in r)
    assert busy.count("returns Kraken's answer") == 1  # the SDK has no class for it
