"""The checklist: which boxes to tick or untick in Kraken's UI, and the exit code."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kraken_doctor.catalog import Catalog
from kraken_doctor.doctor import errors, probes
from kraken_doctor.doctor.model import (
    EXIT_COULD_NOT_RUN,
    EXIT_OK,
    EXIT_PROBLEMS,
    AccountReport,
    ChecklistItem,
    Finding,
    PermState,
)
from kraken_doctor.protocol import KnownError

if TYPE_CHECKING:
    from kraken_doctor.doctor.context import Context


def checklist(states: dict[str, PermState], cat: Catalog) -> list[ChecklistItem]:
    """Tick what the bot needs and lacks, untick what no bot may have, look at the unknown."""
    url = errors.url(cat, KnownError.PERMISSION_DENIED)
    wanted = set(probes.targets(cat))
    out = []
    for p in cat.permissions:  # catalog order = the order of the boxes in Kraken's UI
        state = states.get(p.id)
        group = cat.group(p.group).label
        if p.bot_needs and state == "missing":
            action, reason = "tick", p.why
        elif p.forbidden and state == "granted":
            action, reason = "untick", p.why
        elif p.id in wanted and state == "unknown":
            should = "ticked" if p.bot_needs else "unticked"
            shown = " if Kraken shows this box" if cat.group(p.group).note else ""
            action, reason = "check", f"could not be read; make sure it is {should}{shown}"
        else:
            continue
        out.append(ChecklistItem(action, p.id, p.label, group, list(p.old_labels), reason, url))
    return out


def exit_code(report: AccountReport) -> int:
    """1 when something must be fixed, else 2 when a step could not run, else 0."""
    if report.has("fail"):
        return EXIT_PROBLEMS
    if report.has("error"):
        return EXIT_COULD_NOT_RUN
    return EXIT_OK


def run(ctx: Context) -> list[Finding]:
    """The checklist of boxes to change, once the boxes are known; it finds nothing new."""
    if ctx.states is not None:
        ctx.report.checklist = checklist(ctx.states, ctx.cat)
    return []
