"""snippets/permission_check*.py: a checklist of the key's boxes, by their labels in Kraken's UI,
in each client's version (krakenex, python-kraken-sdk, ccxt) with the same assertions.

Run once per permission of the catalog with a key lacking only that one: the checklist
must leave exactly that box unticked. Editing the catalog without the snippet fails here.
"""

from __future__ import annotations

import re

import pytest
from tests.snippets.support import (
    ENV,
    NOT_KRAKEN,
    STUB_SECRET,
    load_snippet,
    main_with_short_timeout,
    user_env,
    versions,
)

from kraken_doctor.catalog import Permission, load_catalog
from kraken_doctor.links import docs_url
from kraken_doctor.mock import Account

CAT = load_catalog()

name = versions("permission_check")


BOX = re.compile(r"^  \[(?P<state>[x ?])\] (?P<name>.+?)(?: \(formerly (?P<old>.*)\))?$", re.M)


def shown_name(p: Permission) -> str:
    """How the checklist must name a box: its section and its label on Kraken's page."""
    return f"{CAT.group(p.group).label} > {p.label}"


def boxes(output: str) -> dict[str, str]:
    """Checklist lines -> {box name: 'x' | ' ' | '?'}, checking each line's old labels."""
    found = {}
    for m in BOX.finditer(output):
        perm = next(p for p in CAT.permissions if shown_name(p) == m["name"])
        assert (m["old"] or "") == ", ".join(f'"{label}"' for label in perm.old_labels), m[0]
        found[m["name"]] = m["state"]
    return found


def unticked(output: str) -> set[str]:
    return {name for name, state in boxes(output).items() if state == " "}


def test_the_snippets_box_table_is_the_catalogs(name):
    snip = load_snippet(name)
    assert list(snip.PERMISSIONS) == [p.id for p in CAT.permissions]
    for p in CAT.permissions:
        section, bot, label, old = snip.PERMISSIONS[p.id]
        assert (section, label, old) == (CAT.group(p.group).label, p.label, p.old_labels)
        assert bot == ("need" if p.bot_needs else "NEVER" if p.forbidden else "-")
    assert snip.REQUIRED == [p.id for p in CAT.required_permissions]
    assert snip.NEVER == [p.id for p in CAT.forbidden_permissions]


def test_the_probes_are_the_catalogs_and_change_nothing(name):
    snip = load_snippet(name)
    catalog_probes = {p.endpoint: p.params for p in CAT.probes}
    for method, params in [*snip.PROBES.values(), ("AddOrderBatch", snip.BATCH)]:
        assert catalog_probes[method] == params, method
        endpoint = CAT.endpoint(method)
        assert (
            not endpoint.changes_state
            or params.get("validate") == "true"
            or (method == "CancelOrder")
        )


@pytest.mark.parametrize("missing", CAT.permissions, ids=lambda p: p.id)
def test_a_key_lacking_one_permission_names_exactly_that_one(
    name, snippet, make_account, as_master, missing
):
    key = make_account([p.id for p in CAT.permissions if p != missing])
    run = snippet(name, env=as_master(key))
    assert "read with GetApiKeyInfo" in run.output
    assert unticked(run.output) == {shown_name(missing)}, run.output
    assert set(boxes(run.output)) == {shown_name(p) for p in CAT.permissions}
    assert run.returncode == 1  # every other box is ticked, Withdraw's neighbours included
    verdict = run.output.split("❌ Tick these boxes", 1)
    if missing.bot_needs:
        listed = re.findall(r"^   - (.+?)(?: \(formerly .*\))?$", verdict[1], re.M)
        assert listed == [shown_name(missing)]
        assert docs_url("EGeneral:Permission denied") in verdict[1]
    else:
        assert len(verdict) == 1, "nothing the bot needs is missing"


def test_a_ready_key_passes(name, snippet, as_master):
    run = snippet(name, env=as_master("trader"))
    assert run.returncode == 0, run.output
    assert "✅ Every box the bot needs is ticked, and Withdraw is off." in run.output
    assert {shown_name(p) for p in CAT.required_permissions} <= {
        name for name, state in boxes(run.output).items() if state == "x"
    }


def test_withdraw_enabled_gets_a_loud_warning(name, snippet, as_master):
    run = snippet(name, env=as_master("withdraw-enabled"))
    assert run.returncode == 1
    withdraw = CAT.permission("withdraw-funds")
    assert f"!!! DANGER: {shown_name(withdraw)}" in run.output
    assert "IS ENABLED ON THIS KEY" in run.output
    assert "✅" not in run.output


# -- servers without GetApiKeyInfo: one harmless call per box ---------------------------------


@pytest.mark.parametrize("missing", CAT.required_permissions, ids=lambda p: p.id)
def test_probing_finds_the_one_missing_box(
    name, snippet, kraken_mock, make_account, as_master, missing
):
    kraken_mock.set_fault("no-getapikeyinfo")
    key = make_account([p.id for p in CAT.required_permissions if p != missing])
    run = snippet(name, env=as_master(key))
    assert "this server has no GetApiKeyInfo" in run.output
    assert unticked(run.output) - {shown_name(CAT.permission("withdraw-funds"))} == {
        shown_name(missing)
    }
    assert run.returncode == 1
    assert kraken_mock.state_changes() == [], "a probe changed the account"
    probed = {r.method for r in kraken_mock.audit}
    assert probed <= {"GetApiKeyInfo", *(p.endpoint for p in CAT.probes)}
    assert "Withdraw" not in probed


def test_probing_a_ready_key_passes_and_changes_nothing(name, snippet, kraken_mock, as_master):
    kraken_mock.set_fault("no-getapikeyinfo")
    run = snippet(name, env=as_master("trader"))
    assert run.returncode == 0, run.output
    assert unticked(run.output) == {shown_name(CAT.permission("withdraw-funds"))}
    assert kraken_mock.state_changes() == []


def test_probing_sees_withdraw(name, snippet, kraken_mock, as_master):
    kraken_mock.set_fault("no-getapikeyinfo")
    run = snippet(name, env=as_master("withdraw-enabled"))
    assert run.returncode == 1
    assert boxes(run.output)[shown_name(CAT.permission("withdraw-funds"))] == "x"
    assert "!!! DANGER" in run.output
    assert kraken_mock.state_changes() == []


def test_without_query_funds_withdraw_cannot_be_probed(name, snippet, kraken_mock, as_master):
    kraken_mock.set_fault("no-getapikeyinfo")
    run = snippet(name, env=as_master("no-query-funds"))
    assert boxes(run.output)[shown_name(CAT.permission("withdraw-funds"))] == "?"


# -- failures that no box fixes ------------------------------------------------------------


def test_a_wrong_key_stops_with_its_page(name, snippet, as_master):
    run = snippet(name, env=as_master(Account.generate("stranger", [])))
    assert run.returncode == 1
    assert "❌ GetApiKeyInfo failed: EAPI:Invalid key" in run.output
    assert f"How to fix it: {docs_url('EAPI:Invalid key')}" in run.output


@pytest.mark.parametrize(
    "method,error",
    [("Balance", "EService:Busy"), ("GetApiKeyInfo", "EFuture:Something new")],
    ids=["an-outage-during-probing", "an-unknown-error"],
)
def test_an_error_stops_with_its_page(name, snippet_on_stub, method, error):
    """The failed call and its page, exit 1: an outage while probing (the stub has no
    GetApiKeyInfo, so the check probes, and Balance fails), or an error without a page of its
    own, which links to the list of errors."""
    run = snippet_on_stub(name, {method: [{"error": [error]}]})
    assert run.returncode == 1
    assert f"❌ {method} failed: {error}" in run.output
    assert f"How to fix it: {docs_url(error)}" in run.output


def test_unreachable_server(name, snippet, as_master, closed_port_url):
    run = snippet(name, env={**as_master("trader"), ENV.api_url: closed_port_url})
    assert run.returncode == 1
    assert f"Could not reach Kraken at {closed_port_url} (" in run.output


def test_a_user_key_and_missing_variables(name, snippet, kraken_mock):
    env = {ENV.api_url: kraken_mock.url, **user_env("bob_example", kraken_mock.accounts["trader"])}
    run = snippet(name, "--user", "bob_example", env=env)
    assert run.returncode == 0, run.output
    assert "API key permissions for USER:bob_example" in run.output

    missing = snippet(name, "--user", "carol_example", env=env)
    assert missing.returncode == 1
    assert "set {} and {}".format(*ENV.for_user("carol_example")) in missing.output


def test_a_half_set_pair_names_the_missing_variable(name, snippet):
    run = snippet(name, env={ENV.master.secret: STUB_SECRET})
    assert run.returncode == 1
    assert f"{ENV.master.key} is not set (or blank) for MASTER" in run.output


NOT_KEY_INFO = [
    *NOT_KRAKEN,
    {"error": [], "result": None},
    {"error": [], "result": {"permissions": "query-funds"}},
    {"result": {"permissions": []}},
]


@pytest.mark.parametrize(
    "replies",
    # to GetApiKeyInfo, or to a probe: a stub without GetApiKeyInfo makes the check probe
    [{"GetApiKeyInfo": [answer]} for answer in NOT_KEY_INFO] + [{"Balance": [{}]}],
    ids=repr,
)
def test_an_answer_not_shaped_like_krakens(name, snippet_on_stub, replies):
    """A proxy, a login page or another server answered: a clear line, exit 1, no crash."""
    run = snippet_on_stub(name, replies)
    assert run.returncode == 1
    assert "is not Kraken's (no error list and result)" in run.output


def test_a_server_error(name, snippet, kraken_mock, as_master):
    kraken_mock.set_fault("http-5xx")
    run = snippet(name, env=as_master("trader"))
    assert run.returncode == 1
    assert f"Could not reach Kraken at {kraken_mock.url} (" in run.output


def test_a_server_that_never_answers(name, monkeypatch, silent_server):
    """Run in this process with a short wait: the snippet's own TIMEOUT, made smaller."""
    code = main_with_short_timeout(name, silent_server, monkeypatch)
    assert f"Could not reach Kraken at {silent_server} (" in str(code)
