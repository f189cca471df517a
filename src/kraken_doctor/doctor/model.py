"""The doctor's results as plain data, shared by the checks, the verdict and the report.

Everything a person or a machine reads comes from these objects, so the human text and the
JSON can never disagree. They are pydantic dataclasses (the checks build them positionally):
`REPORT` dumps a run as JSON and derives the published JSON Schema from the same types.
Nothing here holds a secret: keys appear only as their last four characters (`key_hint`, made
by `protocol.mask_key`).
"""

from __future__ import annotations

from dataclasses import field
from typing import Literal

from pydantic import ConfigDict, TypeAdapter, computed_field, field_serializer
from pydantic.dataclasses import dataclass

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
ExitCode = Literal[0, 1, 2]

#: no field but the declared ones; in the schema, every field is required (the JSON always
#: carries each, null when empty)
_CONFIG = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)


#: the account names the doctor uses, and how the bot's log labels them
MASTER = "master"
MASTER_LABEL = "MASTER"
USER_PREFIX = "USER:"


def account_label(account: str) -> str:
    """The account as the bot's log prints it: `MASTER` or `USER:<user_id>`."""
    return MASTER_LABEL if account == MASTER else f"{USER_PREFIX}{account}"


@dataclass(config=_CONFIG)
class Finding:
    """One thing a step found. `fail` means a problem to fix, `error` that a step could not run."""

    step: Step
    status: Status
    code: str
    message: str
    fix: str | None = None
    url: str | None = None
    variable: str | None = None


@dataclass(config=_CONFIG)
class CallRecord:
    """One HTTP request the doctor made, for the report and the benchmark."""

    method: str
    private: bool
    outcome: str
    cost: int
    elapsed_ms: float

    @field_serializer("elapsed_ms")
    def _tenths(self, value: float) -> float:
        return round(value, 1)


@dataclass(config=_CONFIG)
class ChecklistItem:
    """One box to change in Kraken's UI: `tick`, `untick`, or `check` (could not tell)."""

    action: Literal["tick", "untick", "check"]
    permission: str
    label: str
    group: str
    old_labels: list[str]
    reason: str
    url: str


PermState = Literal["granted", "missing", "unknown"]


@dataclass(config=_CONFIG)
class AccountReport:
    """Everything the doctor found for one account (master or one user)."""

    account: str
    key_variable: str | None = None
    secret_variable: str | None = None
    key_hint: str | None = None
    source: str | None = None
    exit_code: ExitCode = EXIT_OK
    permission_method: Literal["GetApiKeyInfo", "probes"] | None = None
    permissions: dict[str, PermState] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    checklist: list[ChecklistItem] = field(default_factory=list)
    calls: list[CallRecord] = field(default_factory=list)

    def add(self, finding: Finding) -> Finding:
        self.findings.append(finding)
        return finding

    @computed_field
    @property
    def label(self) -> str:
        """The account as the bot's log names it: `MASTER` or `USER:<user_id>`."""
        return account_label(self.account)

    def has(self, *statuses: Status) -> bool:
        return any(f.status in statuses for f in self.findings)

    @computed_field
    @property
    def private_calls(self) -> int:
        return sum(1 for c in self.calls if c.private)

    @computed_field
    @property
    def counter_points(self) -> int:
        return sum(c.cost for c in self.calls if c.private)


SCHEMA_VERSION = 1


@dataclass(config=ConfigDict(_CONFIG, title="kraken-doctor check --json"))
class CheckReport:
    """The whole run: one report per account, the server checked and the overall exit code."""

    api_url: str
    findings: list[Finding] = field(default_factory=list)
    accounts: list[AccountReport] = field(default_factory=list)
    schema_version: Literal[1] = field(default=SCHEMA_VERSION, init=False)
    tool: Literal["kraken-doctor"] = field(default="kraken-doctor", init=False)

    @computed_field
    @property
    def exit_code(self) -> ExitCode:
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


#: `kraken-doctor check --json`: REPORT.dump_python(report, mode="json"), and the schema of it
REPORT = TypeAdapter(CheckReport)
