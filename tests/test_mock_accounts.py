"""Accounts: the demo set, the YAML file format and its error messages, secrets kept out."""

from __future__ import annotations

import base64
import json

import pytest

from doctor_support import assert_no_secrets
from kraken_doctor.catalog import load_catalog
from kraken_doctor.mock import (
    Account,
    AccountsFileError,
    MockKraken,
    accounts,
    bot_permissions,
    demo_accounts,
    load_accounts,
    parse_accounts,
)
from mock_client import client

CAT = load_catalog()
GOOD_SECRET = base64.b64encode(bytes(range(CAT.kraken.secret_bytes))).decode()
DEMO_NAMES = [
    "trader",
    "view-only",
    "withdraw-enabled",
    "no-query-funds",
    "two-factor",
    "nonce-trap",
    "user-bob",
]


def test_demo_accounts_are_the_contracts():
    demo = {a.name: a for a in demo_accounts()}
    assert list(demo) == DEMO_NAMES
    bot = bot_permissions()
    assert demo["trader"].permissions == bot
    assert demo["trader"].balances == {"ZUSD": "1250.00", "USDT": "300.00"}
    assert demo["view-only"].permissions == ["query-funds", "query-open-trades"]
    assert demo["withdraw-enabled"].permissions == [*bot, "withdraw-funds"]
    assert demo["no-query-funds"].permissions == [p for p in bot if p != "query-funds"]
    assert demo["two-factor"].otp and demo["two-factor"].permissions == bot
    assert demo["nonce-trap"].last_nonce > 10**18  # nanosecond scale
    assert demo["user-bob"].balances != demo["trader"].balances
    for acc in demo.values():  # the demo file's keys have the catalog's sizes
        assert len(acc.key) == CAT.kraken.api_key_length
        assert len(base64.b64decode(acc.secret)) == CAT.kraken.secret_bytes
        assert acc.about


def test_demo_accounts_are_fresh_copies():
    a, b = demo_accounts(), demo_accounts()
    a[0].last_nonce = 99
    assert b[0].last_nonce == 0


def test_generate():
    acc = Account.generate("gen", ["query-funds"], tier="pro")
    assert len(acc.key) == CAT.kraken.api_key_length
    assert len(base64.b64decode(acc.secret)) == CAT.kraken.secret_bytes
    assert acc.tier == "pro"
    assert acc.secret not in repr(acc) and acc.key not in repr(acc)


def test_generated_sizes_follow_an_edited_catalog(monkeypatch):
    kraken = CAT.kraken.model_copy(update={"api_key_length": 44, "secret_bytes": 48})
    edited = CAT.model_copy(update={"kraken": kraken})
    monkeypatch.setattr(accounts, "load_catalog", lambda: edited)
    acc = Account.generate("gen", [])
    assert len(acc.key) == 44 and len(base64.b64decode(acc.secret)) == 48


def write(tmp_path, text: str):
    path = tmp_path / "accounts.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_a_good_file(tmp_path):
    path = write(
        tmp_path,
        f"""
keys:
  - name: view-only
    key: "KEY-ONE"
    secret: "{GOOD_SECRET}"
    permissions: [query-funds, query-open-trades]
    balances: {{ZUSD: "1250.00", USDT: "300.00"}}
    otp: "123456"
    tier: intermediate
    nonce_window: 10000
  - name: bot-key
    key: "KEY-TWO"
    secret: "{GOOD_SECRET}"
    permissions: [bot]
    without: [close-trades]
""",
    )
    one, two = load_accounts(path)
    assert one.otp == "123456" and one.nonce_window == 10000 and one.tier == "intermediate"
    assert two.permissions == [p for p in bot_permissions() if p != "close-trades"]
    with MockKraken([one, two]) as srv:
        res = client(srv, "view-only").query_private("Balance", {"otp": "123456"})
        assert res["result"]["ZUSD"] == "1250.0000"


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (
            'key: "K"\n    secret: "S=="\n    permissions: []',
            "keys[0], field 'name': Field required",
        ),
        (
            'name: a\n    secret: "{s}"\n    permissions: []',
            "keys[0] (name 'a'), field 'key': Field required",
        ),
        (
            'name: a\n    key: K\n    secret: "not base64!"\n    permissions: []',
            "keys[0] (name 'a'), field 'secret': is not valid base64",
        ),
        (
            'name: a\n    key: K\n    secret: "{s}"\n    permissions: [query-fund]',
            "keys[0] (name 'a'), field 'permissions': unknown permission 'query-fund'",
        ),
        (
            'name: a\n    key: K\n    secret: "{s}"\n    permissions: query-funds',
            "keys[0] (name 'a'), field 'permissions': Input should be a valid list",
        ),
        (
            'name: a\n    key: K\n    secret: "{s}"\n    permissions: []\n    tier: gold',
            "keys[0] (name 'a'), field 'tier': unknown tier 'gold'",
        ),
        (
            'name: a\n    key: K\n    secret: "{s}"\n    permissions: []\n'
            "    balances: {{ZUSD: lots}}",
            "keys[0] (name 'a'), field 'balances'",
        ),
        (
            'name: a\n    key: K\n    secret: "{s}"\n    permissions: []\n'
            "    balances: {{ZUSD: '1e999999999'}}",
            "keys[0] (name 'a'), field 'balances': 'ZUSD': amount '1e999999999' is not an amount",
        ),
        # YAML reads these as a boolean and a list: neither is an amount, whatever Decimal says
        (
            'name: a\n    key: K\n    secret: "{s}"\n    permissions: []\n'
            "    balances: {{ZUSD: true}}",
            "keys[0] (name 'a'), field 'balances': 'ZUSD': amount True is not an amount",
        ),
        (
            'name: a\n    key: K\n    secret: "{s}"\n    permissions: []\n'
            "    balances: {{ZUSD: [1250]}}",
            "keys[0] (name 'a'), field 'balances': 'ZUSD': amount [1250] is not an amount",
        ),
        (
            'name: a\n    key: K\n    secret: "{s}"\n    permissions: []\n    nonce_window: -1',
            "keys[0] (name 'a'), field 'nonce_window': Input should be greater than or equal to 0",
        ),
        (
            'name: a\n    key: K\n    secret: "{s}"\n    permissions: []\n'
            "    nonce_window: 100000000000",
            "keys[0] (name 'a'), field 'nonce_window': Input should be less than or equal to "
            "10000000000",
        ),
        (
            'name: a\n    key: K\n    secret: "{s}"\n    permissions: []\n'
            "    last_nonce: 18446744073709551616",
            "keys[0] (name 'a'), field 'last_nonce': Input should be less than or equal to",
        ),
        (
            'name: a\n    key: K\n    secret: "{s}"\n    permissions: []\n    colour: red',
            "keys[0] (name 'a'), field 'colour': unknown field",
        ),
        (
            'name: a\n    key: K\n    secret: "{s}"\n    permissions: []\n    without: [nope]',
            "keys[0] (name 'a'), field 'without': unknown permission 'nope'",
        ),
    ],
)
def test_bad_entry_names_entry_and_field(entry, expected):
    text = "keys:\n  - " + entry.format(s=GOOD_SECRET) + "\n"
    with pytest.raises(AccountsFileError) as info:
        parse_accounts(text, "accounts.yml")
    assert str(info.value).startswith("accounts.yml: ")
    assert expected in str(info.value)


def test_second_entry_is_named(tmp_path):
    good = f'  - {{name: a, key: K1, secret: "{GOOD_SECRET}", permissions: []}}\n'
    bad = f'  - {{name: b, key: K2, secret: "{GOOD_SECRET}", permissions: [fly]}}\n'
    path = write(tmp_path, "keys:\n" + good + bad)
    with pytest.raises(AccountsFileError, match=r"keys\[1\] \(name 'b'\), field 'permissions'"):
        load_accounts(path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("keys: [", "not valid YAML"),
        ("accounts: []", "expected a top-level 'keys:' list"),
        ("keys: []", "'keys' is empty"),
        ("keys:\n  - just-a-string\n", "keys[0]: expected a mapping"),
    ],
)
def test_bad_file_shape(text, expected):
    with pytest.raises(AccountsFileError, match=expected.replace("[", r"\[").replace("]", r"\]")):
        parse_accounts(text, "accounts.yml")


def test_duplicates_are_refused():
    row = '  - {{name: {n}, key: {k}, secret: "' + GOOD_SECRET + '", permissions: []}}\n'
    with pytest.raises(AccountsFileError, match=r"keys\[1\] \(name 'a'\), field 'name'"):
        parse_accounts("keys:\n" + row.format(n="a", k="K1") + row.format(n="a", k="K2"))
    with pytest.raises(AccountsFileError, match=r"keys\[1\] \(name 'b'\), field 'key'"):
        parse_accounts("keys:\n" + row.format(n="a", k="K1") + row.format(n="b", k="K1"))


def test_missing_file(tmp_path):
    with pytest.raises(AccountsFileError, match="cannot read the accounts file"):
        load_accounts(tmp_path / "nope.yml")


def test_account_in_code_is_validated():
    with pytest.raises(AccountsFileError, match="account 'x', field 'permissions'"):
        Account("x", "K", GOOD_SECRET, ["root"])


def test_add_account_refuses_duplicates(kraken_mock):
    with pytest.raises(ValueError, match="already exists"):
        kraken_mock.add_account(Account.generate("trader", []))


def test_audit_log_never_holds_a_secret_or_key(kraken_mock, make_account):
    acc = make_account(permissions=["query-funds"])
    client(kraken_mock, acc).query_private("Balance")
    client(kraken_mock, acc, kraken_mock.accounts["trader"].secret).query_private("Balance")
    client(kraken_mock, "two-factor").query_private("Balance", {"otp": "123456"})
    client(kraken_mock, "two-factor").query_private("Balance")
    client(kraken_mock, "trader").query_private("AddOrder", {"volume": "1"})
    dumped = json.dumps([r.__dict__ for r in kraken_mock.audit])
    secrets = [a.secret for a in kraken_mock.accounts.values()]
    keys = [a.key for a in kraken_mock.accounts.values()]
    otps = [a.otp for a in kraken_mock.accounts.values() if a.otp]
    assert_no_secrets(dumped, keys=keys, secrets=secrets)
    for otp in otps:
        assert otp not in dumped
    assert len(kraken_mock.audit) == 5


@pytest.mark.parametrize(
    "text",
    [
        "keys:\n  - name: a\n    nonce_window: " + "9" * 5000 + "\n",
        "keys: " + "[" * 3000 + "]" * 3000 + "\n",
    ],
)
def test_hostile_files_get_a_message_not_a_traceback(text):
    with pytest.raises(AccountsFileError, match="accounts.yml: "):
        parse_accounts(text, "accounts.yml")


def test_yaml_errors_do_not_echo_the_line():
    # A .env passed as --accounts: the message must not repeat its secret.
    secret = "GlsDKN4AgodngXpQ/DghMRclGNG52FxDQcc"
    with pytest.raises(AccountsFileError) as info:
        parse_accounts(f"keys: [\nKRAKEN_SECRET: {secret}: x\n", "accounts.yml")
    assert "line" in str(info.value) and secret[:7] not in str(info.value)
