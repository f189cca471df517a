"""`kraken-doctor demo`: the check against an embedded mock Kraken, in a chosen scenario.

This module joins the doctor and the mock (the doctor package never imports the mock). Each
scenario starts a fresh MockKraken with the demo accounts, sets it up, points the check at
it through `KRAKEN_API_URL` and the master's variables only, and returns what the check
printed. The site's `doctor_output(...)` macro calls `run_scenario` at build time.
"""

from __future__ import annotations

import base64
import hashlib
import json as json_mod
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kraken_doctor.catalog import load_catalog
from kraken_doctor.doctor.check import CheckOptions, run_check
from kraken_doctor.doctor.client import KrakenClient
from kraken_doctor.doctor.model import CheckReport
from kraken_doctor.doctor.report import render
from kraken_doctor.mock import MockKraken
from kraken_doctor.mock.audit import AuditRecord

Setup = Callable[[MockKraken, str, str], None]


def _nothing(srv: MockKraken, key: str, secret: str) -> None:
    return None


def _fault(kind: str, **opts: object) -> Setup:
    def setup(srv: MockKraken, key: str, secret: str) -> None:
        srv.set_fault(kind, **opts)

    return setup


def _use_up_counter(srv: MockKraken, key: str, secret: str) -> None:
    """Another program on the same key spends its REST counter (Balance costs 1 point)."""
    cat = load_catalog()
    limit = max(t.max_counter for t in cat.rate_tiers) * 2
    other = KrakenClient(srv.url, key, secret, timeout=5)
    try:
        for _ in range(limit):
            if not other.private("Balance").ok:
                break
    finally:
        other.close()


def unknown_key() -> tuple[str, str]:
    """A well-formed key pair the server has never seen (fixed, so the output is stable).

    Its sizes are the catalog's, so the doctor's hygiene check lets it reach the server.
    """
    kraken = load_catalog().kraken
    seed = b"kraken-doctor demo: a key that does not exist"
    key = base64.b64encode(hashlib.shake_256(seed).digest(kraken.api_key_bytes)).decode()
    secret = hashlib.shake_256(seed + b" secret").digest(kraken.secret_bytes)
    return key, base64.b64encode(secret).decode()


def _label(permission_id: str) -> str:
    return load_catalog().permission(permission_id).label


@dataclass(frozen=True)
class Scenario:
    about: str
    account: str | None  # the master's demo account; None = a key unknown to the server
    setup: Setup = field(default=_nothing)
    users: tuple[tuple[str, str], ...] = ()  # (user id, demo account) set up beside the master


SCENARIOS: dict[str, Scenario] = {
    "all-good": Scenario("a correctly set up bot key: every check passes", "trader"),
    "view-only": Scenario(
        "a key that can read balances and open orders but not trade", "view-only"
    ),
    "permission-denied": Scenario(
        f"the classic: the key can trade but not read balances ({_label('query-funds')} is off)",
        "no-query-funds",
    ),
    "withdraw-enabled": Scenario(
        f"everything works, but {_label('withdraw-funds')} is ticked: a loud warning",
        "withdraw-enabled",
    ),
    "invalid-key": Scenario("a key Kraken does not know (deleted, expired or mistyped)", None),
    "nonce-trap": Scenario(
        "a key used before by a program with nanosecond nonces: only a new key helps",
        "nonce-trap",
    ),
    "two-factor": Scenario("a key with API 2FA, checked without a one-time password", "two-factor"),
    "rate-limited": Scenario(
        "another program has used up the key's REST call counter", "trader", _use_up_counter
    ),
    "kraken-down": Scenario(
        "Kraken's CDN answers HTTP 502 with an HTML error page", "trader", _fault("http-5xx")
    ),
    "maintenance": Scenario(
        "Kraken reports system status maintenance", "trader", _fault("maintenance")
    ),
    "user-denied": Scenario(
        f"the master works, but a user's key lacks {_label('query-funds')}: the check names "
        "that user",
        "trader",
        users=(
            (load_catalog().env_vars.example_users[0], "no-query-funds"),
            (load_catalog().env_vars.example_users[1], "user-bob"),
        ),
    ),
    "no-getapikeyinfo": Scenario(
        "a server without GetApiKeyInfo: the doctor probes each permission instead",
        "trader",
        _fault("no-getapikeyinfo"),
    ),
}
DEFAULT_SCENARIO = "all-good"


@dataclass
class ScenarioRun:
    report: CheckReport
    state_changes: list[AuditRecord]
    methods: list[str]  # every method the server saw, setup calls included
    seconds: float
    api_url: str


def run_in_mock(name: str, fallback: bool = False, otp: str | None = None) -> ScenarioRun:
    """Run the check in scenario `name`; `fallback` also removes GetApiKeyInfo (the bench)."""
    if name not in SCENARIOS:
        raise ValueError(f"unknown scenario {name!r}; choose one of: {', '.join(SCENARIOS)}")
    sc = SCENARIOS[name]
    env_names = load_catalog().env_vars
    with MockKraken() as srv, tempfile.TemporaryDirectory() as empty_dir:
        if sc.account is None:
            key, secret = unknown_key()
        else:
            acc = srv.accounts[sc.account]
            key, secret = acc.key, acc.secret
        if fallback:
            srv.set_fault("no-getapikeyinfo")
        sc.setup(srv, key, secret)
        environ = {
            env_names.master.key: key,
            env_names.master.secret: secret,
            env_names.api_url: srv.url,
        }
        for user, account in sc.users:
            user_key, user_secret = env_names.for_user(user)
            environ[user_key] = srv.accounts[account].key
            environ[user_secret] = srv.accounts[account].secret
        if sc.users:  # the bot's users file, which gives each user its full id
            users_dir = Path(empty_dir) / "config" / "users"
            users_dir.mkdir(parents=True)
            entries = [
                {"user_id": u, "name": u, "account_type": "retail", "broker_type": "kraken"}
                for u, _ in sc.users
            ]
            (users_dir / "retail_kraken.json").write_text(json_mod.dumps(entries), "utf-8")
        started = time.perf_counter()
        report = run_check(CheckOptions(environ=environ, cwd=empty_dir, timeout=5, otp=otp))
        seconds = time.perf_counter() - started
        methods = [r.method for r in srv.audit]
        return ScenarioRun(report, list(srv.state_changes()), methods, seconds, srv.url)


def run_scenario(name: str, json: bool = False, shown_url: str | None = None) -> tuple[str, int]:
    """What `kraken-doctor demo --scenario NAME` prints (colour off) and its exit code.

    The embedded mock listens on a random free port; `shown_url` replaces its address in the
    text so that pages built from this output are the same on every build.
    """
    run = run_in_mock(name)
    text = render(run.report, as_json=json, color=False)
    if not json:
        text = f"Demo scenario {name}: {SCENARIOS[name].about}.\n\n" + text
    if shown_url:
        text = text.replace(run.api_url, shown_url)
    return text, run.report.exit_code
