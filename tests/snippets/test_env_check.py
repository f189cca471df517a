"""snippets/env_check.py: the bot's variables, masked, and what breaks a pasted key."""

from __future__ import annotations

import pytest
from tests.snippets.support import ENV, KEY, PASTED, SECRET, load_snippet

from kraken_doctor.mock import Account

NAME = "env_check"
MASTER = Account.generate("master", [])  # a real-looking key and secret, of Kraken's sizes
ALICE = Account.generate("alice", [])
MK, MS = ENV.master.key, ENV.master.secret


def master(key: str = MASTER.key, secret: str = MASTER.secret) -> dict[str, str]:
    return {MK: key, MS: secret}


def test_a_good_setup_is_listed_masked(snippet):
    alice_key, alice_secret = ENV.for_user("alice_example")
    env = {**master(), alice_key: ALICE.key, alice_secret: ALICE.secret, ENV.api_url: "http://x"}
    run = snippet(NAME, "alice_example", env=env)
    assert run.returncode == 0, run.output
    lines = {line.split()[0]: " ".join(line.split()[1:]) for line in run.output.splitlines()[1:6]}
    assert lines == {
        MK: f"set, ends in …{MASTER.key[-4:]}",
        MS: "set (hidden)",
        ENV.legacy.key: "not set",
        ENV.legacy.secret: "not set",
        alice_key: f"set, ends in …{ALICE.key[-4:]}",
    }
    assert f"{alice_secret} set (hidden)" in " ".join(run.output.split())
    assert f"{ENV.api_url} set to http://x" in " ".join(run.output.split())
    assert "✅ No problem found" in run.output


def test_an_api_url_that_is_no_url_is_a_problem_and_not_shown(snippet):
    """A key pasted into the URL variable would otherwise be printed in full (the snippet
    fixture checks the output for it)."""
    run = snippet(NAME, env={**master(), ENV.api_url: ALICE.key})
    assert run.returncode == 1
    assert f"{ENV.api_url} set (hidden)" in " ".join(run.output.split())
    assert f"{ENV.api_url} is not a plain address such as {ENV.default_api_url}" in run.output


@pytest.mark.parametrize("url", PASTED, ids=range(len(PASTED)))
def test_an_api_url_holding_a_key_or_a_secret_is_not_shown(snippet, url):
    """fuzz-findings F5: a key as user info, a secret in the query, a key as host name."""
    run = snippet(NAME, env={**master(), ENV.api_url: url})
    assert run.returncode == 1
    assert f"{ENV.api_url} set (hidden)" in " ".join(run.output.split())
    for part in (KEY, SECRET, KEY.replace("/", "")):
        assert part[:12] not in run.output


def test_legacy_names_alone_are_enough(snippet):
    run = snippet(NAME, env={ENV.legacy.key: MASTER.key, ENV.legacy.secret: MASTER.secret})
    assert run.returncode == 0, run.output


SECRET_NO_PAD = MASTER.secret.rstrip("=")
CASES = {
    "spaces": (master(key=f"  {MASTER.key} "), f"{MK} has spaces at the start or end"),
    "quotes": (master(secret=f'"{MASTER.secret}"'), f"{MS} is wrapped in quotes"),
    "crlf": (master(secret=MASTER.secret + "\r\n"), f"{MS} contains a line break (CR/LF)"),
    "no-padding": (master(secret=SECRET_NO_PAD), f'{MS} is cut short: a Kraken secret ends in "="'),
    "quoted-no-padding": (master(secret=f"'{SECRET_NO_PAD}'"), f"{MS} is cut short"),
    "swapped": (master(MASTER.secret, MASTER.key), f"{MK} and {MS} look swapped"),
    "blank": (master(secret="  \t "), f"{MS} is set but blank"),
    "bad-characters": (master(key=MASTER.key[:20] + " " + MASTER.key[20:]), f"{MK} has characters"),
    "half-pair": ({MK: MASTER.key}, f"{MS} is missing: set both variables of the pair."),
    "nothing-set": ({}, f"The master account has no key: set {MK} and {MS}."),
    "legacy-too": (
        {**master(), ENV.legacy.key: MASTER.key, ENV.legacy.secret: MASTER.secret},
        f"{MK} and {ENV.legacy.key} are both set: the bot ignores the legacy one.",
    ),
    "full-id-name": (
        {**master(), "KRAKEN_USER_TANIA_GILBERT_API_KEY": ALICE.key},
        "KRAKEN_USER_TANIA_GILBERT_API_KEY is not a name the bot reads: did you mean"
        " KRAKEN_USER_TANIA_API_KEY?",
    ),
    "lower-case-name": (
        {**master(), "kraken_master_api_key": MASTER.key},
        "kraken_master_api_key is not a name the bot reads: did you mean KRAKEN_MASTER_API_KEY?",
    ),
    "made-up-name": (
        {**master(), "KRAKEN_MASTER_KEY": MASTER.key},
        "KRAKEN_MASTER_KEY is not a name the bot reads: check its spelling.",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_each_problem_is_found_and_named(snippet, case):
    env, message = CASES[case]
    run = snippet(NAME, env=env)
    assert run.returncode == 1, run.output
    assert message in run.output
    assert "❌" in run.output and "✅" not in run.output
    assert MASTER.secret[-4:] not in run.output.replace(MASTER.key[-4:], "")


def test_a_user_found_in_the_environment_is_checked(snippet):
    key_name, secret_name = ENV.for_user("bob_example")
    run = snippet(NAME, env={**master(), key_name: ALICE.key, secret_name: ALICE.secret + "\n"})
    assert run.returncode == 1
    assert f"{key_name}" in run.output
    assert f"{secret_name} contains a line break (CR/LF)" in run.output


def test_colliding_first_names_and_a_user_without_variables(snippet):
    key_name, _ = ENV.for_user("john_smith")
    run = snippet(NAME, "john_smith", "john_doe", env={**master()})
    assert run.returncode == 1
    assert f"Users john_smith and john_doe both read {key_name}" in run.output
    assert run.output.count(f"  {key_name} ") == 1, "each variable is listed once"
    assert "User john_doe has no key: set {} and {}.".format(*ENV.for_user("john_doe")) in (
        run.output
    )


def test_its_variable_names_are_the_catalogs():
    snip = load_snippet(NAME)
    assert snip.MASTER == (ENV.master.key, ENV.master.secret)
    assert snip.LEGACY == (ENV.legacy.key, ENV.legacy.secret)
    assert ENV.api_url in snip.KNOWN
    for user_id in ["john_smith", "john", "alice_example", "x_y_z"]:
        assert snip.user_names(user_id) == ENV.for_user(user_id)
        assert snip.USER_NAME.fullmatch(ENV.for_user(user_id)[0])
        misspelt = ENV.for_user(user_id)[1].replace("_API", "_EXTRA_API")
        assert snip.meant(misspelt) == ENV.for_user(user_id)[1]
    assert snip.meant(ENV.master.key.lower()) == ENV.master.key
