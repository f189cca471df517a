"""Copy-and-paste damage is caught before any request, named by variable and position."""

from __future__ import annotations

import base64
from importlib import resources

import pytest

from doctor_support import assert_no_secrets
from kraken_doctor.catalog import Catalog, load_catalog, parse_catalog
from kraken_doctor.doctor import hygiene
from kraken_doctor.doctor.credentials import Credentials, Variable

CAT = load_catalog()
ENV = CAT.env_vars
#: a key and a private key of the sizes the catalog gives Kraken's
KEY = base64.b64encode(bytes(range(CAT.kraken.api_key_bytes))).decode()
SECRET = base64.b64encode(bytes(range(100, 100 + CAT.kraken.secret_bytes))).decode()


def _creds(key: str = KEY, secret: str = SECRET) -> Credentials:
    return Credentials(
        "master",
        Variable(ENV.master.key, key, "environment"),
        Variable(ENV.master.secret, secret, "environment"),
    )


def _codes(key: str = KEY, secret: str = SECRET) -> dict[str, tuple[str, str | None]]:
    findings = hygiene.check(CAT, _creds(key, secret))
    text = "\n".join(f"{f.message} {f.fix}" for f in findings)
    assert_no_secrets(text, keys=[KEY], secrets=[SECRET])
    return {f.code: (f.status, f.variable) for f in findings}


def test_a_clean_pair_passes() -> None:
    assert _codes() == {"values-clean": ("pass", None)}


@pytest.mark.parametrize("key", ["abc", KEY[:-5], KEY + "QUJD"], ids=["3", "cut", "extra"])
def test_a_key_of_the_wrong_length_is_flagged_not_passed(key: str) -> None:
    """Walkthrough 12: a 3-character key went unremarked beside a flagged secret."""
    findings = hygiene.check(CAT, _creds(key=key))
    assert {f.code: f.status for f in findings} == {"key-length": "warn"}
    assert f"holds {len(key)} characters" in findings[0].message
    assert f"have {CAT.kraken.api_key_length}" in findings[0].message


def test_surrounding_whitespace_is_only_a_warning_because_the_bot_strips_it() -> None:
    assert _codes(key=f"  {KEY}\r\n")["surrounding-whitespace"] == ("warn", ENV.master.key)
    assert "values-clean" in _codes(key=f" {KEY} ")


@pytest.mark.parametrize(
    ("key", "secret", "code", "variable"),
    [
        (f'"{KEY}"', SECRET, "quoted-value", "key"),
        (KEY, f"'{SECRET}'", "quoted-value", "secret"),
        (KEY, f"\u201c{SECRET}\u201d", "quoted-value", "secret"),
        (KEY[:20] + "\n" + KEY[20:], SECRET, "line-break-inside", "key"),
        (KEY, SECRET[:30] + "\r" + SECRET[30:], "line-break-inside", "secret"),
        (KEY[:10] + "\u200b" + KEY[10:], SECRET, "invisible-character", "key"),
        (KEY, "\ufeff" + SECRET, "invisible-character", "secret"),
        (KEY[:5] + "\u00a0" + KEY[5:], SECRET, "invisible-character", "key"),
        (KEY[:5] + " " + KEY[5:], SECRET, "invisible-character", "key"),
        ("<your-api-key>", SECRET, "placeholder", "key"),
        (KEY[:-1] + "_", SECRET, "not-base64", "key"),
        (KEY, SECRET.rstrip("="), "missing-padding", "secret"),
        (KEY, base64.b64encode(bytes(32)).decode(), "secret-length", "secret"),
        (
            KEY,
            "rttp4AzwRfYEdQ7R7X8Z/04Y4TZPa97pqCypi3xXxAqftygftnI6H9yGV+OcUOOJeFtZkr8mVwbAndU3Kz4Q+eG",
            "futures-key",
            "secret",
        ),
        (SECRET, KEY, "swapped", "key"),
        (KEY, KEY, "same-value", "key"),
    ],
)
def test_each_kind_of_damage_is_named(key, secret, code, variable) -> None:
    found = _codes(key, secret)
    name = ENV.master.key if variable == "key" else ENV.master.secret
    assert found.get(code) == ("fail", name), found


def test_the_position_of_an_invisible_character_is_given() -> None:
    [f] = hygiene.check(CAT, _creds(key=KEY[:10] + "\u200b" + KEY[10:]))
    assert "character 11" in f.message and "U+200B ZERO WIDTH SPACE" in f.message


@pytest.mark.parametrize("missing", [1, 2])
def test_missing_padding_says_how_many_equals_signs(missing: int) -> None:
    """One '=' missing is the case a wrong formula (len % 4 for -len % 4) gets wrong (M11)."""
    [f] = hygiene.check(CAT, _creds(secret=SECRET[:-missing]))
    assert f.code == "missing-padding"
    assert f"missing {missing} '='" in f.message
    assert f"{CAT.kraken.secret_length} characters ending in '=='" in f.message


def test_a_stray_equals_sign_inside_the_private_key_is_flagged() -> None:
    """Lenient base64 skips an '=' in the middle and still finds the 64 bytes, but the value is
    not the key Kraken gave, and signing (strict base64) cannot use it: flag it, don't pass it."""
    damaged = SECRET[:44] + "=" + SECRET[44:]
    [f] = hygiene.check(CAT, _creds(secret=damaged))
    assert (f.code, f.status, f.variable) == ("secret-length", "fail", ENV.master.secret)
    assert "is not valid base64" in f.message


def _with_secret_bytes(size: int) -> Catalog:
    """The packaged catalog with its `secret_bytes` line edited, parsed as the file would be."""
    text = resources.files("kraken_doctor").joinpath("catalog.yml").read_text(encoding="utf-8")
    line = f"secret_bytes: {CAT.kraken.secret_bytes}\n"
    assert text.count(line) == 1
    return parse_catalog(text.replace(line, f"secret_bytes: {size}\n"))


@pytest.mark.parametrize(
    ("size", "words"), [(48, "64 characters)"), (50, "68 characters ending in '=')")]
)
def test_the_size_a_private_key_must_have_is_the_catalogs(size: int, words: str) -> None:
    """Edit the catalog's size and the check follows it: the packaged size then fails."""
    cat = _with_secret_bytes(size)
    secret = base64.b64encode(bytes(range(size))).decode()
    assert [f.code for f in hygiene.check(cat, _creds(secret=secret))] == ["values-clean"]
    assert "secret-length" in _codes(secret=secret), "the packaged catalog refuses that size"
    [f] = hygiene.check(cat, _creds(secret=SECRET))
    assert f.code == "secret-length"
    assert f"decodes to {CAT.kraken.secret_bytes} bytes" in f.message
    assert f"base64 of {size} bytes ({words}" in f.message
    assert_no_secrets(f.message, keys=[KEY], secrets=[SECRET, secret])
    if cat.kraken.secret_padding:  # and a cut-off '=' is found by the catalog's size too
        [f] = hygiene.check(cat, _creds(secret=secret.rstrip("=")))
        assert f.code == "missing-padding" and words.removesuffix(")") in f.message


def test_first_name_collisions_group_users_by_the_bots_rule() -> None:
    out = hygiene.first_name_collisions(ENV, ["john_smith", "john_doe", "tania_gilbert", "john"])
    [(ids, f)] = out
    assert ids == ["john_smith", "john_doe", "john"]
    assert f.variable == ENV.for_user("john")[0]
    assert hygiene.first_name_collisions(ENV, ["a_b", "c_d"]) == []


def test_one_key_in_two_accounts_is_flagged_without_showing_it() -> None:
    out = hygiene.shared_keys(
        CAT, [("master", "K1", KEY), ("bob", "K2", f" {KEY} "), ("x", "K3", "")]
    )
    [(ids, f)] = out
    assert ids == ["master", "bob"] and f.status == "warn" and f.code == "shared-key"
    assert_no_secrets(f.message, keys=[KEY])
