"""`check` against the mock: every demo key, both permission paths, no state ever changed."""

from __future__ import annotations

import json

import pytest

from doctor_support import Reply, assert_no_secrets, check_schema, env_for, stub_server
from kraken_doctor.catalog import load_catalog
from kraken_doctor.doctor.check import CheckOptions, run_check
from kraken_doctor.doctor.report import JSON_SCHEMA, render

CAT = load_catalog()
NEEDED = [p.id for p in CAT.required_permissions]


def _run(srv, account: str | None = None, key=None, secret=None, **opts):
    """Run the check with one mock account as the master; assert no leak and no change."""
    if account is not None:
        acc = srv.accounts[account]
        key, secret = acc.key, acc.secret
    opts.setdefault("cwd", "/nonexistent-dir")
    report = run_check(CheckOptions(environ=env_for(key, secret, srv.url), timeout=5, **opts))
    text, data = render(report), render(report, as_json=True)
    every = list(srv.accounts.values())
    assert_no_secrets(
        text + data, keys=[a.key for a in every], secrets=[a.secret for a in every] + [secret]
    )
    if opts.get("otp"):
        assert opts["otp"] not in text + data
    check_schema(JSON_SCHEMA, json.loads(data))
    assert srv.state_changes() == []
    return report, report.accounts[0]


def _no_leak(rep, srv=None, keys=(), secrets=()) -> None:
    """The rendered report (text and JSON) shows no secret and no more than 4 key characters."""
    text = render(rep) + render(rep, as_json=True)
    every = list(srv.accounts.values()) if srv is not None else []
    assert_no_secrets(
        text,
        keys=[a.key for a in every] + list(keys),
        secrets=[a.secret for a in every] + list(secrets),
    )


def _codes(acc) -> set[str]:
    return {f.code for f in acc.findings}


def test_a_good_key_passes_with_one_private_call(kraken_mock) -> None:
    rep, acc = _run(kraken_mock, "trader")
    assert rep.exit_code == 0 and acc.exit_code == 0
    assert acc.permission_method == "GetApiKeyInfo"
    assert acc.private_calls == 1 and acc.checklist == []
    assert all(acc.permissions[p] == "granted" for p in NEEDED)
    assert {"authenticated", "all-needed-granted", "online"} <= _codes(acc)


def test_a_view_only_key_gets_the_boxes_to_tick(kraken_mock) -> None:
    rep, acc = _run(kraken_mock, "view-only")
    granted = set(kraken_mock.accounts["view-only"].permissions)
    assert rep.exit_code == 1
    ticks = [i.permission for i in acc.checklist if i.action == "tick"]
    assert ticks == [p for p in NEEDED if p not in granted]
    for item in acc.checklist:
        perm = CAT.permission(item.permission)
        assert item.label == perm.label and item.old_labels == perm.old_labels
        assert item.url.startswith(CAT.site.base_url)


def test_withdraw_gets_a_loud_warning_and_an_untick(kraken_mock) -> None:
    rep, acc = _run(kraken_mock, "withdraw-enabled")
    assert rep.exit_code == 1
    [f] = [f for f in acc.findings if f.code == "forbidden-withdraw-funds"]
    assert f.status == "fail" and f.message.startswith("DANGER")
    assert [(i.action, i.permission) for i in acc.checklist] == [("untick", "withdraw-funds")]


def test_allowlist_and_expiry_advice_follow_the_key_settings(kraken_mock, make_account) -> None:
    _, acc = _run(kraken_mock, "trader")
    assert {"no-ip-allowlist", "no-expiry"} <= _codes(acc)
    safer = make_account(NEEDED, ip_allowlist=["127.0.0.1/32"], valid_until=4102444800)
    rep, acc = _run(kraken_mock, safer.name)
    assert rep.exit_code == 0 and not {"no-ip-allowlist", "no-expiry"} & _codes(acc)


def test_the_classic_permission_denied_names_query_funds(kraken_mock) -> None:
    _, acc = _run(kraken_mock, "no-query-funds")
    [item] = acc.checklist
    assert (item.action, item.permission) == ("tick", "query-funds")


def test_an_unknown_key_is_invalid_key(kraken_mock, make_account) -> None:
    ghost = make_account(NEEDED)
    key, secret = ghost.key[::-1], ghost.secret
    rep, acc = _run(kraken_mock, key=key, secret=secret)
    assert rep.exit_code == 1 and "eapi-invalid-key" in _codes(acc)


def test_a_wrong_secret_is_invalid_signature(kraken_mock) -> None:
    other = kraken_mock.accounts["user-bob"].secret
    rep, acc = _run(kraken_mock, key=kraken_mock.accounts["trader"].key, secret=other)
    assert rep.exit_code == 1 and "eapi-invalid-signature" in _codes(acc)


def test_the_nonce_trap_says_only_a_new_key_helps(kraken_mock) -> None:
    rep, acc = _run(kraken_mock, "nonce-trap")
    [f] = [f for f in acc.findings if f.code == "nonce-trap"]
    assert rep.exit_code == 1 and "new API key" in f.fix
    assert acc.private_calls == 2  # one retry with a fresh nonce, no more


def test_two_factor_without_and_with_the_code(kraken_mock) -> None:
    rep, acc = _run(kraken_mock, "two-factor")
    [f] = [f for f in acc.findings if f.code == "eapi-invalid-signature"]
    assert "--otp" in f.fix and rep.exit_code == 1
    rep, acc = _run(kraken_mock, "two-factor", otp=kraken_mock.accounts["two-factor"].otp)
    assert rep.exit_code == 0


def test_an_otp_for_a_key_without_2fa_is_explained(kraken_mock) -> None:
    rep, acc = _run(kraken_mock, "trader", otp="424242")
    [f] = [f for f in acc.findings if f.code == "eapi-invalid-signature"]
    assert "without --otp" in f.fix


@pytest.mark.parametrize(
    "granted",
    [
        [],
        ["query-funds"],
        ["modify-trades"],
        ["close-trades", "query-closed-trades"],
        ["modify-trades", "close-trades", "withdraw-funds"],
        ["query-funds", "withdraw-funds", "query-open-trades"],
        NEEDED,
        [*NEEDED, "withdraw-funds", "export-data", "query-ledger"],
    ],
)
def test_the_fallback_plan_agrees_with_getapikeyinfo(kraken_mock, make_account, granted) -> None:
    acc_obj = make_account(granted)
    _, direct = _run(kraken_mock, acc_obj.name)
    kraken_mock.set_fault("no-getapikeyinfo")
    rep, probed = _run(kraken_mock, acc_obj.name)
    assert probed.permission_method == "probes"
    for pid, state in probed.permissions.items():
        if state != "unknown":
            assert state == direct.permissions[pid], pid
    for pid in NEEDED:
        assert probed.permissions[pid] == direct.permissions[pid]
    assert probed.exit_code == direct.exit_code
    tier = CAT.tier("starter")
    assert probed.counter_points <= tier.max_counter
    assert kraken_mock.rate_counter(acc_obj.name) <= tier.max_counter


def test_users_are_checked_by_their_own_variables(kraken_mock) -> None:
    bob = kraken_mock.accounts["user-bob"]
    env = env_for(bob.key, bob.secret, kraken_mock.url, account="bob_example")
    rep = run_check(CheckOptions(accounts=["bob_example"], environ=env, cwd="/nonexistent"))
    [acc] = rep.accounts
    _no_leak(rep, kraken_mock)
    assert acc.key_variable == CAT.env_vars.for_user("bob_example")[0]
    assert acc.exit_code == 0 and kraken_mock.state_changes() == []


def test_all_accounts_share_one_reachability_check(kraken_mock) -> None:
    trader, bob = kraken_mock.accounts["trader"], kraken_mock.accounts["user-bob"]
    env = {
        **env_for(trader.key, trader.secret, kraken_mock.url),
        **env_for(bob.key, bob.secret, kraken_mock.url, account="bob"),
    }
    rep = run_check(CheckOptions(accounts=["all"], environ=env, cwd="/nonexistent"))
    assert [a.account for a in rep.accounts] == ["master", "bob"]
    assert rep.exit_code == 0
    _no_leak(rep, kraken_mock)
    public = [c for c in kraken_mock.audit if c.method in ("SystemStatus", "Time")]
    assert len(public) == 2


def test_the_same_key_twice_is_flagged(kraken_mock) -> None:
    trader = kraken_mock.accounts["trader"]
    env = {
        **env_for(trader.key, trader.secret, kraken_mock.url),
        **env_for(trader.key, trader.secret, kraken_mock.url, account="bob"),
    }
    rep = run_check(CheckOptions(accounts=["master", "bob"], environ=env, cwd="/nonexistent"))
    assert all("shared-key" in _codes(a) for a in rep.accounts)
    _no_leak(rep, kraken_mock)


def _key_info_stub(answers: list[bytes]):
    """A server whose GetApiKeyInfo answers come from `answers` in turn; public calls pass."""
    status = b'{"error": [], "result": {"status": "online", "timestamp": "x"}}'

    def respond(method: str, path: str, body: bytes) -> Reply:
        if path.startswith("/0/public/SystemStatus"):
            return Reply(body=status)
        if path.startswith("/0/public/Time"):
            return Reply(body=b'{"error": [], "result": {"unixtime": 1}}')
        return Reply(body=answers.pop(0) if answers else b'{"error": ["EGeneral:Internal error"]}')

    return respond


def test_a_nonce_refused_once_means_another_program_uses_the_key() -> None:
    perms = json.dumps({"error": [], "result": {"permissions": NEEDED, "ipAllowlist": []}})
    answers = [b'{"error": ["EAPI:Invalid nonce"]}', perms.encode()]
    with stub_server(_key_info_stub(answers)) as url:
        rep = run_check(CheckOptions(environ=env_for("K" * 56, "A" * 86 + "==", url), cwd="/x"))
    acc = rep.accounts[0]
    _no_leak(rep, keys=["K" * 56], secrets=["A" * 86 + "=="])
    assert "nonce-race" in _codes(acc) and "clock-skew" in _codes(acc)
    assert acc.exit_code == 0
    assert [f.status for f in acc.findings if f.code == "nonce-race"] == ["warn"]


def test_a_rate_limit_during_the_probes_stops_them_and_says_so() -> None:
    answers = [
        b'{"error": ["EGeneral:Unknown method"]}',
        b'{"error": [], "result": {"ZUSD": "1"}}',
        b'{"error": ["EAPI:Rate limit exceeded"]}',
    ]
    with stub_server(_key_info_stub(answers)) as url:
        rep = run_check(CheckOptions(environ=env_for("K" * 56, "A" * 86 + "==", url), cwd="/x"))
    acc = rep.accounts[0]
    _no_leak(rep, keys=["K" * 56], secrets=["A" * 86 + "=="])
    assert rep.exit_code == 2 and "eapi-rate-limit-exceeded" in _codes(acc)
    assert acc.private_calls == 3 and acc.checklist == []


def test_without_getapikeyinfo_a_nonce_refused_once_is_a_race_not_a_trap() -> None:
    answers = [
        b'{"error": ["EGeneral:Unknown method"]}',
        b'{"error": ["EAPI:Invalid nonce"]}',
    ] + [b'{"error": [], "result": {}}'] * 10
    with stub_server(_key_info_stub(answers)) as url:
        rep = run_check(CheckOptions(environ=env_for("K" * 56, "A" * 86 + "==", url), cwd="/x"))
    acc = rep.accounts[0]
    _no_leak(rep, keys=["K" * 56], secrets=["A" * 86 + "=="])
    assert "nonce-race" in _codes(acc) and "nonce-trap" not in _codes(acc)
    assert acc.permission_method == "probes"


def test_probes_plan_around_a_cancel_only_market(kraken_mock) -> None:
    kraken_mock.set_fault("no-getapikeyinfo")
    kraken_mock.set_fault("maintenance", status="cancel_only")
    rep, acc = _run(kraken_mock, "trader")
    assert "status-cancel_only" in _codes(acc)
    assert acc.permission_method == "probes"
    for pid in ("query-funds", "query-open-trades", "query-closed-trades"):
        assert acc.permissions[pid] == "granted"
    # Orders are refused by the market's mode; a cancel passes, which shows that one of the
    # two order boxes is ticked but not which: both stay unverified, and the check says so.
    assert acc.permissions["modify-trades"] == acc.permissions["close-trades"] == "unknown"
    assert {"unknown-modify-trades", "unknown-close-trades"} <= _codes(acc)
    assert rep.exit_code == 2


def _bot_env(srv, master: str, users: dict[str, str]) -> dict[str, str]:
    """The environment of a bot with `master` and each user id -> demo account on `srv`."""
    env = env_for(srv.accounts[master].key, srv.accounts[master].secret, srv.url)
    for user, account in users.items():
        acc = srv.accounts[account]
        env.update(env_for(acc.key, acc.secret, srv.url, account=user))
    return env


def test_by_default_every_account_is_checked_and_a_failing_user_is_named(kraken_mock) -> None:
    env = _bot_env(kraken_mock, "trader", {"someone": "no-query-funds"})
    rep = run_check(CheckOptions(environ=env, cwd="/nonexistent"))
    assert [a.label for a in rep.accounts] == ["MASTER", "USER:someone"]
    assert [a.exit_code for a in rep.accounts] == [0, 1] and rep.exit_code == 1
    text = render(rep)
    summary = text[text.index("Every account:") :].splitlines()
    query = CAT.permission("query-funds")
    box = f"{CAT.group(query.group).label} > {query.label}"
    assert summary[1].split() == ["MASTER", "all", "well"]
    assert summary[2].startswith("  USER:someone") and f"tick {box}" in summary[2]
    assert text.rstrip().endswith("Result: problems found (exit 1).")
    data = json.loads(render(rep, as_json=True))
    check_schema(JSON_SCHEMA, data)
    assert [(a["label"], a["exit_code"]) for a in data["accounts"]] == [
        ("MASTER", 0),
        ("USER:someone", 1),
    ]
    _no_leak(rep, kraken_mock)
    assert kraken_mock.state_changes() == []


def test_an_account_with_no_box_to_tick_is_summed_up_in_words(kraken_mock) -> None:
    """An unknown key: the summary line says what is wrong in words, not a code."""
    env = _bot_env(kraken_mock, "trader", {"someone": "user-bob"})
    env[CAT.env_vars.for_user("someone")[0]] = "Q" + kraken_mock.accounts["user-bob"].key[1:]
    text = render(run_check(CheckOptions(environ=env, cwd="/nonexistent")))
    summary = " ".join(text[text.index("Every account:") :].split())
    invalid_key = CAT.error("eapi-invalid-key").string
    assert f"USER:someone problems found: Kraken does not know this API key ({invalid_key})" in (
        summary
    )


def test_all_well_only_when_every_account_is(kraken_mock) -> None:
    env = _bot_env(kraken_mock, "trader", {"bob_example": "user-bob"})
    rep = run_check(CheckOptions(environ=env, cwd="/nonexistent"))
    assert [a.label for a in rep.accounts] == ["MASTER", "USER:bob"]
    assert rep.exit_code == 0 and "Result: all well (exit 0)." in render(rep)


@pytest.mark.parametrize(
    ("names", "labels"),
    [
        (["USER:someone"], ["USER:someone"]),
        (["someone"], ["USER:someone"]),
        (["MASTER"], ["MASTER"]),
        (["master", "USER:someone"], ["MASTER", "USER:someone"]),
        (["all"], ["MASTER", "USER:someone"]),
    ],
)
def test_account_names_as_the_bots_log_prints_them(kraken_mock, names, labels) -> None:
    env = _bot_env(kraken_mock, "trader", {"someone": "no-query-funds"})
    rep = run_check(CheckOptions(accounts=names, environ=env, cwd="/nonexistent"))
    assert [a.label for a in rep.accounts] == labels and rep.findings == []
    assert rep.exit_code == (1 if "USER:someone" in labels else 0)


def test_a_user_with_only_a_secret_set_is_found_and_the_key_named() -> None:
    user_key, user_secret = CAT.env_vars.for_user("carol")
    rep = run_check(CheckOptions(environ={user_secret: "x"}, cwd="/nonexistent"))
    assert [a.label for a in rep.accounts] == ["MASTER", "USER:carol"]
    carol = rep.accounts[1]
    assert ("variable-missing", user_key) in {(f.code, f.variable) for f in carol.findings}


@pytest.mark.parametrize(("offset", "way"), [(3600, "behind"), (-3600, "ahead of")])
def test_clock_skew_names_the_direction(offset: int, way: str) -> None:
    """Kraken's clock ahead of ours means ours is behind, and the reverse (M26)."""
    import re
    import time

    refused = b'{"error": ["EAPI:Invalid nonce"]}'

    def respond(method: str, path: str, body: bytes) -> Reply:
        if path.startswith("/0/public/SystemStatus"):
            return Reply(body=b'{"error": [], "result": {"status": "online", "timestamp": "x"}}')
        if path.startswith("/0/public/Time"):
            now = int(time.time()) + offset
            return Reply(body=json.dumps({"error": [], "result": {"unixtime": now}}).encode())
        return Reply(body=refused)  # the nonce trap: every private call refused

    with stub_server(respond) as url:
        rep = run_check(CheckOptions(environ=env_for("K" * 56, "A" * 86 + "==", url), cwd="/x"))
    acc = rep.accounts[0]
    [skew] = [f for f in acc.findings if f.code == "clock-skew"]
    m = re.search(r"about (\d+) s (behind|ahead of) Kraken's", skew.message)
    assert m and m.group(2) == way and abs(int(m.group(1)) - abs(offset)) < 60
    [trap] = [f for f in acc.findings if f.code == "nonce-trap"]
    # Only a clock behind Kraken's can explain refused nonces; the trap says so then only.
    assert ("clock is also" in trap.message) is (way == "behind")
