"""What the doctor's steps share: the run (catalog, options, report) and one account's check.

Each step module exposes `run(ctx) -> list[Finding]`; `check.py` adds the findings to the
report and stops the account's dependent steps when a step says so. What a step learns for
the steps after it (the API URL, the accounts, the server's clock, the key's permissions)
goes into the context, not into module state.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kraken_doctor.catalog import Catalog
from kraken_doctor.doctor import credentials
from kraken_doctor.doctor.client import DEFAULT_TIMEOUT, Answer, KrakenClient
from kraken_doctor.doctor.credentials import Credentials
from kraken_doctor.doctor.dotenv import DotenvFile, read_dotenv
from kraken_doctor.doctor.model import AccountReport, CallRecord, CheckReport, Finding, PermState

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


@dataclass
class Run:
    """The whole check: set up once, then filled in by the steps that run before any account."""

    cat: Catalog
    opts: CheckOptions
    environ: Mapping[str, str]
    env_file: DotenvFile
    report: CheckReport
    #: the accounts to check, in order, and every user id known (reachability and
    #: credentials fill these in)
    accounts: list[str] = field(default_factory=list)
    users: list[str] = field(default_factory=list)
    #: users the bot cannot tell apart: (their ids, the finding)
    collisions: list[tuple[list[str], Finding]] = field(default_factory=list)
    #: the public calls' findings, made once for every account (None: not made yet)
    public: list[Finding] | None = None
    public_calls: list[CallRecord] = field(default_factory=list)
    #: the server's clock minus ours, in seconds (None when Time did not answer)
    skew: float | None = None

    @classmethod
    def start(cls, opts: CheckOptions, cat: Catalog) -> Run:
        environ = os.environ if opts.environ is None else opts.environ
        env_file = read_dotenv(opts.cwd or os.getcwd(), environ)
        report = CheckReport(cat.env_vars.default_api_url)
        report.findings.extend(env_file.problems)
        return cls(cat, opts, environ, env_file, report)

    @property
    def dotenv(self) -> Mapping[str, str]:
        return self.env_file.values

    @property
    def api_url(self) -> str:
        return self.report.api_url

    def say(self, line: str) -> None:
        """A progress line, when the options ask for them."""
        if self.opts.progress:
            self.opts.progress(line)

    def recorder(self, report: AccountReport | None) -> Callable[[str, Answer | None], None]:
        """The client's observer: each call recorded with its cost on Kraken's REST counter
        (the catalog's; 1 for an endpoint it lacks), and shown as progress."""

        def record(method: str, ans: Answer | None) -> None:
            if ans is None:
                self.say(f"  {method} ...")
                return
            cost = 0
            if ans.private:
                try:
                    cost = self.cat.endpoint(method).cost
                except KeyError:
                    cost = 1
            rec = CallRecord(method, ans.private, ans.outcome, cost, ans.elapsed_ms)
            (report.calls if report is not None else self.public_calls).append(rec)
            self.say(f"  {method}: {ans.outcome} ({ans.elapsed_ms:.0f} ms)")

        return record


@dataclass
class Context:
    """One account's check: what its steps read, and what each leaves for the next."""

    run: Run
    report: AccountReport
    creds: Credentials
    #: GetApiKeyInfo's answer (authentication); None until made
    key_info: Answer | None = None
    #: the key's permission boxes, once known (permissions)
    states: dict[str, PermState] | None = None
    _client: KrakenClient | None = None

    @property
    def cat(self) -> Catalog:
        return self.run.cat

    @property
    def opts(self) -> CheckOptions:
        return self.run.opts

    @property
    def key_result(self) -> Any:
        """GetApiKeyInfo's result, when the server answered it (None on a probed server)."""
        info = self.key_info
        return info.result if info is not None and info.ok else None

    @property
    def client(self) -> KrakenClient:
        """The account's signed client, made on first use; `close` ends it."""
        if self._client is None:
            self._client = KrakenClient(
                self.run.api_url,
                (self.creds.key.value or "").strip(),
                (self.creds.secret.value or "").strip(),
                otp=self.opts.otp,
                timeout=self.opts.timeout,
                observer=self.run.recorder(self.report),
                catalog=self.cat,
            )
        return self._client

    @classmethod
    def open(cls, run: Run, account: str) -> Context:
        """The account's check, with the pair the bot would use for it, in the run's report."""
        creds = credentials.resolve(run.cat, account, run.environ, run.dotenv)
        report = AccountReport(
            account,
            creds.key.name,
            creds.secret.name,
            None,
            creds.source if creds.key.source else None,
        )
        run.report.accounts.append(report)
        return cls(run, report, creds)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
