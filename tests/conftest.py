"""Shared fixtures: a running mock Kraken with the demo accounts, and extra accounts on it;
the built site (`site_build`, once per test run, see sitebuild.py).

Other parts add their own fixtures in their own conftest files (e.g. tests/snippets/).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from kraken_doctor.mock import Account, MockKraken
from sitebuild import site_build  # noqa: F401  (a fixture, offered to every test)


@pytest.fixture
def kraken_mock() -> Iterator[MockKraken]:
    """A started MockKraken on a free loopback port with the demo accounts; stopped after."""
    with MockKraken() as srv:
        yield srv
    assert not srv.crashes, "the mock hit a bug:\n" + "\n".join(srv.crashes)


@pytest.fixture
def make_account(kraken_mock: MockKraken) -> Callable[..., Account]:
    """`make_account(permissions=[...], name=..., **kw)`: a fresh key added to `kraken_mock`."""
    counter = {"n": 0}

    def make(permissions: list[str] | None = None, name: str | None = None, **kw: Any) -> Account:
        counter["n"] += 1
        account = Account.generate(
            name or f"test-key-{counter['n']}", list(permissions or []), **kw
        )
        return kraken_mock.add_account(account)

    return make
