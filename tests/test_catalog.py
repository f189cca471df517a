"""The packaged catalog loads and is consistent; bad catalog input is refused with a message
that names the file, the entry and the field to fix."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

import kraken_doctor.catalog as catalog_module
from kraken_doctor.catalog import Catalog, CatalogError, load_catalog
from kraken_doctor.protocol import KnownError


@pytest.fixture(scope="module")
def cat() -> Catalog:
    return load_catalog()


def _packaged_data() -> dict[str, Any]:
    text = resources.files("kraken_doctor").joinpath("catalog.yml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


@pytest.fixture
def bad_catalog(tmp_path: Path) -> Callable[[Callable[[dict[str, Any]], None]], str]:
    """Apply `change` to a copy of the packaged catalog, load it, return the error message."""

    def load(change: Callable[[dict[str, Any]], None]) -> str:
        data = _packaged_data()
        change(data)
        path = tmp_path / "catalog.yml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
        with pytest.raises(CatalogError) as info:
            load_catalog(path)
        message = str(info.value)
        assert message.startswith(f"{path}:"), message
        return message

    return load


# -- the packaged catalog ---------------------------------------------------------------------


def test_packaged_catalog_loads_with_every_section(cat: Catalog) -> None:
    for section in Catalog.model_fields:
        assert getattr(cat, section), f"section {section!r} is empty"
    assert cat.env_vars.example_users


def test_a_copy_of_the_packaged_file_loads_the_same(tmp_path: Path, cat: Catalog) -> None:
    path = tmp_path / "catalog.yml"
    path.write_text(yaml.safe_dump(_packaged_data(), allow_unicode=True), "utf-8")
    assert load_catalog(path) == cat


def test_the_packaged_catalog_is_read_again_once_the_file_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cat: Catalog
) -> None:
    """A process that outlives an edit (`mkdocs serve`) sees it on its next call; until
    then the parsed catalog is reused. A copy stands in for the packaged file."""
    copy = tmp_path / "catalog.yml"
    text = resources.files("kraken_doctor").joinpath("catalog.yml").read_text(encoding="utf-8")
    copy.write_text(text, "utf-8")
    monkeypatch.setattr(catalog_module, "_packaged_file", lambda: copy)
    first = load_catalog()
    assert first == cat and load_catalog() is first, "parsed once while the file is unchanged"
    old = f"label: {cat.permission('query-funds').label}\n"
    copy.write_text(text.replace(old, "label: Query balance (edited)\n", 1), "utf-8")
    assert load_catalog().permission("query-funds").label == "Query balance (edited)"


def test_every_related_error_resolves_to_another_entry(cat: Catalog) -> None:
    for e in cat.errors:
        for r in e.related:
            assert cat.error(r) is not e, f"{e.slug} lists itself as related"


def test_withdraw_is_forbidden_and_never_needed(cat: Catalog) -> None:
    assert cat.permission("withdraw-funds").forbidden
    assert not {p.id for p in cat.required_permissions} & {p.id for p in cat.forbidden_permissions}
    assert "query-funds" in {p.id for p in cat.required_permissions}  # the bot's Balance call


def test_slugs_follow_the_rule_and_are_unique(cat: Catalog) -> None:
    for e in cat.errors:
        assert e.slug == re.sub(r"[^a-z0-9]+", "-", e.string.lower()).strip("-"), e.string
    assert len({e.slug for e in cat.errors}) == len(cat.errors)


def test_spacing_variant_of_throttled_is_an_alias(cat: Catalog) -> None:
    throttled = cat.error("eservice-throttled")
    assert throttled.string == "EService: Throttled"
    assert "EService:Throttled" in throttled.aliases


def test_uncertain_errors_of_the_reference_are_marked(cat: Catalog) -> None:
    for slug in [
        "eaccount-invalid-permissions",
        "eauth-account-temporary-disabled",
        "esession-invalid-session",
        "eapi-bad-request",
        "egeneral-too-many-requests",
        "eorder-trading-agreement-required",
        "efunding-unknown-reference-id",  # a python-kraken-sdk mapping only
        "efunding-invalid-amount",  # a ccxt mapping only
    ]:
        assert cat.error(slug).uncertain, slug


@pytest.mark.parametrize(
    ("look_up", "section"),
    [
        (Catalog.error, "errors"),
        (Catalog.permission, "permissions"),
        (Catalog.endpoint, "endpoints"),
        (Catalog.group, "permission_groups"),
        (Catalog.tier, "rate_tiers"),
        (Catalog.category, "categories"),
    ],
)
def test_asking_for_a_missing_entry_names_the_section_and_id(
    cat: Catalog, look_up, section
) -> None:
    """Callers that handle absence catch KeyError; the CLI prints a CatalogError's message."""
    with pytest.raises(KeyError):
        look_up(cat, "no-such-entry")
    with pytest.raises(CatalogError) as info:
        look_up(cat, "no-such-entry")
    assert f"'{section}' has no entry 'no-such-entry'" in str(info.value)


def test_env_var_names_follow_the_first_name_rule(cat: Catalog) -> None:
    assert cat.env_vars.first_name("alice_example") == "ALICE"
    assert cat.env_vars.first_name("solo") == "SOLO"
    key, secret = cat.env_vars.for_user("bob_example")
    assert "BOB" in key and "BOB" in secret and key != secret


def test_every_error_name_code_uses_is_a_catalog_slug(cat: Catalog) -> None:
    """The one name -> slug registry (the mock's answers, the doctor's sorting) resolves."""
    for name in KnownError:
        assert cat.error(name).slug == name.value, name


def test_temporary_follows_the_retry_advice(cat: Catalog) -> None:
    """ "Could not check, try later" (the doctor) and "retry after a pause" (the page) agree:
    both read `retry`. The two entries an older hand-kept list got wrong are pinned."""
    for e in cat.errors:
        assert e.temporary is (e.retry in ("backoff", "after-wait")), e.slug
    assert not cat.error("eorder-orders-limit-exceeded").temporary  # close orders first
    assert cat.error("eorder-insufficient-margin").temporary  # Kraken's margin pool refills


def test_every_error_has_its_category_and_retry_wording(cat: Catalog) -> None:
    for e in cat.errors:
        assert cat.category(e.category).title, e.slug
        text = cat.retry_text(e)
        assert text.startswith(getattr(cat.retry_advice, e.retry.replace("-", "_"))), e.slug
        assert (cat.retry_advice.lockout in text) is e.retry_risks_lockout, e.slug


# -- bad input ------------------------------------------------------------------------------


def test_a_private_keys_text_is_worked_out_from_its_bytes(cat: Catalog) -> None:
    for size in range(1, 100):
        kraken = cat.kraken.model_copy(update={"secret_bytes": size})
        text = base64.b64encode(bytes(size)).decode()
        assert len(text) == kraken.secret_length, size
        assert len(text) - len(text.rstrip("=")) == len(kraken.secret_padding), size
    key = base64.b64encode(bytes(cat.kraken.api_key_bytes)).decode()
    assert len(key) == cat.kraken.api_key_length and "=" not in key


def test_an_api_key_length_base64_cannot_have(bad_catalog) -> None:
    msg = bad_catalog(lambda d: d["kraken"].update(api_key_length=55))
    assert "kraken, field 'api_key_length'" in msg and "multiple of 4" in msg


def test_unknown_key_names_entry_and_field(bad_catalog) -> None:
    msg = bad_catalog(lambda d: d["permissions"][0].update(colour="red"))
    assert "permissions[0] (id 'query-funds'), field 'colour'" in msg
    assert "unknown field" in msg


def test_missing_field_names_entry_and_field(bad_catalog) -> None:
    msg = bad_catalog(lambda d: d["errors"][1].pop("meaning"))
    assert "errors[1] (slug 'eapi-invalid-key'), field 'meaning'" in msg
    assert "Field required" in msg


def test_duplicate_permission_id(bad_catalog) -> None:
    def change(d: dict[str, Any]) -> None:
        d["permissions"][1]["id"] = d["permissions"][0]["id"]

    msg = bad_catalog(change)
    assert "permissions id: duplicate 'query-funds'" in msg


def test_duplicate_error_slug(bad_catalog) -> None:
    def change(d: dict[str, Any]) -> None:
        d["errors"][1]["slug"] = d["errors"][0]["slug"]

    msg = bad_catalog(change)
    assert "errors slug: duplicate 'egeneral-permission-denied'" in msg


def test_endpoint_naming_an_unknown_permission(bad_catalog) -> None:
    msg = bad_catalog(lambda d: d["endpoints"][0].update(needs={"all_of": ["query-fund"]}))
    assert "endpoints[0] (name 'Balance'), field 'needs': unknown permission 'query-fund'" in msg


def test_disputed_source_naming_an_unknown_permission(bad_catalog) -> None:
    def change(d: dict[str, Any]) -> None:
        tb = next(e for e in d["endpoints"] if e["name"] == "TradeBalance")
        tb["disputed"][0]["needs"] = {"all_of": ["funds-query"]}

    msg = bad_catalog(change)
    assert "(name 'TradeBalance'), field 'disputed[0].needs': unknown permission" in msg


def test_malformed_error_string(bad_catalog) -> None:
    msg = bad_catalog(lambda d: d["errors"][0].update(string="Permission denied"))
    assert "errors[0] (slug 'egeneral-permission-denied'), field 'string'" in msg
    assert "'Permission denied' is not a Kraken error string" in msg


def test_unknown_related_error(bad_catalog) -> None:
    msg = bad_catalog(lambda d: d["errors"][0].update(related=["EAPI:No such error"]))
    assert (
        "errors[0] (slug 'egeneral-permission-denied'), field 'related': "
        "unknown error 'EAPI:No such error'"
    ) in msg


def test_bad_slug_shape(bad_catalog) -> None:
    msg = bad_catalog(lambda d: d["errors"][2].update(slug="EAPI Invalid Signature"))
    assert "errors[2] (slug 'EAPI Invalid Signature'), field 'slug'" in msg


def test_unreadable_file_and_bad_yaml(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="cannot read the catalog"):
        load_catalog(tmp_path / "missing.yml")
    broken = tmp_path / "broken.yml"
    broken.write_text("site: [unclosed\n", "utf-8")
    with pytest.raises(CatalogError, match=r"broken\.yml: not valid YAML"):
        load_catalog(broken)


def test_error_in_an_unknown_category(bad_catalog) -> None:
    msg = bad_catalog(lambda d: d["errors"][0].update(category="auth-errors"))
    assert (
        "errors[0] (slug 'egeneral-permission-denied'), field 'category': "
        "unknown category 'auth-errors'"
    ) in msg


def test_missing_retry_wording_names_the_value(bad_catalog) -> None:
    msg = bad_catalog(lambda d: d["retry_advice"].pop("after-wait"))
    assert "retry_advice, field 'after-wait'" in msg and "Field required" in msg


def test_guide_that_is_not_a_docs_page(bad_catalog) -> None:
    msg = bad_catalog(lambda d: d["categories"][0]["guides"][0].update(page="https://example.com/"))
    assert "categories[0] (id 'auth').guides[0], field 'page'" in msg


@pytest.mark.parametrize(
    ("tail", "says"),
    [
        (b"42: x\n", "[42]: Keys should be strings"),  # a section named by a number
        (b"# caf\xe9\n", "not UTF-8"),
        (b"deep: " + b"[" * 100_000 + b"]" * 100_000 + b"\n", "nested too deeply"),
        (b"big: " + b"9" * 5000 + b"\n", "number is too long"),
    ],
    ids=["int-key", "latin-1", "deep", "bigint"],
)
def test_a_broken_file_gets_a_message_not_a_traceback(
    tmp_path: Path, tail: bytes, says: str
) -> None:
    """Fuzz finding F6: each of these crashed the loader with a raw Python exception."""
    path = tmp_path / "catalog.yml"
    path.write_bytes(yaml.safe_dump(_packaged_data(), sort_keys=False).encode() + tail)
    with pytest.raises(CatalogError) as info:
        load_catalog(path)
    assert str(info.value).startswith(f"{path}:")
    assert says in str(info.value)
