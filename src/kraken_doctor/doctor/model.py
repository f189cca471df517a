"""The doctor's results as plain data, shared by the checks, the verdict and the report.

Everything a person or a machine reads comes from these objects, so the human text and the
JSON can never disagree. Nothing here holds a secret: keys appear only as their last four
characters (`key_hint`, made by `protocol.mask_key`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal["pass", "info", "warn", "fail", "error", "skip"]
Step = Literal["credentials", "hygiene", "reachability", "authentication", "permissions", "danger"]

#: the order of the steps, as the guide walks through them
STEPS: tuple[Step, ...] = (
    "credentials",
    "hygiene",
    "reachability",
    "authentication",
    "permissions",
    "danger",
)

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_COULD_NOT_RUN = 2


#: the account names the doctor uses, and how the bot's log labels them
MASTER = "master"
MASTER_LABEL = "MASTER"
USER_PREFIX = "USER:"


def account_label(account: str) -> str:
    """The account as the bot's log prints it: `MASTER` or `USER:<user_id>`."""
    return MASTER_LABEL if account == MASTER else f"{USER_PREFIX}{account}"


@dataclass
class Finding:
    """One thing a step found. `fail` means a problem to fix, `error` that a step could not run."""

    step: Step
    status: Status
    code: str
    message: str
    fix: str | None = None
    url: str | None = None
    variable: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "status": self.status,
            "code": self.code,
            "message": self.message,
            "fix": self.fix,
            "url": self.url,
            "variable": self.variable,
        }


@dataclass
class CallRecord:
    """One HTTP request the doctor made, for the report and the benchmark."""

    method: str
    private: bool
    outcome: str
    cost: int
    elapsed_ms: float

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "private": self.private,
            "outcome": self.outcome,
            "cost": self.cost,
            "elapsed_ms": round(self.elapsed_ms, 1),
        }


@dataclass
class ChecklistItem:
    """One box to change in Kraken's UI: `tick`, `untick`, or `check` (could not tell)."""

    action: Literal["tick", "untick", "check"]
    permission: str
    label: str
    group: str
    old_labels: list[str]
    reason: str
    url: str

    def to_json(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "permission": self.permission,
            "label": self.label,
            "group": self.group,
            "old_labels": list(self.old_labels),
            "reason": self.reason,
            "url": self.url,
        }


PermState = Literal["granted", "missing", "unknown"]


@dataclass
class AccountReport:
    """Everything the doctor found for one account (master or one user)."""

    account: str
    key_variable: str | None = None
    secret_variable: str | None = None
    key_hint: str | None = None
    source: str | None = None
    findings: list[Finding] = field(default_factory=list)
    permissions: dict[str, PermState] = field(default_factory=dict)
    permission_method: Literal["GetApiKeyInfo", "probes"] | None = None
    calls: list[CallRecord] = field(default_factory=list)
    checklist: list[ChecklistItem] = field(default_factory=list)
    exit_code: int = EXIT_OK

    def add(self, finding: Finding) -> Finding:
        self.findings.append(finding)
        return finding

    @property
    def label(self) -> str:
        """The account as the bot's log names it: `MASTER` or `USER:<user_id>`."""
        return account_label(self.account)

    def has(self, *statuses: Status) -> bool:
        return any(f.status in statuses for f in self.findings)

    @property
    def private_calls(self) -> int:
        return sum(1 for c in self.calls if c.private)

    @property
    def counter_points(self) -> int:
        return sum(c.cost for c in self.calls if c.private)

    def to_json(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "label": self.label,
            "key_variable": self.key_variable,
            "secret_variable": self.secret_variable,
            "key_hint": self.key_hint,
            "source": self.source,
            "exit_code": self.exit_code,
            "permission_method": self.permission_method,
            "permissions": dict(self.permissions),
            "findings": [f.to_json() for f in self.findings],
            "checklist": [c.to_json() for c in self.checklist],
            "calls": [c.to_json() for c in self.calls],
            "private_calls": self.private_calls,
            "counter_points": self.counter_points,
        }


SCHEMA_VERSION = 1


@dataclass
class CheckReport:
    """The whole run: one report per account, the server checked and the overall exit code."""

    api_url: str
    accounts: list[AccountReport] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """The worst account's: problems to fix (1) win over a check that could not run (2).

        "All well" (0) only when every account checked is well; nothing checked is 2.
        """
        codes = {a.exit_code for a in self.accounts}
        if any(f.status == "error" for f in self.findings):
            codes.add(EXIT_COULD_NOT_RUN)
        if any(f.status == "fail" for f in self.findings):
            codes.add(EXIT_PROBLEMS)
        if not self.accounts:
            codes.add(EXIT_COULD_NOT_RUN)
        for code in (EXIT_PROBLEMS, EXIT_COULD_NOT_RUN):
            if code in codes:
                return code
        return EXIT_OK

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "tool": "kraken-doctor",
            "api_url": self.api_url,
            "exit_code": self.exit_code,
            "findings": [f.to_json() for f in self.findings],
            "accounts": [a.to_json() for a in self.accounts],
        }
