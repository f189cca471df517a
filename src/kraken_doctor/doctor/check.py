"""`kraken-doctor check`: the guide's troubleshooting, step by step, for every account.

By default every account the bot would load is checked (the master, the users of its config
files, every user whose variables are set); `--account` picks some by the bot's log labels.

A pipeline, in the guide's order. Before any account: the API URL, then which accounts. Per
account, without the network: credentials, hygiene; then keys shared across accounts; then
with it: reachability (public calls, made once), authentication, permissions, danger and the
verdict. Each step is a module's `run(context) -> findings`; a step whose findings include
one of its stopping statuses ends the steps after it (they depend on it), so every report
ends with one clear thing to do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from kraken_doctor.catalog import Catalog, load_catalog
from kraken_doctor.doctor import (
    auth,
    credentials,
    danger,
    hygiene,
    permissions,
    probes,
    reachability,
    verdict,
)
from kraken_doctor.doctor.client import UnsafeCall
from kraken_doctor.doctor.context import CheckOptions, Context, Run
from kraken_doctor.doctor.model import CheckReport, Finding, Status

__all__ = ["CheckOptions", "run_check"]

#: a step, and the statuses among its findings that stop the steps after it
RunStep = tuple[Callable[[Run], list[Finding]], frozenset[Status]]
Step = tuple[Callable[[Context], list[Finding]], frozenset[Status]]
NONE: frozenset[Status] = frozenset()

#: before any account: a bad API URL stops everything; a bad account name only itself
RUN_STEPS: tuple[RunStep, ...] = (
    (reachability.address, frozenset({"error"})),
    (credentials.select, NONE),
)
#: per account, no network: values to fix stop the account before anything is sent
LOCAL_STEPS: tuple[Step, ...] = (
    (credentials.run, frozenset({"fail"})),
    (hygiene.run, frozenset({"fail"})),
)
#: per account, over the network; danger and the verdict read the boxes permissions found
NETWORK_STEPS: tuple[Step, ...] = (
    (reachability.run, frozenset({"error"})),
    (auth.run, frozenset({"fail", "error"})),
    (permissions.run, NONE),
    (danger.run, NONE),
    (verdict.run, NONE),
)


def _steps(ctx: Context, steps: Iterable[Step]) -> bool:
    """Run `steps` in order for one account; False once one stops the rest."""
    for step, stops in steps:
        findings = step(ctx)
        for f in findings:
            ctx.report.add(f)
        if any(f.status in stops for f in findings):
            return False
    return True


def _unsafe(exc: Exception) -> Finding:
    return Finding(
        "permissions",
        "error",
        "refused-unsafe-call",
        f"The doctor stopped: {exc}. It never sends a call that could change the account.",
        "The catalog in use asks for such a call: restore the packaged catalog, or report it.",
    )


def run_check(opts: CheckOptions | None = None, catalog: Catalog | None = None) -> CheckReport:
    """Run every step for the selected accounts. Never raises for bad input or bad servers."""
    run = Run.start(opts or CheckOptions(), catalog or load_catalog())
    for run_step, stops in RUN_STEPS:
        findings = run_step(run)
        run.report.findings.extend(findings)
        if any(f.status in stops for f in findings):
            return run.report
    contexts = [Context.open(run, account) for account in run.accounts]
    ready = [ctx for ctx in contexts if _steps(ctx, LOCAL_STEPS)]
    hygiene.across(ready)
    for ctx in ready:
        try:
            _steps(ctx, NETWORK_STEPS)
        except (UnsafeCall, probes.UnsafeProbe) as exc:
            ctx.report.add(_unsafe(exc))
        finally:
            ctx.close()
    for rep in run.report.accounts:
        rep.exit_code = verdict.exit_code(rep)
    return run.report
