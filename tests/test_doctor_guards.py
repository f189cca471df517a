"""Two guards against a state change: the catalog loader, and the doctor's client at run time.

Each test edits the packaged catalog one way a maintainer might (or a bad merge would): the
loader must refuse the file, and a catalog that skipped the loader must still never make the
client send a call that could change the account (F2 of the fuzzing run).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from doctor_support import env_for
from kraken_doctor.catalog import Catalog, CatalogError, parse_catalog
from kraken_doctor.doctor.check import CheckOptions, run_check
from kraken_doctor.doctor.client import KrakenClient, UnsafeCall

TEXT = (Path(__file__).parents[1] / "src/kraken_doctor/catalog.yml").read_text("utf-8")
DATA = yaml.safe_load(TEXT)
ORDER = {"pair": "XXBTZUSD", "type": "buy", "ordertype": "limit", "price": "10", "volume": "10"}


def _edited(edit) -> dict[str, Any]:
    data = copy.deepcopy(DATA)
    edit(data)
    return data


def _entry(items: list[dict[str, Any]], key: str, value: str) -> dict[str, Any]:
    [found] = [item for item in items if item.get(key) == value]
    return found


def _addorder_probe_without_validate(data: dict[str, Any]) -> None:
    _entry(data["probes"], "endpoint", "AddOrder")["params"].pop("validate")


def _addorder_changes_nothing(data: dict[str, Any]) -> None:
    _entry(data["endpoints"], "name", "AddOrder")["changes_state"] = False


def _both(data: dict[str, Any]) -> None:
    _addorder_probe_without_validate(data)
    _addorder_changes_nothing(data)


def _withdraw_allowed(data: dict[str, Any]) -> None:
    _entry(data["permissions"], "id", "withdraw-funds")["forbidden"] = False


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (_addorder_probe_without_validate, r"'AddOrder'\): .*unless it is sent with validate"),
        (_addorder_changes_nothing, r"'AddOrder'\): .*'changes_state: false', but its param"),
        (_both, r"'AddOrder'\): .*'changes_state: false', but its parameters \(ordertype"),
        (_withdraw_allowed, r"\(id 'withdraw-funds'\), field 'forbidden': must be true"),
    ],
    ids=["probe-without-validate", "changes-state-false", "both", "withdraw-not-forbidden"],
)
def test_the_loader_refuses_a_catalog_that_could_change_state(edit, message) -> None:
    with pytest.raises(CatalogError, match=message):
        parse_catalog(yaml.safe_dump(_edited(edit), sort_keys=False), "edited.yml")


def test_a_key_given_twice_cannot_turn_withdraw_back_on() -> None:
    """PyYAML keeps the last of two equal keys: `forbidden: true` then `forbidden: false`."""
    block = re.compile(r"(  - id: withdraw-funds\n(?:    .*\n|      .*\n)*?    forbidden: true\n)")
    twice = block.sub(r"\1    forbidden: false\n", TEXT, count=1)
    assert twice != TEXT
    with pytest.raises(CatalogError, match="found the key 'forbidden' twice"):
        parse_catalog(twice, "twice.yml")


@pytest.mark.parametrize("edit", [_addorder_probe_without_validate, _both])
def test_the_client_refuses_a_state_change_the_loader_never_saw(kraken_mock, edit) -> None:
    """A catalog that skipped the loader's checks: the check stops, the mock sees no order."""
    cat = Catalog.model_validate(_edited(edit))
    trader = kraken_mock.accounts["trader"]
    kraken_mock.set_fault("no-getapikeyinfo")  # so the fallback probe plan would run
    env = env_for(trader.key, trader.secret, kraken_mock.url)
    rep = run_check(CheckOptions(environ=env, cwd="/nonexistent", timeout=5), catalog=cat)
    [acc] = rep.accounts
    assert "refused-unsafe-call" in {f.code for f in acc.findings} and rep.exit_code == 2
    assert "AddOrder" not in [r.method for r in kraken_mock.audit]
    assert kraken_mock.state_changes() == []
    # The client itself, asked directly: nothing is signed or sent.
    client = KrakenClient(kraken_mock.url, trader.key, trader.secret, catalog=cat, timeout=5)
    before = len(kraken_mock.audit)
    with pytest.raises(UnsafeCall, match="AddOrder was not sent"):
        client.private("AddOrder", ORDER)
    client.close()
    assert len(kraken_mock.audit) == before and kraken_mock.state_changes() == []


@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("AddOrder", ORDER),
        ("AddOrder", {**ORDER, "validate": "false"}),
        ("Withdraw", {"asset": "XBT", "key": "mine", "amount": "1", "validate": "true"}),
        ("CancelAll", {}),
        ("NotAKrakenMethod", {}),
    ],
)
def test_the_packaged_catalog_never_lets_the_client_change_state(
    kraken_mock, method, params
) -> None:
    trader = kraken_mock.accounts["trader"]
    client = KrakenClient(kraken_mock.url, trader.key, trader.secret, timeout=5)
    with pytest.raises(UnsafeCall):
        client.private(method, params)
    assert client.private("AddOrder", {**ORDER, "validate": "true"}).ok  # the harmless form
    client.close()
    assert [r.method for r in kraken_mock.audit] == ["AddOrder"]
    assert kraken_mock.state_changes() == []
