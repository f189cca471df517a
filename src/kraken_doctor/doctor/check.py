"""`kraken-doctor check`: the guide's troubleshooting, step by step, for every account.

By default every account the bot would load is checked (the master, the users of its config
files, every user whose variables are set); `--account` picks some by the bot's log labels.

Order: credentials and hygiene (no network), reachability (public calls, once), then per
account authentication, permissions and danger, and the verdict. A step that fails stops the
steps that depend on it, so every report ends with one clear thing to do.
"""

from __future__ import annotations

import ipaddress
import os
import re
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kraken_doctor.catalog import Catalog, load_catalog
from kraken_doctor.doctor import (
    auth,
    credentials,
    danger,
    hygiene,
    permissions,
    probes,
    reachability,
)
from kraken_doctor.doctor import verdict as verdict_mod
from kraken_doctor.doctor.client import DEFAULT_TIMEOUT, Answer, KrakenClient, UnsafeCall
from kraken_doctor.doctor.dotenv import read_dotenv
from kraken_doctor.doctor.errors import classify, err
from kraken_doctor.doctor.model import (
    AccountReport,
    CallRecord,
    CheckReport,
    Finding,
)
from kraken_doctor.protocol import KnownError, mask_key

ALL = "all"
Progress = Callable[[str], None]


@dataclass
class CheckOptions:
    """What to check and where; the defaults read the process environment and `./.env`."""

    #: account names (`MASTER`, `USER:<id>`, `master`, a user id, `all`); empty: every account
    accounts: list[str] = field(default_factory=list)
    environ: Mapping[str, str] | None = None
    cwd: str | Path | None = None
    api_url: str | None = None
    otp: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    tier: str = "starter"
    progress: Progress | None = None


#: a run of key-alphabet characters long enough to be a key, a secret or a large part of one
_CREDENTIAL_RUN = re.compile(r"[A-Za-z0-9+/=_-]{16,}")


def _credential_shaped(text: str) -> bool:
    """Whether `text` holds something shaped like a Kraken key or secret (random base64)."""
    return any(
        any(c.isupper() for c in run)
        and any(c.islower() for c in run)
        and any(c.isdigit() for c in run)
        for run in _CREDENTIAL_RUN.findall(text)
    )


def _url_problem(url: str, default: str) -> str | None:
    """What is wrong with an API URL, in words that never repeat any part of it.

    Checked before anything is sent or looked up: a key pasted into the URL must not reach
    the screen, a DNS server or a proxy log.
    """
    not_url = f"is not an http(s) URL like {default}"
    if not url.isascii() or not url.isprintable() or any(c.isspace() for c in url):
        return not_url
    if "@" in url:
        return "carries a user name or password (the part before '@'); Kraken's API takes none"
    if "?" in url or "#" in url:
        return f"has a query ('?') or fragment ('#') part; Kraken's API address is only {default}"
    try:
        parts = urllib.parse.urlsplit(url)
        _ = parts.port  # a port that is not a number from 0 to 65535 raises ValueError
    except ValueError:  # also an unclosed IPv6 bracket: "http://[::1"
        return not_url
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return not_url
    if _credential_shaped(parts.netloc + parts.path):
        return (
            "holds text shaped like an API key or secret (in the host or the path); "
            f"Kraken's API address is only {default}"
        )
    return None


def _api_url(
    cat: Catalog, opts: CheckOptions, environ: Mapping[str, str], dotenv: Mapping[str, str]
) -> tuple[str, Finding | None]:
    var = cat.env_vars.api_url
    raw = opts.api_url
    origin = "--url"
    if raw is None:
        found = credentials.lookup(var, environ, dotenv)
        raw, origin = (found.value, found.name) if found.usable else (None, "")
    if raw is None:
        return cat.env_vars.default_api_url, None
    url = raw.strip().rstrip("/")
    default = cat.env_vars.default_api_url
    problem = _url_problem(url, default)
    if problem is None:
        return url, None
    # The value itself is never shown: a key pasted into the wrong variable, or a password
    # in the URL, would end up in the report.
    return f"({origin}: not usable)", Finding(
        "reachability",
        "error",
        "bad-api-url",
        f"{origin} {problem}.",
        f"Fix {origin}, or {'leave it out' if origin == '--url' else 'unset it'} to use {default}.",
        None,
        var if origin == var else None,
    )


def _plain_http(url: str, var: str) -> Finding | None:
    """A warning when the API key would travel unencrypted to another machine."""
    parts = urllib.parse.urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "http" or host == "localhost":
        return None
    try:
        if ipaddress.ip_address(host).is_loopback:
            return None
    except ValueError:
        pass
    return Finding(
        "reachability",
        "warn",
        "plain-http",
        f"{url} is plain http: the API key and every answer travel unencrypted.",
        f"Use an https:// URL in {var} (Kraken's is https).",
        None,
        var,
    )


@dataclass
class _Selection:
    names: list[str]  # accounts to check, in order: master first, then users
    users: list[str]  # every user id known, for the first-name collision check
    findings: list[Finding]  # bad account names, unreadable user config files


def _accounts(
    cat: Catalog, opts: CheckOptions, environ: Mapping[str, str], dotenv: Mapping[str, str]
) -> _Selection:
    """Which accounts to check: every account the bot would load unless `--account` says.

    The bot loads the master (or the legacy pair), every Kraken user of its config files and,
    by the variables' names, every user whose variables are set; a config user and a variable
    with the same first name are one account, named by the config's user id.
    """
    cwd = opts.cwd or os.getcwd()
    configs = credentials.read_user_configs(cwd)
    configured = configs.ids
    findings = list(configs.problems)
    wanted: list[str] = []
    for a in opts.accounts or [ALL]:
        if a.strip().lower() == ALL:
            wanted.append(credentials.MASTER)
            firsts = {cat.env_vars.first_name(u) for u in configured}
            wanted.extend(configured)
            wanted.extend(
                u
                for u in credentials.users_in_env(cat, environ, dotenv)
                if cat.env_vars.first_name(u) not in firsts
            )
            continue
        name = credentials.account_from(a)
        if name is None:
            example = cat.env_vars.example_users[0]
            # A key pasted into --account is not repeated back.
            shown = "That --account value" if _credential_shaped(a) else repr(a[:40])
            findings.append(
                Finding(
                    "credentials",
                    "error",
                    "bad-account",
                    f"{shown} is not an account name: use {credentials.MASTER_LABEL}, "
                    f"{credentials.label(example)} (as the bot's log prints them), {example}, "
                    f"or {ALL}.",
                    f"Pass --account {credentials.MASTER_LABEL}, --account "
                    f"{credentials.label(example)}, or leave --account out to check every "
                    "account.",
                )
            )
            continue
        wanted.append(name)
    names = list(dict.fromkeys(wanted))
    users = [a for a in dict.fromkeys(configured + names) if a != credentials.MASTER]
    return _Selection(names, users, findings)


class _Recorder:
    """Records every call for the report and shows progress while calls run."""

    def __init__(self, cat: Catalog, report: AccountReport | None, progress: Progress | None):
        self.cat = cat
        self.report = report
        self.progress = progress
        self.calls: list[CallRecord] = []

    def __call__(self, method: str, ans: Answer | None) -> None:
        if ans is None:
            if self.progress:
                self.progress(f"  {method} ...")
            return
        cost = 0
        if ans.private:
            try:
                cost = self.cat.endpoint(method).cost
            except KeyError:
                cost = 1
        rec = CallRecord(method, ans.private, ans.outcome, cost, ans.elapsed_ms)
        self.calls.append(rec)
        if self.report is not None:
            self.report.calls.append(rec)
        if self.progress:
            self.progress(f"  {method}: {ans.outcome} ({ans.elapsed_ms:.0f} ms)")


def _is_invalid_nonce(cat: Catalog, ans: Answer) -> bool:
    return bool(ans.errors) and classify(ans.errors[0], cat).slug == KnownError.INVALID_NONCE


def _private_with_nonce_retry(
    cat: Catalog, rep: AccountReport, client: KrakenClient, method: str, params: dict[str, str]
) -> Answer:
    """The first private call, retried once if Kraken refuses its nonce.

    A retry that gets past the nonce check means another program raced this one on the key
    (reported); a second refusal is left to the caller, since only it knows what it means.
    """
    ans = client.private(method, params)
    if _is_invalid_nonce(cat, ans):
        ans = client.private(method, params)
        if not ans.failure and not _is_invalid_nonce(cat, ans):
            rep.add(auth.nonce_race(cat))
    return ans


def _private_steps(
    cat: Catalog,
    rep: AccountReport,
    client: KrakenClient,
    opts: CheckOptions,
    skew: float | None,
    api_url_var: str,
) -> None:
    """Authentication, permissions and danger for one account whose values look right."""
    context = "in answer to GetApiKeyInfo"
    info = _private_with_nonce_retry(cat, rep, client, "GetApiKeyInfo", {})
    if _is_invalid_nonce(cat, info):
        rep.add(auth.nonce_trap(cat, skew))
        return
    if info.failure:
        rep.add(reachability.transport_finding(info, client.base_url, api_url_var))
        return
    key_info = None
    tier = cat.tier(opts.tier)
    if info.ok:
        rep.add(auth.passed(rep.key_hint or "..."))
        states, extra = permissions.from_key_info(info.result, cat)
        rep.permission_method = "GetApiKeyInfo"
        key_info = info.result
        for f in extra:
            rep.add(f)
        if not states:
            return
    elif classify(info.errors[0], cat).slug == KnownError.UNKNOWN_METHOD:
        rep.add(
            Finding(
                "permissions",
                "info",
                "no-getapikeyinfo",
                f"This server has no GetApiKeyInfo ({err(cat, KnownError.UNKNOWN_METHOD)}); "
                "probing each permission with calls that change nothing instead.",
            )
        )
        budget = permissions.Budget(tier.max_counter, tier.decay_per_second)
        budget.spend(cat.endpoint("GetApiKeyInfo").cost)
        first: list[Answer] = []

        def call(endpoint: str, params: dict[str, str]) -> Answer:
            if first:
                ans = client.private(endpoint, params)
            else:  # the key's first accepted call here: retry a nonce refusal once
                ans = _private_with_nonce_retry(cat, rep, client, endpoint, params)
            first.append(ans)
            return ans

        run = permissions.run_probes(call, cat, budget)
        if run.stopped is not None:
            stop = run.stopped
            if stop.failure:
                rep.add(reachability.transport_finding(stop, client.base_url, api_url_var))
            else:
                where = f"in answer to {stop.method}"
                rep.add(auth.interpret(stop, cat, bool(opts.otp), where))
            return
        if first:
            rep.add(auth.passed(rep.key_hint or "..."))
        rep.permission_method = "probes"
        states = run.states
        if states and all(v != "granted" for v in states.values()):
            rep.add(
                Finding(
                    "permissions",
                    "warn",
                    "all-probes-denied",
                    "Every probe was refused with Permission denied. A key with API 2FA and no "
                    "code, or an IP allowlist without this machine, looks the same.",
                    "If the boxes on kraken.com are ticked, check the key's 2FA and IP allowlist.",
                )
            )
    else:
        rep.add(auth.interpret(info, cat, bool(opts.otp), context))
        return
    rep.permissions = dict(states)
    for f in permissions.findings(states, cat, rep.permission_method or ""):
        rep.add(f)
    for f in danger.check(states, key_info, cat):
        rep.add(f)
    rep.checklist = verdict_mod.checklist(states, cat)


def run_check(opts: CheckOptions | None = None, catalog: Catalog | None = None) -> CheckReport:
    """Run every step for the selected accounts. Never raises for bad input or bad servers."""
    opts = opts or CheckOptions()
    cat = catalog or load_catalog()
    environ = os.environ if opts.environ is None else opts.environ
    env_file = read_dotenv(opts.cwd or os.getcwd(), environ)
    dotenv = env_file.values
    api_url, bad_url = _api_url(cat, opts, environ, dotenv)
    report = CheckReport(api_url)
    report.findings.extend(env_file.problems)
    if bad_url:
        report.findings.append(bad_url)
        return report
    plain = _plain_http(api_url, cat.env_vars.api_url)
    if plain:
        report.findings.append(plain)
    selection = _accounts(cat, opts, environ, dotenv)
    report.findings.extend(selection.findings)
    collisions = hygiene.first_name_collisions(cat.env_vars, selection.users)
    ready: list[tuple[AccountReport, credentials.Credentials]] = []
    for name in selection.names:
        creds = credentials.resolve(cat, name, environ, dotenv)
        rep = AccountReport(
            name,
            creds.key.name,
            creds.secret.name,
            None,
            creds.source if creds.key.source else None,
        )
        report.accounts.append(rep)
        for f in credentials.check(cat, creds, env_file.path):
            rep.add(f)
        for ids, f in collisions:
            if name in ids:
                rep.add(f)
        if rep.has("fail"):
            continue
        rep.key_hint = mask_key(creds.key.value or "")
        for f in hygiene.check(cat, creds):
            rep.add(f)
        if not rep.has("fail"):
            ready.append((rep, creds))
    pairs = [(r.account, c.key.name, c.key.value or "") for r, c in ready]
    shared = hygiene.shared_keys(cat, pairs)
    for ids, f in shared:
        for r, _ in ready:
            if r.account in ids:
                r.add(f)
    if ready:
        progress = opts.progress
        if progress:
            progress(f"Checking {api_url} ...")
        rec = _Recorder(cat, None, progress)
        public = KrakenClient(api_url, timeout=opts.timeout, observer=rec)
        try:
            reach, skew = reachability.check(public, cat, cat.env_vars.api_url)
        finally:
            public.close()
        for rep, creds in ready:
            rep.calls.extend(rec.calls)
            for f in reach:
                rep.add(f)
            if any(f.status == "error" for f in reach):
                continue
            if progress:
                progress(f"Account {rep.label} (key {rep.key_hint}):")
            client = KrakenClient(
                api_url,
                (creds.key.value or "").strip(),
                (creds.secret.value or "").strip(),
                otp=opts.otp,
                timeout=opts.timeout,
                observer=_Recorder(cat, rep, progress),
                catalog=cat,
            )
            try:
                _private_steps(cat, rep, client, opts, skew, cat.env_vars.api_url)
            except (UnsafeCall, probes.UnsafeProbe) as exc:
                rep.add(
                    Finding(
                        "permissions",
                        "error",
                        "refused-unsafe-call",
                        f"The doctor stopped: {exc}. It never sends a call that could "
                        "change the account.",
                        "The catalog in use asks for such a call: restore the packaged "
                        "catalog, or report it.",
                    )
                )
            finally:
                client.close()
    for rep in report.accounts:
        rep.exit_code = verdict_mod.exit_code(rep)
    return report
